"""The nightly clean-up, over the blob store every node shares (one node runs it).

old quarantine   refused/held messages older than 30 days: row and raw message
orphaned spool   raw messages no row names (a node died between the blob and
                 the row, so the sender never got its 250): after a day
unused media     variants no post that may still go out names, older than 30 days
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import Engine

from dripcast.core.blobs import MEDIA, SPOOL
from dripcast.core.config import Config
from dripcast.core.lifecycle import MessageStatus
from dripcast.core.lifecycle import PostStatus as S
from dripcast.store import jobs as store_jobs
from dripcast.store import queries as store
from dripcast.store.blobs import Blobs, FolderBlobStore

log = logging.getLogger("dripcast.jobs")

KEEP = timedelta(days=30)
ORPHAN_AFTER = timedelta(days=1)
# media of posts that may still go out (or be retried) is never removed
LIVE = tuple(s.value for s in (S.SCHEDULED, S.PUBLISHING, S.HELD, S.FAILED))


def clean_up(config: Config, engine: Engine, blobs: Blobs, now: datetime) -> tuple[int, int]:
    """Returns (messages forgotten, blobs removed); (0, 0) when another node ran it today."""
    if not store_jobs.claim_run(engine, "clean-up", now=now, not_since=now - timedelta(hours=20)):
        return 0, 0
    gone = store.purge_messages(
        engine, statuses=(MessageStatus.REFUSED.value, MessageStatus.HELD.value), before=now - KEEP
    )
    spool_dir = config.resolve(config.service.spool_dir)
    for key in gone:
        if "/" in key:
            blobs.delete_sync(key)
        else:  # a message stored by an older version, in the spool folder
            (spool_dir / key).unlink(missing_ok=True)
    removed = 0
    named = store.spool_keys(engine)
    for b in blobs.list_sync(SPOOL):
        if b.key not in named and b.modified < (now - ORPHAN_AFTER).timestamp():
            blobs.delete_sync(b.key)
            removed += 1
    if isinstance(blobs.store, FolderBlobStore):
        removed += blobs.store.clean_temporaries(older_than=(now - ORPHAN_AFTER).timestamp())
    keep = store_jobs.media_in_use(engine, LIVE)
    for b in blobs.list_sync(MEDIA):
        if b.key not in keep and b.modified < (now - KEEP).timestamp():
            blobs.delete_sync(b.key)
            removed += 1
    if gone or removed:
        log.info("clean-up: %d old quarantined messages, %d blobs", len(gone), removed)
    return len(gone), removed
