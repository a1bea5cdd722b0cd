"""`dripcast serve` under a burst: 8 concurrent mails of 20 real 12 MP photos each (44 MB).

    python -m bench.serve_burst [--repeat 1] [--baseline DIR]

Starts the real service (SMTP listener, processor, scheduler) on a fresh SQLite
database, sends the mails over 8 SMTP connections at once, and waits until the database
shows every message planned. Prints the seconds from the first byte sent to the last
message planned, and the peak RSS of the whole service: the sum over its process and
every process under it (the worker pool), sampled every 20 ms.

The photos are bench/photos/galaxy-s7-orientation6.jpg (a real 12 MP phone JPEG, EXIF
orientation 6) made into 20 distinct photos (a small patch changed in each, re-encoded
at quality 85, ~1.6 MB each as a phone would send them). Each mail goes to its own brand
(8 brands, 7 networks each, approval by the client so nothing publishes), so no photo is
a duplicate of another mail's. With `--baseline DIR` (e.g. `git archive REV | tar x -C
DIR`) that tree's service runs the same burst in the same run, before this one.
"""

from __future__ import annotations

import argparse
import io
import os
import signal
import socket
import sqlite3
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

from PIL import Image

from bench.intake import Client, free_port
from ingest.dotstream import stuff

ROOT = Path(__file__).resolve().parent.parent
PHOTO = ROOT / "bench" / "photos" / "galaxy-s7-orientation6.jpg"
MAILS = 8
PHOTOS = 20
CHANNELS = """\
      - {{id: instagram, type: instagram, account_id: '1', token: '${{BENCH_SECRET}}'}}
      - {{id: facebook, type: facebook, page_id: '1', token: '${{BENCH_SECRET}}'}}
      - {{id: threads, type: threads, user_id: '1', token: '${{BENCH_SECRET}}'}}
      - {{id: x, type: x, token: '${{BENCH_SECRET}}', refresh_token: '${{BENCH_SECRET}}', client_id: c}}
      - {{id: bluesky, type: bluesky, handle: a.bsky.social, app_password: '${{BENCH_SECRET}}'}}
      - {{id: mastodon, type: mastodon, instance: 'http://127.0.0.1:{dead}', token: '${{BENCH_SECRET}}'}}
      - {{id: linkedin, type: linkedin, author: 'urn:li:person:1', token: '${{BENCH_SECRET}}'}}
"""


def photos(cache: Path) -> list[bytes]:
    """20 distinct real photos: the phone JPEG with one small patch changed in each."""
    cache.mkdir(parents=True, exist_ok=True)
    out = []
    with Image.open(PHOTO) as im:
        exif = im.info.get("exif", b"")
        base = im.convert("RGB")
    for i in range(PHOTOS):
        path = cache / f"p{i:02}.jpg"
        if not path.exists():
            im = base.copy()
            im.paste((i * 12, 255 - i * 12, 128), (40 + i * 150, 40, 120 + i * 150, 120))
            buf = io.BytesIO()
            im.save(buf, "JPEG", quality=85, exif=exif)
            path.write_bytes(buf.getvalue())
        out.append(path.read_bytes())
    return out


def config(folder: Path, port: int) -> Path:
    brands = "".join(
        f"""  - id: b{n}
    name: Brand {n}
    timezone: Europe/Copenhagen
    address: b{n}@example.com
    senders: ["owner@example.com"]
    verify: none
    approval: client
    drip: {{days: 30, slots: ["09:00", "12:30", "18:00"], weekdays: mon-sun, min_gap: 3h}}
    channels:
"""
        + CHANNELS.format(dead=free_port())
        for n in range(MAILS)
    )
    path = folder / "config.yaml"
    path.write_text(
        f"""service:
  smtp: {{host: 127.0.0.1, port: {port}, max_message_mb: 60, per_sender_hour: 0}}
  database: sqlite:///{folder}/dripcast.db
  media_dir: {folder}/media
  spool_dir: {folder}/spool
  state_dir: {folder}/state
  public_base_url: https://media.example.com
  media_http: {{host: 127.0.0.1, port: {free_port()}, ttl_seconds: 3600}}
brands:
{brands}"""
    )
    return path


def wire(pictures: list[bytes], to: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "owner@example.com"
    msg["To"] = to
    msg["Subject"] = "The week's bakes"
    msg["Date"] = formatdate(localtime=True)
    msg.set_content("Twenty loaves out of the oven.\n\n#bread")
    for i, data in enumerate(pictures):
        msg.add_attachment(data, maintype="image", subtype="jpeg", filename=f"IMG_{i:04}.JPG")
    return stuff(msg.as_bytes(policy=SMTP))


def tree(pid: int) -> list[int]:
    """`pid` and every process under it."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                kids = Path(f"/proc/{p}/task/{task}/children").read_text().split()
                todo += [int(k) for k in kids]
        except OSError:
            continue
    return out


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> tuple[float, bool] | None:
    """User + system CPU time the process has used so far, and whether its main thread
    has work now (running, or runnable and waiting for a core: how busy a worker is
    whatever else the machine runs)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICK, fields[0] in ("R", "D")


def role(pid: int, root: int) -> str:
    """main, a helper (a fork server, the resource tracker), or a worker (a fork server's
    workers are forks of it: the same command line, another parent)."""
    if pid == root:
        return "main"
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return "gone"
    if b"resource_tracker" in cmd or (b"forkserver" in cmd and parent == root):
        return "helper"
    return "worker"


class Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.procs, self.stop = pid, 0, 1, threading.Event()
        self.peak_at = 0.0
        self.at_peak: list[int] = []  # each process's RSS at the peak
        self.each: dict[int, int] = {}  # each process's own peak, for the breakdown
        self.cpu: dict[int, tuple[str, float, float]] = {}  # pid → role, CPU at first, at last
        self.busy: dict[int, tuple[int, int]] = {}  # pid → samples, samples with work

    def run(self) -> None:
        start = True  # CPU used before the burst is not counted
        while not self.stop.wait(0.02):
            pids = tree(self.pid)
            sizes = {p: rss_kb(p) for p in pids}
            for p, kb in sizes.items():
                self.each[p] = max(self.each.get(p, 0), kb)
            for p in pids:
                got = cpu_seconds(p)
                if got is None:
                    continue
                used, working = got
                first = self.cpu[p][1] if p in self.cpu else (used if start else 0.0)
                name = self.cpu[p][0] if p in self.cpu else role(p, self.pid)
                self.cpu[p] = (name, first, used)
                seen, busy = self.busy.get(p, (0, 0))
                self.busy[p] = (seen + 1, busy + working)
            start = False
            total = sum(sizes.values())
            if total > self.peak:
                self.peak, self.procs, self.peak_at = total, len(pids), time.perf_counter()
                self.at_peak = sorted(sizes.values(), reverse=True)


def planned(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            row = conn.execute(
                "SELECT count(*) FROM messages WHERE status IN ('planned', 'failed', 'refused')"
            ).fetchone()
            return int(row[0])
    except sqlite3.Error:
        return 0


def burst(root: Path, mails: list[tuple[bytes, str]]) -> tuple[float, int, int, dict[str, int]]:
    """Seconds to plan every mail, peak summed RSS (KB), processes then, post counts."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        port = free_port()
        cfg = config(folder, port)
        env = {**os.environ, "PYTHONPATH": str(root), "BENCH_SECRET": "not-used"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "dripcast", "--config", str(cfg), "serve"],
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(folder / "serve.log", "wb"),  # noqa: SIM115
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError((folder / "serve.log").read_text()) from None
                    time.sleep(0.1)
            time.sleep(1.0)  # the text-limit probe (refused at once) and the first tick
            sampler = Sampler(proc.pid)
            sampler.start()
            errors: list[Exception] = []

            def send(data: bytes, rcpt: str, n: int) -> None:
                try:
                    c = Client(port)
                    c.send(data, rcpt, f"{time.time_ns()}-{n}")
                    c.close()
                except Exception as e:
                    errors.append(e)

            start = time.perf_counter()
            threads = [
                threading.Thread(target=send, args=(data, rcpt, n))
                for n, (data, rcpt) in enumerate(mails)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            if errors:
                raise RuntimeError(f"sending failed: {errors[0]!r}")
            received = time.perf_counter() - start
            db = folder / "dripcast.db"
            while planned(db) < len(mails):
                if proc.poll() is not None or time.perf_counter() - start > 900:
                    raise RuntimeError((folder / "serve.log").read_text()[-3000:])
                time.sleep(0.1)
            took = time.perf_counter() - start
            sampler.stop.set()
            sampler.join()
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
                counts = dict(conn.execute("SELECT status, count(*) FROM posts GROUP BY status"))
            each = sorted(sampler.each.values(), reverse=True)
            cpu = ", ".join(
                f"{name} {last - first:.1f} s ({(last - first) / took:.0%} of the time"
                + (f", had work {busy[1] / busy[0]:.0%})" if name == "worker" else ")")
                for pid, (name, first, last) in sorted(
                    sampler.cpu.items(), key=lambda c: c[1][1] - c[1][2]
                )
                if last - first >= 0.05 and (busy := sampler.busy.get(pid, (1, 0)))
            )
            print(
                f"    {root}: {took:.1f} s (all received at {received:.1f} s), peak"
                f" {sampler.peak // 1024} MB at {sampler.peak_at - start:.1f} s"
                f" ({'+'.join(str(kb // 1024) for kb in sampler.at_peak)}); per process"
                f" peaks {[kb // 1024 for kb in each]} MB; CPU (busy) {cpu}",
                flush=True,
            )
            return took, sampler.peak, sampler.procs, counts
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--baseline", type=Path, help="an older tree to run the same burst with")
    args = ap.parse_args()
    pictures = photos(Path(tempfile.gettempdir()) / "dripcast-burst-photos")
    mails = [(wire(pictures, f"b{n}@example.com"), f"b{n}@example.com") for n in range(MAILS)]
    size = len(mails[0][0]) / 1e6
    print(f"{MAILS} mails of {PHOTOS} photos, {size:.1f} MB each; load {os.getloadavg()[0]:.2f}")
    roots = [*([("baseline", args.baseline)] if args.baseline else []), ("this tree", ROOT)]
    results: dict[str, list[tuple[float, int, int, dict[str, int]]]] = {r[0]: [] for r in roots}
    for _ in range(args.repeat):
        for name, root in roots:
            results[name].append(burst(root, mails))
    for name, runs in results.items():
        took = statistics.median(r[0] for r in runs)
        peak = statistics.median(r[1] for r in runs) / 1024
        print(
            f"  {name:10} all planned in {took:6.1f} s   peak RSS {peak:6.0f} MB"
            f" over {runs[-1][2]} processes   posts {runs[-1][3]}"
        )
    if args.baseline:
        old = statistics.median(r[0] for r in results["baseline"])
        new = statistics.median(r[0] for r in results["this tree"])
        print(f"  ratio {new / old:.2f}  (target ≤ 0.55; peak RSS target ≤ 400 MB)")
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
