from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.senders import allowed, canonical_from


def parsed(head: bytes) -> EmailMessage:
    msg = email.message_from_bytes(head + b"\r\n\r\nbody\r\n", policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def from_(value: str) -> tuple[str | None, str | None]:
    return canonical_from(parsed(b"From: " + value.encode("latin-1")))


@pytest.mark.parametrize(
    ("value", "address"),
    [
        ("alice@brand.com", "alice@brand.com"),
        ("Alice <alice@brand.com>", "alice@brand.com"),
        ("<alice@brand.com>", "alice@brand.com"),
        ('"Smith, Alice" <alice@brand.com>', "alice@brand.com"),
        ("Alice (the owner) <Alice@Brand.COM>", "Alice@brand.com"),
        ("=?utf-8?q?Al=C3=ADce?= <alice@brand.com>", "alice@brand.com"),
        ("Alice\r\n <alice@brand.com>", "alice@brand.com"),  # folded
        ('"alice@brand.com" <alice@brand.com>', "alice@brand.com"),
    ],
)
def test_plain_from_headers_give_one_address(value: str, address: str) -> None:
    assert from_(value) == (address, None)


@pytest.mark.parametrize(
    "value",
    [
        # CVE-2023-27043: the legacy parser reads two addresses, the modern one the first
        "evil@attacker.net <alice@brand.com>",
        # …and here the comment swallows the real address for one parser only
        "alice@brand.com(<evil@x>",
        "alice@brand.com <evil@attacker.net>",
        "<alice@brand.com> evil@attacker.net",
        "alice@brand.com, evil@attacker.net",
        "Smith, Alice <alice@brand.com>",
        "friends: alice@brand.com;",
        "undisclosed-recipients:;",
        "a@b@brand.com",
        "alice@",
        "@brand.com",
        "alice",
        "",
        '"evil@attacker.net"@brand.com',
        "alice@[192.0.2.1]",
        "alice@localhost",
        "alice@brand.com.",
        "alice@brand.com\x00evil@attacker.net",
    ],
)
def test_ambiguous_or_malformed_from_is_refused(value: str) -> None:
    address, problem = from_(value)
    assert address is None
    assert problem


def test_two_from_headers_are_refused_whatever_the_case() -> None:
    msg = parsed(b"From: alice@brand.com\r\nFROM: evil@attacker.net")
    assert canonical_from(msg) == (None, "the message must have exactly one From header")


def test_missing_from_is_refused() -> None:
    assert canonical_from(parsed(b"Subject: hi"))[0] is None


def test_raw_eight_bit_bytes_in_from_are_refused_unless_utf8() -> None:
    address, problem = canonical_from(parsed("From: Zoë <zoe@brand.com>".encode("latin-1")))
    assert address is None
    assert problem is not None and "undecodable" in problem
    # RFC 6532 (SMTPUTF8): UTF-8 in the header field, the local part included.
    assert canonical_from(parsed("From: Zoë <zoe@brand.com>".encode())) == ("zoe@brand.com", None)
    assert canonical_from(parsed("From: Zoë <zoë@Brand.com>".encode())) == ("zoë@brand.com", None)


@pytest.mark.parametrize(
    ("sender", "patterns", "ok"),
    [
        ("alice@brand.com", ("alice@brand.com",), True),
        ("alice@brand.com", ("alice@BRAND.com",), True),
        ("alice@BRAND.COM", ("alice@brand.com",), True),
        ("alice@brand.com", ("*@Brand.Com",), True),
        ("bob@brand.com", ("alice@brand.com",), False),
        ("alice@brand.com.evil.net", ("*@brand.com",), False),
        ("alice@sub.brand.com", ("*@brand.com",), False),
        ("alice@evilbrand.com", ("*@brand.com",), False),
        ("alice@brand.com", (), False),
        ("alice@brand.com", ("brand.com", "*", "@brand.com"), False),
        ("alice", ("alice",), False),
        ("Alice@brand.com", ("alice@brand.com",), False),  # local parts are exact
    ],
)
def test_allowed(sender: str, patterns: tuple[str, ...], ok: bool) -> None:
    assert allowed(sender, patterns) is ok


ADDRESSY = st.text(alphabet='abc@<>()",;: .\\\t\r\n=?-_[]xé\x00', max_size=40)


@given(value=ADDRESSY)
@settings(max_examples=400, deadline=None)
def test_any_from_value_gives_an_address_or_a_reason_never_an_exception(value: str) -> None:
    msg = parsed(b"From: " + value.encode("utf-8"))
    address, problem = canonical_from(msg)
    assert (address is None) != (problem is None)
    if address is not None:
        local, _, domain = address.rpartition("@")
        assert local and "@" not in domain and domain == domain.lower()
        assert allowed(address, (address,))


def test_address_character_sets_are_the_rfc_ones() -> None:
    """The sets are written by exclusion (quick to compile); they still mean RFC 5322 atext
    plus non-ASCII for a local part, letters, digits and non-ASCII (and inner hyphens) for a
    domain label."""
    from ingest.senders import _DOMAIN, _LOCAL

    atext = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-")
    label = set("abcdefghijklmnopqrstuvwxyz0123456789")
    for c in [*map(chr, range(0x80)), *map(chr, range(0x80, 0x110000, 251)), "\U0010ffff"]:
        wide = ord(c) >= 0x80
        assert bool(_LOCAL.fullmatch(c)) == (c in atext or wide), repr(c)
        assert bool(_DOMAIN.fullmatch(f"{c}.dk")) == (c in label or wide), repr(c)
        assert bool(_DOMAIN.fullmatch(f"a{c}b.dk")) == (c in label or c in "-." or wide), repr(c)
