"""twitter-text's own conformance suite (tests/data/twitter_text/validate.yml), vendored.

Each counting group runs under the configuration twitter-text's runners give it:
`tweets` v1 (140, every character 1), `WeightedTweetsCounterTest` v2 (no emoji
parsing), the emoji and directional-mark groups v3, which is what X uses and what
`x_weight` counts. URL groups: every URL the suite calls valid is found whole by our
one URL finder. `usernames`/`lists` validate X handles, which dripcast never writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from twitter_text import parse_tweet
from twitter_text.config import config

from formatters.counting import x_weight
from formatters.hashtags import normalise
from formatters.links import find_urls

SUITE: dict[str, list[dict[str, Any]]] = yaml.safe_load(
    (Path(__file__).parent.parent / "data" / "twitter_text" / "validate.yml").read_text("utf-8")
)["tests"]


def cases(group: str) -> Any:
    return pytest.mark.parametrize(
        "case", SUITE[group], ids=[c["description"] for c in SUITE[group]]
    )


@cases("WeightedTweetsWithDiscountedEmojiCounterTest")
def test_weighted_with_discounted_emoji(case: dict[str, Any]) -> None:
    assert x_weight(case["text"]) == case["expected"]["weightedLength"]
    assert parse_tweet(case["text"]).asdict() == case["expected"]


@cases("UnicodeDirectionalMarkerCounterTest")
def test_directional_markers(case: dict[str, Any]) -> None:
    assert x_weight(case["text"]) == case["expected"]["weightedLength"]
    assert parse_tweet(case["text"]).asdict() == case["expected"]


@cases("WeightedTweetsCounterTest")
def test_weighted_v2(case: dict[str, Any]) -> None:
    v2 = {**config["version2"], "emoji_parsing_enabled": False}
    assert parse_tweet(case["text"], v2).asdict() == case["expected"]
    # v3 only ever counts emoji sequences as less than v2 does, never more.
    assert x_weight(case["text"]) <= case["expected"]["weightedLength"]


@cases("tweets")
def test_tweets_v1(case: dict[str, Any]) -> None:
    v1 = {**config["version1"], "emoji_parsing_enabled": False}
    assert parse_tweet(case["text"], v1).valid is case["expected"]


@cases("hashtags")
def test_hashtags(case: dict[str, Any]) -> None:
    try:
        normalise(case["text"])
    except ValueError:
        valid = False
    else:
        valid = True
    assert valid is case["expected"]


@pytest.mark.parametrize(
    ("group", "case"),
    [(g, c) for g in ("urls", "urls_without_protocol") for c in SUITE[g] if c["expected"] is True],
    ids=lambda v: v["description"] if isinstance(v, dict) else v,
)
def test_valid_urls_are_found_whole(group: str, case: dict[str, Any]) -> None:
    text = case["text"]
    found = find_urls(text, bare=group == "urls_without_protocol")
    assert [(f.start, f.end) for f in found] == [(0, len(text))]


@pytest.mark.parametrize(
    ("text", "weight"),
    [
        ("Besøg smørrebrød.dk", 29),  # X links a bare IDN domain: 23
        ("café.com", 23),
        # twitter-text's path grammar stops before "Å": 23 for the link, 5 for "Århus".
        ("https://bakery.dk/brød/rugbrød?sted=Århus", 28),
    ],
)
def test_bare_non_ascii_domains_count_as_x_counts_them(text: str, weight: int) -> None:
    assert x_weight(text) == weight
