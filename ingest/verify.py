"""`verify(raw, …) -> Verdict`: may this message post for this brand?

Pure apart from the injected DNS resolver: the clock comes in as `now`. The
steps, each refusing on its own:

1. one canonical From (`ingest.senders.canonical_from`)       → 550 5.7.1
2. a header block all parsers read alike (no mbox "From " first
   line, no bare CR, no CRLF/LF mix: `limits.two_ways`), no repeated
   singleton field (Subject, Date, To…)                         → 550 5.6.0
3. `verify: token`: the recipient's plus-tag is the secret     → 550 5.1.1
4. the brand's `senders` list allows that From                  → 550 5.7.1
5. `verify: dmarc` (DKIM, or SPF as border MTA) / `upstream`:
   the From domain is proven                                    → 550 5.7.26
   (a DNS timeout                                               → 451 4.4.3)
6. the Date is within `service.max_age` (replay)                → held for a person

Replies are fixed texts: nothing from the message or the envelope is echoed,
so no secret (the plus-tag) and no attacker's text reaches the SMTP client.
Reasons are for logs and the quarantine list and never carry the plus-tag.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import errors
from email.message import Message
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from dripcast.core.config import Brand, Service
from dripcast.core.timeparse import parse_duration
from ingest.limits import header_block, two_ways
from ingest.parse import read_head
from ingest.recipients import brand_for_recipient
from ingest.resolver import Resolver
from ingest.senders import allowed, canonical_from

if TYPE_CHECKING:  # DKIM, SPF and upstream checks load for the brands that use them
    from ingest.dmarc import Check

# Fields a message has at most once (RFC 5322 3.6, RFC 2045). A second copy
# added above a signed message is unsigned, yet a parser may read it first:
# the classic way to put your words under someone's DKIM signature.
SINGLETONS = frozenset(
    [
        "date",
        "from",
        "sender",
        "reply-to",
        "to",
        "cc",
        "bcc",
        "message-id",
        "in-reply-to",
        "references",
        "subject",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
    ]
)
_BROKEN_HEADERS = (
    errors.MissingHeaderBodySeparatorDefect,
    errors.FirstHeaderLineIsContinuationDefect,
    errors.MisplacedEnvelopeHeaderDefect,
    errors.InvalidHeaderDefect,  # a line with no field name
)
FUTURE_SLACK = timedelta(days=1)  # clocks are wrong; a Date further ahead dodges max_age

REPLY_OK = "250 2.0.0 Message accepted"
REPLY_HELD = "250 2.0.0 Message accepted and held for review"
REPLY_BAD_FROM = "550 5.7.1 The From header must hold exactly one plain address"
REPLY_BROKEN = "550 5.6.0 The message header is malformed"
REPLY_REPEATED = "550 5.6.0 A header field that must appear once appears twice"
REPLY_NOT_ALLOWED = "550 5.7.1 Sender is not allowed to post to this address"
REPLY_UNKNOWN = "550 5.1.1 No such recipient here"
REPLY_UNVERIFIED = "550 5.7.26 Sender could not be verified (DKIM/DMARC)"
REPLY_DNS = "451 4.4.3 DNS lookup timed out while verifying the sender, try again later"
REPLY_CONFIG = "451 4.3.5 Sender verification is not configured on this server"


@dataclass(frozen=True, kw_only=True)
class Verdict:
    """The decision on one message.

    ok       post it.
    held     do not post, do not refuse: keep it for a person (e.g. a replay).
    neither  refused: answer `reply` over SMTP; in LMTP/ingest modes quarantine it.
    `reply` is a whole SMTP reply line; a 4xx one means "try again later".
    """

    ok: bool
    reply: str
    reason: str
    held: bool = False
    sender: str | None = None  # the canonical From, when there was one

    @property
    def temporary(self) -> bool:
        return self.reply.startswith("4")


def verify(
    raw: bytes,
    *,
    brand: Brand,
    service: Service,
    resolver: Resolver,
    now: datetime,
    recipient: str | None = None,
    client_ip: str | None = None,
    helo: str | None = None,
    mail_from: str | None = None,
    head: Message | None = None,
    reply_key: bytes | None = None,
) -> Verdict:
    """Decide on `raw` (the exact bytes received) for `brand`.

    `recipient` is the envelope RCPT that selected the brand; `verify: token`
    brands are refused without it (550 5.1.1), so a caller that forgot it
    fails closed rather than open. `client_ip`, `helo` and `mail_from` (the
    SMTP envelope) let SPF count for `verify: dmarc` when `service.border_mta`.
    `head`: `raw` already parsed (the header block is enough, `ingest.parse.read_head`);
    parsed here when not given.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    # The header block only: every check reads header fields, DKIM reads `raw`, and a
    # full parse recurses once per MIME nesting level (1,000 raise RecursionError).
    msg = head if head is not None else read_head(raw)
    ambiguous = two_ways(header_block(raw) or raw)
    if ambiguous:
        return _refuse(REPLY_BROKEN, ambiguous)
    sender, problem = canonical_from(msg)
    if sender is None:
        return _refuse(REPLY_BAD_FROM, problem or "unusable From header")
    if any(isinstance(d, _BROKEN_HEADERS) for d in msg.defects):
        # Where the header block ends is then a matter of opinion between parsers.
        return _refuse(REPLY_BROKEN, "the header block is malformed", sender)
    repeated = _repeated(msg)
    if repeated:
        return _refuse(REPLY_REPEATED, f"repeated header fields: {repeated}", sender)
    if brand.verify == "token" and (
        recipient is None or brand_for_recipient(recipient, (brand,), reply_key) is not brand
    ):
        # The recipient holds (or lacks) the secret: it never goes into the reason.
        return _refuse(REPLY_UNKNOWN, "recipient without the brand's secret tag", sender)
    if not allowed(sender, brand.senders):
        return _refuse(REPLY_NOT_ALLOWED, f"{sender} is not in the brand's senders", sender)
    if brand.verify == "upstream" and not service.trusted_authserv_id:
        return _refuse(REPLY_CONFIG, "verify: upstream needs service.trusted_authserv_id", sender)
    envelope = (client_ip, helo, mail_from)
    check = _prove(raw, msg, sender, brand, service, resolver, envelope)
    if check is not None and check.status != "pass":
        reply = REPLY_DNS if check.status == "temperror" else REPLY_UNVERIFIED
        return _refuse(reply, check.reason, sender)
    proof = f"{sender} allowed" + (f"; {check.reason}" if check else "")
    stale = _replay(msg, service.max_age, now)
    if stale:
        return Verdict(
            ok=False, held=True, reply=REPLY_HELD, reason=f"{stale} ({proof})", sender=sender
        )
    return Verdict(ok=True, reply=REPLY_OK, reason=proof, sender=sender)


def _prove(
    raw: bytes,
    msg: Message,
    sender: str,
    brand: Brand,
    service: Service,
    resolver: Resolver,
    envelope: tuple[str | None, str | None, str | None],
) -> Check | None:
    """The verification of `brand.verify`, or None when the mode has none."""
    domain = sender.rpartition("@")[2]
    if brand.verify == "dmarc":
        from ingest.dmarc import Check, dkim_check
        from ingest.spf import spf_check

        dkim = dkim_check(raw, domain, resolver)
        client_ip, helo, mail_from = envelope
        # Behind another MTA the client is that MTA, so SPF would judge the wrong host.
        if dkim.status == "pass" or not service.border_mta or not client_ip:
            return dkim
        spf = spf_check(client_ip, mail_from, helo, domain, resolver)
        if spf.status == "pass":
            return spf
        if "temperror" in (dkim.status, spf.status):
            return Check(status="temperror", reason=f"{dkim.reason}; {spf.reason}")
        return Check(status="fail", reason=f"{dkim.reason}; {spf.reason}")
    if brand.verify == "upstream" and service.trusted_authserv_id:
        from ingest.upstream import upstream_check

        headers = [(k, str(v)) for k, v in msg.raw_items()]
        return upstream_check(headers, domain, service.trusted_authserv_id)
    return None


def _repeated(msg: Message) -> str:
    names = [k.lower() for k, _ in msg.raw_items()]
    return ", ".join(sorted({n for n in names if n in SINGLETONS and names.count(n) > 1}))


def _replay(msg: Message, max_age: str, now: datetime) -> str | None:
    """Why the message's Date makes it look replayed, or None when it is recent."""
    dates = [str(v) for k, v in msg.raw_items() if k.lower() == "date"]
    if len(dates) != 1:
        return "no single Date header: cannot tell how old the message is"
    try:
        sent = parsedate_to_datetime(dates[0].strip())
    except (TypeError, ValueError, IndexError):
        return "unreadable Date header: cannot tell how old the message is"
    if sent.tzinfo is None:  # "-0000": UTC, origin unknown (RFC 5322 3.3)
        sent = sent.replace(tzinfo=UTC)
    if now - sent > parse_duration(max_age):
        return f"dated {sent.isoformat()}, older than max_age {max_age}"
    if sent - now > FUTURE_SLACK:
        return f"dated {sent.isoformat()}, in the future"
    return None


def _refuse(reply: str, reason: str, sender: str | None = None) -> Verdict:
    return Verdict(ok=False, reply=reply, reason=reason, sender=sender)
