"""Body text to caption text: what the client typed, without what the mail client added.

Our own rules, not a reply-parsing library: see ingest/README.md for the comparison with
mail-parser-reply and email-reply-parser that `tests/ingest/test_reply_libraries.py` runs.

Everything from the first signature or quoted-reply marker on is cut (they always come
after what the client wrote); a forwarded-message header block is removed and the
forwarded text kept; `>` lines and legal-disclaimer paragraphs are dropped wherever they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ingest.signoff import drop_signoff

_SEPARATOR = re.compile(r"^(-- ?|--|_{5,}|-{5,}\s*)$")
# "Sent from my iPhone" in its languages: a sending verb, a preposition, then a device or
# mail app within a short line. Both halves are needed, so "Get 20% off with our mobile
# app" and "Gesendet mit Liebe aus der Backstube" stay in the caption.
_SENT_FROM = re.compile(
    r"^((sent|envoy[ée]|enviado|inviato|verzonden|sendt|skickat|gesendet|get)"
    r" (from|with|using|via|for|de|depuis|avec|desde|con|da|vanaf|met|fra|från|von|mit|outlook)\b"
    r".{0,40}\b(iphone|ipad|android|galaxy|samsung|pixel|huawei|xiaomi|oneplus|mobile|blackberry"
    r"|smartphone|handy|tablet|outlook|mail|yahoo|gmail|proton ?mail|aol|app|windows|ios)\b.{0,30}"
    r"|von meinem .{1,30} gesendet\.?)$",
    re.I,
)
# "On <date>, <name> wrote:" and its siblings; clients wrap it over up to three lines.
_REPLY_HEADER = re.compile(
    r"^(on\b.{0,200}\bwrote"
    r"|am\b.{0,200}\bschrieb\b.{0,100}"
    r"|le\b.{0,200}\ba [ée]crit"
    r"|el\b.{0,200}\bescribi[óo]"
    r"|il\b.{0,200}\bha scritto"
    r"|op\b.{0,200}\bschreef\b.{0,100}"
    r"|den\b.{0,200}\bskrev\b.{0,100}"
    r")\s*:\s*$",
    re.I | re.S,
)
_ORIGINAL = re.compile(
    r"^-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|oorspronkelijk bericht"
    r"|oprindelig meddelelse|mensaje original)\s*-{2,}$",
    re.I,
)
_FORWARD_MARK = re.compile(
    r"^(-{2,}\s*(forwarded message|weitergeleitete nachricht|message transféré|videresendt meddelelse"
    r"|mensaje reenviado|doorgestuurd bericht)\s*-{2,}"
    r"|begin forwarded message:|anfang der weitergeleiteten nachricht:"
    r"|début du message réexpédié\s?:|start på videresendt besked:)$",
    re.I,
)
_HEADER_LINE = re.compile(
    r"^\*?(from|to|cc|bcc|date|sent|subject|reply-to|von|an|datum|gesendet|betreff|de|à|a"
    r"|envoyé|objet|fra|til|dato|emne|sendt|van|aan|onderwerp|verzonden|asunto|para|fecha"
    r"|enviado)\*?\s*:.*$",
    re.I,
)
_FROM_LINE = re.compile(r"^\*?(from|von|de|fra|van|från)\*?\s*:", re.I)
_SENT_LINE = re.compile(
    r"^\*?(sent|gesendet|envoyé|sendt|verzonden|skickat|date|datum|dato)\*?\s*:", re.I
)
_DISCLAIMER = re.compile(
    r"(confidential|intended (solely )?(only )?for the (use of the )?(named |intended )?"
    r"(addressee|recipient)|if you (are not|have received this)|disclaimer"
    r"|vertraulich|nicht der (richtige|beabsichtigte) (adressat|empfänger)"
    r"|fortrolig|destinataire|consider the environment before printing)",
    re.I,
)
_CID = re.compile(r"^[ \t]*\[cid:[^\]\n]*\][ \t]*(\n|$)|\[cid:[^\]\n]*\]", re.I | re.M)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def clean_body(text: str, *, forward: bool = False, names: Iterable[str] = ()) -> str:
    """The caption part of a body. `forward`: the subject says Fwd/FW, so an Outlook
    "From: … Sent: …" block introduces forwarded text rather than a quoted reply.
    `names`: what the sender signs with (`signoff.signer_names`)."""
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CID.sub("", text).replace("\xa0", " ")
    lines = text.split("\n")
    kept: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        bare = line.strip()
        if _SEPARATOR.match(line):
            if _header_block_at(lines, i + 1) and forward:
                i = _skip_headers(lines, i + 1)
                continue
            break
        if _SENT_FROM.match(bare):
            break
        if _FORWARD_MARK.match(bare) or (_ORIGINAL.match(bare) and forward):
            i = _skip_headers(lines, i + 1)
            continue
        if _ORIGINAL.match(bare):
            break
        if _header_block_at(lines, i):
            if forward:
                i = _skip_headers(lines, i)
                continue
            break
        if _reply_header_at(lines, i):
            break
        if bare.startswith(">"):
            i += 1
            continue
        kept.append(line.rstrip())
        i += 1
    return drop_signoff(_drop_disclaimers("\n".join(kept)), names)


def _reply_header_at(lines: list[str], i: int) -> bool:
    head = lines[i].strip()
    if not head or len(head) > 300 or not head[0].isalpha():
        return False
    joined = head
    for extra in range(3):
        if _REPLY_HEADER.match(joined):
            # Every client puts the date in it; "On sale! Our baker wrote:" has none.
            return any(ch.isdigit() for ch in joined)
        if i + extra + 1 >= len(lines) or not lines[i + extra + 1].strip():
            return False
        joined += " " + lines[i + extra + 1].strip()
    return False


def _header_block_at(lines: list[str], i: int) -> bool:
    """Outlook's quoted header: a From: line followed closely by Sent:/Date:."""
    if i >= len(lines) or not _FROM_LINE.match(lines[i].strip()):
        return False
    return any(_SENT_LINE.match(line.strip()) for line in lines[i + 1 : i + 4])


def _skip_headers(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    while i < len(lines) and _HEADER_LINE.match(lines[i].strip()):
        i += 1
    return i


def _drop_disclaimers(text: str) -> str:
    paragraphs = re.split(r"\n\s*\n", text)
    # Long paragraphs only: "our confidential recipe!" is a caption, not a disclaimer.
    kept = [
        p.strip("\n")
        for p in paragraphs
        if p.strip() and not (len(p) > 120 and _DISCLAIMER.search(p))
    ]
    return "\n\n".join(kept).strip()


# Reply and forward prefixes as clients write them, in any number and mix: "Re: Fwd: x",
# "RE[2]: x", "Re (2): x", "AW: WG: x", "SV: VS: x", "Antw.: x", "[EXT] Re: x", "回复：x".
# VS is Danish and Norwegian for forwarded (Finnish for reply): read as a forward.
_REPLY_WORDS = r"re|aw|sv|antw|antwort|odp|ynt|res|r|ats|vá|回复|答复|回覆"
_FORWARD_WORDS = r"fwd?|wg|tr|vs|vb|vl|fs|rv|i|pd|enc|doorst|ilt|İlt|réf|ref|转发|轉寄|転送"
_PREFIX = (
    r"\s*(\[[^\]]{1,30}\]\s*)?"  # a gateway's tag: [EXT]
    rf"(?P<word>{_REPLY_WORDS}|{_FORWARD_WORDS})"
    r"\s*(\[\d+\]|\(\d+\)|\^\d+)?\s*\.?\s*[:：]\s*"  # Re[2]:, Re (2):, Antw.:, 回复：
)
_PREFIXES = re.compile(rf"^({_PREFIX})+", re.I)
_FIRST = re.compile(_PREFIX, re.I)


def clean_subject(subject: str) -> str:
    """The subject as caption: one line, without Re:/Fwd: prefixes (in any number)."""
    return _PREFIXES.sub("", " ".join(subject.split()))


def _first_prefix(subject: str) -> str:
    m = _FIRST.match(subject)
    return m["word"].lower() if m else ""


def is_forward(subject: str) -> bool:
    return bool(re.fullmatch(_FORWARD_WORDS, _first_prefix(subject), re.I))


def is_reply(subject: str) -> bool:
    """A reply's subject is the thread's ("Re: Your plan for this week"), not a title the
    client wrote for this post."""
    return bool(re.fullmatch(_REPLY_WORDS, _first_prefix(subject), re.I))


# `1: Croissants`, `photo 3: Cinnamon knots`, `#2: …`: a line that names one photo. The colon
# must be followed by a space, so a time ("10:30 we open") is never taken for one.
_PHOTO_LINE = re.compile(
    r"^[ \t]*(?:(?:photo|foto|picture|pic|image|img|bild|billede)[ \t]*)?#?[ \t]*(\d{1,2})"
    r"[ \t]*:[ \t]+(\S.*?)[ \t]*$",
    re.I,
)
# Where an image sat in the text, as parse.py marks it before cleaning (never typed by people).
IMAGE_MARK = "\u2063[[image {}]]\u2063"
_MARK = re.compile(r"^\u2063\[\[image (\d+)\]\]\u2063$", re.M)
# Gmail's plain alternative names each inline image where it stood: "[image: IMG_1.jpg]".
_GMAIL_IMAGE = re.compile(r"^[ \t]*\[image:[ \t]*([^\]\n]*)\][ \t]*$", re.I | re.M)


def split_photo_lines(text: str, count: int) -> tuple[str, dict[int, str]]:
    """The text without its `N: …` lines, and those lines' words by photo number (1…count)."""
    kept: list[str] = []
    found: dict[int, str] = {}
    for line in text.split("\n"):
        m = _PHOTO_LINE.match(line)
        if m and 1 <= int(m[1]) <= count and int(m[1]) not in found:
            found[int(m[1])] = m[2]
            continue
        kept.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip(), found


def gmail_image_marks(text: str, names: list[str]) -> str:
    """Gmail's `[image: NAME]` placeholders as image marks (by name, else in order)."""
    used: set[int] = set()

    def one(m: re.Match[str]) -> str:
        name = m[1].strip()
        n = next((i for i, x in enumerate(names) if x == name and i not in used), None)
        if n is None:
            n = next((i for i in range(len(names)) if i not in used), None)
        if n is None:
            return ""
        used.add(n)
        return "\n" + IMAGE_MARK.format(n + 1) + "\n"

    return _GMAIL_IMAGE.sub(one, text)


def split_at_images(text: str) -> tuple[str, dict[int, str]]:
    """Text with image marks → the shared text and the words placed next to each image.

    Captions sit below their photos ("Intro [photo] Croissants [photo] Buns\n\nBye"):
    the text after an image is its own, up to the next image; after the last image only
    the first paragraph is, the rest is shared like the text before the first image.
    A message that ends with an image and starts with text has them above instead
    ("Intro\n\nCroissants [photo] Buns [photo]": the last paragraph before the first
    image is photo 1's). With fewer than two images, or nothing between them, every
    word is shared (text split around one image is joined back).
    """
    parts = _MARK.split(text)
    segments = [p.strip() for p in parts[0::2]]
    images = [int(n) for n in parts[1::2]]
    shared = "\n\n".join(s for s in segments if s)
    n = len(images)
    if n < 2 or not any(segments[1:n]):
        return re.sub(r"\n{3,}", "\n\n", shared), {}
    first, last = segments[0], segments[n]
    own: dict[int, str] = {}
    rest: list[str] = []
    if first and not last:  # captions above their photos; a first paragraph may be shared
        intro, _, segments[0] = first.rpartition("\n\n")
        rest.append(intro)
        own = {image: segments[i] for i, image in enumerate(images) if segments[i]}
    else:  # captions below; what opens the message and follows the last caption is shared
        segments[n], _, outro = last.partition("\n\n")
        rest += [first, outro]
        own = {image: segments[i] for i, image in enumerate(images, start=1) if segments[i]}
    return re.sub(r"\n{3,}", "\n\n", "\n\n".join(s for s in rest if s)), own
