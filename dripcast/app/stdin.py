"""`dripcast ingest`: one message from a file or stdin, through the same path as SMTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO

from sqlalchemy.exc import OperationalError

from dripcast.app import pipeline
from dripcast.app.preview import NoBrand, pick_brand
from dripcast.core.config import Config
from dripcast.store import queries as store
from dripcast.store.blobs import open_blobs
from dripcast.store.db import make_engine, migrate
from ingest.intake import EX_DATAERR, EX_NOUSER, EX_TEMPFAIL, HEAD_MAX, Intake
from ingest.spool import SpoolWriter


@dataclass(frozen=True)
class Ingested:
    """The exit code (sysexits) and the lines to print on stderr."""

    exit_code: int
    lines: tuple[str, ...]


def ingest(config: Config, message: BinaryIO, *, recipient: str | None, mail_from: str) -> Ingested:
    try:
        # Streamed to the spool like SMTP DATA: memory stays one block, whatever the size.
        writer = SpoolWriter(config.resolve(config.service.spool_dir))
        try:
            while block := message.read(1 << 20):
                writer.write(block)
        except BaseException:
            writer.abort()
            raise
    except OSError as e:
        return Ingested(EX_TEMPFAIL, (f"dripcast ingest: try later: {e}",))
    try:
        rcpt = recipient or pick_brand(config, writer.read(HEAD_MAX), None)[1]
    except NoBrand as e:
        writer.abort()
        return Ingested(EX_NOUSER, (f"dripcast ingest: {e}",))
    if rcpt is None:
        writer.abort()
        return Ingested(EX_NOUSER, ("dripcast ingest: no recipient names a brand (pass -r)",))
    said: tuple[str, ...] = ()
    blobs = open_blobs(config)
    try:
        engine = make_engine(config.database_url)
        migrate(engine)
        outcome = Intake(config, engine, blobs=blobs).accept_spooled(
            writer, mail_from=mail_from, rcpt=rcpt, transport="stdin"
        )
        said = (outcome.reply,)
        if not outcome.queued or outcome.message_id is None:
            return Ingested(outcome.exit_code, said)
        ids = pipeline.process(config, engine, outcome.message_id, datetime.now(UTC), blobs=blobs)
    except (OSError, OperationalError) as e:
        writer.abort()
        return Ingested(EX_TEMPFAIL, (*said, f"dripcast ingest: try later: {e}"))
    finally:
        blobs.close()
    if ids == []:
        reason = store.message(engine, outcome.message_id).reason
        return Ingested(EX_DATAERR, (*said, f"dripcast ingest: {reason}"))
    return Ingested(0, (*said, f"planned {len(ids or [])} posts"))
