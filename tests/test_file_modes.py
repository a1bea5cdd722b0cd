"""Mail, images, tokens and the database are private to the service whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from dripcast.store.blobs import Blobs, FolderBlobStore
from dripcast.store.db import make_engine
from ingest import spool
from tests.conftest import Server, wait_for
from tests.mail import jpeg, photo_mail
from tests.test_e2e import outbox_posts, quick_brand, send


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def modes(root: Path) -> dict[str, str]:
    """Every file and folder under root that group or others could read: path → mode."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            mode = stat.S_IMODE(p.lstat().st_mode)
            if mode & 0o077:
                found[str(p.relative_to(root))] = oct(mode)
    return found


def test_spool_and_database_are_private_under_umask_022(tmp_path: Path, umask_022: None) -> None:
    blobs = Blobs(FolderBlobStore(tmp_path / "blobs"))
    try:
        key = spool.write(tmp_path / "spool", blobs, b"Subject: hi\r\n\r\nraw client mail\r\n")
    finally:
        blobs.close()
    engine = make_engine(f"sqlite:///{tmp_path / 'db' / 'd.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x int)"))
    engine.dispose()
    assert (tmp_path / "blobs" / key).exists()  # handed from the spool to the blob store
    assert modes(tmp_path) == {}


def test_a_fresh_serve_under_umask_022_creates_nothing_others_can_read(
    make_config: Callable[..., Path], server_for: Callable[[Path], Server], umask_022: None
) -> None:
    cfg = make_config([quick_brand()])
    server = server_for(cfg).start()
    send(server.port, photo_mail(body="Fresh bread\nwhen: now", photos=[jpeg(640, 480)]))
    wait_for(lambda: outbox_posts(cfg.parent), timeout=60, what="an outbox post")
    var = cfg.parent / "var"
    assert {p.name for p in var.iterdir()} >= {"dripcast.db", "spool", "blobs", "state", "outbox"}
    assert list((var / "blobs" / "spool").iterdir())  # the raw mail is still kept
    assert list((var / "blobs" / "media").rglob("*.jpg"))  # and the variants
    assert modes(var) == {}
