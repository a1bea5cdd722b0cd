"""Captions per network: links, hashtags, escaping, facets, templates, shortening."""

from __future__ import annotations

import pytest

from formatters import littletext
from formatters.caption import BIO, Parts, TemplateError, check_template, compose, shorten
from formatters.counting import fits, x_weight
from formatters.facets import facets
from formatters.hashtags import normalise
from formatters.links import display, tag_caption_links, utm_params, with_utm
from formatters.specs import SPECS

LONG = " ".join(["Fresh sourdough from the wood oven, crisp crust and open crumb."] * 12)


def parts(**kw: object) -> Parts:
    base: dict[str, object] = {
        "caption": "Fresh sourdough this morning",
        "cta": "Order for pickup today",
        "link": "https://example.com/shop",
        "brand_tags": ("#bakery", "#copenhagen"),
        "brand": "Demo Bakery",
    }
    base.update(kw)
    return Parts(**base)  # type: ignore[arg-type]


def test_utm_added_once_and_existing_query_kept_byte_for_byte() -> None:
    params = utm_params("x", "demo-bakery")
    once = with_utm("https://example.com/shop?q=a%20b#top", params)
    assert once == (
        "https://example.com/shop?q=a%20b&utm_source=x&utm_medium=social&utm_campaign=demo-bakery#top"
    )
    assert with_utm(once, params) == once


def test_utm_never_overrides_what_the_link_already_says() -> None:
    out = with_utm("https://example.com/?utm_source=newsletter", utm_params("x", "b"))
    assert out.count("utm_source") == 1 and "utm_source=newsletter" in out


def test_client_links_to_the_brand_site_are_tagged_others_left_alone() -> None:
    text = "New menu https://www.example.com/menu and https://other.org/x."
    out = tag_caption_links(text, "https://example.com/shop", utm_params("x", "b"))
    assert "https://www.example.com/menu?utm_source=x" in out
    assert "https://other.org/x." in out


def test_instagram_says_link_in_bio_instead_of_a_dead_url() -> None:
    out = compose(parts(), SPECS["instagram"])
    assert "https://" not in out.text
    assert f"Order for pickup today: {BIO}" in out.text


def test_instagram_keeps_five_hashtags_dropping_the_clients_before_the_brands() -> None:
    caption = "Fresh bread #rye #spelt #crust #oven #flour"
    out = compose(parts(caption=caption), SPECS["instagram"])
    assert out.hashtags == ("#rye", "#spelt", "#crust", "#bakery", "#copenhagen")
    assert "#oven" not in out.text and "#flour" not in out.text


def test_inline_tags_beyond_the_cap_stay_as_words() -> None:
    out = compose(parts(caption="We love #rye and #spelt today"), SPECS["threads"])
    assert out.text.startswith("We love #rye and spelt today")
    assert out.hashtags == ()


def test_hashtags_are_normalised_and_bad_ones_refused() -> None:
    assert normalise("bakery") == normalise("# bakery") == "#bakery"
    with pytest.raises(ValueError, match="hashtag"):
        normalise("#123")


def test_x_keeps_cta_link_and_tags_and_cuts_the_caption_at_a_word() -> None:
    out = compose(parts(caption=LONG), SPECS["x"])
    assert out.shortened
    assert x_weight(out.text) <= 280
    body, rest = out.text.split("\n\n", 1)
    assert body.endswith("…") and LONG.startswith(body[:-1])
    assert rest == "Order for pickup today: https://example.com/shop\n\n#bakery #copenhagen"


def test_mastodon_instance_limit_is_honoured() -> None:
    spec = SPECS["mastodon"].with_text_limit(120)
    out = compose(parts(caption=LONG), spec)
    assert fits(out.text, spec) and out.shortened
    with pytest.raises(ValueError, match="positive"):
        SPECS["mastodon"].with_text_limit(0)


def test_tags_go_before_cta_when_nothing_else_fits() -> None:
    spec = SPECS["x"].with_text_limit(60)
    out = compose(parts(caption=LONG), spec)
    assert fits(out.text, spec)
    assert "Order for pickup today" in out.text
    assert len(out.hashtags) < 2


def test_linkedin_escapes_little_text_and_keeps_hashtags_as_hashtags() -> None:
    caption = "Croissants (warm) *today* @ 9 #fresh at the [shop]"
    link = "https://example.com/shop?utm_source=linkedin"
    out = compose(parts(caption=caption, link=link), SPECS["linkedin"])
    assert out.text.startswith("Croissants \\(warm\\) \\*today\\* \\@ 9 {hashtag|\\#|fresh}")
    assert "https://example.com/shop?utm\\_source=linkedin" in out.text
    assert littletext.unescape(out.text).startswith(caption)
    assert link in littletext.unescape(out.text)


def test_bluesky_facets_use_utf8_byte_offsets() -> None:
    text = "Brød 🥐 #bagerbrød https://example.com/shop"
    got = facets(text)
    tag = next(f for f in got if f["features"][0]["$type"].endswith("#tag"))
    link = next(f for f in got if f["features"][0]["$type"].endswith("#link"))
    raw = text.encode()
    assert raw[tag["index"]["byteStart"] : tag["index"]["byteEnd"]] == "#bagerbrød".encode()
    assert tag["features"][0]["tag"] == "bagerbrød"
    assert raw[link["index"]["byteStart"] : link["index"]["byteEnd"]] == b"https://example.com/shop"


def test_bluesky_shows_a_short_link_that_points_to_the_full_one() -> None:
    full = "https://example.com/shop?utm_source=bluesky&utm_medium=social"
    shown = display(full)
    assert shown == "example.com/shop"
    out = compose(parts(link=full, link_text=shown), SPECS["bluesky"])
    assert full not in out.text and shown in out.text
    f = facets(out.text, {shown: full})
    assert {"$type": "app.bsky.richtext.facet#link", "uri": full} in [x["features"][0] for x in f]


def test_templates_see_all_variables() -> None:
    tmpl = "{{ brand }} {{ index }}/{{ count }}: {{ caption }} | {{ cta }} {{ link }} {{ hashtags|join(',') }}"
    out = compose(parts(index=2, count=3), SPECS["mastodon"], tmpl)
    assert out.text == (
        "Demo Bakery 2/3: Fresh sourdough this morning | Order for pickup today "
        "https://example.com/shop #bakery,#copenhagen"
    )


def test_templates_are_sandboxed_and_bad_ones_say_so() -> None:
    with pytest.raises(TemplateError, match="does not render"):
        check_template("{{ caption.__class__.__mro__ }}")
    with pytest.raises(TemplateError):
        check_template("{% if %}")
    check_template("{{ caption }} {{ link }}")


def test_shorten_cuts_alt_text_at_a_word() -> None:
    alt = "A basket of croissants on a wooden table by the window"
    assert shorten(alt, 30) == "A basket of croissants on a…"
    assert shorten(alt, 1000) == alt
    assert shorten("x" * 50, 10) == "x" * 9 + "…"


def test_tumblr_and_wordpress_take_tags_in_their_field_not_the_text() -> None:
    caption = "We love #rye bread today #sourdough"
    for network in ("tumblr", "wordpress"):
        out = compose(parts(caption=caption), SPECS[network])
        assert "#" not in out.text
        assert out.text.startswith("We love rye bread today")
        assert out.tags == ("rye", "sourdough", "bakery", "copenhagen")


def test_discord_gets_no_hashtag_line() -> None:
    out = compose(parts(caption="Bread #rye"), SPECS["discord"])
    assert "#" not in out.text and out.text.startswith("Bread")


def test_number_signs_are_not_hashtags() -> None:
    out = compose(parts(caption="We are #1 in town #bread"), SPECS["instagram"])
    assert out.text.startswith("We are #1 in town\n\n")
    assert "#bread" in out.hashtags
    out = compose(parts(caption="Table #12"), SPECS["x"])
    assert out.text.startswith("Table #12\n\n")


def test_pathological_captions_stay_fast_enough_to_finish() -> None:
    # Regex backtracking once made 5,000 near-tags take seconds per network; this
    # runs every network on inputs shaped to trigger it and must simply complete.
    for caption in ("#a1 " * 5000 + "!", "#" + "a" * 20000 + "!", "x " * 20000):
        for spec in SPECS.values():
            assert fits(compose(parts(caption=caption), spec).text, spec)
