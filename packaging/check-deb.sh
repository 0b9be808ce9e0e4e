#!/usr/bin/env bash
# Proves the .deb works like a user's install: installs it with apt-get, starts the
# installed program through its .desktop entry's Exec line under Xvfb on a folder of
# photos with --screenshot, checks the picture was written, then uninstalls and checks
# that nothing the package installed is left behind. Run as root (it installs a package).
# Usage: packaging/check-deb.sh [PHOTO_FOLDER] [SCREENSHOT.png]
set -euo pipefail
cd "$(dirname "$0")/.."
folder=$(realpath "${1:-../shared/data/labeled/flowers}")
shot=$(realpath -m "${2:-target/packages/installed-screenshot.png}")
deb=$(realpath "$(ls -t target/packages/*.deb | head -1)")
apt-get install -y --no-install-recommends xvfb xauth libgl1-mesa-dri >/dev/null

echo "== installing $deb"
apt-get install -y "$deb" >/dev/null
dpkg -L photo-atlas | sort > /tmp/photo-atlas-files.txt
desktop=/usr/share/applications/org.photoatlas.PhotoAtlas.desktop
exec_line=$(sed -n 's/^Exec=//p' "$desktop")
echo "Exec line: $exec_line"
command=${exec_line//%f/\"$folder\"}

echo "== starting it by its desktop entry under Xvfb"
state=$(mktemp -d)
PHOTO_ATLAS_CATALOG=$state/catalog.sqlite PHOTO_ATLAS_CACHE=$state/cache \
  timeout 600 xvfb-run -a -s "-screen 0 1280x800x24" bash -c "$command --screenshot \"$shot\""
test -s "$shot"
echo "screenshot: $shot ($(stat -c %s "$shot") bytes)"
rm -rf "$state"

echo "== uninstalling"
apt-get remove -y --purge photo-atlas >/dev/null
left=0
while read -r path; do
  if [ -f "$path" ]; then echo "left behind: $path"; left=1; fi
done < /tmp/photo-atlas-files.txt
[ "$left" = 0 ] && echo "uninstalled cleanly: no file of the package is left"
exit "$left"
