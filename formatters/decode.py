"""Decode a photo once: upright, 8-bit sRGB RGB, no metadata, no bigger than needed.

JPEGs are decoded at the smallest DCT scale that still covers the largest variant
(`draft`): the scaled inverse DCT is a proper low-pass filter. Other formats (HEIC,
PNG, WebP) are kept at full size and every variant is resampled from it directly:
a 2×2 box reduce first, as this module once did, aliases fine detail and cost HEIC
variants 4–8 dB PSNR against a Lanczos resize of the full decode (37.5 dB at worst).
Every variant is then cut from this one image.
"""

from __future__ import annotations

import functools
import io
import math
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from formatters.icc import from_nclx

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
# EXIF orientations 5–8 store the picture on its side.
_SIDEWAYS = {5, 6, 7, 8}


class ImageError(ValueError):
    """A photo that cannot be made into variants; the message says why."""


def heif_opener_for(data: bytes) -> None:
    """Before Pillow opens `data`: HEIF's opener, registered once an ISO base media file
    (HEIC, HEIF) comes. Most photos are JPEGs, and pillow-heif takes ~20 ms to import."""
    if data[4:8] == b"ftyp":
        _register_heif()


@functools.cache
def _register_heif() -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()


@dataclass(frozen=True, kw_only=True)
class Decoded:
    image: Image.Image  # RGB, upright, sRGB, no info
    width: int  # upright full size, the size every geometry is computed on
    height: int

    @property
    def scale(self) -> float:
        """Working pixels per full-size pixel."""
        return self.image.width / self.width


def decode(data: bytes, scale: float = 1.0, *, loaded: Image.Image | None = None) -> Decoded:
    """The photo at (at least) `scale` × its full size, ready to cut variants from.

    `loaded`: this same photo already opened and decoded at full size (the photo
    check decodes HEIC, PNG and WebP whole): used as it is, not decoded again.
    """
    try:
        if loaded is not None and loaded.format != "JPEG":
            im = loaded
            w, h = im.size
        else:
            heif_opener_for(data)
            im = Image.open(io.BytesIO(data))
            im.seek(0)  # first frame of an animation
            w, h = im.size
            if im.format == "JPEG" and scale < 1:
                want = (math.ceil(w * scale), math.ceil(h * scale))
                im.draft(im.mode if im.mode in ("RGB", "L", "CMYK") else None, want)
            im.load()
        orientation = im.getexif().get(0x0112, 1)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as e:
        raise ImageError(f"not a readable image: {e}") from e
    full = (h, w) if orientation in _SIDEWAYS else (w, h)
    if orientation != 1:  # exif_transpose copies the pixels even when there is nothing to do
        im = ImageOps.exif_transpose(im)
    im = to_srgb(im)
    im.info = {}
    return Decoded(image=im, width=full[0], height=full[1])


def to_srgb(im: Image.Image) -> Image.Image:
    """8-bit RGB in sRGB from any mode, alpha on white, embedded profile applied."""
    icc = im.info.get("icc_profile") or from_nclx(im.info.get("nclx_profile"))
    if im.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        # A plain convert clips 16-bit values at 255: the photo comes out white.
        im = im.convert("I").point(lambda v: v * (1 / 257)).convert("L")
        icc = None
    elif im.mode == "F":
        im = im.point(lambda v: v * 255).convert("L")
        icc = None
    if im.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        im.mode == "P" and "transparency" in im.info
    ):
        rgba = im.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        im = flat
    if icc and im.mode in ("RGB", "CMYK", "L"):
        transform = _transform(icc, im.mode)
        if transform is not None:
            im = transform.apply(im)
    return im if im.mode == "RGB" else im.convert("RGB")


@functools.lru_cache(maxsize=16)
def _transform(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    """The conversion to sRGB, built once per profile (a phone uses one for every photo)."""
    try:
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if "srgb" in ImageCms.getProfileDescription(src).lower().replace(" ", ""):
            return None
        return ImageCms.buildTransform(
            src, _SRGB, mode, "RGB", renderingIntent=ImageCms.Intent.PERCEPTUAL
        )
    except (ImageCms.PyCMSError, OSError):
        return None  # a broken profile: the pixels as they are beat no photo at all
