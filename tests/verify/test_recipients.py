from __future__ import annotations

import re

import pytest

from dripcast.core.config import Brand
from ingest.recipients import brand_for_recipient, new_token, token_problem
from tests.verify.mail import brand

SECRET = "k3x7q2m4vz5nb6wc7yt2hpa4dr5sfg3j"


@pytest.fixture
def brands() -> tuple[Brand, ...]:
    return (
        brand(id="open", address="open@dripcast.dk"),
        brand(id="secret", address="bakery@dripcast.dk", verify="token", token=SECRET),
    )


def test_plain_address_and_any_plus_tag_find_an_open_brand(brands: tuple[Brand, ...]) -> None:
    assert brand_for_recipient("open@dripcast.dk", brands) is brands[0]
    assert brand_for_recipient("<Open+news@DripCast.dk>", brands) is brands[0]


def test_the_right_token_finds_the_brand(brands: tuple[Brand, ...]) -> None:
    found = brand_for_recipient(f"bakery+{SECRET}@dripcast.dk", brands)
    assert found is not None and found.id == "secret"
    assert brand_for_recipient(f"Bakery+{SECRET}@DRIPCAST.DK", brands) is found


@pytest.mark.parametrize(
    "rcpt",
    [
        "bakery@dripcast.dk",  # missing
        "bakery+@dripcast.dk",  # empty
        "bakery+wrong@dripcast.dk",
        f"bakery+{SECRET[:-1]}@dripcast.dk",  # one short
        f"bakery+{SECRET}x@dripcast.dk",  # one long
        f"bakery+{SECRET.upper()}@dripcast.dk",  # the secret is case-sensitive
        f"bakery+{SECRET}@other.dk",
        f"{SECRET}@dripcast.dk",
        "nobody@dripcast.dk",
        "not-an-address",
        "",
    ],
)
def test_wrong_or_missing_token_is_an_unknown_recipient(
    brands: tuple[Brand, ...], rcpt: str
) -> None:
    assert brand_for_recipient(rcpt, brands) is None


def test_new_tokens_are_long_random_and_address_safe() -> None:
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50
    for token in tokens:
        assert re.fullmatch(r"[a-z2-7]{32}", token)  # 32 × 5 = 160 bits
        assert token_problem(token) is None


@pytest.mark.parametrize(
    "token",
    ["tiny", "abcdefghijklmnopqrstuvwxy", "a" * 20 + "B", "has space " * 4, "tok+en" * 8],
)
def test_weak_or_unsafe_tokens_are_named_without_echoing_them(token: str) -> None:
    problem = token_problem(token)
    assert problem is not None
    assert token not in problem


def test_token_strength_threshold() -> None:
    assert token_problem("a" * 26) is None  # base32: 130 bits
    assert token_problem("a" * 25) is not None
    assert token_problem("aB" * 11) is None  # base64url: 132 bits
