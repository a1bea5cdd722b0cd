"""`dripcast report`: the summary the weekly job mails, printed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import click

from dripcast.cli.root import Ctx, main, pass_ctx

if TYPE_CHECKING:  # the app layer (SQLAlchemy, pydantic) loads when the command runs
    from dripcast.core.config import Brand


@main.command(name="report")
@click.option("--brand", "brand_id", help="the brand (needed when the config has several)")
@click.option("--since", default="7d", show_default=True, help="how far back: 7d, 36h, 2w")
@click.option("--send", is_flag=True, help="mail it now to report_to (service.outgoing_mail)")
@pass_ctx
def report_command(ctx: Ctx, brand_id: str | None, since: str, send: bool) -> None:
    """The summary that is emailed weekly: what went out, what waits, what is next."""
    from dripcast.app import report
    from dripcast.app.context import App
    from dripcast.core.timeparse import parse_duration

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
    if send:
        _send(ctx, brand, now, back)
        return
    r = report.gather(
        App.open(ctx.config).engine,
        brand_id=brand.id,
        brand_name=brand.name,
        zone=brand.zone,
        since=now - back,
        until=now,
    )
    click.echo(report.render(r), nl=False)


def _send(ctx: Ctx, brand: Brand, now: datetime, back: timedelta) -> None:
    """Queue the summary mail and hand it to the smarthost now (serve retries it if down)."""
    from dripcast.app import jobs
    from dripcast.app.context import App

    if not ctx.config.service.outgoing_mail:
        raise click.ClickException("service.outgoing_mail is not set: nowhere to send mail")
    if not brand.summary_to:
        raise click.ClickException(
            f"brand {brand.id} has no report_to and no plain address in senders"
        )
    sent = jobs.send_summary(App.open(ctx.config), brand, now, back=back)
    to = ", ".join(sent.to)
    if sent.status == "sent":
        click.echo(f"summary mailed to {to}")
    elif sent.status == "failed":
        raise click.ClickException(f"the smarthost refused the summary: {sent.answer}")
    else:
        click.echo(f"summary queued for {to}; not sent yet ({sent.answer}); serve retries it")
