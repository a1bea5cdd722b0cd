"""`parse(raw) -> Submission`: what a message says, without deciding anything.

Pure: bytes in, value out. Photos are found but not decoded here.
"""

from __future__ import annotations

import email
import email.policy
import html
import re
from email.message import EmailMessage, Message
from email.utils import parsedate_to_datetime

from dripcast.domain import Attachment, Submission
from ingest.directives import split_directives
from ingest.senders import canonical_from

IMAGE_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def sniff(data: bytes) -> str | None:
    """The image type the bytes say they are, whatever the part's label claims."""
    for magic, kind in IMAGE_MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp" and data[8:12] in (
        b"heic",
        b"heix",
        b"mif1",
        b"msf1",
        b"heim",
        b"heis",
    ):
        return "image/heic"
    return None


def parse(raw: bytes) -> Submission:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    subject = _clean(str(msg.get("subject", "") or ""))
    texts: list[str] = []
    htmls: list[str] = []
    attachments: list[Attachment] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        kind = sniff(payload)
        if kind or ctype.startswith("image/"):
            name = part.get_filename() or f"photo{len(attachments) + 1}"
            attachments.append(Attachment(filename=name, content_type=kind or ctype, data=payload))
        elif ctype == "text/plain" and part.get_content_disposition() != "attachment":
            texts.append(_decode_text(part, payload))
        elif ctype == "text/html" and part.get_content_disposition() != "attachment":
            htmls.append(_decode_text(part, payload))
    body = "\n".join(texts) if texts else "\n".join(_html_to_text(h) for h in htmls)
    body, directives = split_directives(_strip_signature(body))
    caption = "\n\n".join(t for t in (subject, body) if t)
    from_addr, problem = canonical_from(msg)
    date = None
    try:
        if msg.get("date"):
            date = parsedate_to_datetime(str(msg["date"]))
    except (TypeError, ValueError):
        date = None
    return Submission(
        message_id=str(msg.get("message-id", "")).strip() or None,
        from_addr=from_addr,
        subject=subject,
        caption=caption,
        directives=directives,
        attachments=tuple(attachments),
        date=date,
        problems=(problem,) if problem else (),
    )


def _decode_text(part: Message, payload: bytes) -> str:
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def _html_to_text(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", "", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", markup)
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


_SIGNOFF = re.compile(
    r"^(sent from my \w+|sent from outlook for \w+|von meinem \w+ gesendet)", re.I
)


def _strip_signature(text: str) -> str:
    lines = text.replace("\r\n", "\n").split("\n")
    for i, line in enumerate(lines):
        if line == "-- " or line.rstrip() == "--" or _SIGNOFF.match(line.strip()):
            lines = lines[:i]
            break
    return "\n".join(lines).strip()


def _clean(text: str) -> str:
    return " ".join(text.split())
