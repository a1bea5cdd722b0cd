"""Which attachments are readable photos: decoded one at a time, checked before decoding.

Per attachment: open (header only) with the allowlisted decoders, refuse more than
MAX_PIXELS before any pixel is decoded, then decode to find truncated or corrupt files.
A JPEG is decoded at 1/8 scale (`draft`): libjpeg still reads the whole entropy-coded
stream, so truncation is caught, but skips the inverse DCT and upsampling of full size.
That small decode, turned upright by its EXIF orientation, is what `Photo.pixels` hashes:
the same photo keeps its hash when a mail client rewrites its metadata or container (which
the file's sha256 does not survive), and the same pixels shown turned are another photo.
Other formats are decoded whole; `check(…, keep=True)` hands that decode on, so the
formatter cuts its variants from it instead of decoding the photo a second time.
"""

from __future__ import annotations

import functools
import hashlib
import io
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from dripcast.core.domain import Attachment, Photo, Skipped

MAX_PIXELS = 100_000_000  # a decompression bomb is refused before it is decoded
MIN_SIDE = 200  # smaller images are logos, spacers and tracking pixels
# The pixels are hashed a band of rows at a time: the same bytes as `tobytes()` of the
# whole, which for a 12 MP HEIC copied 36 MB in 64 KB pieces and joined them (~0.1 s);
# bands that fit in the cache take a third of that.
HASH_ROWS = 64
DECODERS = ("JPEG", "PNG", "WEBP", "GIF", "HEIF")  # JPEG opens MPO too; HEIF last
_UNSUPPORTED = {"image/tiff": "TIFF", "image/bmp": "BMP", "image/avif": "AVIF"}
_ROTATED = {5, 6, 7, 8}  # EXIF orientations that swap width and height
_UPRIGHT = {  # EXIF orientation → what makes the stored pixels upright (as ImageOps.exif_transpose)
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True, kw_only=True)
class Checked:
    """A readable photo: its upright size and the hash of its (small) decode."""

    width: int
    height: int
    pixels: str
    image: Image.Image | None = None  # the whole decode, when `keep` and not a JPEG


def load_photos(attachments: Iterable[Attachment]) -> tuple[list[Photo], list[Skipped]]:
    """The readable photos (1-based `index` in message order) and why the others were not."""
    atts = list(attachments)
    return collect(atts, [check(att) for att in atts])


def collect(
    attachments: Iterable[Attachment], results: Iterable[Checked | str]
) -> tuple[list[Photo], list[Skipped]]:
    """`load_photos` from checks already made: one result per attachment, in order."""
    photos: list[Photo] = []
    skipped: list[Skipped] = []
    for att, result in zip(attachments, results, strict=True):
        if isinstance(result, str):
            skipped.append(Skipped(filename=att.filename, reason=result))
            continue
        width, height, pixels = result.width, result.height, result.pixels
        twin = next((p for p in photos if p.pixels == pixels), None)
        if twin:  # a client that sends a photo inline and attached again, or twice
            skipped.append(
                Skipped(filename=att.filename, reason=f"the same photo as {twin.filename}")
            )
            continue
        photos.append(
            Photo(
                index=len(photos) + 1,
                filename=att.filename,
                sha256=hashlib.sha256(att.data).hexdigest(),
                width=width,
                height=height,
                data=att.data,
                pixels=pixels,
            )
        )
    return photos, skipped


def no_photo_reason(photos: list[Photo], skipped: list[Skipped]) -> str | None:
    """Why a message is refused for want of photos, or None if it has one."""
    if photos:
        return None
    if not skipped:
        return "the message has no photo"
    why = "; ".join(f"{s.filename}: {s.reason}" for s in skipped[:5])
    return f"none of the images could be used ({why})"


def check(att: Attachment, *, keep: bool = False) -> Checked | str:
    """The photo's size and pixel hash, or why it is not usable.

    `keep`: return the whole decode of formats that are decoded whole (not JPEG).
    """
    if not att.data.startswith(b"\xff\xd8"):
        _load_webp()
    if att.content_type in ("application/ms-tnef", "application/vnd.ms-tnef"):
        return "winmail.dat (TNEF) is not readable"
    if att.content_type in _UNSUPPORTED:
        kind = _UNSUPPORTED[att.content_type]
        return f"{kind} is not supported; send JPEG, PNG, WebP, GIF or HEIC"
    try:
        with warnings.catch_warnings():
            # Pillow warns from 89 MP and raises from 179 MP; our own cap below decides. Its
            # other warnings (odd EXIF, metadata) do not make a photo unreadable either.
            warnings.simplefilter("ignore")
            # HEIF's opener is registered once an ISO base media file (HEIC, HEIF) comes,
            # and offered only for one (Pillow raises KeyError for a format not registered).
            heif = att.data[4:8] == b"ftyp"
            if heif:
                _register_heif()
            formats = DECODERS if heif else DECODERS[:-1]
            im = Image.open(io.BytesIO(att.data), formats=formats)
            result = _decode(im, keep)
            if not (isinstance(result, Checked) and result.image is im):
                im.close()  # a kept image stays open: closing it frees its pixels
            return result
    except Image.DecompressionBombError:
        return f"too many pixels; the limit is {MAX_PIXELS // 1_000_000} MP"
    except UnidentifiedImageError:
        return "not a readable image"
    except Exception:  # decoders raise OSError, SyntaxError, ValueError, EOFError… on bad data
        return "corrupt or truncated image"


@functools.cache
def _load_webp() -> None:
    """Pillow's WebP plugin (5 ms), before anything but a JPEG is opened: offered a format
    whose plugin is not loaded, Pillow loads all ~40 of its plugins first (70 ms), and
    WebP comes before GIF and HEIF in DECODERS (JPEG and PNG are loaded by its preinit)."""
    from PIL import WebPImagePlugin  # noqa: F401


@functools.cache
def _register_heif() -> None:
    import pillow_heif  # ~20 ms to import: only once a HEIC comes (most photos are JPEGs)

    pillow_heif.register_heif_opener()


def _decode(im: Image.Image, keep: bool) -> Checked | str:
    width, height = im.size
    if width * height > MAX_PIXELS:
        return f"too many pixels ({width}×{height}); the limit is {MAX_PIXELS // 1_000_000} MP"
    if min(width, height) < MIN_SIDE:
        return f"too small for a photo ({width}×{height}); logos and icons are left out"
    if im.format in ("JPEG", "MPO"):
        im.draft(im.mode if im.mode in ("CMYK", "L") else "RGB", (width // 8, height // 8))
    im.load()
    # The hash is of the photo as a viewer shows it: the same pixels turned by another
    # EXIF orientation look different, so they are another photo.
    orientation = _orientation(im)
    upright = im.transpose(_UPRIGHT[orientation]) if orientation in _UPRIGHT else im
    digest = hashlib.sha256(f"{upright.mode} {upright.size}".encode())
    for top in range(0, upright.height, HASH_ROWS):
        band = (0, top, upright.width, min(upright.height, top + HASH_ROWS))
        digest.update(upright.crop(band).tobytes())
    if orientation in _ROTATED:
        width, height = height, width
    whole = keep and im.format not in ("JPEG", "MPO")
    return Checked(
        width=width, height=height, pixels=digest.hexdigest(), image=im if whole else None
    )


def _orientation(im: Image.Image) -> int:
    try:
        value = im.getexif().get(0x0112, 1)
    except Exception:  # a broken EXIF block does not make the photo unreadable
        return 1
    return value if isinstance(value, int) else 1
