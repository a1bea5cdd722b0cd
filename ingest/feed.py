"""The stdlib's `BytesFeedParser`, handed a part's body in runs of lines instead of line by line.

The stdlib parser reads its input one line at a time: for a 44 MB mail of photos that
is 570,000 base64 lines, each taken off a deque and tried against every open boundary
(0.4 s, the service's largest cost per mail after the photo work). Where it only
gathers a body (a leaf's payload, an epilogue), `for line in input: lines.append(line)`,
the lines need no look one by one: none can end the body unless it starts with `-`
(every boundary line starts `--`). So `_Runs` hands over, in one piece, every line up
to the next that starts with `-`; headers, boundary lines and whatever else the parser
reads stay line by line, and the message built is the same.

It relies on how `email.feedparser` (3.11-3.13) reads its input: `for line in
self._input` only where it gathers lines; `_new_message` before a part's header loop and
`_parse_headers` after it; boundary predicates that match only lines starting with the
`--` separator. A predicate it does not recognise turns the runs off (lines one by one,
as the stdlib reads them); `tests/ingest/test_feed.py` compares its messages with the
stock parser's.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from email import feedparser
from email.feedparser import BytesFeedParser
from typing import Any

_SEPARATOR = "(?P<sep>" + re.escape("--")  # 3.11/3.12: a boundary's compiled pattern
NeedMoreData: object = feedparser.NeedMoreData  # type: ignore[attr-defined]
RUNS = (3, 11) <= sys.version_info[:2] <= (3, 13)  # versions whose feedparser this was checked on


def starts_with_dashes(pred: Callable[[str], object]) -> bool:
    """Whether `pred` (an end-of-part predicate of the feedparser) can only match a line
    that starts with `--`."""
    pattern = getattr(pred, "__self__", None)
    if isinstance(pattern, re.Pattern) and getattr(pred, "__name__", "") == "match":
        return isinstance(pattern.pattern, str) and pattern.pattern.startswith(_SEPARATOR)
    code, cells = getattr(pred, "__code__", None), getattr(pred, "__closure__", None)
    if getattr(pred, "__module__", "") != "email.feedparser" or code is None or not cells:
        return False
    # 3.13: `boundarymatch(line)` returns None unless `line.startswith(separator)`.
    if code.co_name != "boundarymatch" or code.co_freevars != ("separator",):
        return False
    separator = cells[0].cell_contents
    return isinstance(separator, str) and separator.startswith("--")


class _Runs(feedparser.BufferedSubFile):  # type: ignore[misc,name-defined]  # not in typeshed
    """The stdlib's line buffer, holding its complete lines as one string, not a deque."""

    def __init__(self) -> None:
        super().__init__()
        self._text = ""  # complete lines, read from `_at` on
        self._at = 0
        self._back: list[str] = []  # lines given back (`unreadline`), last first
        self._pieces: list[str] = []  # the last line, not complete yet (the stdlib's `_partial`)
        self.gathering = False  # set by the parser: the lines read now go into a body
        self._dashes: list[bool] = []  # per predicate: matches `--` lines only

    def push_eof_matcher(self, pred: Any) -> None:
        super().push_eof_matcher(pred)
        self._dashes.append(starts_with_dashes(pred))

    def pop_eof_matcher(self) -> Any:
        self._dashes.pop()
        return super().pop_eof_matcher()

    def push(self, data: str) -> None:
        self._pieces.append(data)
        if "\n" not in data and "\r" not in data:
            return  # no new complete line
        text = "".join(self._pieces)
        # What the stdlib keeps back: the last line unless it ends in "\n" (one ending in
        # "\r" may be a "\r\n" cut in two).
        head = text[:-1] if text.endswith("\r") else text
        cut = max(head.rfind("\n"), head.rfind("\r")) + 1
        self._pieces = [text[cut:]]
        self._add(text[:cut])

    def pushlines(self, lines: Any) -> None:
        self._add("".join(lines))

    def _add(self, text: str) -> None:
        if text:
            self._text = self._text[self._at :] + text if self._at < len(self._text) else text
            self._at = 0

    def close(self) -> None:
        self._add("".join(self._pieces))
        self._pieces = []
        self._closed = True

    def unreadline(self, line: Any) -> None:
        assert line is not NeedMoreData
        self._back.append(line)

    def _next_line(self) -> str | None:
        if self._back:
            return self._back.pop()
        text, at = self._text, self._at
        if at >= len(text):
            return None
        lf = text.find("\n", at)
        cr = text.find("\r", at, len(text) if lf == -1 else lf)
        if cr != -1:
            end = cr + 2 if text.startswith("\n", cr + 1) else cr + 1
        else:
            end = len(text) if lf == -1 else lf + 1
        self._at = end
        return text[at:end]

    def readline(self) -> Any:
        line = self._next_line()
        if line is None:
            return "" if self._closed else NeedMoreData
        for ateof in reversed(self._eofstack):
            if ateof(line):
                self._back.append(line)  # the stdlib pushes the line back too
                return ""
        return line

    def __next__(self) -> Any:
        text, at = self._text, self._at
        if (
            self.gathering
            and not self._back
            and at < len(text)
            and text[at] != "-"
            and all(self._dashes)
        ):
            # Every line up to the next that starts with "-": no predicate matches them.
            # (A base64 body has no "-" at all: one fast scan for it finds that.)
            dash = text.find("-", at)
            end = len(text)
            if dash != -1:
                end = min(
                    (
                        i + 1
                        for i in (text.find("\n-", dash - 1), text.find("\r-", dash - 1))
                        if i != -1
                    ),
                    default=end,
                )
            self._at = end
            return text[at:end]
        line = self.readline()
        if line == "":
            raise StopIteration
        return line


class RunsParser(BytesFeedParser):
    """`BytesFeedParser` over `_Runs`: the same messages, bodies gathered in runs of lines."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if RUNS:
            self._input = _Runs()

    def _new_message(self) -> None:
        if isinstance(self._input, _Runs):
            self._input.gathering = False  # a header loop follows: lines one by one
        super()._new_message()  # type: ignore[misc]

    def _parse_headers(self, lines: Any) -> None:
        super()._parse_headers(lines)  # type: ignore[misc]
        if isinstance(self._input, _Runs):
            self._input.gathering = True
