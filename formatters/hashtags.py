"""Hashtags: where they come from, and which survive a network's cap."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import regex

TAG = regex.compile(r"(?<![\w#&])#((?=\w*[^\W\d_])\w++)")
_TAG_WORD = regex.compile(r"#(?=\w*[^\W\d_])\w++")


@dataclass(frozen=True, kw_only=True)
class Tags:
    """The tags to append, in display order, with each one's rank (0 = dropped last)."""

    shown: tuple[str, ...]
    rank: tuple[int, ...]

    def keep(self, n: int) -> Tags:
        """The `n` most important tags, still in display order."""
        order = sorted(range(len(self.shown)), key=lambda i: (self.rank[i], i))
        kept = sorted(order[: max(n, 0)])
        return Tags(
            shown=tuple(self.shown[i] for i in kept), rank=tuple(self.rank[i] for i in kept)
        )

    def __len__(self) -> int:
        return len(self.shown)


def normalise(tag: str) -> str:
    """`bakery`, `#bakery`, `# bakery` → `#bakery`; a tag that cannot be one → error."""
    word = regex.sub(r"\s+", "", tag).lstrip("#＃")
    if not TAG.fullmatch("#" + word):
        raise ValueError(f"not a usable hashtag: {tag!r}")
    return "#" + word


def split_trailing(caption: str) -> tuple[str, tuple[str, ...]]:
    """The caption without its closing run of hashtags, and those hashtags.

    Tags inside a sentence stay part of it; a closing block is a list the client
    appended, and joins ours so that one cap and one order apply to all of them.
    Only real tags count: "open at 9 #1" keeps its "#1" as text.
    """
    parts = regex.split(r"(\s+)", caption.rstrip())  # words at even indexes
    i = len(parts) - 1
    while i >= 0 and _TAG_WORD.fullmatch(parts[i]):
        i -= 2
    if i == len(parts) - 1 or i < 0:
        return caption, ()
    body = "".join(parts[: i + 1]).rstrip()
    return body, tuple(parts[j] for j in range(i + 2, len(parts), 2))


def gather(
    caption: str, client: Iterable[str], brand: Iterable[str], cap: int | None
) -> tuple[str, Tags]:
    """The caption (inline tags beyond the cap turned back into words) and the tags to append.

    Brand (or channel) tags are the most important, dropped last; the client's closing
    tags come before them in display but are dropped first.
    """
    inline = [m for m in TAG.finditer(caption)]
    seen = {m[1].casefold() for m in inline}
    room = None if cap is None else cap - len(inline)
    if room is not None and room < 0:
        # Keep the words, lose the markup: "#croissants" → "croissants".
        for m in reversed(inline[cap:]):
            caption = caption[: m.start()] + m[1] + caption[m.end() :]
        seen = {m[1].casefold() for m in inline[:cap]}
    shown: list[str] = []
    rank: list[int] = []
    for r, group in ((1, client), (0, brand)):
        for raw in group:
            tag = normalise(raw)
            if tag[1:].casefold() not in seen:
                seen.add(tag[1:].casefold())
                shown.append(tag)
                rank.append(r)
    tags = Tags(shown=tuple(shown), rank=tuple(rank))
    if room is not None:
        tags = tags.keep(room)
    return caption, tags
