"""load_photos: the allowlist, the pixel cap before decoding, truncation, the pixel hash."""

from __future__ import annotations

import io
import struct
import zlib

import pillow_heif
import pytest
from PIL import Image

from dripcast.core.domain import Attachment
from ingest.photos import MAX_PIXELS, load_photos
from tests.data.make_corpus import picture

pillow_heif.register_heif_opener()


def encode(im: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **options)
    return out.getvalue()


def att(data: bytes, name: str = "photo.jpg", kind: str = "image/jpeg") -> Attachment:
    return Attachment(filename=name, content_type=kind, data=data)


def only_reason(data: bytes, kind: str = "image/jpeg") -> str:
    photos, skipped = load_photos([att(data, kind=kind)])
    assert photos == []
    assert len(skipped) == 1
    return skipped[0].reason


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header declares width×height, with one tiny (incomplete) IDAT."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1000)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def jpeg_declaring(width: int, height: int) -> bytes:
    """A real small JPEG with its SOF0 frame header patched to declare width×height."""
    data = bytearray(encode(picture(1, 320, 240), "JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


@pytest.mark.parametrize(
    ("fmt", "kind", "options"),
    [
        ("JPEG", "image/jpeg", {}),
        ("PNG", "image/png", {}),
        ("WEBP", "image/webp", {}),
        ("GIF", "image/gif", {}),
        ("HEIF", "image/heic", {"quality": 50}),
    ],
)
def test_allowed_formats_load(fmt: str, kind: str, options: dict[str, object]) -> None:
    data = encode(picture(5, 400, 300), fmt, **options)
    photos, skipped = load_photos([att(data, kind=kind)])
    assert skipped == []
    assert [(p.index, p.width, p.height, p.data) for p in photos] == [(1, 400, 300, data)]


def test_mpo_from_a_phone_loads_as_one_photo() -> None:
    left, right = picture(6, 400, 300), picture(7, 400, 300)
    data = encode(left, "MPO", save_all=True, append_images=[right])
    photos, skipped = load_photos([att(data)])
    assert skipped == [] and len(photos) == 1


def test_animated_gif_loads_its_first_frame() -> None:
    frames = [picture(n, 300, 300).convert("P") for n in range(3)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    photos, _ = load_photos([att(data, kind="image/gif")])
    assert len(photos) == 1


def test_tiff_is_refused_by_name() -> None:
    data = encode(picture(8, 400, 300), "TIFF")
    assert only_reason(data, "image/tiff") == (
        "TIFF is not supported; send JPEG, PNG, WebP, GIF or HEIC"
    )


def test_bmp_labelled_jpeg_is_not_decoded() -> None:
    data = encode(picture(8, 400, 300), "BMP")
    assert only_reason(data) == "not a readable image"


def test_huge_declared_size_is_refused_before_decoding() -> None:
    # 50000×50000 = 2,500 MP: Pillow's own bomb error, reported with our limit.
    assert only_reason(png_declaring(50_000, 50_000), "image/png") == (
        "too many pixels; the limit is 100 MP"
    )


def test_just_over_the_cap_is_refused_before_decoding() -> None:
    # 11000×10000 = 110 MP, under Pillow's error threshold: our cap must refuse it. The
    # scan data is that of a 320×240 image (libjpeg pads a short scan that ends in EOI),
    # so only the declared size can be behind this reason.
    reason = only_reason(jpeg_declaring(11_000, 10_000))
    assert reason == "too many pixels (11000×10000); the limit is 100 MP"
    assert MAX_PIXELS < 11_000 * 10_000


@pytest.mark.parametrize("keep", [0.5, 0.9, -2])
def test_truncated_jpeg(keep: float) -> None:
    data = encode(picture(9), "JPEG")
    cut = int(len(data) * keep) if keep > 0 else len(data) + int(keep)
    assert only_reason(data[:cut]) == "corrupt or truncated image"


def test_truncated_png_and_heic() -> None:
    png = encode(picture(10), "PNG")
    assert only_reason(png[: len(png) // 2], "image/png") == "corrupt or truncated image"
    heic = encode(picture(10), "HEIF", quality=50)
    assert only_reason(heic[: len(heic) // 2], "image/heic") == "corrupt or truncated image"


def test_tiny_images_are_left_out_with_a_reason() -> None:
    data = encode(picture(11, 240, 80), "PNG")
    assert only_reason(data, "image/png") == (
        "too small for a photo (240×80); logos and icons are left out"
    )


def test_one_bad_photo_does_not_stop_the_others() -> None:
    good, other = encode(picture(12), "JPEG"), encode(picture(17), "JPEG")
    photos, skipped = load_photos(
        [att(good, "a.jpg"), att(good[:5000], "b.jpg"), att(b"", "c.jpg"), att(other, "d.jpg")]
    )
    assert [(p.index, p.filename) for p in photos] == [(1, "a.jpg"), (2, "d.jpg")]
    assert [s.filename for s in skipped] == ["b.jpg", "c.jpg"]


def test_pixel_hash_ignores_metadata_but_not_pixels() -> None:
    plain = encode(picture(13), "JPEG", quality=80)
    exif = Image.Exif()
    exif[0x010F] = "Apple"
    # Same compressed scan, different container: a comment segment and EXIF added.
    tagged = plain[:2] + b"\xff\xfe\x00\x0bcomment!!" + plain[2:]
    app1 = exif.tobytes()  # starts with b"Exif\0\0"
    with_exif = plain[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + plain[2:]
    other = encode(picture(14), "JPEG", quality=80)
    photos = [load_photos([att(data)])[0][0] for data in (plain, tagged, with_exif, other)]
    assert len({p.sha256 for p in photos}) == 4
    assert photos[0].pixels == photos[1].pixels == photos[2].pixels
    assert photos[3].pixels != photos[0].pixels


def test_pixel_hash_of_png_survives_added_text_chunks() -> None:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Software", "Screenshot tool")
    im = picture(15)
    a, b = encode(im, "PNG"), encode(im, "PNG", pnginfo=info)
    photos = [load_photos([att(data, kind="image/png")])[0][0] for data in (a, b)]
    assert photos[0].sha256 != photos[1].sha256
    assert photos[0].pixels == photos[1].pixels


def test_the_same_photo_twice_in_one_message_is_posted_once() -> None:
    data = encode(picture(16), "JPEG")
    tagged = data[:2] + b"\xff\xfe\x00\x06note" + data[2:]  # other bytes, same pixels
    photos, skipped = load_photos([att(data, "a.jpg"), att(tagged, "b.jpg")])
    assert [p.filename for p in photos] == ["a.jpg"]
    assert [(s.filename, s.reason) for s in skipped] == [("b.jpg", "the same photo as a.jpg")]


def with_orientation(jpeg: bytes, orientation: int) -> bytes:
    """The same JPEG scan, byte for byte, behind an EXIF block carrying `orientation`."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Apple"
    app1 = exif.tobytes()  # starts with b"Exif\0\0"
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + jpeg[2:]


def test_pixel_hash_is_of_the_photo_as_seen_after_exif_orientation() -> None:
    scan = encode(picture(17), "JPEG", quality=80)
    files = {n: with_orientation(scan, n) for n in (1, 2, 3, 6, 8)}
    photos = {n: load_photos([att(data)])[0][0] for n, data in files.items()}
    # Orientation 1 is how the file looks without EXIF: one photo.
    assert photos[1].pixels == load_photos([att(scan)])[0][0].pixels
    # Mirrored, upside down, turned left or right: each looks different, each is its own photo.
    assert len({p.pixels for p in photos.values()}) == 5
    found, skipped = load_photos([att(files[1], "a.jpg"), att(files[6], "b.jpg")])
    assert [p.filename for p in found] == ["a.jpg", "b.jpg"] and skipped == []
    assert [(p.width, p.height) for p in found] == [(800, 600), (600, 800)]


def test_pixel_hash_of_an_upright_copy_equals_the_rotated_original() -> None:
    # Lossless (PNG with an eXIf chunk): a phone's rotated file and an editor's upright
    # copy of it look the same, so they are the same photo.
    im = picture(18)
    exif = Image.Exif()
    exif[0x0112] = 6
    rotated = encode(im, "PNG", exif=exif.tobytes())
    upright = encode(im.transpose(Image.Transpose.ROTATE_270), "PNG")
    a, b = (load_photos([att(d, kind="image/png")])[0][0] for d in (rotated, upright))
    assert a.pixels == b.pixels
