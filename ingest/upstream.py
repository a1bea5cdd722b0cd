"""`verify: upstream`: believe the DMARC result our own MTA wrote, and no one else's.

Anyone can put an `Authentication-Results` header in a message. The MTA in
front of us (Postfix with OpenDKIM or rspamd) prepends its own, so the topmost
header carrying its authserv-id is the one it wrote; lower ones with the same
id, and all with other ids, are ignored (RFC 8601 section 5).
"""

from __future__ import annotations

import re

import authres

from ingest.dmarc import Check

_FOLD = re.compile(r"\r?\n(?=[ \t])")


def upstream_check(
    headers: list[tuple[str, str]], from_domain: str, trusted_authserv_id: str
) -> Check:
    """`headers` are (name, raw value) pairs in message order, top first."""
    trusted = trusted_authserv_id.strip().lower()
    for name, value in headers:
        if name.lower() != "authentication-results":
            continue
        text = _FOLD.sub("", value).strip()
        try:
            parsed = authres.AuthenticationResultsHeader.parse_value(text)
        except Exception:
            # An unparsable header cannot be attributed to anyone; if it was
            # our MTA's, the next trusted one below is not the topmost, so stop.
            if text.split(";", 1)[0].lower().split()[:1] == [trusted]:
                return Check(
                    status="fail", reason="the trusted Authentication-Results is unreadable"
                )
            continue
        if str(parsed.authserv_id).lower() != trusted:
            continue
        return _judge(parsed, from_domain)
    return Check(status="fail", reason=f"no Authentication-Results from {trusted}")


def _judge(parsed: authres.AuthenticationResultsHeader, from_domain: str) -> Check:
    results: list[str] = []
    for result in parsed.results:
        if str(result.method).lower() != "dmarc":
            continue
        domains = [
            str(p.value).lower()
            for p in result.properties
            if str(p.type).lower() == "header" and str(p.name).lower() == "from"
        ]
        if from_domain.lower() in domains:
            results.append(str(result.result).lower())
    if not results:
        return Check(
            status="fail",
            reason=f"trusted Authentication-Results has no dmarc result for {from_domain}",
        )
    if all(r == "pass" for r in results):
        return Check(status="pass", reason=f"upstream dmarc=pass for {from_domain}")
    if any(r == "temperror" for r in results) and not any(r == "fail" for r in results):
        return Check(status="temperror", reason=f"upstream dmarc=temperror for {from_domain}")
    shown = ",".join(sorted(set(results)))
    return Check(status="fail", reason=f"upstream dmarc={_safe(shown)} for {from_domain}")


def _safe(text: str) -> str:
    return re.sub(r"[^a-z0-9,_-]", "?", text)[:40]
