"""Who sent a message: one canonical From, and whether a brand allows it.

Every decision (the `senders` list, DMARC alignment, what the lead logs) uses
the one address `canonical_from` returns. Python's two address parsers disagree
on crafted headers (CVE-2023-27043: `evil@attacker.net <alice@brand.com>` is
one address to one parser and two to the other), so a From header is accepted
only when both parsers agree on exactly one plain mailbox and the modern one
reports no defect. Anything ambiguous is refused, never guessed.
"""

from __future__ import annotations

import re
from email import errors
from email.headerregistry import AddressHeader, HeaderRegistry
from email.message import Message
from email.utils import getaddresses

# The character sets below are written as "every character but these ASCII ones": the
# same sets as [A-Za-z0-9…\u0080-\U0010ffff], which `re` takes ~20 ms to compile.
# RFC 5322 atext, plus any non-ASCII character (RFC 6532 internationalised local parts):
# not a control character, space, DEL or one of "(),.:;<>@[\].
_ATEXT = r'[^\x00-\x20"(),.:;<>@[\\\]\x7f]+'
_LOCAL = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*")
_LD = r"[^\x00-/:-`{-\x7f]"  # a-z, 0-9 or non-ASCII
_LDH = r"[^\x00-,./:-`{-\x7f]"  # the same or "-"
_LABEL = rf"(?:{_LD}(?:{_LDH}{{0,61}}{_LD})?)"
_DOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\udc80-\udcff]")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_registry = HeaderRegistry()


def canonical_from(msg: Message) -> tuple[str | None, str | None]:
    """The single From address (domain lower-cased), or None and why not."""
    values = [v for k, v in msg.raw_items() if k.lower() == "from"]
    if len(values) != 1:
        return None, "the message must have exactly one From header"
    raw = values[0]
    if not isinstance(raw, str):  # a header object set by code, not bytes off the wire
        raw = str(raw)
    value = _FOLD.sub("", _utf8(raw)).strip()
    if _CONTROL.search(value) or "\n" in value or "\r" in value:
        return None, "the From header holds control characters or undecodable bytes"
    try:
        header = _registry("from", value)
    except Exception:  # the stdlib parser raises IndexError and friends on some inputs
        return None, "the From header cannot be parsed"
    if not isinstance(header, AddressHeader):
        return None, "the From header cannot be parsed"
    # A non-ASCII local part is RFC 6532's, not a defect, for a server that speaks SMTPUTF8.
    if any(not isinstance(d, errors.NonASCIILocalPartDefect) for d in header.defects):
        return None, "the From header is malformed"
    if any(group.display_name is not None for group in header.groups):
        return None, "the From header must be a plain address, not a group"
    if len(header.addresses) != 1:
        return None, "the From header must hold exactly one address"
    address = header.addresses[0]
    # The legacy parser must read the very same single mailbox: where the two
    # differ, some other program (a mail client, a filter) may read it differently too.
    legacy = getaddresses([value])
    if len(legacy) != 1 or legacy[0][1] != address.addr_spec:
        return None, "the From header is ambiguous"
    local, domain = address.username, address.domain.lower()
    if not _LOCAL.fullmatch(local) or not _DOMAIN.fullmatch(domain):
        return None, "the From address is not a plain mailbox at a domain name"
    return f"{local}@{domain}", None


def from_name(msg: Message) -> tuple[str, str]:
    """The From header's display name and address, for reading a signature; ("", "") if
    there is no single readable one. Not for deciding who sent it: `canonical_from`."""
    values = [v for k, v in msg.raw_items() if k.lower() == "from"]
    try:
        header = _registry("from", _FOLD.sub("", _utf8(str(values[0]))))
        assert isinstance(header, AddressHeader)
        (address,) = header.addresses
    except Exception:  # none, several, or one the parser cannot read
        return "", ""
    return address.display_name, address.addr_spec


def _utf8(value: str) -> str:
    """RFC 6532 header bytes as text: the parser hands 8-bit bytes on as surrogates.

    Valid UTF-8 is what SMTPUTF8 clients send; anything else stays as it is, and is refused.
    """
    try:
        return value.encode("ascii", "surrogateescape").decode("utf-8")
    except UnicodeError:
        return value


def allowed(sender: str, patterns: tuple[str, ...]) -> bool:
    """`senders:` entries are addresses or `*@domain`; domains compare case-insensitively.

    An empty list allows no one: a brand that forgot its senders must not be open.
    """
    local, at, domain = sender.rpartition("@")
    if not at or not local or not domain:
        return False
    for pattern in patterns:
        p_local, p_at, p_domain = pattern.strip().rpartition("@")
        if not p_at or not p_local or p_domain.lower() != domain.lower():
            continue
        if p_local == "*" or p_local == local:
            return True
    return False
