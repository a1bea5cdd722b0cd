from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine

from dripcast.core.config import load
from dripcast.store.db import make_engine, migrate
from tests.pg import PgServer, binaries
from tests.ports import free_port
from tests.s3 import S3Server

__all__ = ["free_port"]

ROOT = Path(__file__).parent.parent

# Skips for a missing tool (PostgreSQL, chromium, node, swaks, systemd-analyze…) are fine
# on a developer's machine, but CI installs them all: there a skip means a check that
# matters did not run, so it fails. Only what depends on the kernel may skip there.
KERNEL_SKIPS = ("this kernel has no",)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped:
        reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
        if not any(reason.startswith("Skipped: " + k) for k in KERNEL_SKIPS):
            report.outcome = "failed"
            report.longrepr = f"skipped in CI, where every tool is installed: {reason}"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One PostgreSQL server for the session; skipped only when it is not installed."""
    bindir = binaries()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not found (apt-get install postgresql)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install -e '.[pg]')")
    server = PgServer(bindir).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """moto's S3 server on loopback for the session; skipped when moto is not installed."""
    pytest.importorskip("moto.server")
    server = S3Server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh empty database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'd.db'}"
    server: PgServer = request.getfixturevalue("pg_server")
    return server.new_database()


def brand(**overrides: Any) -> dict[str, Any]:
    b: dict[str, Any] = {
        "id": "demo-bakery",
        "name": "Demo Bakery",
        "timezone": "Europe/Copenhagen",
        "address": "bakery@localhost",
        "senders": ["owner@example.com"],
        "link": "https://example.com/shop",
        "cta": "Order for pickup today",
        "hashtags": ["#bakery"],
        "channels": [{"id": "outbox", "type": "outbox", "path": "var/outbox"}],
    }
    b.update(overrides)
    return b


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[..., Path]:
    """Write a config under tmp_path: service overrides as keywords, brands as a list."""

    def make(brands: list[dict[str, Any]] | None = None, **service: Any) -> Path:
        svc: dict[str, Any] = {
            "smtp": {"host": "127.0.0.1", "port": free_port()},
            "tick_seconds": 0.5,
        }
        svc.update(service)
        path = tmp_path / "config.yaml"
        path.write_text(yaml.safe_dump({"service": svc, "brands": brands or [brand()]}))
        return path

    return make


@pytest.fixture
def cfg(make_config: Callable[..., Path]) -> Path:
    """The default test config (one brand, outbox) as a file."""
    return make_config()


@pytest.fixture
def engine(cfg: Path) -> Iterator[Engine]:
    """The migrated database of `cfg` (a module may define its own `engine` instead)."""
    e = make_engine(load(cfg).database_url)
    migrate(e)
    yield e
    e.dispose()


class Server:
    """`dripcast serve` as a real subprocess."""

    def __init__(self, config: Path) -> None:
        self.config = config
        cfg = yaml.safe_load(config.read_text())
        self.port = int(cfg["service"]["smtp"]["port"])
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = config.parent / "serve.log"

    def start(self) -> Server:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "dripcast", "--config", str(self.config), "serve"],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=self.config.parent,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited: {self.log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"serve did not listen: {self.log.read_text()}")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def server_for() -> Iterator[Callable[[Path], Server]]:
    started: list[Server] = []

    def make(config: Path) -> Server:
        s = Server(config)
        started.append(s)
        return s

    yield make
    for s in started:
        s.stop()


def wait_for(check: Callable[[], Any], timeout: float = 30.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")
