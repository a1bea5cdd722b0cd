"""The one place the stages meet: parse → photos → format → plan.

`prepare` is shared by `preview` (nothing stored) and the service's processor
(`process`, which stores the plan in the same commit that closes the message).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from dripcast.app.imaging import Cut, cut_here
from dripcast.core.channels import ChannelBase
from dripcast.core.config import Brand, Config
from dripcast.core.domain import Attachment, Draft, Photo, Queued, Skipped, Slot, Submission
from dripcast.core.timeparse import parse_duration
from formatters import ImageError
from formatters.compose import Formatted, carousel_size, format_drafts, lead_of, spec_for
from formatters.images import Variant
from formatters.specs import ChannelSpec
from ingest.parse import parse
from ingest.photos import collect, no_photo_reason
from scheduler.plan import plan

if TYPE_CHECKING:  # the store (SQLAlchemy) loads in `process`: `preview` may never need it
    from sqlalchemy import Engine

    from dripcast.store.blobs import Blobs

# Checks and cuts a message's attachments for these specs: `imaging.cut_here`, or a
# `Cutter`'s pool in the service.
CutAll = Callable[[Sequence[Attachment], Sequence[ChannelSpec]], list[Cut]]

log = logging.getLogger("dripcast.pipeline")

DEDUP_WINDOW = timedelta(days=90)
SAME_TEXT_WINDOW = timedelta(days=30)  # no text twice on one channel within this (issue 18)


@dataclass(frozen=True, kw_only=True)
class Prepared:
    brand: Brand
    submission: Submission
    accepted: bool
    reason: str | None = None
    photos: Sequence[Photo] = ()
    skipped: Sequence[Skipped] = ()
    slots: Sequence[Slot] = ()
    notes: Sequence[str] = field(default_factory=tuple)


MediaSink = Callable[[Variant, Photo, str], str]  # a variant → where it is (Media.path)


def variant_name(variant: Variant, photo: Photo) -> str:
    """Named by content, so that processing twice names the same file, and networks
    given the same variant (five of seven, for a 12 MP phone photo) share one: one
    write (and two fsyncs) instead of five. Clean-up keeps any file a live post names."""
    digest = hashlib.sha256(variant.data).hexdigest()[:16]
    return f"{photo.sha256[:2]}/{photo.sha256[:16]}-{digest}.jpg"


class _Names:
    """`variant_name`, hashed once per variant: the networks given the same variant are
    given the very same object (the worker's cut sends it once), 60 hashes a 20-photo
    mail instead of 140."""

    def __init__(self) -> None:
        self._named: dict[tuple[int, str], tuple[Variant, str]] = {}  # holds the variant: ids stay

    def __call__(self, variant: Variant, photo: Photo) -> str:
        key = (id(variant), photo.sha256)
        named = self._named.get(key)
        if named is None:
            named = self._named[key] = (variant, variant_name(variant, photo))
        return named[1]


class BlobMedia:
    """Variants for the blob store: kept here until `flush` puts them, before the plan's commit."""

    def __init__(self, brand: str) -> None:
        from dripcast.core.blobs import MEDIA  # the blob store's: `preview` writes files

        self.prefix = f"{MEDIA}{brand}/"
        self.pending: dict[str, bytes] = {}
        self.name = _Names()

    def __call__(self, variant: Variant, photo: Photo, network: str) -> str:
        key = self.prefix + self.name(variant, photo)
        self.pending[key] = variant.data
        return key

    def flush(self, blobs: Blobs) -> None:
        for key, data in self.pending.items():
            blobs.put_sync(key, data)
        self.pending.clear()


class MediaStore:
    """Variant files in a local folder (`preview`), named by content."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.name = _Names()

    def __call__(self, variant: Variant, photo: Photo, network: str) -> str:
        path = self.folder / self.name(variant, photo)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(variant.data)
            tmp.replace(path)
        return str(path)


@dataclass(frozen=True, kw_only=True)
class Taken:
    """A submission with its photos checked and cut: what `prepare` does before it reads
    the store, so one message can be cut while another is planned. Holds the photos'
    bytes and their encoded variants, never pixels."""

    brand: Brand
    submission: Submission
    channels: Sequence[ChannelBase] = ()
    notes: Sequence[str] = ()
    cuts: Sequence[Cut] = ()  # one per attachment; none for a submission with problems


def take(
    raw: bytes | Submission,
    brand: Brand,
    *,
    limits: Mapping[str, int] | None = None,
    cut: CutAll = cut_here,
) -> Taken:
    """Parse (unless `raw` comes parsed), choose the channels, check and cut every
    attachment into every channel's variant in one task (`cut`): one decode per photo.
    A photo later dropped (posted before, a twin) was cut for nothing; that is rare,
    and the price of never decoding a photo twice."""
    sub = raw if isinstance(raw, Submission) else parse(raw)
    del raw
    if sub.problems:
        return Taken(brand=brand, submission=sub)
    channels, notes = select_channels(brand, sub)
    specs = list(dict.fromkeys(spec_for(ch, limits) for ch in channels))
    cuts = cut(sub.attachments, specs)
    return Taken(brand=brand, submission=sub, channels=channels, notes=notes, cuts=cuts)


def prepare(
    raw: bytes | Submission,
    brand: Brand,
    *,
    now: datetime,
    media: MediaSink,
    queue: Sequence[Queued] = (),
    seen: Callable[[list[str]], set[str]] = lambda _: set(),
    limits: Mapping[str, int] | None = None,
    recent: Mapping[str, Collection[str]] | None = None,
    cut: CutAll = cut_here,
) -> Prepared:
    """`limits`: text limits a network told us at run time (Mastodon's instance), by channel id.
    `recent`: by channel id, the texts of its posts queued or out in the last 30 days.

    `raw` may come parsed already (`ingest.parse.parse`): the service parses first and
    lets go of the message's bytes (44 MB for 20 photos) before the photos are cut.
    """
    taken = take(raw, brand, limits=limits, cut=cut)
    del raw
    return plan_taken(
        taken, now=now, media=media, queue=queue, seen=seen, limits=limits, recent=recent
    )


def plan_taken(
    taken: Taken,
    *,
    now: datetime,
    media: MediaSink,
    queue: Sequence[Queued] = (),
    seen: Callable[[list[str]], set[str]] = lambda _: set(),
    limits: Mapping[str, int] | None = None,
    recent: Mapping[str, Collection[str]] | None = None,
) -> Prepared:
    """The rest of `prepare`, against what the store knows now: duplicates, texts, the plan."""
    brand, sub, channels, notes = taken.brand, taken.submission, list(taken.channels), taken.notes
    if sub.problems:
        return Prepared(brand=brand, submission=sub, accepted=False, reason="; ".join(sub.problems))
    cuts = taken.cuts
    photos, skipped = collect(sub.attachments, [c.checked for c in cuts])
    by_photo = _by_photo(sub.attachments, cuts, photos)
    posted = seen([p.pixels for p in photos])
    if posted:
        skipped += [
            Skipped(filename=p.filename, reason="already sent to this brand in the last 90 days")
            for p in photos
            if p.pixels in posted
        ]
        photos = [p for p in photos if p.pixels not in posted]
    why = no_photo_reason(photos, skipped)
    if why:
        return Prepared(brand=brand, submission=sub, accepted=False, reason=why, skipped=skipped)
    if not channels:
        return Prepared(
            brand=brand,
            submission=sub,
            accepted=False,
            reason="; ".join(notes) or "no channel",
            photos=photos,
            skipped=skipped,
        )
    drafts, unusable, said = _format(sub, photos, brand, channels, media, limits, by_photo, recent)
    if unusable:
        skipped += unusable
        photos = [p for p in photos if p.filename not in {u.filename for u in unusable}]
        why = no_photo_reason(photos, skipped)
        if why:
            return Prepared(
                brand=brand, submission=sub, accepted=False, reason=why, skipped=skipped
            )
    if not drafts:  # every photo's text would repeat a recent post (issue 18)
        return Prepared(
            brand=brand,
            submission=sub,
            accepted=False,
            reason="; ".join(said) or "nothing to post",
            photos=photos,
            skipped=skipped,
        )
    planned = plan(
        drafts,
        drip=brand.drip,
        channels=channels,
        queue=queue,
        now=now,
        zone=brand.zone,
        when=sub.directives.when,
        capacity={c.id: carousel_size(c) for c in channels if carousel_size(c) > 1},
    )
    return Prepared(
        brand=brand,
        submission=sub,
        accepted=True,
        photos=photos,
        skipped=skipped,
        slots=planned.slots,
        notes=(*notes, *said, *planned.notes),
    )


def _format(
    sub: Submission,
    photos: list[Photo],
    brand: Brand,
    channels: list[ChannelBase],
    media: MediaSink,
    limits: Mapping[str, int] | None,
    cuts: Mapping[int, Cut],
    recent: Mapping[str, Collection[str]] | None = None,
) -> tuple[list[Draft], list[Skipped], tuple[str, ...]]:
    """Drafts for every photo; a photo the formatter cannot use is skipped, not fatal."""
    bad = [
        Skipped(filename=p.filename, reason=cuts[p.index].error or "")
        for p in photos
        if cuts[p.index].error is not None
    ]
    good = [p for p in photos if cuts[p.index].error is None]
    variants = {p.index: cuts[p.index].variants for p in good}

    def run(ps: Sequence[Photo]) -> Formatted:
        return format_drafts(
            sub,
            ps,
            brand,
            channels,
            media,
            limits=limits,
            utm=brand.utm_params,
            recent=recent,
            cuts=variants,
        )

    try:
        done = run(good) if good else Formatted(drafts=[])
        return done.drafts, bad, done.notes
    except ImageError:  # a carousel's own crop, cut here: find which photo it was
        pass
    for p in good:
        try:
            run([p])
        except ImageError as e:
            bad.append(Skipped(filename=p.filename, reason=str(e)))
    good = [p for p in good if p.filename not in {b.filename for b in bad}]
    done = run(good) if good else Formatted(drafts=[])
    return done.drafts, bad, done.notes


def _by_photo(
    attachments: Sequence[Attachment], cuts: Sequence[Cut], photos: Sequence[Photo]
) -> dict[int, Cut]:
    """Each photo's cut, by its index (a photo carries its attachment's very bytes)."""
    by_data = {id(att.data): c for att, c in zip(attachments, cuts, strict=True)}
    return {photo.index: by_data[id(photo.data)] for photo in photos}


def select_channels(brand: Brand, sub: Submission) -> tuple[list[ChannelBase], list[str]]:
    """`only:` and `skip:` name channels by id or by network."""
    d = sub.directives
    notes = [
        f"{name}: no such channel for {brand.id}"
        for name in (*d.only, *d.skip)
        if not any(name in (c.id, c.type) for c in brand.channels)
    ]
    chosen = [
        c
        for c in brand.channels
        if (not d.only or c.id in d.only or c.type in d.only)
        and not (c.id in d.skip or c.type in d.skip)
    ]
    return list(chosen), notes


def preview_document(p: Prepared) -> dict[str, Any]:
    """The SPEC's `preview --json` document."""
    return {
        "brand": p.brand.id,
        "accepted": p.accepted,
        "reason": p.reason,
        "photos": [
            {
                "filename": ph.filename,
                "sha256": ph.sha256,
                "width": ph.width,
                "height": ph.height,
                **({"lead": lead} if (lead := lead_of(p.submission, ph)) else {}),
            }
            for ph in p.photos
        ],
        "skipped": [{"filename": s.filename, "reason": s.reason} for s in p.skipped],
        "posts": [
            {
                "channel": s.draft.channel,
                "type": s.draft.type,
                "at": s.at.astimezone(p.brand.zone).isoformat(),
                "text": s.draft.text,
                # the photos' own words this post opens with, by photo number
                "photos": list(s.draft.photos),
                **({"lead": s.draft.lead} if s.draft.lead else {}),
                "media": [
                    {
                        "path": m.path,
                        "width": m.width,
                        "height": m.height,
                        "bytes": m.bytes,
                        "format": m.format,
                        "alt": m.alt,
                    }
                    for m in s.draft.media
                ],
                **({"held": s.draft.held} if s.draft.held else {}),
            }
            for s in p.slots
        ],
        **({"notes": list(p.notes)} if p.notes else {}),
    }


class PlannedAgainst(TypedDict):
    """What the store knows that `prepare` plans against, as its keywords."""

    queue: Sequence[Queued]
    seen: Callable[[list[str]], set[str]]
    recent: Mapping[str, Collection[str]] | None


def planned_against(engine: Engine, brand: str, now: datetime) -> PlannedAgainst:
    """The brand's queue from a day ago on, its 90-day photo check and its 30-day texts:
    the same for `process` and `preview`."""
    from dripcast.store import queries as store

    return PlannedAgainst(
        queue=store.queued(engine, brand, since=now - timedelta(days=1)),
        seen=lambda px: store.seen_pixels(engine, brand, px, since=now - DEDUP_WINDOW),
        recent=store.recent_texts(engine, brand, since=now - SAME_TEXT_WINDOW),
    )


def process(
    config: Config,
    engine: Engine,
    message_id: int,
    now: datetime,
    limits: Mapping[str, Mapping[str, int]] | None = None,
    cut: CutAll = cut_here,
    on_done: Callable[[int, Prepared, list[int]], object] | None = None,
    *,
    blobs: Blobs,
) -> list[int] | None:
    """Claim one stored message, plan it and store the plan in the commit that closes it.

    `limits` are text limits read from the networks, by brand and channel. Returns the
    new post ids, [] when the message was refused, None when another process holds it.
    The variants are put in the blob store before that commit, so no post points at nothing.
    `on_done(message, prepared, post_ids)` is called after that commit, planned or
    refused (the client's confirmation or refusal mail); its failure is logged only.
    The service runs the two halves, `claim_and_cut` and `plan_claimed`, apart.
    """
    claimed = claim_and_cut(config, engine, message_id, now, limits, cut, blobs=blobs)
    if claimed is None:
        return None
    return plan_claimed(config, engine, claimed, now, limits, on_done, blobs=blobs)


@dataclass(frozen=True, kw_only=True)
class Claimed:
    """A message this process claimed, taken (parsed and cut) or failed on the way."""

    message_id: int
    claim: datetime | None  # its `claimed_until`, checked again at the commit
    taken: Taken | None
    error: str | None = None


def claim_and_cut(
    config: Config,
    engine: Engine,
    message_id: int,
    now: datetime,
    limits: Mapping[str, Mapping[str, int]] | None = None,
    cut: CutAll = cut_here,
    *,
    blobs: Blobs,
    parsing: AbstractContextManager[object] | None = None,
) -> Claimed | None:
    """Claim the message, read and parse it (inside `parsing`: the service parses one
    message at a time, so one message's raw bytes are in memory at most) and cut its
    photos. None when another process holds it. Nothing is stored but the claim: a
    crash from here to the plan's commit leaves the message claimed, to be taken again.
    """
    from dripcast.store import queries as store
    from dripcast.store.blobs import read_message

    lease = parse_duration(config.service.publish_lease)
    node = config.service.node
    if not store.claim_messages(engine, now=now, lease=lease, ids=[message_id], node=node):
        return None
    row = store.message(engine, message_id)
    brand = config.brand(row.brand)
    try:
        with parsing or nullcontext():
            # Parsed before anything else holds the bytes: they are freed when parse returns.
            sub = parse(read_message(blobs, config.resolve(config.service.spool_dir), row.spool))
        taken = take(sub, brand, limits=(limits or {}).get(brand.id), cut=cut)
    except Exception as e:
        log.exception("message %d could not be processed", message_id)
        return Claimed(message_id=message_id, claim=row.claimed_until, taken=None, error=repr(e))
    return Claimed(message_id=message_id, claim=row.claimed_until, taken=taken)


def plan_claimed(
    config: Config,
    engine: Engine,
    claimed: Claimed,
    now: datetime,
    limits: Mapping[str, Mapping[str, int]] | None = None,
    on_done: Callable[[int, Prepared, list[int]], object] | None = None,
    *,
    blobs: Blobs,
) -> list[int] | None:
    """Plan a claimed message against the store as it is now and commit the plan (see
    `process`). Messages of a brand must be planned one after the other, in order: each
    plans against the posts the one before it stored."""
    from dripcast.core.lifecycle import MessageStatus, PostStatus
    from dripcast.store import queries as store

    message_id, claim, taken = claimed.message_id, claimed.claim, claimed.taken
    if taken is None:
        return _failed(engine, message_id, now, claim, claimed.error)
    brand = taken.brand
    media = BlobMedia(brand.id)
    try:
        prepared = plan_taken(
            taken,
            now=now,
            media=media,
            limits=(limits or {}).get(brand.id),
            **planned_against(engine, brand.id, now),
        )
    except Exception as e:
        log.exception("message %d could not be processed", message_id)
        return _failed(engine, message_id, now, claim, repr(e))
    if not prepared.accepted:
        log.info("message %d refused: %s", message_id, prepared.reason)
        store.finish_message(
            engine,
            message_id,
            now=now,
            status=MessageStatus.FAILED,
            reason=prepared.reason,
            claim=claim,
        )
        _done(on_done, message_id, prepared, [])
        return []
    media.flush(blobs)  # durable before the rows that name them
    ids = store.finish_message(
        engine,
        message_id,
        now=now,
        status=MessageStatus.PLANNED,
        photos=prepared.photos,
        slots=prepared.slots,
        post_status=PostStatus.SCHEDULED if brand.approval == "none" else PostStatus.HELD,
        claim=claim,
    )
    if prepared.slots and not ids:
        return None  # another process took the message over and plans it
    log.info("message %d planned: %d posts", message_id, len(ids))
    _done(on_done, message_id, prepared, ids)
    return ids


def _failed(
    engine: Engine, message_id: int, now: datetime, claim: datetime | None, error: str | None
) -> list[int]:
    """A bug or a pathological file fails its message, not the service or the other messages."""
    from dripcast.core.lifecycle import MessageStatus
    from dripcast.store import queries as store

    reason = f"internal error: {error}"
    store.finish_message(
        engine, message_id, now=now, status=MessageStatus.FAILED, reason=reason, claim=claim
    )
    return []


def _done(
    on_done: Callable[[int, Prepared, list[int]], object] | None,
    message_id: int,
    prepared: Prepared,
    ids: list[int],
) -> None:
    if on_done is None:
        return
    try:
        on_done(message_id, prepared, ids)
    except Exception:
        # The plan is committed; a mail that could not be queued is not a reason to undo it.
        log.exception("message %d: the after-processing step failed", message_id)
