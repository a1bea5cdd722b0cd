"""STARTTLS with certificate paths from config, and SMTP AUTH offered only over TLS."""

from __future__ import annotations

import datetime as dt
import smtplib
import ssl
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from dripcast.core.config import load
from dripcast.core.errors import ConfigError
from dripcast.store import queries as store
from tests.conftest import brand, free_port
from tests.mail import jpeg, photo_mail
from tests.smtp_listener import Listener

PASSWORD = "correct horse battery staple"


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def tls_listener(
    make_config: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Listener, ssl.SSLContext]]:
    monkeypatch.setenv("AGENCY_PASSWORD", PASSWORD)
    cert, key = self_signed(tmp_path)
    smtp = {
        "port": free_port(),
        "tls_cert": str(cert),
        "tls_key": str(key),
        "users": [{"user": "agency", "password": "${AGENCY_PASSWORD}", "brands": ["demo-bakery"]}],
    }
    lst = Listener(make_config(smtp=smtp))
    client = ssl.create_default_context(cafile=str(cert))
    yield lst, client
    lst.close()


def test_starttls_then_auth_lets_the_agency_post_for_its_brand(
    tls_listener: tuple[Listener, ssl.SSLContext],
) -> None:
    lst, ctx = tls_listener
    raw = photo_mail(sender="staff@agency.example", photos=[jpeg(64, 48)])
    with smtplib.SMTP("localhost", lst.port) as s:
        s.ehlo()
        assert s.has_extn("starttls") and not s.has_extn("auth")
        s.starttls(context=ctx)
        s.ehlo()
        assert "PLAIN" in s.esmtp_features["auth"]
        s.login("agency", PASSWORD)
        s.sendmail("staff@agency.example", ["bakery@localhost"], raw)
    (row,) = store.messages(lst.engine)
    assert row["status"] == "received" and row["reason"] == "SMTP user agency"


def test_auth_without_tls_is_refused_and_the_password_never_sent(
    tls_listener: tuple[Listener, ssl.SSLContext],
) -> None:
    lst, _ = tls_listener
    with smtplib.SMTP("127.0.0.1", lst.port) as s:
        s.ehlo()
        code, msg = s.docmd("AUTH", "PLAIN")
    assert (code, msg[:6]) == (538, b"5.7.11")


def test_wrong_password_is_535_and_the_sender_check_still_applies(
    tls_listener: tuple[Listener, ssl.SSLContext],
) -> None:
    lst, ctx = tls_listener
    with smtplib.SMTP("localhost", lst.port) as s:
        s.starttls(context=ctx)
        with pytest.raises(smtplib.SMTPAuthenticationError) as e:
            s.login("agency", "guess")
        assert e.value.smtp_code == 535
        with pytest.raises(smtplib.SMTPDataError) as d:
            s.sendmail(
                "staff@agency.example",
                ["bakery@localhost"],
                photo_mail(sender="staff@agency.example"),
            )
        assert d.value.smtp_code == 550
    assert store.messages(lst.engine) == []


def test_config_needs_tls_for_users_and_known_brands(make_config: Callable[..., Path]) -> None:
    user = {"user": "a", "password": "p", "brands": ["demo-bakery"]}
    with pytest.raises(ConfigError, match="AUTH only over TLS"):
        load(make_config(smtp={"users": [user]}))
    with pytest.raises(ConfigError, match="go together"):
        load(make_config(smtp={"tls_cert": "c.pem"}))
    other = {**user, "brands": ["nope"]}
    with pytest.raises(ConfigError, match="unknown brands nope"):
        load(make_config([brand()], smtp={"tls_cert": "c", "tls_key": "k", "users": [other]}))


def test_tls_without_users_announces_no_auth(
    make_config: Callable[..., Path], tmp_path: Path
) -> None:
    cert, key = self_signed(tmp_path)
    lst = Listener(
        make_config(smtp={"port": free_port(), "tls_cert": str(cert), "tls_key": str(key)})
    )
    try:
        with smtplib.SMTP("localhost", lst.port) as s:
            s.starttls(context=ssl.create_default_context(cafile=str(cert)))
            code, reply = s.ehlo()
            assert code == 250 and b"AUTH" not in reply
            s.sendmail("owner@example.com", ["bakery@localhost"], photo_mail(photos=[jpeg(64, 48)]))
        assert len(lst.stored) == 1
    finally:
        lst.close()
