"""Graphemes as the Bluesky PDS counts them (Intl.Segmenter, UAX #29 of Unicode 17).

tests/data/unicode/GraphemeBreakTest-17.0.0.txt is Unicode's own test file, unchanged
(© Unicode, Inc., https://www.unicode.org/terms_of_use.html).
"""

from __future__ import annotations

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
