"""Image variants: every network's crop and size, cut from one decode of the photo."""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from PIL import Image

from formatters.crop import Energy, energy, place
from formatters.decode import RESAMPLE, Decoded, decode, heif_opener_for, to_srgb
from formatters.geometry import Geometry, geometry
from formatters.specs import ChannelSpec

QUALITY = 85
# A variant more than NEAR of a resampled decode's size (formatters/decode.py) is cut
# from the whole decode instead, as every variant was before, when that decode is less
# than half the photo's size: so reduced, it is sharp to its last pixel and a second
# resample this close to the first softens it (Threads' 1440 wide from a noise-rich
# 21 MP photo's 1536: 39.4 dB against a Lanczos resize of the full decode; 41.7 dB so).
# Down to half size, a photo's own softness (lens, demosaicing, codec) leaves little
# there: from the reduced decode, 43.4 dB for a real iPhone HEIC, 46.5 dB for a
# noise-rich 12 MP one, and a second pass over 12 MP saved.
NEAR = 0.8
SHARP_BELOW = 0.499
MIN_QUALITY = 70  # below this, artefacts show: shrink the pixels instead
SHRINK = 0.9


@dataclass(frozen=True, kw_only=True)
class Variant:
    data: bytes
    width: int
    height: int
    format: str = "jpeg"
    quality: int = QUALITY

    @property
    def nbytes(self) -> int:
        return len(self.data)


def cut_variants(
    data: bytes,
    specs: Iterable[ChannelSpec],
    *,
    loaded: Image.Image | None = None,
    threads: int = 1,
    source: Source | None = None,
) -> dict[ChannelSpec, Variant]:
    """Every spec's variant of one photo, from one decode (`loaded`: see `Source.open`;
    `source`: that decode already made), the distinct ones encoded on `threads` threads."""
    wanted = list(dict.fromkeys(specs))
    if source is None:
        source = Source.open(data, wanted, loaded=loaded, threads=threads)
    source.encode_all(wanted, threads)
    return {spec: source.variant(spec) for spec in wanted}


@dataclass(kw_only=True)
class Source:
    """One photo, decoded once, and the variants already cut from it (same rules, same bytes)."""

    decoded: Decoded
    _energy: Energy | None = None
    _cache: dict[tuple[int, ...], Variant] = field(default_factory=dict)

    @classmethod
    def open(
        cls,
        data: bytes,
        specs: Iterable[ChannelSpec],
        *,
        loaded: Image.Image | None = None,
        threads: int = 1,
    ) -> Source:
        """Decode `data` just large enough for every variant of `specs`.

        `loaded`: the photo already decoded whole by the photo check (HEIC, PNG, WebP),
        which is then used instead of a second decode. `threads`: see `decode`.
        """
        probe = decode_size(data)
        sizes = [geometry(*probe, s) for s in specs]
        top = max(sizes, key=lambda g: g.scale, default=None)
        need = top.scale if top else 1.0
        # Resampled to the largest variant's exact size when that is the whole photo, so
        # that variant is the decode itself (`scale` × the size may round another way).
        fit = (top.out_w, top.out_h) if top and (top.crop_w, top.crop_h) == probe else None
        decoded = decode(data, min(1.0, need), loaded=loaded, threads=threads, fit=fit)
        return cls(decoded=decoded)

    def encode_all(self, specs: Iterable[ChannelSpec], threads: int = 1) -> None:
        """Resample and encode every distinct variant of `specs` now, on `threads` threads.

        Pillow lets go of the GIL while it resamples and encodes, so two threads use two
        cores on one photo. `variant` then finds each one made (same rules, same bytes).
        """
        todo: dict[tuple[int, ...], tuple[tuple[int, int, int, int], Geometry]] = {}
        d = self.decoded
        for spec in specs:
            g = geometry(d.width, d.height, spec)
            box = self.box(spec)  # the crop energy is computed once, here, before any thread
            key = (*box, g.out_w, g.out_h)
            if key not in self._cache:
                todo[key] = (box, g)

        def one(item: tuple[tuple[int, ...], tuple[tuple[int, int, int, int], Geometry]]) -> None:
            key, (box, g) = item
            im = resize(d, box, (g.out_w, g.out_h))
            self._cache[key] = Variant(data=_jpeg(im, QUALITY), width=g.out_w, height=g.out_h)

        def cost(item: tuple[tuple[int, ...], tuple[tuple[int, int, int, int], Geometry]]) -> int:
            _, (box, g) = item
            pixels = g.out_w * g.out_h
            as_decoded = box == (0, 0, d.width, d.height) and (g.out_w, g.out_h) == d.image.size
            return pixels if as_decoded else 2 * pixels  # a resample costs about an encode

        # Longest first: the threads then finish together instead of one waiting on
        # the last big variant (3 variants on 2 threads: 0.09 s instead of 0.11 s).
        items = sorted(todo.items(), key=cost, reverse=True)
        if threads <= 1 or len(items) <= 1:
            for item in items:
                one(item)
            return
        with ThreadPoolExecutor(max_workers=min(threads, len(items))) as pool:
            list(pool.map(one, items))

    def variant(self, spec: ChannelSpec) -> Variant:
        d = self.decoded
        g = geometry(d.width, d.height, spec)
        key = (*self.box(spec), g.out_w, g.out_h)
        first = self._cache.get(key)
        if first is None:
            im = resize(d, self.box(spec), (g.out_w, g.out_h))
            first = self._cache[key] = Variant(
                data=_jpeg(im, QUALITY), width=g.out_w, height=g.out_h
            )
        if len(first.data) <= spec.max_bytes:
            return first
        capped = (*key, spec.max_bytes)
        if capped not in self._cache:
            self._cache[capped] = _encode(d, self.box(spec), g, spec.max_bytes)
        return self._cache[capped]

    def box(self, spec: ChannelSpec) -> tuple[int, int, int, int]:
        """The crop, in upright full-size pixels."""
        d = self.decoded
        g = geometry(d.width, d.height, spec)
        if (g.crop_w, g.crop_h) == (d.width, d.height):
            return (0, 0, d.width, d.height)
        if self._energy is None:
            self._energy = energy(d.image)
        x = place(d.width, g.crop_w, self._energy.cols)
        y = place(d.height, g.crop_h, self._energy.rows)
        return (x, y, x + g.crop_w, y + g.crop_h)


def decode_size(data: bytes) -> tuple[int, int]:
    """The upright full size, from the header alone."""
    heif_opener_for(data)
    with Image.open(io.BytesIO(data)) as im:
        w, h = im.size
        return (h, w) if im.getexif().get(0x0112, 1) in (5, 6, 7, 8) else (w, h)


def resize(d: Decoded, box: tuple[int, int, int, int], size: tuple[int, int]) -> Image.Image:
    """The crop `box` (full-size pixels) of the decoded photo at `size`."""
    if box == (0, 0, d.width, d.height) and size == d.image.size:
        return d.image  # the decoder already made this size: resampling would only blur
    sx, sy = d.scale
    if d.whole is not None and sx < SHARP_BELOW and size[0] > NEAR * (box[2] - box[0]) * sx:
        im = to_srgb(d.whole.resize(size, RESAMPLE, box=box))
        im.info = {}
        return im
    w, h = d.image.size
    work_box = (box[0] * sx, box[1] * sy, min(w, box[2] * sx), min(h, box[3] * sy))
    exact = (round(work_box[0]), round(work_box[1]), round(work_box[2]), round(work_box[3]))
    if exact == work_box and (exact[2] - exact[0], exact[3] - exact[1]) == size:
        return d.image.crop(exact)  # same density: a crop, not a resample
    return d.image.resize(size, d.resample, box=work_box)


def _encode(d: Decoded, box: tuple[int, int, int, int], g: Geometry, max_bytes: int) -> Variant:
    w, h = g.out_w, g.out_h
    while True:
        im = resize(d, box, (w, h))
        data, q = _fit_quality(im, max_bytes)
        if data is not None:
            return Variant(data=data, width=w, height=h, quality=q)
        if w <= 16 or h <= 16:
            raise ValueError(f"cannot fit an image into {max_bytes} bytes")
        w, h = max(1, math.floor(w * SHRINK)), max(1, math.floor(h * SHRINK))


def _fit_quality(im: Image.Image, max_bytes: int) -> tuple[bytes | None, int]:
    """The highest quality ≤ QUALITY that fits, searched by bisection; None below MIN_QUALITY."""
    best = _jpeg(im, QUALITY)
    if len(best) <= max_bytes:
        return best, QUALITY
    lo, hi, found, q_found = MIN_QUALITY, QUALITY - 1, None, 0
    while lo <= hi:
        q = (lo + hi) // 2
        data = _jpeg(im, q)
        if len(data) <= max_bytes:
            found, q_found, lo = data, q, q + 1
        else:
            hi = q - 1
    return found, q_found


def _jpeg(im: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    # Baseline JPEG with optimised Huffman tables: a progressive encode is ~5 % smaller
    # but costs 2.3x the CPU (35 vs 15 ms for 3 MP), and every network but WordPress
    # re-encodes what it gets. No exif/icc_profile arguments: nothing but pixels leaves.
    im.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()
