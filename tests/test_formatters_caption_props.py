"""For random captions, every network's text is within its limit by its own rule,
and the call to action, the link and the kept hashtags are whole."""

from __future__ import annotations

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from formatters import littletext
from formatters.caption import BIO, Parts, compose
from formatters.counting import fits
from formatters.facets import facets
from formatters.links import display
from formatters.specs import SPECS

PLAIN = st.one_of(
    st.from_regex(r"[a-zA-Z]{1,12}", fullmatch=True),
    st.sampled_from(
        ["日本語", "パン", "빵집", "面包店", "e\u0301te\u0301", "n\u0303", "Z\u0351\u0352\u0353"]
    ),
    st.sampled_from(["😀", "👨‍👩‍👧", "👍🏽", "🇩🇰", "❤️", "🥐🥖"]),
    st.from_regex(r"https://[a-z]{1,10}\.(com|dk|org)/[a-z0-9/]{0,60}", fullmatch=True),
    st.sampled_from(["example.com", "@anna@mastodon.social", "(*_*)", "a|b", "{x}", "~~"]),
)
WORDS = st.one_of(
    PLAIN,
    st.from_regex(r"#[a-z]{1,15}", fullmatch=True),
    st.from_regex(r"#[0-9]{1,4}", fullmatch=True),  # a number sign, not a tag
)
SEP = st.sampled_from([" ", " ", " ", "\n", "\n\n", ", "])


@st.composite
def captions(draw: st.DrawFn, words: st.SearchStrategy[str] = WORDS) -> str:
    # Some short, some far beyond every small limit.
    size = draw(st.sampled_from([5, 60, 400]))
    chosen = draw(st.lists(words, min_size=size // 2, max_size=size))
    out = ""
    for w in chosen:
        out += w + draw(SEP)
    return out.strip()


CTA = st.one_of(
    st.none(), st.sampled_from(["Order for pickup today", "今日はパンの日 🥐", "Book now!"])
)
LINK = st.one_of(st.none(), st.just("https://example.com/shop?utm_source=x&utm_medium=social"))
TAGS = st.lists(st.from_regex(r"#[a-z]{3,12}", fullmatch=True), max_size=6, unique=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(captions(), CTA, LINK, TAGS)
def test_every_network_within_its_limit_with_cta_link_and_tags_whole(
    caption: str, cta: str | None, link: str | None, tags: list[str]
) -> None:
    for spec in SPECS.values():
        link_text = display(link) if link and spec.network == "bluesky" else None
        parts = Parts(
            caption=caption,
            cta=cta,
            link=link,
            link_text=link_text,
            brand_tags=tuple(tags),
            brand="Demo Bakery",
        )
        out = compose(parts, spec)
        event(f"{spec.network} shortened={out.shortened}")
        assert fits(out.text, spec), spec.network
        shown = littletext.unescape(out.text) if spec.escape == "little" else out.text
        if cta:
            assert cta in shown, spec.network
        if link and spec.links == "inline":
            assert (link_text or link) in shown, spec.network
        if link and spec.links == "bio":
            assert BIO in shown and link not in shown
        if spec.links == "field" and link:
            assert link not in shown
        for tag in out.hashtags:
            assert tag in shown.split(), (spec.network, tag)
        if spec.hashtag_cap is not None:
            assert len(out.hashtags) <= spec.hashtag_cap


@settings(max_examples=40, deadline=None)
@given(captions(PLAIN))  # no hashtags: a closing block of them moves after the CTA
def test_a_shortened_caption_is_a_word_prefix_with_an_ellipsis(caption: str) -> None:
    spec = SPECS["x"]
    out = compose(Parts(caption=caption, cta=None, link=None, brand="B"), spec)
    assert out.shortened == (not fits(caption, spec))
    if out.shortened and out.text:
        assert out.text.endswith("…")
        assert caption.startswith(out.text[:-1].rstrip(",;:–—-").rstrip())


@settings(max_examples=80, deadline=None)
@given(captions())
def test_bluesky_facets_cover_exactly_their_tag_or_link(text: str) -> None:
    raw = text.encode()
    last_end = 0
    for f in facets(text):
        start, end = f["index"]["byteStart"], f["index"]["byteEnd"]
        assert last_end <= start < end <= len(raw)  # sorted, not overlapping
        last_end = end
        span = raw[start:end].decode()
        feature = f["features"][0]
        if feature["$type"] == "app.bsky.richtext.facet#tag":
            assert span[1:] == feature["tag"] and span[0] in "#＃"
        else:
            # A bare domain (`example.com`) is linked as Bluesky's app links it: https://.
            assert feature["uri"] in (span, "https://" + span)
            assert feature["uri"].startswith("https://")
