#!/usr/bin/env python3
"""Draws the app's icons (an open storybook under a star, on the app's colour) as PNGs at
192 and 512 px, with no dependency beyond Python: public/icons/icon-{192,512}.png.
Deterministic, so the committed files only change when this drawing does."""
import math
import struct
import sys
import zlib
from pathlib import Path

BACKGROUND = (91, 106, 191)   # --tier-colour of the app's pages
PAGE = (255, 250, 240)
SPINE = (60, 70, 140)
STAR = (255, 200, 60)


def inside_star(x, y, cx, cy, r_out, r_in):
    """Whether (x, y) is inside a five-pointed star centred at (cx, cy)."""
    points = []
    for i in range(10):
        r = r_out if i % 2 == 0 else r_in
        a = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    inside = False
    j = len(points) - 1
    for i, (xi, yi) in enumerate(points):
        xj, yj = points[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def colour_at(u, v):
    """The colour at (u, v) in 0..1 coordinates (the safe zone of a maskable icon is the
    middle 80 %, so everything drawn stays within it)."""
    # Two pages: gently curved tops, meeting at the spine.
    left = 0.2 <= u <= 0.5 and 0.52 - 0.04 * math.sin((u - 0.2) / 0.3 * math.pi) <= v <= 0.8
    right = 0.5 <= u <= 0.8 and 0.52 - 0.04 * math.sin((0.8 - u) / 0.3 * math.pi) <= v <= 0.8
    if abs(u - 0.5) < 0.008 and 0.5 <= v <= 0.8:
        return SPINE
    if left or right:
        # Lines of text on the pages.
        line = (v - 0.58) / 0.05
        if 0 <= line <= 3.6 and line % 1 < 0.25 and (0.25 <= u <= 0.45 or 0.55 <= u <= 0.75):
            return SPINE
        return PAGE
    if inside_star(u, v, 0.5, 0.3, 0.17, 0.07):
        return STAR
    return BACKGROUND


def png(size):
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            # 2×2 samples per pixel: smooth edges.
            acc = [0, 0, 0]
            for dy in (0.25, 0.75):
                for dx in (0.25, 0.75):
                    c = colour_at((x + dx) / size, (y + dy) / size)
                    for k in range(3):
                        acc[k] += c[k]
            row.extend(round(a / 4) for a in acc)
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "public/icons")
    out.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        (out / f"icon-{size}.png").write_bytes(png(size))


if __name__ == "__main__":
    main()
