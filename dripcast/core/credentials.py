"""A channel's refreshed credentials (rotating OAuth tokens, sessions), shared by every node.

A publisher reads them with `load()` and changes them only inside `update()`,
which holds a lock every node respects (a row lock in the database), reads the
current value under it and writes the new one before letting go: two nodes
never spend the same rotating refresh token. The database implementation is
`dripcast.store.credentials`; `FileCredentials` keeps one node's in a file.
"""

from __future__ import annotations

import abc
import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from dripcast.core.files import write_private_json

Doc = dict[str, Any]


class Held:
    """The value read under the lock; `save()` writes a new one before the lock goes."""

    def __init__(self, data: Doc | None) -> None:
        self.data = data
        self.saved: Doc | None = None

    def save(self, data: Doc) -> None:
        self.data = self.saved = dict(data)


class Credentials(abc.ABC):
    @abc.abstractmethod
    async def load(self) -> Doc | None:
        """The stored value, or None when nothing was stored yet."""

    @abc.abstractmethod
    def update(self) -> Any:
        """`async with creds.update() as held:` exclusive across nodes; see `Held`."""


class FileCredentials(Credentials):
    """One node's credentials in a 0600 JSON file (tests, and no database at hand)."""

    _locks: dict[Path, asyncio.Lock] = {}  # noqa: RUF012 — one lock per file, per process

    def __init__(self, path: Path) -> None:
        self.path = path

    async def load(self) -> Doc | None:
        return await asyncio.to_thread(self.read)

    def read(self) -> Doc | None:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    @asynccontextmanager
    async def update(self) -> AsyncIterator[Held]:
        lock = self._locks.setdefault(self.path, asyncio.Lock())
        async with lock:
            held = Held(await self.load())
            yield held
            if held.saved is not None:
                await asyncio.to_thread(write_private_json, self.path, held.saved)
