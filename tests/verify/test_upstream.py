"""`verify: upstream`: only the topmost Authentication-Results of our own MTA counts."""

from __future__ import annotations

import pytest

from ingest.upstream import upstream_check

MX = "mx.agency.dk"


def ar(value: str) -> tuple[str, str]:
    return ("Authentication-Results", value)


def test_trusted_dmarc_pass_for_the_from_domain_passes() -> None:
    headers = [
        ("Received", "from mail.brand.com by mx.agency.dk"),
        ar(f"{MX}; dkim=pass header.d=brand.com; dmarc=pass (p=reject) header.from=Brand.com"),
        ("From", "alice@brand.com"),
    ]
    check = upstream_check(headers, "brand.com", MX)
    assert check.status == "pass"


def test_authserv_id_compares_case_insensitively_and_folded_headers_parse() -> None:
    headers = [ar("MX.Agency.DK;\r\n\tdmarc=pass\r\n header.from=brand.com")]
    assert upstream_check(headers, "brand.com", MX).status == "pass"


def test_forged_header_from_another_authserv_id_is_ignored() -> None:
    # Sitting on top, where a naive reader would look first.
    headers = [
        ar("mx.attacker.net; dmarc=pass header.from=brand.com"),
        ar(f"{MX}; dkim=fail header.d=brand.com; dmarc=fail header.from=brand.com"),
    ]
    check = upstream_check(headers, "brand.com", MX)
    assert check.status == "fail"
    assert "dmarc=fail" in check.reason


def test_forged_header_alone_counts_for_nothing() -> None:
    headers = [ar("mx.attacker.net; dmarc=pass header.from=brand.com")]
    check = upstream_check(headers, "brand.com", MX)
    assert check.status == "fail"
    assert check.reason == f"no Authentication-Results from {MX}"


def test_only_the_topmost_trusted_header_counts() -> None:
    # The lower one with our id came with the message (forged, or a stale copy).
    headers = [
        ar(f"{MX}; dmarc=fail header.from=brand.com"),
        ar(f"{MX}; dmarc=pass header.from=brand.com"),
    ]
    assert upstream_check(headers, "brand.com", MX).status == "fail"


def test_trusted_dmarc_fail_is_refused() -> None:
    headers = [ar(f"{MX}; spf=pass smtp.mailfrom=brand.com; dmarc=fail header.from=brand.com")]
    assert upstream_check(headers, "brand.com", MX).status == "fail"


@pytest.mark.parametrize(
    "value",
    [
        f"{MX}; dmarc=pass header.from=other.com",  # pass, but for another domain
        f"{MX}; dmarc=pass header.from=mail.brand.com",
        f"{MX}; dmarc=pass",  # no domain to check
        f"{MX}; dkim=pass header.d=brand.com",  # no dmarc result at all
        f"{MX}; none",
        f"{MX}; dmarc=pass header.from=brand.com; dmarc=fail header.from=brand.com",
        f"{MX}; dmarc=none header.from=brand.com",
    ],
)
def test_anything_short_of_dmarc_pass_for_the_from_domain_fails(value: str) -> None:
    assert upstream_check([ar(value)], "brand.com", MX).status == "fail"


def test_unreadable_trusted_header_fails_instead_of_looking_lower() -> None:
    headers = [
        ar(f"{MX}; dmarc=pass header.from=brand.com; ((("),
        ar(f"{MX}; dmarc=pass header.from=brand.com"),
    ]
    check = upstream_check(headers, "brand.com", MX)
    assert check.status == "fail"
    assert "unreadable" in check.reason


def test_header_names_compare_case_insensitively() -> None:
    headers = [("AUTHENTICATION-RESULTS", f"{MX}; dmarc=pass header.from=brand.com")]
    assert upstream_check(headers, "brand.com", MX).status == "pass"
