"""Issue 12 (and 10.2, 11.14) through the CLI: --history, 80 columns, --config anywhere,
preview against the live queue with approval holds."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine

from dripcast.cli import main
from dripcast.core.config import load
from dripcast.store import queries as store
from tests.conftest import brand
from tests.mail import jpeg, photo_mail
from tests.seed import put, seed

SOON = datetime.now(UTC) + timedelta(days=2)


def run(*args: str, columns: int = 200) -> Result:
    return CliRunner().invoke(main, list(args), env={"COLUMNS": str(columns)})


def test_history_shows_a_posts_events(cfg: Path, engine: Engine) -> None:
    _, (pid,) = seed(engine, [SOON])
    assert run("--config", str(cfg), "cancel", str(pid)).exit_code == 0
    result = run("--config", str(cfg), "queue", "--history", str(pid))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any("scheduled" in line and "cancelled" in line and "cli:" in line for line in lines)
    assert any("system:planner" in line for line in lines)
    assert run("--config", str(cfg), "queue", "--history", "999").exit_code == 1


def test_queue_fits_80_columns(cfg: Path, engine: Engine) -> None:
    _, (_, b) = seed(engine, [SOON, SOON + timedelta(hours=3)], channel="a-long-channel-id")
    put(engine, [b], "held", reason="the channel needs reconnecting: token expired " * 3)
    for args in (
        ["queue"],
        ["queue", "--held"],
        ["queue", "--all"],
        ["queue", "--history", str(b)],
    ):
        result = run("--config", str(cfg), *args, columns=80)
        assert result.exit_code == 0, result.output
        assert max(len(line) for line in result.output.splitlines()) <= 80, result.output
    out = run("--config", str(cfg), "queue", columns=80).output
    assert f"{SOON.astimezone(load(cfg).brands[0].zone):%a %d %b %H:%M}" in out


def test_messages_not_posted_fit_80_columns_in_brand_time(cfg: Path, engine: Engine) -> None:
    """QA: received times were UTC, the sender wrapped mid-address and the reason took 8
    lines; `--held` lists failed messages too, and says so."""
    got = datetime.now(UTC) - timedelta(hours=2)
    sender = "marketing.department@a-rather-long-bakery-domain.example"
    reason = "the sender did not pass the brand's checks: DKIM signature missing " * 2
    for status in ("refused", "failed"):
        store.add_message(
            engine, now=got, brand="demo-bakery", transport="lmtp", mail_from=sender,
            rcpt="bakery@localhost", sender=sender, message_id=None, spool=f"{status}.eml",
            size=1, status=status, reason=reason,
        )  # fmt: skip
    zone = load(cfg).brands[0].zone
    for args in (["queue"], ["queue", "--held"]):
        out = run("--config", str(cfg), *args, columns=80).output
        lines = out.splitlines()
        assert max(len(line) for line in lines) <= 80, out
        assert "refused, held or failed" in out and "failed" in out
        # cut in the middle, each on one line: never wrapped mid-address
        assert sum("marketing.depar" in x and "domain.example" in x for x in lines) == 2, out
        assert f"{got.astimezone(zone):%a %d %b %H:%M}" in out and "UTC" not in out
        below = lines[next(i for i, x in enumerate(lines) if "refused " in x and "│" not in x) :]
        assert len([x for x in below if x.strip()]) <= 12, out  # 2 messages: a few lines each
    wide = run("--config", str(cfg), "queue", "--held", columns=200).output
    assert f"{got.astimezone(zone):%Y-%m-%d %H:%M %Z}" in wide


@pytest.mark.parametrize("command", [["check"], ["queue"], ["report"], ["retry", "1"]])
def test_config_after_the_command(cfg: Path, engine: Engine, command: list[str]) -> None:
    seed(engine, [SOON])
    result = run(*command, "--config", str(cfg))
    assert "No such option" not in result.output
    assert result.exit_code in (0, 1), result.output  # retry of a scheduled post: 1
    missing = run(*command, "--config", str(cfg.parent / "nope.yaml"))
    assert missing.exit_code == 2  # the late --config is the one read


def test_preview_plans_against_the_live_queue(cfg: Path, engine: Engine) -> None:
    msg = cfg.parent / "m.eml"
    msg.write_bytes(photo_mail(photos=[jpeg()]))
    fresh = cfg.parent / "fresh.yaml"
    fresh.write_text(cfg.read_text().replace("var/", "other/"))
    args = ["preview", str(msg), "--json"]
    empty = json.loads(run("--config", str(fresh), *args).output)
    first = datetime.fromisoformat(empty["posts"][0]["at"])
    seed(engine, [first])  # the live queue already has a post in that slot
    live = json.loads(run("--config", str(cfg), *args).output)
    assert datetime.fromisoformat(live["posts"][0]["at"]) - first >= timedelta(hours=3)
    assert not (cfg.parent / "other").exists()  # preview never creates a database


def test_preview_shows_approval_holds(make_config: Callable[..., Path]) -> None:
    cfg = make_config([brand(approval="client")])
    msg = cfg.parent / "m.eml"
    msg.write_bytes(photo_mail(photos=[jpeg()]))
    doc = json.loads(run("--config", str(cfg), "preview", str(msg), "--json").output)
    assert [p["held"] for p in doc["posts"]] == ["awaiting approval"]
    table = run("--config", str(cfg), "preview", str(msg))
    assert "held: awaiting approval" in table.output


def test_preview_applies_the_90_day_dedup(cfg: Path, engine: Engine) -> None:
    raw = photo_mail(photos=[jpeg()])
    assert (
        run(
            "--config", str(cfg), "ingest", "-r", "bakery@localhost", input_bytes(cfg, raw)
        ).exit_code
        == 0
    )
    doc = json.loads(
        run("--config", str(cfg), "preview", str(cfg.parent / "m.eml"), "--json").output
    )
    assert doc["accepted"] is False and "already sent" in json.dumps(doc["skipped"])
    assert store.count_posts(engine, "scheduled") == 1


def input_bytes(cfg: Path, raw: bytes) -> str:
    path = cfg.parent / "m.eml"
    path.write_bytes(raw)
    return str(path)
