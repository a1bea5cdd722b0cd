"""Labelled FAQ comments through `dripcast faq --file`, a real subprocess: what it
decided, and the (label, decision) pairs that dripcast.app.faq_tuning.figures counts, as
`dripcast faq --file` does for a labelled file
(tests/faq/test_labelled.py, bench/faq.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from dripcast.app.faq_tuning import Label

ROOT = Path(__file__).parents[2]
DATA = ROOT / "tests" / "data" / "faq"
BRANDS = {
    "solsikke": "bakery",
    "egerne": "bikes",
    "kroelle": "salon",
    "aandedraet": "yoga",
    "vildblomst": "florist",
    "blaek": "tattoo",
    "druen": "restaurant",
    "pelspote": "groomer",
}  # brand id → its files' first name

Pair = tuple[Label, Label]  # (the label, the decision)


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


def pairs(want: list[dict[str, object]], got: list[dict[str, object]]) -> list[Pair]:
    """The labels and the decisions, line by line, as dripcast.app.faq_tuning counts them."""
    return [(_verdict(w), _verdict(g)) for w, g in zip(want, got, strict=True)]


def _verdict(doc: dict[str, object]) -> Label:
    faq = doc["faq"]
    assert faq is None or isinstance(faq, str), doc
    return Label(action=str(doc["action"]), faq=faq)
