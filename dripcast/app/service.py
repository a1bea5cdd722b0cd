"""`dripcast serve`: the wiring. SMTP listener → processor → schedule → publishers.

The only module that knows every stage. State lives in the database and the
blob store, both shared by every node; this object only holds the running
parts, so a restart (or a crash, or another node) picks up from the stored state.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
import threading
from collections.abc import Callable, Coroutine, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import httpx
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Engine

from dripcast.app import cleanup, faq_monitor, jobs, memory, pipeline, systemd
from dripcast.app import media_server as media_http
from dripcast.app.context import App
from dripcast.app.imaging import Cutter
from dripcast.app.mail.notices import Notices
from dripcast.app.mail.outbox import Mailer
from dripcast.app.media_urls import media_url_from_config
from dripcast.core.comments import CommentSource
from dripcast.core.config import Brand, Config
from dripcast.core.publisher import Context, Publisher
from dripcast.core.timeparse import parse_duration
from dripcast.store import queries as store
from dripcast.store.blobs import Blobs, open_blobs
from dripcast.store.credentials import credentials_for
from dripcast.store.db import make_engine, migrate
from ingest import smtp, spool
from ingest.intake import Intake
from publishers import make_publisher
from publishers.comments import make_source
from scheduler.dispatch import Dispatcher

log = logging.getLogger("dripcast.service")

MAIL_SWEEP = timedelta(seconds=60)  # held digests and replies: once a minute at most
# Messages claimed and cut at once: the next one is parsed while this one's photos are cut,
# so the workers never wait for the parser. Each holds its photos and their variants.
MESSAGES_AT_ONCE = 2
JOB_GRACE = 20.0  # seconds a running job (a tick mid-publish) gets to end at stop (unit: 30)


def _drained(
    method: Callable[..., Coroutine[Any, Any, None]],
) -> Callable[..., Coroutine[Any, Any, None]]:
    """A scheduled job whose run `stop` waits for, rather than cancelling it mid-way."""

    @functools.wraps(method)
    async def run(self: Service, *args: Any) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.jobs.add(task)
        try:
            await method(self, *args)
        finally:
            self.jobs.discard(task)

    return run


class MailFactory(Protocol):
    """`Notices`, or `dripcast.mail.wiring.ClientMail`, given the service's blob store."""

    def __call__(
        self, config: Config, engine: Engine, *, blobs: Blobs | None = None
    ) -> Notices: ...


# Something an adapter runs beside SMTP in the same process (the dashboard): it gets the
# service's App and returns when the event is set.
Adapter = Callable[[App, asyncio.Event], Coroutine[Any, Any, None]]


def http_client() -> httpx.AsyncClient:
    """The one HTTP client every publisher shares."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(30.0, connect=10.0),
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        headers={"User-Agent": "dripcast/0.1 (+https://github.com/dripcast/dripcast)"},
        follow_redirects=False,
    )


def build_publishers(
    config: Config, engine: Engine, http: httpx.AsyncClient, blobs: Blobs
) -> dict[tuple[str, str], Publisher]:
    async def remember(post_id: int, data: Any) -> None:
        await asyncio.to_thread(store.remember, engine, post_id, dict(data))

    out: dict[tuple[str, str], Publisher] = {}
    state = config.resolve(config.service.state_dir)
    media_url = media_url_from_config(config)
    credentials = credentials_for(engine, config.root_key(), legacy=state)
    for brand in config.brands:
        for ch in brand.channels:
            folder = state / brand.id / ch.id  # private to the channel on this node
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            ctx = Context(
                http=http,
                root=config.data_root,
                state_dir=folder,
                media_url=media_url,
                remember=remember,
                read_blob=blobs.get,
                credentials=credentials(brand.id, ch.id),
            )
            out[(brand.id, ch.id)] = make_publisher(ch, ctx)
    return out


def build_sources(
    config: Config, engine: Engine, http: httpx.AsyncClient
) -> dict[tuple[str, str], CommentSource]:
    """A comment reader per channel of each brand with `faq` on, where the network has one.

    It uses the channel's credentials in the database, as its publisher does: a
    rotated token (X's refresh token is single-use) stays one token for both."""
    out: dict[tuple[str, str], CommentSource] = {}
    state = config.resolve(config.service.state_dir)
    credentials = None
    for brand in config.brands:
        if brand.faq is None or brand.faq.mode == "off":
            continue
        for ch in brand.channels:
            folder = state / brand.id / ch.id  # shared with the channel's publisher: one login
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            if credentials is None:
                credentials = credentials_for(engine, config.root_key(), legacy=state)
            ctx = Context(
                http=http,
                root=config.data_root,
                state_dir=folder,
                credentials=credentials(brand.id, ch.id),
            )
            source = make_source(ch, ctx)
            if source is not None:
                out[(brand.id, ch.id)] = source
    return out


class Service:
    def __init__(
        self,
        config: Config,
        clock: Callable[[], datetime] | None = None,
        adapters: Sequence[Adapter] = (),
        *,
        mail: MailFactory = Notices,
    ) -> None:
        """`mail`: the client mail (`Notices`; `dripcast serve` passes the one that also
        acts on replies, `dripcast.mail.wiring.ClientMail`, an adapter over the actions)."""
        self.config = config
        self.adapters = adapters
        self.clock = clock or (lambda: datetime.now(UTC))
        self.engine = make_engine(config.database_url)
        self.blobs = open_blobs(config)
        self.node = config.service.node
        self.intake = Intake(config, self.engine, self.clock, blobs=self.blobs)
        # Oldest first: a message another node left behind waits behind no newer mail.
        self.queue: asyncio.PriorityQueue[int] = asyncio.PriorityQueue()
        self.queued: set[int] = set()
        self.stop = asyncio.Event()
        self.jobs: set[asyncio.Task[Any]] = set()  # scheduled jobs running now
        self.wake: Callable[[], object] = lambda: None  # run the tick now (set once running)
        self.limits: dict[str, dict[str, int]] = {}  # brand → channel → text limit the network told
        self.limits_read = asyncio.Event()
        self.cutter = Cutter()  # photos are checked and cut on every core, in worker processes
        # Messages in flight: claimed, parsed and cut, then planned one at a time in order.
        self.processing = ThreadPoolExecutor(MESSAGES_AT_ONCE, thread_name_prefix="process")
        self.parsing = threading.Lock()  # one message's raw bytes and parse at a time
        self.messages: set[asyncio.Task[None]] = set()
        self.client_mail = mail(config, self.engine, blobs=self.blobs)
        self.mailer = Mailer(config, self.engine, self.clock)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.mail_swept = datetime.min.replace(tzinfo=UTC)
        # Where FAQ escalations go: mailed (report_to; drafts to agency), else the log.
        self.send_escalation: faq_monitor.SendEscalation = self.client_mail.escalation
        self.send_draft: faq_monitor.SendEscalation = self.client_mail.escalation

    def enqueue(self, message_id: int) -> None:
        if message_id not in self.queued:
            self.queued.add(message_id)
            self.queue.put_nowait(message_id)

    def reply_stored(self, message_id: int) -> None:
        """A reply came in: run the mail sweep (and so its commands) at the next tick, now."""
        self.mail_swept = datetime.min.replace(tzinfo=UTC)
        self.wake()

    async def run(self) -> None:
        cfg = self.config
        self.loop = asyncio.get_running_loop()
        self.mailer.announce()
        await asyncio.to_thread(migrate, self.engine)
        spool.clean_temporaries(self.intake.spool_dir)
        await self._recover_own()
        async with http_client() as http:
            dispatcher = Dispatcher(
                engine=self.engine,
                publishers=build_publishers(cfg, self.engine, http, self.blobs),
                brands={b.id: b for b in cfg.brands},
                lease=parse_duration(cfg.service.publish_lease),
                node=self.node,
            )
            aps = AsyncIOScheduler(timezone=UTC)
            tick = aps.add_job(
                self._tick,
                "interval",
                args=[dispatcher],
                seconds=cfg.service.tick_seconds,
                next_run_time=datetime.now(UTC),
                max_instances=1,
                coalesce=True,
                misfire_grace_time=None,
                id="tick",
            )
            self.wake = lambda: tick.modify(next_run_time=datetime.now(UTC))
            self._schedule_jobs(aps)
            self._schedule_faq(aps, http)
            server = await smtp.start(
                self.intake,
                self.enqueue,
                host=cfg.service.smtp.host,
                port=cfg.service.smtp.port,
                on_reply=self.reply_stored,
            )
            media_server = await media_http.start_from_config(cfg, self.blobs.get)
            aps.start()
            tasks = [
                asyncio.create_task(self._read_limits(dispatcher.publishers)),
                asyncio.create_task(self._processor()),
                asyncio.create_task(systemd.watchdog()),
                asyncio.create_task(self.mailer.run()),
            ]
            app = App(config=cfg, engine=self.engine, blob_store=self.blobs)
            adapters = [asyncio.create_task(a(app, self.stop)) for a in self.adapters]
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, self.stop.set)
            bound = server.sockets[0].getsockname()
            log.info("node %s listening for mail on %s:%s", self.node, bound[0], bound[1])
            systemd.notify("READY=1")
            await self.stop.wait()
            systemd.notify("STOPPING=1")
            log.info("stopping")
            for srv in (server, media_server):
                if srv is not None:
                    srv.close()
                    await srv.wait_closed()
            aps.pause()  # no new runs; a running one ends (apscheduler's shutdown cancels it)
            if self.jobs:
                await asyncio.wait(set(self.jobs), timeout=JOB_GRACE)
            aps.shutdown(wait=False)
            ended = await asyncio.gather(*adapters, return_exceptions=True)
            for t in (*tasks, *self.messages):
                t.cancel()  # a message taken and not planned stays claimed: taken again at start
            await asyncio.gather(*tasks, *self.messages, return_exceptions=True)
        await asyncio.to_thread(self.cutter.close)
        self.processing.shutdown(wait=True)
        await asyncio.to_thread(self.blobs.close)
        self.engine.dispose()
        for e in ended:
            if isinstance(e, Exception):
                raise e  # an adapter that could not start (its port taken) stopped the service

    async def _recover_own(self) -> None:
        """At start, take back at once what this node held when it stopped.

        Messages it was planning are planned again; posts it was publishing are
        recovered on the first tick (find(), or a resend where that is safe).
        Other nodes' claims are theirs until `publish_lease` passes.
        """
        released = await asyncio.to_thread(store.release_claims, self.engine, self.node)
        if released:
            log.info("planning %d messages again that this node had started", released)
        now = self.clock()
        posts = await asyncio.to_thread(store.recover_own, self.engine, self.node, now=now)
        if posts:
            log.info("recovering %d posts this node was publishing when it stopped", posts)

    def _schedule_jobs(self, aps: AsyncIOScheduler) -> None:
        """The weekly report (Monday 08:00 in each brand's zone) and a nightly clean-up."""
        for brand in self.config.brands:
            aps.add_job(
                self._job,
                CronTrigger(day_of_week="mon", hour=8, minute=0, timezone=brand.zone),
                args=[f"weekly report for {brand.id}", jobs.weekly_report, brand],
                id=f"report-{brand.id}",
                coalesce=True,
                misfire_grace_time=6 * 3600,  # a service down at 08:00 still reports by 14:00
            )
        aps.add_job(
            self._job,
            CronTrigger(hour=3, minute=30, timezone=UTC),
            args=["clean-up", cleanup.clean_up, self.blobs],
            id="clean-up",
            coalesce=True,
            misfire_grace_time=None,
        )

    def _schedule_faq(self, aps: AsyncIOScheduler, http: httpx.AsyncClient) -> None:
        """FAQ monitoring: each brand with `faq` on, every `faq.poll`, from where it left off."""
        monitor = faq_monitor.Monitor(
            self.config,
            self.engine,
            build_sources(self.config, self.engine, http),
            send_escalation=self.send_escalation,
            send_draft=self.send_draft,
        )
        for brand in monitor.brands():
            assert brand.faq is not None
            aps.add_job(
                self._faq,
                "interval",
                args=[monitor, brand, {"first": True}],
                seconds=brand.faq.poll_seconds,
                next_run_time=datetime.now(UTC),
                max_instances=1,
                coalesce=True,
                misfire_grace_time=None,
                id=f"faq-{brand.id}",
            )

    @_drained
    async def _faq(
        self, monitor: faq_monitor.Monitor, brand: Brand, state: dict[str, bool]
    ) -> None:
        try:
            # The first round after a start takes back this node's half-sent answers at once.
            await monitor.poll(brand, self.clock(), restart=state.pop("first", False))
        except Exception:
            log.exception("FAQ monitoring for %s failed; it runs again at its next time", brand.id)

    @_drained
    async def _job(self, what: str, job: Callable[..., object], *args: object) -> None:
        try:
            await asyncio.to_thread(job, self.config, self.engine, *args, self.clock())
        except Exception:
            log.exception("%s failed; it runs again at its next time", what)

    @_drained
    async def _tick(self, dispatcher: Dispatcher) -> None:
        now = self.clock()
        for mid in await asyncio.to_thread(store.pending_messages, self.engine, now=now):
            self.enqueue(mid)
        try:
            await dispatcher.publish_due(self.clock())
        except Exception:
            log.exception("publishing tick failed; the next tick tries again")
        if self.client_mail.enabled and now - self.mail_swept >= MAIL_SWEEP:
            self.mail_swept = now
            try:
                await asyncio.to_thread(self.client_mail.sweep_held, now)
                await asyncio.to_thread(self.client_mail.sweep_too_old, now)
                await asyncio.to_thread(self.client_mail.handle_replies, now)
            except Exception:
                log.exception("client mail sweep failed; the next one tries again")
            self.mailer.wake()

    async def _processor(self) -> None:
        """Up to MESSAGES_AT_ONCE messages at a time, oldest first, each claimed and cut
        while the one before it is cut or planned; planned strictly in the order taken,
        so each plans against the posts of the one before it."""
        await self.limits_read.wait()
        slots = asyncio.Semaphore(MESSAGES_AT_ONCE)
        before: asyncio.Future[None] | None = None  # the previous message's plan
        while True:
            await slots.acquire()
            mid = await self.queue.get()
            planned = asyncio.get_running_loop().create_future()
            task = asyncio.create_task(self._message(mid, before, planned, slots))
            self.messages.add(task)
            task.add_done_callback(self.messages.discard)
            before = planned

    async def _message(
        self,
        mid: int,
        before: asyncio.Future[None] | None,
        planned: asyncio.Future[None],
        slots: asyncio.Semaphore,
    ) -> None:
        loop = asyncio.get_running_loop()
        try:
            claimed = await loop.run_in_executor(self.processing, self.claim_and_cut, mid)
            if before is not None:
                await asyncio.shield(before)
            if claimed is not None:
                await loop.run_in_executor(self.processing, self.plan, claimed)
        except Exception:
            log.exception("processing message %d failed; it stays pending", mid)
        finally:
            if not planned.done():
                planned.set_result(None)
            self.queued.discard(mid)
            slots.release()
        self.wake()

    def claim_and_cut(self, message_id: int) -> pipeline.Claimed | None:
        return pipeline.claim_and_cut(
            self.config,
            self.engine,
            message_id,
            self.clock(),
            self.limits,
            self.cutter.cut,
            blobs=self.blobs,
            parsing=self.parsing,
        )

    def plan(self, claimed: pipeline.Claimed) -> None:
        pipeline.plan_claimed(
            self.config,
            self.engine,
            claimed,
            self.clock(),
            self.limits,
            self._processed,
            blobs=self.blobs,
        )

    def _processed(self, message_id: int, p: pipeline.Prepared, ids: list[int]) -> None:
        """In the processing thread, after the plan's commit: the client's mail."""
        queued = self.client_mail.after_processing(
            message_id, submission=p.submission, accepted=p.accepted, reason=p.reason,
            slots=p.slots, skipped=p.skipped, notes=p.notes, post_ids=ids, now=self.clock(),
        )  # fmt: skip
        if (
            any(sl.draft.held for sl in p.slots)
            or self.config.brand(p.brand.id).approval == "agency"
        ):
            self.mail_swept = datetime.min.replace(tzinfo=UTC)  # held: tell the agency next tick
        if queued is not None and self.loop is not None:
            self.loop.call_soon_threadsafe(self.mailer.wake)

    async def _read_limits(self, publishers: Mapping[tuple[str, str], Publisher]) -> None:
        """Ask networks that can tell (Mastodon's instance) for their real text limit.

        Planning waits for this (15 s at most), so no post is cut to the wrong length.
        """

        async def one(brand: str, channel: str, pub: Publisher) -> None:
            try:
                limit = await asyncio.wait_for(pub.text_limit(), timeout=15)
            except Exception as e:
                # the spec's default stands: a network being down is no reason to stop
                log.warning("%s/%s: could not read the text limit: %s", brand, channel, e)
                return
            if limit:
                self.limits.setdefault(brand, {})[channel] = limit

        try:
            await asyncio.gather(*(one(b, c, p) for (b, c), p in publishers.items()))
        finally:
            self.limits_read.set()


def serve(
    config: Config,
    adapters: Sequence[Adapter] = (),
    *,
    mail: MailFactory = Notices,
) -> None:
    memory.tune_malloc()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(Service(config, adapters=adapters, mail=mail).run())
