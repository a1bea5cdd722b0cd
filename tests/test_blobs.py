"""The blob store's one interface, the same tests over a local folder and a real S3 server."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from dripcast.core.blobs import BlobMissing
from dripcast.core.config import Config
from dripcast.store.blobs import Blobs, FolderBlobStore, open_blobs
from tests.s3 import S3Server

BRAND = {"id": "b", "name": "B", "address": "b@example.com", "channels": [{"id": "o", "type": "outbox", "path": "o"}]}  # fmt: skip


@pytest.fixture(params=["folder", "s3"])
def blobs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Blobs]:
    service: dict[str, object] = {}
    if request.param == "s3":
        s3: S3Server = request.getfixturevalue("s3_server")
        service = {"blobs": f"s3://{s3.new_bucket()}/some/prefix", "s3": s3.settings()}
    cfg = Config.model_validate(
        {"service": service, "brands": [BRAND], "path": tmp_path / "config.yaml"}
    )
    b = open_blobs(cfg)
    yield b
    b.close()


def test_put_get_replace_delete(blobs: Blobs) -> None:
    blobs.put_sync("media/b/ab/1.jpg", b"one")
    assert blobs.get_sync("media/b/ab/1.jpg") == b"one"
    blobs.put_sync("media/b/ab/1.jpg", b"two")
    assert blobs.get_sync("media/b/ab/1.jpg") == b"two"
    blobs.delete_sync("media/b/ab/1.jpg")
    with pytest.raises(BlobMissing):
        blobs.get_sync("media/b/ab/1.jpg")
    blobs.delete_sync("media/b/ab/1.jpg")  # gone already: no error


def test_list_by_prefix(blobs: Blobs) -> None:
    for key in ("spool/a.eml", "spool/b.eml", "media/b/x.jpg"):
        blobs.put_sync(key, key.encode())
    assert [b.key for b in blobs.list_sync("spool/")] == ["spool/a.eml", "spool/b.eml"]
    (media,) = blobs.list_sync("media/")
    assert (media.key, media.size) == ("media/b/x.jpg", len(b"media/b/x.jpg"))
    assert media.modified > 0


def test_put_file_takes_the_file_over(blobs: Blobs, tmp_path: Path) -> None:
    staged = tmp_path / "staged.eml"
    staged.write_bytes(b"raw mail")
    blobs.put_file_sync("spool/m.eml", staged)
    assert not staged.exists()
    assert blobs.get_sync("spool/m.eml") == b"raw mail"


async def test_async_calls_from_the_event_loop(blobs: Blobs) -> None:
    await blobs.run(blobs.store.put("media/b/y.jpg", b"y"))
    assert await blobs.get("media/b/y.jpg") == b"y"
    with pytest.raises(BlobMissing):
        await blobs.get("media/b/nope.jpg")


@pytest.mark.parametrize("key", ["", "/abs", "a/../b", "a//b", "./a", "a\\b"])
def test_keys_cannot_leave_the_store(blobs: Blobs, key: str) -> None:
    with pytest.raises(ValueError, match="not a blob key"):
        blobs.put_sync(key, b"x")


def test_folder_blobs_are_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        b = Blobs(FolderBlobStore(tmp_path / "blobs"))
        b.put_sync("media/b/ab/1.jpg", b"x")
        staged = tmp_path / "staged"
        staged.write_bytes(b"y")
        b.put_file_sync("spool/1.eml", staged)
        b.close()
    finally:
        os.umask(old)
    mode = lambda p: stat.S_IMODE(os.stat(p).st_mode)  # noqa: E731
    root = tmp_path / "blobs"
    assert mode(root / "media/b/ab/1.jpg") == mode(root / "spool/1.eml") == 0o600
    assert {mode(d) for d in (root, root / "media", root / "media/b", root / "spool")} == {0o700}
    assert not [p for p in root.rglob(".tmp-*")]
