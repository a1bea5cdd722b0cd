"""A bare SMTP/LMTP client on a socket: send exact bytes, read replies one by one."""

from __future__ import annotations

import socket


class Raw:
    def __init__(self, port: int, source: str | None = None) -> None:
        """Connect to 127.0.0.1:`port`, from the loopback address `source` if given."""
        self.sock = socket.create_connection(
            ("127.0.0.1", port), timeout=10, source_address=(source, 0) if source else None
        )
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def reply(self) -> tuple[int, bytes]:
        """One whole reply (all its continuation lines): code and last line's text."""
        while True:
            while b"\r\n" not in self.buf:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise ConnectionError(f"closed; unread: {self.buf!r}")
                self.buf += chunk
            line, self.buf = self.buf.split(b"\r\n", 1)
            if line[3:4] != b"-":
                return int(line[:3]), line[4:]

    def cmd(self, line: str) -> tuple[int, bytes]:
        self.send(line.encode() + b"\r\n")
        return self.reply()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def envelope(self, mail_from: str, *rcpts: str, hello: str = "EHLO") -> None:
        assert self.reply()[0] == 220
        assert self.cmd(f"{hello} client.example")[0] == 250
        assert self.cmd(f"MAIL FROM:<{mail_from}>")[0] == 250
        for r in rcpts:
            assert self.cmd(f"RCPT TO:<{r}>")[0] == 250
        assert self.cmd("DATA")[0] == 354

    def close(self) -> None:
        self.sock.close()
