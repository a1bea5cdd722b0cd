"""`Blobs`: the configured blob store, usable from the event loop and from worker threads.

The store's own calls run on one private event loop in a thread of their own:
an S3 client belongs to the loop that made it, and the intake and the planner
run in worker threads (fsync, database) while the media server and the
publishers run on the service's loop. `Blobs` is the one door to both.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from dripcast.core.blobs import BlobInfo, BlobMissing, BlobStore
from dripcast.store.blobs.folder import FolderBlobStore

if TYPE_CHECKING:
    from dripcast.core.config import Config

__all__ = [
    "BlobInfo",
    "BlobMissing",
    "BlobStore",
    "Blobs",
    "FolderBlobStore",
    "open_blobs",
    "read_message",
]

T = TypeVar("T")


class Blobs:
    def __init__(self, store: BlobStore) -> None:
        self.store = store
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="blobs", daemon=True)
        self._thread.start()

    def _submit(self, coro: Coroutine[Any, Any, T]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    def sync(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run a store call from a thread that is not an event loop's."""
        result: T = self._submit(coro).result()
        return result

    async def run(self, coro: Coroutine[Any, Any, T]) -> T:
        result: T = await asyncio.wrap_future(self._submit(coro))
        return result

    # the calls, both ways
    async def get(self, key: str) -> bytes:
        return await self.run(self.store.get(key))

    def get_sync(self, key: str) -> bytes:
        return self.sync(self.store.get(key))

    def put_sync(self, key: str, data: bytes) -> None:
        self.sync(self.store.put(key, data))

    def put_file_sync(self, key: str, path: Path) -> None:
        self.sync(self.store.put_file(key, path))

    def delete_sync(self, key: str) -> None:
        self.sync(self.store.delete(key))

    def list_sync(self, prefix: str) -> list[BlobInfo]:
        async def collect() -> list[BlobInfo]:
            return [b async for b in self.store.list(prefix)]

        return self.sync(collect())

    def close(self) -> None:
        if self._loop.is_closed():
            return
        self.sync(self.store.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


def open_blobs(config: Config) -> Blobs:
    """The blob store `service.blobs` names."""
    url = config.service.blobs
    if url.startswith("s3://"):
        from dripcast.store.blobs.s3 import S3BlobStore  # aioboto3 loads only when used

        assert config.service.s3 is not None  # the config checked it
        return Blobs(S3BlobStore(url, config.service.s3))
    return Blobs(FolderBlobStore(config.resolve(Path(url.removeprefix("file:")))))


def read_message(blobs: Blobs, spool_dir: Path, spool: str) -> bytes:
    """A stored raw message by its row's `spool`: a key in the blob store (`spool/…`),
    or a bare name, a file in the spool folder of an older version. BlobMissing, OSError."""
    if "/" not in spool:
        return (spool_dir / spool).read_bytes()
    return blobs.get_sync(spool)
