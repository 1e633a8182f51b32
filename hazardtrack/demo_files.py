"""What every app's demo seeder shares: deterministic random generators and small made-up files.

The seeders (`tipoffs/demo.py`, `inspections/demo.py`, `incidents/demo.py`, and `demo/seed.py`,
which calls them all) take their photos and scanned reports from here, so the per-app seeders
need nothing of the top-floor `demo` app. Everything is deterministic: two databases seeded on
the same day hold the same bytes."""
from __future__ import annotations

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

SEED = "hazardtrack-demo-v1"


def demo_rng(purpose: str) -> random.Random:
    """A generator of its own per purpose: adding data in one place does not reshuffle another."""
    return random.Random(f"{SEED}:{purpose}")


BEFORE_COLOURS = ((178, 34, 34), (205, 92, 0), (139, 69, 19), (128, 128, 128), (160, 82, 45), (200, 120, 40))
AFTER_COLOURS = ((34, 139, 34), (46, 139, 87), (70, 130, 180), (60, 179, 113), (95, 158, 160))


def demo_jpeg(rng: random.Random, *, after: bool, name: str) -> SimpleUploadedFile:
    """A small, distinct JPEG made in memory: a coloured background with a few shapes."""
    base = rng.choice(AFTER_COLOURS if after else BEFORE_COLOURS)
    background = tuple(max(0, min(255, c + rng.randint(-25, 25))) for c in base)
    image = Image.new("RGB", (160, 120), background)
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(3, 6)):
        x0, y0 = rng.randint(0, 130), rng.randint(0, 95)
        box = (x0, y0, x0 + rng.randint(10, 60), y0 + rng.randint(8, 45))
        colour = tuple(rng.randint(0, 255) for _ in range(3))
        (draw.ellipse if rng.random() < 0.4 else draw.rectangle)(box, fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=75)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def demo_pdf(name: str) -> SimpleUploadedFile:
    """A one-page PDF (Pillow writes it) standing in for a scanned assessment report."""
    page = Image.new("RGB", (210, 297), (255, 255, 255))
    draw = ImageDraw.Draw(page)
    for y in range(30, 280, 14):
        draw.line((20, y, 190, y), fill=(170, 170, 170))
    buffer = io.BytesIO()
    page.save(buffer, "PDF")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")
