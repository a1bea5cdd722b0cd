"""Decode a photo once: upright, 8-bit sRGB RGB, no metadata, no bigger than needed.

JPEGs are decoded at the smallest DCT scale that still covers the largest variant
(`draft`): the scaled inverse DCT is a proper low-pass filter. Other formats (HEIC,
PNG, WebP) are decoded whole and resampled once (Lanczos) to the scale of the
largest variant, before their colours are converted: the largest variant is then
that image itself, the others are cut from it as from a JPEG's draft, and the colour
transform and the other resamples touch a quarter of the pixels of a 12 MP photo.
Every variant is then cut from this one image, with the filter `Decoded.resample`
names: bicubic after a DCT-scaled decode (a sharp low-pass), Lanczos after a resample
(the first pass has softened it: bicubic twice measured 38 dB against a Lanczos resize
of the full decode for a real iPhone HEIC's Threads variant, Lanczos twice 43.4 dB;
a 2×2 box reduce, as this module once did, aliased fine detail: 37.5 dB).
"""

from __future__ import annotations

import functools
import io
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PIL import Image, ImageOps, UnidentifiedImageError

from formatters.icc import from_nclx

if TYPE_CHECKING:  # lcms loads with the first photo that brings a profile (~2 ms)
    from PIL import ImageCms

# EXIF orientations 5–8 store the picture on its side.
_SIDEWAYS = {5, 6, 7, 8}
# The one resample from a whole decode down to the largest variant's scale.
REDUCE = Image.Resampling.LANCZOS
# Variants cut from a decode: bicubic (a third less work than Lanczos) where the decode
# is the decoder's own output, ≥ 43 dB PSNR against a Lanczos resize (bench/images.py).
RESAMPLE = Image.Resampling.BICUBIC


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
    # The whole decode `image` was resampled from (upright, in its own colours), or None
    # when `image` is the decoder's own output.
    whole: Image.Image | None = None

    @property
    def resample(self) -> Image.Resampling:
        """The filter variants are cut from `image` with."""
        return RESAMPLE if self.whole is None else REDUCE

    @property
    def scale(self) -> tuple[float, float]:
        """Working pixels per full-size pixel, across and down."""
        if self.whole is not None:  # resampled to its size: each axis has its own scale
            return (self.image.width / self.width, self.image.height / self.height)
        # A DCT scale is a power of two; its output rounds up a side it does not divide.
        s = 1 / 2 ** round(math.log2(self.width / self.image.width))
        return (s, s)


def decode(
    data: bytes,
    scale: float = 1.0,
    *,
    loaded: Image.Image | None = None,
    threads: int = 1,
    fit: tuple[int, int] | None = None,
) -> Decoded:
    """The photo at (at least) `scale` × its full size, ready to cut variants from.

    `loaded`: this same photo already opened and decoded at full size (the photo
    check decodes HEIC, PNG and WebP whole): used as it is, not decoded again.
    `threads`: how many threads may resample a whole decode (the result is the same).
    `fit`: the upright size a whole decode is resampled to, when `scale` < 1 (default:
    `scale` × its size): the largest variant's own size, which then needs no resample.
    """
    whole = scale >= 1  # the decoder makes no smaller size: resampled below
    try:
        if loaded is not None and loaded.format != "JPEG":
            im = loaded
            w, h = im.size
            whole = True
        else:
            heif_opener_for(data)
            im = Image.open(io.BytesIO(data))
            im.seek(0)  # first frame of an animation
            w, h = im.size
            whole = whole or im.format != "JPEG"
            if not whole:
                want = (math.ceil(w * scale), math.ceil(h * scale))
                im.draft(im.mode if im.mode in ("RGB", "L", "CMYK") else None, want)
            im.load()
        orientation = im.getexif().get(0x0112, 1)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as e:
        raise ImageError(f"not a readable image: {e}") from e
    full = (h, w) if orientation in _SIDEWAYS else (w, h)
    if orientation != 1:  # exif_transpose copies the pixels even when there is nothing to do
        im = ImageOps.exif_transpose(im)
    size = fit or (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
    if whole and scale < 1 and size != im.size:
        if im.mode not in _RESAMPLES:  # palette, alpha, 16-bit, CMYK: sRGB before the resample
            im = to_srgb(im)
            im.info = {}  # its profile is applied: not again
        return Decoded(image=_reduced(im, size, threads), width=full[0], height=full[1], whole=im)
    im = to_srgb(im)
    im.info = {}
    return Decoded(image=im, width=full[0], height=full[1])


_RESAMPLES = ("RGB", "L")  # modes resampled as they are, their profile applied after
BANDS = 2


def _reduced(im: Image.Image, size: tuple[int, int], threads: int) -> Image.Image:
    """`im` resampled to `size` and made sRGB, in BANDS horizontal bands.

    Pillow lets go of the GIL while it resamples and converts colours, so the bands use
    `threads` cores. Always the same bands, however many threads: a band's edge rows
    round a little differently from one whole resample, and the bytes must not depend
    on the machine.
    """
    w, h = size
    bands = [(h * i // BANDS, h * (i + 1) // BANDS) for i in range(BANDS)]
    bands = [(top, bottom) for top, bottom in bands if bottom > top]
    step = im.height / h

    def band(rows: tuple[int, int]) -> Image.Image:
        top, bottom = rows
        box = (0.0, top * step, float(im.width), bottom * step)
        return to_srgb(im.resize((w, bottom - top), REDUCE, box=box))

    if threads > 1 and len(bands) > 1:
        with ThreadPoolExecutor(max_workers=min(threads, len(bands))) as pool:
            parts = list(pool.map(band, bands))
    else:
        parts = [band(rows) for rows in bands]
    out = Image.new("RGB", size)
    for (top, _), part in zip(bands, parts, strict=True):
        out.paste(part, (0, top))
    return out


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


@functools.cache
def _srgb() -> ImageCms.ImageCmsProfile:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@functools.lru_cache(maxsize=16)
def _transform(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    """The conversion to sRGB, built once per profile (a phone uses one for every photo)."""
    from PIL import ImageCms

    try:
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if "srgb" in ImageCms.getProfileDescription(src).lower().replace(" ", ""):
            return None
        return ImageCms.buildTransform(
            src, _srgb(), mode, "RGB", renderingIntent=ImageCms.Intent.PERCEPTUAL
        )
    except (ImageCms.PyCMSError, OSError):
        return None  # a broken profile: the pixels as they are beat no photo at all
