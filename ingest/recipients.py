"""Which brand an envelope recipient is, and the secret plus-tags of `verify: token`.

A wrong or missing tag makes the address unknown (the caller answers
`550 5.1.1`), exactly as an address that never existed: a guesser learns
nothing, not even that the brand is there.
"""

from __future__ import annotations

import base64
import hmac
import secrets
from collections.abc import Iterable

from dripcast.core.config import Brand
from dripcast.core.tokens import read_reply_tag, token_problem

__all__ = ["brand_for_recipient", "new_token", "token_problem"]

TOKEN_BYTES = 20  # 160 bits; base32 keeps it lower-case, since some MTAs fold local parts


def new_token() -> str:
    """A fresh plus-tag secret for `dripcast token BRAND`: 32 chars of [a-z2-7], 160 bits."""
    return base64.b32encode(secrets.token_bytes(TOKEN_BYTES)).decode("ascii").lower()


def brand_for_recipient(
    rcpt: str, brands: Iterable[Brand], reply_key: bytes | None = None
) -> Brand | None:
    """The brand an RCPT address (`bakery@…` or `bakery+TAG@…`) belongs to, or None.

    With `verify: token` the tag must equal the brand's secret (constant-time
    compare), or be a reply tag signed with `reply_key` (the Reply-To of a mail
    dripcast sent); a wrong or missing tag gives None, as an unknown address does.
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
        if plus and reply_key and read_reply_tag(reply_key, brand.id, tag.lower()) is not None:
            return brand
        return None
    return None
