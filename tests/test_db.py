from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from dripcast.store import queries as store
from dripcast.store.db import make_engine, migrate
from dripcast.store.models import Base


def test_migrations_build_exactly_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(engine)
    migrate(engine)  # idempotent at every start
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_times_come_back_aware_utc(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(engine)
    cph = timezone(timedelta(hours=1))
    mid = store.add_message(
        engine,
        now=datetime(2026, 11, 23, 9, tzinfo=cph),
        brand="b",
        transport="smtp",
        mail_from="",
        rcpt="",
        sender="a@b.c",
        message_id="<1>",
        spool="s",
        size=1,
    )
    row = store.message(engine, mid)
    assert row.received_at == datetime(2026, 11, 23, 8, tzinfo=UTC)
    assert row.received_at.tzinfo is not None
    with pytest.raises(Exception, match="naive"):
        store.add_message(
            engine,
            now=datetime(2026, 11, 23, 9),
            brand="b",
            transport="smtp",
            mail_from="",
            rcpt="",
            sender=None,
            message_id=None,
            spool="s",
            size=1,
        )
