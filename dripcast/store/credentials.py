"""Channel credentials in the database, encrypted, changed under a row lock.

Every node reads the same refreshed tokens, and `update()` holds the row
(`SELECT … FOR UPDATE` on PostgreSQL; on SQLite, BEGIN IMMEDIATE's single
writer) from reading the current value until the new one is committed, so
exactly one node refreshes a rotating token and the others read its result.
The document is Fernet-encrypted with a key derived from `service.secret_key`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dripcast.core.credentials import Credentials, Doc, FileCredentials, Held
from dripcast.core.keys import fernet_key
from dripcast.store import models as m
from dripcast.store.db import transaction

T = TypeVar("T")
# One per credential and engine (a node has one engine): fewer threads waiting on the row.
_locks: dict[tuple[int, str], asyncio.Lock] = {}


class Unreadable(Exception):
    """The stored credentials do not decrypt: another secret_key wrote them."""


class DbCredentials(Credentials):
    """`legacy`: the file an older version kept this credential in, read until a row exists,
    so that a rotated refresh token is not lost at the upgrade."""

    def __init__(
        self, engine: Engine, fernet: Fernet, name: str, legacy: Path | None = None
    ) -> None:
        self.engine, self.fernet, self.name, self.legacy = engine, fernet, name, legacy

    def _decrypt(self, data: str) -> Doc | None:
        if not data:
            return None if self.legacy is None else FileCredentials(self.legacy).read()
        try:
            doc = json.loads(self.fernet.decrypt(data.encode()))
        except InvalidToken:
            raise Unreadable(
                f"credentials {self.name} do not decrypt: is service.secret_key the same on"
                " every node?"
            ) from None
        return doc if isinstance(doc, dict) else None

    def _read(self) -> Doc | None:
        with transaction(self.engine) as s:
            row = s.get(m.Credential, self.name)
            return self._decrypt("" if row is None else row.data)

    async def load(self) -> Doc | None:
        return await asyncio.to_thread(self._read)

    def _ensure_row(self) -> None:
        try:
            with transaction(self.engine) as s:
                if s.get(m.Credential, self.name) is None:
                    s.add(m.Credential(name=self.name, data="", updated_at=datetime.now(UTC)))
        except IntegrityError:
            pass  # another node made it first

    @asynccontextmanager
    async def update(self) -> AsyncIterator[Held]:
        lock = _locks.setdefault((id(self.engine), self.name), asyncio.Lock())
        async with lock:
            # One thread for the whole locked section: a connection stays on its thread.
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="credentials") as pool:

                async def on(fn: Callable[..., T], *args: Any) -> T:
                    return await asyncio.get_running_loop().run_in_executor(pool, fn, *args)

                await on(self._ensure_row)
                session = Session(self.engine, expire_on_commit=False)
                try:
                    row = await on(self._lock_row, session)
                    held = Held(self._decrypt(row.data))
                    yield held
                    if held.saved is not None:
                        token = self.fernet.encrypt(json.dumps(held.saved).encode()).decode()
                        await on(self._write, session, row, token)
                finally:
                    await on(_end, session)

    def _lock_row(self, session: Session) -> m.Credential:
        session.begin()
        q = select(m.Credential).where(m.Credential.name == self.name).with_for_update()
        return session.scalars(q).one()

    def _write(self, session: Session, row: m.Credential, token: str) -> None:
        row.data, row.updated_at = token, datetime.now(UTC)
        session.commit()


def _end(session: Session) -> None:
    session.rollback()  # nothing to undo after a commit; releases the lock after an error
    session.close()


def credentials_for(
    engine: Engine, root_key: bytes, legacy: Path | None = None
) -> Callable[[str, str], Callable[[str], Credentials]]:
    """(brand, channel) → (name → that channel's credentials named `name`).

    `legacy`: the state_dir where older versions kept `<brand>/<channel>/<name>.json`.
    """
    fernet = Fernet(fernet_key(root_key))

    def channel(brand: str, channel_id: str) -> Callable[[str], Credentials]:
        def named(name: str) -> Credentials:
            old = None if legacy is None else legacy / brand / channel_id / f"{name}.json"
            return DbCredentials(engine, fernet, f"{brand}/{channel_id}/{name}", old)

        return named

    return channel
