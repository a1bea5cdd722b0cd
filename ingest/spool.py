"""The spool: raw messages, durable before anyone is told 250.

DATA streams into a temporary file in this node's spool folder; `commit()`
fsyncs it and hands it to the blob store (a rename into the blob folder, or an
upload to S3), which answers only once the bytes are durable: after `commit()`
returns they survive a crash, a power cut, or the loss of this node. A writer
that is never committed leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from pathlib import Path

from dripcast.core.blobs import SPOOL
from dripcast.store.blobs import Blobs


class SpoolWriter:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)  # raw client mail: ours alone
        self.folder = folder
        self.name = f"{secrets.token_hex(12)}.eml"
        self._tmp = folder / f".tmp-{self.name}"
        fd = os.open(self._tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file = os.fdopen(fd, "wb")  # closed in commit/abort
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)
        self.size += len(chunk)

    def read(self, limit: int = -1) -> bytes:
        """The bytes written so far (the first `limit` of them), read back from the file."""
        self._file.flush()
        with open(self._tmp, "rb") as f:
            return f.read(limit)

    def commit(self, blobs: Blobs) -> str:
        """Make the message durable in the blob store; returns its key."""
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        key = SPOOL + self.name
        try:
            blobs.put_file_sync(key, self._tmp)
        finally:
            self._tmp.unlink(missing_ok=True)
        return key

    def abort(self) -> None:
        self._file.close()
        self._tmp.unlink(missing_ok=True)


def write(folder: Path, blobs: Blobs, raw: bytes) -> str:
    w = SpoolWriter(folder)
    try:
        w.write(raw)
        return w.commit(blobs)
    except BaseException:
        w.abort()
        raise


def clean_temporaries(folder: Path, *, older_than: float = 3600.0) -> int:
    """Remove half-written files left by a crash mid-DATA; they were never acknowledged.

    Only old ones: another process sharing the spool may be writing a young one now.
    """
    n = 0
    limit = time.time() - older_than
    for p in folder.glob(".tmp-*") if folder.is_dir() else ():
        with contextlib.suppress(FileNotFoundError):
            if p.stat().st_mtime < limit:
                p.unlink()
                n += 1
    return n
