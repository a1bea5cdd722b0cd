"""Image variants: upright, metadata-free, sRGB, 8-bit, inside every network's limits."""

from __future__ import annotations

import io
from dataclasses import replace

import pillow_heif
import pytest
from PIL import Image, ImageCms, ImageDraw

from formatters.decode import ImageError, decode
from formatters.geometry import geometry
from formatters.images import MIN_QUALITY, Source
from formatters.specs import SPECS
from tests.formatters.helpers import jpeg, marked
from tests.formatters.icc import display_p3, in_srgb


def one(data: bytes, network: str = "outbox") -> Image.Image:
    spec = SPECS[network]
    v = Source.open(data, [spec]).variant(spec)
    im = Image.open(io.BytesIO(v.data))
    assert (im.width, im.height) == (v.width, v.height)
    return im


def is_red(px: tuple[int, ...]) -> bool:
    return px[0] > 200 and px[1] < 60 and px[2] < 60


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_exif_orientation_is_applied(orientation: int) -> None:
    upright = marked((400, 300))
    stored = {
        3: upright.transpose(Image.Transpose.ROTATE_180),
        6: upright.transpose(Image.Transpose.ROTATE_90),
        8: upright.transpose(Image.Transpose.ROTATE_270),
    }[orientation]
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = one(jpeg(stored, exif=exif.tobytes()))
    assert out.size == (400, 300)
    assert is_red(out.getpixel((20, 20)))
    assert not is_red(out.getpixel((380, 280)))


def test_every_metadata_block_is_removed() -> None:
    exif = Image.Exif()
    exif[0x0112] = 1
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[2] = (55.0, 40.0, 30.0)  # latitude
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    data = jpeg(marked(), exif=exif.tobytes(), xmp=xmp, icc_profile=display_p3(), comment=b"secret")
    assert b"PhoneMaker" in data and b"xmpmeta" in data
    out = one(data)
    spec = SPECS["outbox"]
    raw = Source.open(data, [spec]).variant(spec).data
    for marker in (b"Exif\0\0", b"PhoneMaker", b"xmpmeta", b"ICC_PROFILE", b"secret"):
        assert marker not in raw
    assert not out.getexif()
    assert "progressive" not in out.info  # baseline: a third of the encode's CPU


def test_display_p3_is_converted_to_srgb() -> None:
    colour = (200, 100, 50)
    want = in_srgb(colour)
    out = one(jpeg(Image.new("RGB", (64, 64), colour), icc_profile=display_p3()))
    got = out.getpixel((32, 32))
    assert isinstance(got, tuple)
    assert all(abs(g - w) <= 3 for g, w in zip(got, want, strict=True))


def png(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def test_16_bit_grey_is_scaled_not_white() -> None:
    im = Image.new("I;16", (64, 64), 30000)
    out = one(png(im))
    px = out.getpixel((32, 32))
    assert isinstance(px, tuple)
    assert abs(px[0] - round(30000 / 257)) <= 2


def test_cmyk_becomes_rgb_with_the_right_colour() -> None:
    cmyk = Image.new("CMYK", (64, 64), (0, 255, 255, 0))  # pure red ink
    out = one(jpeg(cmyk))
    assert out.mode == "RGB"
    px = out.getpixel((32, 32))
    assert isinstance(px, tuple) and is_red(px)


def test_transparency_is_flattened_on_white() -> None:
    im = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    ImageDraw.Draw(im).rectangle((0, 0, 15, 15), fill=(255, 0, 0, 255))
    out = one(png(im))
    assert out.getpixel((50, 50)) == (255, 255, 255)
    px = out.getpixel((5, 5))
    assert isinstance(px, tuple) and is_red(px)


def test_animation_gives_its_first_frame() -> None:
    frames = [Image.new("RGB", (64, 64), c) for c in ((255, 0, 0), (0, 0, 255))]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=100)
    px = one(buf.getvalue()).getpixel((32, 32))
    assert isinstance(px, tuple) and is_red(px)


def test_heic_is_read_upright() -> None:
    buf = io.BytesIO()
    pillow_heif.from_pillow(marked((400, 300))).save(buf, quality=90)
    out = one(buf.getvalue())
    assert out.size == (400, 300)
    assert is_red(out.getpixel((20, 20)))


@pytest.mark.parametrize(
    "size", [(4000, 1000), (1000, 3000), (3000, 3000), (4032, 3024), (200, 150)]
)
@pytest.mark.parametrize("network", sorted(SPECS))
def test_every_network_gets_its_aspect_and_size(network: str, size: tuple[int, int]) -> None:
    spec = SPECS[network]
    v = Source.open(jpeg(marked(size)), [spec]).variant(spec)
    assert spec.aspect_min <= v.width / v.height <= spec.aspect_max
    assert max(v.width, v.height) <= max(spec.max_side, spec.min_width * 3)
    assert spec.max_width is None or v.width <= spec.max_width
    assert v.width >= spec.min_width
    assert spec.max_pixels is None or v.width * v.height <= spec.max_pixels
    assert len(v.data) <= spec.max_bytes
    assert v.format in spec.formats


def test_heic_with_exif_orientation_is_not_turned_twice() -> None:
    # pillow-heif stores the turn as the container's own rotation and reports EXIF
    # orientation 1 on reading: applying EXIF again would turn the photo a second time.
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    marked((400, 300)).transpose(Image.Transpose.ROTATE_90).save(
        buf, "HEIF", exif=exif.tobytes(), quality=90
    )
    out = one(buf.getvalue())
    assert out.size == (400, 300)
    assert is_red(out.getpixel((20, 20)))


def test_crop_removes_as_little_as_the_aspect_range_needs() -> None:
    g = geometry(4000, 1000, SPECS["instagram"])
    assert g.crop_h == 1000 and g.crop_w == 1910
    g = geometry(1000, 3000, SPECS["instagram"])
    assert g.crop_w == 1000 and g.crop_h == 1250


def test_crop_follows_the_detail_not_the_centre() -> None:
    im = Image.new("RGB", (3000, 1000), (120, 120, 120))
    d = ImageDraw.Draw(im)
    for x in range(2300, 2950, 20):  # busy stripes near the right edge
        d.rectangle((x, 200, x + 9, 800), fill=(250, 250, 250))
    spec = SPECS["instagram"]
    box = Source.open(jpeg(im), [spec]).box(spec)
    assert box[2] - box[0] == 1910
    assert box[0] <= 2300 and box[2] >= 2950


def test_flat_photo_is_cropped_in_the_centre() -> None:
    spec = SPECS["instagram"]
    box = Source.open(jpeg(Image.new("RGB", (3000, 1000), (90, 90, 90))), [spec]).box(spec)
    assert box[0] == (3000 - 1910) // 2


def noisy(size: tuple[int, int]) -> bytes:
    return jpeg(Image.merge("RGB", [Image.effect_noise(size, 80)] * 3).convert("RGB"))


def test_byte_cap_lowers_quality_then_pixels_never_below_minimum_quality() -> None:
    data = noisy((800, 600))
    base = replace(SPECS["outbox"], max_bytes=10**9)
    full = Source.open(data, [base]).variant(base)
    tight = replace(base, max_bytes=len(full.data) * 3 // 4)
    v = Source.open(data, [tight]).variant(tight)
    assert len(v.data) <= tight.max_bytes and v.quality >= MIN_QUALITY
    tiny = replace(base, max_bytes=len(full.data) // 6)
    t = Source.open(data, [tiny]).variant(tiny)
    assert len(t.data) <= tiny.max_bytes
    assert t.quality >= MIN_QUALITY and t.width < full.width


def test_output_is_deterministic() -> None:
    data = noisy((600, 400))
    spec = SPECS["bluesky"]
    assert (
        Source.open(data, [spec]).variant(spec).data == Source.open(data, [spec]).variant(spec).data
    )


def test_jpeg_is_decoded_at_the_smallest_dct_scale_that_covers_every_variant() -> None:
    data = jpeg(marked((4032, 3024)))
    source = Source.open(data, [SPECS["instagram"], SPECS["threads"]])
    # Threads wants 1440 wide: a quarter (1008) would not cover it, a half (2016) does.
    assert source.decoded.image.size == (2016, 1512)
    assert decode(data, 0.2).image.size == (1008, 756)


def test_unreadable_image_is_a_clear_error() -> None:
    with pytest.raises(ImageError, match="not a readable image"):
        decode(b"\xff\xd8\xff\xe0 definitely not a jpeg")


def test_tall_crop_follows_the_detail_too() -> None:
    im = Image.new("RGB", (1000, 3000), (120, 120, 120))
    d = ImageDraw.Draw(im)
    for y in range(100, 700, 20):  # busy stripes near the top
        d.rectangle((200, y, 800, y + 9), fill=(250, 250, 250))
    spec = SPECS["instagram"]
    box = Source.open(jpeg(im), [spec]).box(spec)
    assert box[3] - box[1] == 1250
    assert box[1] <= 100 and box[3] >= 700


def test_heic_with_display_p3_as_nclx_is_converted_to_srgb() -> None:
    from formatters.icc import from_nclx, matrix_shaper

    colour = (200, 100, 50)
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(
        buf,
        "HEIF",
        quality=95,
        color_primaries=12,
        transfer_characteristics=13,
        matrix_coefficients=6,
        full_range_flag=1,
    )
    # The profile built from the primaries matches Apple's own Display P3 colorants.
    p3 = ImageCms.ImageCmsProfile(io.BytesIO(display_p3()))
    expect = ImageCms.profileToProfile(
        Image.new("RGB", (1, 1), colour), p3, ImageCms.createProfile("sRGB"), outputMode="RGB"
    )
    assert expect is not None
    want = expect.getpixel((0, 0))
    got = one(buf.getvalue()).getpixel((32, 32))
    assert isinstance(want, tuple) and isinstance(got, tuple)
    assert all(abs(g - w) <= 8 for g, w in zip(got, want, strict=True))  # 2.2 vs sRGB curve
    assert got[0] >= colour[0] + 10  # P3 red reads redder in sRGB
    # sRGB primaries, or an HDR curve, are left to plain decoding.
    assert from_nclx({"color_primaries": 1, "transfer_characteristics": 13}) is None
    assert from_nclx({"color_primaries": 12, "transfer_characteristics": 16}) is None
    srgb = matrix_shaper([(0.64, 0.33), (0.30, 0.60), (0.15, 0.06)], (0.3127, 0.3290))
    same = ImageCms.profileToProfile(
        Image.new("RGB", (1, 1), colour),
        ImageCms.ImageCmsProfile(io.BytesIO(srgb)),
        ImageCms.createProfile("sRGB"),
        outputMode="RGB",
    )
    assert same is not None and same.getpixel((0, 0)) == colour
