"""Whether an entry names everything a question names (`Match.unnamed`): an egg in
the swirl, a tandem, Valby, a card or an app by name, a kids' kind of a thing; not a
common word around a plain question ("things", "stadig", faq.freq)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from faq import freq
from faq.entries import Entries
from faq.framing import framing
from faq.lexicon import CARDS, DIETS, PLATFORMS, THINGS
from faq.text import TOKENS, content, product, topics
from faq.text import words as tokens
from faq.words import CHILDREN, DETERMINERS, POSSESSIVES

SOLD = THINGS - {"xday", "xnear", "xoutside", "xfree"}  # things, not when or where
PLATFORM = re.compile(rf"\b(?:{PLATFORMS})\b")


def unnamed(e: Entries, i: int, folded: str, names: frozenset[str] = frozenset()) -> str | None:
    """A thing the question names and entry i does not (an egg in the swirl, a
    tandem, Valby): the answer may be wrong or incomplete about it. In a diet
    question, a single product too (a croissant, when it names the swirl)."""
    asked = content(folded)
    said = tokens(folded)
    found = next(
        (
            w
            for w in asked
            if w not in e.own
            and not e.domain_word(w)
            and not e.names(i, w)
            and not _generic(w, said, names)
        ),
        None,
    )
    if found is None:
        platforms = (m[0] for m in PLATFORM.finditer(" ".join(tokens(folded))))
        found = next((p for p in platforms if p.replace(" ", "") not in e.written[i]), None)
    if found is None and e.wording[i] & CARDS:
        found = next((w for w in said if w in CARDS and w not in e.wording[i]), None)
    if found is None:
        kind = _for_children(said)
        found = kind if kind and not e.words_of(i, kind) else None
    if found is None and set(asked) & DIETS:
        products = (w for w in tokens(folded) if product(w))
        found = next((w for w in products if not e.words_of(i, w)), None)
    return found


def _generic(word: str, said: Sequence[str], names: frozenset[str]) -> bool:
    """Whether a word the entry does not name is only how people talk around a plain
    question ("things", "usually", "stadig", "samlet et sted", "hos jer"), not a thing
    the answer may be wrong about: a common word (faq.freq), not written as a name
    ("Aarhus", "Sverige"), nor after a determiner ("fix a door", "for my dog") unless
    it qualifies a topic ("a special cake")."""
    if word in names:
        return False
    if framing(word, said):
        return True  # "was wondering", "do you handle", "vi skal fejre": the asker's verbs
    if not freq.generic(word):
        return False
    at = [k for k, w in enumerate(said) if w == word]
    return bool(at) and all(
        k == 0 or said[k - 1] not in DETERMINERS or _modifies(said, k) for k in at
    )


def _modifies(said: Sequence[str], k: int) -> bool:
    """Whether the word at k qualifies a topic right after it ("a special cake", "a
    full service"): the topic is the thing, the word how it is meant."""
    return k + 1 < len(said) and all(t in TOKENS for t in topics(said[k + 1]))


def _for_children(said: Sequence[str]) -> str | None:
    """The children's kind of a thing the question names: "kids' bikes", "a children's
    cake", "børnecykler" (not "my kid's bike": the asker's child)."""
    for k, w in enumerate(said):
        after_possessive = k > 0 and said[k - 1] in POSSESSIVES
        if w in CHILDREN and k + 1 < len(said) and not after_possessive and _thing(said[k + 1]):
            return w
        head = next((c for c in CHILDREN if len(c) > 4 and w.startswith(c)), None)
        if head and _thing(w[len(head) :]):
            return head
    return None


def _thing(word: str) -> bool:
    """Whether a word names a thing sold (a bike, a cake, bread): the lexicon's topics
    of things, or a single product."""
    return bool(set(topics(word)) & SOLD) or product(word)
