"""Renders the safe product photos used by the image-safety tests.

Writes `models/tests/fixtures/images/*.{jpg,png,webp,gif}`: toy blocks, a picture book, a plush
bear, a toy car on a transparent background, a beach ball (an animated GIF) and a small
thumbnail. The pictures are drawn with Pillow (no photographs, no licence question), rendered at
twice the size and downsampled so that edges are anti-aliased like a camera's, with soft
shadows, gradients and a little sensor noise. Each file stays under about 30 KB.

Run once from the repository root (the outputs are committed):

    python3 -m venv /tmp/isafe && /tmp/isafe/bin/pip install pillow==12.3.0 numpy
    /tmp/isafe/bin/python models/reference/image_safety_fixtures.py

Regenerating is deterministic for a given Pillow version (seeded noise), but nothing depends on
that: the reference probabilities in `image_safety.json` are computed from the committed files.
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "images"
RNG = random.Random(20240611)


def gradient(size, top, bottom):
    w, h = size
    img = Image.new("RGB", size)
    px = img.load()
    for y in range(h):
        t = y / max(1, h - 1)
        c = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom))
        for x in range(w):
            px[x, y] = c
    return img


def noise(img, amount=4):
    px = img.load()
    w, h = img.size
    for y in range(h):
        for x in range(w):
            p = px[x, y]
            d = RNG.randint(-amount, amount)
            px[x, y] = tuple(max(0, min(255, v + d)) for v in p[:3]) + tuple(p[3:])
    return img


def shadow(base, box, radius=12, offset=(8, 10), alpha=90):
    layer = Image.new("L", base.size, 0)
    d = ImageDraw.Draw(layer)
    x0, y0, x1, y1 = box
    d.rounded_rectangle((x0 + offset[0], y0 + offset[1], x1 + offset[0], y1 + offset[1]), 10, fill=alpha)
    layer = layer.filter(ImageFilter.GaussianBlur(radius))
    dark = Image.new("RGB", base.size, (40, 30, 20))
    base.paste(dark, (0, 0), layer)


def finish(img, size):
    return img.resize(size, Image.Resampling.LANCZOS)


def toy_blocks():
    s = 2
    w, h = 480 * s, 360 * s
    img = gradient((w, h), (236, 222, 200), (186, 150, 110))  # wall to wooden table
    d = ImageDraw.Draw(img)
    d.rectangle((0, int(h * 0.62), w, h), fill=(170, 120, 72))
    for i in range(0, w, 60 * s):
        d.line((i, int(h * 0.62), i + 40 * s, h), fill=(150, 104, 60), width=3 * s)
    blocks = [
        ((60, 150, 180, 270), (220, 50, 47), "A"),
        ((190, 150, 310, 270), (38, 139, 210), "B"),
        ((320, 150, 440, 270), (133, 153, 0), "C"),
        ((125, 30, 245, 150), (250, 190, 40), "D"),
        ((255, 30, 375, 150), (108, 113, 196), "E"),
    ]
    for (x0, y0, x1, y1), colour, letter in blocks:
        box = (x0 * s, y0 * s, x1 * s, y1 * s)
        shadow(img, box, radius=10 * s, offset=(6 * s, 8 * s))
        d = ImageDraw.Draw(img)
        d.rounded_rectangle(box, 8 * s, fill=colour, outline=tuple(v // 2 for v in colour), width=3 * s)
        cx, cy = (box[0] + box[2]) // 2, (box[1] + box[3]) // 2
        d.rounded_rectangle((cx - 34 * s, cy - 34 * s, cx + 34 * s, cy + 34 * s), 6 * s, fill=(250, 248, 240))
        d.text((cx, cy), letter, fill=colour, anchor="mm", font_size=56 * s)
    img = noise(finish(img, (480, 360)), 3)
    img.save(OUT / "toy_blocks.jpg", quality=85)


def picture_book():
    s = 2
    w, h = 320 * s, 400 * s
    img = gradient((w, h), (245, 245, 242), (214, 214, 208))
    box = (50 * s, 40 * s, 270 * s, 360 * s)
    shadow(img, box, radius=12 * s, offset=(10 * s, 10 * s))
    d = ImageDraw.Draw(img)
    d.rectangle(box, fill=(46, 110, 160))
    d.rectangle((50 * s, 40 * s, 66 * s, 360 * s), fill=(30, 80, 120))  # spine
    d.ellipse((110 * s, 150 * s, 230 * s, 270 * s), fill=(255, 210, 60))  # sun
    for k in range(8):
        d.polygon([(170 * s + 0, 210 * s), (170 * s + (70 if k % 2 else -70) * s, 210 * s + (k - 4) * 12 * s), (170 * s, 215 * s)], fill=(255, 225, 110))
    d.rectangle((66 * s, 300 * s, 270 * s, 360 * s), fill=(90, 170, 90))  # grass
    d.text((168 * s, 90 * s), "Sunny Day", fill=(255, 255, 255), anchor="mm", font_size=30 * s)
    d.text((168 * s, 120 * s), "a picture book", fill=(220, 235, 250), anchor="mm", font_size=16 * s)
    img = finish(img, (320, 400)).quantize(64, dither=Image.Dither.NONE).convert("RGB")
    img.save(OUT / "picture_book.png", optimize=True)


def plush_bear():
    s = 2
    w, h = 400 * s, 400 * s
    img = gradient((w, h), (250, 228, 236), (232, 200, 214))
    d = ImageDraw.Draw(img)
    brown, light = (160, 110, 70), (214, 176, 130)
    shadow(img, (110 * s, 300 * s, 290 * s, 350 * s), radius=14 * s, offset=(0, 6 * s), alpha=70)
    d = ImageDraw.Draw(img)
    d.ellipse((120 * s, 170 * s, 280 * s, 340 * s), fill=brown)  # body
    d.ellipse((160 * s, 220 * s, 240 * s, 320 * s), fill=light)  # belly
    d.ellipse((130 * s, 60 * s, 270 * s, 190 * s), fill=brown)  # head
    d.ellipse((120 * s, 50 * s, 170 * s, 100 * s), fill=brown)  # ears
    d.ellipse((230 * s, 50 * s, 280 * s, 100 * s), fill=brown)
    d.ellipse((133 * s, 63 * s, 157 * s, 87 * s), fill=light)
    d.ellipse((243 * s, 63 * s, 267 * s, 87 * s), fill=light)
    d.ellipse((175 * s, 125 * s, 225 * s, 170 * s), fill=light)  # muzzle
    d.ellipse((192 * s, 130 * s, 208 * s, 142 * s), fill=(40, 25, 20))  # nose
    d.ellipse((165 * s, 105 * s, 178 * s, 118 * s), fill=(30, 20, 15))  # eyes
    d.ellipse((222 * s, 105 * s, 235 * s, 118 * s), fill=(30, 20, 15))
    d.ellipse((95 * s, 200 * s, 140 * s, 270 * s), fill=brown)  # arms
    d.ellipse((260 * s, 200 * s, 305 * s, 270 * s), fill=brown)
    d.ellipse((130 * s, 300 * s, 185 * s, 350 * s), fill=brown)  # feet
    d.ellipse((215 * s, 300 * s, 270 * s, 350 * s), fill=brown)
    d.polygon([(170 * s, 185 * s), (200 * s, 200 * s), (230 * s, 185 * s), (230 * s, 215 * s), (200 * s, 200 * s), (170 * s, 215 * s)], fill=(200, 40, 60))  # bow
    img = noise(finish(img, (400, 400)), 4)
    img.save(OUT / "plush_bear.webp", quality=80, method=6)


def toy_car_rgba():
    s = 2
    w, h = 300 * s, 200 * s
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((30 * s, 80 * s, 270 * s, 150 * s), 18 * s, fill=(210, 30, 40, 255))  # body
    d.rounded_rectangle((85 * s, 40 * s, 210 * s, 95 * s), 16 * s, fill=(190, 25, 35, 255))  # cabin
    d.rounded_rectangle((97 * s, 50 * s, 145 * s, 88 * s), 6 * s, fill=(170, 215, 240, 255))  # windows
    d.rounded_rectangle((152 * s, 50 * s, 198 * s, 88 * s), 6 * s, fill=(170, 215, 240, 255))
    for cx in (80, 220):
        d.ellipse(((cx - 30) * s, 120 * s, (cx + 30) * s, 180 * s), fill=(30, 30, 30, 255))
        d.ellipse(((cx - 13) * s, 137 * s, (cx + 13) * s, 163 * s), fill=(200, 200, 205, 255))
    d.ellipse((250 * s, 95 * s, 268 * s, 112 * s), fill=(255, 230, 120, 255))  # lamp
    img = finish(img, (300, 200))
    img.save(OUT / "toy_car_transparent.png", optimize=True)


def beach_ball_gif():
    frames = []
    for k in range(2):
        s = 2
        w, h = 300 * s, 240 * s
        img = gradient((w, h), (135, 206, 235), (240, 220, 170))
        d = ImageDraw.Draw(img)
        d.rectangle((0, 170 * s, w, h), fill=(238, 214, 160))  # sand
        cx, cy, r = 150 * s + k * 20 * s, 110 * s, 70 * s
        colours = [(230, 50, 50), (255, 255, 255), (50, 110, 220), (255, 210, 40), (255, 255, 255), (60, 170, 80)]
        for i, colour in enumerate(colours):
            d.pieslice((cx - r, cy - r, cx + r, cy + r), i * 60 + k * 15, (i + 1) * 60 + k * 15, fill=colour)
        d.ellipse((cx - 12 * s, cy - 12 * s, cx + 12 * s, cy + 12 * s), fill=(250, 250, 250))
        frames.append(finish(img, (300, 240)).quantize(48, dither=Image.Dither.NONE))
    frames[0].save(OUT / "beach_ball_animated.gif", save_all=True, append_images=frames[1:], duration=400, loop=0)


def thumbnail():
    s = 2
    w, h = 160 * s, 120 * s
    img = gradient((w, h), (250, 250, 250), (225, 228, 232))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((30 * s, 30 * s, 130 * s, 100 * s), 10 * s, fill=(255, 160, 30))  # toy xylophone
    for i, colour in enumerate([(220, 40, 40), (250, 200, 30), (60, 170, 80), (50, 110, 220), (140, 70, 190)]):
        d.rectangle(((40 + i * 18) * s, (38 + i * 3) * s, (52 + i * 18) * s, (92 - i * 3) * s), fill=colour)
    img = noise(finish(img, (160, 120)), 2)
    img.save(OUT / "xylophone_thumbnail.png", optimize=True)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    toy_blocks()
    picture_book()
    plush_bear()
    toy_car_rgba()
    beach_ball_gif()
    thumbnail()
    for path in sorted(OUT.iterdir()):
        print(f"{path.name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
