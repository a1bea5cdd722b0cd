"""A message a killed process was planning is planned again, and only one plan is kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from dripcast.core.domain import Draft, Media, Slot
from dripcast.store import queries as store
from dripcast.store.db import make_engine, migrate

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


def test_released_claim_cannot_be_finished_by_the_old_claimer(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'd.db'}")
    migrate(engine)
    mid = store.add_message(
        engine, now=NOW, brand="b", transport="smtp", mail_from="", rcpt="", sender=None,
        message_id=None, spool="x", size=0,
    )  # fmt: skip
    media = (Media(path="p.jpg", width=1, height=1, bytes=1, format="jpeg"),)
    slots = [
        Slot(draft=Draft(channel="c", type="outbox", photos=(1,), text="t", media=media), at=NOW)
    ]
    lease = timedelta(minutes=10)
    assert store.claim_messages(engine, now=NOW, lease=lease, ids=[mid]) == [mid]
    old = store.message(engine, mid).claimed_until
    # the process dies; the next one starts and takes the message back
    assert store.release_claims(engine) == 1
    assert store.pending_messages(engine, now=NOW) == [mid]
    later = NOW + timedelta(seconds=1)
    assert store.claim_messages(engine, now=later, lease=lease, ids=[mid]) == [mid]
    new = store.message(engine, mid).claimed_until
    assert (
        store.finish_message(engine, mid, now=later, status="planned", slots=slots, claim=old) == []
    )
    assert store.posts(engine) == []
    ids = store.finish_message(engine, mid, now=later, status="planned", slots=slots, claim=new)
    assert len(ids) == 1 and len(store.posts(engine)) == 1
    assert store.release_claims(engine) == 0  # a planned message is left alone
