"""Labelled FAQ comments through `dripcast faq --file`, a real subprocess: what it
decided, and how well against the labels (tests/faq/test_labelled.py, bench/faq.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parents[2]
DATA = ROOT / "tests" / "data" / "faq"
BRANDS = {
    "solsikke": "bakery",
    "egerne": "bikes",
    "kroelle": "salon",
    "aandedraet": "yoga",
    "vildblomst": "florist",
    "blaek": "tattoo",
}  # brand id → its files' first name

Pair = tuple[dict[str, object], dict[str, object]]  # (the label, the decision)


def run(brand: str, path: Path) -> list[dict[str, object]]:
    """`dripcast faq BRAND --file PATH --json`, one decision per line of the file."""
    config = str(DATA / "config.yaml")
    args = ["faq", brand, "--file", str(path), "--json"]
    out = subprocess.run(
        [sys.executable, "-m", "dripcast", "--config", config, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
        check=True,
    )
    return [json.loads(line) for line in out.stdout.splitlines()]


def labels(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@dataclass(frozen=True)
class Figures:
    n: int
    answered: int  # comments the decider answered
    right: int  # … with the labelled FAQ entry
    answerable: int  # comments labelled answer
    escalations: int  # comments labelled escalate
    caught: int  # … that the decider escalated

    @property
    def precision(self) -> float:
        return self.right / max(self.answered, 1)

    @property
    def recall(self) -> float:
        return self.right / self.answerable

    @property
    def escalation_recall(self) -> float:
        return self.caught / self.escalations

    def __str__(self) -> str:
        return (
            f"n={self.n:4}  precision {self.precision:.2f} ({self.right}/{self.answered})  "
            f"recall {self.recall:.2f} ({self.right}/{self.answerable})  "
            f"escalation recall {self.escalation_recall:.2f} ({self.caught}/{self.escalations})"
        )


def figures(pairs: list[Pair]) -> Figures:
    return Figures(
        n=len(pairs),
        answered=sum(got["action"] == "answer" for _, got in pairs),
        right=sum(
            got["action"] == want["action"] == "answer" and got["faq"] == want["faq"]
            for want, got in pairs
        ),
        answerable=sum(want["action"] == "answer" for want, _ in pairs),
        escalations=sum(want["action"] == "escalate" for want, _ in pairs),
        caught=sum(want["action"] == got["action"] == "escalate" for want, got in pairs),
    )
