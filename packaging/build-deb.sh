#!/usr/bin/env bash
# Builds the Debian package with cargo-packager (installing it if needed):
# target/packages/photo-atlas_<version>_<arch>.deb. Prints the package and its size.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-packager >/dev/null || cargo install cargo-packager --locked
cargo packager --formats deb
deb=$(ls -t target/packages/*.deb | head -1)
echo "built $deb ($(du -h "$deb" | cut -f1), $(stat -c %s "$deb") bytes)"
