"""The client-mail side of `serve` that a person drives: replies, through the actions.

`ClientMail` is the service's `Notices` (confirmations, refusals, held digests) plus
`handle_replies(now)`: stored replies, their commands run through
`dripcast.app.actions` with the sender as actor. `dripcast serve` hands it to the
service (`replies=ClientMail`), so the application layer never imports this adapter.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from dripcast.app import actions, faq_monitor
from dripcast.app.mail.notices import Notices
from dripcast.core.config import Config
from dripcast.core.lifecycle import Actor
from dripcast.mail.replies import ReplyHandler
from dripcast.store.blobs import Blobs


def mail_actor(kind: str, name: str) -> Actor:
    assert kind == "mail"
    return Actor(kind="mail", name=name)


class ClientMail(Notices):
    def __init__(self, config: Config, engine: Engine, *, blobs: Blobs | None = None) -> None:
        super().__init__(config, engine, blobs=blobs)
        self.replies = ReplyHandler(
            config, engine, actions=actions, app=self.notifier.app,
            make_actor=mail_actor, comments=faq_monitor, blobs=blobs,
        )  # fmt: skip

    def handle_replies(self, now: datetime) -> list[str]:
        return [self.replies.handle(mid, now) for mid in self.replies.pending(now)]
