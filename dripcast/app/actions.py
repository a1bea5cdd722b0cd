"""Every action a person can take on the schedule, as plain functions.

The CLI, and later web pages and mail replies, call these; each takes the
`App`, what to act on, who acts (`Actor`) and the clock (`now`), and returns a
`Result` whose `message` is one line a person reads. Status changes go through
the store's one guarded write path, which records an event per post.

Times: only `publish_now` means now. `retry` and `approve` keep a post's time
while it is ahead (its planned slot, or a reschedule); a post whose time has
passed goes to its channel's next free slot, counting every live or held post,
so releasing many posts at once never puts them all in the same second.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from dripcast.app.context import App
from dripcast.core.domain import Directives, Queued, Submission
from dripcast.core.extras import extra_json
from dripcast.core.lifecycle import ACTIONS, Actor, HoldReason, PostStatus
from dripcast.store import queries as store
from dripcast.store.lifecycle import move, release_message, set_texts

log = logging.getLogger("dripcast.actions")

__all__ = [
    "Actor",
    "Result",
    "approve",
    "cancel",
    "publish_now",
    "recaption",
    "release",
    "reschedule",
    "retry",
]

S = PostStatus
MANY = 10_000


@dataclass(frozen=True)
class Result:
    """What an action did: which posts changed, and one line saying so (or why not)."""

    action: str
    changed: tuple[int, ...]
    message: str

    @property
    def ok(self) -> bool:
        return bool(self.changed)


def cancel(
    app: App,
    *,
    post: int | None = None,
    submission: int | None = None,
    channel: str | None = None,
    numbers: Sequence[int] | None = None,
    actor: Actor,
    now: datetime,
) -> Result:
    """Cancel posts that have not gone out. `channel` (id or network) and `numbers`
    (photo numbers, 1-based) narrow a submission down."""
    rows, what = _select(app, post, submission, channel=channel, numbers=numbers)
    return _move(app, "cancel", rows, what, actor=actor, now=now)


def retry(
    app: App, *, post: int | None = None, submission: int | None = None, actor: Actor, now: datetime
) -> Result:
    """Put failed, held or cancelled posts back on the schedule (see the module's note on times)."""
    rows, what = _select(app, post, submission)
    return _move(app, "retry", rows, what, actor=actor, now=now, times=_free_times(app, rows, now))


def approve(
    app: App, *, post: int | None = None, submission: int | None = None, actor: Actor, now: datetime
) -> Result:
    """Release posts held for approval; posts held for another reason are left alone."""
    rows, what = _select(app, post, submission)
    waiting = [r for r in rows if r["status"] == S.HELD and r["held_for"] == HoldReason.APPROVAL]
    if not waiting:
        return Result("approve", (), f"approve: {_nothing(app, rows, what, 'approve')}")
    times = _free_times(app, waiting, now)
    return _move(app, "approve", waiting, what, actor=actor, now=now, times=times, all_rows=rows)


def publish_now(
    app: App, *, post: int | None = None, submission: int | None = None, actor: Actor, now: datetime
) -> Result:
    """Make posts due now: the service publishes them at its next tick."""
    rows, what = _select(app, post, submission)
    times = {r["id"]: now for r in rows}
    return _move(app, "publish-now", rows, what, actor=actor, now=now, times=times)


def reschedule(
    app: App,
    *,
    post: int | None = None,
    submission: int | None = None,
    when: datetime,
    actor: Actor,
    now: datetime,
) -> Result:
    """Move posts to `when`; a submission's posts keep their distances from the first one.
    Held posts stay held; a failed post needs `retry`."""
    rows, what = _select(app, post, submission)
    sources, _ = ACTIONS["reschedule"]
    waiting = [r for r in rows if r["status"] in sources]
    if not waiting:
        return Result("reschedule", (), f"reschedule: {_nothing(app, rows, what, 'reschedule')}")
    if when < now - timedelta(minutes=1):
        return Result("reschedule", (), f"reschedule: {when:%Y-%m-%d %H:%M %Z} is in the past")
    first = min(r["due_at"] for r in waiting)
    times = {r["id"]: when + (r["due_at"] - first) for r in waiting}
    moved = move(
        app.engine,
        times,
        None,
        sources=sources,
        actor=actor,
        now=now,
        times=times,
        why="rescheduled",
    )
    changed = tuple(sorted(m.id for m in moved))
    msg = f"reschedule: {len(changed)} post(s) of {what} → from {when:%a %Y-%m-%d %H:%M %Z}"
    return Result("reschedule", changed, msg)


def recaption(
    app: App,
    *,
    post: int | None = None,
    submission: int | None = None,
    caption: str,
    actor: Actor,
    now: datetime,
) -> Result:
    """A new caption for posts not yet out (scheduled or held), formatted again for each
    network as planning formats it (template, CTA, link, hashtags, limits); the
    submission's other directives stay. New words that are off-limits hold the post."""
    # Here, not at the top: the other actions (`dripcast cancel`…) need no formatter.
    from dripcast.app.pipeline import SAME_TEXT_WINDOW
    from formatters import recaption as format_caption

    rows, what = _select(app, post, submission)
    sources = (S.SCHEDULED, S.HELD)
    waiting = [r for r in rows if r["status"] in sources]
    if not caption.strip():
        return Result("recaption", (), "recaption: the new caption is empty; nothing changed")
    if not waiting:
        return Result("recaption", (), f"recaption: {_nothing(app, rows, what, 'recaption')}")
    texts: dict[int, tuple[str, dict[str, Any], str | None]] = {}
    for message_id in sorted({r["message"] for r in waiting}):
        mine = [r for r in waiting if r["message"] == message_id]
        brand = next((b for b in app.config.brands if b.id == mine[0]["brand"]), None)
        if brand is None:
            continue
        sub = dataclasses.replace(_submission(app, message_id), caption=caption.strip())
        every = store.posts(app.engine, message_ids=[message_id], limit=MANY)
        count = len({i for r in every for i in r["photos"]}) or 1
        old = {r["text"] for r in mine}
        recent = store.recent_texts(app.engine, brand.id, since=now - SAME_TEXT_WINDOW)
        for ch in brand.channels:
            rows = [r for r in mine if r["channel"] == ch.id]  # a gone channel: left alone
            if not rows:
                continue
            made = format_caption(
                sub, brand, ch, indexes=sorted({min(r["photos"] or [1]) for r in rows}),
                count=count, utm=brand.utm_params,
                recent=[t for t in recent.get(ch.id, []) if t not in old],
            )  # fmt: skip
            for r in rows:
                if (new := made.get(min(r["photos"] or [1]))) is not None:
                    texts[r["id"]] = (new[0], extra_json(new[1]), new[2])
    changed = set_texts(
        app.engine, texts, sources=sources, actor=actor, now=now, why="caption changed"
    )
    if not changed:
        return Result("recaption", (), f"recaption: nothing to change in {what}")
    stopped = [texts[i][2] for i in changed if texts[i][2]]
    msg = f"recaption: new caption on {len(changed)} post(s) of {what}"
    if stopped:
        msg += f"; {len(stopped)} held for review: {stopped[0]}"
    return Result("recaption", tuple(sorted(changed)), msg)


def _submission(app: App, message_id: int) -> Submission:
    """What the message said (its directives: link, CTA, alt), read again from the blob store."""
    from dripcast.store.blobs import BlobMissing, read_message
    from ingest.parse import parse

    row = store.message(app.engine, message_id)
    spool = app.config.resolve(app.config.service.spool_dir)
    try:
        return parse(read_message(app.blobs, spool, row.spool))
    except (OSError, BlobMissing):
        log.warning("message %d: raw message gone; its directives are not used", message_id)
        return Submission(
            message_id=row.message_id, from_addr=row.sender, subject="", caption="",
            directives=Directives(), attachments=(),
        )  # fmt: skip


def release(app: App, *, message: int, actor: Actor, now: datetime) -> Result:
    """Let a quarantined (refused or held) message through: the service plans it anew."""
    if release_message(app.engine, message, actor=actor, now=now):
        return Result(
            "release", (message,), f"message {message} released; `dripcast serve` will plan it"
        )
    try:
        row = store.message(app.engine, message)
    except KeyError:
        return Result("release", (), f"release: there is no message {message}")
    return Result("release", (), f"release: message {message} is not quarantined ({row.status})")


# ---- helpers -----------------------------------------------------------------


def _select(
    app: App,
    post: int | None,
    submission: int | None,
    *,
    channel: str | None = None,
    numbers: Sequence[int] | None = None,
) -> tuple[list[dict[str, Any]], str]:
    if (post is None) == (submission is None):
        raise ValueError("give exactly one of post= and submission=")
    if post is not None:
        if channel or numbers:
            raise ValueError("channel= and numbers= narrow a submission, not a post")
        return store.posts(app.engine, ids=[post], limit=MANY), f"post {post}"
    assert submission is not None
    rows = store.posts(app.engine, message_ids=[submission], limit=MANY)
    if channel:
        rows = [r for r in rows if channel in (r["channel"], r["type"])]
    if numbers:
        rows = [r for r in rows if set(r["photos"]) & set(numbers)]
    return rows, f"submission {submission}"


def _move(
    app: App,
    action: str,
    rows: list[dict[str, Any]],
    what: str,
    *,
    actor: Actor,
    now: datetime,
    times: dict[int, datetime] | None = None,
    all_rows: list[dict[str, Any]] | None = None,
) -> Result:
    sources, target = ACTIONS[action]
    assert target is not None
    ids = [r["id"] for r in rows if r["status"] in sources]
    # The reason a post failed or was held is cleared: it is live again (or cancelled).
    moved = move(
        app.engine, ids, target, sources=sources, actor=actor, now=now, reason=None, times=times
    )
    changed = tuple(sorted(m.id for m in moved))
    if not changed:
        return Result(action, (), f"{action}: {_nothing(app, all_rows or rows, what, action)}")
    zone = _zone(app, rows[0]["brand"])
    msg = f"{action}: {len(changed)} post(s) of {what} → {_outcome(action, times, changed, zone)}"
    left = [r for r in (all_rows or rows) if r["id"] not in changed]
    if left:
        msg += f"; {_counted(left)} left as they were"
    return Result(action, changed, msg)


def _outcome(
    action: str, times: dict[int, datetime] | None, changed: Sequence[int], zone: tzinfo
) -> str:
    if action == "cancel":
        return "cancelled"
    if action == "publish-now":
        return "due now; the service publishes them at its next tick"
    assert times is not None
    first = min(times[i] for i in changed).astimezone(zone)
    return f"scheduled, first at {first:%a %Y-%m-%d %H:%M %Z}"


def _zone(app: App, brand_id: str) -> tzinfo:
    return next((b.zone for b in app.config.brands if b.id == brand_id), UTC)


def _free_times(app: App, rows: list[dict[str, Any]], now: datetime) -> dict[int, datetime]:
    """A future time is kept; a past one becomes the channel's next free slot."""
    from scheduler.grace import new_time  # not for cancel, publish-now, reschedule

    times: dict[int, datetime] = {}
    taken: list[Queued] = []
    for r in sorted(rows, key=lambda r: (r["due_at"], r["id"])):
        brand = next((b for b in app.config.brands if b.id == r["brand"]), None)
        if r["due_at"] > now or brand is None:
            times[r["id"]] = max(r["due_at"], now)
            continue
        if not any(c.id == r["channel"] for c in brand.channels):
            times[r["id"]] = now  # the dispatcher holds it: the channel is gone
            continue
        queue = store.queued(
            app.engine, brand.id, now - timedelta(days=1), channel=r["channel"], but=r["id"]
        )
        at = new_time(brand, r["channel"], [*queue, *taken], now)
        times[r["id"]] = at
        taken.append(Queued(channel=r["channel"], at=at))
    return times


def _nothing(app: App, rows: list[dict[str, Any]], what: str, action: str) -> str:
    """Why an action changed nothing, in the words a person needs."""
    if not rows:
        return f"{what} has no posts" if what.startswith("sub") else f"there is no {what}"
    if len(rows) == 1:
        return f"{what} {_state(rows[0], action, _zone(app, rows[0]['brand']))}"
    return f"nothing to {action} in {what}: {_counted(rows)}"


def _state(r: dict[str, Any], action: str, zone: tzinfo) -> str:
    status = S(r["status"])
    if status == S.PUBLISHED:
        where = f" ({r['url']})" if r["url"] else ""
        tail = "; delete it on the network itself" if action == "cancel" else ""
        at = r["published_at"].astimezone(zone)
        return f"was already published on {at:%Y-%m-%d %H:%M %Z}{where}{tail}"
    if status == S.HELD:
        waits = {
            HoldReason.APPROVAL: "waits for approval (`approve`)",
            HoldReason.REVIEW: "is held for review (`retry` to release it, or `cancel`)",
        }.get(r["held_for"], "is held until a person retries it (`retry`, or `cancel`)")
        return f"{waits}: {r['reason'] or 'no reason recorded'}"
    if status == S.SCHEDULED:
        at = r["due_at"].astimezone(zone)
        return f"is not waiting for anything: it is scheduled for {at:%Y-%m-%d %H:%M %Z}"
    if status == S.PUBLISHING:
        return "is being published right now"
    if status == S.CANCELLED:
        return "was cancelled (`retry` puts it back)"
    return f"failed: {r['reason'] or 'no reason recorded'} (`retry` or `publish-now`)"


def _counted(rows: list[dict[str, Any]]) -> str:
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    return ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
