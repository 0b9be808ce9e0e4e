#!/usr/bin/env bash
# Scan speed against the field's reference tools, on the same files, in the same run.
#
#   1. metadata only: `photo-atlas scan --no-thumbnails`  vs  `exiftool -fast2` (same tags)
#   2. 256 px thumbnails: `photo-atlas scan`  vs  `vipsthumbnail --size 256` run as 2 processes
#
# Sets: "camera" = the exif-samples JPEGs of 1 megapixel or more, copied 10 times (real camera
# files, 1-12 MP); "flowers" = ../shared/data/labeled/flowers (4,317 small Flickr JPEGs);
# "heic" = the exif-samples HEIC/HEIF phone photos (iPhone 11 and 13, Nokia 8.3; 0.3-16 MP),
# copied 10 times (libvips decodes them through libheif too).
# Needs: libimage-exiftool-perl, libvips-tools (Debian). Prints figures; asserts nothing.
# Usage: [SETS="camera heic"] benches/scan_vs_reference.sh [DATA_DIR]
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

mkdir -p "$WORK/heic"
for copy in $(seq 1 10); do
  mkdir -p "$WORK/heic/$copy"
  find "$DATA/exif-samples/heic" -type f -iname '*.hei[cf]' -exec cp {} "$WORK/heic/$copy/" \;
done

now() { date +%s.%N; }
# median_time CMD...: runs CMD 3 times (after `reset`, which clears its outputs) and prints the median seconds.
median_time() {
  local times=()
  for _ in 1 2 3; do
    reset; local t0; t0=$(now); "$@" > /dev/null 2>&1 || true; times+=("$(echo "$(now) - $t0" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -g | sed -n 2p
}
row() { # set files tool seconds
  awk -v s="$1" -v n="$2" -v t="$3" -v sec="$4" 'BEGIN { printf "%-8s %6d  %-44s %8.2f s %9.1f files/s\n", s, n, t, sec, n / sec }'
}
TAGS=(-n -DateTimeOriginal -CreateDate -OffsetTimeOriginal -Orientation -GPSLatitude -GPSLongitude
      -GPSAltitude -Make -Model -ImageWidth -ImageHeight)
vips_two_processes() { # dir n out pattern
  find "$1" -iname "$4" -print0 | xargs -0 -P 2 -n $(( ($2 + 1) / 2 )) vipsthumbnail --size 256 -o "$3/%s.jpg"
}

echo "median of 3 runs each; page cache warm; 2 cores"
printf "%-8s %6s  %-44s %10s %15s\n" set files tool time rate
for set in ${SETS:-camera flowers heic}; do
  dir=$WORK/$set; [ "$set" = flowers ] && dir=$DATA/labeled/flowers
  pattern='*.jp*g'; [ "$set" = heic ] && pattern='*.hei[cf]'
  n=$(find "$dir" -iname "$pattern" | wc -l)
  find "$dir" -type f -exec cat {} + > /dev/null   # warm the page cache for everyone
  S=$WORK/state
  reset() { rm -rf "$S"; mkdir -p "$S/vips"; }
  export PHOTO_ATLAS_CACHE=$S/cache
  row $set "$n" "photo-atlas scan --no-thumbnails" "$(median_time "$BIN" --catalog "$S/c.sqlite" scan "$dir" --no-thumbnails)"
  row $set "$n" "exiftool -fast2 (same tags)" "$(median_time exiftool -fast2 -r -q -q -json "${TAGS[@]}" "$dir")"
  row $set "$n" "photo-atlas scan (256 px thumbnails)" "$(median_time "$BIN" --catalog "$S/c.sqlite" scan "$dir")"
  row $set "$n" "vipsthumbnail --size 256 (2 processes)" "$(median_time vips_two_processes "$dir" "$n" "$S/vips" "$pattern")"
done
