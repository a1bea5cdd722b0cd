"""A photo decoded whole (HEIC, PNG, WebP) is resampled once to its largest variant's
size, colours converted after; the rest are cut from that, or from the whole decode
when they are nearly as large. Same bytes on any number of threads; as sharp as before.

No timing is asserted: bench/preview.py and bench/images.py measure it.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from dripcast.app.imaging import cut_one
from dripcast.core.domain import Attachment
from formatters.decode import decode, to_srgb
from formatters.geometry import geometry
from formatters.images import Source, cut_variants, resize
from formatters.specs import SPECS
from ingest.photos import check
from tests.formatters.helpers import jpeg, marked
from tests.formatters.icc import display_p3, in_srgb
from tests.test_speed import noisy, psnr

ROOT = Path(__file__).resolve().parent.parent
NETWORKS = ["instagram", "facebook", "threads", "x", "bluesky", "mastodon", "linkedin"]
SEVEN = [SPECS[n] for n in NETWORKS]


def png(im: Image.Image, **save: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "PNG", compress_level=1, **save)
    return buf.getvalue()


def test_a_whole_decode_is_resampled_once_to_the_largest_variant() -> None:
    data = png(marked((3000, 4000)))
    source = Source.open(data, SEVEN)
    d = source.decoded
    assert (d.width, d.height) == (3000, 4000)
    assert d.image.size == (1500, 2000)  # the full-size variant's own size
    assert d.whole is not None and d.whole.size == (3000, 4000)
    spec = SPECS["facebook"]
    g = geometry(d.width, d.height, spec)
    assert resize(d, source.box(spec), (g.out_w, g.out_h)) is d.image  # no second resample
    red = d.image.getpixel((10, 10))
    assert isinstance(red, tuple) and red[0] > 200 and red[1] < 60


def test_a_photo_that_needs_no_reduction_keeps_its_decode() -> None:
    d = decode(png(marked((800, 600))), 1.0)
    assert d.whole is None and d.image.size == (800, 600)


def test_the_bytes_do_not_depend_on_the_threads_nor_on_the_check_handing_its_decode() -> None:
    data = png(noisy((2100, 2800)), icc_profile=display_p3())  # bands convert colours too
    one = cut_variants(data, SEVEN, threads=1)
    two = cut_variants(data, SEVEN, threads=2)
    assert {s: v.data for s, v in one.items()} == {s: v.data for s, v in two.items()}
    cut = cut_one(Attachment(filename="a.png", content_type="image/png", data=data), SEVEN, 2)
    assert {s: v.data for s, v in cut.variants.items()} == {s: v.data for s, v in one.items()}


def test_colours_are_converted_after_the_reduce_as_before_it() -> None:
    colour = (200, 100, 50)
    want = in_srgb(colour)
    data = png(Image.new("RGB", (2600, 3000), colour), icc_profile=display_p3())
    source = Source.open(data, SEVEN)
    for network in NETWORKS:
        v = source.variant(SPECS[network])
        got = Image.open(io.BytesIO(v.data)).convert("RGB").getpixel((v.width // 2, v.height // 2))
        assert isinstance(got, tuple)
        assert all(abs(g - w) <= 3 for g, w in zip(got, want, strict=True)), network


def test_alpha_and_16_bit_are_made_rgb_before_the_reduce() -> None:
    im = Image.new("RGBA", (3000, 4000), (0, 0, 0, 0))
    ImageDraw.Draw(im).rectangle((0, 0, 999, 999), fill=(255, 0, 0, 255))
    d = Source.open(png(im), SEVEN).decoded
    assert d.image.mode == "RGB" and d.image.size == (1500, 2000)
    assert d.image.getpixel((1000, 1200)) == (255, 255, 255)
    red = d.image.getpixel((100, 100))
    assert isinstance(red, tuple) and red[0] > 200 and red[1] < 60
    grey = Source.open(png(Image.new("I;16", (3000, 4000), 30000)), SEVEN).decoded
    px = grey.image.getpixel((600, 700))
    assert isinstance(px, tuple) and abs(px[0] - round(30000 / 257)) <= 2


def test_a_variant_nearly_as_large_as_the_reduced_decode_is_as_sharp_as_one_resample() -> None:
    """Threads' 1440 wide from a reduced 1536: cut from the reduced decode it measured
    39.4 dB against a Lanczos resize of the full decode; from the whole decode 41.7 dB."""
    data = png(noisy((4000, 5333)))
    full = Image.open(io.BytesIO(data)).convert("RGB")
    source = Source.open(data, SEVEN)
    assert source.decoded.image.size == (1536, 2048)
    for spec in (SPECS["threads"], SPECS["instagram"]):
        g = geometry(source.decoded.width, source.decoded.height, spec)
        box = source.box(spec)
        ref = full.resize((g.out_w, g.out_h), Image.Resampling.LANCZOS, box=box)
        assert psnr(resize(source.decoded, box, (g.out_w, g.out_h)), ref) >= 40, spec.network


def test_a_photo_reduced_to_half_cuts_every_variant_from_the_reduced_decode() -> None:
    """The 12 MP phone photo: no second pass over its 12 MP for Threads' 1440 wide."""
    data = png(marked((3024, 4032)))
    source = Source.open(data, SEVEN)
    d = source.decoded
    assert d.image.size == (1512, 2016) and d.whole is not None
    blind = replace(d, whole=Image.new("RGB", d.whole.size))  # a whole decode read shows black
    for spec in SEVEN:
        g = geometry(d.width, d.height, spec)
        box = source.box(spec)
        same = resize(blind, box, (g.out_w, g.out_h)).tobytes()
        assert same == resize(d, box, (g.out_w, g.out_h)).tobytes(), spec.network


def test_every_variant_of_the_real_heic_is_within_40_db_of_a_lanczos_resize() -> None:
    data = (ROOT / "bench" / "photos" / "iphone11pro.heic").read_bytes()
    full = to_srgb(Image.open(io.BytesIO(data)))
    source = Source.open(data, SEVEN)
    assert source.decoded.whole is not None
    seen = set()
    for spec in SEVEN:
        g = geometry(source.decoded.width, source.decoded.height, spec)
        box = source.box(spec)
        if (*box, g.out_w, g.out_h) in seen:
            continue
        seen.add((*box, g.out_w, g.out_h))
        ref = full.resize((g.out_w, g.out_h), Image.Resampling.LANCZOS, box=box)
        assert psnr(resize(source.decoded, box, (g.out_w, g.out_h)), ref) >= 40, spec.network
    assert len(seen) == 3


def test_checking_a_heic_loads_no_other_image_plugin() -> None:
    """WebP before HEIF in the formats tried made Pillow import all ~40 of its plugins."""
    code = (
        "import sys, pathlib\n"
        "from dripcast.core.domain import Attachment\n"
        "from ingest.photos import check\n"
        "data = pathlib.Path(sys.argv[1]).read_bytes()\n"
        "assert not isinstance(check(Attachment(filename='a.heic',"
        " content_type='image/heic', data=data)), str)\n"
        "print(sorted(m for m in sys.modules if m.endswith('ImagePlugin')))\n"
    )
    path = ROOT / "bench" / "photos" / "iphone11pro.heic"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "BlpImagePlugin" not in done.stdout
    assert "JpegImagePlugin" in done.stdout  # the test sees plugins at all


@pytest.mark.parametrize("mode", ["RGB", "L", "1", "RGBA", "I;16"])
def test_the_pixel_hash_is_of_the_same_bytes_as_before(mode: str) -> None:
    """Hashed a band at a time, the stored hashes of photos already posted still match."""
    im = noisy((300, 1000)).convert(mode) if mode != "I;16" else Image.new(mode, (300, 1000), 999)
    buf = io.BytesIO()
    im.save(buf, "PNG")
    checked = check(Attachment(filename="a.png", content_type="image/png", data=buf.getvalue()))
    assert not isinstance(checked, str)
    with Image.open(io.BytesIO(buf.getvalue())) as back:
        whole = hashlib.sha256(f"{back.mode} {back.size}".encode() + back.tobytes())
    assert checked.pixels == whole.hexdigest()


def test_a_jpeg_checked_beside_its_decode_gives_what_one_after_the_other_gives() -> None:
    data = jpeg(noisy((1600, 1200)), exif=_exif(6))
    att = Attachment(filename="a.jpg", content_type="image/jpeg", data=data)
    side = cut_one(att, SEVEN, 2)  # the check and the decode on two threads
    alone = cut_one(att, SEVEN, 1)
    assert side.checked == alone.checked and side.error is None
    assert {s: v.data for s, v in side.variants.items()} == {
        s: v.data for s, v in alone.variants.items()
    }
    truncated = Attachment(filename="b.jpg", content_type="image/jpeg", data=data[: len(data) // 2])
    assert cut_one(truncated, SEVEN, 2) == cut_one(truncated, SEVEN, 1)
    assert isinstance(cut_one(truncated, SEVEN, 2).checked, str)
    junk = Attachment(filename="c.jpg", content_type="image/jpeg", data=b"\xff\xd8\xff junk")
    assert cut_one(junk, SEVEN, 2).checked == "not a readable image"


def _exif(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()
