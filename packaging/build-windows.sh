#!/usr/bin/env bash
# Cross-builds Photo Atlas for 64-bit Windows here (Linux) and packs its installer:
#   target/windows/photo-atlas.exe                    the window and the command line
#   target/windows/photo-atlas-<version>-setup.exe    per-user NSIS installer
# Needs the Rust target x86_64-pc-windows-gnu (added with rustup if missing) and
# Debian's gcc-mingw-w64-x86-64 and nsis. The model weights, map and names are
# compiled in as on Linux. HEIC/AVIF decoding (libheif, a C library not built for
# Windows here) is left out: such photos are catalogued with their metadata and
# the program says "HEIC needs libheif" where it matters.
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-pc-windows-gnu
rustup target list --installed | grep -qx "$target" || rustup target add "$target"
for tool in x86_64-w64-mingw32-gcc:gcc-mingw-w64-x86-64 makensis:nsis; do
  command -v "${tool%%:*}" >/dev/null && continue
  [ "$(id -u)" = 0 ] || { echo "missing ${tool%%:*}: apt-get install ${tool##*:}" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${tool##*:}" >/dev/null
done
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
# The dist profile (release, stripped, thin LTO), without the default `heif` feature.
cargo build --profile dist --locked --target "$target" --no-default-features --bin photo-atlas
built=${CARGO_TARGET_DIR:-target}/$target/dist/photo-atlas.exe
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
out=target/windows
mkdir -p "$out"
cp "$built" "$out/photo-atlas.exe"
exe=$(realpath "$out/photo-atlas.exe")
setup=$(realpath -m "$out/photo-atlas-$version-setup.exe")
(cd packaging/windows && makensis -V2 -DVERSION="$version" -DEXE="$exe" -DOUT="$setup" installer.nsi)
echo "built $out/photo-atlas.exe ($(du -h "$out/photo-atlas.exe" | cut -f1)) and $setup ($(du -h "$setup" | cut -f1))"
