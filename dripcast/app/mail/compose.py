"""One outgoing mail as bytes: multipart/alternative, plain text first, then HTML whose
images are inline `cid:` parts (multipart/related), threaded to what it answers.
"""

from __future__ import annotations

import email.policy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid


@dataclass(frozen=True, kw_only=True)
class Draft:
    """What a mail says; `images` maps a content id (used as `cid:ID` in `html`) to JPEG bytes."""

    subject: str
    text: str
    html: str | None = None
    images: Mapping[str, bytes] = field(default_factory=dict)


def new_message_id(sender: str) -> str:
    return make_msgid(idstring="dripcast", domain=sender.rpartition("@")[2] or "localhost")


def compose(
    draft: Draft,
    *,
    display_name: str,
    sender: str,
    to: Sequence[str],
    message_id: str,
    reply_to: str | None = None,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
    auto: str = "auto-replied",
) -> bytes:
    """`auto`: RFC 3834 Auto-Submitted (`auto-replied` answers a message, `auto-generated`
    is on a timer), so well-behaved autoresponders do not answer and start a loop."""
    msg = EmailMessage(policy=email.policy.SMTP)
    local, _, domain = sender.rpartition("@")
    msg["From"] = Address(display_name=display_name, username=local, domain=domain)
    msg["To"] = ", ".join(to)
    msg["Subject"] = draft.subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = message_id
    if reply_to:
        msg["Reply-To"] = reply_to
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    refs = [*references, *([in_reply_to] if in_reply_to and in_reply_to not in references else [])]
    if refs:
        msg["References"] = " ".join(refs[-10:])  # the thread root and the latest few
    msg["Auto-Submitted"] = auto
    msg["X-Auto-Response-Suppress"] = "All"  # Exchange: no out-of-office to this
    msg.set_content(draft.text, cte="quoted-printable")
    if draft.html is not None:
        msg.add_alternative(draft.html, subtype="html", cte="quoted-printable")
        html_part = msg.get_payload()[1]  # type: ignore[index]
        assert isinstance(html_part, EmailMessage)
        for cid, data in draft.images.items():
            html_part.add_related(data, "image", "jpeg", cid=f"<{cid}>", filename=f"{cid}.jpg")
    return msg.as_bytes()
