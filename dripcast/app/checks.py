"""Checks beyond the config schema: caption templates and hashtags (the formatter's rules),
and `check --online`, one harmless authenticated read per channel."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from dripcast.core.errors import PublishError

if TYPE_CHECKING:  # offline `check` loads no database code, no config models
    from dripcast.core.config import Brand, Config


async def check_online(config: Config, say: Callable[[bool, str], None]) -> bool:
    """One harmless authenticated read per channel; `say(ok, "brand/channel: …")` each."""
    from dripcast.app.service import build_publishers, http_client
    from dripcast.store.blobs import open_blobs
    from dripcast.store.db import make_engine, migrate

    ok = True
    # The service's database: its stored (refreshed) credentials are the live ones.
    engine = make_engine(config.database_url)
    migrate(engine)
    blobs = open_blobs(config)
    async with http_client() as http:
        pubs = build_publishers(config, engine, http, blobs)
        for (brand, channel), pub in pubs.items():
            try:
                who = await pub.check()
                say(True, f"{brand}/{channel}: {who}")
            except PublishError as e:
                ok = False
                say(False, f"{brand}/{channel}: {type(e).__name__}: {e}")
    blobs.close()
    engine.dispose()
    return ok


def content_problems(config: Config) -> list[str]:
    """Templates that do not render and hashtags that are not tags, named by brand/channel."""
    from dripcast.core.channels import tag_sets
    from formatters.hashtags import normalise

    problems: list[str] = []
    for b in config.brands:
        places: list[tuple[str, str | None, tuple[str, ...]]] = [
            (b.id, b.template, sum(tag_sets(b.hashtags), ()))
        ]
        places += [
            (f"{b.id}/{c.id}", c.template, sum(tag_sets(c.hashtags or ()), ())) for c in b.channels
        ]
        for where, template, tags in places:
            if template is not None:
                problems += _template_problems(where, template)
            for tag in tags:
                try:
                    normalise(tag)
                except ValueError as e:
                    problems.append(f"{where}: hashtags: {e}")
        problems += _faq_problems(b)
    return problems


def _template_problems(where: str, template: str) -> list[str]:
    from formatters import TemplateError, check_template  # Jinja: only for a template

    try:
        check_template(template)
    except TemplateError as e:
        return [f"{where}: template: {e}"]
    return []


def _faq_problems(brand: Brand) -> list[str]:
    """An FAQ answer a channel it is read on could not post (Bluesky takes 300 graphemes)."""
    from dripcast.core.faq import READABLE
    from formatters.counting import fits, measure
    from formatters.specs import SPECS

    if brand.faq is None or brand.faq.mode == "off":
        return []
    out = []
    for c in brand.channels:
        spec = SPECS.get(c.type)
        if c.type not in READABLE or spec is None:
            continue
        for a in brand.faq.answers:
            if not fits(a.answer, spec):
                out.append(
                    f"{brand.id}/{c.id}: faq answer {a.id} is {measure(a.answer, spec)} long;"
                    f" {spec.label} takes {spec.text_limit}"
                )
    return out
