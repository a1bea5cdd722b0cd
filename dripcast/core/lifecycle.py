"""The post and message lifecycles: the statuses, the one transition table, who acts.

Every write of a post's status goes through `dripcast.store.lifecycle.transition`,
which checks the table and the row's current status in the same statement, and
records an event. A move not in `POST_MOVES` is a bug and raises `IllegalMove`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal


class PostStatus(StrEnum):
    SCHEDULED = "scheduled"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    FAILED = "failed"
    HELD = "held"
    CANCELLED = "cancelled"


class MessageStatus(StrEnum):
    RECEIVED = "received"
    PROCESSING = "processing"
    PLANNED = "planned"
    FAILED = "failed"
    REFUSED = "refused"
    HELD = "held"
    REPLY = "reply"  # a verified reply to a mail we sent: commands, never a post
    ANSWERING = "answering"  # its commands are being run (claimed, with a lease)
    ANSWERED = "answered"  # done; `reason` says what was done


class HoldReason(StrEnum):
    """Why a held post waits (`posts.held_for`); the `reason` text says it to a person."""

    APPROVAL = "approval"  # the brand approves every post: `approve`
    REVIEW = "review"  # the text needs a look (an off-limits phrase): `retry` or `cancel`
    PROBLEM = "problem"  # publishing stopped (auth, gone channel, outcome unknown): `retry`


S = PostStatus

# (from, to): every status change a post may make. from == to is a new time, same status.
POST_MOVES: frozenset[tuple[PostStatus, PostStatus]] = frozenset(
    {
        (S.SCHEDULED, S.PUBLISHING),  # the dispatcher claims a due post
        (S.PUBLISHING, S.PUBLISHED),
        (S.PUBLISHING, S.SCHEDULED),  # retry after a passing fault, or moved past grace
        (S.PUBLISHING, S.FAILED),  # the network rejected it
        (S.PUBLISHING, S.HELD),  # auth expired, channel gone, outcome unknown, gave up
        (S.SCHEDULED, S.HELD),  # the channel was paused
        (S.SCHEDULED, S.SCHEDULED),  # publish-now, reschedule
        (S.HELD, S.HELD),  # reschedule keeps the hold
        (S.HELD, S.SCHEDULED),  # approve, retry
        (S.FAILED, S.SCHEDULED),  # retry, publish-now
        (S.CANCELLED, S.SCHEDULED),  # retry
        (S.SCHEDULED, S.CANCELLED),
        (S.HELD, S.CANCELLED),
        (S.FAILED, S.CANCELLED),
    }
)

M = MessageStatus

# (from, to): every status change a stored message may make.
MESSAGE_MOVES: frozenset[tuple[MessageStatus, MessageStatus]] = frozenset(
    {
        (M.RECEIVED, M.PROCESSING),  # the pipeline claims it
        (M.PROCESSING, M.PROCESSING),  # a lease run out, taken over
        (M.PROCESSING, M.RECEIVED),  # a restart releases its claims
        (M.PROCESSING, M.PLANNED),
        (M.PROCESSING, M.FAILED),  # refused in processing (no photo, duplicate...)
        (M.REFUSED, M.RECEIVED),  # released by a person
        (M.HELD, M.RECEIVED),  # released by a person
        (M.REPLY, M.ANSWERING),  # the reply handler claims it
        (M.ANSWERING, M.ANSWERING),  # a lease run out, taken over
        (M.ANSWERING, M.ANSWERED),
    }
)

# What a person may do, from which statuses, to which status (None: the status stays).
ACTIONS: dict[str, tuple[frozenset[PostStatus], PostStatus | None]] = {
    "cancel": (frozenset({S.SCHEDULED, S.HELD, S.FAILED}), S.CANCELLED),
    "retry": (frozenset({S.FAILED, S.HELD, S.CANCELLED}), S.SCHEDULED),
    "publish-now": (frozenset({S.SCHEDULED, S.HELD, S.FAILED}), S.SCHEDULED),
    "approve": (frozenset({S.HELD}), S.SCHEDULED),  # only posts held for approval
    "reschedule": (frozenset({S.SCHEDULED, S.HELD}), None),
}

# What a status means to a person who asked for something it does not allow.
STATUS_MEANS: dict[PostStatus, str] = {
    S.SCHEDULED: "is scheduled",
    S.PUBLISHING: "is being published right now",
    S.PUBLISHED: "was already published",
    S.FAILED: "failed",
    S.HELD: "is held",
    S.CANCELLED: "was cancelled",
}


class IllegalMove(ValueError):
    """A status change the transition table does not allow (a bug in the caller)."""


def check_move(frm: PostStatus, to: PostStatus) -> None:
    if (frm, to) not in POST_MOVES:
        raise IllegalMove(f"a post may not go from {frm} to {to}")


def check_message_move(frm: MessageStatus, to: MessageStatus) -> None:
    if (frm, to) not in MESSAGE_MOVES:
        raise IllegalMove(f"a message may not go from {frm} to {to}")


def message_sources(to: MessageStatus) -> frozenset[MessageStatus]:
    """Every status the table allows a message to move from to `to`."""
    return frozenset(f for f, t in MESSAGE_MOVES if t == to)


def sources_for(to: PostStatus) -> frozenset[PostStatus]:
    """Every status the table allows to move to `to`."""
    return frozenset(f for f, t in POST_MOVES if t == to)


@dataclass(frozen=True)
class Actor:
    """Who made a change: a CLI user, a mail sender, a web user, or the service itself."""

    kind: Literal["cli", "mail", "web", "system"]
    name: str


DISPATCHER = Actor("system", "dispatcher")
PLANNER = Actor("system", "planner")
