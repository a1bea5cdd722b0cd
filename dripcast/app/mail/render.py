"""Views → mail drafts: Jinja2 templates (plain and HTML), CSS inlined for mail clients.

Pure but for reading the post images to make thumbnails (through `read`, the blob
store's reader the caller passes). The HTML shows each post's image as cropped for
its network, as an inline `cid:` part.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import css_inline
import jinja2
from PIL import Image

from dripcast.app.mail import i18n
from dripcast.app.mail.compose import Draft
from dripcast.app.mail.views import (
    Answer,
    Comment,
    Confirmation,
    Held,
    PostLine,
    Refusal,
    Summary,
)

TEMPLATES = Path(__file__).parent / "templates"
THUMB = 240  # pixels on the long side: sharp at 120 CSS px on a phone
CAPTION_START = 80


@functools.cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["start"] = caption_start
    return env


@functools.cache
def _inliner() -> css_inline.CSSInliner:
    return css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False)


def caption_start(text: str, n: int = CAPTION_START) -> str:
    line = " ".join(text.split())
    return line if len(line) <= n else line[: n - 1].rstrip() + "…"


Reader = Callable[[str], bytes]  # an image's bytes by its name (a blob key); OSError, KeyError


def read_file(name: str) -> bytes:
    """The reader for images that are files (`dripcast preview`, an older version's posts)."""
    return Path(name).read_bytes()


def thumbnail(name: str | None, read: Reader = read_file) -> bytes | None:
    """A small JPEG of the image as cropped for its network; None if it cannot be read."""
    if not name:
        return None
    try:
        with Image.open(io.BytesIO(read(name))) as im:
            im.thumbnail((THUMB, THUMB))
            out = io.BytesIO()
            im.convert("RGB").save(out, "JPEG", quality=80, optimize=True)
            return out.getvalue()
    except (OSError, ValueError, KeyError):  # KeyError: BlobMissing
        return None


def _both(name: str, language: str, **ctx: Any) -> tuple[str, str]:
    words = i18n.words(language)
    common = {"w": words, "lang": language if language in i18n.WORDS else "en", **ctx}
    env = _env()
    text = env.get_template(f"{name}.txt").render(common)
    html = env.get_template(f"{name}.html").render(common)
    return text, _inliner().inline(html)


def _n(words: dict[str, str], key: str, n: int, **fmt: str) -> str:
    one = words.get(f"{key}_one")
    return (one if n == 1 and one else words[key]).format(n=n, **fmt)


def _images(posts: tuple[PostLine, ...], read: Reader) -> tuple[dict[int, str], dict[str, bytes]]:
    """cid per post number, and the bytes per cid (one thumbnail per distinct image)."""
    cids: dict[int, str] = {}
    images: dict[str, bytes] = {}
    by_path: dict[str, str] = {}
    for p in posts:
        if not p.image:
            continue
        if p.image in by_path:
            cids[p.number] = by_path[p.image]
            continue
        data = thumbnail(p.image, read)
        if data is None:
            continue
        cid = f"post{p.number}.{re.sub(r'[^a-z0-9]', '', p.network.lower()) or 'img'}@dripcast"
        images[cid] = data
        cids[p.number] = by_path[p.image] = cid
    return cids, images


def confirmation(v: Confirmation, read: Reader = read_file) -> Draft:
    w = i18n.words(v.language)
    cids, images = _images(v.posts, read)
    text, html = _both(
        "confirmation",
        v.language,
        v=v,
        cids=cids,
        when=lambda at: i18n.when(at, v.language),
        cmd=i18n.COMMAND_WORDS.get(v.language, i18n.COMMAND_WORDS["en"]),
        networks=sorted({p.network for p in v.posts}),
    )
    subject = _n(w, "confirm_subject", len(v.posts), subject=caption_start(v.subject, 60))
    return Draft(subject=subject, text=text, html=html, images=images)


REFUSAL_KINDS = (
    ("do_duplicate", ("already sent", "already posted")),
    ("do_too_old", ("older than max_age", "in the future", "how old")),
    ("do_no_photo", ("no photo", "could be used", "not a readable", "not supported", "pixels")),
)


def refusal_advice(reason: str) -> str:
    """Which "what to do" a refusal reason calls for (a key of the word list)."""
    low = reason.lower()
    for key, needles in REFUSAL_KINDS:
        if any(n in low for n in needles):
            return key
    return "do_other" if "internal error" in low else "do_not_understood"


def refusal(v: Refusal) -> Draft:
    w = i18n.words(v.language)
    text, html = _both("refusal", v.language, v=v, advice=w[refusal_advice(v.reason)])
    subject = w["refusal_subject"].format(subject=caption_start(v.subject, 60))
    return Draft(subject=subject, text=text, html=html)


def held(v: Held, read: Reader = read_file) -> Draft:
    w = i18n.words(v.language)
    cids, images = _images(v.posts, read)
    text, html = _both(
        "held", v.language, v=v, cids=cids, when=lambda at: i18n.when(at, v.language)
    )
    return Draft(
        subject=_n(w, "held_subject", len(v.posts), brand=v.brand_name),
        text=text,
        html=html,
        images=images,
    )


def answer(v: Answer) -> Draft:
    w = i18n.words(v.language)
    cmd = i18n.COMMAND_WORDS.get(v.language, i18n.COMMAND_WORDS["en"])
    text = _env().get_template("answer.txt").render(v=v, w=w, cmd=cmd)
    subject = v.subject if re.match(r"(?i)(re|sv|aw):", v.subject) else w["answer_subject"]
    return Draft(subject=subject.format(subject=v.subject), text=text)


def comment(v: Comment) -> Draft:
    """An escalation (or a draft for approval): plain text, the comment quoted as written."""
    w = i18n.words(v.language)
    text = _env().get_template("comment.txt").render(v=v, w=w)
    key = "draft_subject" if v.draft else "comment_subject"
    return Draft(subject=w[key].format(brand=v.brand_name, network=v.network), text=text)


def summary(v: Summary) -> Draft:
    w = i18n.words(v.language)
    text, html = _both(
        "summary",
        v.language,
        v=v,
        when=lambda at: i18n.when(at, v.language),
        public=lambda url: bool(url) and str(url).startswith(("https://", "http://")),
    )
    return Draft(
        subject=_n(w, "summary_subject", len(v.published), brand=v.brand_name),
        text=text,
        html=html,
    )
