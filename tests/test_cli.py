"""The CLI as a user runs it: check, check --online, queue actions, exit codes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from dripcast.cli import main
from tests.conftest import ROOT, brand
from tests.publishers.mastodon_server import serving


def run(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner(env={"COLUMNS": "200"}).invoke(main, ["--config", str(config), *args])
    return result.exit_code, result.output


def test_check_prints_brands_channels_schedules(make_config: Callable[..., Path]) -> None:
    code, out = run(make_config(), "check")
    assert code == 0
    assert "demo-bakery" in out and "outbox" in out and "09:00 12:30 18:00" in out


def test_check_fits_80_columns(make_config: Callable[..., Path]) -> None:
    """QA: at 80 columns `zone:` ended one line and `Europe/Copenhagen` began the next."""
    result = CliRunner(env={"COLUMNS": "80"}).invoke(
        main, ["--config", str(make_config()), "check"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(len(line) <= 80 for line in lines[1:]), result.output  # [0] is the file's path
    assert any("zone: Europe/Copenhagen" in line for line in lines), result.output


def test_check_invalid_config_exits_2_naming_file_line_key(tmp_path: Path) -> None:
    bad = tmp_path / "config.yaml"
    bad.write_text("brands:\n  - id: x\n    name: X\n    address: x@localhost\n    channels: []\n")
    code, out = run(bad, "check")
    assert code == 2
    assert f"{bad}:5: brands.0.channels" in out


def test_check_online_reports_each_channel(
    make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving() as good, serving() as revoked:
        monkeypatch.setenv("GOOD_TOKEN", good.token)
        monkeypatch.setenv("REVOKED_TOKEN", "stale")
        channels = [
            {"id": "good", "type": "mastodon", "instance": good.base, "token": "${GOOD_TOKEN}"},
            {
                "id": "revoked",
                "type": "mastodon",
                "instance": revoked.base,
                "token": "${REVOKED_TOKEN}",
            },
        ]
        code, out = run(make_config([brand(channels=channels)]), "check", "--online")
    assert code == 1
    assert "ok    demo-bakery/good" in out
    assert "error demo-bakery/revoked: AuthExpired" in out
    assert "stale" not in out  # the token is never printed


def test_ingest_exit_codes(make_config: Callable[..., Path]) -> None:
    from tests.mail import jpeg, photo_mail

    cfg = make_config()

    def ingest(raw: bytes, *args: str) -> int:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("ORIGINAL_RECIPIENT", None)
        return subprocess.run(
            [sys.executable, "-m", "dripcast", "--config", str(cfg), "ingest", *args, "-"],
            input=raw,
            capture_output=True,
            env=env,
        ).returncode

    assert ingest(photo_mail(photos=[jpeg()])) == 0
    assert ingest(photo_mail(photos=[jpeg()]), "-r", "nobody@localhost") == 67
    assert ingest(photo_mail(sender="evil@example.net", photos=[jpeg()])) == 0  # quarantined
    assert ingest(photo_mail(photos=[], message_id="<no-photo@x>")) == 65
    code, out = run(cfg, "queue", "--held")
    assert code == 0
    assert "evil@example.net" in out and "refused" in out


def test_queue_actions_on_a_submission(make_config: Callable[..., Path]) -> None:
    from tests.mail import jpeg, photo_mail

    cfg = make_config()
    msg = cfg.parent / "m.eml"
    msg.write_bytes(photo_mail(photos=[jpeg(), jpeg(700, 500)]))
    assert run(cfg, "ingest", str(msg), "-r", "bakery@localhost")[0] == 0
    code, out = run(cfg, "queue")
    assert code == 0 and out.count("scheduled") == 2
    assert run(cfg, "cancel", "1")[1].startswith("cancel: 1 post(s)")
    assert run(cfg, "cancel", "1", "-m")[1].startswith("cancel: 1 post(s) of submission 1")
    assert run(cfg, "approve", "2")[0] == 1  # nothing waits for approval
    assert run(cfg, "retry", "-m", "1")[1].startswith("retry: 2 post(s)")


def test_serve_tells_systemd_ready_and_pings_the_watchdog(
    make_config: Callable[..., Path], tmp_path: Path
) -> None:
    cfg = make_config()
    path = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        sock.settimeout(30)
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "NOTIFY_SOCKET": str(path),
            "WATCHDOG_USEC": "200000",
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "dripcast", "--config", str(cfg), "serve"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            got = set()
            while not {"READY=1", "WATCHDOG=1"} <= got:
                got.add(sock.recv(100).decode())
            port = int(cfg.read_text().split("port: ")[1].split()[0])
            socket.create_connection(
                ("127.0.0.1", port), timeout=5
            ).close()  # READY meant listening
        finally:
            proc.terminate()
            proc.wait(10)
        assert proc.returncode == 0


def test_check_refuses_bad_template_and_hashtag(make_config: Callable[..., Path]) -> None:
    channels = [{"id": "out", "type": "outbox", "path": "o", "template": "{{ caption "}]
    code, out = run(
        make_config([brand(channels=channels, hashtags=["#ok", "not a tag!"])]), "check"
    )
    assert code == 2
    assert "demo-bakery/out: template" in out and "demo-bakery: hashtags" in out
