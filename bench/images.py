"""Every channel variant of a 12 MP phone photo, timed against vipsthumbnail in the same run.

    python bench/images.py [--repeat 5]

Makes its own inputs: a 12 MP JPEG stored sideways with EXIF orientation 6 and a
Display P3 profile (as a phone writes it), the same photo as a 12 MP HEIC, and a
landscape JPEG (no rotation) whose shape makes more networks crop. For
each, formatters cut every distinct variant the networks in formatters/specs.py need
from one decode; vipsthumbnail (Debian `libvips-tools`) makes the same set, one call
per variant. Prints both times and the ratio (target ≤ 0.5), and the PSNR of each
variant against a plain Lanczos resize of the full decode (target ≥ 40 dB).
"""

from __future__ import annotations

import argparse
import io
import math
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pillow_heif
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from formatters.decode import decode, to_srgb
from formatters.geometry import geometry
from formatters.images import Source, resize
from formatters.specs import SPECS, ChannelSpec
from tests.formatters.icc import display_p3

UPRIGHT = (3024, 4032)  # 12.2 MP, portrait as held


def photo() -> Image.Image:
    """Something with a photo's statistics: smooth light, hard edges, texture, sensor noise."""
    rnd = random.Random(42)
    w, h = UPRIGHT
    small = Image.new("RGB", (w // 8, h // 8))
    draw = ImageDraw.Draw(small)
    for y in range(small.height):
        t = y / small.height
        draw.line(
            [(0, y), (small.width, y)],
            fill=(int(90 + 120 * t), int(140 - 40 * t), int(200 - 150 * t)),
        )
    for _ in range(60):
        x, y, r = rnd.randrange(small.width), rnd.randrange(small.height), rnd.randrange(8, 90)
        colour = tuple(rnd.randrange(256) for _ in range(3))
        draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
    im = small.resize(UPRIGHT, Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(2))
    texture = Image.effect_noise(UPRIGHT, 40).filter(ImageFilter.GaussianBlur(1.2))
    im = Image.composite(
        im, ImageChops.multiply(im, texture.convert("RGB")), Image.new("L", UPRIGHT, 170)
    )
    noise = Image.merge("RGB", [Image.effect_noise(UPRIGHT, 6)] * 3)
    return ImageChops.add(im, noise, scale=1.0, offset=-128)


def inputs(folder: Path) -> dict[str, Path]:
    upright = photo()
    icc = display_p3()
    sideways = upright.transpose(Image.Transpose.ROTATE_90)  # orientation 6 turns it back
    exif = Image.Exif()
    exif[0x0112] = 6
    jpeg = folder / "phone.jpg"
    sideways.save(jpeg, "JPEG", quality=92, exif=exif.tobytes(), icc_profile=icc)
    heic = folder / "phone.heic"
    pillow_heif.register_heif_opener()
    upright.save(heic, "HEIF", quality=90, icc_profile=icc)  # as an iPhone: Display P3
    # Held sideways: Instagram, Threads and Pinterest then each need their own crop.
    landscape = folder / "landscape.jpg"
    sideways.save(landscape, "JPEG", quality=92, icc_profile=icc)
    return {"jpeg": jpeg, "heic": heic, "jpeg, landscape": landscape}


def distinct(width: int, height: int) -> dict[tuple[int, int, bool], list[str]]:
    """The distinct variants all networks need: (width, height, cropped) → networks."""
    out: dict[tuple[int, int, bool], list[str]] = {}
    for spec in SPECS.values():
        g = geometry(width, height, spec)
        key = (g.out_w, g.out_h, (g.crop_w, g.crop_h) != (width, height))
        out.setdefault(key, []).append(spec.network)
    return out


def ours(data: bytes) -> float:
    start = time.perf_counter()
    source = Source.open(data, SPECS.values())
    for spec in SPECS.values():
        source.variant(spec)
    return time.perf_counter() - start


def vips(path: Path, variants: dict[tuple[int, int, bool], list[str]], out: Path) -> float:
    start = time.perf_counter()
    for i, (w, h, cropped) in enumerate(variants):
        args = ["vipsthumbnail", str(path), "-s", f"{w}x{h}", "-e", "srgb"]
        if cropped:
            args += ["--smartcrop", "attention"]
        args += ["-o", f"{out}/v{i}.jpg[Q=85,strip,optimize_coding]"]
        subprocess.run(args, check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def psnr(a: Image.Image, b: Image.Image) -> float:
    hist = ImageChops.difference(a, b).histogram()
    sq = sum(n * (i % 256) ** 2 for i, n in enumerate(hist))
    mse = sq / (a.width * a.height * 3)
    return math.inf if mse == 0 else 10 * math.log10(255**2 / mse)


def quality(data: bytes) -> list[tuple[str, float, float, float]]:
    """Per distinct variant, PSNR against a Lanczos resize of the full decode: of our pixels,
    of our JPEG file, and of that reference itself saved at the same quality (what the
    JPEG encoder alone costs)."""
    with Image.open(io.BytesIO(data)) as im:
        full = to_srgb(ImageOps.exif_transpose(im))
    source = Source.open(data, SPECS.values())
    seen: set[tuple[int, ...]] = set()
    rows = []
    for spec in SPECS.values():
        g = geometry(source.decoded.width, source.decoded.height, spec)
        box = source.box(spec)
        if (*box, g.out_w) in seen:
            continue
        seen.add((*box, g.out_w))
        ref = full.resize((g.out_w, g.out_h), Image.Resampling.LANCZOS, box=box)
        mine = resize(source.decoded, box, (g.out_w, g.out_h))
        variant = source.variant(spec)
        with Image.open(io.BytesIO(variant.data)) as f:
            filed = f.convert("RGB")
        if filed.size != ref.size:  # shrunk to fit a byte cap: compare like with like
            ref = ref.resize(filed.size, Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        ref.save(buf, "JPEG", quality=variant.quality, optimize=True)
        with Image.open(buf) as f:
            ref_file = f.convert("RGB")
        rows.append(
            (_name(spec, g.out_w, g.out_h), psnr(mine, ref), psnr(filed, ref), psnr(ref_file, ref))
        )
    return rows


def _name(spec: ChannelSpec, w: int, h: int) -> str:
    return f"{spec.network} {w}×{h}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    if not shutil.which("vipsthumbnail"):
        sys.exit("vipsthumbnail not found: apt-get install -y libvips-tools")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = inputs(folder)
        for kind, path in paths.items():
            data = path.read_bytes()
            d = decode(data)
            variants = distinct(d.width, d.height)
            # Interleaved, best of each: other work on the machine hits both sides alike.
            runs = [(ours(data), vips(path, variants, folder)) for _ in range(args.repeat)]
            t_ours = min(r[0] for r in runs)
            t_vips = min(r[1] for r in runs)
            print(
                f"{kind}: {d.width}×{d.height}, {len(variants)} distinct variants for {len(SPECS)} networks"
            )
            print(f"  formatters (one decode)      {t_ours:6.3f} s")
            print(f"  vipsthumbnail (one per call) {t_vips:6.3f} s")
            print(f"  ratio                        {t_ours / t_vips:6.2f}  (target ≤ 0.50)")
            for name, p_px, p_file, p_ref in quality(data):
                print(
                    f"  PSNR {name:24} pixels {p_px:5.1f} dB   file {p_file:5.1f} dB"
                    f"   (reference as JPEG {p_ref:5.1f} dB)"
                )


if __name__ == "__main__":
    main()
