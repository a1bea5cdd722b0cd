"""Each network's way of counting, on known cases and on random text."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from formatters.counting import graphemes, mastodon_length, measure, utf16_units, x_weight
from formatters.specs import SPECS


def test_x_counts_urls_as_23_whatever_their_length() -> None:
    short = "see https://a.co"
    long = "see https://example.com/" + "p" * 200 + "?utm_source=x&utm_medium=social"
    assert x_weight(short) == 4 + 23
    assert x_weight(long) == 4 + 23


def test_x_counts_cjk_and_emoji_as_two() -> None:
    assert x_weight("日本語") == 6
    assert x_weight("😀") == 2
    assert x_weight("👍🏽") == 2  # a skin tone belongs to its emoji
    assert x_weight("🇩🇰") == 2
    assert x_weight("abc é") == 5


def test_x_counts_bare_domains_at_least_as_urls() -> None:
    # twitter-text links "example.com" too; counting it as 11 would undercount.
    assert x_weight("example.com") == 23


def test_x_normalises_to_nfc_before_counting() -> None:
    decomposed = "e\u0301" * 10
    assert x_weight(decomposed) == x_weight(unicodedata.normalize("NFC", decomposed)) == 10


def test_graphemes_join_combining_marks_and_zwj_sequences() -> None:
    assert graphemes("e\u0301") == 1
    assert graphemes("👨‍👩‍👧") == 1
    assert graphemes("🇩🇰🇸🇪") == 2


def test_mastodon_counts_urls_as_23_and_remote_mentions_by_username() -> None:
    assert mastodon_length("https://example.com/" + "x" * 100) == 23
    assert mastodon_length("hi @anna@mastodon.social") == len("hi @anna")


def test_telegram_counts_utf16_units() -> None:
    assert utf16_units("😀") == 2
    assert measure("😀a", SPECS["telegram"]) == 3


def test_bluesky_counts_graphemes() -> None:
    assert measure("👨‍👩‍👧e\u0301", SPECS["bluesky"]) == 2


@given(st.text())
def test_x_weight_never_below_one_per_nfc_grapheme_outside_urls(text: str) -> None:
    # Whatever the input, X counts at least one per character it shows.
    assert x_weight(text) >= 0
    if "http" not in text and "." not in text:
        assert x_weight(text) >= graphemes(unicodedata.normalize("NFC", text))


@given(st.text(), st.text())
def test_counts_add_up_across_whitespace(a: str, b: str) -> None:
    # Joining two texts with a space never counts less than the parts (the shortening
    # search relies on this: more words never make a text shorter).
    for spec in SPECS.values():
        assert measure(a + " " + b, spec) >= measure(a, spec)
