#!/usr/bin/env bash
# Scan speed against the field's reference tools, on the same files, in the same run.
#
#   1. metadata only: `photo-atlas scan --no-thumbnails`  vs  `exiftool -fast2` (same tags)
#   2. 256 px thumbnails: `photo-atlas scan`  vs  `vipsthumbnail --size 256` run as 2 processes
#
# Sets: "camera" = the exif-samples JPEGs of 1 megapixel or more, copied 10 times (real camera
# files, 1-12 MP); "flowers" = ../shared/data/labeled/flowers (4,317 small Flickr JPEGs).
# Needs: libimage-exiftool-perl, libvips-tools (Debian). Prints figures; asserts nothing.
# Usage: benches/scan_vs_reference.sh [DATA_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-../shared/data}
[ -d "$DATA/exif-samples" ] || { echo "shared data not found at $DATA" >&2; exit 1; }
command -v exiftool >/dev/null && command -v vipsthumbnail >/dev/null ||
  { echo "install exiftool and vipsthumbnail: apt-get install libimage-exiftool-perl libvips-tools" >&2; exit 1; }
cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-target}/release/photo-atlas
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT

mkdir -p "$WORK/camera"
BIG=$(python3 - "$DATA" <<'PY'
import csv, sys
rows = csv.DictReader(open(sys.argv[1] + "/exif-samples/exiftool-manifest.csv"))
for r in rows:
    if r["FileType"] == "JPEG" and r["ImageWidth"] and int(r["ImageWidth"]) * int(r["ImageHeight"]) >= 1_000_000:
        print(r["SourceFile"].replace("ianare-exif-samples/", ""))
PY
)
for copy in $(seq 1 10); do
  mkdir -p "$WORK/camera/$copy"
  for f in $BIG; do cp "$DATA/exif-samples/$f" "$WORK/camera/$copy/$(echo "$f" | tr / _)"; done
done

now() { date +%s.%N; }
row() { # set files tool seconds
  awk -v s="$1" -v n="$2" -v t="$3" -v sec="$4" 'BEGIN { printf "%-8s %6d  %-44s %8.2f s %9.1f files/s\n", s, n, t, sec, n / sec }'
}
TAGS=(-n -DateTimeOriginal -CreateDate -OffsetTimeOriginal -Orientation -GPSLatitude -GPSLongitude
      -GPSAltitude -Make -Model -ImageWidth -ImageHeight)

printf "%-8s %6s  %-44s %10s %15s\n" set files tool time rate
for set in camera flowers; do
  dir=$WORK/camera; [ $set = flowers ] && dir=$DATA/labeled/flowers
  n=$(find "$dir" -iname '*.jp*g' | wc -l)
  find "$dir" -type f -exec cat {} + > /dev/null   # warm the page cache for everyone

  t0=$(now); "$BIN" --catalog "$WORK/$set-meta.sqlite" scan "$dir" --no-thumbnails 2>/dev/null; t1=$(now)
  row $set "$n" "photo-atlas scan --no-thumbnails" "$(echo "$t1 - $t0" | bc)"
  t0=$(now); exiftool -fast2 -r -q -q -json "${TAGS[@]}" "$dir" > /dev/null || true; t1=$(now)
  row $set "$n" "exiftool -fast2 (same tags)" "$(echo "$t1 - $t0" | bc)"

  t0=$(now); PHOTO_ATLAS_CACHE=$WORK/$set-cache "$BIN" --catalog "$WORK/$set-thumbs.sqlite" scan "$dir" 2>/dev/null; t1=$(now)
  row $set "$n" "photo-atlas scan (256 px thumbnails)" "$(echo "$t1 - $t0" | bc)"
  mkdir -p "$WORK/vips-$set"
  t0=$(now)
  find "$dir" -iname '*.jp*g' -print0 | xargs -0 -P 2 -n $(( (n + 1) / 2 )) vipsthumbnail --size 256 -o "$WORK/vips-$set/%s.jpg" 2>/dev/null || true
  t1=$(now)
  row $set "$n" "vipsthumbnail --size 256 (2 processes)" "$(echo "$t1 - $t0" | bc)"
done
