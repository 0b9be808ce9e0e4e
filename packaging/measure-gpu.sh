#!/usr/bin/env bash
# Measures the CUDA build on a GPU machine, CPU and GPU side by side (the GPU issue).
# Run from the repository root on the GPU machine, with the binaries from
# packaging/build-cuda.sh (xz-compressed or not) in BIN and the labelled sets in DATA:
#
#   packaging/measure-gpu.sh PHASE[,PHASE...] BIN DATA
#
# Phases, each for cuda or cpu: flowers-D (cluster + eval the 4,317 flowers, then cluster
# them with augmented copies, 21,585 photos), intel-D (eval intel-scenes), benches-D (the
# network-only benches found in BIN, and PyTorch's figures from models/reference_speed.py),
# and pixels-cuda (eval flowers with the convolutional autoencoder on pixels).
#
# Logs go to $OUT (default /tmp/measure-gpu); a summary line per step goes to stdout.
# Each step has a time limit, so that one slow step cannot take the others with it.
set -uo pipefail

phase=$1 bin=$2 data=${3:-}
out=${OUT:-/tmp/measure-gpu}
work=/tmp/measure-gpu-work
mkdir -p "$out" "$work"

# The CUDA 13 libraries: PyTorch's wheels on the GPU machine carry them.
lib=$(dirname "$(find /opt /usr /usr/local -name 'libcublas.so.13*' 2>/dev/null | head -n 1)")
export LD_LIBRARY_PATH="$lib:${LD_LIBRARY_PATH:-}"

unpacked() {
    local name=$1
    if [ -f "$bin/$name.xz" ] && [ ! -x "$work/$name" ]; then
        xz -dc "$bin/$name.xz" >"$work/$name" && chmod +x "$work/$name"
    elif [ -f "$bin/$name" ]; then
        cp "$bin/$name" "$work/$name"
    fi
    echo "$work/$name"
}

# step NAME LIMIT COMMAND...: runs it, logs everything, prints the last lines.
step() {
    local name=$1 limit=$2
    shift 2
    local start=$SECONDS
    timeout "$limit" "$@" >"$out/$name.log" 2>&1
    local rc=$?
    echo "== $name: exit $rc, $((SECONDS - start)) s"
    grep -v '^\s*$' "$out/$name.log" | grep -v '\r' | tail -n 6
}

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
echo "CPU: $(nproc) cores; CUDA libraries from $lib"

# cluster-and-eval DEVICE: the flowers (4,317 photos) clustered and scored, then 21,585.
flowers_on() {
    local device=$1 pa augment flowers="$data/flowers"
    pa=$(unpacked photo-atlas)
    augment=$(unpacked augment_library)
    step "cluster-flowers-$device" 300 "$pa" --catalog "$work/flowers-$device.db" \
        cluster "$flowers" --device "$device"
    step "eval-flowers-$device" 300 "$pa" --catalog "$work/flowers-$device.db" \
        eval "$flowers" --labels "$flowers/labels.csv" --device "$device"
    [ -d "$work/flowers-20k" ] || step augment 120 "$augment" "$flowers" "$work/flowers-20k" --copies 4
    echo "photos: $(find "$work/flowers-20k" -name '*.jpg' | wc -l)"
    step "cluster-20k-$device" 400 "$pa" --catalog "$work/20k-$device.db" \
        cluster "$work/flowers-20k" --device "$device"
}

benches_on() {
    local device=$1
    if [ -e "$bin/features.xz" ] || [ -e "$bin/features" ]; then
        for batch in 16 64; do
            step "bench-features-$device-$batch" 120 "$(unpacked features)" --device "$device" --batch "$batch"
        done
    fi
    if [ -e "$bin/conv_autoencoder.xz" ] || [ -e "$bin/conv_autoencoder" ]; then
        step "bench-conv-$device" 180 "$(unpacked conv_autoencoder)" --device "$device"
    fi
    step "pytorch-$device" 240 python3 models/reference_speed.py --device "$device"
}

for part in ${phase//,/ }; do
    case $part in
    flowers-cuda | flowers-cpu) flowers_on "${part#flowers-}" ;;
    pixels-cuda)
        step eval-flowers-pixels-conv-cuda 300 "$(unpacked photo-atlas)" --catalog "$work/flowers-cuda.db" \
            eval "$data/flowers" --labels "$data/flowers/labels.csv" --device cuda --features pixels --autoencoder conv
        ;;
    intel-cuda | intel-cpu)
        step "eval-$part" 300 "$(unpacked photo-atlas)" --catalog "$work/$part.db" \
            eval "$data/intel-scenes" --labels "$data/intel-scenes/labels.csv" --device "${part#intel-}"
        ;;
    benches-cuda | benches-cpu) benches_on "${part#benches-}" ;;
    *)
        echo "unknown phase $part" >&2
        exit 2
        ;;
    esac
done
