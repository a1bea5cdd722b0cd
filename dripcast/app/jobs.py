"""The periodic jobs besides the tick: the weekly report per brand and the clean-up.

APScheduler only calls these at their times; which process runs a job is
decided in the database (`store_jobs.claim_run`), so two `serve` processes on
one database send one report, not two.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta

from sqlalchemy import Engine

from dripcast.app import mailout, report
from dripcast.core.config import Brand, Config
from dripcast.core.lifecycle import MessageStatus
from dripcast.core.lifecycle import PostStatus as S
from dripcast.store import jobs as store_jobs
from dripcast.store import queries as store

log = logging.getLogger("dripcast.jobs")

KEEP = timedelta(days=30)
# media of posts that may still go out (or be retried) is never removed
LIVE = tuple(s.value for s in (S.SCHEDULED, S.PUBLISHING, S.HELD, S.FAILED))


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


def clean_up(config: Config, engine: Engine, now: datetime) -> tuple[int, int]:
    """Forget quarantined messages and media older than 30 days; returns (messages, files)."""
    if not store_jobs.claim_run(engine, "clean-up", now=now, not_since=now - timedelta(hours=20)):
        return 0, 0
    spool = config.resolve(config.service.spool_dir)
    gone = store.purge_messages(
        engine, statuses=(MessageStatus.REFUSED.value, MessageStatus.HELD.value), before=now - KEEP
    )
    for name in gone:
        (spool / name).unlink(missing_ok=True)
    media = config.resolve(config.service.media_dir)
    keep = {os.path.realpath(p) for p in store_jobs.media_in_use(engine, LIVE)}
    cutoff = (now - KEEP).timestamp()
    files = 0
    for root, _dirs, names in os.walk(media) if media.is_dir() else ():
        for n in names:
            path = os.path.realpath(os.path.join(root, n))
            if path not in keep and os.stat(path).st_mtime < cutoff:
                os.unlink(path)
                files += 1
    if gone or files:
        log.info("clean-up: %d old quarantined messages, %d media files", len(gone), files)
    return len(gone), files
