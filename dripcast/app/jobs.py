"""The periodic jobs besides the tick: the weekly report per brand (clean-up: `cleanup`).

APScheduler only calls these at their times; which process runs a job is
decided in the database (`store_jobs.claim_run`), so two `serve` processes on
one database send one report, not two.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from dripcast.app import report
from dripcast.app.context import App
from dripcast.app.mail import render
from dripcast.app.mail.build import summary_view
from dripcast.app.mail.notify import Notifier
from dripcast.app.mail.outbox import Mailer
from dripcast.core.config import Brand, Config
from dripcast.store import jobs as store_jobs
from dripcast.store import mails as store_mail

log = logging.getLogger("dripcast.jobs")


def weekly_report(
    config: Config,
    engine: Engine,
    brand: Brand,
    now: datetime,
    *,
    key: str | None = None,
    back: timedelta = timedelta(days=7),
) -> str | None:
    """Build last week's summary and queue it for `report_to`; None if already done this week.

    Returns the plain text of the summary mail. `key`: a manual run (`report --send`)
    names its own event, so it is mailed even when the weekly one went out.
    """
    if key is None:
        if not store_jobs.claim_run(
            engine, f"report:{brand.id}", now=now, not_since=now - timedelta(days=6)
        ):
            return None
        key = f"summary:{brand.id}:{now:%G-W%V}"
    since = now - back
    r = report.gather(
        engine, brand_id=brand.id, brand_name=brand.name, zone=brand.zone, since=since, until=now
    )
    view = summary_view(
        brand,
        since=since,
        until=now,
        published=r.published,
        attention=r.attention,
        refused=r.refused,
        upcoming=r.upcoming,
        comments=report.faq_lines(r.faq),
    )
    draft = render.summary(view)
    notifier = Notifier(config, engine)
    if not brand.summary_to:
        log.info(
            "weekly summary for %s not mailed: no report_to, and no plain address in senders",
            brand.id,
        )
    elif not notifier.enabled:
        log.info("weekly summary for %s (no outgoing_mail, not sent):\n%s", brand.id, draft.text)
    elif notifier.summary(brand, view, key=key, now=now) is not None:
        log.info("weekly summary for %s queued to %s", brand.id, ", ".join(brand.summary_to))
    return draft.text


@dataclass(frozen=True)
class Sent:
    """What became of a summary mailed now: sent, failed (refused) or queued."""

    to: tuple[str, ...]
    status: str
    answer: str | None


def send_summary(app: App, brand: Brand, now: datetime, *, back: timedelta) -> Sent:
    """`dripcast report --send`: queue the summary under its own key and hand it to the
    smarthost now; a smarthost that is down leaves it queued for `serve`."""
    key = f"summary:{brand.id}:manual:{now:%Y%m%dT%H%M%S.%f}"
    weekly_report(app.config, app.engine, brand, now, key=key, back=back)
    asyncio.run(Mailer(app.config, app.engine).deliver_due())
    (row,) = [r for r in store_mail.mails(app.engine, brand=brand.id) if r["key"] == key]
    return Sent(to=tuple(row["to"]), status=row["status"], answer=row["answer"])
