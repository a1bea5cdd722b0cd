"""The smarthost over STARTTLS and over SMTPS (implicit TLS), with AUTH, as aiosmtpd
serves them; a wrong password leaves the mail queued, not lost."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from dripcast.app.mail.compose import Draft
from dripcast.app.mail.notify import Notifier
from dripcast.app.mail.outbox import Mailer
from dripcast.core.config import load
from dripcast.store import mails as store_mail
from dripcast.store.db import make_engine, migrate
from tests.conftest import brand
from tests.ports import free_port
from tests.test_mail_outbox import Sink
from tests.test_smtp_tls import self_signed

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        b"agency@x.dk",
        b"p@ss:word",
    )
    return AuthResult(success=ok, handled=False)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
@pytest.mark.parametrize("scheme", ["smtp+starttls", "smtps"])
def test_tls_and_auth(scheme: str, make_config: Callable[..., Path], tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    client_ctx = ssl.create_default_context(cafile=str(cert))
    port, sink = free_port(), Sink()
    tls = (
        {"tls_context": server_ctx, "require_starttls": True}
        if scheme == "smtp+starttls"
        # implicit TLS: aiosmtpd's session does not know the socket is TLS, so it is told
        # not to hide AUTH (it is offered over TLS all the same)
        else {"ssl_context": server_ctx, "auth_require_tls": False}
    )
    controller = Controller(
        sink, hostname="localhost", port=port, auth_required=True,
        authenticator=authenticator, **tls,
    )  # fmt: skip
    controller.start()
    try:
        results = []
        for password in ("wrong", "p%40ss%3Aword"):
            url = f"{scheme}://agency%40x.dk:{password}@localhost:{port}"
            cfg = load(make_config([brand()], outgoing_mail=url))
            engine = make_engine(cfg.database_url)
            migrate(engine)
            if password == "wrong":
                Notifier(cfg, engine).enqueue(
                    cfg.brands[0], Draft(subject="Hi", text="t"), kind="summary", key="k",
                    to=["owner@example.com"], about={}, now=NOW,
                )  # fmt: skip
            later = NOW + timedelta(hours=1) if password != "wrong" else NOW
            mailer = Mailer(cfg, engine, clock=lambda t=later: t, tls_context=client_ctx)
            results.append(asyncio.run(mailer.deliver_due()))
            results.append(store_mail.mails(engine)[0]["status"])
            engine.dispose()
    finally:
        controller.stop()
    # the wrong password: not sent, still queued (fixing the config lets it go)
    assert results == [(0, 1), "queued", (1, 0), "sent"]
    assert len(sink.got) == 1
