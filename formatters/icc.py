"""An ICC profile for HEICs that state their colours as nclx (CICP) numbers, not a profile.

Android phones write Display P3 HEICs this way; lcms needs a profile. Built as an ICC v2
matrix/TRC monitor profile: the primaries adapted to D50 (Bradford) and the sRGB curve.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from typing import Any

Matrix = list[list[float]]

D50 = (0.9642, 1.0, 0.8249)
_BRADFORD: Matrix = [
    [0.8951, 0.2664, -0.1614],
    [-0.7502, 1.7135, 0.0367],
    [0.0389, -0.0685, 1.0296],
]
_SRGB_PRIMARIES = {1, 2}  # BT.709 (sRGB's own) and "unspecified": nothing to convert
_SRGB_TRANSFER = 13


def from_nclx(nclx: Mapping[str, Any] | None) -> bytes | None:
    """A profile for an nclx colour description, or None when sRGB is already right."""
    if not nclx or nclx.get("color_primaries") in _SRGB_PRIMARIES:
        return None
    if nclx.get("transfer_characteristics") != _SRGB_TRANSFER:
        return None  # HDR curves (PQ, HLG) need tone mapping, not a profile
    try:
        xy = [
            (float(nclx[f"color_primary_{c}_x"]), float(nclx[f"color_primary_{c}_y"]))
            for c in ("red", "green", "blue", "white")
        ]
    except (KeyError, TypeError, ValueError):
        return None
    return matrix_shaper(xy[:3], xy[3])


def matrix_shaper(primaries: Sequence[tuple[float, float]], white: tuple[float, float]) -> bytes:
    m = _rgb_to_xyz(primaries, white)
    adapted = _mul(_adaptation(_xyz(white)), m)
    colorants = [tuple(adapted[r][c] for r in range(3)) for c in range(3)]
    curve = b"para\0\0\0\0" + struct.pack(">HH", 3, 0)
    curve += b"".join(_s15(v) for v in (2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045))
    tags = [
        (b"desc", _desc("nclx RGB")),
        (b"cprt", b"text\0\0\0\0No copyright\0"),
        (b"wtpt", _xyz_tag(D50)),
        (b"rXYZ", _xyz_tag(colorants[0])),
        (b"gXYZ", _xyz_tag(colorants[1])),
        (b"bXYZ", _xyz_tag(colorants[2])),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    return _profile(tags)


def _xyz(xy: tuple[float, float]) -> tuple[float, float, float]:
    x, y = xy
    return (x / y, 1.0, (1 - x - y) / y)


def _rgb_to_xyz(primaries: Sequence[tuple[float, float]], white: tuple[float, float]) -> Matrix:
    cols = [_xyz(p) for p in primaries]
    m = [[cols[c][r] for c in range(3)] for r in range(3)]
    s = _apply(_inverse(m), _xyz(white))
    return [[m[r][c] * s[c] for c in range(3)] for r in range(3)]


def _adaptation(src_white: tuple[float, float, float]) -> Matrix:
    src = _apply(_BRADFORD, src_white)
    dst = _apply(_BRADFORD, D50)
    scale = [[dst[i] / src[i] if i == j else 0.0 for j in range(3)] for i in range(3)]
    return _mul(_inverse(_BRADFORD), _mul(scale, _BRADFORD))


def _apply(m: Matrix, v: Sequence[float]) -> tuple[float, float, float]:
    r = [sum(m[i][k] * v[k] for k in range(3)) for i in range(3)]
    return (r[0], r[1], r[2])


def _mul(a: Matrix, b: Matrix) -> Matrix:
    return [[sum(a[i][k] * b[k][j] for k in range(3)) for j in range(3)] for i in range(3)]


def _inverse(m: Matrix) -> Matrix:
    (a, b, c), (d, e, f), (g, h, i) = m
    det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    return [
        [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
        [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
        [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
    ]


def _s15(v: float) -> bytes:
    return struct.pack(">i", round(v * 65536))


def _xyz_tag(v: Sequence[float]) -> bytes:
    return b"XYZ \0\0\0\0" + b"".join(_s15(x) for x in v)


def _desc(text: str) -> bytes:
    ascii_ = text.encode("ascii") + b"\0"
    return b"desc\0\0\0\0" + struct.pack(">I", len(ascii_)) + ascii_ + b"\0" * 78


def _profile(tags: list[tuple[bytes, bytes]]) -> bytes:
    offset = 128 + 4 + 12 * len(tags)
    table = body = b""
    for sig, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += data
    header = (
        struct.pack(">I", offset + len(body))
        + b"lcms"
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + b"\0" * 12
        + b"acsp"
        + b"\0" * 28
        + b"".join(_s15(v) for v in D50)
        + b"\0" * 48
    )
    return header + struct.pack(">I", len(tags)) + table + body
