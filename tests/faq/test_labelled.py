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

from dripcast.app.faq_tuning import figures
from tests.faq.labelled import BRANDS, DATA, Pair, labels, pairs, run


def test_labelled_set_meets_the_bars() -> None:
    halves: dict[str, list[Pair]] = {
        "dev": [],
        "dev2": [],
        "test": [],
        "fresh": [],
        "fresh2": [],
        "fresh3": [],
        "holdout": [],
    }
    for brand, name in BRANDS.items():
        if not (DATA / f"{name}.dev.jsonl").exists():
            # a brand with only unseen dev files (tests/data/faq/unseen: salon, yoga)
            continue
        for half in halves:
            path = DATA / f"{name}.{half}.jsonl"
            if half == "holdout":
                path = DATA / "holdout" / f"{name}.eval.jsonl"
            want = labels(path)
            got = run(brand, path)
            assert [g["text"] for g in got] == [w["text"] for w in want]
            for g in got:
                assert set(g) == {"text", "action", "faq", "score", "reply"}
                assert 0 <= float(g["score"]) <= 1  # type: ignore[arg-type]
                assert (g["reply"] is None) == (g["action"] != "answer")
            halves[half] += pairs(want, got)
    for half, decided in halves.items():
        print(half, figures(decided))
    total = figures([p for decided in halves.values() for p in decided])
    print("all", total)
    assert total.n >= 200
    assert total.precision >= 0.95
    assert total.recall >= 0.80
    assert total.escalation_recall >= 0.90
