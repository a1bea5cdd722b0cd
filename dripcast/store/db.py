"""Engine, schema migrations and the one `transaction()` helper."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///") and ":memory:" not in url:
        # Private whatever the umask: messages.rcpt holds plus-tag secrets. SQLite gives
        # its -wal and -shm files the database file's mode.
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN; take it over so that
        # BEGIN IMMEDIATE serialises writers before they read (claims stay atomic).
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit is on disk when it returns, so the 250 that follows it is true.
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; safe to call at every start.

    When the version table already names the one head revision (every start but the
    first after an upgrade), that single query is all: Alembic is not even imported.
    """
    if at_head(engine):
        return
    from alembic import command
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # Two processes starting on a fresh database would both create the tables;
            # the second waits here and then finds the schema at head. (SQLite's
            # BEGIN IMMEDIATE already serialises them.)
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4242170301)")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def at_head(engine: Engine) -> bool:
    """Whether the database's schema is at the newest revision of our migrations."""
    heads = head_revisions()
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:  # no version table yet: a new database
        return False
    return len(heads) == 1 and {r[0] for r in rows} == heads


@lru_cache(maxsize=1)
def head_revisions() -> frozenset[str]:
    """The revisions no other revision builds on, read from the migration files' text."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        rev = re.search(r"^revision\b[^=]*=\s*[\"']([^\"']+)[\"']", source, re.M)
        down = re.search(r"^down_revision\b[^=]*=(.*)$", source, re.M)
        if rev:
            revisions.add(rev.group(1))
        if down:
            parents.update(re.findall(r"[\"']([^\"']+)[\"']", down.group(1)))
    return frozenset(revisions - parents)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work commits together at the end, or not at all."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session
