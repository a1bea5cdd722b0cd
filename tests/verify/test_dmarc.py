"""`verify: dmarc` at the DKIM level: real dkimpy signatures, keys made here, fake DNS."""

from __future__ import annotations

import pytest

from ingest.dmarc import aligned, dkim_check, org_domain
from tests.verify.mail import FakeDNS, Key, message, rsa_key, sign, weak_rsa_key


@pytest.fixture(scope="module")
def brand_key() -> Key:
    return rsa_key(1024)


@pytest.fixture(scope="module")
def relay_key() -> Key:
    return rsa_key(2048)


@pytest.fixture
def dns(brand_key: Key, relay_key: Key) -> FakeDNS:
    return FakeDNS(
        {
            "s1._domainkey.brand.com": brand_key.record,
            "s1._domainkey.mail.brand.co.uk": brand_key.record,
            "s1._domainkey.evil.co.uk": brand_key.record,
            "relay._domainkey.relay.net": relay_key.record,
        }
    )


def test_aligned_signature_passes(brand_key: Key, dns: FakeDNS) -> None:
    raw = sign(message(), brand_key, domain="brand.com")
    check = dkim_check(raw, "brand.com", dns)
    assert check.status == "pass"
    assert "d=brand.com" in check.reason
    assert dns.asked == ["s1._domainkey.brand.com"]


def test_lf_line_endings_as_a_pipe_delivers_them_still_verify(brand_key: Key, dns: FakeDNS) -> None:
    # Postfix's pipe(8) and procmail hand `dripcast ingest` LF-only lines.
    raw = sign(message(), brand_key, domain="brand.com").replace(b"\r\n", b"\n")
    assert b"\r" not in raw
    assert dkim_check(raw, "brand.com", dns).status == "pass"


def test_signature_of_the_organisational_domain_aligns(brand_key: Key, dns: FakeDNS) -> None:
    raw = sign(message(sender="alice@brand.co.uk"), brand_key, domain="mail.brand.co.uk")
    assert dkim_check(raw, "brand.co.uk", dns).status == "pass"


def test_public_suffix_is_not_an_organisation(brand_key: Key, dns: FakeDNS) -> None:
    # evil.co.uk and brand.co.uk share only the public suffix co.uk.
    raw = sign(message(sender="alice@brand.co.uk"), brand_key, domain="evil.co.uk")
    check = dkim_check(raw, "brand.co.uk", dns)
    assert check.status == "fail"
    assert "not aligned with brand.co.uk" in check.reason


def test_unaligned_pass_of_a_relay_alone_is_refused(relay_key: Key, dns: FakeDNS) -> None:
    raw = sign(message(), relay_key, domain="relay.net", selector="relay")
    check = dkim_check(raw, "brand.com", dns)
    assert check.status == "fail"
    assert "d=relay.net s=relay: not aligned with brand.com" in check.reason
    assert dns.asked == []  # an unaligned signature is not worth a query


def test_relay_signature_on_top_of_the_brands_is_accepted(
    brand_key: Key, relay_key: Key, dns: FakeDNS
) -> None:
    inner = sign(message(), brand_key, domain="brand.com")
    raw = sign(
        b"Received: from mx.brand.com by relay.net\r\n" + inner,
        relay_key,
        domain="relay.net",
        selector="relay",
    )
    assert raw.startswith(b"DKIM-Signature:") and raw.count(b"DKIM-Signature:") == 2
    assert dkim_check(raw, "brand.com", dns).status == "pass"


def test_body_tail_appended_under_l_is_refused(brand_key: Key, dns: FakeDNS) -> None:
    raw = sign(message(), brand_key, domain="brand.com", length=True)
    raw += b"Click here: https://attacker.net/phish\r\n"
    check = dkim_check(raw, "brand.com", dns)
    assert check.status == "fail"
    assert "l=" in check.reason


def test_l_tag_is_refused_even_with_an_untouched_body(brand_key: Key, dns: FakeDNS) -> None:
    raw = sign(message(), brand_key, domain="brand.com", length=True)
    assert dkim_check(raw, "brand.com", dns).status == "fail"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"Subject: New croissants", b"Subject: Buy crypto now"),
        (b"Date: Sat, 21 Nov 2026 20:00:00", b"Date: Sun, 22 Nov 2026 20:00:00"),
        (b"Fresh from the oven.", b"Fresh from the 0ven."),
    ],
)
def test_change_after_signing_is_refused(
    brand_key: Key, dns: FakeDNS, old: bytes, new: bytes
) -> None:
    raw = sign(message(), brand_key, domain="brand.com")
    assert old in raw
    check = dkim_check(raw.replace(old, new), "brand.com", dns)
    assert check.status == "fail"
    assert "d=brand.com" in check.reason


def test_512_bit_key_is_refused(dns: FakeDNS) -> None:
    weak = weak_rsa_key(512)
    assert weak.bits == 512
    dns.records["weak._domainkey.brand.com"] = weak.record
    raw = sign(message(), weak, domain="brand.com", selector="weak")
    check = dkim_check(raw, "brand.com", dns)
    assert check.status == "fail"
    assert "too small" in check.reason


def test_signature_that_does_not_cover_from_is_refused(brand_key: Key, dns: FakeDNS) -> None:
    raw = sign(message(), brand_key, domain="brand.com")
    raw = raw.replace(b"h=from : to", b"h=to", 1)
    assert b"h=to :" in raw
    check = dkim_check(raw, "brand.com", dns)
    assert check.status == "fail"
    assert "does not sign From" in check.reason


def test_signature_that_does_not_cover_the_subject_is_refused(brand_key: Key, dns: FakeDNS) -> None:
    raw = sign(message(), brand_key, domain="brand.com", headers=("from", "to", "date"))
    check = dkim_check(raw, "brand.com", dns)
    assert check.status == "fail"
    assert "does not sign Subject" in check.reason
    raw = sign(message(), brand_key, domain="brand.com", headers=("from", "to"))
    assert "does not sign Date, Subject" in dkim_check(raw, "brand.com", dns).reason


def test_without_subject_and_date_from_alone_may_be_signed(brand_key: Key, dns: FakeDNS) -> None:
    raw = message().replace(b"Subject: New croissants\r\n", b"")
    raw = raw.replace(b"Date: Sat, 21 Nov 2026 20:00:00 +0000\r\n", b"")
    raw = sign(raw, brand_key, domain="brand.com", headers=("from",))
    assert dkim_check(raw, "brand.com", dns).status == "pass"


def test_only_the_top_signatures_are_tried(brand_key: Key, relay_key: Key, dns: FakeDNS) -> None:
    raw = sign(message(), brand_key, domain="brand.com")
    for _ in range(4):
        raw = sign(raw, relay_key, domain="relay.net", selector="relay")
    assert dkim_check(raw, "brand.com", dns).status == "pass"  # the brand's is 5th
    raw = sign(raw, relay_key, domain="relay.net", selector="relay")
    check = dkim_check(raw, "brand.com", dns)  # …and now 6th
    assert check.status == "fail"
    assert "1 more not checked" in check.reason


def test_dns_timeout_on_the_aligned_key_is_temporary(brand_key: Key, dns: FakeDNS) -> None:
    dns.slow = ("s1._domainkey.brand.com",)
    raw = sign(message(), brand_key, domain="brand.com")
    check = dkim_check(raw, "brand.com", dns)
    assert check.status == "temperror"


def test_timeout_does_not_hide_a_passing_signature(brand_key: Key, dns: FakeDNS) -> None:
    dns.slow = ("s2._domainkey.brand.com",)
    raw = sign(message(), brand_key, domain="brand.com")
    raw = sign(raw, brand_key, domain="brand.com", selector="s2")
    assert dkim_check(raw, "brand.com", dns).status == "pass"


def test_resolver_network_error_counts_as_timeout(brand_key: Key) -> None:
    def down(name: bytes, timeout: float = 5) -> bytes | None:
        raise OSError("network unreachable")

    raw = sign(message(), brand_key, domain="brand.com")
    assert dkim_check(raw, "brand.com", down).status == "temperror"


def test_missing_key_record_fails(brand_key: Key) -> None:
    raw = sign(message(), brand_key, domain="brand.com")
    check = dkim_check(raw, "brand.com", FakeDNS({}))
    assert check.status == "fail"


def test_key_of_another_domain_fails(brand_key: Key, relay_key: Key) -> None:
    raw = sign(message(), brand_key, domain="brand.com")
    check = dkim_check(raw, "brand.com", FakeDNS({"s1._domainkey.brand.com": relay_key.record}))
    assert check.status == "fail"
    assert "did not verify" in check.reason


def test_unsigned_message_fails(dns: FakeDNS) -> None:
    assert dkim_check(message(), "brand.com", dns).reason == "no DKIM signature"


def test_garbage_signature_fails_without_crashing(dns: FakeDNS) -> None:
    raw = b"DKIM-Signature: v=1; d=brand.com; s=s1; h=from; b=@@@; bh=???\r\n" + message()
    assert dkim_check(raw, "brand.com", dns).status == "fail"
    raw = b"DKIM-Signature: this is not a tag list\r\n" + message()
    assert dkim_check(raw, "brand.com", dns).status == "fail"


@pytest.mark.parametrize(
    ("d", "from_domain", "ok"),
    [
        ("brand.com", "brand.com", True),
        ("BRAND.com", "brand.COM", True),
        ("brand.com", "news.brand.com", True),
        ("mail.brand.com", "brand.com", True),
        ("brand.com.evil.net", "brand.com", False),
        ("evilbrand.com", "brand.com", False),
        ("com", "brand.com", False),
        ("evil.co.uk", "brand.co.uk", False),
        ("a.github.io", "b.github.io", False),  # private-section suffixes count too
        # Made-up TLDs have no organisational domain: only an exact match aligns,
        # which is why the tests above use real TLDs.
        ("brand.example", "brand.example", True),
        ("mail.brand.example", "brand.example", False),
        ("", "brand.com", False),
    ],
)
def test_alignment(d: str, from_domain: str, ok: bool) -> None:
    assert aligned(d, from_domain) is ok


def test_org_domain() -> None:
    assert org_domain("a.b.brand.co.uk") == "brand.co.uk"
    assert org_domain("co.uk") is None
    assert org_domain("brand.example") is None
