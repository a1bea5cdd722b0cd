"""Issue 18: photos that share a caption get different texts on one channel, by what the
brand allows; a photo with nothing left to vary is left out with a note, not posted twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dripcast.core.domain import Directives, Photo, Submission
from formatters.compose import carousel_size, format_drafts
from formatters.images import Variant
from scheduler.group import merge
from tests.formatters.helpers import brand, jpeg, marked, photo


class Folder:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.n = 0

    def __call__(self, v: Variant, p: Photo, network: str) -> str:
        self.n += 1
        path = self.root / f"{self.n}.jpg"
        path.write_bytes(v.data)
        return str(path)


@pytest.fixture(scope="module")
def photos() -> list[Photo]:
    return [photo(jpeg(marked((400, 300))), i) for i in range(1, 5)]


def sub(caption: str = "Rye", *, leads: dict[int, str] | None = None, **d: Any) -> Submission:
    return Submission(
        message_id="<m@x>",
        from_addr="owner@example.com",
        subject="",
        caption=caption,
        directives=Directives(**d),
        attachments=(),
        leads=leads or {},
    )


def texts(tmp: Path, s: Submission, ps: list[Photo], **kw: Any) -> list[str]:
    b = brand(["mastodon"], **kw.pop("brand", {}))
    return [d.text for d in format_drafts(s, ps, b, b.channels, Folder(tmp), **kw).drafts]


def test_calls_to_action_rotate(tmp_path: Path, photos: list[Photo]) -> None:
    got = texts(tmp_path, sub(), photos[:3], brand={"cta": ["Order", "Visit", "Call"]})
    assert [t.split("\n\n")[1].split(":")[0] for t in got] == ["Order", "Visit", "Call"]
    assert not any("/3)" in t for t in got)


def test_hashtag_sets_rotate_and_pair_with_ctas(tmp_path: Path, photos: list[Photo]) -> None:
    b = {"cta": ["Order", "Visit"], "hashtags": [["#rye"], ["#bread", "#cph"]]}
    got = texts(tmp_path, sub(), photos, brand=b)
    ends = [(t.split("\n\n")[1].split(":")[0], t.split("\n\n")[-1]) for t in got]
    assert ends == [
        ("Order", "#rye"),
        ("Visit", "#bread #cph"),
        ("Visit", "#rye"),  # photo 3's own pair (Order, #rye) is taken: the next free one
        ("Order", "#bread #cph"),
    ]
    assert len(set(got)) == 4


def test_own_words_lead_and_alt_text_stands_in(tmp_path: Path, photos: list[Photo]) -> None:
    b = brand(["mastodon"])
    s = sub(leads={1: "Croissants 🥐"}, alts={2: "A loaf of rye on a board"})
    done = format_drafts(s, photos[:3], b, b.channels, Folder(tmp_path))
    first, second, third = done.drafts
    assert first.text.startswith("Croissants 🥐\n\nRye") and first.lead == "Croissants 🥐"
    assert second.lead == "" and not second.text.startswith("A loaf")  # no repeat yet
    assert third.text.startswith("Rye (3/3)")
    assert done.notes == ()


def test_alt_text_leads_before_a_series_marker(tmp_path: Path, photos: list[Photo]) -> None:
    got = texts(tmp_path, sub(alts={2: "A loaf of rye"}), photos[:2])
    assert got[1].startswith("A loaf of rye\n\nRye")


def test_recent_posts_count(tmp_path: Path, photos: list[Photo]) -> None:
    b = {"cta": ["Order", "Visit"]}
    first = texts(tmp_path, sub(), photos[:1], brand=b)
    # Case and spacing do not make a text different.
    recent = {"mastodon": [f"  {first[0].upper()} "]}
    again = texts(tmp_path, sub(), photos[:1], brand=b, recent=recent)
    assert first[0].split("\n\n")[1].startswith("Order")
    assert again[0].split("\n\n")[1].startswith("Visit")
    b1 = brand(["mastodon"])
    recent = {"mastodon": texts(tmp_path, sub(), photos[:1])}
    done = format_drafts(sub(), photos[:1], b1, b1.channels, Folder(tmp_path), recent=recent)
    assert done.drafts == [] and done.notes[0].startswith("mastodon: photo 1 not posted")


def test_nothing_left_to_vary_leaves_the_photo_out_with_a_note(
    tmp_path: Path, photos: list[Photo]
) -> None:
    b = brand(["mastodon", "x"], vary=[])
    done = format_drafts(sub(), photos[:3], b, b.channels, Folder(tmp_path))
    assert [(d.channel, d.photos) for d in done.drafts] == [("mastodon", (1,)), ("x", (1,))]
    assert done.notes == (
        "mastodon: photos 2, 3 not posted: the text would repeat a post of the last 30 days"
        " and nothing is left to vary (add calls to action, hashtag sets or a line per photo)",
        "x: photos 2, 3 not posted: the text would repeat a post of the last 30 days"
        " and nothing is left to vary (add calls to action, hashtag sets or a line per photo)",
    )


def test_group_auto_only_where_the_network_shows_several_images() -> None:
    b = brand(["instagram", "pinterest", "x", "outbox"])
    auto = {c.id: carousel_size(c.model_copy(update={"group": "auto"})) for c in b.channels}
    assert auto == {"instagram": 10, "pinterest": 1, "x": 4, "outbox": 1}
    on = {c.id: carousel_size(c.model_copy(update={"group": True})) for c in b.channels}
    assert on == {"instagram": 10, "pinterest": 5, "x": 4, "outbox": 10}
    assert {carousel_size(c) for c in b.channels} == {1}


def test_a_carousel_holds_one_aspect(tmp_path: Path) -> None:
    shapes = [(300, 400), (400, 300), (300, 400)]
    ps = [photo(jpeg(marked(s)), i) for i, s in enumerate(shapes, start=1)]
    b = brand(["instagram"])
    ig = b.channels[0].model_copy(update={"group": "auto"})
    drafts = format_drafts(sub(), ps, b, [ig], Folder(tmp_path)).drafts
    singles = [(d.media[0].width, d.media[0].height) for d in drafts]
    assert singles == [(320, 400), (400, 300), (320, 400)]  # alone, each keeps its best crop
    assert [len(d.carousel) for d in drafts] == [0, 1, 0]
    together = merge(drafts)
    assert {(m.width, m.height) for m in together.media} == {(320, 400)}  # 4:5, the median
    assert together.photos == (1, 2, 3) and together.text == drafts[0].text
