"""Who sent a message: one canonical From, and whether a brand allows it."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import getaddresses


def canonical_from(msg: EmailMessage) -> tuple[str | None, str | None]:
    """The single From address (domain lower-cased), or None and why not."""
    values = msg.get_all("from") or []
    if len(values) != 1:
        return None, "the message must have exactly one From header"
    header = values[0]
    if getattr(header, "defects", None):
        return None, "the From header is malformed"
    pairs = getaddresses([str(header)])
    if len(pairs) != 1 or "@" not in pairs[0][1]:
        return None, "the From header must hold exactly one address"
    local, _, domain = pairs[0][1].rpartition("@")
    return f"{local}@{domain.lower()}", None


def allowed(sender: str, patterns: tuple[str, ...]) -> bool:
    """`senders:` entries are addresses or `*@domain`; domains compare case-insensitively."""
    local, _, domain = sender.rpartition("@")
    for pattern in patterns:
        p_local, _, p_domain = pattern.rpartition("@")
        if p_domain.lower() == domain.lower() and p_local in ("*", local):
            return True
    return False
