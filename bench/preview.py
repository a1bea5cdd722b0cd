"""The whole `dripcast preview` process against vipsthumbnail and pyvips, in the same run.

    python -m bench.preview [--repeat 5] [--photo bench/photos/…]

For each real photo in bench/photos/ (a 12 MP phone JPEG stored sideways with EXIF
orientation 6, an iPhone 11 Pro HEIC), mails it to a brand with 7 networks and times
  dripcast   `dripcast preview --out DIR` as a fresh process: imports, config, parse,
             checks, one decode, every variant written, the plan
  vips       7 `vipsthumbnail` calls, one per network, at the same sizes (a new process
             and a new decode each, as a shell script would do it)
  pyvips     one Python process that imports pyvips, decodes once and writes the 7 sizes
and `dripcast --help` (startup). Runs are interleaved; medians are printed with ratios.
With `--baseline DIR` (a checkout of an older commit: `git archive REV | tar x -C DIR`)
that tree's `dripcast preview` and `--help` are timed in the same runs too.
pyvips is in the `bench` extra: `pip install -e .[bench]` (it needs Debian's libvips42).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PHOTOS = ROOT / "bench" / "photos"
NETWORKS = ("instagram", "facebook", "threads", "x", "bluesky", "mastodon", "linkedin")
CHANNELS = """\
      - {id: instagram, type: instagram, account_id: '1', token: '${BENCH_SECRET}'}
      - {id: facebook, type: facebook, page_id: '1', token: '${BENCH_SECRET}'}
      - {id: threads, type: threads, user_id: '1', token: '${BENCH_SECRET}'}
      - {id: x, type: x, token: '${BENCH_SECRET}', refresh_token: '${BENCH_SECRET}', client_id: c}
      - {id: bluesky, type: bluesky, handle: a.bsky.social, app_password: '${BENCH_SECRET}'}
      - {id: mastodon, type: mastodon, instance: https://mastodon.example, token: '${BENCH_SECRET}'}
      - {id: linkedin, type: linkedin, author: 'urn:li:person:1', token: '${BENCH_SECRET}'}
"""
CONFIG = """\
service:
  database: sqlite:///{folder}/none.db
  media_dir: {folder}/media
  spool_dir: {folder}/spool
  public_base_url: https://media.example.com
brands:
  - id: bakery
    name: Bakery
    timezone: Europe/Copenhagen
    address: bakery@example.com
    senders: ["owner@example.com"]
    verify: none
    approval: none
    hashtags: ["#bakery"]
    drip: {{days: 5, slots: ["09:00", "12:30", "18:00"], weekdays: mon-sun, min_gap: 3h}}
    channels:
"""

PYVIPS = """
import sys, pyvips
path, out, sizes = sys.argv[1], sys.argv[2], [tuple(map(int, s.split("x"))) for s in sys.argv[3:]]
# One decode (shrink-on-load to the largest size), kept in memory; every size cut from it.
big = max(sizes, key=lambda s: s[0] * s[1])
im = pyvips.Image.thumbnail(path, big[0], height=big[1], size="both", export_profile="srgb")
im = im.copy_memory()
for i, (w, h) in enumerate(sizes):
    v = im.thumbnail_image(w, height=h, crop="attention")
    v.jpegsave(f"{out}/p{i}.jpg", Q=85, strip=True, optimize_coding=True)
"""


def python() -> str:
    return sys.executable


def env(root: Path = ROOT) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(root), "BENCH_SECRET": "not-used"}


def setup(folder: Path, photo: Path) -> tuple[Path, Path]:
    config = folder / "config.yaml"
    config.write_text(CONFIG.format(folder=folder) + CHANNELS)
    msg = EmailMessage()
    msg["From"] = "owner@example.com"
    msg["To"] = "bakery@example.com"
    msg["Subject"] = "Fresh bread"
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid()
    msg.set_content("Sourdough out of the oven.\n\n#bread")
    kind = "heic" if photo.suffix.lower() == ".heic" else "jpeg"
    msg.add_attachment(photo.read_bytes(), maintype="image", subtype=kind, filename=photo.name)
    mail = folder / "mail.eml"
    mail.write_bytes(msg.as_bytes())
    return config, mail


def timed(args: list[str], root: Path = ROOT, **kw: object) -> float:
    start = time.perf_counter()
    # cwd too: `python -m` puts the working directory first on sys.path, before PYTHONPATH.
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, env=env(root), cwd=root, **kw)  # type: ignore[call-overload]
    return time.perf_counter() - start


def sizes(config: Path, mail: Path, out: Path) -> list[str]:
    """The 7 variant sizes dripcast makes, from its own --json (one per network)."""
    import json

    done = subprocess.run(
        [python(), "-m", "dripcast", "--config", str(config), "preview", "--json", str(mail)],
        check=True,
        capture_output=True,
        env=env(),
        cwd=ROOT,
    )
    doc = json.loads(done.stdout)
    first: dict[str, str] = {}
    for post in doc["posts"]:
        m = post["media"][0]
        first.setdefault(post["channel"], f"{m['width']}x{m['height']}")
    return [first[n] for n in NETWORKS]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--photo", type=Path, action="append")
    ap.add_argument("--baseline", type=Path, help="an older tree to time beside this one")
    args = ap.parse_args()
    if not shutil.which("vipsthumbnail"):
        sys.exit("vipsthumbnail not found: apt-get install -y libvips-tools")
    photos = args.photo or sorted(p for p in PHOTOS.iterdir() if p.suffix.lower() != ".md")
    print(f"load before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        roots = [ROOT, *([args.baseline] if args.baseline else [])]
        help_cmd = [python(), "-m", "dripcast", "--help"]
        help_runs = [[timed(help_cmd, r) for r in roots] for _ in range(max(3, args.repeat))]
        for i, r in enumerate(roots):
            t = statistics.median(h[i] for h in help_runs)
            print(f"dripcast --help   {t:6.3f} s  (target ≤ 0.25)  {r}")
        for photo in photos:
            config, mail = setup(folder, photo)
            out = folder / "out"
            out.mkdir(exist_ok=True)
            want = sizes(config, mail, out)
            ours_cmd = [
                *(python(), "-m", "dripcast", "--config", str(config), "preview"),
                *("--out", str(out), str(mail)),
            ]
            vips_cmds = [
                [
                    *("vipsthumbnail", str(photo), "-s", s),
                    *("-e", "srgb", "--smartcrop", "attention"),
                    "-o",
                    f"{out}/v{i}.jpg[Q=85,strip,optimize_coding]",
                ]
                for i, s in enumerate(want)
            ]
            pyvips_cmd = [python(), "-c", PYVIPS, str(photo), str(out), *want]
            runs: list[tuple[float, ...]] = []
            for _ in range(args.repeat):
                shutil.rmtree(out)
                out.mkdir()
                a = timed(ours_cmd)
                b = sum(timed(c, stderr=subprocess.DEVNULL) for c in vips_cmds)
                c = timed(pyvips_cmd)
                old = [timed(ours_cmd, args.baseline)] if args.baseline else []
                runs.append((a, b, c, *old))
            ours, vips, pyv, *base = (
                statistics.median(r[i] for r in runs) for i in range(len(runs[0]))
            )
            print(f"{photo.name}: 7 networks, sizes {' '.join(want)}")
            print(f"  dripcast preview (whole process) {ours:6.3f} s")
            print(f"  7 × vipsthumbnail                {vips:6.3f} s   ratio {ours / vips:5.2f}")
            print(f"  pyvips, one decode (process)     {pyv:6.3f} s   ratio {ours / pyv:5.2f}")
            for t in base:
                print(
                    f"  baseline preview ({args.baseline}) {t:6.3f} s   ratio to vips"
                    f" {t / vips:5.2f}, to pyvips {t / pyv:5.2f}"
                )
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
