#!/usr/bin/env bash
# Renders the app icon (assets/icon.svg, the source) at the freedesktop sizes into
# packaging/icons/hicolor, and refreshes assets/icon-256.png, which the window uses.
# Needs rsvg-convert (Debian: librsvg2-bin). The results are committed, so packaging
# does not need it.
set -euo pipefail
cd "$(dirname "$0")/.."
for size in 16 24 32 48 64 128 256 512; do
  dir=packaging/icons/hicolor/${size}x${size}/apps
  mkdir -p "$dir"
  rsvg-convert -w "$size" -h "$size" assets/icon.svg -o "$dir/photo-atlas.png"
done
mkdir -p packaging/icons/hicolor/scalable/apps
cp assets/icon.svg packaging/icons/hicolor/scalable/apps/photo-atlas.svg
rsvg-convert -w 256 -h 256 assets/icon.svg -o assets/icon-256.png
echo "icons rendered"
