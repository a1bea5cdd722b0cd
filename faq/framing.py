"""Words around a question that are not its object, by where they stand: how the
asker frames the question ("was wondering", "I intend to", "asking for a friend",
"kan man få"), not a thing an answer may be wrong about ("do you have kouign-amann?",
"do you deliver to Hellerup?").

Structure, not vocabulary: the word a subject or an auxiliary governs is a verb
(English "do you handle …", "I don't carry …"; Danish "skal man bruge …", "vi skal
fejre …"); a participle (-ing, Danish -ende) that opens a clause or follows a form of
"be" or "for" is the asker's doing ("wondering if …", "I'm trying …", "for
commuting"); a Danish adjective after "noget" says how, not which ("noget sødt").
Over folded tokens (faq.text.words).
"""

from __future__ import annotations

from collections.abc import Sequence

from faq import freq

# Modals and "do": the next verb (after its subject, if any) is the main verb.
MODALS = frozenset(
    "do does did can could will would should shall may might must"
    " kan kunne skal skulle vil ville maa maatte toer turde gider gad".split()
)
# Forms of "be": a participle after one is a verb ("is avoiding", "er kørende").
BE = frozenset("am is are was were be been being er var vaeret blev bliver".split())
# Subjects of a verb: after a modal ("can I", "kan man") or opening a clause ("I intend").
# Not Danish "i" (also "in") nor "de" (also "the"), nor "it" (what a question is about).
PRONOUNS = frozenset("i we you they he she jeg vi du han hun man".split())
# Words a verb phrase may hold between its parts: "can not walk", "kan lige få".
ADVERBS = frozenset(
    "not just also really still ever never even only maybe usually normally always often"
    " actually perhaps possibly probably already ikke lige bare ogsaa godt gerne altid"
    " aldrig stadig nok jo vel evt maaske egentlig nogensinde tit ofte muligvis".split()
)
# A Danish adjective agrees with "noget"/"intet" in -t ("noget sødt", "noget lækkert"):
# how the thing is meant, not which. (English "something chocolate" shows no such mark,
# and may name a thing.)
INDEFINITES = frozenset("noget intet".split())
# Where a clause starts inside a question part: after a conjunction.
CONJUNCTIONS = frozenset(
    "and but so or because if whether og men saa eller fordi hvis om at naar".split()
)


def framing(word: str, said: Sequence[str]) -> bool:
    """Whether a word of a question stands, wherever it is said, where the asker's
    own verbs go: after a subject or an auxiliary, or (a participle) opening a clause
    or after "be"."""
    at = [k for k, w in enumerate(said) if w == word]
    return bool(at) and all(_verb_slot(said, k) for k in at)


def _verb_slot(said: Sequence[str], k: int) -> bool:
    j = k - 1
    while j >= 0 and said[j] in ADVERBS:
        j -= 1
    prev = said[j] if j >= 0 else ""
    before = said[j - 1] if j >= 1 else ""
    if prev in MODALS or (prev in INDEFINITES and j == k - 1 and said[k].endswith("t")):
        return True
    if prev in PRONOUNS and (before in MODALS or before in CONJUNCTIONS or j == 0):
        return True
    if not _participle(said[k]):
        return False
    # (after "for", what it is needed for: "need my bike for commuting")
    return j < 0 or prev in BE or prev in PRONOUNS or prev in CONJUNCTIONS or prev == "for"


def _participle(word: str) -> bool:
    """An English -ing form or a Danish -ende one, of a verb the word lists know
    ("wondering", "asking", "staaende"; not "wedding", "pudding")."""
    if len(word) >= 6 and word.endswith("ing"):
        stem = word[:-3]
        bases = {stem, stem + "e", stem[:-1] if stem[-1:] == stem[-2:-1] else stem}
        return any(freq.zipf(b) >= 3.5 for b in bases)
    if len(word) >= 7 and word.endswith("ende"):
        stem = word[:-4]
        return any(freq.zipf(b) >= 3.5 for b in (stem, stem + "e"))
    return False
