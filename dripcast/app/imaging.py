"""Photos checked and cut into variants: in this process, or in a bounded pool of workers.

One task per attachment: the photo check (ingest.photos) and every variant the
channels need (formatters), in the same process, so a photo that the check decodes
whole (HEIC, PNG, WebP) is not decoded again, and only the check's result and the
encoded variants travel back, never pixels.

`Cutter` runs the tasks in a `ProcessPoolExecutor`: `workers` processes (one per core,
at most MAX_WORKERS) and at most `in_flight` tasks submitted and not yet collected,
for all callers together. Memory is bounded by those two numbers, not by how many
photos arrive: each task holds one attachment's bytes, and a worker decodes one
photo at a time. Workers are spawned, fresh interpreters (the service has threads; a
plain fork of it could copy a lock held mid-operation; a fork server would be a
process more, 13 MB, for nothing: it preloads no module) and replaced after
`TASKS_PER_WORKER` tasks, so a worker's heap cannot creep up over weeks.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from dripcast.app.memory import tune_malloc
from dripcast.core.domain import Attachment
from formatters.decode import ImageError
from formatters.images import Source, Variant, cut_variants
from formatters.specs import ChannelSpec
from ingest.photos import Checked, check

if TYPE_CHECKING:  # multiprocessing loads when the service starts its pool, not for `preview`
    from concurrent.futures import ProcessPoolExecutor

log = logging.getLogger("dripcast.imaging")

MAX_WORKERS = 4
WATCH_SECONDS = 1.0  # how often a worker checks that the service still runs
TASKS_PER_WORKER = 200


@dataclass(frozen=True, kw_only=True)
class Cut:
    """One attachment: the check's verdict and, for a usable photo, its variants."""

    checked: Checked | str  # a reason when the attachment is not a usable photo
    variants: Mapping[ChannelSpec, Variant] = field(default_factory=dict)
    error: str | None = None  # the formatter could not use the photo (ImageError)


def cut_one(
    att: Attachment,
    specs: Sequence[ChannelSpec],
    threads: int = 1,
) -> Cut:
    """Check `att` and, when it is a usable photo and `specs` is not empty, cut its variants
    (encoded on `threads` threads)."""
    early: Future[Source] | None = None
    if threads > 1 and specs and att.data.startswith(b"\xff\xd8"):
        # A JPEG's check (a 1/8 decode, for the hash) and the formatter's decode (at the
        # variants' scale) read the same bytes and need nothing of each other.
        with ThreadPoolExecutor(max_workers=1) as side:
            early = side.submit(Source.open, att.data, specs)
            checked = check(att)
    else:
        checked = check(att, keep=bool(specs))
    if isinstance(checked, str) or not specs:
        return Cut(checked=checked)
    light = replace(checked, image=None)  # the pixels stay in this process
    try:
        source = early.result() if early is not None else None
        variants = cut_variants(
            att.data, specs, loaded=checked.image, threads=threads, source=source
        )
    except ImageError as e:
        return Cut(checked=light, error=str(e))
    finally:
        if checked.image is not None:
            checked.image.close()
    return Cut(checked=light, variants=variants)


def cut_here(
    attachments: Iterable[Attachment],
    specs: Sequence[ChannelSpec],
) -> list[Cut]:
    """Every attachment in this process, one after the other (`preview`, `ingest`): no
    worker processes to start, and each photo's variants encoded on every core."""
    threads = max(1, min(os.cpu_count() or 1, MAX_WORKERS))
    return [cut_one(att, specs, threads) for att in attachments]


def _worker_start(service: int) -> None:
    """In each worker: malloc tuned, and an exit when the service is gone.

    A pool's worker waits for work forever: after `kill -9` of the service it would
    stay behind (the kill -9 test left them). A watcher thread ends the worker once
    the service's process is gone.
    """
    tune_malloc()
    threading.Thread(target=_watch, args=(service,), name="watch-service", daemon=True).start()


def _watch(service: int) -> None:
    while True:
        time.sleep(WATCH_SECONDS)
        try:
            os.kill(service, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:  # alive, and someone else's: cannot happen for our parent
            pass


class Cutter:
    """The worker pool the service cuts photos in; `cut` is safe to call from any thread.

    `task` is what a worker runs per attachment (`cut_one`; tests pass one that dies).
    """

    def __init__(
        self,
        workers: int | None = None,
        in_flight: int | None = None,
        task: Callable[[Attachment, Sequence[ChannelSpec], int], Cut] = cut_one,
    ) -> None:
        self.workers = workers or max(1, min(os.cpu_count() or 1, MAX_WORKERS))
        self.in_flight = in_flight or 2 * self.workers
        self.task = task
        self._slots = threading.BoundedSemaphore(self.in_flight)
        self._lock = threading.Lock()
        self._turn = threading.Lock()  # held by the caller submitting its photos
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    max_tasks_per_child=TASKS_PER_WORKER,
                    initializer=_worker_start,
                    initargs=(os.getpid(),),
                )
            return self._pool

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        """A broken pool: the next caller starts a new one (other callers saw it break too)."""
        with self._lock:
            if self._pool is pool:
                self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)

    def cut(
        self,
        attachments: Iterable[Attachment],
        specs: Sequence[ChannelSpec],
    ) -> list[Cut]:
        """Like `cut_here`, in the pool; results in attachment order.

        A worker that dies mid-photo (killed, out of memory, a decoder's crash) breaks
        the pool for every photo in it, whoever sent them. The pool is replaced and the
        message cut once more; if that breaks too (a photo that kills its worker each
        time), BrokenProcessPool is raised: the message fails, the service goes on.
        """
        from concurrent.futures.process import BrokenProcessPool  # loaded with the pool

        atts, specs = list(attachments), tuple(specs)
        pool = self._executor()
        try:
            return self._cut(pool, atts, specs)
        except BrokenProcessPool:
            log.warning("a photo worker died; cutting the message again in a new pool")
            self._discard(pool)
        pool = self._executor()
        try:
            return self._cut(pool, atts, specs)
        except BrokenProcessPool:
            self._discard(pool)
            raise

    def _cut(
        self, pool: ProcessPoolExecutor, atts: list[Attachment], specs: tuple[ChannelSpec, ...]
    ) -> list[Cut]:
        """A task is submitted only when one of the `in_flight` slots is free, so a message
        with many photos waits for the workers instead of queueing all of its bytes.

        One caller submits at a time, all of its photos: the message taken first is cut
        first and is ready to plan first (plans go in order), while the next one's photos
        fill the slots its last ones leave, so the workers never wait for a plan or a parse.
        """
        pending: deque[Future[Cut]] = deque()
        out: list[Cut] = []
        try:
            with self._turn:
                for att in atts:
                    while not self._slots.acquire(timeout=0.05):
                        if pending and pending[0].done():
                            out.append(pending.popleft().result())
                    try:
                        future = pool.submit(self.task, att, specs, 1)
                    except BaseException:
                        self._slots.release()
                        raise
                    future.add_done_callback(lambda _: self._slots.release())
                    pending.append(future)
            while pending:
                out.append(pending.popleft().result())
        finally:
            for future in pending:
                future.cancel()
        return out

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None
