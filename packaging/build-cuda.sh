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
# Environment: CUDA_COMPUTE_CAP (default 90: H100/H200), CUDA_VENV (where the wheels
# go, default ~/.cache/photo-atlas/cuda-venv), CARGO_TARGET_DIR (default target/cuda).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${CUDA_VENV:-$HOME/.cache/photo-atlas/cuda-venv}
if [ ! -f "$venv/.wheels-installed" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet \
        'nvidia-cuda-nvcc==13.*' 'nvidia-cuda-runtime==13.*' 'nvidia-cuda-crt==13.*' \
        'nvidia-nvvm==13.*' 'nvidia-cuda-cccl==13.*' 'nvidia-cuda-nvrtc==13.*' \
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
# cudarc 0.19 knows CUDA up to 13.4; newer 13.x compilers build the same code.
export CUDARC_CUDA_VERSION=${CUDARC_CUDA_VERSION:-13040}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target/cuda}
cargo build --release --locked --features cuda
binary="$CARGO_TARGET_DIR/release/photo-atlas"
echo "built $binary; shared libraries it needs at start:"
readelf -d "$binary" | grep NEEDED
if [ "${1:-}" = "--benches" ]; then
    cargo bench --no-run --locked --features cuda --bench features --bench conv_autoencoder
fi
