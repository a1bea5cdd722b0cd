"""Intake speed: photo mail into the real listener, durable path included, against references.

    /work/venv/bin/python -m bench.intake [--scale 1.0] [--no-postfix]

Sends mails with one 3 MB photo and with ten (31 MB) at concurrency 1 and 8 to
  dripcast   the real listener: streamed DATA, verdict, fsync'd spool, database row
  sink       stock aiosmtpd whose handler only answers 250 (nothing stored)
  postfix    a private Postfix delivering to a Maildir on loopback, when installed
and prints messages/s, MB/s and the server's peak RSS (for Postfix: the sum over its
processes, sampled every 20 ms), then dripcast's throughput ratios.
The client is the same for all: one socket per worker, the message dot-stuffed once.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate
from pathlib import Path

import yaml

from bench.servers import postfix_start, postfix_stop
from ingest.dotstream import stuff

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def mail(photos: int, to: str) -> bytes:
    """Dot-stuffed DATA for a photo mail, without Message-ID (each send adds its own)."""
    msg = EmailMessage()
    msg["From"] = "owner@example.com"
    msg["To"] = to
    msg["Subject"] = "Fresh bread"
    msg["Date"] = formatdate(localtime=True)
    msg.set_content("Sourdough out of the oven")
    photo = os.urandom(int(2.27 * MB))  # ~3.1 MB once base64-encoded: a phone's JPEG
    for i in range(photos):
        msg.add_attachment(photo, maintype="image", subtype="jpeg", filename=f"IMG_{i}.JPG")
    return stuff(msg.as_bytes(policy=SMTP))


class Client:
    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=120)
        self.file = self.sock.makefile("rb")
        self.expect(220)
        self.cmd(b"EHLO bench.example", 250)

    def expect(self, code: int) -> None:
        while True:
            line = self.file.readline()
            if line[3:4] != b"-":
                break
        if int(line[:3]) != code:
            raise RuntimeError(f"expected {code}, got {line!r}")

    def cmd(self, line: bytes, code: int) -> None:
        self.sock.sendall(line + b"\r\n")
        self.expect(code)

    def send(self, wire: bytes, rcpt: str, tag: str) -> None:
        self.cmd(b"MAIL FROM:<owner@example.com>", 250)
        self.cmd(f"RCPT TO:<{rcpt}>".encode(), 250)
        self.cmd(b"DATA", 354)
        self.sock.sendall(f"Message-ID: <{tag}@bench.example>\r\n".encode())
        self.sock.sendall(wire)
        self.expect(250)

    def close(self) -> None:
        self.cmd(b"QUIT", 221)
        self.sock.close()


class RssSampler(threading.Thread):
    """Peak of the summed RSS of Postfix's processes (master, smtpd, cleanup, qmgr, local…)."""

    def __init__(self, exe_prefix: str = "/usr/lib/postfix/") -> None:
        super().__init__(daemon=True)
        self.prefix, self.peak, self.stop = exe_prefix, 0, threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.02):
            total = 0
            for pid in filter(str.isdigit, os.listdir("/proc")):
                try:
                    if os.readlink(f"/proc/{pid}/exe").startswith(self.prefix):
                        total += rss_kb(int(pid), "VmRSS")
                except OSError:
                    continue
            self.peak = max(self.peak, total)


def rss_kb(pid: int, field: str = "VmHWM") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def blast(port: int, wire: bytes, rcpt: str, workers: int, count: int) -> float:
    """Send `count` messages over `workers` connections; seconds from first byte to last 250."""
    errors: list[Exception] = []

    def work(k: int) -> None:
        try:
            c = Client(port)
            for i in range(k, count, workers):
                c.send(wire, rcpt, f"{time.time_ns()}-{k}-{i}")
            c.close()
        except Exception as e:  # reported below: a failed run must not print a figure
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(workers)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - start


def postfix_drain(root: Path, timeout: float = 300) -> None:
    """Wait until Postfix has delivered everything, so its work does not spill into the next run."""
    deadline = time.monotonic() + timeout
    queues = [root / "queue" / q for q in ("maildrop", "incoming", "active", "deferred")]
    while time.monotonic() < deadline:
        if not any(any(f.is_file() for f in q.rglob("*")) for q in queues if q.is_dir()):
            return
        time.sleep(0.2)


def start_server(args: list[str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.servers", *args], stdout=subprocess.PIPE, env=env, cwd=ROOT
    )
    assert proc.stdout is not None
    if proc.stdout.readline().strip() != b"ready":
        raise RuntimeError(f"{args[0]} did not start")
    return proc


def dripcast_config(folder: Path, port: int) -> Path:
    brand = {
        "id": "demo-bakery",
        "name": "Demo Bakery",
        "address": "bakery@localhost",
        "senders": ["owner@example.com"],
        "channels": [{"id": "outbox", "type": "outbox", "path": "var/outbox"}],
    }
    smtp = {"host": "127.0.0.1", "port": port, "max_message_mb": 64, "per_sender_hour": 0}
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump({"service": {"smtp": smtp}, "brands": [brand]}))
    return path


def measure(
    target: str, tmp: str, pf_root: Path, pf_port: int, wire: bytes, rcpt: str, workers: int, n: int
) -> tuple[float, float]:
    """One timed run on a fresh server (Postfix: the running one): seconds and peak RSS in MB."""
    os.sync()  # the previous run's writeback must not land in this one
    if target == "postfix":
        sampler = RssSampler()
        sampler.start()
        secs = blast(pf_port, wire, rcpt, workers, n)
        postfix_drain(pf_root)
        sampler.stop.set()
        sampler.join()
        shutil.rmtree(Path("~dripbench/Maildir").expanduser(), ignore_errors=True)
        return secs, sampler.peak / 1024
    port = free_port()
    run = Path(tempfile.mkdtemp(dir=tmp))
    arg = str(dripcast_config(run, port)) if target == "dripcast" else str(port)
    proc = start_server([target, arg])
    try:
        secs = blast(port, wire, rcpt, workers, n)
        return secs, rss_kb(proc.pid) / 1024
    finally:
        proc.kill()
        proc.wait()
        shutil.rmtree(run, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="multiply the message counts")
    ap.add_argument("--no-postfix", action="store_true")
    ap.add_argument("--repeat", type=int, default=3, help="runs per figure; the median is shown")
    opts = ap.parse_args()
    kinds = {"1 photo": mail(1, "bakery@localhost"), "10 photos": mail(10, "bakery@localhost")}
    counts = {("1 photo", 1): 20, ("1 photo", 8): 64, ("10 photos", 1): 4, ("10 photos", 8): 16}
    rows: dict[tuple[str, str, int], tuple[float, float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="dripbench-") as tmp:
        pf_root, pf_port = Path(tmp) / "postfix", free_port()
        postfix = not opts.no_postfix and postfix_start(pf_root, pf_port)
        try:
            for (kind, workers), n in counts.items():
                n = max(workers, int(n * opts.scale))
                wire = kinds[kind]
                size = len(wire) / MB
                for target in ("dripcast", "sink", "postfix"):
                    if target == "postfix" and not postfix:
                        continue
                    rcpt = "dripbench@localhost" if target == "postfix" else "bakery@localhost"
                    runs = [
                        measure(target, tmp, pf_root, pf_port, wire, rcpt, workers, n)
                        for _ in range(opts.repeat)
                    ]
                    secs = statistics.median(r[0] for r in runs)
                    peak = max(r[1] for r in runs)
                    rows[(kind, target, workers)] = (n / secs, n * size / secs, peak)
                    print(
                        f"{kind:9} c={workers}  {target:8} {n / secs:7.1f} msg/s "
                        f"{n * size / secs:7.1f} MB/s  peak RSS {peak:6.0f} MB"
                        f"  ({n} x {size:.1f} MB)",
                        flush=True,
                    )
        finally:
            if postfix:
                postfix_stop(pf_root)
    print("\ndripcast throughput relative to the references (same run, same client):")
    for kind, target, workers in rows:
        if target == "dripcast":
            mine = rows[(kind, target, workers)][1]
            ratios = [
                f"{ref} x{mine / rows[(kind, ref, workers)][1]:.2f}"
                for ref in ("sink", "postfix")
                if (kind, ref, workers) in rows
            ]
            print(f"  {kind:9} c={workers}: " + ", ".join(ratios))


if __name__ == "__main__":
    main()
