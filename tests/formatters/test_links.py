"""One URL finder: links stay whole on every network (IRIs, IDN hosts, parentheses)."""

from __future__ import annotations

import pytest

from formatters.counting import mastodon_length
from formatters.facets import facets
from formatters.links import find_urls, tag_caption_links, with_utm
from publishers.wordpress_html import content_html

UTM = {"utm_source": "x", "utm_medium": "social", "utm_campaign": "bakery"}
Q = "utm_source=x&utm_medium=social&utm_campaign=bakery"


@pytest.mark.parametrize(
    ("text", "url"),
    [
        (
            "Se https://bakery.example/brød/rugbrød?sted=Århus i dag",
            "https://bakery.example/brød/rugbrød?sted=Århus",
        ),
        ("https://bäckerei.example/brot.", "https://bäckerei.example/brot"),
        (
            "Bread: https://en.wikipedia.org/wiki/Bread_(food)",
            "https://en.wikipedia.org/wiki/Bread_(food)",
        ),
        (
            "(see https://en.wikipedia.org/wiki/Bread_(food))",
            "https://en.wikipedia.org/wiki/Bread_(food)",
        ),
        ("(https://example.com/shop)", "https://example.com/shop"),
        ("«https://example.com/a», then", "https://example.com/a"),
        ("Menu: https://example.com/menu#søndag!", "https://example.com/menu#søndag"),
        ("“https://example.com/x?y=1”…", "https://example.com/x?y=1"),
        ("https://example.com/path/ and more", "https://example.com/path/"),
        ("https://例え.jp/パン。", "https://例え.jp/パン"),
    ],
)
def test_links_are_found_whole_without_trailing_punctuation(text: str, url: str) -> None:
    assert [f.uri for f in find_urls(text)] == [url]


def test_utm_merges_into_an_iri_query_and_keeps_the_fragment() -> None:
    link = "https://bakery.example/brød/rugbrød?sted=Århus#kort"
    assert with_utm(link, UTM) == f"https://bakery.example/brød/rugbrød?sted=Århus&{Q}#kort"


def test_caption_links_to_the_site_are_tagged_whole() -> None:
    text = "Nyt: https://bakery.example/brød/rugbrød?sted=Århus. Og https://other.example/x"
    got = tag_caption_links(text, "https://bakery.example", UTM)
    assert got == (
        f"Nyt: https://bakery.example/brød/rugbrød?sted=Århus&{Q}. Og https://other.example/x"
    )


def test_idn_site_matches_its_punycode_link() -> None:
    text = "https://xn--bckerei-5wa.example/brot"
    assert tag_caption_links(text, "https://bäckerei.example", UTM) == f"{text}?{Q}"


def test_bluesky_facet_and_wordpress_link_keep_the_closing_parenthesis() -> None:
    text = "Bread: https://en.wikipedia.org/wiki/Bread_(food)"
    (f,) = facets(text)
    assert f["features"][0]["uri"] == "https://en.wikipedia.org/wiki/Bread_(food)"
    assert f["index"]["byteEnd"] == len(text.encode())
    assert (
        '<p>Bread: <a href="https://en.wikipedia.org/wiki/Bread_(food)">'
        "https://en.wikipedia.org/wiki/Bread_(food)</a></p>"
    ) in content_html(text, [])


def test_mastodon_counts_a_non_ascii_link_as_23() -> None:
    assert mastodon_length("https://bakery.dk/brød/rugbrød?sted=Århus#kort") == 23


@pytest.mark.parametrize(
    ("text", "mastodon"),
    [
        ("https://bakery.dk/brød/rugbrød?sted=Århus", 23),
        ("https://bäckerei.de/brot", 23),
        ("https://bakery.test/x", 21),  # no real TLD: Mastodon links nothing, counts 21
        ("https://example.com/a=", 24),  # "=" cannot end a Mastodon URL: it is text
        ("https://example.com/a?b=1&c=", 23),  # ... but can end a query
    ],
)
def test_mastodon_gives_23_only_to_what_it_links(text: str, mastodon: int) -> None:
    assert mastodon_length(text) == mastodon
