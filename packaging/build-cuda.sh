#!/usr/bin/env bash
# Builds the CUDA release binary (`--features cuda`) on a machine with no GPU and no CUDA
# toolkit, using NVIDIA's CUDA 13 wheels from PyPI as the toolkit.
#
# candle links the CUDA libraries (cudarc's `dynamic-linking`; cudarc refuses to combine
# it with loading them at run time), so the binary needs, where it runs, the NVIDIA driver
# (libcuda.so.1) and the CUDA 13 libraries libcudart.so.13, libcublas.so.13, libcublasLt.so.13,
# libcurand.so.10 and libnvrtc.so.13 (from a CUDA 13 toolkit, or these same wheels' `lib`
# folder on LD_LIBRARY_PATH). The driver library is not in the wheels: for linking, a
# stand-in libcuda.so.1 is made from the function names cudarc's bindings declare; the
# real one is used at run time.
#
#   packaging/build-cuda.sh            # -> $CARGO_TARGET_DIR/release/photo-atlas
#   packaging/build-cuda.sh --benches  # also the features and conv_autoencoder benches
#                                      # (run them with `--device cuda`)
#
# Environment: CUDA_COMPUTE_CAP (default 90: H100/H200), CUDA_TOOLKIT_VERSION (default
# 13.0), CUDA_VENV (where the wheels go, default ~/.cache/photo-atlas/cuda-venv-13.0),
# CARGO_TARGET_DIR (default target/cuda). After changing the toolkit, run
# `cargo clean --release -p candle-kernels` in that target folder: cargo does not rebuild
# the kernels when only the compiler changed.
set -euo pipefail
cd "$(dirname "$0")/.."

# The compiler must not be newer than the driver where the binary runs: candle's kernels
# are PTX, which a driver refuses from a newer toolkit (CUDA_ERROR_UNSUPPORTED_PTX_VERSION,
# seen with nvcc 13.5 on driver 580, which is CUDA 13.0). 13.0 runs on every CUDA 13 driver.
toolkit=${CUDA_TOOLKIT_VERSION:-13.0}
venv=${CUDA_VENV:-$HOME/.cache/photo-atlas/cuda-venv-$toolkit}
if [ ! -f "$venv/.wheels-installed" ]; then
    python3 -m venv "$venv"
    v=$toolkit
    "$venv/bin/pip" install --quiet \
        "nvidia-cuda-nvcc==$v.*" "nvidia-cuda-runtime==$v.*" "nvidia-cuda-crt==$v.*" \
        "nvidia-nvvm==$v.*" "nvidia-cuda-cccl==$v.*" "nvidia-cuda-nvrtc==$v.*" \
        'nvidia-cublas==13.*' 'nvidia-curand==10.*'
    touch "$venv/.wheels-installed"
fi
cuda=$(echo "$venv"/lib/python3*/site-packages/nvidia/cu13)
[ -x "$cuda/bin/nvcc" ] || { echo "nvcc not found under $cuda" >&2; exit 1; }

# Unversioned names for the linker: links to the wheels' libraries, and the libcuda stand-in.
mkdir -p "$cuda/lib/stubs"
for lib in cudart cublas cublasLt curand nvrtc; do
    real=$(ls "$cuda/lib/lib$lib.so."* | grep -v builtins | head -n 1)
    ln -sf "$(basename "$real")" "$cuda/lib/lib$lib.so"
done
if [ ! -f "$cuda/lib/stubs/libcuda.so" ]; then
    cargo fetch --locked
    bindings=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/cudarc-0.19.*/src/driver/sys/mod.rs | tail -n 1)
    # Every function answers CUDA_ERROR_STUB_LIBRARY (34), as NVIDIA's own stub does.
    grep -o 'fn cu[A-Za-z0-9_]*(' "$bindings" | sort -u | sed 's/fn \(.*\)(/int \1(void) { return 34; }/' \
        | cc -shared -fPIC -x c - -Wl,-soname,libcuda.so.1 -o "$cuda/lib/stubs/libcuda.so"
fi

version=$("$cuda/bin/nvcc" --version | sed -n 's/.*release \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
echo "nvcc: CUDA $version, compute capability ${CUDA_COMPUTE_CAP:-90}"
export PATH="$cuda/bin:$PATH" CUDA_ROOT="$cuda" CUDA_COMPUTE_CAP=${CUDA_COMPUTE_CAP:-90}
# cudarc's bindings for this CUDA version (it knows 13.0 to 13.4).
export CUDARC_CUDA_VERSION=${CUDARC_CUDA_VERSION:-$(echo "$version" | awk '{m = ($2 > 4 ? 4 : $2); printf "%d", $1 * 1000 + m * 10}')}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target/cuda}
cargo build --release --locked --features cuda
binary="$CARGO_TARGET_DIR/release/photo-atlas"
echo "built $binary; shared libraries it needs at start:"
readelf -d "$binary" | grep NEEDED
if [ "${1:-}" = "--benches" ]; then
    cargo bench --no-run --locked --features cuda --bench features --bench conv_autoencoder
fi
