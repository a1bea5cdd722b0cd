"""HTML bodies to plain caption text, and which inline images belong to a signature.

Clients mark what the writer did not type: Outlook on the web's `id="Signature"`, Gmail's
`gmail_signature`, Thunderbird's `moz-signature`; quoted replies sit in `<blockquote>`.
Those elements are dropped here, and the `cid:` images inside a signature are returned so
the parser can leave the logo out. Everything else is left to the text rules, which see the
same "On … wrote:" lines a plain-text body has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

_SIGNATURE = re.compile(
    r"(^|\s)(gmail_signature|moz-signature|signature|x_signature|applemailsignature)(\s|$)",
    re.I,
)
_SKIP_CONTENT = {"script", "style", "head", "title", "template", "noscript"}
# Elements that end a paragraph (a blank line) or a line; a run of them makes one break.
_PARAGRAPH = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "table",
    "blockquote",
    "hr",
    "pre",
}
_LINE = {"div", "br", "li", "tr", "section", "article", "header", "footer", "address", "dd", "dt"}
_VOID = {"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source"}


@dataclass(frozen=True, kw_only=True)
class HtmlBody:
    text: str
    signature_cids: frozenset[str]  # Content-IDs (without <>) shown inside a signature
    marked: bool  # the markup marks a signature or quote that a plain alternative lost


def html_to_text(markup: str) -> HtmlBody:
    parser = _Converter()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # html.parser is lenient, but a caption must never cost the message
        return HtmlBody(text=_fallback(markup), signature_cids=frozenset(), marked=False)
    text = "".join("\n" * p if isinstance(p, int) else p for p in parser.out)
    text = re.sub(r"[ \t\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return HtmlBody(
        text=text.strip(),
        signature_cids=frozenset(parser.cids),
        marked=parser.marked,
    )


def _fallback(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style|head)\b.*?</\1\s*>", "", markup)
    return unescape(re.sub(r"<[^>]*>", " ", markup)).strip()


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str | int] = []  # text, or a break of 1 (line) or 2 (paragraph)
        self.cids: set[str] = set()
        self.marked = False
        # Open elements whose content is dropped: (tag, kind), kind "sig" | "quote" | "skip".
        self._stack: list[tuple[str, str]] = []
        self._link: tuple[str, int] | None = None  # open <a>: its href, where its text starts

    def _dropping(self) -> str | None:
        return self._stack[-1][1] if self._stack else None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        if tag == "img":
            src = values.get("src", "")
            if src.lower().startswith("cid:") and self._in("sig"):
                self.cids.add(src[4:].strip().strip("<>"))
            return
        if tag == "a" and not self._dropping():
            href = values.get("href", "").strip()
            self._link = (
                (href, len(self.out)) if href.lower().startswith(("http:", "https:")) else None
            )
        if tag in _VOID:
            if tag in ("br", "hr") and not self._dropping():
                self._break(tag)
            return
        kind = None
        if tag in _SKIP_CONTENT:
            kind = "skip"
        elif _SIGNATURE.search(values.get("class", "")) or _SIGNATURE.search(values.get("id", "")):
            kind, self.marked = "sig", True
        elif tag == "blockquote":
            kind, self.marked = "quote", True
        elif values.get("id", "").lower() in ("divrplyfwdmsg", "appendonsend"):
            self.marked = True
        if kind or self._stack:
            # Once inside a dropped element, track every nested tag to find its end.
            self._stack.append((tag, kind or self._dropping() or "skip"))
        if not self._dropping():
            self._break(tag)

    def _break(self, tag: str) -> None:
        size = 2 if tag in _PARAGRAPH else 1 if tag in _LINE else 0
        if not size:
            return
        if tag == "br":  # a <br> is a line break of its own, not merged with a block's
            self.out.append("\n")
        elif self.out and isinstance(self.out[-1], int):
            self.out[-1] = max(self.out[-1], size)
        else:
            self.out.append(size)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link and not self._dropping():
            # The link text alone would lose where it points; a bare URL already says it.
            href, start = self._link
            shown = "".join(p for p in self.out[start:] if isinstance(p, str)).strip()
            if shown and href not in shown and shown not in href:
                self.out.append(f" ({href})")
            self._link = None
        if self._stack:
            for i in range(len(self._stack) - 1, -1, -1):
                if self._stack[i][0] == tag:
                    del self._stack[i:]
                    break
        if not self._dropping():
            self._break(tag)

    def _in(self, kind: str) -> bool:
        return any(k == kind for _, k in self._stack)

    def handle_data(self, data: str) -> None:
        if not self._dropping():
            self.out.append(data.replace("\xa0", " "))
