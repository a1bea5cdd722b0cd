"""Bluesky facets as the official client's `RichText.detectFacets` makes them.

tests/data/atproto_richtext.json holds the link and tag cases of @atproto/api's own
tests/rich-text-detection.test.ts (bluesky-social/atproto, MIT or Apache-2.0),
mention cases left out (dripcast writes no mentions).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from formatters.facets import facets

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parent.parent / "data" / "atproto_richtext.json").read_text("utf-8")
)


def spans(text: str) -> list[tuple[str, str]]:
    raw = text.encode()
    out = []
    for f in facets(text):
        i = f["index"]
        feature = f["features"][0]
        out.append((raw[i["byteStart"] : i["byteEnd"]].decode(), feature.get("uri") or "#"))
    return out


@pytest.mark.parametrize("case", VECTORS["links"], ids=[c["text"] for c in VECTORS["links"]])
def test_links_as_atproto_detects_them(case: dict[str, Any]) -> None:
    want = [(seg[0], seg[1]) for seg in case["segments"] if len(seg) == 2]
    assert [s for s in spans(case["text"]) if s[1] != "#"] == want


@pytest.mark.parametrize("case", VECTORS["tags"], ids=[c["text"] for c in VECTORS["tags"]])
def test_tags_as_atproto_detects_them(case: dict[str, Any]) -> None:
    got = facets(case["text"])
    assert [f["features"][0]["tag"] for f in got] == case["tags"]
    assert [f["index"] for f in got] == case["indices"]


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("Fresh #tag-with-dash today", ["tag-with-dash"]),
        ("Bread #🍞 and #rugbrød…", ["🍞", "rugbrød"]),
        ("Fullwidth ＃sourdough.", ["sourdough"]),
        ("Open at 9 #1 and price#2", []),
    ],
)
def test_tags_the_issue_names(text: str, tags: list[str]) -> None:
    assert [f["features"][0]["tag"] for f in facets(text)] == tags


# Moved from tests/publishers/test_atproto.py: the publisher no longer detects facets.
def test_facets_use_utf8_byte_offsets() -> None:
    text = "Brød 🥐 #bagværk https://example.com/a?b=1."
    got = facets(text)
    raw = text.encode()
    spans = [raw[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode() for f in got]
    assert spans == ["#bagværk", "https://example.com/a?b=1"]
    assert got[0]["features"] == [{"$type": "app.bsky.richtext.facet#tag", "tag": "bagværk"}]
    assert got[1]["features"] == [
        {"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/a?b=1"}
    ]


def test_facets_skip_numbers_fragments_and_mid_word_hashes() -> None:
    assert facets("#2024 price#1 https://x.example/#top") == [
        {
            "index": {"byteStart": 14, "byteEnd": 36},
            "features": [
                {"$type": "app.bsky.richtext.facet#link", "uri": "https://x.example/#top"}
            ],
        }
    ]
