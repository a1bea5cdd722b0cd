"""Views from what the pipeline and the store hand over (plain values in, views out)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from dripcast.app.mail.views import Confirmation, PostLine, Summary
from dripcast.core.config import Brand
from dripcast.core.domain import Skipped, Slot

T = TypeVar("T")


def numbered(
    items: Iterable[T], *, at: Callable[[T], datetime], channel: Callable[[T], str]
) -> list[tuple[int, T]]:
    """The numbers a reply names (`cancel 2`): time order, then channel, from 1. The
    confirmation mail and the client's page both number by this."""
    return list(enumerate(sorted(items, key=lambda i: (at(i), channel(i))), 1))


def confirmation_view(
    brand: Brand,
    *,
    subject: str,
    slots: Sequence[Slot],
    post_ids: Sequence[int | None],
    skipped: Sequence[Skipped] = (),
    notes: Sequence[str] = (),
) -> Confirmation:
    """Posts numbered in time order (then channel): the numbers a reply names."""
    ids = list(post_ids) + [None] * (len(slots) - len(post_ids))
    pairs = numbered(
        zip(slots, ids, strict=True), at=lambda p: p[0].at, channel=lambda p: p[0].draft.channel
    )
    zone = brand.zone
    network = {c.id: c.type for c in brand.channels}
    posts = tuple(
        PostLine(
            number=n,
            post_id=pid,
            channel=s.draft.channel,
            network=network.get(s.draft.channel, s.draft.type),
            at=s.at.astimezone(zone),
            caption=s.draft.text,
            image=s.draft.media[0].path if s.draft.media else None,
            held=s.draft.held,
        )
        for n, (s, pid) in pairs
    )
    return Confirmation(
        brand_name=brand.name,
        language=brand.language,
        approval=brand.approval,
        subject=subject or "(no subject)",
        posts=posts,
        skipped=tuple((s.filename, s.reason) for s in skipped),
        notes=tuple(notes),
    )


def summary_view(
    brand: Brand,
    *,
    since: datetime,
    until: datetime,
    published: Sequence[Mapping[str, Any]],  # id, channel, type, text, published_at, url
    attention: Sequence[Mapping[str, Any]],  # id, channel, status, due_at, reason, text
    refused: Sequence[Mapping[str, Any]] = (),  # received_at, sender, reason
    upcoming: int = 0,
    comments: Sequence[str] = (),
) -> Summary:
    zone = brand.zone
    network = {c.id: c.type for c in brand.channels}
    return Summary(
        brand_name=brand.name,
        language=brand.language,
        comments=tuple(comments),
        since=since.astimezone(zone),
        until=until.astimezone(zone),
        published=tuple(
            PostLine(
                number=n,
                post_id=p["id"],
                channel=p["channel"],
                network=network.get(p["channel"], p["type"]),
                at=p["published_at"].astimezone(zone),
                caption=p["text"],
                url=p.get("url"),
            )
            for n, p in enumerate(published, 1)
        ),
        held=tuple(
            PostLine(
                number=n,
                post_id=a["id"],
                channel=a["channel"],
                network=network.get(a["channel"], a["channel"]),
                at=a["due_at"].astimezone(zone),
                caption=a.get("text") or "",
                held=f"{a['status']}: {a['reason']}" if a.get("reason") else a["status"],
            )
            for n, a in enumerate(attention, 1)
        ),
        refused=tuple(
            (r["received_at"].astimezone(zone), r.get("sender") or "?", r.get("reason") or "")
            for r in refused
        ),
        upcoming=upcoming,
    )
