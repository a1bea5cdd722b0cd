"""The caption as HTML, for networks whose posts are HTML (WordPress)."""

from __future__ import annotations

from html import escape

from formatters.links import find_urls


def to_html(text: str) -> str:
    """Paragraphs as `<p>`, line breaks as `<br>`, URLs as links; everything else escaped."""
    paras = [p for p in text.split("\n\n") if p.strip()]
    return "\n".join(f"<p>{_inline(p)}</p>" for p in paras)


def _inline(text: str) -> str:
    out: list[str] = []
    pos = 0
    for link in find_urls(text):
        out.append(escape(text[pos : link.start]))
        url = escape(link.uri, quote=True)
        out.append(f'<a href="{url}">{url}</a>')
        pos = link.end
    out.append(escape(text[pos:]))
    return "".join(out).replace("\n", "<br>\n")
