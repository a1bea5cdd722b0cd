"""deploy/dripcast.service: hardened (systemd's own score), valid, and serve still works in it."""

from __future__ import annotations

import email.policy
import email.utils
import io
import os
import re
import shutil
import smtplib
import subprocess
import sys
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path

import pillow_heif
import pytest
import yaml
from PIL import Image

from tests.conftest import ROOT, wait_for
from tests.test_e2e import outbox_posts, quick_brand

UNIT = ROOT / "deploy" / "dripcast.service"
ANALYZE = shutil.which("systemd-analyze")
needs_systemd = pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze not installed")


def runnable_copy(tmp_path: Path) -> Path:
    """The unit with an ExecStart that exists here, for `verify` (it checks the binary)."""
    text = re.sub(
        r"(?m)^ExecStart=.*$", f"ExecStart={sys.executable} -m dripcast serve", UNIT.read_text()
    )
    copy = tmp_path / "dripcast.service"
    copy.write_text(text)
    return copy


@needs_systemd
def test_the_unit_scores_at_most_2_0_exposed(tmp_path: Path) -> None:
    assert ANALYZE is not None
    # --threshold counts in tenths: 20 fails the command over 2.0.
    run = subprocess.run(
        [ANALYZE, "security", "--offline=true", "--threshold=20", str(runnable_copy(tmp_path))],
        capture_output=True,
        text=True,
        check=False,
    )
    score = re.search(r"Overall exposure level for \S+: ([\d.]+)", run.stdout)
    assert score, run.stdout + run.stderr
    assert float(score[1]) <= 2.0, run.stdout
    assert run.returncode == 0, run.stdout + run.stderr


@needs_systemd
def test_the_unit_verifies(tmp_path: Path) -> None:
    assert ANALYZE is not None
    run = subprocess.run(
        [ANALYZE, "verify", str(runnable_copy(tmp_path))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr


def test_the_unit_keeps_relative_paths_in_its_state_folder() -> None:
    """ProtectSystem=strict leaves only the state folder writable: the shipped config's
    relative paths (var/outbox, var/dripcast.db) must land there, not next to the config."""
    unit = UNIT.read_text()
    assert re.search(r"(?m)^StateDirectory=dripcast$", unit)
    assert re.search(r"(?m)^Environment=DRIPCAST_HOME=/var/lib/dripcast$", unit)
    assert re.search(r"(?m)^UMask=0077$", unit)


# prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN): Linux ≥ 6.3's form of MemoryDenyWriteExecute=
WRAPPER = """
import ctypes, runpy, sys
if ctypes.CDLL(None, use_errno=True).prctl(65, 1, 0, 0, 0) != 0:
    sys.exit(99)
sys.argv = ["dripcast", *sys.argv[1:]]
runpy.run_module("dripcast", run_name="__main__", alter_sys=True)
"""


def heic_mail() -> bytes:
    im = Image.new("RGB", (800, 600), (200, 120, 40))
    buf = io.BytesIO()
    pillow_heif.from_pillow(im).save(buf, quality=80)
    msg = EmailMessage()
    msg["From"] = "owner@example.com"
    msg["To"] = "bakery@localhost"
    msg["Subject"] = "Fresh bread"
    msg["Date"] = email.utils.formatdate(localtime=True)
    msg.set_content("Sourdough out of the oven\nwhen: now")
    msg.add_attachment(buf.getvalue(), maintype="image", subtype="heic", filename="IMG_1.HEIC")
    return msg.as_bytes(policy=email.policy.SMTP)


@pytest.fixture
def mdwe_supported() -> None:
    probe = subprocess.run(
        [sys.executable, "-c", "import ctypes,sys; sys.exit(ctypes.CDLL(None).prctl(65,1,0,0,0))"],
        check=False,
    )
    if probe.returncode != 0:
        pytest.skip("this kernel has no PR_SET_MDWE")


@pytest.fixture
def serve_mdwe(make_config: Callable[..., Path]) -> Iterator[tuple[Path, int]]:
    cfg = make_config([quick_brand()])
    port = int(yaml.safe_load(cfg.read_text())["service"]["smtp"]["port"])
    log = open(cfg.parent / "serve.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-c", WRAPPER, "--config", str(cfg), "serve"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=cfg.parent,
    )
    try:
        yield cfg, port
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


def test_serve_takes_a_heic_photo_without_writable_executable_memory(
    mdwe_supported: None, serve_mdwe: tuple[Path, int]
) -> None:
    cfg, port = serve_mdwe

    def sent() -> bool:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as s:
                s.sendmail("owner@example.com", ["bakery@localhost"], heic_mail())
            return True
        except OSError:
            return False

    wait_for(sent, timeout=30, what="serve listening under MDWE")
    wait_for(
        lambda: outbox_posts(cfg.parent),
        timeout=60,
        what=f"an outbox post (see {cfg.parent / 'serve.log'})",
    )
