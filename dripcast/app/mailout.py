"""Mail the service sends (the weekly report), through `service.outgoing_mail`.

The smarthost is `host`, `host:port` or `smtp://host[:port]`; port 25 by default.
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid


def smarthost(value: str) -> tuple[str, int]:
    rest = value.removeprefix("smtp://").rstrip("/")
    host, _, port = rest.rpartition(":") if ":" in rest else (rest, "", "25")
    if not host or not port.isdigit():
        raise ValueError(f"not a smarthost: {value!r} (use host, host:port or smtp://host:port)")
    return host, int(port)


def send(
    server: str, *, sender: str, to: Sequence[str], subject: str, body: str, timeout: float = 30
) -> None:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to a report
    msg.set_content(body)
    host, port = smarthost(server)
    with smtplib.SMTP(host, port, timeout=timeout) as smtp:
        smtp.send_message(msg)
