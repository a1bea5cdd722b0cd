"""`preview`: what the service would do with a message, storing and publishing nothing.

When the config's database exists, the plan is made against the live queue, the
90-day duplicate check and the texts of the last 30 days (no text twice), as `serve`
would; a brand that approves every post
shows its posts as held for approval.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from email.message import Message
from email.utils import getaddresses
from pathlib import Path
from typing import TYPE_CHECKING

from dripcast.app.pipeline import MediaStore, Prepared, planned_against, prepare
from dripcast.core.config import Brand, Config
from ingest.parse import parse, read_head
from ingest.recipients import brand_for_recipient
from ingest.resolver import SystemResolver
from ingest.verify import verify

if TYPE_CHECKING:  # SQLAlchemy loads only when the config's database exists
    from sqlalchemy import Engine

__all__ = ["read_head"]  # the CLI reads the header block once and hands it to both steps

AWAITING_APPROVAL = "awaiting approval"


class NoBrand(LookupError):
    """The message names no brand of the config; the text says what to do."""


class AmbiguousBrand(NoBrand):
    """The message could be for several brands: the caller must name one."""


def pick_brand(
    config: Config, raw: bytes, brand_id: str | None, head: Message | None = None
) -> tuple[Brand, str | None]:
    """The brand and the recipient that names it: from the headers, else `brand_id` or the only brand.

    `head`: the message's header block as `read_head` parsed it (parsed here if not given).
    """
    msg = head if head is not None else read_head(raw)
    for header in ("Delivered-To", "X-Original-To", "To", "Cc"):
        values = [str(v) for k, v in msg.raw_items() if k.lower() == header.lower()]
        for _, addr in getaddresses(values):
            brand = brand_for_recipient(addr, config.brands)
            if brand and brand_id in (None, brand.id):
                return brand, addr
    if brand_id:
        try:
            return config.brand(brand_id), None
        except KeyError:
            raise NoBrand(f"no brand {brand_id!r} in {config.path}") from None
    if len(config.brands) == 1:
        return config.brands[0], None
    raise AmbiguousBrand("cannot tell the brand from the message: pass --brand")


def preview(
    config: Config,
    raw: bytes,
    brand: Brand,
    recipient: str | None,
    *,
    media: Path,
    now: datetime,
    head: Message | None = None,
) -> Prepared:
    verdict = verify(
        raw,
        head=head,
        brand=brand,
        service=config.service,
        resolver=SystemResolver(),
        now=now,
        recipient=recipient,
    )
    if not verdict.ok:
        return Prepared(brand=brand, submission=parse(raw), accepted=False, reason=verdict.reason)
    engine = _live_engine(config)
    store_media = MediaStore(media)
    if engine is None:
        prepared = prepare(raw, brand, now=now, media=store_media)
    else:
        from sqlalchemy.exc import SQLAlchemyError

        try:
            # planned against what serve would see: queue, photos and texts already used
            prepared = prepare(
                raw, brand, now=now, media=store_media, **planned_against(engine, brand.id, now)
            )
        except SQLAlchemyError:  # a database we cannot read: plan as if it were empty
            prepared = prepare(raw, brand, now=now, media=store_media)
        finally:
            engine.dispose()
    if brand.approval == "none":
        return prepared
    held = [
        replace(s, draft=replace(s.draft, held=s.draft.held or AWAITING_APPROVAL))
        for s in prepared.slots
    ]
    return replace(prepared, slots=held)


def contact_sheet(prepared: Prepared) -> bytes:
    """A PNG with one tile per planned post."""
    from formatters import render_sheet

    return render_sheet(prepared.slots, brand_name=prepared.brand.name)


def _live_engine(config: Config) -> Engine | None:
    """The service's database if it exists; never creates one (preview stores nothing)."""
    url = config.database_url
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if ":memory:" in url or not Path(path).is_file():
            return None
    from sqlalchemy.exc import SQLAlchemyError

    from dripcast.store.db import make_engine

    try:
        engine = make_engine(url)
        with engine.connect():
            pass
    except SQLAlchemyError:
        return None
    return engine
