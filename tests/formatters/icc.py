"""A minimal Display P3 ICC profile, built here so tests need no profile files.

ICC v2 matrix/TRC monitor profile: D50-adapted P3 primaries (as in Apple's own
"Display P3" profile) and a plain 2.2 gamma, which is close enough to tell
"converted to sRGB" from "left alone".
"""

from __future__ import annotations

import io
import struct

_P3 = {
    b"rXYZ": (0.5151, 0.2412, -0.0011),
    b"gXYZ": (0.2919, 0.6922, 0.0419),
    b"bXYZ": (0.1571, 0.0666, 0.7841),
    b"wtpt": (0.9642, 1.0, 0.8249),
}


def _s15(v: float) -> bytes:
    return struct.pack(">i", round(v * 65536))


def _xyz(x: float, y: float, z: float) -> bytes:
    return b"XYZ \0\0\0\0" + _s15(x) + _s15(y) + _s15(z)


def _desc(text: str) -> bytes:
    ascii_ = text.encode("ascii") + b"\0"
    return b"desc\0\0\0\0" + struct.pack(">I", len(ascii_)) + ascii_ + b"\0" * (4 + 4 + 2 + 1 + 67)


def display_p3() -> bytes:
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, 0x0233) + b"\0\0"
    tags = [
        (b"desc", _desc("Display P3 (test)")),
        (b"cprt", b"text\0\0\0\0No copyright\0"),
        *((sig, _xyz(*v)) for sig, v in _P3.items()),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    table = b""
    body = b""
    offset = 128 + 4 + 12 * len(tags)
    for sig, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = (
        struct.pack(">I", size)
        + b"lcms"
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + b"\0" * 12
        + b"acsp"
        + b"\0" * 24
        + struct.pack(">I", 0)
        + _s15(0.9642)
        + _s15(1.0)
        + _s15(0.8249)
        + b"\0" * 48
    )
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + body


def in_srgb(colour: tuple[int, int, int]) -> tuple[int, ...]:
    """What a Display P3 colour is in sRGB, by LittleCMS: what a conversion should give.
    Never the colour itself, so a test comparing against it means something."""
    from PIL import Image, ImageCms

    p3 = ImageCms.ImageCmsProfile(io.BytesIO(display_p3()))
    pixel = ImageCms.profileToProfile(
        Image.new("RGB", (1, 1), colour), p3, ImageCms.createProfile("sRGB"), outputMode="RGB"
    )
    assert pixel is not None
    want = pixel.getpixel((0, 0))
    assert isinstance(want, tuple) and want != colour
    return want
