"""Test kit: RSA keys made in the test, DKIM signing with dkimpy, a fake DNS map."""

from __future__ import annotations

import base64
import random
from collections.abc import Mapping
from dataclasses import dataclass

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from dripcast.core.config import Brand


@dataclass(frozen=True)
class Key:
    pem: bytes  # PKCS#1 private key, what dkimpy signs with
    record: bytes  # the TXT record published at selector._domainkey.domain

    @property
    def bits(self) -> int:
        key = serialization.load_pem_private_key(self.pem, password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key.key_size


def _pack(key: rsa.RSAPrivateKey) -> Key:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return Key(pem=pem, record=b"v=DKIM1; k=rsa; p=" + base64.b64encode(der))


def rsa_key(bits: int = 1024) -> Key:
    return _pack(rsa.generate_private_key(public_exponent=65537, key_size=bits))


def weak_rsa_key(bits: int = 512) -> Key:
    """A key below cryptography's 1024-bit floor, built from primes found here."""
    rng = random.Random(bits)
    e = 65537
    while True:
        p, q = _prime(bits // 2, rng), _prime(bits // 2, rng)
        phi = (p - 1) * (q - 1)
        if p != q and phi % e and (p * q).bit_length() == bits:
            break
    d = pow(e, -1, phi)
    public = rsa.RSAPublicNumbers(e, p * q)
    numbers = rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), public)
    return _pack(numbers.private_key(unsafe_skip_rsa_key_validation=True))


def _prime(bits: int, rng: random.Random) -> int:
    while True:
        n = rng.getrandbits(bits) | (1 << (bits - 1)) | (1 << (bits - 2)) | 1
        if _probably_prime(n, rng):
            return n


def _probably_prime(n: int, rng: random.Random) -> bool:
    for small in (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % small == 0:
            return n == small
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(40):
        x = pow(rng.randrange(2, n - 2), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def message(
    *,
    sender: str = "Alice <alice@brand.com>",
    to: str = "bakery@dripcast.dk",
    date: str = "Sat, 21 Nov 2026 20:00:00 +0000",
    subject: str = "New croissants",
    body: str = "Fresh from the oven.\r\n",
    extra: str = "",
) -> bytes:
    head = (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\n"
        f"Message-ID: <m1@brand.com>\r\n{extra}"
    )
    return (head + "\r\n" + body).encode()


def sign(
    raw: bytes,
    key: Key,
    *,
    domain: str,
    selector: str = "s1",
    headers: tuple[str, ...] = ("from", "to", "subject", "date", "message-id"),
    length: bool = False,
) -> bytes:
    """`raw` with a DKIM-Signature on top, as a signing MTA would add it."""
    signature = dkim.sign(
        raw,
        selector.encode(),
        domain.encode(),
        key.pem,
        include_headers=[h.encode() for h in headers],
        length=length,
    )
    return bytes(signature) + raw


class FakeDNS:
    """The resolver over dicts; names in `slow` time out. Records every query.

    `records` holds DKIM key records (what dkimpy asks for); `zone` any
    (name, type) → records, as `lookup` answers for SPF.
    """

    def __init__(
        self,
        records: Mapping[str, bytes] = {},
        zone: Mapping[tuple[str, str], list[str]] = {},
        slow: tuple[str, ...] = (),
    ) -> None:
        self.records = dict(records)
        self.zone = {(n.lower(), t): list(v) for (n, t), v in zone.items()}
        self.slow = slow
        self.asked: list[str] = []

    def __call__(self, name: bytes, timeout: float = 5) -> bytes | None:
        text = name.decode().rstrip(".").lower()
        self.asked.append(text)
        if text in self.slow:
            raise dkim.DnsTimeoutError(f"timeout on {text}")
        return self.records.get(text)

    def lookup(self, name: str, rdtype: str) -> list[str]:
        text = name.rstrip(".").lower()
        self.asked.append(f"{rdtype} {text}")
        if text in self.slow:
            raise dkim.DnsTimeoutError(f"timeout on {text}")
        return list(self.zone.get((text, rdtype), []))


def brand(**changes: object) -> Brand:
    data: dict[str, object] = {
        "id": "bakery",
        "name": "Bakery",
        "address": "bakery@dripcast.dk",
        "senders": ("alice@brand.com",),
        "verify": "none",
        "channels": ({"id": "out", "type": "outbox", "path": "out"},),
    }
    data.update(changes)
    return Brand.model_validate(data)
