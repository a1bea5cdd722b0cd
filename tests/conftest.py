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

ROOT = Path(__file__).parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
