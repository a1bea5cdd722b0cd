"""The weekly report (pure render, CLI, mailed once) and the clean-up job."""

from __future__ import annotations

import asyncio
import email.policy
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from sqlalchemy import Engine

from dripcast.app import cleanup, jobs, report
from dripcast.app.mail.outbox import Mailer
from dripcast.cli import main
from dripcast.core.config import Smarthost, load, parse_smarthost
from dripcast.core.domain import Published
from dripcast.store import jobs as store_jobs
from dripcast.store import mails as store_mail
from dripcast.store import queries as store
from dripcast.store.blobs import open_blobs
from dripcast.store.db import make_engine, migrate
from tests.conftest import brand
from tests.ports import free_port
from tests.seed import publish, seed

CPH = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # Monday 08:00 in Copenhagen


def sample() -> report.Report:
    return report.Report(
        brand_id="demo-bakery",
        brand_name="Demo Bakery",
        zone=CPH,
        since=NOW - timedelta(days=7),
        until=NOW,
        published=[
            {"id": 1, "channel": "outbox", "type": "outbox", "text": "Fresh\nbread",
             "published_at": datetime(2026, 11, 17, 8, 0, tzinfo=UTC), "url": None},
            {"id": 2, "channel": "mastodon", "type": "mastodon", "text": "Rye " * 40,
             "published_at": datetime(2026, 11, 18, 11, 30, tzinfo=UTC),
             "url": "https://social.example/@b/2"},
        ],
        attention=[
            {"id": 3, "channel": "mastodon", "status": "held",
             "due_at": datetime(2026, 11, 24, 8, 0, tzinfo=UTC), "reason": "awaiting approval"},
        ],
        upcoming=4,
    )  # fmt: skip


def test_render_counts_lists_and_uses_the_brand_zone() -> None:
    text = report.render(sample())
    assert text.startswith("Demo Bakery (demo-bakery), Mon 16 Nov 2026 – Mon 23 Nov 2026\n")
    assert "2 published: mastodon 1, outbox 1" in text
    assert "1 held and 0 failed, waiting for a person" in text
    assert "4 scheduled for the next 7 days" in text
    assert "Tue 17 Nov 09:00  outbox     Fresh bread" in text  # 08:00 UTC is 09:00 here
    assert "https://social.example/@b/2" in text and "Rye Rye" in text and "…" in text
    assert "#3 mastodon   held   Tue 24 Nov 09:00  awaiting approval" in text
    assert report.subject(sample()) == "Demo Bakery: 2 posts went out this week"


def test_the_printed_report_lists_refused_mails_as_the_mailed_one_does() -> None:
    """QA: `dripcast report` left out the refused mails the mailed summary lists."""
    refused = [{"received_at": datetime(2026, 11, 19, 9, 15, tzinfo=UTC),
                "sender": "owner@example.com", "mail_from": "owner@example.com",
                "reason": "no photo attached"}]  # fmt: skip
    text = report.render(report.Report(**{**sample().__dict__, "refused": refused}))
    assert "Mails that made no posts:" in text
    assert "Thu 19 Nov 10:15  owner@example.com: no photo attached" in text  # brand time


def test_render_an_empty_week() -> None:
    empty = report.Report(**{**sample().__dict__, "published": [], "attention": [], "upcoming": 0})
    text = report.render(empty)
    assert "Nothing was published." in text and "waiting" not in text


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    e = make_engine(db_url)
    migrate(e)
    yield e
    e.dispose()


def test_gather_reads_the_week_of_one_brand(engine: Engine) -> None:
    _, (old, recent, held, soon) = seed(engine, [NOW - timedelta(days=9)] * 4)
    seed(engine, [NOW - timedelta(days=1)], brand="other")
    publish(engine, old, Published(external_id="o"), now=NOW - timedelta(days=8))
    publish(engine, recent, Published(external_id="r"), now=NOW - timedelta(days=2))
    store.set_status(engine, [held], "held", reason="off-limits", due_at=NOW - timedelta(days=1))
    store.set_status(engine, [soon], "scheduled", due_at=NOW + timedelta(days=2))
    r = report.gather(
        engine, brand_id="demo-bakery", brand_name="D", zone=CPH,
        since=NOW - timedelta(days=7), until=NOW,
    )  # fmt: skip
    assert [p["id"] for p in r.published] == [recent]
    assert [(a["id"], a["reason"]) for a in r.attention] == [(held, "off-limits")]
    assert r.upcoming == 1


def test_a_job_runs_once_per_period_across_processes(engine: Engine) -> None:
    week = timedelta(days=6)
    assert store_jobs.claim_run(engine, "report:b", now=NOW, not_since=NOW - week)
    assert not store_jobs.claim_run(engine, "report:b", now=NOW, not_since=NOW - week)
    later = NOW + timedelta(days=7)
    assert store_jobs.claim_run(engine, "report:b", now=later, not_since=later - week)
    assert store_jobs.claim_run(engine, "report:other", now=NOW, not_since=NOW - week)


class Sink:
    def __init__(self) -> None:
        self.got: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.got.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def test_weekly_report_is_mailed_once_through_the_smarthost(
    make_config: Callable[..., Path],
) -> None:
    sink, port = Sink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        b = brand(senders=["owner@example.com", "*@example.com"])
        cfg = load(make_config([b], outgoing_mail=f"smtp://127.0.0.1:{port}"))
        engine = make_engine(cfg.database_url)
        migrate(engine)
        _, (pid,) = seed(engine, [NOW - timedelta(days=3)])
        publish(
            engine, pid, Published(external_id="x", url="https://social.example/@b/9"),
            now=NOW - timedelta(days=3),
        )  # fmt: skip
        seed(engine, [NOW + timedelta(days=1)], status="held")  # awaiting approval
        store.add_message(
            engine, now=NOW - timedelta(days=1), brand="demo-bakery", transport="smtp",
            mail_from="owner@example.com", rcpt="bakery@localhost", sender="owner@example.com",
            message_id="<nophoto@x>", spool="s", size=3, status="failed",
            reason="the message has no photo",
        )  # fmt: skip
        text = jobs.weekly_report(cfg, engine, cfg.brands[0], NOW)
        again = jobs.weekly_report(cfg, engine, cfg.brands[0], NOW + timedelta(minutes=5))
        assert asyncio.run(Mailer(cfg, engine).deliver_due()) == (1, 0)
        engine.dispose()
    finally:
        controller.stop()
    assert text is not None and again is None
    ((sender, rcpts, raw),) = sink.got
    assert (sender, rcpts) == ("bakery@localhost", ["owner@example.com"])
    msg = message_from_bytes(raw, policy=email.policy.default)
    assert msg["Subject"] == "Demo Bakery: 1 post went out this week"
    assert msg["Auto-Submitted"] == "auto-generated"
    body = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "https://social.example/@b/9" in body and 'href="https://social.example/@b/9"' in html
    assert "file://" not in body
    # held posts with the reply command, not a CLI command the client cannot run
    assert " 1. outbox" in body and "[held: awaiting approval]" in body
    assert "Reply “approve 1” or “cancel 1”" in body and "dripcast retry" not in body
    assert "owner@example.com: the message has no photo" in body
    assert "1 posts are planned" not in body and "0 posts are planned" in body


def test_a_brand_with_only_domain_senders_mails_report_to_or_says_why_not(
    make_config: Callable[..., Path], caplog: pytest.LogCaptureFixture
) -> None:
    cfg = load(make_config(
        [brand(senders=["*@example.com"]), brand(id="b2", address="b2@localhost",
               senders=["*@example.com"], report_to=["boss@example.com"])],
        outgoing_mail="smtp://127.0.0.1:9",
    ))  # fmt: skip
    engine = make_engine(cfg.database_url)
    migrate(engine)
    with caplog.at_level("INFO", logger="dripcast.jobs"):
        jobs.weekly_report(cfg, engine, cfg.brands[0], NOW)
        jobs.weekly_report(cfg, engine, cfg.brands[1], NOW)
    said = " ".join(r.message for r in caplog.records)
    assert "no report_to, and no plain address in senders" in said
    assert "outgoing_mail" not in said  # the smarthost is set: not blamed
    assert [r["to"] for r in store_mail.mails(engine)] == [["boss@example.com"]]
    engine.dispose()


def test_report_send_mails_it_now(make_config: Callable[..., Path]) -> None:
    sink, port = Sink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        cfg = make_config(outgoing_mail=f"smtp://127.0.0.1:{port}")
        result = CliRunner().invoke(main, ["--config", str(cfg), "report", "--send"])
        again = CliRunner().invoke(main, ["--config", str(cfg), "report", "--send"])
    finally:
        controller.stop()
    assert result.exit_code == 0, result.output
    assert result.output == "summary mailed to owner@example.com\n"
    assert again.exit_code == 0 and len(sink.got) == 2  # asked twice: mailed twice
    none = CliRunner().invoke(main, ["--config", str(make_config()), "report", "--send"])
    assert none.exit_code == 1 and "outgoing_mail is not set" in none.output


def test_smarthost_forms() -> None:
    assert parse_smarthost("mail.example.com") == Smarthost(
        scheme="smtp", host="mail.example.com", port=25
    )
    assert parse_smarthost("smtp://127.0.0.1:2526").port == 2526
    tls = parse_smarthost("smtp+starttls://agency%40x.dk:p%40ss@mail.x.dk")
    assert (tls.port, tls.user, tls.password) == (587, "agency@x.dk", "p@ss")
    assert "p@ss" not in repr(tls) and "p@ss" not in str(tls)
    assert parse_smarthost("smtps://u:p@mail.x.dk").port == 465
    with pytest.raises(ValueError, match="not a smarthost"):
        parse_smarthost("smtp://host:port")
    with pytest.raises(ValueError, match="needs TLS"):
        parse_smarthost("smtp://u:p@host")


def test_report_command(make_config: Callable[..., Path]) -> None:
    cfg = make_config()
    engine = make_engine(load(cfg).database_url)
    migrate(engine)
    now = datetime.now(UTC)
    _, (a, b) = seed(engine, [now - timedelta(days=3), now - timedelta(days=10)])
    publish(engine, a, Published(external_id="a"), now=now - timedelta(days=3))
    publish(engine, b, Published(external_id="b"), now=now - timedelta(days=10))
    engine.dispose()

    def run(*args: str) -> Any:
        return CliRunner().invoke(main, ["--config", str(cfg), "report", *args])

    week = run("--brand", "demo-bakery")
    assert week.exit_code == 0, week.output
    assert "1 published: outbox 1" in week.output
    assert "2 published" in run("--since", "2w").output  # one brand: --brand may be left out
    bad = run("--since", "a while")
    assert bad.exit_code == 2 and "not a duration" in bad.output
    unknown = run("--brand", "nope")
    assert unknown.exit_code == 2 and "no brand 'nope'" in unknown.output


def test_clean_up_forgets_old_quarantine_orphans_and_unused_old_media(
    make_config: Callable[..., Path],
) -> None:
    cfg = load(make_config())
    engine = make_engine(cfg.database_url)
    migrate(engine)
    blobs = open_blobs(cfg)
    folder = cfg.resolve(Path("var/blobs"))
    month_ago = NOW.timestamp() - 31 * 86400
    for n in ("used", "unused", "fresh"):
        blobs.put_sync(f"media/b/{n}.jpg", b"jpeg")
    for key in ("spool/old.eml", "spool/new.eml", "spool/orphan.eml", "spool/young.eml"):
        blobs.put_sync(key, b"raw")
    (folder / "spool" / ".tmp-dead-x.eml").write_bytes(b"half")  # a crash mid-write
    for key in (
        "media/b/used.jpg",
        "media/b/unused.jpg",
        "spool/orphan.eml",
        "spool/.tmp-dead-x.eml",
    ):
        os.utime(folder / key, (month_ago, month_ago))
    seed(engine, [NOW + timedelta(days=40)], media="media/b/used.jpg")
    for name, age in (("old", 31), ("new", 2)):
        store.add_message(
            engine, now=NOW - timedelta(days=age), brand="demo-bakery", transport="smtp",
            mail_from="x@example.com", rcpt="bakery@localhost", sender=None,
            message_id=f"<{name}@x>", spool=f"spool/{name}.eml", size=3, status="refused",
        )  # fmt: skip
    # old quarantine: 1 message; blobs: its raw message is deleted with it (not counted),
    # the orphan (no row, a day old), the half-written file and the unused old variant
    assert cleanup.clean_up(cfg, engine, blobs, NOW) == (1, 3)
    assert cleanup.clean_up(cfg, engine, blobs, NOW + timedelta(hours=1)) == (0, 0)  # ran today
    assert [m["spool"] for m in store.messages(engine, statuses=["refused"])] == ["spool/new.eml"]
    left = sorted(b.key for b in blobs.list_sync(""))
    assert left == [
        "media/b/fresh.jpg", "media/b/used.jpg", "spool/new.eml", "spool/young.eml"
    ]  # fmt: skip
    assert not (folder / "spool" / ".tmp-dead-x.eml").exists()
    blobs.close()
    engine.dispose()


def test_the_service_schedules_the_report_in_the_brand_zone(
    make_config: Callable[..., Path],
) -> None:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from dripcast.app.service import Service

    svc = Service(load(make_config([brand(timezone="America/New_York")])))

    async def scheduled() -> dict[str, Any]:
        aps = AsyncIOScheduler(timezone=UTC)
        svc._schedule_jobs(aps)
        return {j.id: j.trigger for j in aps.get_jobs()}

    triggers = asyncio.run(scheduled())
    svc.engine.dispose()
    nxt = triggers["report-demo-bakery"].get_next_fire_time(None, NOW)
    assert nxt == datetime(2026, 11, 23, 8, 0, tzinfo=ZoneInfo("America/New_York"))
    assert "clean-up" in triggers
