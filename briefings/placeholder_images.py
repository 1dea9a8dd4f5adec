"""Lead images the project draws itself, for demo and benchmark content."""

import hashlib
import io
import textwrap

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1600, 1000


def generated_image(label, seed):
    """A PNG with a colour gradient, a few light bands and a label, varied by seed."""
    digest = hashlib.sha256(seed.encode()).digest()
    top, bottom = digest[0:3], digest[3:6]
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    for y in range(HEIGHT):
        mix = y / HEIGHT
        colour = tuple(
            40 + int(a * (1 - mix) + b * mix) // 2 for a, b in zip(top, bottom, strict=True)
        )
        draw.line([(0, y), (WIDTH, y)], fill=colour)
    for band in range(3):
        rise = 120 + digest[6 + band] * 2
        draw.polygon(
            [(0, rise + 200), (WIDTH, rise), (WIDTH, rise + 40), (0, rise + 240)],
            fill=(255, 255, 255),
        )
    font = ImageFont.load_default(size=90)
    lines = textwrap.wrap(label, width=28)[:3]
    draw.multiline_text((80, HEIGHT - 120 * len(lines) - 60), "\n".join(lines), font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name=f"{seed}.png")
