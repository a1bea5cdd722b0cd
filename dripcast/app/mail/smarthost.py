"""The one send call: hand a mail to `service.outgoing_mail` (config.Smarthost).

smtp://host[:port]                      plain (port 25)
smtp+starttls://user:pass@host[:587]    STARTTLS required, then AUTH
smtps://user:pass@host[:465]            TLS from the first byte, then AUTH
"""

from __future__ import annotations

import ssl
from collections.abc import Sequence

import aiosmtplib

from dripcast.core.config import Smarthost, parse_smarthost

__all__ = ["SendError", "Smarthost", "parse_smarthost", "send"]


class SendError(Exception):
    """The smarthost did not take the mail. `permanent`: a 5xx answer, trying again is no use."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


async def send(
    host: Smarthost,
    raw: bytes,
    *,
    sender: str,
    to: Sequence[str],
    timeout: float = 30,  # noqa: ASYNC109 (aiosmtplib applies it per SMTP step)
    tls_context: ssl.SSLContext | None = None,
) -> str:
    """Hand `raw` over; returns the server's answer to DATA (it names its queue id).

    Raises SendError; `permanent` when every recipient or the message was refused
    with a 5xx (retrying the same bytes would be refused again).
    """
    try:
        errors, answer = await aiosmtplib.send(
            raw,
            sender=sender,
            recipients=list(to),
            hostname=host.host,
            port=host.port,
            username=host.user,
            password=host.password,
            use_tls=host.scheme == "smtps",
            start_tls=host.scheme == "smtp+starttls",
            tls_context=tls_context,
            timeout=timeout,
        )
    except aiosmtplib.SMTPRecipientsRefused as e:
        codes = [r.code for r in e.recipients]
        raise SendError(
            "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in e.recipients),
            permanent=all(500 <= c < 600 for c in codes),
        ) from None
    except (aiosmtplib.SMTPAuthenticationError, aiosmtplib.SMTPSenderRefused) as e:
        # Our login or our From: fixed in the config, the same mail then goes. Not final.
        raise SendError(f"{e.code} {e.message}") from None
    except aiosmtplib.SMTPResponseException as e:
        raise SendError(f"{e.code} {e.message}", permanent=500 <= e.code < 600) from None
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as e:
        raise SendError(f"{type(e).__name__}: {e}") from None
    # Some recipients refused, others took it: the mail went out; say who was refused.
    refused = "; ".join(f"{r}: {code} {msg}" for r, (code, msg) in errors.items())
    return answer + (f" (refused: {refused})" if refused else "")
