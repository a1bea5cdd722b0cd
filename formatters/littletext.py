"""LinkedIn's "little text": reserved characters escaped, hashtags as templates.

Posts API commentary treats `| { } @ [ ] ( ) < > # * _ ~` (and the backslash) as
markup; unescaped, the post is cut at the first one or refused.
"""

from __future__ import annotations

import regex

_RESERVED = regex.compile(r"([\\|{}@\[\]()<>#*_~])")
_TAG = regex.compile(r"(?<!\S)#(\w+)")
_TEMPLATE = regex.compile(r"\{hashtag\|\\#\|([^}]*)\}")


def escape(text: str) -> str:
    out: list[str] = []
    pos = 0
    for m in _TAG.finditer(text):
        out.append(_RESERVED.sub(r"\\\1", text[pos : m.start()]))
        out.append("{hashtag|\\#|" + _RESERVED.sub(r"\\\1", m[1]) + "}")
        pos = m.end()
    out.append(_RESERVED.sub(r"\\\1", text[pos:]))
    return "".join(out)


def unescape(text: str) -> str:
    """The text as LinkedIn shows it (for the contact sheet and previews)."""
    text = _TEMPLATE.sub(lambda m: "#" + m[1], text)
    return regex.sub(r"\\(.)", r"\1", text)
