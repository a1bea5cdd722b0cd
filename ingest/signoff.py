"""The sign-off at the end of a body ("Best, Maria", "Mvh\\nMaria Jensen", "Maria"): a letter's
ending for the agency, not words for the audience, so it is left out of the caption.

Only the last few lines are looked at, and only whole lines: "Thanks to everyone who came
by!" or "Best bread in town" end a caption and stay. A bare name is the sender's own (from
the From header), never any capitalised word; a closing without a name must stand in its
own paragraph, and "Thanks"/"Tak" alone stay, since a caption may well thank its readers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ingest.directives import is_directive

# Words that only close a letter: with them a following capitalised word is a name.
_CLOSINGS = (
    "best regards|best wishes|all the best|kind regards|kindest regards|regards|warm regards"
    "|warmest regards|many regards|yours sincerely|sincerely|yours truly|yours|bw|br|kr"
    "|mvh|med venlig hilsen|venlig hilsen|vh|kh|kærlig hilsen|kærlige hilsner|bedste hilsner"
    "|de bedste hilsner|mange hilsner|hilsen|hilsner|med vennlig hilsen|vennlig hilsen"
    "|med vänliga hälsningar|vänliga hälsningar|hälsningar"
    "|viele grüße|liebe grüße|beste grüße|schöne grüße|mit freundlichen grüßen"
    "|freundliche grüße|lg|vg|mfg|gruß|grüße|cordialement|bien à vous|amitiés|saludos"
    "|un saludo|groeten|groetjes|met vriendelijke groet|met vriendelijke groeten"
)
# Words that close a letter but also mean something else ("Cheers to ten years", "Love it").
_LOOSE = "best|cheers|love|hugs|take care|talk soon|speak soon|xoxo|knus|kram|bises"
# Thanks: a caption may thank its readers, so these close only with a name.
_THANKS = (
    "thanks|thanks a lot|thanks so much|thank you|thank you so much|many thanks|thx"
    "|tak|mange tak|tusind tak|på forhånd tak|danke|vielen dank|merci|gracias|bedankt|tack"
)
_LINE = re.compile(
    rf"^(?P<close>{_CLOSINGS}|{_LOOSE}|{_THANKS})\.?(?P<comma>\s*[,.!:]?)"
    r"(?:\s+(?P<name>[^\W\d_][\w'’.-]*(?:\s+[^\W\d_][\w'’.-]*){0,2}))?"
    r"\s*[.!]?$",
    re.I,
)
_BARE_NAME = re.compile(
    r"^[-–—/~]?\s*(?P<name>[^\W\d_][\w'’.-]*(?:\s+[^\W\d_][\w'’.-]*){0,2})\s*[.!]?$"
)
_KISSES = re.compile(r"\s+x{1,3}$")  # "Maria x", "Love, Bo xx"
_THANKS_WORDS = frozenset(_THANKS.split("|"))
_LOOSE_WORDS = frozenset(_LOOSE.split("|"))
MAX_LINES = 4  # a sign-off with what follows it: closing, name, company, phone
MAX_WIDTH = 60  # characters in one line of it


def signer_names(display_name: str, address: str) -> frozenset[str]:
    """The words a sender signs with: the From display name's words and the address's
    local part ("Maria Jensen <maria.jensen@…>": maria, jensen, maria jensen)."""
    words = re.findall(r"[^\W\d_][\w'’-]*", display_name.replace(",", " "))
    local = address.rpartition("@")[0]
    words += [w for w in re.split(r"[._+-]", local) if w.isalpha()]
    names = {w.lower() for w in words if len(w) > 1}
    if display_name.strip():
        names.add(" ".join(display_name.replace(",", " ").split()).lower())
    return frozenset(names)


def drop_signoff(text: str, names: Iterable[str] = ()) -> str:
    """`text` without a sign-off at its very end."""
    signer = frozenset(n.lower() for n in names)
    lines = text.rstrip().split("\n")
    filled = [i for i, line in enumerate(lines) if line.strip()]
    for start in filled[-MAX_LINES:]:
        if _is_signoff(lines, start, signer):
            # A directive written below the name ("when: now") is read later: keep it.
            after = [line for line in lines[start + 1 :] if is_directive(line)]
            return "\n".join(lines[:start] + after).rstrip()
    return text


def _is_signoff(lines: list[str], start: int, signer: frozenset[str]) -> bool:
    first = _KISSES.sub("", " ".join(lines[start].split()))
    rest = [line.strip() for line in lines[start + 1 :] if line.strip() and not is_directive(line)]
    if len(first) > MAX_WIDTH or any(
        len(line) > MAX_WIDTH or "#" in line or line.endswith("?") for line in rest
    ):
        return False
    own_paragraph = start == 0 or not lines[start - 1].strip()
    if m := _LINE.match(first):
        close, name = m["close"].lower(), m["name"]
        if name is not None:
            loose = close in _LOOSE_WORDS or close in _THANKS_WORDS
            return _is_name(name, signer, comma="," in m["comma"], loose=loose)
        if close in _THANKS_WORDS or first.endswith("!"):
            # "Thanks!" or "Cheers!" alone may be said to the readers; with a name below, not.
            return bool(rest) and _is_name(rest[0], signer, comma=True, loose=False)
        return own_paragraph or bool(rest) or "," in m["comma"]
    # A bare name, the sender's own, after a sentence or a blank line (not in a list of names).
    if rest or not (m := _BARE_NAME.match(first)) or not _is_signer(m["name"], signer):
        return False
    before = lines[start - 1].strip() if start else ""
    return not before or not before[-1].isalnum() or len(before.split()) > 2


def _is_name(name: str, signer: frozenset[str], *, comma: bool, loose: bool) -> bool:
    if _is_signer(name, signer):
        return True
    words = name.rstrip(".").split()
    if not all(w[0].isupper() for w in words):
        return False
    if comma:  # "Best, Maria Jensen", "Thanks, Bo"
        return len(words) <= 3
    # "Mvh Maria" signs; "Cheers Copenhagen" or "Love Mondays" may not.
    return len(words) == 1 and not loose


def _is_signer(name: str, signer: frozenset[str]) -> bool:
    words = name.lower().rstrip(".").split()
    return bool(words) and (" ".join(words) in signer or all(w in signer for w in words))
