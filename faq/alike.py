"""Whether two words are one word: inflected, compounded or misspelt (faq.match)."""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import Indel, JaroWinkler

from faq.text import TOKENS

MIN_LEN = 4  # shorter words must match exactly: "bake" is not "bike"


@lru_cache(maxsize=65536)
def similarity(a: str, b: str) -> float:
    """How alike two content words are, 0..1 (0 below the point where they could be one word)."""
    if a == b:
        return 1.0
    short, long = sorted((a, b), key=len)
    if a in TOKENS or b in TOKENS:
        return 0.0
    if len(short) < MIN_LEN:
        # a short word's plural or Danish definite form: cut/cuts, tid/tiden, and a
        # Danish plural doubling its last consonant: kat/katte
        forms = (short + "s", short + "en", short + short[-1] + "e")
        return 0.9 if len(short) == 3 and long in forms else 0.0
    if long.startswith(short):
        return 0.9  # inflection: glutenfri/glutenfrie, park/parking
    if long.endswith(short):
        return 0.85  # a Danish compound's head: lagkage/kage, elcykler/cykler
    jw = JaroWinkler.similarity(a, b)
    ratio = Indel.normalized_similarity(a, b)
    best = max(jw if jw >= 0.87 else 0.0, ratio if ratio >= 0.8 else 0.0)
    return best * 0.95


def same(a: str, b: str) -> bool:
    """Whether two words are one word, inflected ("buket"/"buketter", "flower"/"flowers"),
    or one is a compound of the other ("bryllupsblomster" of "blomster"): stricter than
    `similarity`, which also takes typos and short heads ("bring" of "ring")."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if len(short) >= 5 and (long.startswith(short) or long.endswith(short)):
        return True
    return inflection(short, long)


def inflection(short: str, long: str) -> bool:
    """Whether the longer word is the shorter one inflected: the stem kept but for its
    last letter, and at most three letters more ("buket"/"buketter", "blomst"/"blomster")."""
    return len(short) >= MIN_LEN and len(long) - len(short) <= 3 and long.startswith(short[:-1])
