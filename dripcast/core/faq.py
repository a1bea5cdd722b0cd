"""FAQ monitoring's values: a comment as read, a decision, and (from faq_config) the
brand's `faq:` config.

Kept free of I/O like the rest of the core: readers (publishers/comments) make
`Comment`s, the decider (faq/) makes `Decision`s, the store keeps both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from dripcast.core.faq_config import Faq, FaqAnswer

__all__ = ["READABLE", "Action", "Comment", "Cursor", "Decision", "Faq", "FaqAnswer", "Replied"]

Action = Literal["answer", "escalate", "ignore"]

# Networks that let dripcast read the comments on its posts (SPEC, "FAQ monitoring").
READABLE = frozenset({"mastodon", "bluesky", "facebook", "instagram", "threads", "wordpress", "x"})


@dataclass(frozen=True, kw_only=True)
class Comment:
    """A comment, reply or mention on one of the brand's channels, as a reader found it.

    `thread` names the conversation (the brand's post it hangs under, or its root);
    `reply_to` is what a reply must point at on that network (a comment id, or for
    Bluesky the root and parent uri + cid) and is kept as given.
    """

    network: str
    external_id: str  # the network's id of the comment
    thread: str  # the conversation's root (our post) on the network
    text: str
    author: str  # handle or name, for the mail and the log
    created_at: datetime
    own: bool = False  # written by the brand's own account
    parent: str | None = None  # the network id of what it replies to (our post, a comment)
    url: str | None = None
    post_url: str | None = None  # the post it is on, for the escalation mail
    reply_to: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Decision:
    """What to do with one comment, and why (the reason is for the log and the mail)."""

    action: Action
    faq: str | None = None
    score: float = 0.0
    reply: str | None = None
    reason: str = ""

    def as_json(self, text: str) -> dict[str, Any]:
        """The `dripcast faq` line (SPEC's command table)."""
        return {
            "text": text,
            "action": self.action,
            "faq": self.faq,
            "score": round(self.score, 3),
            "reply": self.reply,
        }


@dataclass(frozen=True, kw_only=True)
class Cursor:
    """Where a channel's reader left off; opaque to everyone but that reader."""

    value: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Replied:
    """Where the brand's answer went live."""

    external_id: str
    url: str | None = None
