"""`dripcast report`: the summary the weekly job mails, printed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import click

from dripcast import jobs, report, store_mail
from dripcast.cli import Ctx, main, pass_ctx
from dripcast.cli_queue import engine_for
from dripcast.config import Brand
from dripcast.mail.outbox import Mailer
from dripcast.timeparse import parse_duration


@main.command(name="report")
@click.option("--brand", "brand_id", help="the brand (needed when the config has several)")
@click.option("--since", default="7d", show_default=True, help="how far back: 7d, 36h, 2w")
@click.option("--send", is_flag=True, help="mail it now to report_to (service.outgoing_mail)")
@pass_ctx
def report_command(ctx: Ctx, brand_id: str | None, since: str, send: bool) -> None:
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
    if send:
        _send(ctx, brand, now, back)
        return
    r = report.gather(
        engine_for(ctx),
        brand_id=brand.id,
        brand_name=brand.name,
        zone=brand.zone,
        since=now - back,
        until=now,
    )
    click.echo(report.render(r), nl=False)


def _send(ctx: Ctx, brand: Brand, now: datetime, back: timedelta) -> None:
    """Queue the summary mail and hand it to the smarthost now (serve retries it if down)."""
    if not ctx.config.service.outgoing_mail:
        raise click.ClickException("service.outgoing_mail is not set: nowhere to send mail")
    if not brand.summary_to:
        raise click.ClickException(
            f"brand {brand.id} has no report_to and no plain address in senders"
        )
    engine = engine_for(ctx)
    key = f"summary:{brand.id}:manual:{now:%Y%m%dT%H%M%S.%f}"
    jobs.weekly_report(ctx.config, engine, brand, now, key=key, back=back)
    asyncio.run(Mailer(ctx.config, engine).deliver_due())
    (row,) = [r for r in store_mail.mails(engine, brand=brand.id) if r["key"] == key]
    to = ", ".join(row["to"])
    if row["status"] == "sent":
        click.echo(f"summary mailed to {to}")
    elif row["status"] == "failed":
        raise click.ClickException(f"the smarthost refused the summary: {row['answer']}")
    else:
        click.echo(f"summary queued for {to}; not sent yet ({row['answer']}); serve retries it")
