"""How strong a `verify: token` secret must be; checked when the config is loaded."""

from __future__ import annotations

import re

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
