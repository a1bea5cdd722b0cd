"""The labelled comments (tests/data/faq) through `dripcast faq --file`, a real subprocess.

Each brand's comments come in these parts: `dev` and `test`, written before the
decider (dev looked at while tuning, test held out until the decider first met the
bars on dev), `dev2` (written after fresh3 showed poor recall, in other words than
the FAQ's, and tuned on: fresh3 itself never was), `fresh`, `fresh2`…, each written
after the decider's latest change to measure it on comments it had never seen (then
read, and learnt from), and `holdout/*.eval.jsonl`: written by someone who never saw
the decider, measured once, then the dev set the topic lexicon was built against (its
README says how). The issue's bars hold over the whole set: precision of answers
>= 0.95 (answered with the right FAQ), recall of answerable questions >= 0.80,
escalation recall >= 0.90. Run with -s to see the figures per part.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).parent.parent / "data" / "faq"
BRANDS = {"solsikke": "bakery", "egerne": "bikes"}


def run(brand: str, path: Path) -> list[dict[str, object]]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "dripcast",
            "--config",
            str(DATA / "config.yaml"),
            "faq",
            brand,
            "--file",
            str(path),
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    return [json.loads(line) for line in out.stdout.splitlines()]


def figures(pairs: list[tuple[dict[str, object], dict[str, object]]]) -> dict[str, float]:
    answered = [(want, got) for want, got in pairs if got["action"] == "answer"]
    right = [
        1 for want, got in answered if want["action"] == "answer" and want["faq"] == got["faq"]
    ]
    answerable = [(want, got) for want, got in pairs if want["action"] == "answer"]
    found = [
        1 for want, got in answerable if got["action"] == "answer" and got["faq"] == want["faq"]
    ]
    escalations = [(want, got) for want, got in pairs if want["action"] == "escalate"]
    caught = [1 for want, got in escalations if got["action"] == "escalate"]
    return {
        "precision": len(right) / max(len(answered), 1),
        "recall": len(found) / len(answerable),
        "escalation_recall": len(caught) / len(escalations),
        "n": len(pairs),
    }


def test_labelled_set_meets_the_bars() -> None:
    halves: dict[str, list[tuple[dict[str, object], dict[str, object]]]] = {
        "dev": [],
        "dev2": [],
        "test": [],
        "fresh": [],
        "fresh2": [],
        "fresh3": [],
        "holdout": [],
    }
    for brand, name in BRANDS.items():
        for half in halves:
            path = DATA / f"{name}.{half}.jsonl"
            if half == "holdout":
                path = DATA / "holdout" / f"{name}.eval.jsonl"
            want = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
            got = run(brand, path)
            assert [g["text"] for g in got] == [w["text"] for w in want]
            for g in got:
                assert set(g) == {"text", "action", "faq", "score", "reply"}
                assert 0 <= float(g["score"]) <= 1  # type: ignore[arg-type]
                assert (g["reply"] is None) == (g["action"] != "answer")
            halves[half] += list(zip(want, got, strict=True))
    for half, pairs in halves.items():
        print(half, figures(pairs))
    total = figures([p for pairs in halves.values() for p in pairs])
    print("all", total)
    assert total["n"] >= 200
    assert total["precision"] >= 0.95
    assert total["recall"] >= 0.80
    assert total["escalation_recall"] >= 0.90
