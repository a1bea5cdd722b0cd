"""deploy/dripcast.service: hardened (systemd's own score), valid, and serve still works in it."""

from __future__ import annotations

import ctypes.util
import email.policy
import email.utils
import io
import os
import re
import shutil
import smtplib
import socket
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


def syscall_groups() -> dict[str, list[str]]:
    """systemd's named system-call sets (`systemd-analyze syscall-filter`), unexpanded."""
    assert ANALYZE is not None
    out = subprocess.run(
        [ANALYZE, "syscall-filter"], capture_output=True, text=True, check=True
    ).stdout
    groups: dict[str, list[str]] = {}
    current: list[str] = []
    for line in out.splitlines():
        if line.startswith("@"):
            current = groups.setdefault(line.strip(), [])
        elif line.strip() and not line.strip().startswith("#") and line.startswith(" "):
            current.append(line.strip())
    return groups


def expand(names: list[str], groups: dict[str, list[str]]) -> set[str]:
    out: set[str] = set()
    for n in names:
        out |= expand(groups[n], groups) if n.startswith("@") else {n}
    return out


def unit_families() -> list[int]:
    (line,) = re.findall(r"(?m)^RestrictAddressFamilies=(.*)$", UNIT.read_text())
    return [int(getattr(socket, name)) for name in line.split()]


def unit_syscalls() -> list[str]:
    """The unit's SystemCallFilter= lines as one allow-list."""
    groups = syscall_groups()
    allowed: set[str] = set()
    for line in re.findall(r"(?m)^SystemCallFilter=(.*)$", UNIT.read_text()):
        if line.startswith("~"):
            allowed -= expand(line[1:].split(), groups)
        else:
            allowed |= expand(line.split(), groups)
    return sorted(allowed)


# What the unit's MemoryDenyWriteExecute= and SystemCallFilter= do, without systemd:
# prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN) (Linux ≥ 6.3), then a libseccomp filter
# answering EPERM (SystemCallErrorNumber=) to every system call not in the allow-list.
WRAPPER = """
import ctypes, ctypes.util, os, runpy, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(65, 1, 0, 0, 0) != 0:
    sys.exit(99)
allowed = os.environ.pop("ALLOWED_SYSCALLS", "")
if allowed:
    sc = ctypes.CDLL(ctypes.util.find_library("seccomp"))
    sc.seccomp_init.restype = ctypes.c_void_p
    sc.seccomp_rule_add.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint]
    sc.seccomp_load.argtypes = [ctypes.c_void_p]
    ctx = sc.seccomp_init(0x00050000 | 1)  # SCMP_ACT_ERRNO(EPERM)
    for name in allowed.split():
        nr = sc.seccomp_syscall_resolve_name(name.encode())
        if nr >= 0 and name != "socket":
            assert sc.seccomp_rule_add(ctx, 0x7FFF0000, nr, 0) == 0  # SCMP_ACT_ALLOW
    class Cmp(ctypes.Structure):  # struct scmp_arg_cmp
        _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int),
                    ("a", ctypes.c_uint64), ("b", ctypes.c_uint64)]
    sc.seccomp_rule_add_array.argtypes = [
        ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint, ctypes.POINTER(Cmp)]
    socket_nr = sc.seccomp_syscall_resolve_name(b"socket")
    for family in map(int, os.environ.pop("ALLOWED_FAMILIES").split()):  # RestrictAddressFamilies=
        cmp = Cmp(0, 4, family, 0)  # SCMP_CMP_EQ on the first argument
        assert sc.seccomp_rule_add_array(ctx, 0x7FFF0000, socket_nr, 1, ctypes.byref(cmp)) == 0
    assert sc.seccomp_load(ctx) == 0
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
def serve_confined(make_config: Callable[..., Path]) -> Iterator[tuple[Path, int]]:
    cfg = make_config([quick_brand()])
    port = int(yaml.safe_load(cfg.read_text())["service"]["smtp"]["port"])
    seccomp = ctypes.util.find_library("seccomp")
    allowed = " ".join(unit_syscalls()) if ANALYZE and seccomp else ""
    log = open(cfg.parent / "serve.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-c", WRAPPER, "--config", str(cfg), "serve"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "ALLOWED_SYSCALLS": allowed,
            "ALLOWED_FAMILIES": " ".join(map(str, unit_families())),
        },
        cwd=cfg.parent,
    )
    try:
        yield cfg, port
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


def test_serve_takes_a_heic_photo_under_the_units_memory_and_syscall_rules(
    mdwe_supported: None, serve_confined: tuple[Path, int]
) -> None:
    """Binds its port, writes its state, decodes HEIC with libheif, publishes."""
    cfg, port = serve_confined

    def sent() -> bool:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as s:
                s.sendmail("owner@example.com", ["bakery@localhost"], heic_mail())
            return True
        except OSError:
            return False

    wait_for(sent, timeout=30, what="serve listening under MDWE")
    (post,) = wait_for(
        lambda: outbox_posts(cfg.parent),
        timeout=60,
        what=f"an outbox post (see {cfg.parent / 'serve.log'})",
    )
    (image,) = [p for p in Path(str(post["dir"])).iterdir() if p.suffix == ".jpg"]
    with Image.open(image) as im:  # the HEIC went through libheif
        assert im.size == (800, 600)
