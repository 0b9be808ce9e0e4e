#!/usr/bin/env bash
# Proves the Windows build under Wine, on this Linux machine, from a clean clone:
#  1. builds photo-atlas.exe and its installer (build-windows.sh) and the Linux build;
#  2. installs it silently (/S) into a fresh Wine prefix, per user, and checks the
#     program, its Start-menu shortcuts and its "Apps & features" entry;
#  3. copies ../shared/data/exif-samples into a folder with a non-ASCII name and
#     runs the installed program on it, given as a Windows path (Z:\...): `scan
#     --json`, `groups --by date|place|cluster --json` (after `cluster`) and
#     `similar`, and compares each with the Linux build's output on the same photos,
#     paths aside (both catalogs start empty; Windows' lives in %APPDATA%);
#  4. opens the installed window on the folder under Xvfb and saves a screenshot;
#  5. uninstalls silently and checks that the program is gone and the catalog stays.
# Wine 8 (Debian 12) lacks ProcessPrng, which Rust's standard library calls at start:
# the prefix (not the installer) is given a stand-in bcryptprimitives.dll built from
# packaging/windows/processprng.c. Needs wine64, xvfb, gcc-mingw-w64-x86-64 and nsis
# (installed with apt-get when missing and run as root).
# Prints what it compared; exits non-zero at the first difference.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
data=${PHOTO_ATLAS_DATA:-$repo/../shared/data}/exif-samples
[ -d "$data" ] || { echo "no exif-samples at $data" >&2; exit 1; }
need() { # COMMAND PACKAGE
  command -v "$1" >/dev/null && return
  [ "$(id -u)" = 0 ] || { echo "missing $1: apt-get install $2" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null
}
need wine wine64
need Xvfb xvfb
need x86_64-w64-mingw32-gcc gcc-mingw-w64-x86-64
need makensis nsis
need python3 python3
[ "${SKIP_BUILD:-}" = 1 ] || packaging/build-windows.sh
# The Linux build to compare with leaves out libheif too, as the Windows build does.
[ "${SKIP_BUILD:-}" = 1 ] || cargo build --release --locked --no-default-features --bin photo-atlas
setup=$(ls -t target/windows/photo-atlas-*-setup.exe | head -1)

work=$(mktemp -d /tmp/photo-atlas-wine.XXXXXX)
linux_bin=$work/photo-atlas-linux
echo "working in $work"
cp "${CARGO_TARGET_DIR:-target}/release/photo-atlas" "$linux_bin"
export WINEPREFIX=$work/prefix WINEARCH=win64 WINEDEBUG=-all
export WINEDLLOVERRIDES="bcryptprimitives=n,b;mscoree=;mshtml=;winemenubuilder.exe="
Xvfb :73 -screen 0 1400x900x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; wineserver -k 2>/dev/null || true' EXIT
export DISPLAY=:73
wineboot -i >/dev/null 2>&1
wineserver -w
x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  packaging/windows/processprng.c
echo "stand-in bcryptprimitives.dll (ProcessPrng) given to the Wine prefix, not installed by the installer"

user_dir="$WINEPREFIX/drive_c/users/$(whoami)"
wine "$setup" /S
wineserver -w
installed="$user_dir/AppData/Local/Programs/Photo Atlas"
menu="$user_dir/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Photo Atlas"
for f in "$installed/photo-atlas.exe" "$installed/Uninstall Photo Atlas.exe" \
  "$menu/Photo Atlas.lnk" "$menu/Uninstall Photo Atlas.lnk"; do
  [ -f "$f" ] || { echo "not installed: $f" >&2; exit 1; }
done
wine reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\PhotoAtlas' /v DisplayName | grep -q "Photo Atlas"
echo "installed per user: $installed (shortcuts in the Start menu, entry in Apps & features)"

lib="$work/Photos été 2023"
cp -r "$data" "$lib"
winlib="Z:$(printf '%s' "$lib" | tr / '\\')"
exe="$installed/photo-atlas.exe"
linux_state=$work/linux-state
mkdir -p "$work/out"
# Each output with the folder's own path taken out, separators made one kind, and
# numbers rounded to 9 decimals (the two C maths libraries differ in the last digit
# of a mean of coordinates); lines sorted (Windows sorts "\\" after letters).
normalise() {
  python3 -c '
import json, sys
folders = sys.argv[1:]
def clean(text):
    for f in folders:
        text = text.replace(f, "LIB")
    return text.replace("\\", "/")
def tidy(v):
    if isinstance(v, float):
        return round(v, 9)
    if isinstance(v, str):
        return clean(v)
    if isinstance(v, list):
        return [tidy(x) for x in v]
    if isinstance(v, dict):
        return {k: tidy(x) for k, x in v.items()}
    return v
out = []
for line in sys.stdin.read().replace("\r", "").splitlines():
    try:
        out.append(json.dumps(tidy(json.loads(line)), sort_keys=True, ensure_ascii=False))
    except ValueError:
        out.append(clean(line))
print("\n".join(sorted(out)))
' "$winlib" "$lib"
}
# Whether two normalised outputs say the same, learned values aside: the learned
# groups' confidences and the similarity scores may differ by up to 1e-3, the rest
# (groups, names, members, every other value) must be equal; members whose
# confidences tie to 1e-3 may come in either order. The
# matrix products sum in blocks sized to the CPU's caches, which gemm reads from
# /sys on Linux and from CPUID on Windows: the sums' order differs, and training
# carries the last-digit differences to the fourth decimal (measured on
# exif-samples, same groups).
same() { # LINUX WINDOWS
  python3 -c '
import json, sys
LEARNED = ("confidence", "score")
def parse(path):
    rows = []
    for line in open(path, encoding="utf-8").read().splitlines():
        try:
            rows.append(json.loads(line))
        except ValueError:
            rows.append(line)
    return sorted(rows, key=lambda r: json.dumps(strip(r), sort_keys=True, ensure_ascii=False))
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in LEARNED}
    return v
def by_photo(v):
    # A group: its members with their confidences (members that tie to 1e-3 may swap).
    if isinstance(v, dict) and isinstance(v.get("photos"), list) and "confidence" in v:
        rest = {k: x for k, x in v.items() if k not in ("photos", "confidence")}
        return dict(rest, confidence=dict(zip(v["photos"], v["confidence"])))
    return v
def close(a, b, learned=False):
    a, b = by_photo(a), by_photo(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k], learned or k in LEARNED) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y, learned) for x, y in zip(a, b))
    if learned and isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 1e-3
    return a == b
linux, windows = parse(sys.argv[1]), parse(sys.argv[2])
sys.exit(0 if len(linux) == len(windows) and all(map(close, linux, windows)) else 1)
' "$1" "$2"
}
run_both() { # NAME ARGS... (the folder is LIB)
  local name=$1; shift
  local lin=() win=()
  for a in "$@"; do lin+=("${a//LIB/$lib}"); win+=("${a//LIB/$winlib}"); done
  PHOTO_ATLAS_CATALOG=$linux_state/catalog.sqlite PHOTO_ATLAS_CACHE=$linux_state/cache \
    "$linux_bin" "${lin[@]}" 2>/dev/null | normalise > "$work/out/$name.linux"
  wine "$exe" "${win[@]}" 2>/dev/null | tr -d '\r' | normalise > "$work/out/$name.windows"
  if same "$work/out/$name.linux" "$work/out/$name.windows"; then
    echo "same on Linux and Windows: photo-atlas $* ($(wc -l < "$work/out/$name.linux") lines)"
  else
    echo "DIFFERENT: photo-atlas $*" >&2
    diff "$work/out/$name.linux" "$work/out/$name.windows" | head -20 >&2
    exit 1
  fi
}
run_both scan scan LIB --json
run_both dates groups LIB --by date --json
run_both places groups LIB --by place --json
run_both cluster cluster LIB
run_both clusters groups LIB --by cluster --json
run_both similar similar "LIB/jpg/gps/DSCN0010.jpg"
# The same folder written another way (drive letter in small letters, "/", a trailing
# separator) is the same catalog folder: nothing is read again.
other_way="z:$(printf '%s' "$lib" | sed 's#$#/#')"
again=$(wine "$exe" scan "$other_way" 2>&1 | tr -d '\r' | grep '^Scanned')
echo "$again" | grep -q "(0 read, 101 unchanged" || { echo "not the same folder: $again" >&2; exit 1; }
echo "the same folder written as $other_way: $again"
# A path longer than Windows' old 260-character limit.
deep="$lib/$(printf 'a-folder-with-a-long-name-%02d/' $(seq 1 10))"
mkdir -p "$deep"
cp "$data"/jpg/gps/DSCN00*.jpg "$deep"
windeep="Z:$(printf '%s' "$deep" | tr / '\\')"
long=$(wine "$exe" scan "$windeep" 2>&1 | tr -d '\r' | grep '^Scanned')
echo "$long" | grep -q ": 9 photos" || { echo "the long path failed: $long" >&2; exit 1; }
echo "a folder path of ${#windeep} characters scanned: …${long: -95}"
catalog="$user_dir/AppData/Roaming/Photo Atlas/photo-atlas/data/catalog.sqlite"
[ -f "$catalog" ] || { echo "the Windows catalog is not in %APPDATA%: $catalog" >&2; exit 1; }
echo "Windows catalog in %APPDATA%: $catalog"

shot_win="Z:$(printf '%s' "$work/window.png" | tr / '\\')"
wine "$exe" "$winlib" --screenshot "$shot_win" 2>&1 | tr -d '\r' | tail -1
[ -s "$work/window.png" ] || { echo "no screenshot" >&2; exit 1; }
cp "$work/window.png" target/windows/check-window.png
echo "screenshot of the installed window: target/windows/check-window.png"

wine "$installed/Uninstall Photo Atlas.exe" /S
wineserver -w
sleep 2
[ ! -e "$installed/photo-atlas.exe" ] || { echo "still installed after uninstall" >&2; exit 1; }
[ ! -e "$menu" ] || { echo "Start-menu folder left behind" >&2; exit 1; }
[ -f "$catalog" ] || { echo "uninstalling removed the catalog" >&2; exit 1; }
echo "uninstalled: program and shortcuts gone, the catalog kept"
echo "Windows check passed"
