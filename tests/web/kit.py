"""Shared pieces of the dashboard tests: a config with the web on, a browser, a logged-in client."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import yaml

from dripcast.web.passwords import hash_password
from tests.conftest import brand
from tests.ports import free_port

PASSWORD = "correct horse"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
_HASH = hash_password(PASSWORD)


def web_config(tmp_path: Path, *, brands: list[dict[str, Any]] | None = None, **web: Any) -> Path:
    """A config with the dashboard on a free port and one user, `demo`."""
    svc: dict[str, Any] = {
        "smtp": {"host": "127.0.0.1", "port": free_port()},
        "tick_seconds": 0.5,
        "web": {
            "host": "127.0.0.1",
            "port": free_port(),
            "users": [{"name": "demo", "password_hash": _HASH}],
            **web,
        },
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({"service": svc, "brands": brands or [brand()]}))
    return path


def base_url(config: Path) -> str:
    web = yaml.safe_load(config.read_text())["service"]["web"]
    return f"http://{web['host']}:{web['port']}"


def login(client: httpx.Client | httpx.AsyncClient, name: str = "demo") -> Any:
    """POST /login as a script does; returns the response (sync) or its awaitable."""
    return client.post(
        "/login",
        data={"name": name, "password": PASSWORD},
        headers={"accept": "application/json"},
    )


@contextmanager
def browser() -> Iterator[Any]:
    """Debian's chromium, driven by Playwright (which cannot download a browser here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
