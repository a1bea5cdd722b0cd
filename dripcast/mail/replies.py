"""Acting on a reply: its commands, through the application layer's actions, with the
sender as actor; then one answer mail saying what was done.

Intake already decided that the message is a reply from a sender that passed the
brand's checks (status `reply`); a reply that failed them was never stored as one,
changes nothing and is answered by no one. The actions are `dripcast.app.actions`
(wired by `dripcast.mail.wiring`), typed here by the `Actions` protocol so tests
can also hand in a recording stand-in.
"""

from __future__ import annotations

import email.policy
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any, Protocol

from sqlalchemy import Engine

from dripcast.app.mail import i18n
from dripcast.app.mail.notify import Notifier
from dripcast.app.mail.views import Answer
from dripcast.core.config import Brand, Config
from dripcast.mail.commands import (
    Approve,
    Cancel,
    Caption,
    Command,
    Move,
    Unknown,
    When,
    own_lines,
    parse_reply,
    resolve_when,
)
from dripcast.store import mails as store_mail
from dripcast.store import queries as store
from dripcast.store.blobs import Blobs, read_message
from ingest.htmltext import html_to_text
from ingest.replies import auto_submitted, reply_refs

log = logging.getLogger("dripcast.mail")

LEASE = timedelta(minutes=5)


class ResultLike(Protocol):
    @property
    def action(self) -> str: ...
    @property
    def changed(self) -> tuple[int, ...]: ...
    @property
    def message(self) -> str: ...


class Actions(Protocol):
    """The part of `dripcast.app.actions` replies use (TEAM.md); the module satisfies it."""

    def approve(
        self,
        app: Any,
        *,
        post: int | None = ...,
        submission: int | None = ...,
        actor: Any,
        now: datetime,
    ) -> ResultLike: ...

    def cancel(
        self,
        app: Any,
        *,
        post: int | None = ...,
        submission: int | None = ...,
        channel: str | None = ...,
        numbers: Any = ...,
        actor: Any,
        now: datetime,
    ) -> ResultLike: ...

    def reschedule(
        self, app: Any, *, post: int | None = ..., submission: int | None = ...,
        when: datetime, actor: Any, now: datetime,
    ) -> ResultLike: ...  # fmt: skip

    def recaption(
        self, app: Any, *, post: int | None = ..., submission: int | None = ...,
        caption: str, actor: Any, now: datetime,
    ) -> ResultLike: ...  # fmt: skip


class CommentActions(Protocol):
    """The FAQ monitor's actions a reply to an escalation or draft uses (faq_monitor)."""

    def post_client_reply(
        self, app: Any, *, comment: int, text: str, actor: Any, now: datetime
    ) -> ResultLike: ...

    def approve_reply(self, app: Any, *, comment: int, actor: Any, now: datetime) -> ResultLike: ...


@dataclass(frozen=True, kw_only=True)
class Target:
    """What the answered mail was about: its submission and its numbered posts."""

    message: int | None
    posts: tuple[int, ...]  # post id of number n at index n-1
    channels: tuple[str, ...]  # the channel of each, same order


def target(about: dict[str, Any]) -> Target:
    return Target(
        message=about.get("message"),
        posts=tuple(int(p) for p in about.get("posts", ()) if p is not None),
        channels=tuple(about.get("channels", ())),
    )


def run_commands(
    commands: list[Command],
    t: Target,
    brand: Brand,
    *,
    actions: Actions,
    app: Any,
    actor: Any,
    now: datetime,
) -> tuple[list[str], list[str]]:
    """Each command through the actions; returns (what was done, lines not understood)."""
    done: list[str] = []
    ignored: list[str] = []
    local_now = now.astimezone(brand.zone)
    w = i18n.words(brand.language)

    def post(n: int) -> int | None:
        if 1 <= n <= len(t.posts):
            return t.posts[n - 1]
        done.append(w["no_post"].format(n=n, count=len(t.posts)))
        return None

    def say(r: ResultLike, when: datetime | None = None) -> None:
        done.append(said(r, t, brand.language, when))

    def each_or_all(fn: Callable[..., ResultLike], when: datetime | None = None, **kw: Any) -> None:
        if when is not None:
            kw["when"] = when
        if t.message is not None:
            say(fn(app, submission=t.message, actor=actor, now=now, **kw), when)
        else:  # a held notice or a summary: its numbered posts
            for pid in t.posts:
                say(fn(app, post=pid, actor=actor, now=now, **kw), when)

    for c in commands:
        match c:
            case Approve(numbers=()):
                each_or_all(actions.approve)
            case Approve(numbers=ns):
                for n in ns:
                    if (pid := post(n)) is not None:
                        say(actions.approve(app, post=pid, actor=actor, now=now))
            case Cancel(numbers=(), network=None):
                each_or_all(actions.cancel)
            case Cancel(numbers=(), network=net) if net is not None:
                chosen = {c.id for c in brand.channels if net in (c.id, c.type)}
                if not chosen:
                    done.append(w["no_network"].format(brand=brand.name, net=net))
                for ch in sorted(chosen):
                    if t.message is not None:
                        say(
                            actions.cancel(
                                app, submission=t.message, channel=ch, actor=actor, now=now
                            )
                        )
                    else:
                        for pid, pch in zip(t.posts, t.channels, strict=False):
                            if pch == ch:
                                say(actions.cancel(app, post=pid, actor=actor, now=now))
            case Cancel(numbers=ns):
                for n in ns:
                    if (pid := post(n)) is not None:
                        say(actions.cancel(app, post=pid, actor=actor, now=now))
            case Move(number=n, when=text):
                try:
                    at = resolve_when(text, local_now)
                except ValueError as e:
                    done.append(f"move {n}: {e}")
                    continue
                if (pid := post(n)) is not None:
                    say(actions.reschedule(app, post=pid, when=at, actor=actor, now=now), at)
            case When(when=text):
                try:
                    at = resolve_when(text, local_now)
                except ValueError as e:
                    done.append(f"when: {e}")
                    continue
                each_or_all(actions.reschedule, when=at)
            case Caption(text=text):
                each_or_all(actions.recaption, caption=text)
            case Unknown(line=line):
                ignored.append(line)
    return done, ignored


class ReplyHandler:
    """Handles stored replies: `handle(message_id, now)`; a no-op when `actions` is None."""

    def __init__(
        self,
        config: Config,
        engine: Engine,
        *,
        actions: Actions | None,
        app: Any = None,
        make_actor: Callable[[str, str], Any] = lambda kind, name: (kind, name),
        comments: CommentActions | None = None,
        blobs: Blobs | None = None,
    ) -> None:
        self.comments = comments
        self.config = config
        self.engine = engine
        self.actions = actions
        self.app = app
        self.make_actor = make_actor
        self.notifier = Notifier(config, engine, blobs=blobs)

    def pending(self, now: datetime) -> list[int]:
        if self.actions is None:
            return []  # kept as `reply` until the actions are wired
        return store_mail.claim_replies(self.engine, now=now, lease=LEASE)

    def handle(self, message_id: int, now: datetime) -> str:
        """Act on one claimed reply; returns the line stored as its reason."""
        assert self.actions is not None
        row = store.message(self.engine, message_id)
        brand = self.config.brand(row.brand)
        spool = self.config.resolve(self.config.service.spool_dir)
        raw = read_message(self.notifier.app.blobs, spool, row.spool)
        msg = BytesParser(policy=email.policy.default, _class=EmailMessage).parsebytes(raw)
        refs = reply_refs(msg, row.rcpt, brand.id, self.notifier.key)
        sent = store_mail.find_sent(
            self.engine, brand.id, ids=refs.mail_ids, message_ids=refs.message_ids
        )
        if sent is None or row.sender is None:
            return self._close(message_id, now, "reply to an unknown mail: nothing done")
        if auto_submitted(msg):
            # An autoresponder's "I am away": never a command, never answered (no loops).
            return self._close(message_id, now, "automatic reply: nothing done")
        commands = parse_reply(body_text(msg))
        actor = self.make_actor("mail", row.sender)
        ignored: list[str] = []
        if "comment" in sent.about:
            done = self._comment(sent.about, body_text(msg), commands, actor, now)
        else:
            done, ignored = run_commands(
                commands, target(sent.about), brand,
                actions=self.actions, app=self.app, actor=actor, now=now,
            )  # fmt: skip
        subject = str(msg.get("subject", "") or "")
        own_id = str(msg.get("message-id", "") or "").strip() or None
        self.notifier.answer(
            brand,
            Answer(language=brand.language, subject=subject, lines=tuple(done),
                   ignored=tuple(ignored)),
            reply_message=message_id, to=row.sender, answering=own_id,
            references=refs.message_ids, about=sent.about, now=now,
        )  # fmt: skip
        what = "; ".join(done) or "no command understood"
        log.info("reply %d from %s: %s", message_id, row.sender, what)
        return self._close(message_id, now, what)

    def _comment(
        self, about: dict[str, Any], text: str, commands: list[Command], actor: Any, now: datetime
    ) -> list[str]:
        """A reply to an escalation: its own words are the brand's public answer. To a
        draft: `approve` posts the draft, other words are posted instead."""
        if self.comments is None:
            return ["answering comments by mail is not available here; nothing was posted"]
        comment = int(about["comment"])
        known = [c for c in commands if not isinstance(c, Unknown)]  # "Looks good" before it
        if about.get("draft") and known and known[0] == Approve(()):
            r = self.comments.approve_reply(self.app, comment=comment, actor=actor, now=now)
            return [r.message]
        words = "\n".join(own_lines(text))
        r = self.comments.post_client_reply(
            self.app, comment=comment, text=words, actor=actor, now=now
        )
        return [r.message]

    def _close(self, message_id: int, now: datetime, reason: str) -> str:
        store_mail.close_reply(self.engine, message_id, now=now, reason=reason)
        return reason


def said(r: ResultLike, t: Target, language: str, when: datetime | None = None) -> str:
    """An action's Result in the client's words and language, posts named by the numbers
    of the mail it answers (never a post id or "submission 10")."""
    w = i18n.words(language)
    at = i18n.when(when, language) if when is not None else ""
    action = {"publish-now": "approve", "reschedule": "move", "recaption": "caption"}.get(
        r.action, r.action
    )
    if not r.changed:
        if action == "move" and "in the past" in r.message:
            return w["none_move_past"].format(when=at)
        return w.get(f"none_{action}", r.message)
    numbers = sorted(t.posts.index(pid) + 1 for pid in r.changed if pid in t.posts)
    if len(numbers) < len(r.changed):
        posts = w["posts_count"].format(n=len(r.changed))
    elif len(numbers) == 1:
        posts = w["post_one"].format(n=numbers[0])
    else:
        ns = [str(n) for n in numbers]
        posts = w["post_many"].format(ns=f"{', '.join(ns[:-1])} {w['and']} {ns[-1]}")
    if action == "move":
        return w["did_move_one" if len(r.changed) == 1 else "did_move"].format(posts=posts, when=at)
    if action == "caption":
        line = w["did_caption_one" if len(r.changed) == 1 else "did_caption"].format(
            n=len(r.changed)
        )
        held = re.search(r"(\d+) held for review", r.message)
        return f"{line} {w['did_caption_held'].format(n=held[1])}" if held else line
    return w.get(f"did_{action}", r.message).format(posts=posts)


def numbered(line: str, post_id: int, number: int) -> str:
    """An action's line about `post <id>` in the client's words: the number in its mail."""
    return re.sub(rf"\bpost {post_id}\b", f"post {number}", line)


def body_text(msg: EmailMessage) -> str:
    """The reply's own text: its plain part, else its HTML as text (quotes dropped there)."""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError):
        return ""
    if not isinstance(content, str):
        return ""
    return html_to_text(content).text if part.get_content_subtype() == "html" else content
