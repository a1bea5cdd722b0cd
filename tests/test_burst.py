"""Issue 16 point 4: messages in flight at once, planned in order, memory bounded by design;
a photo worker that dies mid-photo costs nothing but a second cut.

Behaviour only, with bounded polling: bench/serve_burst.py measures the speed.
"""

from __future__ import annotations

import asyncio
import base64
import io
import os
import random
import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pytest
from PIL import Image

from dripcast.app import pipeline, service
from dripcast.app.imaging import Cut, Cutter, cut_here, cut_one
from dripcast.app.service import Service
from dripcast.core.config import load
from dripcast.core.domain import Attachment
from dripcast.store import queries as store
from dripcast.store.db import migrate
from formatters.specs import SPECS, ChannelSpec
from ingest import parse as parse_module
from ingest.intake import Intake
from tests.mail import jpeg, photo_mail

WAIT = 30.0  # seconds any one condition may take on a busy machine before the test fails


def until(done: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not done():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


class Gated:
    """A `Cutter` stand-in: each message's cut waits until the test opens its gate."""

    def __init__(self, first_byte: dict[bytes, int]) -> None:
        self.message_of = first_byte  # a photo's bytes → the message it came in
        self.gates: dict[int, threading.Event] = {}
        self.started: list[int] = []
        self.cut_done: list[int] = []

    def gate(self, n: int) -> threading.Event:
        return self.gates.setdefault(n, threading.Event())

    def cut(self, atts: Sequence[Attachment], specs: Sequence[ChannelSpec]) -> list[Cut]:
        n = self.message_of[atts[0].data]
        self.started.append(n)
        assert self.gate(n).wait(WAIT), f"message {n} never let through"
        out = cut_here(atts, specs)
        self.cut_done.append(n)
        return out

    def close(self) -> None:
        pass


class Recording(Service):
    """The real service, counting messages taken and not yet planned, and the plan order."""

    def __init__(self, *args: object, **kw: object) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        self.lock = threading.Lock()
        self.open = 0  # claimed (and cut, or being cut) and not yet planned
        self.most = 0
        self.planned: list[int] = []

    def claim_and_cut(self, message_id: int) -> pipeline.Claimed | None:
        with self.lock:
            self.open += 1
            self.most = max(self.most, self.open)
        return super().claim_and_cut(message_id)

    def plan(self, claimed: pipeline.Claimed) -> None:
        super().plan(claimed)
        with self.lock:
            self.planned.append(claimed.message_id)
            self.open -= 1


def _service_with_mails(
    make_config: Callable[..., Path], count: int
) -> tuple[Recording, list[int], Gated]:
    """A service (not started) with `count` one-photo mails stored, cut through `Gated`."""
    cfg = load(make_config())
    svc = Recording(cfg)
    migrate(svc.engine)
    intake = Intake(cfg, svc.engine, clock=lambda: datetime.now(UTC), blobs=svc.blobs)
    photos = [jpeg(900, 600, color=(60 * n % 256, 90, 200 - 50 * n)) for n in range(count)]
    ids = []
    for n, data in enumerate(photos, start=1):
        raw = photo_mail(photos=[data], body=f"Loaf number {n}", message_id=f"<m{n}@x.com>")
        out = intake.accept(
            raw, mail_from="owner@example.com", rcpt="bakery@localhost", transport="smtp"
        )
        assert out.queued and out.message_id is not None
        ids.append(out.message_id)
    gated = Gated({data: n for n, data in enumerate(photos, start=1)})
    svc.cutter = gated  # type: ignore[assignment]
    svc.limits_read.set()
    return svc, ids, gated


async def _until(done: Callable[[], bool], what: str) -> None:
    await asyncio.to_thread(until, done, what)


def test_the_next_message_is_cut_while_one_is_cut_and_plans_wait_their_turn(
    make_config: Callable[..., Path],
) -> None:
    svc, ids, gated = _service_with_mails(make_config, 3)
    assert service.MESSAGES_AT_ONCE == 2

    async def run() -> None:
        processor = asyncio.create_task(svc._processor())
        for mid in ids:
            svc.enqueue(mid)

        # Two messages in flight at once: the second is cut while the first still is.
        # (which of the two the threads reach first is up to the scheduler: either order)
        await _until(lambda: sorted(gated.started) == [1, 2], "messages 1 and 2 being cut")
        # The second is cut first; it waits for the first to be planned, and the third
        # waits for a free place (two messages are in flight: the bound).
        gated.gate(2).set()
        await _until(lambda: gated.cut_done == [2], "message 2 cut")
        assert svc.planned == [] and sorted(gated.started) == [1, 2]
        gated.gate(1).set()
        await _until(lambda: svc.planned[:2] == ids[:2], "messages 1 and 2 planned")
        await _until(lambda: sorted(gated.started) == [1, 2, 3], "message 3 being cut")
        gated.gate(3).set()
        await _until(lambda: svc.planned == ids, "message 3 planned")
        processor.cancel()
        await asyncio.gather(processor, *svc.messages, return_exceptions=True)

    try:
        asyncio.run(run())
    finally:
        for gate in gated.gates.values():
            gate.set()
        svc.processing.shutdown(wait=True)
        svc.blobs.close()
        svc.engine.dispose()
    assert svc.most == 2
    rows = {m["id"]: m for m in store.messages(svc.engine)}
    assert [(rows[i]["status"], rows[i]["reason"]) for i in ids] == [("planned", None)] * 3
    # Each message planned against the posts of the one before it: on every channel, the
    # posts go out in the order the mails came, each in a slot of its own.
    posts = store.posts(svc.engine)
    for channel in {p["channel"] for p in posts}:
        mine = sorted((p["due_at"], p["message"]) for p in posts if p["channel"] == channel)
        assert [m for _, m in mine] == ids
        assert len({due for due, _ in mine}) == len(ids)


def test_a_message_cut_and_not_planned_at_stop_stays_claimed_and_is_planned_once_later(
    make_config: Callable[..., Path],
) -> None:
    svc, ids, gated = _service_with_mails(make_config, 2)

    async def run() -> None:
        processor = asyncio.create_task(svc._processor())
        for mid in ids:
            svc.enqueue(mid)
        await _until(lambda: sorted(gated.started) == [1, 2], "messages 1 and 2 being cut")
        gated.gate(2).set()
        await _until(lambda: gated.cut_done == [2], "message 2 cut, waiting for its turn")
        # Stopping, as Service.run does: the message tasks are cancelled mid-way.
        for task in (processor, *svc.messages):
            task.cancel()
        await asyncio.gather(processor, *svc.messages, return_exceptions=True)

    try:
        asyncio.run(run())
    finally:
        for gate in gated.gates.values():
            gate.set()
        svc.processing.shutdown(wait=True)
    try:
        rows = {m["id"]: m for m in store.messages(svc.engine)}
        assert [rows[i]["status"] for i in ids] == ["processing"] * 2
        assert store.posts(svc.engine) == []
        # At the next start this node takes both back and plans each once.
        assert store.release_claims(svc.engine, svc.node) == 2
        for mid in ids:
            assert pipeline.process(svc.config, svc.engine, mid, datetime.now(UTC), blobs=svc.blobs)
        posts = store.posts(svc.engine)
        assert {p["message"] for p in posts} == set(ids)
        once = [(p["message"], p["channel"], tuple(p["photos"])) for p in posts]
        assert len(once) == len(set(once))  # one post per channel and photo
        assert svc.planned == []  # nothing was planned by the stopped service
    finally:
        svc.blobs.close()
        svc.engine.dispose()


def _dies(att: Attachment, specs: Sequence[ChannelSpec], threads: int, *, marker: Path) -> Cut:
    """`cut_one`, except that a photo named "die…" kills its worker: once ("die-once"),
    or every time ("die")."""
    if att.filename == "die" or (att.filename == "die-once" and not marker.exists()):
        marker.touch()
        os._exit(1)  # as a decoder's crash or the OOM killer would
    return cut_one(att, specs, threads)


def _atts(crasher: str) -> list[Attachment]:
    return [
        Attachment(filename=name, content_type="image/jpeg", data=jpeg(640, 480, color=c))
        for name, c in (("a", (200, 0, 0)), (crasher, (0, 200, 0)), ("c", (0, 0, 200)))
    ]


def test_a_worker_that_dies_mid_photo_costs_the_message_a_second_cut(tmp_path: Path) -> None:
    specs = [SPECS["instagram"], SPECS["x"]]
    atts = _atts("die-once")
    cutter = Cutter(workers=2, in_flight=2, task=partial(_dies, marker=tmp_path / "died"))
    try:
        assert cutter.cut(atts, specs) == cut_here(atts, specs)
        assert (tmp_path / "died").exists()
        # Every slot is free again, and the new pool cuts the next message.
        assert all(cutter._slots.acquire(blocking=False) for _ in range(cutter.in_flight))
        for _ in range(cutter.in_flight):
            cutter._slots.release()
        assert cutter.cut(atts[:1], specs) == cut_here(atts[:1], specs)
    finally:
        cutter.close()


def test_a_photo_that_kills_its_worker_every_time_fails_its_message_only(
    tmp_path: Path,
) -> None:
    specs = [SPECS["instagram"]]
    cutter = Cutter(workers=2, in_flight=2, task=partial(_dies, marker=tmp_path / "died"))
    try:
        with pytest.raises(BrokenProcessPool):
            cutter.cut(_atts("die"), specs)
        good = _atts("b")
        assert cutter.cut(good, specs) == cut_here(good, specs)
    finally:
        cutter.close()


def _noisy(seed: int) -> bytes:
    """A JPEG of noise: over 64 KB, as a photo is (a flat test JPEG is a few KB)."""
    pixels = random.Random(seed).randbytes(300 * 300 * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (300, 300), pixels).save(out, "JPEG", quality=90)
    return out.getvalue()


def _big_mail() -> bytes:
    """Photos (one with broken base64) and a long quoted-printable text, all over 64 KB."""
    photo = _noisy(1)
    raw = photo_mail(photos=[photo, _noisy(2)], body="Crumb shot\n\n" + "é" * 70_000)
    # A third photo part whose base64 has a stray character and lost its padding.
    b64 = base64.encodebytes(photo).decode().replace("A", "*", 1).rstrip("=\n")
    part = (
        "\n--{b}\nContent-Type: image/jpeg\nContent-Transfer-Encoding: base64\n"
        'Content-Disposition: attachment; filename="odd.jpg"\n\n' + b64 + "\n"
    )
    boundary = re.search(rb'boundary="([^"]+)"', raw)
    assert boundary is not None
    end = b"\n--" + boundary[1] + b"--"
    return raw.replace(end, part.format(b=boundary[1].decode()).encode() + end)


def test_large_parts_are_decoded_as_the_parser_ends_them_with_the_same_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    raw = _big_mail()
    early = parse_module.parse(raw)
    msg = parse_module.read_message(raw)
    leaves = [p for p in msg.walk() if not p.is_multipart()]
    big = [p for p in leaves if isinstance(p, parse_module._Decoded) and p.decoded is not None]
    assert len(big) == 4  # three photos and the text: none is held as text any more
    assert all(p.get_payload() == "" for p in big)
    monkeypatch.setattr(parse_module, "DECODE_AT_ONCE", 10**9)
    late = parse_module.parse(raw)
    assert early == late
    assert [a.filename for a in early.attachments] == ["IMG_0001.JPG", "IMG_0002.JPG", "odd.jpg"]
