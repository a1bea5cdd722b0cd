"""A brand's FAQ entries, read once: the words each entry's examples ask with, what
its answer says, how each word weighs, the brand's domain, and whether an entry
names a word (faq.match scores on it; faq.naming asks it of every word)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from dripcast.core.faq import FaqAnswer
from faq.alike import MIN_LEN, inflection, same, similarity
from faq.lexicon import ANSWERED_BY, ASKS, JOBS, KINDS, KINDS_OF
from faq.text import TOKENS, URL, content, fold, incidental, typo_topic
from faq.text import words as tokens
from faq.words import GENERAL, STOP

SHAPES = frozenset(["xwhen", "xwhere", "xduration", "xprice"])  # how a question asks
# How many entries use a word for it to be the brand's domain, not one entry's thing.
DOMAIN = 3
HYPHENATED = re.compile(r"\w+(?:-\w+)+")
MONEY = re.compile(r"\d\s*(?:kr\b|dkk\b|,-|€|\$|eur\b)|[€$£]\s*\d", re.IGNORECASE)


def _parts(texts: Sequence[str]) -> set[str]:
    """The words of the FAQ's hyphenated words, which folding joins ("pet-friendly",
    "Pet-safe"): a question writing them apart ("pet friendly plants?") names them.
    Topics aside: the joined word already gives its topic ("gluten-free")."""
    return {
        w
        for t in texts
        for h in HYPHENATED.findall(t)
        for w in content(fold(h.replace("-", " ")))
        if w not in TOKENS
    }


def _adverb(word: str) -> bool:
    """Says how, not what: "roughly", "usually", "muligvis", "nemt og hurtigt"."""
    return len(word) > 4 and word.endswith(("ly", "ligt", "vis"))


class Entries:
    """The brand's FAQ entries, as the matcher reads them."""

    def __init__(self, answers: Sequence[FaqAnswer], *, own: frozenset[str] = frozenset()) -> None:
        self.own = own  # the words of the brand's own name: the shop, not a thing in it
        self.ids = [a.id for a in answers]
        self.questions: list[list[list[str]]] = [
            [content(fold(q)) for q in a.questions] for a in answers
        ]
        self.vocab: list[set[str]] = [
            {w for q in qs for w in q} | _parts(a.questions)
            for a, qs in zip(answers, self.questions, strict=True)
        ]
        # Words that only say who asks or when ("my kids", "move") are dropped as
        # filler, but when one entry's examples alone say one ("how much is a kids'
        # haircut?"), a question saying it leans to that entry: the brand's own FAQ
        # tells, not a list. Evidence for that entry, against none.
        said_by = [{w for q in a.questions for w in tokens(fold(q))} for a in answers]
        self.literal = [frozenset(w for w in ws if w not in STOP) for ws in said_by]
        self.only_said: list[frozenset[str]] = [
            frozenset(w for w in ws if incidental(w) and sum(w in o for o in said_by) == 1)
            for ws in said_by
        ]
        # Every word an entry's examples and answer use, before the lexicon: which
        # products it names (a croissant, not just pastries).
        self.wording: list[set[str]] = [
            set(tokens(fold(" ".join([*a.questions, a.answer])))) for a in answers
        ]
        # The brand's domain: a word its examples and answers use across several entries
        # ("blomster" at a florist, "class" at a yoga studio) is what the whole FAQ is
        # about, like its name, not a thing one entry must name.
        faq_words = {w for a in answers for w in content(fold(a.answer)) if w not in TOKENS}
        faq_words |= {w for v in self.vocab for w in v if w not in TOKENS}
        self.domain = frozenset(
            w
            for w in faq_words
            if len(w) >= MIN_LEN
            and sum(any(same(w, v) for v in ws) for ws in self.wording) >= DOMAIN
        )
        # ... and as written, spaces aside: which apps it names ("justeat", "wolt")
        self.written = ["".join(tokens(fold(" ".join([*a.questions, a.answer])))) for a in answers]
        # The answer says what the entry covers ("… puncture 149 kr incl. tube"): its words
        # earn half credit, so a question about something it names is not unknown.
        self.said: list[set[str]] = [
            (set(content(fold(a.answer))) | _parts([a.answer])) - v
            for a, v in zip(answers, self.vocab, strict=True)
        ]
        # An answer that quotes a price ("city bikes 100 kr/day") answers what it costs.
        for a, said in zip(answers, self.said, strict=True):
            if MONEY.search(a.answer):
                said.add("xprice")
            if URL.search(a.answer):
                said.add("xonline")  # "book at egerne.dk/book" answers "can I book online?"
        n = len(answers)
        df: dict[str, int] = {}
        for v in self.vocab:
            for w in v:
                df[w] = df.get(w, 0) + 1
        self.idf = {w: math.log((n + 1) / (d + 1)) + 1 for w, d in df.items()}
        self.topics = {w for v in [*self.vocab, *self.said] for w in v if w in TOKENS}
        # What every example of an entry asks ("price" for a price list): a question
        # asking none of it ("do you fix punctures on weekends?") asks something else.
        self.asks: list[frozenset[str]] = [
            frozenset.intersection(*(frozenset(q) & ASKS for q in qs)) if qs else frozenset()
            for qs in self.questions
        ]
        # What most examples of an entry ask (a price, of a price list that also has
        # "do you have a student discount?").
        self.mostly_asks: list[frozenset[str]] = [
            frozenset(t for t in ASKS if 2 * sum(t in q for q in qs) > len(qs))
            for qs in self.questions
        ]
        # Else, how every example of an entry asks, when each asks with a shape ("how
        # long", "when" for a turnaround): a question asking in none of them asks other
        # things.
        self.shapes: list[frozenset[str]] = [
            frozenset(t for q in qs for t in q if t in SHAPES)
            if qs and not asks and all(set(q) & SHAPES for q in qs)
            else frozenset()
            for qs, asks in zip(self.questions, self.asks, strict=True)
        ]
        self.unknown = math.log(n + 1) + 1  # a word no entry has weighs the most

    def known(self, word: str) -> bool:
        """Whether any entry's examples or answer have this word (or one like it)."""
        return any(similarity(word, v) > 0 for v in self.idf) or any(
            similarity(word, v) > 0 for said in self.said for v in said
        )

    def domain_word(self, word: str) -> bool:
        """Whether a word is the brand's domain word, or one inflected (not a compound of
        it: a "brudebuket" is a kind of bouquet one entry must name)."""
        return any(word == d or inflection(*sorted((word, d), key=len)) for d in self.domain)

    def names(self, i: int, word: str) -> bool:
        """Whether entry i's examples or answer name this word (or one like it). A
        topic or a question shape names itself, save a kind of thing or job (KINDS), a
        topic asked that another entry answers, and "how long" (ANSWERED_BY). Filler
        verbs, adverbs and a typo of a topic the entry names are no things."""
        known = self.vocab[i] | self.said[i]
        if word in KINDS:
            return word in known or not known & KINDS_OF
        if word in ASKS and word not in JOBS:
            return word in known or word not in self.topics
        if word in ANSWERED_BY:
            return bool(known & ANSWERED_BY[word])
        if word in TOKENS or word in GENERAL or _adverb(word):
            return True
        return (
            any(similarity(word, v) > 0 and self._head_named(word, v, known) for v in known)
            or typo_topic(word) in known
        )

    @staticmethod
    def _head_named(word: str, v: str, known: set[str]) -> bool:
        """A compound that only starts with the word the entry names ("classpass" of
        "class", "begynderhold" of "begynder") is a kind of its last part: named only
        if that is named too ("hold" is; "pass" is not)."""
        if not (word.startswith(v) and len(v) > MIN_LEN and len(word) - len(v) >= MIN_LEN):
            return True  # an inflection, or an abbreviation ("lør" of "lørdags")
        head = word[len(v) :]
        heads = (head, head[1:]) if head[0] in "se" else (head,)  # Danish linking s/e
        return any(similarity(h, k) > 0 for h in heads for k in known if len(h) >= MIN_LEN)

    def knows(self, faq: str, token: str) -> bool:
        """Whether an entry's examples or answer name a topic."""
        i = self.ids.index(faq)
        return token in self.vocab[i] or token in self.said[i]

    def words_of(self, i: int, word: str) -> bool:
        """Whether entry i's examples or answer use this very word (or one like it)."""
        return any(similarity(word, v) > 0 for v in self.wording[i])
