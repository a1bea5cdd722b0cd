"""FAQ monitoring's values: the brand's `faq:` config, a comment as read, a decision.

Kept free of I/O like the rest of the core: readers (publishers/comments) make
`Comment`s, the decider (faq/) makes `Decision`s, the store keeps both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from dripcast.core.channels import Strict
from dripcast.core.timeparse import parse_duration

Action = Literal["answer", "escalate", "ignore"]

# Networks that let dripcast read the comments on its posts (SPEC, "FAQ monitoring").
READABLE = frozenset({"mastodon", "bluesky", "facebook", "instagram", "threads", "wordpress", "x"})


class FaqAnswer(Strict):
    """One frequently asked question: how people ask it, and the brand's answer."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
    questions: tuple[str, ...] = Field(min_length=1)
    answer: str = Field(min_length=1)

    @field_validator("questions")
    @classmethod
    def _questions(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if any(not q.strip() for q in v):
            raise ValueError("a question must not be empty")
        return v


class Faq(Strict):
    """The brand's `faq:` key."""

    mode: Literal["auto", "review", "off"] = "review"
    poll: str = "5m"
    answers: tuple[FaqAnswer, ...] = ()
    escalate: tuple[str, ...] = ()  # words that always go to the client
    # Below this confidence (0..1) a matching question is escalated, not answered.
    threshold: float = Field(default=0.6, ge=0, le=1)

    @field_validator("poll")
    @classmethod
    def _poll(cls, v: str) -> str:
        if parse_duration(v).total_seconds() < 60:
            raise ValueError("poll at most once a minute (networks limit reads), e.g. 5m")
        return v

    @field_validator("escalate")
    @classmethod
    def _words(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if any(not w.strip() for w in v):
            raise ValueError("an escalate word must not be empty")
        return v

    @model_validator(mode="after")
    def _ids(self) -> Faq:
        ids = [a.id for a in self.answers]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"faq answer ids must be unique: {', '.join(dupes)}")
        if self.mode != "off" and not self.answers and not self.escalate:
            raise ValueError("faq needs answers (or escalate words), or mode: off")
        return self

    @property
    def poll_seconds(self) -> float:
        return parse_duration(self.poll).total_seconds()


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
