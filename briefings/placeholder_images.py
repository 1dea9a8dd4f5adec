"""Lead images the project draws itself, for demo and benchmark content: landscapes of
sky, sun and mountain ridges fading into haze, different for every seed, with no text."""

import hashlib
import io
import random

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1600, 1000
RIDGES = 4
# Sky (top, horizon) and land colours of a few times of day, chosen by the seed.
PALETTES = {
    "a blue evening sky glowing orange at the horizon": (
        (38, 78, 140),
        (247, 190, 120),
        (44, 62, 80),
    ),
    "a clear pale-blue day sky": ((88, 150, 210), (214, 232, 245), (46, 92, 70)),
    "a deep dusk sky turning pink at the horizon": ((30, 34, 70), (220, 120, 110), (40, 36, 60)),
    "a hazy grey-blue sky": ((120, 160, 190), (236, 226, 205), (90, 96, 84)),
}


def generated_image(seed):
    """A PNG landscape, the same for the same seed."""
    rng = random.Random(hashlib.sha256(seed.encode()).digest())
    sky_top, horizon, land = PALETTES[rng.choice(list(PALETTES))]
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    for y in range(HEIGHT):
        draw.line([(0, y), (WIDTH, y)], fill=mix(sky_top, horizon, min(1, y / (HEIGHT * 0.7))))
    sun_x, sun_y, radius = rng.randint(200, WIDTH - 200), rng.randint(220, 480), rng.randint(50, 90)
    draw.ellipse([sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius],
                 fill=mix(horizon, (255, 250, 235), 0.7))  # fmt: skip
    for layer in range(RIDGES):
        depth = (layer + 1) / RIDGES  # nearer ridges are lower, darker and rougher
        base = HEIGHT * (0.45 + 0.13 * layer)
        points = ridge(rng, base, roughness=60 + 90 * depth)
        draw.polygon([(0, HEIGHT), *points, (WIDTH, HEIGHT)], fill=mix(horizon, land, depth))
    image = image.filter(ImageFilter.SMOOTH)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return ContentFile(buffer.getvalue(), name=f"{seed}.png")


def described(seed):
    """What generated_image(seed) shows, in words, for its alt text: the same seed draws
    the same sky and sun."""
    rng = random.Random(hashlib.sha256(seed.encode()).digest())
    sky = rng.choice(list(PALETTES))
    sun_x = rng.randint(200, WIDTH - 200)
    side = "left" if sun_x < WIDTH / 3 else "right" if sun_x > 2 * WIDTH / 3 else "middle"
    return (
        f"Illustration: {RIDGES} ridges of mountains fading into the distance under {sky}, "
        f"with a pale sun on the {side}"
    )


def ridge(rng, base, roughness, steps=7):
    """A mountain line across the image by midpoint displacement: [(x, y), ...]."""
    heights = [base + rng.uniform(-roughness, roughness) for _ in range(2)]
    spread = roughness
    for _ in range(steps):
        spread /= 1.8
        finer = []
        for left, right in zip(heights, heights[1:], strict=False):
            finer += [left, (left + right) / 2 + rng.uniform(-spread, spread)]
        heights = finer + [heights[-1]]
    step = WIDTH / (len(heights) - 1)
    return [(round(n * step), round(y)) for n, y in enumerate(heights)]


def mix(a, b, share):
    """The colour `share` of the way from a to b."""
    return tuple(round(x + (y - x) * share) for x, y in zip(a, b, strict=True))
