"""`verify()`: the whole decision, per `verify:` mode, as the SMTP handler will call it."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

import pytest

from dripcast.core.config import Service
from ingest.verify import Verdict, verify
from tests.verify.mail import FakeDNS, Key, brand, message, rsa_key, sign

NOW = datetime(2026, 11, 21, 21, 0, tzinfo=UTC)
SECRET = "k3x7q2m4vz5nb6wc7yt2hpa4dr5sfg3j"
MX = "mx.agency.dk"


@pytest.fixture(scope="module")
def key() -> Key:
    return rsa_key(1024)


@pytest.fixture
def dns(key: Key) -> FakeDNS:
    return FakeDNS({"s1._domainkey.brand.com": key.record, "s1._domainkey.relay.net": key.record})


def run(raw: bytes, dns: FakeDNS | None = None, **kw: object) -> Verdict:
    service = kw.pop("service", Service())
    recipient = kw.pop("recipient", None)
    envelope = {k: kw.pop(k) for k in ("client_ip", "helo", "mail_from") if k in kw}
    b = brand(**kw)
    v = verify(
        raw,
        brand=b,
        service=service,  # type: ignore[arg-type]
        resolver=dns or FakeDNS({}),
        now=NOW,
        recipient=recipient,  # type: ignore[arg-type]
        **envelope,  # type: ignore[arg-type]
    )
    # Every reply is one SMTP line the handler can send as is.
    assert re.fullmatch(r"[245]\d\d [245]\.\d{1,3}\.\d{1,3} [\x20-\x7e]+", v.reply), v.reply
    assert v.reply.startswith("250") == (v.ok or v.held) and not (v.ok and v.held)
    assert "\n" not in v.reason and "\r" not in v.reason
    return v


# ---- verify: none — the senders list only ----------------------------------


def test_allowed_sender_is_accepted() -> None:
    v = run(message())
    assert v.ok and v.reply.startswith("250 ")
    assert v.sender == "alice@brand.com"


def test_sender_not_in_the_list_gets_5_7_1() -> None:
    v = run(message(sender="Mallory <mallory@brand.com>"))
    assert not v.ok and not v.held
    assert v.reply.startswith("550 5.7.1 ")
    assert "mallory@brand.com" in v.reason


@pytest.mark.parametrize(
    "sender", ["evil@attacker.net <alice@brand.com>", "alice@brand.com(<evil@x>"]
)
def test_parser_differential_from_is_refused(sender: str) -> None:
    # Some parser reads alice@brand.com, an allowed sender, in each of these.
    v = run(message(sender=sender), senders=("alice@brand.com", "*@attacker.net", "*@x"))
    assert not v.ok and v.reply.startswith("550 5.7.1 ")
    assert v.sender is None


def test_second_from_header_is_refused() -> None:
    v = run(message(extra="From: alice@brand.com\r\n", sender="evil@attacker.net"))
    assert v.reply.startswith("550 5.7.1 ")


# ---- verify: token -------------------------------------------------------------


def token_brand(**kw: object) -> dict[str, object]:
    return {"verify": "token", "token": SECRET, **kw}


def test_token_brand_with_the_right_tag_and_sender_is_accepted() -> None:
    assert run(message(), recipient=f"bakery+{SECRET}@dripcast.dk", **token_brand()).ok


@pytest.mark.parametrize(
    "recipient", [None, "bakery@dripcast.dk", "bakery+guess@dripcast.dk", f"bakery+{SECRET}@x.dk"]
)
def test_token_brand_without_the_right_tag_is_an_unknown_recipient(recipient: str | None) -> None:
    v = run(message(), recipient=recipient, **token_brand())
    assert v.reply.startswith("550 5.1.1 ")


def test_token_brand_still_checks_senders() -> None:
    v = run(
        message(sender="mallory@else.com"),
        recipient=f"bakery+{SECRET}@dripcast.dk",
        **token_brand(),
    )
    assert v.reply.startswith("550 5.7.1 ")


# ---- verify: dmarc -----------------------------------------------------------------


def test_dmarc_aligned_pass_is_accepted(key: Key, dns: FakeDNS) -> None:
    v = run(sign(message(), key, domain="brand.com"), dns, verify="dmarc")
    assert v.ok
    assert "d=brand.com" in v.reason


def test_dmarc_relay_only_signature_gets_5_7_26(key: Key, dns: FakeDNS) -> None:
    v = run(sign(message(), key, domain="relay.net"), dns, verify="dmarc")
    assert v.reply.startswith("550 5.7.26 ")
    assert "not aligned" in v.reason


def test_dmarc_unsigned_spoof_from_an_allowed_address_gets_5_7_26(dns: FakeDNS) -> None:
    v = run(message(), dns, verify="dmarc")
    assert v.reply.startswith("550 5.7.26 ")


def test_dmarc_signed_but_not_allowed_gets_5_7_1_without_a_dns_query(
    key: Key, dns: FakeDNS
) -> None:
    v = run(sign(message(sender="bob@brand.com"), key, domain="brand.com"), dns, verify="dmarc")
    assert v.reply.startswith("550 5.7.1 ")
    assert dns.asked == []


def test_dmarc_dns_timeout_gets_451_4_4_3(key: Key, dns: FakeDNS) -> None:
    dns.slow = ("s1._domainkey.brand.com",)
    v = run(sign(message(), key, domain="brand.com"), dns, verify="dmarc")
    assert v.reply.startswith("451 4.4.3 ")
    assert v.temporary and not v.ok and not v.held


def test_dmarc_from_added_above_a_signed_message_is_refused(key: Key, dns: FakeDNS) -> None:
    signed = sign(message(sender="alice@brand.com"), key, domain="brand.com")
    v = run(b"From: alice@brand.com\r\n" + signed, dns, verify="dmarc")
    assert not v.ok


@pytest.mark.parametrize(
    "added", [b"Subject: Buy crypto now\r\n", b"Content-Type: text/plain\r\n", b"To: x@y.dk\r\n"]
)
def test_dmarc_header_added_above_a_signed_message_is_refused(
    key: Key, dns: FakeDNS, added: bytes
) -> None:
    # dkimpy checks the bottom-most Subject (the signed one); a reader of the
    # top one would post the attacker's words under the brand's signature.
    signed = sign(message(extra="Content-Type: text/plain\r\n"), key, domain="brand.com")
    assert run(signed, dns, verify="dmarc").ok
    v = run(added + signed, dns, verify="dmarc")
    assert v.reply.startswith("550 5.6.0 ")


# ---- verify: dmarc by SPF, only as the border MTA ------------------------------------

SPF = {("brand.com", "TXT"): ["v=spf1 ip4:192.0.2.0/24 -all"]}
ENVELOPE = {"client_ip": "192.0.2.3", "helo": "mail.brand.com", "mail_from": "alice@brand.com"}


def test_border_mta_counts_aligned_spf() -> None:
    dns = FakeDNS(zone=SPF)
    v = run(message(), dns, verify="dmarc", service=Service(border_mta=True), **ENVELOPE)
    assert v.ok
    assert "SPF pass for brand.com" in v.reason


def test_behind_an_mta_spf_is_not_even_asked() -> None:
    dns = FakeDNS(zone=SPF)
    v = run(message(), dns, verify="dmarc", **ENVELOPE)
    assert v.reply.startswith("550 5.7.26 ")
    assert not any(q.startswith("TXT") for q in dns.asked)


def test_border_mta_spf_fail_and_dkim_fail_is_refused() -> None:
    dns = FakeDNS(zone=SPF)
    envelope = {**ENVELOPE, "client_ip": "198.51.100.1"}
    v = run(message(), dns, verify="dmarc", service=Service(border_mta=True), **envelope)
    assert v.reply.startswith("550 5.7.26 ")
    assert "no DKIM signature" in v.reason and "SPF fail" in v.reason


def test_border_mta_spf_timeout_without_dkim_is_temporary() -> None:
    dns = FakeDNS(zone=SPF, slow=("brand.com",))
    v = run(message(), dns, verify="dmarc", service=Service(border_mta=True), **ENVELOPE)
    assert v.reply.startswith("451 4.4.3 ")


# ---- verify: upstream ----------------------------------------------------------------


def upstream(value: str) -> bytes:
    return message(extra=f"Authentication-Results: {value}\r\n")


def mx() -> Service:
    return Service(trusted_authserv_id=MX)


def test_upstream_pass_is_accepted() -> None:
    v = run(upstream(f"{MX}; dmarc=pass header.from=brand.com"), verify="upstream", service=mx())
    assert v.ok


def test_upstream_forged_header_from_another_id_is_ignored() -> None:
    raw = upstream("mx.attacker.net; dmarc=pass header.from=brand.com")
    v = run(raw, verify="upstream", service=mx())
    assert v.reply.startswith("550 5.7.26 ")


def test_upstream_trusted_dmarc_fail_gets_5_7_26() -> None:
    v = run(upstream(f"{MX}; dmarc=fail header.from=brand.com"), verify="upstream", service=mx())
    assert v.reply.startswith("550 5.7.26 ")


def test_upstream_without_a_trusted_id_is_a_server_problem_not_a_pass() -> None:
    v = run(upstream(f"{MX}; dmarc=pass header.from=brand.com"), verify="upstream")
    assert v.reply.startswith("451 4.3.5 ")
    assert "trusted_authserv_id" in v.reason


# ---- replay ----------------------------------------------------------------------------


def test_message_older_than_max_age_is_held() -> None:
    v = run(message(date="Fri, 13 Nov 2026 20:00:00 +0000"))
    assert v.held and not v.ok
    assert v.reply.startswith("250 ")
    assert "older than max_age" in v.reason


def test_max_age_comes_from_the_service() -> None:
    raw = message(date="Fri, 20 Nov 2026 19:00:00 +0000")
    assert run(raw).ok
    assert run(raw, service=Service(max_age="1d")).held


@pytest.mark.parametrize(
    "extra_date",
    ["Date: Sun, 22 Nov 2026 20:00:00 +0000\r\n", "Date: Sat, 21 Nov 2026 20:00:00 +0000\r\n"],
)
def test_two_date_headers_are_refused(extra_date: str) -> None:
    v = run(message(extra=extra_date))
    assert v.reply.startswith("550 5.6.0 ") and "date" in v.reason


def test_missing_date_is_held() -> None:
    raw = message().replace(b"Date: Sat, 21 Nov 2026 20:00:00 +0000\r\n", b"")
    v = run(raw)
    assert v.held and "no single Date" in v.reason


@pytest.mark.parametrize(
    "date", ["Thu, 03 Dec 2026 09:00:00 +0000", "not a date", "Sat, 21 Nov 2026 25:99:00 +0000"]
)
def test_future_or_unreadable_date_is_held(date: str) -> None:
    assert run(message(date=date)).held


def test_date_in_another_zone_and_without_zone() -> None:
    assert run(message(date="Sat, 21 Nov 2026 22:30:00 +0100")).ok
    assert run(message(date="Sat, 21 Nov 2026 20:00:00 -0000")).ok


def test_refusal_wins_over_hold(dns: FakeDNS) -> None:
    v = run(message(date="Fri, 13 Nov 2026 20:00:00 +0000"), dns, verify="dmarc")
    assert v.reply.startswith("550 5.7.26 ") and not v.held


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        verify(
            message(),
            brand=brand(),
            service=Service(),
            resolver=FakeDNS({}),
            now=NOW.replace(tzinfo=None),
        )


# ---- secrets ----------------------------------------------------------------------------


def test_the_token_never_reaches_replies_reasons_or_logs(
    key: Key, dns: FakeDNS, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    to = f"bakery+{SECRET}@dripcast.dk"
    # A z= tag copies signed headers, the To with the secret included, into the signature.
    signed = sign(message(to=to), key, domain="brand.com")
    z_copy = signed.replace(b"; h=", f"; z=To:{to}; h=".encode(), 1)
    cases = [
        (message(to=to), {"recipient": to}),
        (message(to=to), {"recipient": "bakery+wrong@dripcast.dk"}),
        (message(to=to, sender="x@evil.com"), {"recipient": to}),
        (message(to=to, sender="evil@attacker.net <alice@brand.com>"), {"recipient": to}),
        (message(to=to, date="Fri, 13 Nov 2026 20:00:00 +0000"), {"recipient": to}),
        (z_copy, {"verify": "dmarc"}),
        (signed.replace(b"croissants", b"crypto"), {"verify": "dmarc"}),
    ]
    verdicts = []
    for raw, kw in cases:
        kw = {"verify": "token", "token": SECRET, **kw}
        verdicts.append(run(raw, dns, **kw))
    assert {v.reply.split()[0] for v in verdicts} >= {"250", "550"}  # both paths ran
    for v in verdicts:
        assert SECRET not in v.reply and SECRET not in v.reason and SECRET not in repr(v)
    assert SECRET not in caplog.text


@pytest.mark.parametrize(
    "line", [b"From\t: evil@attacker.net\r\n", b"From evil@attacker.net\r\n", b": no name\r\n"]
)
def test_header_block_that_parsers_could_end_differently_is_refused(line: bytes) -> None:
    raw = message()
    head, _, rest = raw.partition(b"\r\n")
    v = run(head + b"\r\n" + line + rest)
    assert v.reply.startswith("550 5.6.0 ")
    assert not run(b" folded: first\r\n" + raw).ok
