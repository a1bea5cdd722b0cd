"""The contact sheet: one tile per planned post, in the network's colour, readable."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image

from dripcast.core.domain import Draft, Media, Slot
from formatters.sheet import COLOURS, GAP, TILE_W, render_sheet, shown_text
from tests.formatters.helpers import jpeg, marked

START = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))


def slot(
    tmp: Path, network: str, i: int, held: str | None = None, text: str = "Fresh bread 🥐 #bakery"
) -> Slot:
    path = tmp / f"{i}.jpg"
    path.write_bytes(jpeg(marked((400, 300))))
    media = Media(path=str(path), width=400, height=300, bytes=path.stat().st_size, format="jpeg")
    draft = Draft(channel=network, type=network, photos=(1,), text=text, media=(media,), held=held)
    return Slot(draft=draft, at=START + timedelta(hours=i))


def test_one_tile_per_post_in_rows_of_four(tmp_path: Path) -> None:
    nets = ["instagram", "bluesky", "x", "linkedin", "mastodon", "pinterest"]
    png = render_sheet([slot(tmp_path, n, i) for i, n in enumerate(nets)], brand_name="Demo Bakery")
    im = Image.open(io.BytesIO(png))
    assert im.format == "PNG"
    assert im.width == GAP + 4 * (TILE_W + GAP)
    # Each tile's band carries its network's colour, in time order.
    for i, n in enumerate(nets[:4]):
        assert im.getpixel((GAP + i * (TILE_W + GAP) + TILE_W - 4, 72)) == COLOURS[n]
    fewer = Image.open(io.BytesIO(render_sheet([slot(tmp_path, "x", 0)], brand_name="B")))
    assert fewer.height < im.height


def test_held_posts_and_missing_images_still_render(tmp_path: Path) -> None:
    s = slot(tmp_path, "x", 0, held="off-limits phrase: 'cheap'")
    Path(s.draft.media[0].path).unlink()
    plain = slot(tmp_path, "x", 1)
    a = Image.open(io.BytesIO(render_sheet([s], brand_name="B")))
    b = Image.open(io.BytesIO(render_sheet([plain], brand_name="B")))
    assert a.height > b.height  # the hold reason takes a line


def test_linkedin_caption_shows_unescaped() -> None:
    d = Draft(
        channel="li",
        type="linkedin",
        photos=(1,),
        text="Hi \\(all\\) {hashtag|\\#|bread}",
        media=(),
    )
    assert shown_text(d) == "Hi (all) #bread"


def test_empty_plan_renders_a_header_only(tmp_path: Path) -> None:
    im = Image.open(io.BytesIO(render_sheet([], brand_name="Demo Bakery")))
    assert im.height < 200


def test_sheet_for_the_demo_brand_from_real_drafts(tmp_path: Path) -> None:
    from dripcast.core.config import load
    from formatters import format_submission
    from tests.formatters.helpers import photo, submission

    demo = load(Path(__file__).parent.parent / "config.yaml").brand("demo-bakery")
    photos = [photo(jpeg(marked((1200, 900))), 1), photo(jpeg(marked((900, 1200))), 2)]

    def store(v: object, p: object, network: str) -> str:
        from formatters.images import Variant

        assert isinstance(v, Variant)
        path = tmp_path / f"{len(list(tmp_path.iterdir()))}.jpg"
        path.write_bytes(v.data)
        return str(path)

    drafts = format_submission(submission(), photos, demo, demo.channels, store)
    slots = [Slot(draft=d, at=START + timedelta(hours=3 * i)) for i, d in enumerate(drafts)]
    im = Image.open(io.BytesIO(render_sheet(slots, brand_name=demo.name)))
    assert im.width == GAP + len(slots) * (TILE_W + GAP)


# Issue 18: the sheet draws emoji and every script a caption may use (fonts from Debian's
# fonts-dejavu-core, fonts-noto-core, fonts-droid-fallback, fonts-noto-color-emoji).
SCRIPTS = "Rye Æblekage 🥐 Хлеб Ψωμί 今日のパン 面包 לחם خبز रोटी ขนมปัง პური"


def test_every_script_and_emoji_has_a_font_that_draws_it() -> None:
    import regex

    from formatters.sheet import _chain, _emoji, _font_for, _is_emoji, _mask, font

    body = font(14)
    chain = _chain(body)
    assert chain is not None
    for cluster in regex.findall(r"\X", SCRIPTS):
        if cluster.isspace():
            continue
        if _is_emoji(cluster):
            assert _emoji(cluster) is not None, cluster
            continue
        f = _font_for(chain, cluster)
        i = next(i for i in range(len(chain.paths)) if chain.fonts.get(i) is f)
        assert all(_mask(f, c) != chain.missing[i] for c in cluster), cluster


def test_a_tile_in_many_scripts_differs_from_one_of_missing_glyph_boxes(tmp_path: Path) -> None:
    drawn = Image.open(
        io.BytesIO(render_sheet([slot(tmp_path, "x", 0, text=SCRIPTS)], brand_name="B"))
    )
    boxes = "\U000f0000" * len(SCRIPTS.replace(" ", ""))
    missing = Image.open(
        io.BytesIO(render_sheet([slot(tmp_path, "x", 0, text=boxes)], brand_name="B"))
    )
    # The caption's first line: real glyphs of many shapes, not one box repeated.
    line = (0, 34 + 340 + 14 + 22, TILE_W, 34 + 340 + 14 + 22 + 19)
    x0 = GAP
    box = (x0 + line[0], 70 + line[1], x0 + line[2], 70 + line[3])
    a, b = drawn.crop(box).convert("RGB"), missing.crop(box).convert("RGB")
    assert a.convert("L").tobytes() != b.convert("L").tobytes()
    # Text is grey ink: a strongly coloured pixel on the line is the colour emoji.
    colours = a.getcolors(maxcolors=1 << 16) or []
    assert any(max(c) - min(c) > 80 for _, c in colours)
