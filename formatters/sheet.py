"""A contact sheet of planned posts, so a person can look instead of read.

One tile per post: the network, the time, the image as cropped (on a grey field, so
the crop's shape shows) and the caption as the network will show it.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Sequence
from pathlib import Path

import regex
from PIL import Image, ImageDraw, ImageFont

from dripcast.core.domain import Draft, Slot
from dripcast.core.extras import tags_of, title_of
from formatters import littletext
from formatters.specs import COLOURS, SPECS

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

TILE_W = 340
IMAGE_H = 340
PAD = 14
GAP = 18
COLUMNS = 4
CAPTION_LINES = 16
BG = (244, 242, 238)
CARD = (255, 255, 255)
INK = (30, 30, 30)
MUTED = (110, 110, 110)
FIELD = (226, 226, 226)
HELD = (200, 40, 40)


_FONTS = Path("/usr/share/fonts/truetype/dejavu")
# Debian fonts-noto-color-emoji: a bitmap font that only renders at its own size.
_EMOJI_FONT = Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")
_EMOJI_SIZE = 109
EMOJI_W = 18  # drawn emoji are squares this wide, in sheet pixels


def font(size: int, *, bold: bool = False) -> Font:
    """DejaVu Sans (Debian fonts-dejavu-core) if installed, else Pillow's own font."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(str(_FONTS / name), size)
    except OSError:
        return ImageFont.load_default(size)


def render_sheet(slots: Sequence[Slot], *, brand_name: str) -> bytes:
    """A PNG with one tile per planned post, in time order."""
    title_f, head_f, body_f, small_f = font(26, bold=True), font(17, bold=True), font(14), font(13)
    ordered = sorted(slots, key=lambda s: (s.at, s.draft.channel))
    tiles = [_tile(s, head_f, body_f, small_f) for s in ordered]
    cols = max(1, min(COLUMNS, len(tiles)))
    rows = [tiles[i : i + cols] for i in range(0, len(tiles), cols)]
    header_h = 70
    width = GAP + cols * (TILE_W + GAP)
    height = header_h + sum(max(t.height for t in row) + GAP for row in rows) + GAP
    sheet = Image.new("RGB", (width, max(height, header_h + GAP)), BG)
    draw = ImageDraw.Draw(sheet)
    _draw_line(sheet, (GAP, 18), brand_name, title_f)
    n = len(slots)
    draw.text(
        (GAP + _length(brand_name, title_f) + 14, 28),
        f"{n} planned post{'s' if n != 1 else ''}" + _span(ordered),
        font=small_f,
        fill=MUTED,
    )
    y = header_h
    for row in rows:
        for i, tile in enumerate(row):
            sheet.paste(tile, (GAP + i * (TILE_W + GAP), y))
        y += max(t.height for t in row) + GAP
    out = io.BytesIO()
    sheet.save(out, "PNG", optimize=True)
    return out.getvalue()


def _span(slots: Sequence[Slot]) -> str:
    if not slots:
        return ""
    first, last = slots[0].at, slots[-1].at
    return f"  ·  {first:%a %d %b} – {last:%a %d %b %Y}  ·  {first:%Z}"


def _tile(slot: Slot, head_f: Font, body_f: Font, small_f: Font) -> Image.Image:
    d = slot.draft
    spec = SPECS.get(d.type)
    colour = COLOURS.get(d.type, (90, 90, 90))
    lines = _wrap(shown_text(d), body_f, TILE_W - 2 * PAD)
    if len(lines) > CAPTION_LINES:
        lines = [*lines[: CAPTION_LINES - 1], lines[CAPTION_LINES - 1].rstrip() + " …"]
    # What the network shows outside the text: a title (Pinterest, WordPress), a tag field.
    title = _wrap(title_of(d.extra), head_f, TILE_W - 2 * PAD)[:2] if title_of(d.extra) else []
    tags = tags_of(d.extra)
    if tags:
        lines += ["", *_wrap("tags: " + ", ".join(tags), small_f, TILE_W - 2 * PAD)]
    line_h = 19
    band_h = 34
    height = (
        band_h
        + IMAGE_H
        + PAD
        + 22
        + len(title) * 22
        + len(lines) * line_h
        + PAD
        + (24 if d.held else 0)
    )
    tile = Image.new("RGB", (TILE_W, height), CARD)
    draw = ImageDraw.Draw(tile)
    draw.rectangle((0, 0, TILE_W, band_h), fill=colour)
    label = spec.label if spec else d.type
    if d.channel not in (d.type, label.lower()):
        label += f" · {d.channel}"
    _draw_line(tile, (PAD, 8), label, head_f, fill=(255, 255, 255))
    when = f"{slot.at:%a %d %b  %H:%M}"
    draw.text(
        (TILE_W - PAD - draw.textlength(when, font=small_f), 10),
        when,
        font=small_f,
        fill=(255, 255, 255),
    )
    _paste_image(tile, d, band_h)
    y = band_h + IMAGE_H + PAD
    draw.text((PAD, y), _media_line(d), font=small_f, fill=MUTED)
    y += 22
    for line in title:
        _draw_line(tile, (PAD, y), line, head_f)
        y += 22
    for line in lines:
        _draw_line(tile, (PAD, y), line, body_f)
        y += line_h
    if d.held:
        _draw_line(tile, (PAD, y + 4), f"HELD: {d.held}", small_f, fill=HELD)
    draw.rectangle((0, 0, TILE_W - 1, height - 1), outline=(215, 212, 205))
    return tile


def shown_text(d: Draft) -> str:
    """The caption as the network shows it (LinkedIn's escapes undone)."""
    return littletext.unescape(d.text) if d.type == "linkedin" else d.text


def _media_line(d: Draft) -> str:
    if not d.media:
        return "no image"
    m = d.media[0]
    more = f" · carousel of {len(d.media)}" if len(d.media) > 1 else ""
    return f"{m.width}×{m.height} · {m.bytes / 1000:.0f} kB{more}" + (" · alt ✓" if m.alt else "")


def _paste_image(tile: Image.Image, d: Draft, top: int) -> None:
    """The post's images as cropped, on a grey field; a carousel as a grid, in order."""
    field = Image.new("RGB", (TILE_W, IMAGE_H), FIELD)
    draw = ImageDraw.Draw(field)
    n = max(1, len(d.media))
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    cell_w, cell_h = (TILE_W - PAD) // cols, (IMAGE_H - PAD) // rows
    for i, m in enumerate(d.media or ()):
        x0 = PAD // 2 + (i % cols) * cell_w
        y0 = PAD // 2 + (i // cols) * cell_h
        inner = PAD if n == 1 else 6
        try:
            with Image.open(m.path) as im:
                im.draft("RGB", (cell_w, cell_h))
                pic = im.convert("RGB")
            pic.thumbnail((cell_w - inner, cell_h - inner), Image.Resampling.LANCZOS)
            field.paste(pic, (x0 + (cell_w - pic.width) // 2, y0 + (cell_h - pic.height) // 2))
        except (OSError, ValueError):
            # The sheet is for looking: a missing file shows as such rather than failing.
            draw.text((x0 + PAD, y0 + cell_h // 2), "image not available", fill=MUTED)
    if not d.media:
        draw.text((PAD, IMAGE_H // 2), "image not available", fill=MUTED)
    tile.paste(field, (0, top))


def _wrap(text: str, f: Font, width: int) -> list[str]:
    lines: list[str] = []
    for para in text.split("\n"):
        if not para.strip():
            lines.append("")
            continue
        line = ""
        for word in para.split(" "):
            trial = f"{line} {word}" if line else word
            if _length(trial, f) <= width:
                line = trial
                continue
            if line:
                lines.append(line)
            while _length(word, f) > width:  # a URL longer than the tile: break it
                cut = len(word)
                while cut > 1 and _length(word[:cut], f) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def _is_emoji(cluster: str) -> bool:
    return bool(regex.match(r"\p{Extended_Pictographic}|\p{Regional_Indicator}", cluster))


# Run kinds: an emoji cluster (drawn from the colour font), else text in one font.
Run = tuple[Font | None, str]


def _runs(text: str, f: Font) -> list[Run]:
    """Text split into emoji clusters and runs of text that one font of the chain draws."""
    runs: list[Run] = []
    chain = _chain(f)
    for cluster in regex.findall(r"\X", text):
        if _is_emoji(cluster) and _emoji_font() is not None:
            runs.append((None, cluster))
            continue
        g = _font_for(chain, cluster)
        if runs and runs[-1][0] is g:
            runs[-1] = (g, runs[-1][1] + cluster)
        else:
            runs.append((g, cluster))
    return runs


def _length(text: str, f: Font) -> float:
    return sum(EMOJI_W + 2 if g is None else g.getlength(t) for g, t in _runs(text, f))


def _draw_line(
    tile: Image.Image, xy: tuple[int, int], text: str, f: Font, fill: tuple[int, int, int] = INK
) -> None:
    draw = ImageDraw.Draw(tile)
    x: float = xy[0]
    # One baseline for every font of the chain: their ascents differ.
    base = xy[1] + (f.getmetrics()[0] if isinstance(f, ImageFont.FreeTypeFont) else 0)
    for g, run in _runs(text, f):
        if g is None:
            glyph = _emoji(run)
            if glyph is not None:
                tile.paste(glyph, (round(x) + 1, xy[1]), glyph)
            x += EMOJI_W + 2
        elif isinstance(g, ImageFont.FreeTypeFont):
            draw.text((x, base), run, font=g, fill=fill, anchor="ls")
            x += g.getlength(run)
        else:
            draw.text((x, xy[1]), run, font=g, fill=fill)
            x += g.getlength(run)


# Fonts from Debian packages, tried in this order for each character: DejaVu Sans
# (fonts-dejavu-core), Noto Sans (fonts-noto-core), Noto Sans CJK (fonts-noto-cjk) if
# installed, Droid Sans Fallback for Chinese and Japanese (fonts-droid-fallback), then
# every other Noto Sans script font.
_NOTO = Path("/usr/share/fonts/truetype/noto")
_CJK = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
# Debian fonts-noto-cjk, if installed: Korean too, which Droid Sans Fallback lacks.
_NOTO_CJK = Path("/usr/share/fonts/opentype/noto")
_NOT_A_CHAR = "\U000f0000"  # private use: no font draws it, so it shows the "missing" glyph


def _chain_paths(bold: bool) -> list[Path]:
    style = "Bold" if bold else "Regular"
    first = [
        _FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"),
        _NOTO / f"NotoSans-{style}.ttf",
    ]
    scripts = sorted(_NOTO.glob(f"NotoSans?*-{style}.ttf")) if _NOTO.is_dir() else []
    if bold:  # scripts with no bold cut still beat a missing-glyph box
        have = {p.name.replace("-Bold", "") for p in scripts}
        scripts += [
            p
            for p in sorted(_NOTO.glob("NotoSans?*-Regular.ttf"))
            if p.name.replace("-Regular", "") not in have
        ]
    cjk = _NOTO_CJK / f"NotoSansCJK-{style}.ttc"
    return [*first, cjk, _CJK, *(p for p in scripts if p not in first)]


class _Chain:
    """Fonts of one size, loaded when first needed, and which one draws each character."""

    def __init__(self, size: int, bold: bool, first: Font) -> None:
        self.size = size
        self.first = first
        self.paths = _chain_paths(bold)
        self.fonts: dict[int, ImageFont.FreeTypeFont | None] = {}
        self.missing: dict[int, bytes] = {}
        self.pick: dict[str, Font] = {}

    def font(self, i: int) -> ImageFont.FreeTypeFont | None:
        if i not in self.fonts:
            try:
                f = ImageFont.truetype(str(self.paths[i]), self.size)
                self.missing[i] = _mask(f, _NOT_A_CHAR)
            except OSError:
                f = None
            self.fonts[i] = f
        return self.fonts[i]

    def draws(self, i: int, ch: str) -> bool:
        f = self.font(i)
        return f is not None and _mask(f, ch) != self.missing[i]


def _mask(f: ImageFont.FreeTypeFont, ch: str) -> bytes:
    m = f.getmask(ch)
    return bytes(f"{m.size}", "ascii") + bytes(m)


@functools.lru_cache(maxsize=32)
def _chain_for(size: int, bold: bool) -> _Chain:
    return _Chain(size, bold, font(size, bold=bold))


def _chain(f: Font) -> _Chain | None:
    if not isinstance(f, ImageFont.FreeTypeFont):
        return None
    return _chain_for(int(f.size), "Bold" in (f.getname()[1] or ""))


def _font_for(chain: _Chain | None, cluster: str) -> Font:
    """The first font of the chain that has every visible character of `cluster`."""
    if chain is None:
        return ImageFont.load_default()
    if cluster in chain.pick:
        return chain.pick[cluster]
    # Joiners, variation selectors and other format characters draw nothing of their own.
    needed = [c for c in cluster if not c.isspace() and not regex.match(r"\p{Cf}", c)]
    found: Font = chain.font(0) or chain.first
    for i in range(len(chain.paths)):
        if all(chain.draws(i, c) for c in needed):
            found = chain.font(i) or found
            break
    chain.pick[cluster] = found
    return found


@functools.cache
def _emoji_font() -> ImageFont.FreeTypeFont | None:
    try:
        return ImageFont.truetype(str(_EMOJI_FONT), _EMOJI_SIZE)
    except OSError:
        return None  # no colour emoji font: DejaVu draws what it can


@functools.lru_cache(maxsize=512)
def _emoji(cluster: str) -> Image.Image | None:
    ef = _emoji_font()
    if ef is None:
        return None
    big = Image.new("RGBA", (_EMOJI_SIZE * 2, _EMOJI_SIZE * 2), (0, 0, 0, 0))
    ImageDraw.Draw(big).text((0, 0), cluster, font=ef, embedded_color=True)
    box = big.getbbox()
    if not box:
        return None
    glyph = big.crop(box)
    glyph.thumbnail((EMOJI_W, EMOJI_W), Image.Resampling.LANCZOS)
    return glyph
