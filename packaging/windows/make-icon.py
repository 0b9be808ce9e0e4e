#!/usr/bin/env python3
"""Writes photo-atlas.ico from the rendered PNG icons (packaging/icons/hicolor):
16, 24, 32 and 48 px as 32-bit bitmaps (read by every Windows and by NSIS), and
256 px as PNG, as Windows Vista and later store large icons. Decoding uses netpbm
(`pngtopnm`), so nothing beyond Debian's netpbm package is needed.

    python3 packaging/windows/make-icon.py
"""
import pathlib
import struct
import subprocess

HERE = pathlib.Path(__file__).resolve().parent
ICONS = HERE.parent / "icons" / "hicolor"


def pnm_pixels(data: bytes):
    """(width, height, maxval, bytes) of a binary PPM/PGM as pngtopnm prints it."""
    fields, i = [], 2
    while len(fields) < 3:
        while data[i : i + 1].isspace():
            i += 1
        j = i
        while not data[j : j + 1].isspace():
            j += 1
        fields.append(int(data[i:j]))
        i = j
    return fields[0], fields[1], fields[2], data[i + 1 :]


def bitmap_entry(png: pathlib.Path) -> bytes:
    """A 32-bit BGRA DIB (bottom-up) with an all-clear AND mask."""
    w, h, _, rgb = pnm_pixels(subprocess.run(["pngtopnm", str(png)], capture_output=True, check=True).stdout)
    _, _, _, alpha = pnm_pixels(subprocess.run(["pngtopnm", "-alpha", str(png)], capture_output=True, check=True).stdout)
    rows = []
    for y in range(h):
        row = bytearray()
        for x in range(w):
            r, g, b = rgb[3 * (y * w + x) : 3 * (y * w + x) + 3]
            row += bytes((b, g, r, alpha[y * w + x]))
        rows.append(bytes(row))
    pixels = b"".join(reversed(rows))
    mask_row = ((w + 31) // 32) * 4
    header = struct.pack("<IiiHHIIiiII", 40, w, 2 * h, 1, 32, 0, len(pixels), 0, 0, 0, 0)
    return header + pixels + bytes(mask_row * h)


def main():
    images = [(s, bitmap_entry(ICONS / f"{s}x{s}" / "apps" / "photo-atlas.png")) for s in (16, 24, 32, 48)]
    images.append((256, (ICONS / "256x256" / "apps" / "photo-atlas.png").read_bytes()))
    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for size, data in images:
        side = 0 if size >= 256 else size
        out += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    out += b"".join(data for _, data in images)
    (HERE / "photo-atlas.ico").write_bytes(out)
    print(f"wrote {HERE / 'photo-atlas.ico'} ({len(out)} bytes, {len(images)} sizes)")


if __name__ == "__main__":
    main()
