"""The several-nodes keys: blobs, s3, secret_key, node_id."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from dripcast.core.config import Config

BRAND = {"id": "b", "name": "B", "address": "b@example.com", "channels": [{"id": "o", "type": "outbox", "path": "o"}]}  # fmt: skip


def config(tmp_path: Path, **service: Any) -> Config:
    return Config.model_validate(
        {"service": service, "brands": [BRAND], "path": tmp_path / "config.yaml"}
    )


def test_defaults_are_one_node(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    assert cfg.service.blobs == "file:var/blobs"
    assert cfg.service.node == socket.gethostname()[:64]
    key = cfg.root_key()  # made once, kept in state_dir
    assert len(key) == 32 and cfg.root_key() == key
    assert (tmp_path / "var" / "state" / "secret.key").exists()


def test_secret_key_is_the_root_on_every_node(tmp_path: Path) -> None:
    a = config(tmp_path / "a", secret_key="k" * 32, node_id="node-a")
    b = config(tmp_path / "b", secret_key="k" * 32, node_id="node-b")
    assert a.root_key() == b.root_key() and (a.service.node, b.service.node) == ("node-a", "node-b")
    assert not (tmp_path / "a" / "var" / "state" / "secret.key").exists()


@pytest.mark.parametrize(
    ("service", "error"),
    [
        ({"secret_key": "short"}, "at least 32"),
        ({"blobs": "s3://bucket/x"}, "needs s3"),
        ({"blobs": "/var/blobs"}, "pattern"),
        ({"node_id": "two words"}, "pattern"),
        ({"s3": {"endpoint": "x"}}, "Extra inputs"),
    ],
)
def test_bad_node_settings_are_refused(tmp_path: Path, service: dict[str, Any], error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        config(tmp_path, **service)


def test_a_secret_key_reference_is_measured_when_read(
    make_config: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`secret_key: ${DRIPCAST_SECRET}` loads whatever its length; check and serve
    (secret_problems) and every key use (root_key) read and measure it; ingest does
    not need it."""
    from dripcast.core.config import load
    from dripcast.core.errors import ConfigError

    path = make_config(secret_key="${DRIPCAST_SECRET}")
    monkeypatch.setenv("DRIPCAST_SECRET", "s" * 40)
    good = load(path)
    assert good.secret_problems() == ([], []) and good.root_key() == b"s" * 40
    monkeypatch.setenv("DRIPCAST_SECRET", "short")
    bad = load(path)
    (error,) = bad.secret_problems()[0]
    assert "service.secret_key: needs at least 32 characters, not 5" in error
    assert bad.secret_problems(channels=False) == ([], [])
    with pytest.raises(ConfigError, match="at least 32"):
        bad.root_key()
    monkeypatch.delenv("DRIPCAST_SECRET")
    assert bad.secret_problems(channels=False) == ([], [])  # ingest runs without it


async def test_comment_readers_share_the_publishers_credentials(
    make_config: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One token per channel: X's refresh token is single-use, so the FAQ reader and the
    publisher must read and write the same (database) copy, on every node."""
    import httpx

    from dripcast.app.service import build_publishers, build_sources
    from dripcast.core.config import load
    from dripcast.store.blobs import open_blobs
    from dripcast.store.credentials import DbCredentials
    from dripcast.store.db import make_engine, migrate
    from tests.conftest import brand

    monkeypatch.setenv("BSKY_PASSWORD", "app-pass")
    sky = {"id": "sky", "type": "bluesky", "handle": "b.example", "app_password": "${BSKY_PASSWORD}"}  # fmt: skip
    faq = {"answers": [{"id": "hours", "questions": ["when are you open?"], "answer": "7-17"}]}
    cfg = load(make_config([brand(channels=[sky], faq=faq)]))
    engine = make_engine(cfg.database_url)
    migrate(engine)
    blobs = open_blobs(cfg)
    try:
        async with httpx.AsyncClient() as http:
            pub = build_publishers(cfg, engine, http, blobs)[("demo-bakery", "sky")]
            src = build_sources(cfg, engine, http)[("demo-bakery", "sky")]
        a, b = pub.session.creds, src.session.creds  # type: ignore[attr-defined]
        assert isinstance(a, DbCredentials) and isinstance(b, DbCredentials)
        assert a.name == b.name == "demo-bakery/sky/bluesky-session"
    finally:
        blobs.close()
        engine.dispose()
