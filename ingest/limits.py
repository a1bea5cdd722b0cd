"""Limits checked on the raw bytes, before the stdlib parser builds anything.

The stdlib parser recurses per nesting level (1,000 levels raise RecursionError) and builds
a header object per part (100,000 tiny parts take 31 s). Its structured header parser costs
about 1 ms per Content-Type parameter and is quadratic in comments (8 KB of `(x)` take
3.5 s; 100,000 parameters 149 s). So the parts are counted, and every field the parser or
we will read is measured, first. Case-insensitive regexes over 40 MB cost ~0.2-0.35 s each,
so the searches start from the bytes every match holds (`=`, `:`; a photo's base64 has no
`:` and a `=` only at its end) and read the case-insensitive pattern only there; a message
with very many of them is searched in one lower-cased copy instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

MAX_FIELD = 8 * 1024  # real Content-Type/Subject/From fields are well under 1 KB
MAX_HEADER = 256 * 1024  # the top header block, Received and DKIM chains included
MAX_PARAMS = 32  # `;`-separated parameters, or `(` comments, in one structured field
MAX_HEADER_LINES = 2_000  # lines of the top header block (real ones: under 200)

_BOUNDARY = re.compile(rb'boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))')
_MESSAGE_TYPE = re.compile(rb"content-type\s*:\s*message/")
_CONTENT_FIELD = re.compile(rb"\n(content-[a-z-]*)[ \t]*:")  # any part's: the parser reads them
_TOP_FIELD = re.compile(rb"(?:^|\n)(content-[a-z-]*|subject|from|to|cc|date|message-id)[ \t]*:")


def raw_problem(raw: bytes, *, max_parts: int) -> str | None:
    """Why the message is not to be parsed at all, or None."""
    scan = _Scan(raw)
    if count_parts(raw, stop=max_parts + 1, scan=scan) > max_parts:
        return f"the message has more than {max_parts} MIME parts"
    head = header_block(raw)
    if head is None:
        return f"the message header is larger than {MAX_HEADER // 1024} KB"
    return header_problem(head) or _fields_problem(raw, scan.find(_CONTENT_FIELD))


def header_problem(head: bytes) -> str | None:
    """Why the top header block is not to be parsed, or None."""
    problem = _fields_problem(head, _TOP_FIELD.finditer(head.lower()))
    if problem is None and head.count(b"\n") > MAX_HEADER_LINES:
        return f"the message header has more than {MAX_HEADER_LINES} lines"
    return problem


_BARE_CR = re.compile(rb"\r(?!\n)")
_BARE_LF = re.compile(rb"(?<!\r)\n")
_SPACE_BEFORE_COLON = re.compile(rb"(?:^|\n)[\x21-\x39\x3b-\x7e]+[ \t]+:")


def two_ways(head: bytes) -> str | None:
    """Why parsers could read the header block `head` two ways, or None.

    Python's parser takes a first line "From …" for an mbox envelope line (so
    `From : evil@x.test` is no header to it, a From to others), ends the header
    block at any other `Name :` line (a header to RFC 5322's obsolete syntax), and
    ends a line at
    a bare CR or LF, where a CRLF-only parser reads one field on (so a From after
    `X-A: a\\r` exists for one and not the other). Mail over SMTP has CRLF lines,
    mail from a pipe LF lines; one header block mixing the two, or holding a bare
    CR, is read differently by somebody.
    """
    if head[:5].lower() == b"from ":
        return "the first header line is an mbox From line"
    if _SPACE_BEFORE_COLON.search(head):
        # RFC 5322's obsolete syntax allows it; Python ends the header block there instead
        return "a header field name is followed by white space before its colon"
    if _BARE_CR.search(head):
        return "the header block holds a bare CR"
    if b"\0" in head:
        return "the header block holds a NUL byte"
    if b"\r\n" in head and _BARE_LF.search(head):
        return "the header block mixes CRLF and bare LF line ends"
    return None


def header_block(raw: bytes) -> bytes | None:
    """The top header block (up to the first empty line), or None if over MAX_HEADER."""
    blank = re.search(rb"\r?\n\r?\n", raw[: MAX_HEADER + 4])
    if blank is None:
        return raw if len(raw) <= MAX_HEADER else None
    return raw[: blank.end()]


def count_parts(
    raw: bytes, low: bytes | None = None, *, stop: int, scan: _Scan | None = None
) -> int:
    """An upper bound of the MIME entities the parser would build, counted up to `stop`:
    one per delimiter line of a declared boundary, one per message/* part, plus the root.
    `low`: `raw.lower()`, if the caller has it."""
    scan = scan or _Scan(raw, low)
    boundaries = {
        b"--" + raw[m.start(m.lastindex or 1) : m.end(m.lastindex or 1)].rstrip()
        for m in scan.find(_BOUNDARY)
    }
    count = 1 + len(scan.find(_MESSAGE_TYPE))
    if not boundaries or count >= stop:
        return count
    at = -1 if raw.startswith(b"--") else _dashes(raw, 0)
    if at == -1 and not raw.startswith(b"--"):
        return count
    while True:
        end = raw.find(b"\n", at + 1)
        line = raw[at + 1 : len(raw) if end == -1 else end].rstrip()
        if line in boundaries:  # a closing `--boundary--` is not in the set
            count += 1
            if count >= stop:
                return count
        if end == -1:
            break
        at = _dashes(raw, end)
        if at == -1:
            break
    return count


MANY_DASHES = 64  # "-" bytes looked at one by one before a search for "\n--" reads on


def _dashes(raw: bytes, start: int) -> int:
    """`raw.find(b"\n--", start)`, found by memchr on "-": after a photo's part header
    (Content-Type…) a three-byte search would read all its base64 to learn there is none."""
    dash = raw.find(b"-", start + 1)
    for _ in range(MANY_DASHES):
        if dash == -1:
            return -1
        if raw[dash - 1 : dash + 2] == b"\n--":
            return dash - 1
        dash = raw.find(b"-", dash + 1)
    return -1 if dash == -1 else raw.find(b"\n--", max(start, dash - 1))


def _fields_problem(raw: bytes, matches: Iterable[re.Match[bytes]]) -> str | None:
    for match in matches:
        start = match.start(1)
        length = _field_length(raw, start)
        name = match.group(1).decode("ascii").title()
        if length > MAX_FIELD:
            return f"a {name} header is longer than {MAX_FIELD // 1024} KB"
        field = raw[start : start + length]
        if name != "Subject" and max(field.count(b";"), field.count(b"(")) > MAX_PARAMS:
            return f"a {name} header has more than {MAX_PARAMS} parameters or comments"
    return None


def _field_length(raw: bytes, start: int) -> int:
    """Length of the header field starting at `start`, continuation lines included."""
    end = raw.find(b"\n", start)
    while end != -1 and raw[end + 1 : end + 2] in (b" ", b"\t"):
        if end - start > MAX_FIELD:
            break
        end = raw.find(b"\n", end + 1)
    return (len(raw) if end == -1 else end) - start


MAX_ANCHORS = 20_000  # `=` or `:` bytes looked at one by one before a lower-cased copy is made
_SPACE = b" \t\n\r\f\v"  # `\s` in a bytes pattern
_NAME = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-"  # `[a-z-]`, either case


def _run_start(raw: bytes, end: int, chars: bytes) -> int:
    """Where the run of `chars` that ends at `end` starts."""
    size = 64
    while True:
        low = max(0, end - size)
        start = low + len(raw[low:end].rstrip(chars))
        if start > low or low == 0:
            return start
        size *= 4


def _run_end(raw: bytes, start: int, chars: bytes) -> int:
    """Where the run of `chars` that starts at `start` ends."""
    size = 64
    while True:
        high = min(len(raw), start + size)
        end = high - len(raw[start:high].lstrip(chars))
        if end < high or high == len(raw):
            return end
        size *= 4


def _after_keyword(keyword: bytes) -> Callable[[bytes, int], int | None]:
    """Where a match of `keyword\\s*` + the byte at `at` would start, or None."""

    def start(raw: bytes, at: int) -> int | None:
        end = _run_start(raw, at, _SPACE)
        begin = end - len(keyword)
        return begin if begin >= 0 and raw[begin:end].lower() == keyword else None

    return start


def _field_start(raw: bytes, at: int) -> int | None:
    """Where a match of `\\n(content-[a-z-]*)[ \\t]*` + the `:` at `at` would start, or None."""
    begin = _run_start(raw, _run_start(raw, at, b" \t"), _NAME) - 1
    if begin < 0 or raw[begin : begin + 9].lower() != b"\ncontent-":
        return None
    return begin


# Each pattern: the byte every match of it holds, and where the match starts around that byte.
_ANCHORED: dict[re.Pattern[bytes], tuple[bytes, Callable[[bytes, int], int | None]]] = {
    _BOUNDARY: (b"=", _after_keyword(b"boundary")),
    _MESSAGE_TYPE: (b":", _after_keyword(b"content-type")),
    _CONTENT_FIELD: (b":", _field_start),
}
_IGNORING_CASE = {p: re.compile(p.pattern, re.IGNORECASE) for p in _ANCHORED}


class _Scan:
    """`pattern.finditer(raw.lower())`, as matches at the same places in `raw`, found
    without that copy: only where the byte each match holds is, by the pattern's
    case-insensitive twin. Past MAX_ANCHORS such bytes (quoted-printable text is full
    of `=`), from one lower-cased copy after all."""

    def __init__(self, raw: bytes, low: bytes | None = None) -> None:
        self.raw, self.low = raw, low

    def find(self, pattern: re.Pattern[bytes]) -> list[re.Match[bytes]]:
        if self.low is None:
            found = self._anchored(pattern)
            if found is not None:
                return found
            self.low = self.raw.lower()
        return list(pattern.finditer(self.low))

    def _anchored(self, pattern: re.Pattern[bytes]) -> list[re.Match[bytes]] | None:
        raw, (anchor, start_of), twin = self.raw, _ANCHORED[pattern], _IGNORING_CASE[pattern]
        out: list[re.Match[bytes]] = []
        searched = 0  # matches never overlap: finditer goes on from the end of the last
        at = raw.find(anchor)
        for _ in range(MAX_ANCHORS):
            if at == -1:
                return out
            start = start_of(raw, at)
            if start is not None and start >= searched:
                match = twin.match(raw, start)
                if match:
                    out.append(match)
                    searched = match.end()
            at = raw.find(anchor, at + 1)
        return None if at != -1 else out


class PartCounter:
    """`count_parts` over a stream of blocks (SMTP DATA), in bounded memory.

    Counts a delimiter line only for a boundary declared before it, and may miss a
    declaration or message/* type cut oddly between blocks: a lower bound of
    `count_parts`, so it never refuses what the parser's own bound would take.
    """

    TAIL = 1024  # bytes of already-counted text kept so a match may straddle blocks

    def __init__(self) -> None:
        self.count = 1  # the root
        self.boundaries: set[bytes] = set()
        self._tail = b""  # the end of the text already searched
        self._line = b""  # an unfinished last line
        self._at_line_start = True

    def feed(self, data: bytes) -> int:
        """Take the next bytes of the message; the count so far."""
        if self._plain(data):
            # Base64 lines: nothing to count, only where the text stands, without copying
            # the block together with the lines around it.
            cut = data.rfind(b"\n") + 1
            if cut >= self.TAIL:
                self._tail = data[cut - self.TAIL : cut]
            else:
                self._tail = (self._tail + self._line + data[:cut])[-self.TAIL :]
            self._line, self._at_line_start = data[cut:], True
            return self.count
        text = self._line + data
        cut = text.rfind(b"\n") + 1
        if cut == 0:
            # No line ends here: keep (a bounded part of) it for the next block.
            if len(text) > self.TAIL:
                self._search(text[: -self.TAIL])
                self._at_line_start = False
                text = text[-self.TAIL :]
            self._line = text
            return self.count
        lines, self._line = text[:cut], text[cut:]
        self._search(lines)
        # A delimiter line holds a "-", base64 never: memchr spares the search.
        if b"-" not in lines:
            at = -1
        elif self._at_line_start and lines.startswith(b"--"):
            at = 0
        else:
            at = _dashes(lines, 0)
        while at != -1:
            start = at if at == 0 and lines.startswith(b"--") else at + 1
            end = lines.find(b"\n", start)
            if lines[start:end].rstrip() in self.boundaries:
                self.count += 1
            at = _dashes(lines, end)
        self._at_line_start = True
        return self.count

    def _plain(self, data: bytes) -> bool:
        """Whether nothing in `data` can be or end a delimiter line, a declaration or a
        message/* type: no "-", "=" or ":" in it, in the unfinished line before it, or
        in the searched text a match could start in. Only when a line ends in `data`."""
        return (
            b"\n" in data
            and not any(c in data or c in self._line for c in (b"-", b"=", b":"))
            and not (b"=" in self._tail or b":" in self._tail)
        )

    def _search(self, new: bytes) -> None:
        window = self._tail + new
        self._tail = window[-self.TAIL :]
        # A declaration needs a `=`, a message/* type a `:`; a block of base64 (nearly all
        # of a photo mail) has neither, and then needs no lower-cased copy and no scan.
        boundary, message = b"=" in window, b":" in window
        if not (boundary or message):
            return
        lo, hi = _anchored_span(window, (b"=", b":"))
        low = window[lo:hi].lower()
        old = len(window) - len(new) - lo
        if boundary:
            for m in _BOUNDARY.finditer(low):
                if m.end() > old:
                    group = m.lastindex or 1
                    found = window[lo + m.start(group) : lo + m.end(group)]
                    self.boundaries.add(b"--" + found.rstrip())
        if message:
            self.count += sum(1 for m in _MESSAGE_TYPE.finditer(low) if m.end() > old)


_LONGEST_KEYWORD = len(b"content-type")  # what _BOUNDARY or _MESSAGE_TYPE holds before its anchor
_LONGEST_AFTER = 202  # and after it, past white space: a quoted 200-byte boundary


def _anchored_span(raw: bytes, anchors: tuple[bytes, ...]) -> tuple[int, int]:
    """The part of `raw` that holds every match of _BOUNDARY and _MESSAGE_TYPE.

    Each match holds an anchor (`=` or `:`) with only its keyword and white space
    before it, and white space and at most _LONGEST_AFTER bytes after it. In a
    photo mail's first and last blocks the anchors sit in a few KB of header and
    delimiter lines: the rest, base64, is neither lower-cased nor searched.
    """
    first = min(at for a in anchors if (at := raw.find(a)) != -1)
    last = max(raw.rfind(a) for a in anchors)
    lo = max(0, _run_start(raw, first, _SPACE) - _LONGEST_KEYWORD)
    return lo, _run_end(raw, last + 1, _SPACE) + _LONGEST_AFTER
