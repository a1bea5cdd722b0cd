"""The same photo (same decoded pixels) already posted for a brand in 90 days is skipped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dripcast.app import pipeline
from dripcast.core.config import load
from dripcast.store import queries as store
from dripcast.store.db import make_engine, migrate
from ingest.intake import Intake
from tests.mail import jpeg, photo_mail

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_a_photo_posted_before_is_skipped_for_90_days(make_config: Callable[..., Path]) -> None:
    cfg = load(make_config())
    engine = make_engine(cfg.database_url)
    migrate(engine)
    intake = Intake(cfg, engine, clock=lambda: datetime.now(UTC))
    bread, buns = jpeg(900, 600, color=(200, 120, 40)), jpeg(900, 600, color=(40, 90, 200))

    def send(
        n: int, photos: list[bytes], now: datetime
    ) -> tuple[list[int] | None, dict[str, object]]:
        raw = photo_mail(photos=photos, message_id=f"<m{n}@example.com>")
        out = intake.accept(
            raw, mail_from="owner@example.com", rcpt="bakery@localhost", transport="smtp"
        )
        assert out.queued and out.message_id is not None
        ids = pipeline.process(cfg, engine, out.message_id, now, blobs=intake.blobs)
        return ids, next(m for m in store.messages(engine) if m["id"] == out.message_id)

    ids, _ = send(1, [bread], NOW)
    assert ids and len(ids) == 1
    # The same photo again in a later mail, with a new one: only the new one is planned.
    ids, row = send(2, [bread, buns], NOW + timedelta(days=30))
    assert ids and len(ids) == 1
    (post,) = store.posts(engine, ids=ids)
    assert post["photos"] == [2]
    # Only the old photo: nothing to post, and the reason says why.
    ids, row = send(3, [bread], NOW + timedelta(days=60))
    assert ids == [] and row["status"] == "failed"
    assert "already sent to this brand in the last 90 days" in str(row["reason"])
    # After 90 days it may go out again.
    ids, _ = send(4, [bread], NOW + timedelta(days=91))
    assert ids and len(ids) == 1


def test_the_refusal_of_a_photo_sent_twice_does_not_say_it_went_out() -> None:
    """The photo may still be planned, or cancelled: the client is told it was sent before."""
    from dripcast.app.mail import i18n
    from dripcast.app.mail.render import refusal_advice

    reason = "none of the images could be used (bread.jpg: already sent to this brand in the last 90 days)"
    assert refusal_advice(reason) == "do_duplicate"
    assert (
        refusal_advice("bread.jpg: already posted for this brand") == "do_duplicate"
    )  # older rows
    for language in ("en", "da"):
        advice = i18n.words(language)["do_duplicate"]
        assert "90" in advice and "went out" not in advice and "allerede udgivet" not in advice
