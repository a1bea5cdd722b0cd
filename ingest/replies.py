"""Is a received message a reply to a mail dripcast sent? What the headers and the
envelope recipient say; the caller looks the references up in the outbox.

A reply is known by `In-Reply-To`/`References` naming a Message-ID we sent, or by
the signed plus-tag of the Reply-To we gave (`bakery+r-<id>-<mac>@…`), which
survives mail clients that drop `References`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message

from dripcast.core.tokens import REPLY_PREFIX, read_reply_tag

_MSGID = re.compile(r"<[^<>\s]{1,990}>")


@dataclass(frozen=True, kw_only=True)
class Refs:
    mail_ids: tuple[int, ...]  # outbox ids from a verified reply tag
    message_ids: tuple[str, ...]  # Message-IDs the message says it answers

    def __bool__(self) -> bool:
        return bool(self.mail_ids or self.message_ids)


def reply_refs(head: Message, rcpt: str, brand: str, key: bytes | None) -> Refs:
    ids: list[int] = []
    local = rcpt.strip().strip("<>").rpartition("@")[0]
    _, plus, tag = local.partition("+")
    if plus and key and tag.lower().startswith(REPLY_PREFIX):
        found = read_reply_tag(key, brand, tag.lower())
        if found is not None:
            ids.append(found)
    refs: list[str] = []
    for name in ("in-reply-to", "references"):
        for value in head.get_all(name) or ():
            refs += _MSGID.findall(str(value))
    return Refs(mail_ids=tuple(ids), message_ids=tuple(dict.fromkeys(refs))[-50:])


def auto_submitted(head: Message) -> bool:
    """An autoresponder's or a robot's mail (RFC 3834, and the older Precedence): never a command."""
    auto = str(head.get("auto-submitted", "no") or "no").strip().lower()
    precedence = str(head.get("precedence", "") or "").strip().lower()
    return auto != "no" or precedence in ("bulk", "junk", "list", "auto_reply")
