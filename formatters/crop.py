"""Where to crop: around the most detailed part of the photo, not blindly the centre.

Edge energy on a small thumbnail, summed per column and per row; the crop window
slides along the one axis being cut to where it holds the most energy. A mild pull
toward the centre keeps flat photos centred and stops ties wandering to an edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

from PIL import Image, ImageFilter

THUMB = 96  # long side of the energy map: detail at this scale is what a crop can keep
CENTRE_PULL = 0.15  # at most this share of the best window's energy is lost to off-centre


@dataclass(frozen=True, kw_only=True)
class Energy:
    cols: tuple[float, ...]
    rows: tuple[float, ...]


def energy(im: Image.Image) -> Energy:
    w, h = im.size
    f = THUMB / max(w, h)
    small = im.convert("L").resize(
        (max(3, round(w * f)), max(3, round(h * f))), Image.Resampling.BOX
    )
    edges = small.filter(ImageFilter.FIND_EDGES)
    sw, sh = edges.size
    px = edges.tobytes()  # mode L: one byte per pixel
    # FIND_EDGES leaves a one-pixel frame of garbage: ignore it.
    cols = [0.0] * sw
    rows = [0.0] * sh
    for y in range(1, sh - 1):
        line = px[y * sw + 1 : y * sw + sw - 1]
        rows[y] = float(sum(line))
        for x, v in enumerate(line, 1):
            cols[x] += v
    return Energy(cols=tuple(cols), rows=tuple(rows))


def place(size: int, window: int, profile: tuple[float, ...]) -> int:
    """Start of the best `window`-wide span of a `size`-long axis, in that axis's pixels."""
    if window >= size:
        return 0
    n = len(profile)
    f = n / size
    win = max(1, min(n, round(window * f)))
    sums = [0.0, *accumulate(profile)]
    spans = [sums[i + win] - sums[i] for i in range(n - win + 1)]
    top = max(spans) or 1.0
    centre = (n - win) / 2
    half = max(centre, 1.0)

    def score(i: int) -> float:
        return spans[i] / top - CENTRE_PULL * abs(i - centre) / half

    best = max(range(len(spans)), key=lambda i: (score(i), -abs(i - centre)))
    # The thumbnail's quantisation: map back and keep the window inside the image.
    start = (size - window) // 2 if abs(best - centre) <= 0.5 else round(best / f)
    return max(0, min(size - window, start))
