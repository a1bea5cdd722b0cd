"""A blob store in a local folder (the default, `file:var/blobs`).

Durable the way the spool always was: write a temporary file, fsync, rename
into place, fsync the folder. Files 0600, folders 0700, whatever the umask.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import errno
import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

from dripcast.core.blobs import BlobInfo, BlobMissing, BlobStore, safe_key
from dripcast.core.files import fsync_path


class FolderBlobStore(BlobStore):
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / safe_key(key)

    def _folder(self, path: Path) -> None:
        if path.parent.is_dir():
            return
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        for d in reversed([path.parent, *path.parent.parents]):
            if d.is_relative_to(self.root) and d != self.root:
                with contextlib.suppress(FileExistsError):
                    d.mkdir(mode=0o700)

    def _tmp(self, path: Path) -> Path:
        return path.with_name(f".tmp-{secrets.token_hex(6)}-{path.name}")

    def _put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        self._folder(path)
        tmp = self._tmp(path)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        fsync_path(path.parent)

    def _put_file(self, key: str, source: Path) -> None:
        path = self._path(key)
        self._folder(path)
        try:
            os.chmod(source, 0o600)
            os.replace(source, path)  # same file system: the file itself moves
        except OSError as e:
            if e.errno != errno.EXDEV:
                raise
            self._put(key, source.read_bytes())
            source.unlink(missing_ok=True)
            return
        fsync_path(path.parent)

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._put, key, data)

    async def put_file(self, key: str, path: Path) -> None:
        await asyncio.to_thread(self._put_file, key, path)

    def _read(self, key: str) -> bytes:
        path = self._path(key).resolve()
        if not path.is_relative_to(self.root.resolve()):  # a symlink out of the folder
            raise BlobMissing(key)
        return path.read_bytes()

    async def get(self, key: str) -> bytes:
        try:
            return await asyncio.to_thread(self._read, key)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise BlobMissing(key) from None

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    async def list(self, prefix: str) -> AsyncIterator[BlobInfo]:
        for info in await asyncio.to_thread(self._walk, prefix):
            yield info

    def clean_temporaries(self, *, older_than: float) -> int:
        """Remove half-written files a crash left (never acknowledged); only old ones,
        since another node sharing the folder may be writing a young one now."""
        n = 0
        for path in self.root.rglob(".tmp-*") if self.root.is_dir() else ():
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_mtime < older_than:
                    path.unlink()
                    n += 1
        return n

    def _walk(self, prefix: str) -> builtins.list[BlobInfo]:
        out: builtins.list[BlobInfo] = []
        for root, _dirs, names in os.walk(self.root):
            for n in names:
                if n.startswith(".tmp-"):
                    continue
                path = Path(root) / n
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    with contextlib.suppress(FileNotFoundError):
                        st = path.stat()
                        out.append(BlobInfo(key, st.st_mtime, st.st_size))
        return sorted(out, key=lambda b: b.key)
