"""Captions: a sandboxed Jinja2 template per channel, links tagged with UTM."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from jinja2.sandbox import SandboxedEnvironment

from formatters.specs import ChannelSpec

DEFAULT_TEMPLATE = """{{ caption }}

{% if cta %}{{ cta }}{% if link %} {{ link }}{% endif %}{% elif link %}{{ link }}{% endif %}

{{ hashtags | join(' ') }}"""

_env = SandboxedEnvironment(autoescape=False, keep_trailing_newline=False)


def with_utm(link: str, network: str, campaign: str) -> str:
    parts = urlsplit(link)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    have = {k for k, _ in query}
    for k, v in (("utm_source", network), ("utm_medium", "social"), ("utm_campaign", campaign)):
        if k not in have:
            query.append((k, v))
    return urlunsplit(parts._replace(query=urlencode(query)))


def render_caption(
    *,
    template: str | None,
    spec: ChannelSpec,
    caption: str,
    cta: str | None,
    link: str | None,
    hashtags: tuple[str, ...],
    brand: str,
    index: int,
    count: int,
) -> str:
    tmpl = _env.from_string(template or DEFAULT_TEMPLATE)
    text = tmpl.render(
        caption=caption,
        cta=cta,
        link=link,
        hashtags=list(hashtags),
        brand=brand,
        index=index,
        count=count,
    )
    text = "\n\n".join(p.strip() for p in text.split("\n\n") if p.strip())
    if len(text) > spec.text_limit:
        overflow = len(text) - spec.text_limit + 1
        cut = caption[: max(0, len(caption) - overflow)].rsplit(" ", 1)[0] + "…"
        return render_caption(
            template=template,
            spec=spec,
            caption=cut,
            cta=cta,
            link=link,
            hashtags=hashtags,
            brand=brand,
            index=index,
            count=count,
        )
    return text
