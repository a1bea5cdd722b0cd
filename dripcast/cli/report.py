"""`dripcast report`: the summary the weekly job mails, printed."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from dripcast.app import report
from dripcast.app.context import App
from dripcast.cli.root import Ctx, main, pass_ctx
from dripcast.core.timeparse import parse_duration


@main.command(name="report")
@click.option("--brand", "brand_id", help="the brand (needed when the config has several)")
@click.option("--since", default="7d", show_default=True, help="how far back: 7d, 36h, 2w")
@pass_ctx
def report_command(ctx: Ctx, brand_id: str | None, since: str) -> None:
    """The summary that is emailed weekly: what went out, what waits, what is next."""
    brands = ctx.config.brands
    if brand_id is None:
        if len(brands) != 1:
            raise click.UsageError("--brand is needed: one of " + ", ".join(b.id for b in brands))
        brand = brands[0]
    else:
        try:
            brand = ctx.config.brand(brand_id)
        except KeyError:
            raise click.BadParameter(
                f"no brand {brand_id!r} (brands: {', '.join(b.id for b in brands)})",
                param_hint="--brand",
            ) from None
    try:
        back = parse_duration(since)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--since") from None
    now = datetime.now(UTC)
    r = report.gather(
        App.open(ctx.config).engine,
        brand_id=brand.id,
        brand_name=brand.name,
        zone=brand.zone,
        since=now - back,
        until=now,
    )
    click.echo(report.render(r), nl=False)
