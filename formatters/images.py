"""Image variants: upright, metadata-free, sRGB JPEGs sized for one network."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageOps

from formatters.specs import ChannelSpec

pillow_heif.register_heif_opener()


@dataclass(frozen=True, kw_only=True)
class Variant:
    data: bytes
    width: int
    height: int
    format: str = "jpeg"


def render(data: bytes, spec: ChannelSpec) -> Variant:
    with Image.open(io.BytesIO(data)) as opened:
        im = ImageOps.exif_transpose(opened)
        im = im.convert("RGB")
    w, h = im.size
    aspect = w / h
    if aspect > spec.aspect_max:
        new_w = round(h * spec.aspect_max)
        left = (w - new_w) // 2
        im = im.crop((left, 0, left + new_w, h))
    elif aspect < spec.aspect_min:
        new_h = round(w / spec.aspect_min)
        top = (h - new_h) // 2
        im = im.crop((0, top, w, top + new_h))
    im.thumbnail((spec.max_side, spec.max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=85, progressive=True, optimize=True)
    return Variant(data=out.getvalue(), width=im.width, height=im.height)
