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
