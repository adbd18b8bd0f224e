"""Draw chapter 09's still life (an apple, a leaf, a lemon and a phone on a table) and save it as
assets/images/still_life.png. Run once; the PNG is committed, nothing is drawn at run time.

    python ci/make_image.py
"""
from pathlib import Path

import numpy as np
from PIL import Image

H, W = 96, 128
OUT = Path(__file__).resolve().parent.parent / "assets" / "images" / "still_life.png"


def draw():
    y, x = np.mgrid[0:H, 0:W].astype(float)
    img = np.zeros((H, W, 3))
    img[:] = [0.86, 0.88, 0.90]  # the wall
    img[y >= 60] = [0.62, 0.45, 0.30]  # the table
    img[(y >= 60) & (y < 62)] = [0.50, 0.35, 0.22]  # its edge

    def disc(cx, cy, rx, ry=None):
        ry = rx if ry is None else ry
        return ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1

    apple = disc(34, 58, 15, 14) | disc(26, 55, 10) | disc(42, 55, 10)
    img[apple] = [0.80, 0.10, 0.10]
    img[disc(28, 50, 4, 3)] = [0.95, 0.45, 0.45]  # highlight
    img[(abs(x - 34) <= 1) & (y >= 36) & (y <= 44)] = [0.35, 0.22, 0.10]  # stem
    img[disc(41, 39, 7, 3.5)] = [0.20, 0.62, 0.20]  # leaf
    img[disc(70, 63, 10, 7)] = [0.95, 0.85, 0.15]  # lemon
    phone = (x >= 90) & (x <= 112) & (y >= 30) & (y <= 74)
    img[phone] = [0.08, 0.08, 0.10]
    img[(x >= 93) & (x <= 109) & (y >= 35) & (y <= 67)] = [0.15, 0.35, 0.75]  # screen
    return (img * 255).round().astype(np.uint8)


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(draw()).save(OUT)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
