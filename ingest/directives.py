"""The `key: value` lines a client writes in the body, read and removed from the caption."""

from __future__ import annotations

import re

from dripcast.core.domain import Directives

# `alt 2:`, `alt2:` and `alt #2:` all name photo 2, as clients type it.
_LINE = re.compile(r"^\s*(when|only|skip|link|cta|alt(?:\s*#?\s*(\d{1,2}))?)\s*:\s*(.+?)\s*$", re.I)


def is_directive(line: str) -> bool:
    return _LINE.match(line) is not None


def split_directives(text: str) -> tuple[str, Directives]:
    """Return the text without directive lines, and the directives found."""
    kept: list[str] = []
    found: dict[str, str] = {}
    alts: dict[int, str] = {}
    for line in text.splitlines():
        m = _LINE.match(line)
        if not m:
            kept.append(line)
            continue
        key = "alt" if m[1].lower().startswith("alt") else m[1].lower()
        if key == "alt" and m[2]:
            alts[int(m[2])] = m[3]
        else:
            found[key] = m[3]
    return "\n".join(kept).strip(), Directives(
        when=found.get("when"),
        only=_names(found.get("only")),
        skip=_names(found.get("skip")),
        link=found.get("link"),
        cta=found.get("cta"),
        alt=found.get("alt"),
        alts=alts,
    )


def _names(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(n.strip().lower() for n in value.split(",") if n.strip())
