"""The pipeline passes each channel's recent texts to the formatter (issue 18): a second
mail saying the same thing within 30 days does not repeat a text on a channel."""

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
from tests.seed import seed

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_recent_texts_by_channel_within_the_window(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    migrate(engine)
    seed(engine, [NOW - timedelta(days=40)], channel="old")
    seed(engine, [NOW - timedelta(days=2), NOW + timedelta(days=3)], channel="outbox")
    seed(engine, [NOW + timedelta(days=1)], channel="x", type="x", status="held")
    _, (cancelled,) = seed(engine, [NOW + timedelta(days=1)], channel="gone")
    store.set_status(engine, [cancelled], "cancelled", reason="by hand")
    got = store.recent_texts(engine, "demo-bakery", since=NOW - timedelta(days=30))
    assert got == {"outbox": ["photo 1", "photo 2"], "x": ["photo 1"]}


def test_a_second_mail_with_the_same_words_is_varied_not_repeated(
    make_config: Callable[..., Path],
) -> None:
    cfg = load(make_config())
    engine = make_engine(cfg.database_url)
    migrate(engine)
    intake = Intake(cfg, engine, clock=lambda: datetime.now(UTC))

    def send(n: int, colours: list[int], now: datetime) -> list[int] | None:
        photos = [jpeg(900, 600, color=(c, 120, 40)) for c in colours]
        raw = photo_mail(photos=photos, message_id=f"<same{n}@example.com>")
        out = intake.accept(
            raw, mail_from="owner@example.com", rcpt="bakery@localhost", transport="smtp"
        )
        assert out.message_id is not None
        return pipeline.process(cfg, engine, out.message_id, now, blobs=intake.blobs)

    first = send(1, [10, 60], NOW)
    second = send(2, [110, 160], NOW + timedelta(days=1))
    assert first and second
    texts = [p["text"] for p in store.posts(engine, ids=[*first, *second])]
    assert len(texts) == len(set(texts)) == 3  # the 4th would repeat: left out, noted
    third = send(3, [210], NOW + timedelta(days=2))
    assert third == []
    row = next(m for m in store.messages(engine) if m["message_id"] == "<same3@example.com>")
    assert "nothing is left to vary" in str(row["reason"])


def test_preview_and_serve_agree_on_the_varied_texts(make_config: Callable[..., Path]) -> None:
    import json

    from click.testing import CliRunner

    from dripcast.cli import main

    path = make_config()
    cfg = load(path)
    engine = make_engine(cfg.database_url)
    migrate(engine)
    intake = Intake(cfg, engine, clock=lambda: datetime.now(UTC))

    def mail(n: int, colours: list[int]) -> bytes:
        photos = [jpeg(900, 600, color=(c, 120, 40)) for c in colours]
        return photo_mail(photos=photos, message_id=f"<agree{n}@example.com>")

    def serve(raw: bytes) -> list[str]:
        out = intake.accept(
            raw, mail_from="owner@example.com", rcpt="bakery@localhost", transport="smtp"
        )
        assert out.message_id is not None
        ids = pipeline.process(cfg, engine, out.message_id, datetime.now(UTC), blobs=intake.blobs)
        assert ids
        return sorted(p["text"] for p in store.posts(engine, ids=ids))

    first = serve(mail(1, [10]))
    second = mail(2, [110, 160])
    eml = path.parent / "second.eml"
    eml.write_bytes(second)
    result = CliRunner().invoke(main, ["--config", str(path), "preview", str(eml), "--json"])
    assert result.exit_code == 0, result.output
    previewed = sorted(p["text"] for p in json.loads(result.output)["posts"])
    # preview read the stored schedule: it does not repeat the first mail's text
    assert not set(previewed) & set(first)
    assert serve(second) == previewed
