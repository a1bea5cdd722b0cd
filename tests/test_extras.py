"""Issue 12 point 6: typed per-network extras, stored as JSON and read back."""

from __future__ import annotations

import pytest

from dripcast.core.extras import (
    EXTRAS,
    BlueskyExtra,
    PinterestExtra,
    TumblrExtra,
    WordPressExtra,
    extra_from,
    extra_json,
    tags_of,
    title_of,
)
from formatters.specs import SPECS


@pytest.mark.parametrize(
    "extra",
    [
        BlueskyExtra(facets=({"index": {"byteStart": 0, "byteEnd": 3}, "features": []},)),
        PinterestExtra(title="Buns", link="https://example.com"),
        TumblrExtra(tags=("bread", "bakery")),
        WordPressExtra(title="Rye", tags=("bread",)),
    ],
)
def test_round_trip_through_json(extra: BlueskyExtra | PinterestExtra) -> None:
    network = next(n for n, cls in EXTRAS.items() if isinstance(extra, cls))
    assert extra_from(network, extra_json(extra)) == extra


def test_keys_of_older_versions_are_ignored() -> None:
    # rows written before issue 12 carry WordPress "html" (never read) and no class
    old = {"title": "Rye", "tags": ["bread"], "html": "<p>Rye</p>"}
    assert extra_from("wordpress", old) == WordPressExtra(title="Rye", tags=("bread",))
    assert extra_from("x", {"language": "da"}) is None  # X has no extra
    assert extra_from("pinterest", {}) is None


def test_title_and_tags_are_read_only_where_the_network_has_them() -> None:
    assert title_of(PinterestExtra(title="T")) == "T" and title_of(TumblrExtra()) == ""
    assert tags_of(WordPressExtra(tags=("a",))) == ("a",) and tags_of(None) == ()


def test_every_extra_is_for_a_known_network() -> None:
    assert set(EXTRAS) <= set(SPECS)
