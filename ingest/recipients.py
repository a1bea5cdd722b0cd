"""Which brand an envelope recipient is, and the secret plus-tags of `verify: token`.

A wrong or missing tag makes the address unknown (the caller answers
`550 5.1.1`), exactly as an address that never existed: a guesser learns
nothing, not even that the brand is there.
"""

from __future__ import annotations

import base64
import hmac
import re
import secrets
from collections.abc import Iterable

from dripcast.config import Brand

TOKEN_BYTES = 20  # 160 bits; base32 keeps it lower-case, since some MTAs fold local parts
MIN_TOKEN_BITS = 128
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_-]+")


def new_token() -> str:
    """A fresh plus-tag secret for `dripcast token BRAND`: 32 chars of [a-z2-7], 160 bits."""
    return base64.b32encode(secrets.token_bytes(TOKEN_BYTES)).decode("ascii").lower()


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


def brand_for_recipient(rcpt: str, brands: Iterable[Brand]) -> Brand | None:
    """The brand an RCPT address (`bakery@…` or `bakery+TAG@…`) belongs to, or None.

    With `verify: token` the tag must equal the brand's secret (constant-time
    compare); a wrong or missing tag gives None, as an unknown address does.
    """
    address = rcpt.strip()
    if address.startswith("<") and address.endswith(">"):
        address = address[1:-1]
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        return None
    base, plus, tag = local.partition("+")
    plain = f"{base}@{domain}".lower()
    for brand in brands:
        if brand.address != plain:
            continue
        if brand.verify != "token":
            return brand
        secret = brand.token.get_secret_value() if brand.token is not None else ""
        # compare_digest runs in time independent of where the strings differ;
        # an empty secret never matches, so a misconfigured brand stays closed.
        if plus and secret and hmac.compare_digest(tag.encode(), secret.encode()):
            return brand
        return None
    return None
