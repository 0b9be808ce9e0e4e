#!/usr/bin/env bash
# Builds the Debian package with cargo-packager (installing it if needed):
# target/packages/photo-atlas_<version>_<arch>.deb. Prints the package and its size.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-packager >/dev/null || cargo install cargo-packager --locked
# cargo-packager takes the binary from target/dist (binaries-dir in Cargo.toml); with a
# CARGO_TARGET_DIR elsewhere the build lands there, so copy it, or a stale one is packaged.
cargo build --profile dist --locked
built_dir=${CARGO_TARGET_DIR:-target}/dist
if [ "$(realpath -m "$built_dir")" != "$(realpath -m target/dist)" ]; then
  mkdir -p target/dist
  cp "$built_dir/photo-atlas" target/dist/photo-atlas
fi
cargo packager --formats deb
deb=$(ls -t target/packages/*.deb | head -1)
echo "built $deb ($(du -h "$deb" | cut -f1), $(stat -c %s "$deb") bytes)"
