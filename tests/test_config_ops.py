"""The config as operators meet it: secrets, file modes, every error at once, the data home."""

from __future__ import annotations

from pathlib import Path

import pytest

from dripcast.config import load

ROOT = Path(__file__).parent.parent


def test_dripcast_home_takes_the_relative_data_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The unit sets DRIPCAST_HOME=/var/lib/dripcast: under ProtectSystem=strict only that
    # folder is writable, so the shipped config's var/outbox and var/dripcast.db go there.
    monkeypatch.setenv("DRIPCAST_HOME", str(tmp_path))
    cfg = load(ROOT / "config.yaml")
    assert cfg.database_url == f"sqlite:///{tmp_path}/var/dripcast.db"
    assert cfg.resolve(cfg.service.spool_dir) == tmp_path / "var/spool"
    assert cfg.data_root == tmp_path
    monkeypatch.delenv("DRIPCAST_HOME")
    assert load(ROOT / "config.yaml").data_root == ROOT
