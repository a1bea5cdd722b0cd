"""The blob store: where raw messages and image variants live, shared by every node.

One small interface with two implementations (`dripcast.store.blobs`): a local
folder and S3-compatible object storage. Rows in the database hold the keys:
`spool/<name>.eml` for a raw message, `media/<brand>/…` for a variant. A `put`
returns only once the bytes are durable, so a row written after it never
points at nothing.
"""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

SPOOL = "spool/"
MEDIA = "media/"


class BlobMissing(KeyError):
    """No blob under this key."""


@dataclass(frozen=True)
class BlobInfo:
    key: str
    modified: float  # epoch seconds
    size: int


class BlobStore(abc.ABC):
    """put/get/delete/list by prefix. Keys are relative `/`-separated paths."""

    @abc.abstractmethod
    async def put(self, key: str, data: bytes) -> None:
        """Store `data` durably under `key`, replacing what was there."""

    async def put_file(self, key: str, path: Path) -> None:
        """Store the file at `path` (already fsynced) and take it over: it is gone after."""
        import asyncio  # loaded by the running loop; at the top it cost `preview` ~15 ms

        data = await asyncio.to_thread(path.read_bytes)
        await self.put(key, data)
        await asyncio.to_thread(path.unlink, missing_ok=True)

    @abc.abstractmethod
    async def get(self, key: str) -> bytes:
        """The bytes, or BlobMissing."""

    @abc.abstractmethod
    async def delete(self, key: str) -> None:
        """Remove the blob; no error when it is not there."""

    @abc.abstractmethod
    def list(self, prefix: str) -> AsyncIterator[BlobInfo]:
        """Every blob whose key starts with `prefix`."""

    async def close(self) -> None:
        return None


def safe_key(key: str) -> str:
    """`key` if it is a plain relative path with no way out of its folder, else ValueError."""
    parts = key.split("/")
    if not key or "\0" in key or "\\" in key or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"not a blob key: {key!r}")
    return key
