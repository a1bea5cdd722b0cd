"""The periodic jobs besides the tick: the weekly report per brand (clean-up: `cleanup`).

APScheduler only calls these at their times; which process runs a job is
decided in the database (`store_jobs.claim_run`), so two `serve` processes on
one database send one report, not two.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import Engine

from dripcast.app import mailout, report
from dripcast.core.config import Brand, Config
from dripcast.store import jobs as store_jobs

log = logging.getLogger("dripcast.jobs")


def weekly_report(config: Config, engine: Engine, brand: Brand, now: datetime) -> str | None:
    """Build last week's report and mail it to the brand's senders; None if already done."""
    name = f"report:{brand.id}"
    if not store_jobs.claim_run(engine, name, now=now, not_since=now - timedelta(days=6)):
        return None
    r = report.gather(
        engine,
        brand_id=brand.id,
        brand_name=brand.name,
        zone=brand.zone,
        since=now - timedelta(days=7),
        until=now,
    )
    text = report.render(r)
    to = [s for s in brand.senders if not s.startswith("*@")]
    if config.service.outgoing_mail and to:
        mailout.send(
            config.service.outgoing_mail,
            sender=brand.address,
            to=to,
            subject=report.subject(r),
            body=text,
        )
        log.info("weekly report for %s mailed to %s", brand.id, ", ".join(to))
    else:
        log.info("weekly report for %s (no outgoing_mail, not sent):\n%s", brand.id, text)
    return text
