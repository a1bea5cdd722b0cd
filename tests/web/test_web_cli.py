"""`dripcast web-user`, `dripcast web`, the default config's dashboard, and `serve` with it."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import yaml
from argon2 import PasswordHasher

from dripcast.core.config import load
from tests.conftest import ROOT, Server, wait_for
from tests.ports import free_port
from tests.web.kit import base_url, login, web_config


def dripcast(
    *args: str, stdin: str = "", config: Path | None = None
) -> subprocess.CompletedProcess[str]:
    extra = ["--config", str(config)] if config else []
    return subprocess.run(
        [sys.executable, "-m", "dripcast", *extra, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_web_user_reads_one_line_and_prints_an_argon2_hash() -> None:
    out = dripcast("web-user", "anna", stdin="s3cret pass\n")
    assert out.returncode == 0, out.stderr
    digest = out.stdout.strip()
    assert digest.startswith("$argon2id$") and PasswordHasher().verify(digest, "s3cret pass")
    assert dripcast("web-user", "anna", stdin="\n").returncode == 1


def test_default_config_has_the_dashboard_with_the_readme_demo_user() -> None:
    web = load(ROOT / "config.yaml").service.web
    assert web is not None and (web.host, web.port) == ("127.0.0.1", 8080)
    (user,) = web.users
    assert user.name == "demo" and PasswordHasher().verify(user.password_hash, "bakery-demo")
    assert "demo / bakery-demo" in (ROOT / "README.md").read_text()


def test_web_alone_and_off(tmp_path: Path) -> None:
    off = tmp_path / "off.yaml"
    cfg = yaml.safe_load(web_config(tmp_path).read_text())
    off.write_text(yaml.safe_dump({**cfg, "service": {**cfg["service"], "web": None}}))
    assert dripcast("web", config=off).returncode == 2
    config = web_config(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "dripcast", "--config", str(config), "web"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with httpx.Client(base_url=base_url(config)) as http:
            wait_for(lambda: _answers(http), what="dripcast web")
            assert login(http).status_code == 200
    finally:
        proc.terminate()
        assert proc.wait(20) == 0


def test_serve_stops_with_a_message_when_the_dashboard_port_is_taken(
    tmp_path: Path, server_for: Callable[[Path], Server]
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        config = web_config(tmp_path, port=taken.getsockname()[1])
        out = dripcast("serve", config=config)
    assert out.returncode == 1
    assert "dashboard: cannot listen on 127.0.0.1" in out.stderr
    assert "Traceback" not in out.stderr  # the tick that was running is not an error


def test_serve_runs_the_dashboard_beside_smtp(
    tmp_path: Path, server_for: Callable[[Path], Server]
) -> None:
    config = web_config(tmp_path, port=free_port())
    server_for(config).start()
    with httpx.Client(base_url=base_url(config)) as http:
        wait_for(lambda: _answers(http), what="the dashboard")
        assert login(http).status_code == 200
        assert (
            http.get("/", headers={"accept": "application/json"}).json()["brands"][0]["id"]
            == "demo-bakery"
        )


def _answers(http: httpx.Client) -> bool:
    try:
        return http.get("/login").status_code == 200
    except httpx.TransportError:
        return False
