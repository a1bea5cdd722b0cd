"""Graphemes as the Bluesky PDS counts them (Intl.Segmenter, UAX #29 of Unicode 17).

tests/data/unicode/GraphemeBreakTest-17.0.0.txt is Unicode's own test file, unchanged
(© Unicode, Inc., https://www.unicode.org/terms_of_use.html).
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from formatters.counting import grapheme_clusters, graphemes, measure
from formatters.specs import SPECS

DATA = Path(__file__).parent.parent / "data" / "unicode" / "GraphemeBreakTest-17.0.0.txt"


def break_tests() -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    for line in DATA.read_text("utf-8").splitlines():
        rule = line.split("#")[0].strip()
        if not rule:
            continue
        clusters: list[str] = []
        current = ""
        for token in rule.split()[1:]:
            if token == "÷":
                clusters.append(current)
                current = ""
            elif token != "×":
                current += chr(int(token, 16))
        out.append((line.split("#", 1)[1].strip(), clusters))
    return out


CASES = break_tests()


def test_the_whole_unicode_17_grapheme_break_test_passes() -> None:
    assert len(CASES) == 766
    failed = [name for name, want in CASES if grapheme_clusters("".join(want)) != want]
    assert failed == []


@pytest.mark.parametrize(
    ("text", "pds"),
    [
        ("a\u094d\u0924 " * 110, 330),  # not a conjunct: "a" is no consonant (GB9c)
        ("\u0915\u094d\u0924 " * 110, 220),  # क्त is one conjunct
        ("👨‍👩‍👧‍👦 🇩🇰 1️⃣", 5),
    ],
)
def test_counts_what_the_pds_counts(text: str, pds: int) -> None:
    # `pds`: node's Intl.Segmenter (ICU 78, Unicode 17) on the same text.
    assert graphemes(text) == pds


def test_bluesky_refuses_what_the_pds_would() -> None:
    text = "a\u094d\u0924 " * 80  # 240 for the PDS; `regex`'s \\X said 160
    assert measure(text, SPECS["bluesky"]) == 240


NODE = shutil.which("node")
POOL = (
    "a ?\r\n\u0915\u0924\u0937\u094d\u093f\u0902\u0308\u200d\u200c\u0600\u0903"
    "\u1100\u1161\u11a8\uac00\U0001f1e9\U0001f1f0\U0001f468\U0001f469\U0001f3fb\u2764\ufe0f"
    "\u20e3\U000e0067\U000e007f\u0e33\u0d4d\u0d15\u09cd\u0995"
)


@pytest.mark.skipif(NODE is None, reason="node is not installed: no Intl.Segmenter to compare with")
def test_never_fewer_than_intl_segmenter_on_random_text() -> None:
    rng = random.Random(10)
    texts = ["".join(rng.choice(POOL) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    script = (
        "const t = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const s = new Intl.Segmenter();"
        "console.log(JSON.stringify({u: process.versions.unicode,"
        " n: t.map(x => [...s.segment(x)].length)}));"
    )
    assert NODE is not None
    out = subprocess.run(
        [NODE, "-e", script], input=json.dumps(texts), capture_output=True, text=True, check=True
    )
    node = json.loads(out.stdout)
    ours = [graphemes(t) for t in texts]
    fewer = [t for t, a, b in zip(texts, ours, node["n"], strict=True) if a < b]
    assert fewer == []
    if tuple(int(p) for p in node["u"].split(".")[:2]) >= (17, 0):
        assert ours == node["n"]  # the same rules, the same counts
