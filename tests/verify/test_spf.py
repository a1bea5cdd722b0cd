"""SPF check_host (RFC 7208) against a fake zone, and its DMARC alignment."""

from __future__ import annotations

import pytest

from ingest.spf import Result, _Budget, _Context, check_host, spf_check
from tests.verify.mail import FakeDNS

IP = "192.0.2.3"


def zone(**records: str) -> dict[tuple[str, str], list[str]]:
    """brand_com="v=spf1 …" → {("brand.com", "TXT"): ["v=spf1 …"]}."""
    return {(name.replace("_", "."), "TXT"): [text] for name, text in records.items()}


def run(spf: str, ip: str = IP, extra: dict[tuple[str, str], list[str]] | None = None) -> Result:
    dns = FakeDNS(zone={("brand.com", "TXT"): ["google-site-verification=x", spf], **(extra or {})})
    return check_host(ip, "brand.com", "alice@brand.com", "mail.brand.com", dns)


@pytest.mark.parametrize(
    ("record", "ip", "result"),
    [
        ("v=spf1 ip4:192.0.2.0/24 -all", IP, "pass"),
        ("v=spf1 ip4:192.0.2.0/24 -all", "198.51.100.1", "fail"),
        ("v=spf1 ip4:192.0.2.3 -all", IP, "pass"),
        ("v=spf1 ip4:192.0.2.0/24 -all", "::ffff:192.0.2.9", "pass"),  # v4-mapped
        ("v=spf1 -ip4:192.0.2.3 +all", IP, "fail"),
        ("v=spf1 ~all", IP, "softfail"),
        ("v=spf1 ?all", IP, "neutral"),
        ("v=spf1", IP, "neutral"),
        ("v=spf1 ip6:2001:db8::/32 -all", "2001:db8::1", "pass"),
        ("v=spf1 ip6:2001:db8::/32 -all", IP, "fail"),
        ("V=SPF1 IP4:192.0.2.3 -ALL", IP, "pass"),
        ("v=spf1 +all foo:bar", IP, "permerror"),  # a syntax error anywhere is fatal
        ("v=spf1 ip4:192.0.2.300 -all", IP, "permerror"),
        ("v=spf1 ip4:2001:db8::1 -all", IP, "permerror"),
        ("v=spf1 all:x", IP, "permerror"),
        ("v=spf1 include -all", IP, "permerror"),
        ("v=spf1 exp=explain._spf.%{d} ip4:192.0.2.3 -all", IP, "pass"),  # unknown modifier
        ("v=spf10 +all", IP, "none"),
    ],
)
def test_mechanisms(record: str, ip: str, result: str) -> None:
    assert run(record, ip) == result


def test_no_record_is_none_and_two_are_permerror() -> None:
    assert check_host(IP, "brand.com", "a@brand.com", "h", FakeDNS()) == "none"
    dns = FakeDNS(zone={("brand.com", "TXT"): ["v=spf1 -all", "v=spf1 +all"]})
    assert check_host(IP, "brand.com", "a@brand.com", "h", dns) == "permerror"


def test_a_and_mx_with_prefix_lengths() -> None:
    hosts = {
        ("brand.com", "A"): ["192.0.2.1"],
        ("brand.com", "MX"): ["mx1.host.net", "mx2.host.net"],
        ("mx2.host.net", "A"): ["198.51.100.7"],
        ("out.host.net", "AAAA"): ["2001:db8::25"],
    }
    assert run("v=spf1 a -all", extra=hosts) == "fail"
    assert run("v=spf1 a/24 -all", extra=hosts) == "pass"
    assert run("v=spf1 mx -all", "198.51.100.7", extra=hosts) == "pass"
    assert run("v=spf1 mx -all", "198.51.100.8", extra=hosts) == "fail"
    assert run("v=spf1 a:out.host.net -all", "2001:db8::25", extra=hosts) == "pass"
    assert run("v=spf1 a:out.host.net//64 -all", "2001:db8::99", extra=hosts) == "pass"
    assert run("v=spf1 a/33 -all", extra=hosts) == "permerror"


def test_include_passes_only_on_its_pass() -> None:
    esp = {("_spf.esp.net", "TXT"): ["v=spf1 ip4:192.0.2.0/24 ~all"]}
    assert run("v=spf1 include:_spf.esp.net -all", extra=esp) == "pass"
    assert run("v=spf1 include:_spf.esp.net -all", "198.51.100.1", extra=esp) == "fail"
    assert run("v=spf1 include:nothing.net -all") == "permerror"


def test_redirect() -> None:
    other = {("_spf.esp.net", "TXT"): ["v=spf1 ip4:192.0.2.3 -all"]}
    assert run("v=spf1 redirect=_spf.esp.net", extra=other) == "pass"
    assert run("v=spf1 redirect=_spf.esp.net", "198.51.100.1", extra=other) == "fail"
    assert run("v=spf1 ?all redirect=_spf.esp.net", extra=other) == "neutral"  # all wins
    assert run("v=spf1 redirect=nothing.net") == "permerror"
    assert run("v=spf1 redirect=a.net redirect=b.net") == "permerror"


def test_more_than_ten_lookups_is_permerror() -> None:
    chain = {(f"l{i}.net", "TXT"): [f"v=spf1 include:l{i + 1}.net -all"] for i in range(12)}
    chain[("l12.net", "TXT")] = ["v=spf1 +all"]
    assert run("v=spf1 include:l3.net -all", extra=chain) == "pass"  # includes l3…l12: 10
    assert run("v=spf1 include:l2.net -all", extra=chain) == "permerror"  # 11


def test_include_loop_is_permerror() -> None:
    loop = {("loop.net", "TXT"): ["v=spf1 include:loop.net -all"]}
    assert run("v=spf1 include:loop.net -all", extra=loop) == "permerror"


def test_more_than_two_void_lookups_is_permerror() -> None:
    assert run("v=spf1 a:v1.net a:v2.net ip4:192.0.2.3 -all") == "pass"
    assert run("v=spf1 a:v1.net a:v2.net a:v3.net ip4:192.0.2.3 -all") == "permerror"


def test_exists_with_macros() -> None:
    hit = {("3.2.0.192.in-addr._spf.brand.com", "A"): ["127.0.0.2"]}
    assert run("v=spf1 exists:%{ir}.%{v}._spf.%{d} -all", extra=hit) == "pass"
    assert run("v=spf1 exists:%{ir}.%{v}._spf.%{d} -all", "192.0.2.4", extra=hit) == "fail"


def test_timeout_is_temperror() -> None:
    dns = FakeDNS(zone={("brand.com", "TXT"): ["v=spf1 include:slow.net -all"]}, slow=("slow.net",))
    assert check_host(IP, "brand.com", "a@brand.com", "h", dns) == "temperror"


def test_ptr() -> None:
    extra = {
        ("3.2.0.192.in-addr.arpa", "PTR"): ["mail.brand.com", "spoof.brand.com"],
        ("mail.brand.com", "A"): ["192.0.2.3"],
        ("spoof.brand.com", "A"): ["198.51.100.1"],
    }
    assert run("v=spf1 ptr -all", extra=extra) == "pass"
    extra[("mail.brand.com", "A")] = ["198.51.100.2"]  # the forward lookup must agree
    assert run("v=spf1 ptr -all", extra=extra) == "fail"


# RFC 7208 section 7.4's own examples.
@pytest.mark.parametrize(
    ("spec", "ip", "expanded"),
    [
        ("%{s}", IP, "strong-bad@email.example.com"),
        ("%{o}", IP, "email.example.com"),
        ("%{d}", IP, "email.example.com"),
        ("%{d4}", IP, "email.example.com"),
        ("%{d3}", IP, "email.example.com"),
        ("%{d2}", IP, "example.com"),
        ("%{d1}", IP, "com"),
        ("%{dr}", IP, "com.example.email"),
        ("%{d2r}", IP, "example.email"),
        ("%{l}", IP, "strong-bad"),
        ("%{l-}", IP, "strong.bad"),
        ("%{lr}", IP, "strong-bad"),
        ("%{lr-}", IP, "bad.strong"),
        ("%{l1r-}", IP, "strong"),
        ("%{ir}.%{v}._spf.%{d2}", IP, "3.2.0.192.in-addr._spf.example.com"),
        ("%{lr-}.lp._spf.%{d2}", IP, "bad.strong.lp._spf.example.com"),
        (
            "%{ir}.%{v}._spf.%{d2}",
            "2001:db8::cb01",
            "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com",
        ),
    ],
)
def test_macro_expansion(spec: str, ip: str, expanded: str) -> None:
    import ipaddress

    ctx = _Context(
        ipaddress.ip_address(ip), "strong-bad@email.example.com", "h", FakeDNS(), _Budget()
    )
    assert ctx.expand(spec, "email.example.com") == expanded


def test_bad_macro_is_permerror() -> None:
    assert run("v=spf1 exists:%{x}.brand.com -all") == "permerror"
    assert run("v=spf1 exists:%{d0}.brand.com -all") == "permerror"


# ---- DMARC's use of it ---------------------------------------------------------------


SPF_ZONE = {
    ("brand.com", "TXT"): ["v=spf1 ip4:192.0.2.0/24 -all"],
    ("bounces.esp.net", "TXT"): ["v=spf1 ip4:192.0.2.0/24 -all"],
    ("mail.brand.com", "TXT"): ["v=spf1 a -all"],
    ("mail.brand.com", "A"): [IP],
}


def test_aligned_spf_pass() -> None:
    check = spf_check(IP, "alice@brand.com", "mail.brand.com", "brand.com", FakeDNS(zone=SPF_ZONE))
    assert check.status == "pass"


def test_spf_pass_for_an_esp_bounce_domain_is_not_aligned() -> None:
    check = spf_check(IP, "b-123@bounces.esp.net", "x", "brand.com", FakeDNS(zone=SPF_ZONE))
    assert check.status == "fail"
    assert "not aligned" in check.reason


def test_null_sender_uses_helo() -> None:
    check = spf_check(IP, "", "mail.brand.com", "brand.com", FakeDNS(zone=SPF_ZONE))
    assert check.status == "pass"
    check = spf_check("198.51.100.1", "<>", "mail.brand.com", "brand.com", FakeDNS(zone=SPF_ZONE))
    assert check.status == "fail"


def test_spf_fail_and_temperror() -> None:
    dns = FakeDNS(zone=SPF_ZONE)
    assert spf_check("198.51.100.1", "alice@brand.com", "h", "brand.com", dns).status == "fail"
    dns = FakeDNS(zone=SPF_ZONE, slow=("brand.com",))
    assert spf_check(IP, "alice@brand.com", "h", "brand.com", dns).status == "temperror"


def test_total_queries_are_capped() -> None:
    # Ten mx terms of ten hosts each stay within the RFC's counts but not ours.
    extra: dict[tuple[str, str], list[str]] = {}
    terms = []
    for i in range(10):
        extra[(f"m{i}.net", "MX")] = [f"h{i}-{j}.net" for j in range(10)]
        for j in range(10):
            extra[(f"h{i}-{j}.net", "A")] = ["198.51.100.1"]
        terms.append(f"mx:m{i}.net")
    dns = FakeDNS(zone={("brand.com", "TXT"): ["v=spf1 " + " ".join(terms) + " -all"], **extra})
    assert check_host(IP, "brand.com", "a@brand.com", "h", dns) == "permerror"
    assert len(dns.asked) == 40
