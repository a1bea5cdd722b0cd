"""What load_photos' decode check costs per 12 MP photo, next to a full decode.

Run: python bench/photo_check.py. Prints milliseconds per photo (median of 5) for a
4032×3024 JPEG (a phone photo) and the same picture as PNG and HEIC, and the ratio of
the check to a full-size decode of the same file, measured in the same run.
"""

from __future__ import annotations

import hashlib
import io
import statistics
import time
from collections.abc import Callable

import pillow_heif
from PIL import Image, ImageDraw, ImageFilter

from dripcast.core.domain import Attachment
from ingest.photos import load_photos

pillow_heif.register_heif_opener()


def phone_photo() -> Image.Image:
    """4032×3024 with texture, so the JPEG has a realistic amount of entropy-coded data."""
    small = Image.effect_noise((1008, 756), 60).convert("RGB")
    draw = ImageDraw.Draw(small)
    for i in range(40):
        draw.ellipse((i * 23 % 900, i * 17 % 700, i * 23 % 900 + 120, i * 17 % 700 + 90),
                     fill=(i * 6 % 256, 255 - i * 5 % 256, i * 11 % 256))  # fmt: skip
    return small.resize((4032, 3024)).filter(ImageFilter.DETAIL)


def median_ms(run: Callable[[], object]) -> float:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def full_decode_and_hash(data: bytes) -> str:
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        return hashlib.sha256(im.tobytes()).hexdigest()


def main() -> None:
    picture = phone_photo()
    for fmt, options in (("JPEG", {"quality": 90}), ("PNG", {}), ("HEIF", {"quality": 80})):
        out = io.BytesIO()
        picture.save(out, fmt, **options)
        data = out.getvalue()
        att = Attachment(filename=f"photo.{fmt.lower()}", content_type="image/x", data=data)
        check = median_ms(lambda att=att: load_photos([att]))  # type: ignore[misc]
        full = median_ms(lambda data=data: full_decode_and_hash(data))  # type: ignore[misc]
        print(
            f"{fmt:5} {len(data) / 1e6:5.1f} MB  load_photos {check:7.1f} ms/photo  "
            f"full decode+hash {full:7.1f} ms  ratio {check / full:4.2f}"
        )


if __name__ == "__main__":
    main()
