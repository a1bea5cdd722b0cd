"""A reply's commands: the first lines that are not quoted text, one command a line.

Pure: text in, typed commands out; what they act on is the application layer's
business. Case-insensitive; English and Danish words (the languages we write in).
A greeting or a sign-off ("thanks!") is passed over, and so is the signature after
it; any other line that is not a command (`frobnicate`, a command word that does
not parse) is `Unknown`, so the answer can say what was not understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dripcast.core.timeparse import parse_slot, parse_when


@dataclass(frozen=True)
class Approve:
    numbers: tuple[int, ...] = ()  # empty: the whole submission


@dataclass(frozen=True)
class Cancel:
    numbers: tuple[int, ...] = ()  # empty (and no network): every post not gone out
    network: str | None = None  # a channel id or a network type


@dataclass(frozen=True)
class Move:
    number: int
    when: str  # as written; resolve_when() reads it in the brand's zone


@dataclass(frozen=True)
class When:
    when: str  # the whole submission, keeping its gaps


@dataclass(frozen=True)
class Caption:
    text: str


@dataclass(frozen=True)
class Unknown:
    line: str


Command = Approve | Cancel | Move | When | Caption | Unknown

APPROVE = ("approve", "yes", "ok", "okay", "ja", "godkend", "godkendt")
CANCEL = ("cancel", "annullér", "annuller", "annuler", "stop", "slet")
MOVE = ("move", "flyt")
MAX_LINES = 20  # commands are read from the top; a long letter is not a command list

# Where the client's own text ends: the quote of the mail it answers, a signature.
_QUOTE_START = re.compile(
    r"""^(
        >                                            # quoted line
      | -{2,}\s*$ | --\s                             # signature separator
      | -{3,}\s*(original|oprindelig|forwarded|videresendt)  # Outlook, forwards
      | (on|den|le|am)\s.+\b(wrote|skrev|a\s+écrit|schrieb)\b.*:\s*$  # "On … wrote:"
      | (from|fra|von|de)\s*:\s.+@                   # a header block of a quoted mail
      | sent\sfrom\smy | sendt\sfra\smin              # phone signatures
      | _{5,}                                        # Outlook's rule above a quote
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_NUMBERS = re.compile(r"#?\d+(\s*-\s*#?\d+)?(\s*(,|and|og|&|\s)\s*#?\d+(\s*-\s*#?\d+)?)*")


def own_lines(text: str) -> list[str]:
    """The lines the client wrote above what it quotes, stripped, blank ones left out."""
    out: list[str] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if _QUOTE_START.match(line) or _QUOTE_START.match(raw):
            break
        if line:
            out.append(line)
    return out[:MAX_LINES]


# A line of courtesy, not a command: a greeting or thanks is passed over, and from a
# sign-off on ("Thanks, Anna", "Mvh") the rest is the signature.
_GREETING = re.compile(
    r"^(hi|hello|hey|dear|good (morning|afternoon)|hej|hejsa|hallo|kære|godmorgen|goddag)\b",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(
    r"^(thanks|thank you|thx|cheers|best|regards|kind regards|br|tak|mange tak|mvh|"
    r"venlig hilsen|vh|hilsen|kh|k\.h\.)\b",
    re.IGNORECASE,
)


def parse_reply(text: str) -> list[Command]:
    """The commands, in order; a line that is neither a command nor courtesy is
    `Unknown` (the answer says so), up to the sign-off, after which comes the signature."""
    lines = own_lines(text)
    out: list[Command] = []
    for line in lines:
        cmd = parse_line(line)
        if cmd is not None:
            out.append(cmd)
        elif _SIGN_OFF.match(line):
            break
        elif not _GREETING.match(line):
            out.append(Unknown(line))
    return out


def parse_line(line: str) -> Command | None:
    """One line: a command, Unknown (a command word that did not parse), or None (no command)."""
    low = " ".join(line.lower().split()).rstrip(".!")
    m = re.match(r"(when|når|naar)\s*:\s*(.+)$", low)
    if m:
        return When(m[2].strip())
    m = re.match(r"(caption|tekst)\s*:", low)
    if m:
        text = line.split(":", 1)[1].strip()  # as written: the caption keeps its case
        return Caption(text) if text else Unknown(line)
    word, _, rest = low.partition(" ")
    word = word.strip(",.!:")
    rest = rest.strip(" ,.!:")
    if word in APPROVE:
        numbers = _numbers(rest)
        # "yes please", "ok, thanks!": the words after are politeness, not arguments
        return Approve(numbers or ())
    if word in CANCEL:
        if not rest or rest in ("all", "everything", "alt", "alle", "it", "det"):
            return Cancel()
        numbers = _numbers(rest)
        if numbers:
            return Cancel(numbers=numbers)
        if re.fullmatch(r"[a-z0-9][a-z0-9_-]*", rest):
            return Cancel(network=rest)
        return Unknown(line)
    if word in MOVE:
        m = re.fullmatch(r"#?(\d+)\s+(to|til)\s+(.+)", rest)
        return Move(int(m[1]), m[3].strip()) if m else Unknown(line)
    return None


def _numbers(text: str) -> tuple[int, ...]:
    """`3`, `2-4`, `2, 5`, `2 and 5`, `#3` → the numbers, in order, each once."""
    if not text or not _NUMBERS.fullmatch(text):
        return ()
    out: list[int] = []
    for a, b in re.findall(r"#?(\d+)(?:\s*-\s*#?(\d+))?", text):
        lo, hi = int(a), int(b or a)
        if hi < lo or hi - lo > 100:
            return ()
        out += [n for n in range(lo, hi + 1) if n not in out]
    return tuple(out)


_WEEKDAYS = {
    **{
        d: i
        for i, d in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    **{d: i for i, d in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{
        d: i
        for i, d in enumerate(
            ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
        )
    },
}
_DA = {
    "i morgen": "tomorrow",
    "imorgen": "tomorrow",
    "i dag": "today",
    "idag": "today",
    "nu": "now",
    "kl.": "",
    "kl": "",
    " at ": " ",
}


def resolve_when(text: str, now: datetime) -> datetime:
    """A reply's time (`friday 9:00`, `fredag kl. 9`, `tomorrow 9:00`, `2026-12-01 18:00`),
    in the zone of `now`; a weekday is the next one to come (today's if its time is ahead)."""
    t = " " + " ".join(text.lower().split()) + " "
    for da, en in _DA.items():
        t = t.replace(f" {da} ", f" {en} " if en else " ")
    t = " ".join(t.split())
    day, _, rest = t.partition(" ")
    if day in _WEEKDAYS:
        clock = _clock(rest) if rest else time(9, 0)
        ahead = (_WEEKDAYS[day] - now.weekday()) % 7
        d: date = now.date() + timedelta(days=ahead)
        at = datetime.combine(d, clock, tzinfo=now.tzinfo)
        return at if at > now else at + timedelta(days=7)
    m = re.fullmatch(r"(today|tomorrow) (\d{1,2})", t)
    if m:
        t = f"{m[1]} {m[2]}:00"
    return parse_when(t, now)


def _clock(text: str) -> time:
    if re.fullmatch(r"\d{1,2}", text):
        text += ":00"
    return parse_slot(text.replace(".", ":"))
