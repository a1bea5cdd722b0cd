"""`parse(raw) -> Submission`: what a message says, without deciding anything.

Pure: bytes in, value out, never an exception: what makes a message unusable goes to
`Submission.problems`. Photos are found here (every leaf, sniffed by its bytes, inside
forwarded messages and winmail.dat too) but decoded later, one at a time, by `load_photos`.
The stdlib parser with `policy.default` does the MIME work; see ingest/README.md for why
not mail-parser.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, BytesParser
from email.utils import parsedate_to_datetime
from typing import Any

from dripcast.core.domain import Attachment, Directives, Submission
from ingest import limits, mime
from ingest.cleantext import (
    IMAGE_MARK,
    clean_body,
    clean_subject,
    gmail_image_marks,
    is_forward,
    is_reply,
    split_at_images,
    split_photo_lines,
)
from ingest.directives import split_directives
from ingest.feed import RunsParser
from ingest.senders import canonical_from, from_name
from ingest.signoff import signer_names

MAX_PARTS = 50
MAX_DEPTH = 10
# A caption is a few paragraphs; what the client wrote comes first, quotes and signatures
# after. Longer bodies are cut before cleaning, which is linear but not free.
MAX_TEXT = 64_000
MAX_HTML = 128_000  # characters of markup in all HTML parts (Outlook's styles take ~30 KB)
_TNEF_TYPES = ("application/ms-tnef", "application/vnd.ms-tnef")


@dataclass
class _Text:
    kind: str  # "plain" | "html"
    text: str
    marked: bool = False  # HTML that marks a signature or quote
    after: int = 0  # how many image leaves came before it in the message


@dataclass
class _Leaf:
    filename: str | None
    kind: str  # sniffed type, else the label
    data: bytes
    cid: str | None


@dataclass
class _Walk:
    """One pass over the part tree, bounded by MAX_PARTS and MAX_DEPTH."""

    parts: int = 0
    problem: str | None = None
    leaves: list[_Leaf] = field(default_factory=list)
    signature_cids: set[str] = field(default_factory=set)
    forwarded: list[_Text] = field(default_factory=list)  # text of attached messages
    tnef_text: list[_Text] = field(default_factory=list)
    html_left: int = MAX_HTML

    def visit(self, part: Message, depth: int) -> list[_Text]:
        if self.problem:
            return []
        self.parts += 1
        if self.parts > MAX_PARTS:
            self.problem = f"the message has more than {MAX_PARTS} MIME parts"
            return []
        if depth > MAX_DEPTH:
            self.problem = f"the message nests MIME parts deeper than {MAX_DEPTH} levels"
            return []
        ctype = mime.content_type(part)
        payload = part.get_payload() if part.is_multipart() else None
        if isinstance(payload, list):
            children = [child for child in payload if isinstance(child, Message)]
            if ctype == "message/rfc822" or ctype.startswith("message/"):
                for inner in children:
                    self.forwarded += self.visit(inner, depth + 1)
                return []
            found = [self.visit(child, depth + 1) for child in children]
            if ctype == "multipart/alternative":
                return _pick_alternative(found)
            return [text for texts in found for text in texts]
        return self._leaf(part, ctype)

    def _leaf(self, part: Message, ctype: str) -> list[_Text]:
        data = mime.payload(part)
        name = mime.filename(part)
        attached = mime.disposition(part) == "attachment"
        kind = mime.sniff(data[:32])
        if ctype in _TNEF_TYPES or (name or "").lower() == "winmail.dat":
            self._tnef(data, name or "winmail.dat")
            return []
        if kind or ctype.startswith("image/") or _looks_like_photo(name, ctype):
            self.leaves.append(_Leaf(name, kind or ctype, data, mime.content_id(part)))
            return []
        if attached or ctype not in ("text/plain", "text/html"):
            return []
        body = mime.text(part, data)
        if ctype == "text/plain":
            return [_Text("plain", mime.unflow(part, body), after=len(self.leaves))]
        # html.parser and the converter load with the first HTML part (~3 ms): a phone's
        # plain-text mail never needs them.
        from ingest.htmltext import html_to_text

        markup, self.html_left = body[: self.html_left], max(0, self.html_left - len(body))
        converted = html_to_text(_mark_inline_images(markup))
        self.signature_cids |= converted.signature_cids
        return [_Text("html", converted.text, converted.marked)]

    def _tnef(self, data: bytes, name: str) -> None:
        from ingest.tnef import open_tnef  # Outlook's winmail.dat only

        content = open_tnef(data, max_files=MAX_PARTS)
        if content.problem:
            self.leaves.append(_Leaf(name, "application/ms-tnef", b"", None))
            return
        for inner_name, inner in content.files:
            kind = mime.sniff(inner[:32])
            if kind or _looks_like_photo(inner_name, "application/octet-stream"):
                self.leaves.append(
                    _Leaf(inner_name, kind or "application/octet-stream", inner, None)
                )
        if content.body.strip():
            self.tnef_text.append(_Text("plain", content.body))


def _has_words(texts: list[_Text]) -> bool:
    return any(t.text.strip() for t in texts)


def _looks_like_photo(name: str | None, ctype: str) -> bool:
    ext = (name or "").rsplit(".", 1)[-1].lower() if name and "." in name else ""
    return ctype == "application/octet-stream" and ext in mime.IMAGE_EXTENSIONS


def _pick_alternative(found: list[list[_Text]]) -> list[_Text]:
    """Plain text, unless the HTML alternative marks a signature or quote the plain lost
    (Outlook's plain alternative keeps the signature with no `-- ` before it), or shows
    where inline images stand among the words while the plain one does not."""
    placed = _placed_html(found)
    if placed is not None:
        return placed
    for texts in reversed(found):
        if any(t.kind == "html" and t.marked for t in texts):
            return texts
    for texts in found:
        if any(t.kind == "plain" for t in texts):
            return texts
    return next((texts for texts in reversed(found) if texts), [])


def read_head(raw: bytes) -> EmailMessage:
    """The header block alone, parsed once (`policy.default`): what brand pick and verify read.

    Only the bytes up to the first empty line go to the parser; a header field cannot
    span an empty line, so the fields and header defects are those of a whole-message
    parse, without splitting megabytes of base64 into lines for nothing.
    """
    end = _head_end(raw)
    parser = BytesParser(policy=email.policy.default, _class=EmailMessage)
    return parser.parsebytes(raw[:end], headersonly=True)


def _head_end(raw: bytes) -> int:
    """Just past the first empty line (LF or CRLF), or the end when there is none."""
    ends = [i for i in (raw.find(b"\n\n"), raw.find(b"\n\r\n")) if i >= 0]
    if raw.startswith((b"\n", b"\r\n")):
        ends.append(0)
    return min(ends) + 1 if ends else len(raw)


# Bytes handed to the parser at a time. Under the service's mmap threshold (256 KB,
# dripcast/app/memory.py) each block and its text come from the heap, reused; 1 MB
# blocks were each a fresh mmap, faulted in page by page (a 44 MB parse: 88,000 faults).
FEED = 64 * 1024
DECODE_AT_ONCE = 64 * 1024  # characters of a part's body from which it is decoded as it ends


class _Decoded(EmailMessage):
    """A part whose large body is decoded as soon as the parser ends it, and kept as bytes
    only: a mail of photos is never held as base64 text and as bytes at once (a 44 MB
    mail's parse peaked 35 MB lower). `get_payload(decode=True)` answers what it would
    have, from the same call made earlier; the walk reads a leaf's body no other way."""

    decoded: bytes | None = None

    def set_payload(self, payload: Any, charset: Any = None) -> None:
        super().set_payload(payload, charset)
        if isinstance(payload, str) and len(payload) >= DECODE_AT_ONCE:
            try:
                data = self._base64() or super().get_payload(decode=True)
            except Exception:  # the walk meets the same error and treats it as it always did
                return
            if isinstance(data, bytes):
                self.decoded = data
                super().set_payload("")

    def _base64(self) -> bytes | None:
        """`get_payload(decode=True)` of an ASCII base64 body, or None for any other.

        The stdlib decodes `b"".join(body.splitlines())`: a list of 27,000 lines for
        a phone photo. `bytes.splitlines` breaks at CR, LF and CRLF only, so the join
        is the body without its CR and LF bytes: `translate` instead, a block at a
        time (blocks under the mmap threshold: no fresh 2 MB copy to fault in).
        """
        try:  # the stdlib's own base64 decoder, as `get_payload` calls it (private)
            from email._encoded_words import decode_b  # type: ignore[import-not-found]
        except ImportError:
            return None
        payload = self._payload  # type: ignore[attr-defined]
        if not isinstance(payload, str) or not payload.isascii():
            return None
        if str(self.get("content-transfer-encoding", "")).lower() != "base64":
            return None
        value: bytes
        stripped = b"".join(
            [
                payload[at : at + FEED].encode("ascii").translate(None, b"\r\n")
                for at in range(0, len(payload), FEED)
            ]
        )
        value, defects = decode_b(stripped)
        for defect in defects:
            self.policy.handle_defect(self, defect)
        return value

    def get_payload(self, i: Any = None, decode: bool = False) -> Any:
        if decode and self.decoded is not None:
            return self.decoded
        return super().get_payload(i, decode)  # type: ignore[call-overload]


def read_message(raw: bytes) -> EmailMessage:
    """`email.message_from_bytes(raw, policy=default)`, without its two whole copies.

    That function decodes all of `raw` into one str and reads it back through a StringIO,
    which holds it as 4 bytes per character: a 44 MB mail of 20 photos cost 300 MB at the
    peak, the service's largest allocation by far. The same parser fed the bytes in
    blocks (as `parsestr` feeds its StringIO, 8 KB at a time; the parser keeps a line
    split across blocks whole) builds the same message from a block at a time. The
    parser is the stdlib's, handed a body in runs of lines (`ingest.feed`).
    """
    parser = RunsParser(policy=email.policy.default, _factory=_Decoded)
    view = memoryview(raw)
    for at in range(0, len(raw), FEED):
        parser.feed(bytes(view[at : at + FEED]))
    msg = parser.close()
    assert isinstance(msg, EmailMessage)
    return msg


def parse(raw: bytes) -> Submission:
    """What one message says; never raises (problems go to `Submission.problems`)."""
    try:
        return _parse(raw)
    except Exception as exc:  # a parser bug must refuse one message, not stop intake
        return _refused(raw, f"the message could not be read ({type(exc).__name__})")


def _parse(raw: bytes) -> Submission:
    problem = limits.raw_problem(raw, max_parts=MAX_PARTS)
    if problem:
        return _refused(raw, problem)
    msg = read_message(raw)
    walk = _Walk()
    texts = walk.visit(msg, 0)
    if walk.problem:
        return _refused(raw, walk.problem)
    subject = " ".join(mime.header_text(msg, "subject").split())
    # The client's own words first; the attached message's or winmail.dat's if it wrote none.
    pieces = next((p for p in (texts, walk.forwarded, walk.tnef_text) if _has_words(p)), [])
    kept = [leaf for leaf in walk.leaves if not (leaf.cid and leaf.cid in walk.signature_cids)]
    marked = pieces is texts and len(kept) > 1
    body = _placed_text(pieces, walk.leaves, kept) if marked else _joined_text(pieces)
    body = _cid_marks(body, kept)
    body, directives = split_directives(
        clean_body(body[:MAX_TEXT], forward=is_forward(subject), names=_signer(msg))
    )
    attachments = tuple(_attachment(leaf, n) for n, leaf in enumerate(kept, start=1))
    body, placed = split_at_images(body)
    body, leads = split_photo_lines(body, len(attachments))
    attachments = tuple(
        replace(a, lead=placed[n]) if n in placed else a for n, a in enumerate(attachments, start=1)
    )
    return _submission(msg, subject, body, directives, attachments, (), leads=leads)


# Where an HTML body shows an inline image (`<img src="cid:…">`): a mark after the tag that
# html_to_text keeps as text, or drops with the signature or quote the image sits in.
_IMG_CID = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*["']?cid:([^"'\s>]+)[^>]*>""", re.I)
_CID_MARK = re.compile("\u2063\\[\\[cid ([^\\]\u2063]*)\\]\\]\u2063")


def _mark_inline_images(markup: str) -> str:
    if "cid:" not in markup.lower():
        return markup
    return _IMG_CID.sub(lambda m: f"{m[0]}\u2063[[cid {m[1]}]]\u2063", markup)


def _placed_html(found: list[list[_Text]]) -> list[_Text] | None:
    """The HTML alternative, when it places two or more inline images among words and the
    plain alternative has no `[image: …]` lines to say the same (Apple Mail)."""
    if any("[image:" in t.text for texts in found for t in texts if t.kind == "plain"):
        return None
    for texts in found:
        html = [t for t in texts if t.kind == "html"]
        if html and len(_CID_MARK.findall("\n".join(t.text for t in html))) >= 2:
            words = _CID_MARK.split("\n".join(t.text for t in html))[0::2]
            if any(w.strip() for w in words[1:-1]):
                return texts
    return None


def _cid_marks(text: str, kept: list[_Leaf]) -> str:
    """HTML image marks as numbered image marks (by Content-ID), or gone."""
    number = {leaf.cid.strip("<>"): n for n, leaf in enumerate(kept, start=1) if leaf.cid}

    def one(m: re.Match[str]) -> str:
        n = number.get(m[1].strip("<>"))
        return f"\n{IMAGE_MARK.format(n)}\n" if n else ""

    return _CID_MARK.sub(one, text)


def _joined_text(pieces: list[_Text]) -> str:
    plain = [t.text for t in pieces if t.kind == "plain"]
    return "\n".join(plain or [t.text for t in pieces])


def _placed_text(pieces: list[_Text], leaves: list[_Leaf], kept: list[_Leaf]) -> str:
    """The body with a mark where each image stood, for `split_at_images`.

    Apple Mail on iOS sends text and images as alternating parts, and on macOS an HTML
    body with `<img src="cid:…">` where each image stands; Gmail's plain alternative names
    each inline image with an `[image: NAME]` line where it stood.
    """
    plain = [t for t in pieces if t.kind == "plain"] or pieces
    if any(_CID_MARK.search(t.text) for t in plain):  # the HTML says where each image is
        return "\n".join(t.text for t in plain)
    if any("[image:" in t.text for t in plain):
        names = [leaf.filename or "" for leaf in kept]
        return gmail_image_marks("\n".join(t.text for t in plain), names)
    number = {id(leaf): n for n, leaf in enumerate(kept, start=1)}

    def marks(lo: int, hi: int) -> list[str]:
        found = (number.get(id(leaf)) for leaf in leaves[lo:hi])
        return [IMAGE_MARK.format(n) for n in found if n is not None]

    out: list[str] = []
    seen = 0
    for t in plain:
        out += marks(seen, max(seen, t.after))
        seen = max(seen, t.after)
        out.append(t.text)
    out += marks(seen, len(leaves))
    return "\n".join(out)


def _attachment(leaf: _Leaf, n: int) -> Attachment:
    name = leaf.filename or f"photo-{n}.{mime.extension_for(leaf.kind)}"
    return Attachment(filename=name, content_type=leaf.kind, data=leaf.data)


def _caption(subject: str, body: str) -> str:
    # A reply's subject is the thread's, not this post's title; alone, it is all there is.
    title = "" if is_reply(subject) and body.strip() else clean_subject(subject)
    caption = "\n\n".join(t for t in (title, body.strip()) if t)
    return re.sub(r"\n{3,}", "\n\n", caption)


def _submission(
    msg: Message,
    subject: str,
    body: str,
    directives: Directives,
    attachments: tuple[Attachment, ...],
    problems: tuple[str, ...],
    *,
    headers_read: bool = True,
    leads: dict[int, str] | None = None,
) -> Submission:
    from_addr, problem = _sender(msg) if headers_read else (None, None)
    message_id = mime.header_text(msg, "message-id").strip() or None
    return Submission(
        message_id=message_id,
        from_addr=from_addr,
        subject=subject,
        caption=_caption(subject, body),
        directives=directives,
        attachments=attachments,
        date=_date(msg),
        problems=problems + ((problem,) if problem else ()),
        leads=leads or {},
    )


def _refused(raw: bytes, problem: str) -> Submission:
    """A message we will not walk: still say who sent it and what it was about."""
    msg: Message = EmailMessage()
    head = limits.header_block(raw)
    read = head is not None and not limits.header_problem(head)
    try:
        if read and head is not None:
            msg = BytesHeaderParser(policy=email.policy.default).parsebytes(head)
    except Exception:
        read = False
    subject = " ".join(mime.header_text(msg, "subject").split())
    return _submission(msg, subject, "", Directives(), (), (problem,), headers_read=read)


def _sender(msg: Message) -> tuple[str | None, str | None]:
    if not isinstance(msg, EmailMessage):
        return None, "the message has no readable From header"
    try:
        return canonical_from(msg)
    except Exception:
        return None, "the From header is malformed"


def _signer(msg: Message) -> frozenset[str]:
    """The names the sender signs with, from the From header."""
    return signer_names(*from_name(msg))


def _date(msg: Message) -> datetime | None:
    value = mime.header_text(msg, "date")
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
