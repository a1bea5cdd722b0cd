"""Defensive readers for one MIME part: every accessor here returns a value, never raises.

The stdlib's `policy.default` parses headers lazily and some malformed values raise deep
inside `email._header_value_parser`; a bad header must cost that header, not the message.
"""

from __future__ import annotations

import re
from email.header import decode_header, make_header
from email.message import Message
from pathlib import PurePosixPath, PureWindowsPath

IMAGE_EXTENSIONS = frozenset(
    [
        "jpg",
        "jpeg",
        "jpe",
        "jfif",
        "mpo",
        "png",
        "gif",
        "webp",
        "heic",
        "heif",
        "avif",
        "tif",
        "tiff",
        "bmp",
        "dng",
    ]
)
_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"BM", "image/bmp"),
)
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_EXT = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp",
        "image/heic": "heic", "image/avif": "avif", "image/tiff": "tif", "image/bmp": "bmp"}  # fmt: skip


def sniff(data: bytes) -> str | None:
    """The image type the bytes say they are, whatever the part's label claims."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp":
        if data[8:12] in _HEIF_BRANDS:
            return "image/heic"
        if data[8:12] in (b"avif", b"avis"):
            return "image/avif"
    return None


def extension_for(kind: str) -> str:
    return _EXT.get(kind, "bin")


# --- one part ------------------------------------------------------------------------------


def header_text(msg: Message, name: str) -> str:
    """A header's decoded value ("" if absent); RFC 2047 words decoded even when malformed."""
    try:
        value = msg.get(name)
        if value is None:
            return ""
        text = str(value)
    except Exception:
        text = _raw_header(msg, name)
    if "=?" in text:
        text = _decode_words(text)
    return text.replace("\x00", "")


def _raw_header(msg: Message, name: str) -> str:
    for key, value in getattr(msg, "_headers", []):
        if str(key).lower() == name.lower():
            return _decode_words(str(value))
    return ""


def _decode_words(text: str) -> str:
    try:
        return str(make_header(decode_header(text)))
    except Exception:
        return text.encode("utf-8", "replace").decode("utf-8", "replace")


def content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:
        return "application/octet-stream"


def disposition(part: Message) -> str | None:
    try:
        return part.get_content_disposition()
    except Exception:
        return None


def filename(part: Message) -> str | None:
    """The file name from Content-Disposition or Content-Type (RFC 2231 or RFC 2047), as a
    bare name: a sender's path (`../../x`, `C:\\x`) is dropped."""
    try:
        name = part.get_filename() or part.get_param("name", header="content-type")
    except Exception:
        return None
    if isinstance(name, tuple):  # compat32 gives RFC 2231 values as (charset, lang, value)
        try:
            name = bytes(name[2], "latin-1").decode(name[0] or "utf-8", "replace")
        except Exception:
            name = str(name[2])
    if not isinstance(name, str) or not name.strip():
        return None
    if "=?" in name:
        name = _decode_words(name)
    name = PureWindowsPath(PurePosixPath(name).name).name
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()
    return name[:255] or None


def content_id(part: Message) -> str | None:
    value = header_text(part, "content-id").strip().strip("<>").strip()
    return value or None


def payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        return b""
    return data if isinstance(data, bytes) else b""


# Labels that mean cp1252 in practice: browsers decode them so (WHATWG Encoding), and
# Outlook labels Windows-1252 bodies as ISO-8859-1.
_AS_CP1252 = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii", "windows-1252"}


def text(part: Message, data: bytes) -> str:
    """A text part's bytes as str: declared charset, else UTF-8, else Windows-1252."""
    try:
        declared = (part.get_content_charset() or "").strip().lower()
    except Exception:
        declared = ""
    tries = []
    if declared:
        tries.append("cp1252" if declared in _AS_CP1252 else declared)
    tries += ["utf-8", "cp1252"]
    for charset in tries:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError, ValueError):
            continue
    return data.decode("utf-8", errors="replace")


def unflow(part: Message, body: str) -> str:
    """Undo RFC 3676 `format=flowed` (Thunderbird, Apple Mail): a line ending in a space
    continues on the next, so a caption is not cut at the client's 72-column wrap."""
    try:
        flowed = (part.get_param("format") or "").lower() == "flowed"  # type: ignore[union-attr]
        delsp = (part.get_param("delsp") or "").lower() == "yes"  # type: ignore[union-attr]
    except Exception:
        return body
    if not flowed:
        return body
    out: list[str] = []
    carry = ""
    for line in body.replace("\r\n", "\n").split("\n"):
        if line.startswith(" "):
            line = line[1:]  # space-stuffed
        if line.endswith(" ") and line != "-- " and not line.startswith(">"):
            carry += line[:-1] if delsp else line
            continue
        out.append(carry + line)
        carry = ""
    if carry:
        out.append(carry)
    return "\n".join(out)
