"""SystemResolver against a DNS server on loopback (tests never leave the machine)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import dkim
import dns.message
import dns.rrset
import pytest

from ingest.resolver import SystemResolver

ZONE = {
    ("s1._domainkey.brand.com.", "TXT"): ['"v=DKIM1; k=rsa; " "p=AAAA"'],
    ("brand.com.", "TXT"): ['"google-site-verification=x"', '"v=spf1 mx -all"'],
    ("brand.com.", "MX"): ["10 mx1.brand.com.", "20 mx2.brand.com."],
    ("mx1.brand.com.", "A"): ["192.0.2.25"],
    ("mx1.brand.com.", "AAAA"): ["2001:db8::25"],
    ("25.2.0.192.in-addr.arpa.", "PTR"): ["mx1.brand.com."],
}


@pytest.fixture
def server() -> Iterator[int]:
    """Answers from ZONE; NXDOMAIN for names it does not know; ignores `silent.` names."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.1)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                data, peer = sock.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(data)
            question = query.question[0]
            name, rdtype = question.name.to_text(), dns.rdatatype.to_text(question.rdtype)
            if name.startswith("silent."):
                continue
            reply = dns.message.make_response(query)
            records = ZONE.get((name, rdtype))
            if records:
                reply.answer.append(dns.rrset.from_text_list(name, 60, "IN", rdtype, records))
            elif not any(n == name for n, _ in ZONE):
                reply.set_rcode(dns.rcode.NXDOMAIN)
            sock.sendto(reply.to_wire(), peer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield sock.getsockname()[1]
    stop.set()
    thread.join()
    sock.close()


def resolver(port: int) -> SystemResolver:
    return SystemResolver(timeout=0.5, nameservers=["127.0.0.1"], port=port)


def test_dkim_key_lookup_joins_the_strings(server: int) -> None:
    assert resolver(server)(b"s1._domainkey.brand.com.") == b"v=DKIM1; k=rsa; p=AAAA"
    assert resolver(server)(b"s2._domainkey.brand.com.") is None


def test_lookup_by_type(server: int) -> None:
    r = resolver(server)
    assert sorted(r.lookup("brand.com", "TXT")) == ["google-site-verification=x", "v=spf1 mx -all"]
    assert sorted(r.lookup("brand.com", "MX")) == ["mx1.brand.com", "mx2.brand.com"]
    assert r.lookup("mx1.brand.com", "A") == ["192.0.2.25"]
    assert r.lookup("mx1.brand.com", "AAAA") == ["2001:db8::25"]
    assert r.lookup("25.2.0.192.in-addr.arpa", "PTR") == ["mx1.brand.com"]
    assert r.lookup("mx2.brand.com", "A") == []  # NXDOMAIN
    assert r.lookup("brand.com", "A") == []  # no such type


def test_no_answer_is_a_timeout(server: int) -> None:
    with pytest.raises(dkim.DnsTimeoutError):
        resolver(server)(b"silent.brand.com.")
    with pytest.raises(dkim.DnsTimeoutError):
        resolver(server).lookup("silent.brand.com", "A")
