"""Which attachments are readable photos: header checks only, one at a time."""

from __future__ import annotations

import hashlib
import io
import warnings

import pillow_heif
from PIL import Image

from dripcast.domain import Attachment, Photo, Skipped

pillow_heif.register_heif_opener()

MAX_PIXELS = 100_000_000  # a decompression bomb is refused before it is decoded
MIN_SIDE = 200  # smaller images are logos, spacers and tracking pixels
FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF", "HEIF"}


def load_photos(attachments: tuple[Attachment, ...]) -> tuple[list[Photo], list[Skipped]]:
    photos: list[Photo] = []
    skipped: list[Skipped] = []
    for att in attachments:
        reason = _problem(att.data)
        if reason:
            skipped.append(Skipped(filename=att.filename, reason=reason))
            continue
        with Image.open(io.BytesIO(att.data)) as im:
            width, height = im.size
        if min(width, height) < MIN_SIDE:
            continue  # not a photo the client meant to post
        photos.append(
            Photo(
                index=len(photos) + 1,
                filename=att.filename,
                sha256=hashlib.sha256(att.data).hexdigest(),
                width=width,
                height=height,
                data=att.data,
            )
        )
    return photos, skipped


def _problem(data: bytes) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:
                if im.format not in FORMATS:
                    return f"unsupported image format {im.format}"
                if im.width * im.height > MAX_PIXELS:
                    return f"too many pixels ({im.width}×{im.height}); the limit is 100 MP"
                # draft() decodes at 1/8 scale but still reads every byte: truncation shows
                im.draft("RGB", (max(1, im.width // 8), max(1, im.height // 8)))
                im.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return "too many pixels; the limit is 100 MP"
    except Exception:
        return "not a readable image"
    return None
