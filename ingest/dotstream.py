"""SMTP DATA as a stream of blocks: find the end, undo dot-stuffing, keep nothing else.

RFC 5321 4.5.2: lines end in CRLF; a line holding a single "." ends the data;
any other line that starts with "." lost that first dot in transit. Only CRLF
ends a line here: a bare LF ("\\n.\\n", "\\n.\\r\\n") is message text, never
the end of the data, or a second message could be smuggled inside the first
(CVE-2023-51764, CVE-2024-27305).

Pure bytes work, no I/O: `feed()` takes whatever the socket gave and returns
what to store, so peak memory is one block plus four bytes of carry.
"""

from __future__ import annotations

END = b"\r\n.\r\n"
STUFFED = b"\r\n."


class DotStream:
    """Feed blocks; `feed` returns the unstuffed bytes that are certain so far.

    `done` turns true once the terminating CRLF.CRLF was seen; `rest` then
    holds whatever the client sent after it (a pipelined command).
    """

    def __init__(self) -> None:
        # DATA starts at the beginning of a line: the CRLF that ended the DATA
        # command stands in front, so a first line "." or ".x" is seen as one.
        self._pending = b"\r\n"
        self._first = True
        self.done = False
        self.rest = b""

    def feed(self, block: bytes) -> bytes:
        if self.done:
            raise ValueError("the data already ended")
        pending = self._pending + block
        # END and a stuffed dot both hold a "."; base64 (most of a photo mail) never
        # does: one memchr then spares a search and a replace over the whole block.
        dots = _line_dots(pending) if b"." in pending else []
        if dots is None:
            end = pending.find(END)
        else:
            end = next((d - 2 for d in dots if pending[d + 1 : d + 3] == b"\r\n"), -1)
        if end >= 0:
            self.done = True
            self.rest = pending[end + len(END) :]
            body, self._pending = pending[: end + 2], b""
        else:
            # Hold back the longest tail that could still begin END or a stuffed
            # dot; no pattern then straddles the cut between two blocks.
            cut = len(pending)
            for i in range(max(0, len(pending) - len(END) + 1), len(pending)):
                if END.startswith(pending[i:]):
                    cut = i
                    break
            body, self._pending = pending[:cut], pending[cut:]
        if dots is None:
            out = body.replace(STUFFED, b"\r\n")
        else:
            out = _unstuff(body, [d for d in dots if d < len(body)])
        if self._first and len(out) >= 2:
            self._first = False
            out = out[2:]
        elif self._first:
            # Not even the stand-in CRLF is settled yet: keep it for the next block.
            self._pending = body + self._pending
            return b""
        return out


MANY_DOTS = 64  # dots looked at one by one; past that, bytes methods over the whole block


def _line_dots(data: bytes) -> list[int] | None:
    """Where a "." starts a line (follows a CRLF) in `data`, in order; None past MANY_DOTS.

    A photo mail's blocks hold a few dots, in its header and text: memchr finds each
    faster than a search for a three-byte pattern reads the block.
    """
    found: list[int] = []
    at = data.find(b".", 2)
    for _ in range(MANY_DOTS):
        if at == -1:
            return found
        if data[at - 2 : at] == b"\r\n":
            found.append(at)
        at = data.find(b".", at + 1)
    return found if at == -1 else None


def _unstuff(body: bytes, dots: list[int]) -> bytes:
    """`body` without the bytes at `dots`."""
    if not dots:
        return body
    parts, start = [], 0
    for d in dots:
        parts.append(body[start:d])
        start = d + 1
    parts.append(body[start:])
    return b"".join(parts)


def stuff(message: bytes) -> bytes:
    """What a client sends for `message` (CRLF lines): the inverse of DotStream, for tests."""
    if message and not message.endswith(b"\r\n"):
        message += b"\r\n"
    body = (b"\r\n" + message).replace(STUFFED, b"\r\n..")[2:]
    return body + b".\r\n"
