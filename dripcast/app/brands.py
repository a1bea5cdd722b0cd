"""Small things a person asks about a brand."""

from __future__ import annotations

from dripcast.core.config import Brand
from ingest.recipients import new_token


def new_token_address(brand: Brand) -> tuple[str, str]:
    """A fresh secret plus-tag for the brand's address (for `verify: token`), and the address."""
    secret = new_token()
    local, _, domain = brand.address.partition("@")
    return secret, f"{local}+{secret}@{domain}"
