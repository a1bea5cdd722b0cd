"""The caption as HTML, for networks whose posts are HTML (WordPress)."""

from __future__ import annotations

from html import escape

from formatters.counting import URL


def to_html(text: str) -> str:
    """Paragraphs as `<p>`, line breaks as `<br>`, URLs as links; everything else escaped."""
    paras = [p for p in text.split("\n\n") if p.strip()]
    return "\n".join(f"<p>{_inline(p)}</p>" for p in paras)


def _inline(text: str) -> str:
    out: list[str] = []
    pos = 0
    for m in URL.finditer(text):
        out.append(escape(text[pos : m.start()]))
        url = escape(m[0], quote=True)
        out.append(f'<a href="{url}">{url}</a>')
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out).replace("\n", "<br>\n")
