"""Startup of every `dripcast` command, against bare Python and click in the same run.

    python -m bench.startup [--repeat 7] [--only preview,queue] [--baseline DIR]

Startup is the wall time of a fresh process until the command begins its own work,
measured as the whole process run on trivial input (so the figure is an upper bound:
it includes that little work):
  serve        until it sends READY=1 on $NOTIFY_SOCKET (SMTP socket bound, scheduler
               started: what systemd waits for), then SIGTERM (the stop is not timed)
  web          until its port accepts a TCP connection
  check        the bench config (7 networks, one FAQ), no --online
  preview      a 1-photo mail, a 320×240 JPEG, `--out DIR` (7 variants written), with
               the service's database present (as on a server: the plan reads the
               queue); "preview-nodb" the same without one (a laptop)
  ingest       the same mail, into its own database (so `queue` stays empty): stored and
               planned in the warm-up, then answered "already received" (after the
               same imports, config, database and header checks)
  queue, report --brand B   an empty database at head (no migration runs)
  cancel, retry, publish-now, approve   post 1, which does not exist (exit 1)
  faq BRAND "hi"   one comment
  web-user     an empty line on stdin: read, and refused as a password (the argon2 hash
               of a real one is 0.1–0.3 s of deliberate work, not startup)
The references, in the same runs: `python -c pass` and `python -c "import click"`.
Runs are interleaved (one of each command per round); medians of `--repeat` rounds.
"cpu" is the process's user + system time (to READY=1 or the open port: from
/proc, in 10 ms ticks), which a busy machine inflates less than wall time.
"imports" is import-only time: the top-level cumulative figures of a
`python -X importtime` run of the command, summed, median of 3 runs (importtime's
own overhead inflates them a little).
Bytecode caching is on (into a temporary PYTHONPYCACHEPREFIX, filled by a warm-up
round) as in an installed package, whatever PYTHONDONTWRITEBYTECODE says.
With `--baseline DIR` (`git archive REV | tar x -C DIR`) that tree is timed in the
same rounds.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.preview import CHANNELS, CONFIG, setup

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.25
FAQ = """\
    faq:
      mode: review
      answers:
        - {id: hours, questions: ["when are you open?"], answer: "9 to 17, Monday to Saturday."}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_configs(folder: Path) -> dict[str, Path]:
    """The bench brand with 7 networks and a FAQ: one config per database, plus `web`."""
    from PIL import Image  # a dependency of dripcast: noise, so the JPEG is a real one

    photo = folder / "tiny.jpg"
    Image.frombytes("RGB", (320, 240), os.urandom(320 * 240 * 3)).save(photo, quality=85)
    out: dict[str, Path] = {}
    for name in ("main", "ingest", "nodb"):
        home = folder / name
        home.mkdir()
        config, mail = setup(home, photo)
        text = (CONFIG.format(folder=home) + CHANNELS).replace(
            "    channels:\n", FAQ + "    channels:\n"
        )
        text = text.replace(
            "service:\n",
            "service:\n  smtp: {port: 0}\n  media_http: {port: 0}\n"
            f"  blobs: file:{home}/blobs\n  state_dir: {home}/state\n",
        )
        config.write_text(text)
        out[name], out["mail"] = config, mail
    web = folder / "main" / "web.yaml"
    web.write_text(
        out["main"].read_text().replace("service:\n", f"service:\n  web: {{port: {free_port()}}}\n")
    )
    out["web"] = web
    return out


def commands(c: dict[str, Path], out: Path) -> dict[str, list[str]]:
    main, mail = ["--config", str(c["main"])], str(c["mail"])
    return {
        "--help": ["--help"],
        "serve": [*main, "serve"],
        "check": [*main, "check"],
        "preview": [*main, "preview", "--out", str(out), mail],
        "preview-nodb": ["--config", str(c["nodb"]), "preview", "--out", str(out), mail],
        "ingest": ["--config", str(c["ingest"]), "ingest", mail],
        "queue": [*main, "queue"],
        "cancel": [*main, "cancel", "1"],
        "retry": [*main, "retry", "1"],
        "publish-now": [*main, "publish-now", "1"],
        "approve": [*main, "approve", "1"],
        "report": [*main, "report", "--brand", "bakery"],
        "faq": [*main, "faq", "bakery", "hi"],
        "web": ["--config", str(c["web"]), "web"],
        "web-user": ["web-user", "someone"],
    }


def env(root: Path, pycache: Path) -> dict[str, str]:
    e = {**os.environ, "PYTHONPATH": str(root), "PYTHONPYCACHEPREFIX": str(pycache)}
    e.pop("PYTHONDONTWRITEBYTECODE", None)
    e["BENCH_SECRET"] = "not-used"
    e["COLUMNS"] = "120"
    return e


def run(
    argv: list[str], e: dict[str, str], root: Path, *, until: str | None = None, err: Any = None
) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds from spawn to exit, or to `until`: "ready"
    (READY=1 on $NOTIFY_SOCKET) or "port:N" (N accepts a connection)."""
    io: dict[str, Any] = {"stdout": subprocess.DEVNULL, "stderr": err or subprocess.DEVNULL}
    if until is None:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=e, cwd=root, stdin=subprocess.PIPE, **io)
        assert proc.stdin is not None
        proc.stdin.write(b"\n")
        proc.stdin.close()
        _, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        return took, usage.ru_utime + usage.ru_stime
    with (
        tempfile.TemporaryDirectory() as tmp,
        socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as n,
    ):
        n.bind(f"{tmp}/notify")
        n.settimeout(30)
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env={**e, "NOTIFY_SOCKET": f"{tmp}/notify"}, cwd=root, **io)
        try:
            if until == "ready":
                while n.recv(256) != b"READY=1":
                    pass
            else:
                port, deadline = int(until.split(":")[1]), start + 30
                while True:
                    try:
                        socket.create_connection(("127.0.0.1", port), timeout=1).close()
                        break
                    except OSError:
                        if time.perf_counter() > deadline or proc.poll() is not None:
                            raise RuntimeError(f"{argv[3:]} never listened") from None
                        time.sleep(0.002)
            took = time.perf_counter() - start
            # utime and stime, fields 14 and 15 of /proc/PID/stat, in clock ticks (10 ms)
            stat = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            cpu = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)
        return took, cpu


def warm_up(argv: list[str], e: dict[str, str], root: Path) -> None:
    """Run once; stop the bench if the command fails (exit 1 is `cancel 1`'s "no post 1")."""
    done = subprocess.run(argv, env=e, cwd=root, input=b"\n", capture_output=True)
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(argv[3:])} in {root}: exit {done.returncode}\n{done.stderr.decode()}")


def imports(argv: list[str], e: dict[str, str], root: Path, until: str | None) -> float:
    """Import-only seconds: the median of 3 `-X importtime` runs."""
    return statistics.median(_imports(argv, e, root, until) for _ in range(3))


def _imports(argv: list[str], e: dict[str, str], root: Path, until: str | None) -> float:
    """One `-X importtime` run's top-level cumulative figures, summed."""
    with tempfile.TemporaryFile() as err:
        run([argv[0], "-X", "importtime", *argv[1:]], e, root, until=until, err=err)
        err.seek(0)
        total = 0
        for line in err.read().decode(errors="replace").splitlines():
            if line.startswith("import time:") and line.count("|") == 2:
                _, cumulative, name = line.split("|")
                if cumulative.strip().isdigit() and not name.startswith("  "):
                    total += int(cumulative)  # a top-level import (nested ones are indented)
        return total / 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--only", help="comma-separated commands (default: all)")
    ap.add_argument("--baseline", type=Path, help="an older tree to time beside this one")
    args = ap.parse_args()
    py = sys.executable
    roots = [ROOT, *([args.baseline.resolve()] if args.baseline else [])]
    print(__doc__.split("\n\n", 2)[2].strip() if __doc__ else "")
    print(f"\nload before: {os.getloadavg()[0]:.2f}   repeat: {args.repeat}   target ≤ {TARGET} s")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        configs = write_configs(folder)
        web_port = configs["web"].read_text().split("web: {port: ")[1].split("}")[0]
        cmds = commands(configs, folder / "out")
        if args.only:
            cmds = {k: v for k, v in cmds.items() if k in args.only.split(",")}
        until = {"serve": "ready", "web": f"port:{web_port}"}
        refs = {"python -c pass": [py, "-c", "pass"], "import click": [py, "-c", "import click"]}
        envs = [env(r, folder / f"pyc{i}") for i, r in enumerate(roots)]
        # warm-up: bytecode written, databases created at head, the ingest database in use
        for r, e in zip(roots, envs, strict=True):
            for name, argv in cmds.items():
                if name not in until:  # (those two fail the timing if they never get ready)
                    warm_up([py, "-m", "dripcast", *argv], e, r)
                run([py, "-m", "dripcast", *argv], e, r, until=until.get(name))
        times: dict[tuple[str, int], list[tuple[float, float]]] = {}
        for _ in range(args.repeat):
            for name, argv in refs.items():
                times.setdefault((name, 0), []).append(run(argv, envs[0], ROOT))
            for name, argv in cmds.items():
                for i, (r, e) in enumerate(zip(roots, envs, strict=True)):
                    one = run([py, "-m", "dripcast", *argv], e, r, until=until.get(name))
                    times.setdefault((name, i), []).append(one)
        wall = {k: statistics.median(w for w, _ in v) for k, v in times.items()}
        cpu = {k: statistics.median(c for _, c in v) for k, v in times.items()}
        bare, click = wall[("python -c pass", 0)], wall[("import click", 0)]
        print(
            f"python -c pass {bare:.3f} s (cpu {cpu[('python -c pass', 0)]:.3f})   python -c"
            f" 'import click' {click:.3f} s (cpu {cpu[('import click', 0)]:.3f})\n"
        )
        head = (
            f"{'command':<12} {'startup':>8} {'×pass':>6} {'×click':>7} {'cpu':>7} {'imports':>8}"
        )
        if args.baseline:
            head += f"   {'baseline':>8} {'cpu':>7} {'imports':>8}"
        print(head + "  target")
        for name, argv in cmds.items():
            t = wall[(name, 0)]
            imp = imports([py, "-m", "dripcast", *argv], envs[0], ROOT, until.get(name))
            line = f"{name:<12} {t:7.3f}s {t / bare:6.1f} {t / click:7.1f}"
            line += f" {cpu[(name, 0)]:6.3f}s {imp:7.3f}s"
            if args.baseline:
                old = imports([py, "-m", "dripcast", *argv], envs[1], roots[1], until.get(name))
                line += f"   {wall[(name, 1)]:7.3f}s {cpu[(name, 1)]:6.3f}s {old:7.3f}s"
            print(line + ("  ok" if t <= TARGET else "  OVER"))
    print(f"\nload after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
