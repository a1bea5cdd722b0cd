"""format_submission: one draft per channel and photo, from one decode per photo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import formatters.images
from dripcast.core.domain import Photo
from dripcast.core.extras import (
    BlueskyExtra,
    MastodonExtra,
    PinterestExtra,
    TumblrExtra,
    WordPressExtra,
    title_of,
)
from formatters import format_submission
from formatters.counting import fits
from formatters.decode import Decoded
from formatters.images import Variant
from formatters.specs import SPECS
from tests.formatters.helpers import brand, jpeg, marked, photo, submission


class Folder:
    """The caller's side of `store`: writes each variant, remembers what it was asked."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.calls: list[tuple[int, str]] = []

    def __call__(self, variant: Variant, p: Photo, network: str) -> str:
        self.calls.append((p.index, network))
        path = self.root / f"{p.index}-{network}.jpg"
        path.write_bytes(variant.data)
        return str(path)


@pytest.fixture
def photos() -> list[Photo]:
    return [photo(jpeg(marked((1600, 1200))), 1), photo(jpeg(marked((900, 1600))), 2)]


def test_one_draft_per_channel_and_photo_each_within_limits(
    tmp_path: Path, photos: list[Photo]
) -> None:
    b = brand()
    store = Folder(tmp_path)
    drafts = format_submission(submission(), photos, b, b.channels, store)
    assert len(drafts) == len(b.channels) * 2
    assert [d.photos for d in drafts[:: len(b.channels)]] == [(1,), (2,)]
    for d in drafts:
        spec = SPECS[d.type]
        assert fits(d.text, spec)
        (m,) = d.media
        assert Path(m.path).stat().st_size == m.bytes
        assert m.bytes <= spec.max_bytes
        assert d.held is None
    assert len(store.calls) == len(drafts)


def test_each_photo_is_decoded_once_for_all_channels(
    tmp_path: Path, photos: list[Photo], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[float] = []
    real = formatters.images.decode

    def counting(data: bytes, scale: float = 1.0, **kw: Any) -> Decoded:
        calls.append(scale)
        return real(data, scale, **kw)

    monkeypatch.setattr(formatters.images, "decode", counting)
    b = brand()
    format_submission(submission(), photos, b, b.channels, Folder(tmp_path))
    assert len(calls) == 2


def test_links_carry_utm_per_network_unless_turned_off(tmp_path: Path, photos: list[Photo]) -> None:
    b = brand(["mastodon", "x", "pinterest"])
    drafts = format_submission(submission(), photos[:1], b, b.channels, Folder(tmp_path))
    by = {d.type: d for d in drafts}
    assert (
        "https://example.com/shop?utm_source=mastodon&utm_medium=social&utm_campaign=demo-bakery"
        in by["mastodon"].text
    )
    assert "utm_source=x&" in by["x"].text
    pin = by["pinterest"].extra
    assert isinstance(pin, PinterestExtra) and pin.link
    assert pin.link.endswith("utm_source=pinterest&utm_medium=social&utm_campaign=demo-bakery")
    plain = brand(["mastodon"], utm=False)
    (d,) = format_submission(submission(), photos[:1], plain, plain.channels, Folder(tmp_path))
    assert "utm_" not in d.text and "https://example.com/shop" in d.text


def test_utm_parameters_can_be_configured(tmp_path: Path, photos: list[Photo]) -> None:
    b = brand(["mastodon"])
    utm = {"utm_source": "{network}", "utm_medium": "social", "utm_campaign": "spring-{brand}"}
    (d,) = format_submission(submission(), photos[:1], b, b.channels, Folder(tmp_path), utm=utm)
    assert "utm_campaign=spring-demo-bakery" in d.text


def test_off_limits_phrase_holds_every_post_and_names_the_phrase(
    tmp_path: Path, photos: list[Photo]
) -> None:
    b = brand(["mastodon", "x"], off_limits=["free beer", "sale"])
    drafts = format_submission(
        submission("Today: FREE   Beer for all!"), photos[:1], b, b.channels, Folder(tmp_path)
    )
    assert {d.held for d in drafts} == {"off-limits phrase: 'free beer'"}
    whole_words_only = format_submission(
        submission("Wholesale prices"), photos[:1], b, b.channels, Folder(tmp_path)
    )
    assert {d.held for d in whole_words_only} == {None}


def test_bluesky_gets_facets_and_pinterest_a_title(tmp_path: Path, photos: list[Photo]) -> None:
    b = brand(["bluesky", "pinterest"])
    caption = "Cardamom knots are back! " + "Soft, buttery, " * 20 + "#fika"
    drafts = format_submission(submission(caption), photos[:1], b, b.channels, Folder(tmp_path))
    by = {d.type: d for d in drafts}
    sky = by["bluesky"]
    assert isinstance(sky.extra, BlueskyExtra)
    kinds = [f["features"][0]["$type"] for f in sky.extra.facets]
    assert "app.bsky.richtext.facet#link" in kinds and "app.bsky.richtext.facet#tag" in kinds
    link = next(f for f in sky.extra.facets if f["features"][0]["$type"].endswith("#link"))
    assert link["features"][0]["uri"].startswith("https://example.com/shop?utm_source=bluesky")
    raw = sky.text.encode()
    assert raw[link["index"]["byteStart"] : link["index"]["byteEnd"]] == b"example.com/shop"
    title = title_of(by["pinterest"].extra)
    assert len(title) <= 100 and title.startswith("Cardamom knots are back!")


def test_alt_text_per_photo_cut_to_each_networks_limit(tmp_path: Path, photos: list[Photo]) -> None:
    b = brand(["mastodon", "pinterest", "telegram"])
    long_alt = "A wooden table with " + "golden croissants and " * 40 + "coffee."
    sub = submission(alt="Bread on a table", alts={2: long_alt})
    drafts = format_submission(sub, photos, b, b.channels, Folder(tmp_path))
    alts = {(d.photos[0], d.type): d.media[0].alt for d in drafts}
    assert alts[(1, "mastodon")] == "Bread on a table"
    assert alts[(1, "telegram")] == ""  # Telegram has no alt text
    assert alts[(2, "mastodon")] == long_alt  # 900 characters fit Mastodon's 1,500
    assert len(alts[(2, "pinterest")]) <= 500 and alts[(2, "pinterest")].endswith("…")


def test_instance_limit_override_applies_to_that_channel(
    tmp_path: Path, photos: list[Photo]
) -> None:
    b = brand(["mastodon"])
    caption = "Long story about bread. " * 40
    (d,) = format_submission(
        submission(caption), photos[:1], b, b.channels, Folder(tmp_path), limits={"mastodon": 200}
    )
    assert fits(d.text, SPECS["mastodon"].with_text_limit(200))
    assert "Order for pickup today" in d.text


def test_unknown_channel_type_is_a_clear_error(tmp_path: Path, photos: list[Photo]) -> None:
    b = brand(["mastodon"])
    fake = b.channels[0].model_copy(update={"type": "myspace"})
    with pytest.raises(ValueError, match="no formatter for type 'myspace'"):
        format_submission(submission(), photos[:1], b, [fake], Folder(tmp_path))


def test_every_channel_type_has_a_spec() -> None:
    from dripcast.core.channels import CHANNEL_TYPES

    assert set(SPECS) == set(CHANNEL_TYPES)


def test_tag_field_networks_get_their_tags_in_extra(tmp_path: Path, photos: list[Photo]) -> None:
    b = brand(["tumblr"])
    (d,) = format_submission(submission("Rye #bread"), photos[:1], b, b.channels, Folder(tmp_path))
    assert isinstance(d.extra, TumblrExtra)
    assert d.extra.tags == ("bread", "bakery", "copenhagen")
    assert "#" not in d.text


def test_wordpress_gets_a_title(tmp_path: Path, photos: list[Photo]) -> None:
    b = brand(["wordpress"])
    sub = submission("Rye & <spelt> today\nfresh at 7\n\nMore at https://example.com/menu #bread")
    (d,) = format_submission(sub, photos[:1], b, b.channels, Folder(tmp_path))
    assert isinstance(d.extra, WordPressExtra)
    assert (d.extra.title, d.extra.tags) == (
        "Rye & <spelt> today",
        ("bread", "bakery", "copenhagen"),
    )
    # issue 12: the HTML is the WordPress publisher's (tests/publishers/test_wordpress_html.py);
    # the formatter's copy was written and never read, so it is gone


def test_brand_template_applies_where_the_channel_has_none(
    tmp_path: Path, photos: list[Photo]
) -> None:
    b = brand(["mastodon", "x"], template="{{ brand }}: {{ caption }}")
    own = b.channels[1].model_copy(update={"template": "{{ caption }} ({{ index }}/{{ count }})"})
    drafts = format_submission(submission("Rye"), photos, b, [b.channels[0], own], Folder(tmp_path))
    # The brand template says the same for both photos: the second gets a series marker
    # (issue 18); the channel's own template already numbers them.
    assert [d.text for d in drafts] == [
        "Demo Bakery: Rye",
        "Rye (1/2)",
        "Demo Bakery: Rye (2/2)",
        "Rye (2/2)",
    ]


def test_title_is_the_first_line_or_its_first_sentence() -> None:
    from formatters.compose import title

    assert title("Rye today\nMore text", "B", 100) == "Rye today"
    long = "Cardamom knots are back! " + "Soft and buttery " * 10
    assert title(long, "B", 100) == "Cardamom knots are back!"
    assert title("Hi! " + "word " * 40, "B", 100).endswith("…")
    assert title("#only #tags", "Demo Bakery", 100) == "#only #tags"
    assert title("", "Demo Bakery", 100) == "Demo Bakery"


def test_off_limits_also_checks_the_clients_cta_and_alt(
    tmp_path: Path, photos: list[Photo]
) -> None:
    b = brand(["mastodon"], off_limits=["sale"])
    for sub in (submission("Bread", cta="Big sale!"), submission("Bread", alts={1: "Sale sign"})):
        drafts = format_submission(sub, photos[:1], b, b.channels, Folder(tmp_path))
        assert drafts[0].held == "off-limits phrase: 'sale'"


def test_brand_language_sets_bluesky_langs_and_mastodon_language(
    tmp_path: Path, photos: list[Photo]
) -> None:
    for kw, lang in (({}, "en"), ({"language": "da"}, "da")):
        b = brand(["bluesky", "mastodon", "x"], **kw)
        drafts = format_submission(submission(), photos[:1], b, b.channels, Folder(tmp_path))
        by = {d.type: d for d in drafts}
        assert isinstance(by["bluesky"].extra, BlueskyExtra)
        assert by["bluesky"].extra.langs == (lang,)
        assert by["mastodon"].extra == MastodonExtra(language=lang)
        assert by["x"].extra is None


def test_brand_language_must_be_iso_639_1() -> None:
    with pytest.raises(ValueError, match="language"):
        brand(["bluesky"], language="dansk")
