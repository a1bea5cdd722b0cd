"""How well `dripcast faq --file` decides labelled comments: answer precision, answer
recall and escalation recall, per file, and over all files given.

    python -m bench.faq [FILE.jsonl ...]     # default: tests/data/faq/unseen/*.jsonl

Each line of a file is `{"text", "action", "faq"}` (the label); the brand is the
file name's first part (BRANDS in tests/faq/labelled.py: `bakery` → solsikke, …, from
tests/data/faq/config.yaml). `-v` lists every comment decided otherwise than labelled.
The decisions are tests/faq/test_labelled.py's (tests/faq/labelled.py), the figures
`dripcast faq --file`'s (dripcast/app/faq_tuning.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

from dripcast.app.faq_tuning import agrees, figures, verdict
from tests.faq.labelled import BRANDS, DATA, Pair, labels, pairs, run

BRAND_OF = {name: brand for brand, name in BRANDS.items()}


def main() -> None:
    verbose = "-v" in sys.argv
    files = [Path(a) for a in sys.argv[1:] if a != "-v"] or sorted(
        (DATA / "unseen").glob("*.jsonl")
    )
    everything: list[Pair] = []
    by_brand: dict[str, list[Pair]] = {}
    for path in files:
        want = labels(path)
        got = run(BRAND_OF[path.name.split(".")[0]], path)
        assert len(got) == len(want), (path, len(got), len(want))
        decided = pairs(want, got)
        everything += decided
        by_brand.setdefault(path.name.split(".")[0], []).extend(decided)
        print(f"{path.name:22} {figures(decided)}")
        for (w, g), doc in zip(decided, want, strict=True) if verbose else ():
            if not agrees(w, g):
                print(f"    want {verdict(w)} got {verdict(g)}: {doc['text']}")
    for name, of_brand in by_brand.items() if len(by_brand) > 1 else ():
        print(f"{name + ' (all files)':22} {figures(of_brand)}")
    if len(files) > 1:
        print(f"{'all':22} {figures(everything)}")


if __name__ == "__main__":
    main()
