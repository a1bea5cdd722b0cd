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
        dots = b"." in pending
        end = pending.find(END) if dots else -1
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
        out = body.replace(STUFFED, b"\r\n") if dots else body
        if self._first and len(out) >= 2:
            self._first = False
            out = out[2:]
        elif self._first:
            # Not even the stand-in CRLF is settled yet: keep it for the next block.
            self._pending = body + self._pending
            return b""
        return out


def stuff(message: bytes) -> bytes:
    """What a client sends for `message` (CRLF lines): the inverse of DotStream, for tests."""
    if message and not message.endswith(b"\r\n"):
        message += b"\r\n"
    body = (b"\r\n" + message).replace(STUFFED, b"\r\n..")[2:]
    return body + b".\r\n"
