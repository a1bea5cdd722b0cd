"""Where each network's variant comes from in the photo, and how big it ends up.

Pure arithmetic on sizes: which crop (as little as the aspect range allows) and which
output size (long side, pixel count and minimum width rules). The crop's position is
chosen later, from the pixels (formatters/crop.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from formatters.specs import FULL, ChannelSpec

# A power-of-two reduction this close below the wanted scale is taken instead: the JPEG
# decoder (or a box reduce) makes it exactly, with no resampling pass at all.
SNAP = 0.85


@dataclass(frozen=True, kw_only=True)
class Geometry:
    crop_w: int  # in upright full-size pixels
    crop_h: int
    out_w: int
    out_h: int

    @property
    def scale(self) -> float:
        """Output pixels per full-size pixel."""
        return self.out_w / self.crop_w


def geometry(width: int, height: int, spec: ChannelSpec) -> Geometry:
    if width < 1 or height < 1:
        raise ValueError(f"image has no pixels ({width}×{height})")
    cw, ch = width, height
    if width / height > spec.aspect_max:
        cw = max(1, min(width, math.floor(height * spec.aspect_max)))
    elif width / height < spec.aspect_min:
        ch = max(1, min(height, math.floor(width / spec.aspect_min)))
    # No crop is sent sharper than the whole photo's full-size variant: that density is
    # what one decode provides, and a closer look is not what a network asked for.
    density = _snap(min(1.0, FULL / max(width, height)))
    s = min(density, _snap(min(1.0, spec.max_side / max(cw, ch))))
    if spec.max_width is not None:
        # A stated width is what the network shows: no snapping below it.
        s = min(s, spec.max_width / cw)
    if spec.max_pixels is not None:
        s = min(s, math.sqrt(spec.max_pixels / (cw * ch)))
    if cw * s < spec.min_width:
        # Upscaling adds no detail, but Instagram refuses narrower images outright.
        s = spec.min_width / cw
    ow = max(1, round(cw * s))
    oh = max(1, round(ch * s))
    # Rounding must not push the output back out of the aspect range.
    if ow / oh > spec.aspect_max:
        ow = max(1, math.floor(oh * spec.aspect_max))
    elif ow / oh < spec.aspect_min:
        oh = max(1, math.floor(ow / spec.aspect_min))
    return Geometry(crop_w=cw, crop_h=ch, out_w=ow, out_h=oh)


def _snap(s: float) -> float:
    if s >= 1.0:
        return s
    p = 2.0 ** -math.ceil(math.log2(1 / s))
    return p if p >= SNAP * s else s
