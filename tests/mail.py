"""Build test messages and photos: real JPEGs (with EXIF orientation when asked)."""

from __future__ import annotations

import email.policy
import io
from email.message import EmailMessage

from PIL import Image


def jpeg(
    width: int = 640,
    height: int = 480,
    *,
    orientation: int | None = None,
    color: tuple[int, int, int] = (200, 120, 40),
    gps: bool = False,
) -> bytes:
    """A JPEG whose top-left quarter is red, so orientation can be checked after decoding."""
    im = Image.new("RGB", (width, height), color)
    im.paste((255, 0, 0), (0, 0, width // 2, height // 2))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (55.0, 40.0, 0.0)}
    out = io.BytesIO()
    im.save(out, "JPEG", quality=90, exif=exif.tobytes() if (orientation or gps) else b"")
    return out.getvalue()


def photo_mail(
    *,
    to: str = "bakery@localhost",
    sender: str = "owner@example.com",
    subject: str = "Fresh bread",
    body: str = "Sourdough out of the oven",
    photos: list[bytes] | None = None,
    message_id: str | None = None,
    kind: str = "jpeg",
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = "Sat, 21 Nov 2026 10:00:00 +0100"
    if message_id:
        msg["Message-ID"] = message_id
    msg.set_content(body)
    ext = "JPG" if kind == "jpeg" else kind.upper()
    for i, data in enumerate(photos if photos is not None else [jpeg()], 1):
        msg.add_attachment(data, maintype="image", subtype=kind, filename=f"IMG_{i:04d}.{ext}")
    return msg.as_bytes(policy=email.policy.SMTP)
