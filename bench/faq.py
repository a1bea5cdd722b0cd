"""How well `dripcast faq --file` decides labelled comments: answer precision, answer
recall and escalation recall, per file, and over all files given.

    python -m bench.faq [FILE.jsonl ...]     # default: tests/data/faq/unseen/*.jsonl

Each line of a file is `{"text", "action", "faq"}` (the label); the brand is the
file name's first part (`bakery` → solsikke, `bikes` → egerne, from
tests/data/faq/config.yaml). `-v` lists every comment decided otherwise than labelled.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "faq"
BRANDS = {"bakery": "solsikke", "bikes": "egerne"}


def decide(path: Path) -> list[dict[str, object]]:
    brand = BRANDS[path.name.split(".")[0]]
    args = [sys.executable, "-m", "dripcast", "--config", str(DATA / "config.yaml")]
    args += ["faq", brand, "--file", str(path), "--json"]
    out = subprocess.run(args, capture_output=True, text=True, check=True, cwd=ROOT).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def main() -> None:
    verbose = "-v" in sys.argv
    files = [Path(a) for a in sys.argv[1:] if a != "-v"] or sorted(
        (DATA / "unseen").glob("*.jsonl")
    )
    total = [0, 0, 0, 0, 0, 0]  # right, answered, answerable, escalated, to escalate
    for path in files:
        want = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        got = decide(path)
        assert len(got) == len(want), (path, len(got), len(want))
        pairs = list(zip(got, want, strict=True))
        right = sum(
            g["action"] == w["action"] == "answer" and g["faq"] == w["faq"] for g, w in pairs
        )
        answered = sum(g["action"] == "answer" for g, _ in pairs)
        answerable = sum(w["action"] == "answer" for _, w in pairs)
        escalated = sum(g["action"] == w["action"] == "escalate" for g, w in pairs)
        to_escalate = sum(w["action"] == "escalate" for _, w in pairs)
        for i, n in enumerate((right, answered, answerable, escalated, to_escalate, len(pairs))):
            total[i] += n
        line(path.name, right, answered, answerable, escalated, to_escalate, len(pairs))
        for g, w in pairs if verbose else ():
            if (g["action"], g["faq"]) != (w["action"], w["faq"]):
                print(
                    f"    want {w['action']}/{w['faq']} got {g['action']}/{g['faq']}: {w['text']}"
                )
    if len(files) > 1:
        line("all", *total)


def line(
    name: str, right: int, answered: int, answerable: int, esc: int, to_esc: int, n: int
) -> None:
    p = right / answered if answered else 1.0
    r = right / answerable if answerable else 1.0
    e = esc / to_esc if to_esc else 1.0
    print(
        f"{name:22} n={n:4}  precision {p:.2f} ({right}/{answered})  "
        f"recall {r:.2f} ({right}/{answerable})  escalation recall {e:.2f} ({esc}/{to_esc})"
    )


if __name__ == "__main__":
    main()
