"""`verify: dmarc`: a DKIM signature of the From domain's organisation, checked here.

DMARC passes by DKIM when a signature verifies over the bytes as received and
its `d=` aligns with the From domain (relaxed: same organisational domain by the
Public Suffix List). We add what a spoofer would otherwise slip through:

- every signature up to `MAX_SIGNATURES` is tried, because a relay or mailing
  list often signs on top of the brand's own signature;
- `l=` is refused outright: it lets anyone append a body under a valid signature;
- the signature must cover `from` (dkimpy also counts an added second From),
  and `subject` and `date` when present: the subject becomes the caption and
  the date is what stops an old signed message from being replayed;
- RSA keys under 1024 bits are refused (they are factorable).

Only aligned signatures cost a DNS query. A DNS timeout on one of them, with
no other aligned signature passing, is a temporary failure, not a refusal.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from ingest.resolver import TxtLookup

if TYPE_CHECKING:
    from publicsuffixlist import PublicSuffixList

# dkimpy (and dnspython under it) load when a DKIM check runs, not with the module:
# `dripcast preview` for a `verify: none` brand, and `--help`, never pay for them.

MAX_SIGNATURES = 5
MIN_RSA_BITS = 1024
DNS_TIMEOUT = 5.0

# dkimpy logs signature tags at debug level, and a `z=` tag can copy the To
# header (with a plus-tag secret) into them; our reasons say all that is needed.
_QUIET = logging.Logger("dripcast.dkim.quiet", level=logging.CRITICAL + 1)


@dataclass(frozen=True, kw_only=True)
class Check:
    """One verification method's answer; `reason` is for logs, never holds a secret."""

    status: Literal["pass", "fail", "temperror"]
    reason: str


@lru_cache(maxsize=1)
def _psl() -> PublicSuffixList:
    # accept_unknown=False: a TLD missing from the list gets no organisational
    # domain, so alignment falls back to an exact match rather than a guess.
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList(accept_unknown=False)


def org_domain(domain: str) -> str | None:
    """The registrable ("organisational") domain, e.g. brand.co.uk for mail.brand.co.uk."""
    try:
        ascii_domain = domain.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    found = _psl().privatesuffix(ascii_domain)
    return found if isinstance(found, str) else None


def aligned(signing_domain: str, from_domain: str) -> bool:
    """Relaxed DMARC alignment: equal, or the same organisational domain."""
    try:
        d = signing_domain.rstrip(".").encode("idna").decode("ascii").lower()
        f = from_domain.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        return False
    if not d or not f:
        return False
    if d == f:
        return True
    org = org_domain(f)
    return org is not None and org == org_domain(d)


class _Watched:
    """Passes lookups to the resolver and remembers whether one timed out."""

    def __init__(self, resolver: TxtLookup) -> None:
        self.resolver = resolver
        self.timed_out = False

    def __call__(self, name: bytes, timeout: float = DNS_TIMEOUT) -> bytes | str | None:
        import dkim

        try:
            return self.resolver(name, timeout=timeout)
        except (dkim.DnsTimeoutError, TimeoutError, OSError) as e:
            self.timed_out = True
            raise dkim.DnsTimeoutError(type(e).__name__) from None


def dkim_check(raw: bytes, from_domain: str, resolver: TxtLookup) -> Check:
    """Pass when one of the top `MAX_SIGNATURES` DKIM signatures verifies and aligns."""
    import dkim

    try:
        headers, _ = dkim.rfc822_parse(raw)
    except dkim.DKIMException as e:
        return Check(status="fail", reason=f"unreadable message: {printable(str(e))}")
    signatures = [v for k, v in headers if k.lower() == b"dkim-signature"]
    if not signatures:
        return Check(status="fail", reason="no DKIM signature")
    watched = _Watched(resolver)
    must_sign = {b"from"} | {k.lower() for k, _ in headers if k.lower() in (b"subject", b"date")}
    notes: list[str] = []
    for idx, value in enumerate(signatures[:MAX_SIGNATURES]):
        ok, note = _one(raw, idx, value, from_domain, must_sign, watched)
        if ok:
            return Check(status="pass", reason=f"DKIM {note}")
        notes.append(f"[{idx + 1}] {note}")
    if len(signatures) > MAX_SIGNATURES:
        notes.append(f"{len(signatures) - MAX_SIGNATURES} more not checked")
    summary = "; ".join(notes)
    if watched.timed_out:
        return Check(status="temperror", reason=f"DNS timeout looking up a DKIM key: {summary}")
    return Check(status="fail", reason=f"no aligned DKIM signature verified: {summary}")


def _one(
    raw: bytes, idx: int, value: bytes, from_domain: str, must_sign: set[bytes], dns: _Watched
) -> tuple[bool, str]:
    import dkim
    from dkim.util import InvalidTagValueList, parse_tag_value

    try:
        tags = parse_tag_value(value)
    except InvalidTagValueList:
        return False, "unparsable signature"
    d = tags.get(b"d", b"").decode("ascii", "replace").strip()
    s = tags.get(b"s", b"").decode("ascii", "replace").strip()
    who = f"d={printable(d)} s={printable(s)}"
    signed = {h.strip().lower() for h in tags.get(b"h", b"").split(b":")}
    if b"l" in tags:
        return False, f"{who}: has l= (body length limit)"
    unsigned = must_sign - signed
    if unsigned:
        names = ", ".join(sorted(n.decode().title() for n in unsigned))
        return False, f"{who}: does not sign {names}"
    if not aligned(d, from_domain):
        return False, f"{who}: not aligned with {from_domain}"
    verifier = dkim.DKIM(raw, logger=_QUIET, minkey=MIN_RSA_BITS, timeout=DNS_TIMEOUT)
    try:
        passed = verifier.verify(idx=idx, dnsfunc=dns)
    except dkim.DKIMException as e:
        return False, f"{who}: {printable(str(e))}"
    except Exception as e:  # a crafted message must not crash intake; it just fails
        return False, f"{who}: cannot be checked ({type(e).__name__})"
    if not passed:
        return False, f"{who}: signature did not verify"
    if verifier.ktag == b"rsa" and (verifier.keysize or 0) < MIN_RSA_BITS:
        return False, f"{who}: RSA key of {verifier.keysize} bits is too small"
    return True, f"pass {who}"


def printable(text: str) -> str:
    """One short printable line: reasons go to logs, where newlines forge entries."""
    text = re.sub(r"[^\x20-\x7e]", "?", text)
    return text if len(text) <= 120 else text[:117] + "..."
