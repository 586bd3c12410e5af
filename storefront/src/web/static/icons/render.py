#!/usr/bin/env python3
"""Renders icon.svg's shapes into the PWA's PNG icons (192 and 512 px), with no dependencies.

The SVG is the source of truth for the design; this script draws the same shapes (a rect,
circles, and the smile as a stroked quadratic curve) with 3x3 supersampling and writes
icon-192.png and icon-512.png next to it. Run it again after changing icon.svg.
"""
import math
import struct
import zlib
from pathlib import Path

GREEN = (0x14, 0x53, 0x2D)
YELLOW = (0xFB, 0xBF, 0x24)
ORANGE = (0xF9, 0x73, 0x16)

# The smile: M176 290 Q256 370 336 290, stroke width 24, round caps.
SMILE = [
    ((1 - t) ** 2 * 176 + 2 * (1 - t) * t * 256 + t * t * 336,
     (1 - t) ** 2 * 290 + 2 * (1 - t) * t * 370 + t * t * 290)
    for t in (i / 64 for i in range(65))
]


def near_smile(x, y):
    if not (164 <= x <= 348 and 278 <= y <= 342):
        return False
    return any((x - px) ** 2 + (y - py) ** 2 <= 144 for px, py in SMILE)


def color_at(x, y):
    """The colour of the 512-unit design at (x, y)."""
    r, g, b = GREEN
    if (x - 256) ** 2 + (y - 256) ** 2 <= 150 ** 2:
        r, g, b = YELLOW
        for cx in (166, 346):
            if (x - cx) ** 2 + (y - 286) ** 2 <= 18 ** 2:
                r, g, b = (0.4 * r + 0.6 * ORANGE[0], 0.4 * g + 0.6 * ORANGE[1], 0.4 * b + 0.6 * ORANGE[2])
        for cx in (206, 306):
            if (x - cx) ** 2 + (y - 226) ** 2 <= 22 ** 2:
                r, g, b = GREEN
        if near_smile(x, y):
            r, g, b = GREEN
    return r, g, b


def render(size):
    scale = 512 / size
    n = 3
    rows = []
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            acc = [0.0, 0.0, 0.0]
            for sy in range(n):
                for sx in range(n):
                    c = color_at((px + (sx + 0.5) / n) * scale, (py + (sy + 0.5) / n) * scale)
                    acc[0] += c[0]
                    acc[1] += c[1]
                    acc[2] += c[2]
            row.extend(int(round(v / (n * n))) for v in acc)
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    for size in (192, 512):
        (here / f"icon-{size}.png").write_bytes(render(size))
        print(f"icon-{size}.png")
