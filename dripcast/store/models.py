"""The database tables, typed SQLAlchemy 2 models. Only the store's modules use them.

The posts table is the schedule: `due_at`, `status`, `attempts` and
`claimed_until` say everything the dispatcher needs; APScheduler keeps no
per-post state.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Message(Base):
    """A received message, stored before it was acknowledged."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    brand: Mapped[str] = mapped_column(String(64))
    transport: Mapped[str] = mapped_column(String(8))  # smtp | lmtp | stdin
    mail_from: Mapped[str] = mapped_column(String(320))
    rcpt: Mapped[str] = mapped_column(String(320))
    sender: Mapped[str | None] = mapped_column(String(320))  # the canonical From
    message_id: Mapped[str | None] = mapped_column(String(998))
    spool: Mapped[str] = mapped_column(String(255))  # file name in the spool folder
    size: Mapped[int]
    received_at: Mapped[datetime]
    # received → processing → planned | failed; refused and held are kept for a person;
    # reply: an answer to a mail dripcast sent (commands for the mail layer, never posts)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    claimed_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))  # the node planning it
    processed_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_messages_status", "status"),
        Index("ix_messages_dedup", "brand", "sender", "message_id", unique=True),
    )


class Photo(Base):
    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    brand: Mapped[str] = mapped_column(String(64))
    index: Mapped[int]
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    pixels: Mapped[str] = mapped_column(String(64))  # hash of the decoded pixels, for dedup
    width: Mapped[int]
    height: Mapped[int]
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_photos_brand_pixels", "brand", "pixels"),)


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    brand: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(16))
    photos: Mapped[list[Any]]
    text: Mapped[str] = mapped_column(Text)
    media: Mapped[list[Any]]
    extra: Mapped[dict[str, Any]]
    remote: Mapped[dict[str, Any]]  # what the publisher keeps between tries
    due_at: Mapped[datetime]
    # scheduled → publishing → published | failed | held | cancelled
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))  # the node publishing it
    published_at: Mapped[datetime | None]
    external_id: Mapped[str | None] = mapped_column(String(255))
    url: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)  # last error, or why it is held
    held_for: Mapped[str | None] = mapped_column(String(16))  # a HoldReason, when held
    created_at: Mapped[datetime]

    __table_args__ = (
        # The dispatcher's one hot query: due scheduled posts, oldest first.
        Index("ix_posts_status_due", "status", "due_at"),
        Index("ix_posts_brand_channel_due", "brand", "channel", "due_at"),
        Index("ix_posts_message", "message"),
    )


class Event(Base):
    """One change of a post (or a message): from, to, who, why, when. Written, never edited."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    message: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_kind: Mapped[str] = mapped_column(String(8))
    actor_name: Mapped[str] = mapped_column(String(320))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]

    __table_args__ = (
        Index("ix_events_post", "post"),
        Index("ix_events_message", "message"),
    )


class JobRun(Base):
    """When a periodic job (weekly report, clean-up) last ran, so that one process runs it."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    ran_at: Mapped[datetime]


class Credential(Base):
    """A channel's refreshed tokens, encrypted with service.secret_key; one row per secret."""

    __tablename__ = "credentials"

    name: Mapped[str] = mapped_column(String(255), primary_key=True)  # brand/channel/what
    data: Mapped[str] = mapped_column(Text)  # Fernet token of the JSON document
    updated_at: Mapped[datetime]


class Mail(Base):
    """The outbox of mail dripcast sends: stored before it is sent, sent from here.

    `raw` is the whole message as it goes over the wire (its Message-ID inside), so a
    retry sends the same bytes; `key` makes one mail per event (a second enqueue of
    the same key is a no-op). queued → sending → sent | failed (a 5xx, for good).
    """

    __tablename__ = "mails"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    brand: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(
        String(16)
    )  # confirmation | refusal | held | summary | answer
    key: Mapped[str] = mapped_column(String(255), unique=True)
    to: Mapped[list[Any]]
    sender: Mapped[str] = mapped_column(String(320))  # envelope MAIL FROM
    message_id: Mapped[str] = mapped_column(String(998), unique=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(998))
    subject: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    about: Mapped[dict[str, Any]]  # {"message": id, "posts": [ids in the mail's numbering]}
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_try: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(Text)  # the smarthost's last answer or error
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_mails_status_next", "status", "next_try"),)


class CommentRow(Base):
    """A comment read from a channel, what was decided, and the brand's answer to it.

    status: new → ignored | escalate → escalated | held (review) → reply → replying →
    answered | failed. `replying` is written *before* the answer is sent: a row found
    in it after a crash is looked up on the network before anything is sent again.
    """

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    brand: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(64))
    network: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(512))
    parent: Mapped[str | None] = mapped_column(String(512))  # what it replies to, if known
    thread: Mapped[str] = mapped_column(String(512))  # the network's conversation root
    conversation: Mapped[str] = mapped_column(String(512))  # ours: one answer per conversation
    author: Mapped[str] = mapped_column(String(320))
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    post_url: Mapped[str | None] = mapped_column(Text)
    reply_to: Mapped[dict[str, Any]]
    own: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    seen_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    action: Mapped[str | None] = mapped_column(String(8))  # answer | escalate | ignore
    faq: Mapped[str | None] = mapped_column(String(64))
    score: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str | None] = mapped_column(Text)
    reply_text: Mapped[str | None] = mapped_column(Text)
    reply_by: Mapped[str | None] = mapped_column(String(320))  # "faq", or who wrote it
    remote: Mapped[dict[str, Any]]  # what a reply in progress keeps (Threads' container)
    reply_external_id: Mapped[str | None] = mapped_column(String(512))
    reply_url: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retry_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_comments_unique", "brand", "channel", "external_id", unique=True),
        Index("ix_comments_status", "status"),
        Index("ix_comments_conversation", "brand", "channel", "conversation"),
        Index("ix_comments_reply", "brand", "channel", "reply_external_id"),
        Index("ix_comments_brand_seen", "brand", "seen_at"),
    )


class CommentCursor(Base):
    """Where each channel's comment reader left off (opaque to all but that reader)."""

    __tablename__ = "comment_cursors"

    brand: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    cursor: Mapped[dict[str, Any]]
    read_at: Mapped[datetime]
    next_at: Mapped[datetime | None]  # a network's 429 or outage: not before this
    error: Mapped[str | None] = mapped_column(Text)
