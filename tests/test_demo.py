"""The README's one-minute demo, run as a user runs it: `dripcast serve` on the default
config, the snippet sent twice, then the closing `dripcast queue`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from click.testing import CliRunner

from dripcast.cli import main
from dripcast.core.config import load
from dripcast.store import queries as store
from dripcast.store.db import make_engine, migrate
from tests.conftest import ROOT, Server, free_port


def demo_snippet() -> str:
    """The Python the README's demo pipes into the interpreter."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## One-minute demo") :]
    return section[section.index("<<'PY'\n") + 7 : section.index("\nPY\n")]


def post_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("var/outbox/demo-bakery/outbox/*/post.json"))


def test_readme_demo_runs_twice_and_queue_shows_both(
    tmp_path: Path, server_for: Callable[[Path], Server]
) -> None:
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    port = free_port()
    config["service"]["smtp"]["port"] = port
    config["service"]["media_http"]["port"] = free_port()
    config["service"]["web"]["port"] = free_port()  # the default config's dashboard
    config["service"]["tick_seconds"] = 0.5
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    server_for(tmp_path / "config.yaml").start()
    snippet = demo_snippet().replace("2525", str(port))
    for run in (1, 2):
        sent = subprocess.run(
            [sys.executable, "-"], input=snippet, text=True, capture_output=True, cwd=tmp_path
        )
        assert sent.returncode == 0, sent.stderr
        deadline = time.monotonic() + 30
        while len(post_files(tmp_path)) < run and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(post_files(tmp_path)) == run, (tmp_path / "serve.log").read_text()
        time.sleep(1.1)  # the demo's photo shows the time to the second
    texts = [json.loads(p.read_text())["text"] for p in post_files(tmp_path)]
    assert all(t.startswith("Fresh bread\n\nSourdough straight out of the oven.") for t in texts)
    assert len(set(texts)) == 2  # the demo brand's cta and hashtags rotate (issue 18)
    queue = subprocess.run(
        [sys.executable, "-m", "dripcast", "queue"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )
    assert queue.returncode == 0, queue.stderr
    assert len(re.findall(r" published ", queue.stdout)) == 2, queue.stdout


def test_plain_queue_shows_the_last_days_refusals(make_config: Callable[..., Path]) -> None:
    cfg = make_config()
    engine = make_engine(load(cfg).database_url)
    migrate(engine)
    now = datetime.now(UTC)
    for n, (when, why) in enumerate([(now, "already posted"), (now - timedelta(days=2), "old")]):
        store.add_message(
            engine,
            now=when,
            brand="demo-bakery",
            transport="smtp",
            mail_from="owner@example.com",
            rcpt="bakery@localhost",
            sender="owner@example.com",
            message_id=f"<{n}@example.com>",
            spool=f"m{n}.eml",
            size=1,
            status="failed",
            reason=why,
        )
    engine.dispose()
    out = CliRunner().invoke(main, ["--config", str(cfg), "queue"], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    assert "messages not posted" in out.output and "already posted" in out.output
    assert "│ old" not in out.output


def test_readme_demo_preview_command_runs_as_written(tmp_path: Path) -> None:
    """The demo's `preview` line names a message that exists in a fresh clone."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## One-minute demo") : readme.index("## Commands")]
    (line,) = [x for x in section.splitlines() if "dripcast preview" in x]
    args = line.split("dripcast ", 1)[1].split()
    args[args.index("--out") + 1] = str(tmp_path / "variants")
    r = subprocess.run(
        [sys.executable, "-m", "dripcast", "--config", str(ROOT / "config.yaml"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "DRIPCAST_HOME": str(tmp_path)},
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["accepted"] is True
    assert list((tmp_path / "variants").rglob("*.jpg"))
