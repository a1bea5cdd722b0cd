"""Put each kind of mail in the outbox: built from plain values, threaded, tagged.

Who may receive what is decided here, and only here (SPEC: no backscatter):
confirmations, refusals and answers go to a sender that passed the brand's checks
(the caller passes the verified `sender` of a stored message, never a From it did
not verify); held notices go to the brand's `agency`; summaries to `report_to`.
Every enqueue has an event `key`, so doing it twice mails once.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from dripcast.app.context import App
from dripcast.app.mail import render
from dripcast.app.mail.compose import Draft, compose, new_message_id
from dripcast.app.mail.views import (
    Answer,
    Comment,
    Confirmation,
    Held,
    PostLine,
    Refusal,
    Summary,
)
from dripcast.core.blobs import MEDIA
from dripcast.core.config import Brand, Config
from dripcast.core.tokens import load_reply_key, reply_tag
from dripcast.store import mails as store_mail
from dripcast.store.blobs import Blobs

log = logging.getLogger("dripcast.mail")


class Notifier:
    """Enqueues mails for one config; a no-op (returns None) without `outgoing_mail`."""

    def __init__(self, config: Config, engine: Engine, *, blobs: Blobs | None = None) -> None:
        """`blobs`: the blob store of the posts' images (their thumbnails go inline) and
        raw messages: the service's own; else one is opened when first needed."""
        self.config = config
        self.engine = engine
        self.app = App(config=config, engine=engine, blob_store=blobs)
        secret = config.service.reply_key
        self.key = load_reply_key(
            secret.get_secret_value() if secret else None, config.resolve(config.service.state_dir)
        )

    @property
    def enabled(self) -> bool:
        return self.config.service.outgoing_mail is not None

    def read_image(self, name: str) -> bytes:
        """A post's image by its blob key, from the store every node shares (BlobMissing,
        OSError); a file path (`preview`, an older version's post) from the file."""
        if name.startswith(MEDIA):
            return self.app.blobs.get_sync(name)
        return render.read_file(name)

    def reply_address(self, brand: Brand, mail_id: int) -> str:
        local, _, domain = brand.address.partition("@")
        return f"{local}+{reply_tag(self.key, brand.id, mail_id)}@{domain}"

    def enqueue(
        self,
        brand: Brand,
        draft: Draft,
        *,
        kind: str,
        key: str,
        to: Sequence[str],
        about: dict[str, Any],
        now: datetime,
        answering: str | None = None,
        references: Sequence[str] = (),
        auto: str = "auto-replied",
    ) -> int | None:
        if not self.enabled or not to:
            return None
        sender = self.config.service.mail_from or brand.address

        def build(mail_id: int) -> tuple[str, bytes]:
            msgid = new_message_id(sender)
            raw = compose(
                draft,
                display_name=brand.name,
                sender=sender,
                to=to,
                message_id=msgid,
                reply_to=self.reply_address(brand, mail_id),
                in_reply_to=answering,
                references=references,
                auto=auto,
            )
            return msgid, raw

        mid = store_mail.enqueue(
            self.engine,
            now=now,
            brand=brand.id,
            kind=kind,
            key=key,
            to=to,
            sender=sender,
            subject=draft.subject,
            about=about,
            in_reply_to=answering,
            build=build,
        )
        if mid is not None:
            log.info("%s mail %d for %s queued to %s", kind, mid, brand.id, ", ".join(to))
        return mid

    # ---- the kinds ------------------------------------------------------------

    def confirmation(
        self,
        brand: Brand,
        view: Confirmation,
        *,
        message: int,
        sender: str,
        answering: str | None,
        now: datetime,
    ) -> int | None:
        """To the verified sender of stored message `message`, numbered as `view.posts`."""
        if not brand.confirm:
            return None
        return self.enqueue(
            brand,
            render.confirmation(view, self.read_image),
            kind="confirmation",
            key=f"confirm:{message}",
            to=[sender],
            now=now,
            answering=answering,
            about={
                "message": message,
                "posts": [p.post_id for p in view.posts],
                "channels": [p.channel for p in view.posts],
            },
        )

    def refusal(
        self,
        brand: Brand,
        view: Refusal,
        *,
        message: int,
        sender: str | None,
        answering: str | None,
        now: datetime,
    ) -> int | None:
        """`sender` must be the verified sender of a message that passed the checks."""
        if sender is None:
            return None
        return self.enqueue(
            brand,
            render.refusal(view),
            kind="refusal",
            key=f"refusal:{message}",
            to=[sender],
            now=now,
            answering=answering,
            about={"message": message, "posts": []},
        )

    def held(self, brand: Brand, posts: Sequence[PostLine], *, now: datetime) -> int | None:
        """One mail to `agency` naming the held posts not named before (a digest when many)."""
        if not brand.agency or not posts:
            return None
        ids = [p.post_id for p in posts if p.post_id is not None]
        fresh = set(ids) - store_mail.told(self.engine, brand.id, "held", ids)
        todo = [p for p in posts if p.post_id in fresh]
        if not todo:
            return None
        numbered = tuple(PostLine(**{**p.__dict__, "number": n}) for n, p in enumerate(todo, 1))
        key = "held:" + hashlib.sha256(",".join(map(str, sorted(fresh))).encode()).hexdigest()[:32]
        view = Held(brand_name=brand.name, language=brand.language, posts=numbered)
        return self.enqueue(
            brand,
            render.held(view, self.read_image),
            kind="held",
            key=key,
            to=brand.agency,
            now=now,
            about={
                "posts": [p.post_id for p in numbered],
                "channels": [p.channel for p in numbered],
            },
            auto="auto-generated",
        )

    def answer(
        self,
        brand: Brand,
        view: Answer,
        *,
        reply_message: int,
        to: str,
        answering: str | None,
        references: Sequence[str],
        about: dict[str, Any],
        now: datetime,
    ) -> int | None:
        """What a reply did, to its verified sender; replyable like the mail it answered."""
        return self.enqueue(
            brand,
            render.answer(view),
            kind="answer",
            key=f"answer:{reply_message}",
            to=[to],
            now=now,
            answering=answering,
            references=references,
            about=about,
        )

    def comment(
        self, brand: Brand, view: Comment, *, key: str, comment: int, now: datetime
    ) -> int | None:
        """An escalation to `report_to`, or a draft (`view.draft`) to `agency`; one mail
        per `key`. A reply to it answers comment `comment`."""
        to = brand.agency if view.draft else brand.summary_to
        if not to:
            return None
        return self.enqueue(
            brand,
            render.comment(view),
            kind="draft" if view.draft else "escalation",
            key=key,
            to=to,
            now=now,
            about={"comment": comment, "draft": bool(view.draft), "posts": []},
            auto="auto-generated",
        )

    def summary(self, brand: Brand, view: Summary, *, key: str, now: datetime) -> int | None:
        return self.enqueue(
            brand,
            render.summary(view),
            kind="summary",
            key=key,
            to=brand.summary_to,
            now=now,
            about={
                "posts": [p.post_id for p in view.held],
                "channels": [p.channel for p in view.held],
            },
            auto="auto-generated",
        )
