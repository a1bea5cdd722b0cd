"""How strong a `verify: token` secret must be; checked when the config is loaded."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

MIN_TOKEN_BITS = 128
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_-]+")


def token_problem(token: str) -> str | None:
    """Why a configured token is unfit (too short, unsafe in an address), or None.

    Length is all that can be judged: a base32 token (one case of [a-z2-7])
    carries 5 bits a character, any other 6, so 26 or 22 characters at least.
    Never puts the token itself in the message.
    """
    if not _TOKEN_CHARS.fullmatch(token):
        return "the token may only use letters, digits, '-' and '_' (try `dripcast token BRAND`)"
    base32 = re.fullmatch(r"[a-z2-7]+|[A-Z2-7]+", token) is not None
    if len(token) * (5 if base32 else 6) < MIN_TOKEN_BITS:
        return (
            f"the token is too short for {MIN_TOKEN_BITS} bits of secret"
            " (try `dripcast token BRAND`)"
        )
    return None


# ---- signed reply tags: bakery+r-<mail>-<mac>@… -----------------------------------
# The Reply-To of every mail dripcast sends carries the outbox id of that mail and a
# MAC over it, so a reply is matched even when the client dropped In-Reply-To and
# References, and (for `verify: token` brands) the tag stands in for the secret.
# Lower-case base32: some MTAs fold the case of local parts.

REPLY_PREFIX = "r-"
_MAC_CHARS = 16  # 80 bits


def reply_tag(key: bytes, brand: str, mail_id: int) -> str:
    return f"{REPLY_PREFIX}{mail_id}-{_mac(key, brand, mail_id)}"


def read_reply_tag(key: bytes, brand: str, tag: str) -> int | None:
    """The outbox mail id a tag names, if its MAC is ours for this brand; else None."""
    m = re.fullmatch(re.escape(REPLY_PREFIX) + rf"([0-9]{{1,12}})-([a-z2-7]{{{_MAC_CHARS}}})", tag)
    if not m or not key:
        return None
    mail_id = int(m[1])
    return mail_id if hmac.compare_digest(m[2], _mac(key, brand, mail_id)) else None


def _mac(key: bytes, brand: str, mail_id: int) -> str:
    digest = hmac.new(key, f"reply:{brand}:{mail_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:_MAC_CHARS]


def load_reply_key(configured: str | None, state_dir: Path) -> bytes:
    """`service.reply_key` if set (several nodes must share it), else `<state>/reply.key`.

    The file is made on first use (0600, 32 random bytes): replies stay matched
    across restarts; removing it invalidates the reply tags of mails already sent.
    """
    if configured:
        return configured.encode()
    path = state_dir / "reply.key"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    state_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".reply.key.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(secrets.token_bytes(32))
        f.flush()
        os.fsync(f.fileno())
    try:
        os.link(tmp, path)  # first writer wins; a second process reads the winner's key
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_bytes()
