"""Which FAQ a question asks, and how sure we are: weighted fuzzy word overlap.

Fitted on the brand's own example questions only. A word's weight is its
inverse document frequency across the brand's FAQ entries, so "gluten" (one
entry) counts for more than "open" (several); a word no FAQ entry knows counts
the most, because a question about something else must not pass for a known
one ("do you sell helmets?" is not "do you sell used bikes?").

Both sides are first read through the topic lexicon (faq.text, faq.lexicon), so
"Har I cykelstativer?" and "where can I park?" share `xpark`; a topic token only
matches itself. Other words are compared with rapidfuzz (Jaro-Winkler and the
Indel ratio) plus prefix/suffix containment, which takes typos (`glutnfri`),
inflection (`åbner`/`åbent`) and Danish compounds (`lagkage`/`kage`) in its
stride without a model or a stemmer per language.

Rules on top: a question that asks about a topic no entry knows (a price, of a
FAQ without prices) matches nothing, however much else it shares; one about
nothing but things (a product, a day) matches nothing either. And the best entry
must name everything the question names (`Match.unnamed`: an egg, Valby, a used
bike of a price list, a second topic another entry answers; not a common word
like "things" or "stadig", faq.freq) and the question must
ask what all the entry's examples ask (`Match.misses`: a price of a price list);
otherwise the decider escalates (SPEC: when unsure, escalate).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from dripcast.core.faq import FaqAnswer
from faq import freq
from faq.alike import MIN_LEN, inflection, same, similarity
from faq.framing import framing
from faq.lexicon import (
    ANSWERED_BY,
    ASKS,
    CARDS,
    DIETS,
    JOBS,
    KINDS,
    KINDS_OF,
    PLATFORMS,
    THINGS,
)
from faq.text import TOKENS, URL, content, fold, incidental, product, topics, typo_topic
from faq.text import words as tokens
from faq.words import CHILDREN, DETERMINERS, GENERAL, POSSESSIVES, STOP

SHAPES = frozenset(["xwhen", "xwhere", "xduration", "xprice"])  # how a question asks
SOLD = THINGS - {"xday", "xnear", "xoutside", "xfree"}  # things, not when or where
PLATFORM = re.compile(rf"\b(?:{PLATFORMS})\b")
ANSWER_CREDIT = 0.5
# An entry's score: how much of the comment it covers, and how much of its best example
# question the comment asks. 0.6 rather than 0.7 for the first since comments written
# after the last tuning (tests/data/faq/*.dev2.jsonl) showed the old weight counting each
# incidental word ("for my mom's 60th") too hard against a plainly asked question.
COVERED = 0.6
# What an entry's own examples say of who or when ("kids") and no other entry's do.
OWN_WORD = 0.1
# Two entries the lexicon finds as close (both examples say "appointment" = `xbook`):
# the one whose examples use the question's own words ("booker" of "kan man booke")
# wins, by at most this much.
LITERAL = 0.05
MARGIN = 0.2
# Closer than this, two entries are a tie: which answer is meant is a coin toss, and a
# wrong answer is worse than an escalation.
TIE = 0.02
# How many entries use a word for it to be the brand's domain, not one entry's thing.
DOMAIN = 3
HYPHENATED = re.compile(r"\w+(?:-\w+)+")
MONEY = re.compile(
    r"\d\s*(?:kr\b|dkk\b|,-|€|\$|eur\b)|[€$£]\s*\d", re.IGNORECASE
)  # runner-up closer than this: less sure by the difference


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


@dataclass(frozen=True, kw_only=True)
class Match:
    faq: str
    score: float  # confidence 0..1, margin to the runner-up included
    raw: float  # the entry's own overlap score
    runner_up: str | None = None
    uncovered: str | None = None  # a topic asked that no entry knows
    unnamed: str | None = None  # a word of the question the entry's examples and answer lack
    misses: str | None = None  # what all the entry's examples ask and the question does not
    tied: str | None = None  # an entry about as likely, whose answer differs
    asked_of: str | None = None  # another entry most of whose examples ask what this asks


class Matcher:
    """The brand's FAQ, ready to be asked."""

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

    def weight(self, word: str) -> float:
        """The idf of the vocabulary word this one is, or the unknown weight. A topic no
        entry knows that only qualifies a question (a bike at a bakery, buying) weighs
        like a word every entry has: it tells less than a word nobody knows."""
        if word in TOKENS and word not in ASKS and word not in self.topics:
            return 1.0
        best, weight = 0.0, self.unknown
        for w, idf in self.idf.items():
            s = similarity(word, w)
            if s > best:
                best, weight = s, idf
        return weight

    def entry_score(self, i: int, words: Sequence[str]) -> float:
        vocab = self.vocab[i]
        words = [t for t in words if self._counts(i, t)]
        if not words:
            return 0.0
        weights = [self.weight(t) for t in words]
        said = self.said[i]
        hits = [
            max(
                max((similarity(t, v) for v in vocab), default=0.0),
                ANSWER_CREDIT * max((similarity(t, v) for v in said), default=0.0),
            )
            for t in words
        ]
        covered = sum(w * h for w, h in zip(weights, hits, strict=True)) / sum(weights)
        asked = 0.0
        for q in self.questions[i]:
            if not q:
                continue
            qw = [self.idf[v] for v in q]
            found = [max(similarity(v, t) for t in words) for v in q]
            asked = max(asked, sum(w * f for w, f in zip(qw, found, strict=True)) / sum(qw))
        return COVERED * covered + (1 - COVERED) * asked

    def _counts(self, i: int, word: str) -> bool:
        """Whether a word of the question counts in entry i's score. The day a question
        is about ("deliver on saturday?") counts for an entry that names days (opening
        hours) and is not held against the others; so does a word of the brand's domain
        ("blomster" of "bestille blomster til en bisættelse?", at a florist)."""
        if word in self.vocab[i] or word in self.said[i]:
            return True
        if word == "xday":
            return False
        return word in TOKENS or not self._domain(word) or self.words_of(i, word)

    def known(self, word: str) -> bool:
        """Whether any entry's examples or answer have this word (or one like it)."""
        return any(similarity(word, v) > 0 for v in self.idf) or any(
            similarity(word, v) > 0 for said in self.said for v in said
        )

    def best(
        self, folded: str, *, context: str = "", names: frozenset[str] = frozenset()
    ) -> Match | None:
        """The entry this question most likely asks, or None when the FAQ is empty.
        Of the context around the question ("new in town, …") only the words the FAQ
        knows count: the rest says why it is asked, not what. `names`: the words the
        comment writes as names (faq.text.names), things however common."""
        # The asker's own common verbs ("skal man bruge", "will you let me know") count
        # only when the FAQ knows them ("kan I lave"): otherwise they say how one asks,
        # not what. A rarer one may be the question ("can you convert my bike?").
        said = tokens(folded)
        words = [
            w
            for w in content(folded)
            if w not in self.own
            and (w in TOKENS or not framing(w, said) or not freq.generic(w) or self.known(w))
        ]
        words += [w for w in content(context) if self.known(w) and w not in words]
        if not self.ids:
            return None
        written = set(tokens(folded))
        literal = [w for w in written if w not in STOP and not incidental(w)]
        scores = sorted(
            (
                (
                    self.entry_score(i, words)
                    + OWN_WORD * bool(written & self.only_said[i])
                    + LITERAL * self._literal(i, literal),
                    i,
                )
                for i in range(len(self.ids))
            ),
            reverse=True,
        )
        raw, i = scores[0]
        if not set(words) - THINGS:
            raw = 0.0  # "@sofie lørdag??", "kanelsnegle på lørdag?": no question about them
        uncovered = next((w for w in words if w in ASKS and w not in self.topics), None)
        if uncovered:
            raw = 0.0  # "what does a gluten-free cake cost?" of a FAQ without prices
        second, j = scores[1] if len(scores) > 1 else (0.0, -1)
        # Two entries about as likely: the comment may mean either, so be less sure.
        margin = raw - second
        score = raw if margin >= MARGIN else raw - (MARGIN - margin)
        return Match(
            faq=self.ids[i],
            score=max(0.0, min(1.0, score)),
            raw=raw,
            runner_up=self.ids[j] if j >= 0 and second > 0 else None,
            uncovered=uncovered,
            unnamed=self._unnamed(i, folded, names),
            misses=self._misses(i, words),
            asked_of=self._asked_of(i, words),
            tied=self.ids[j] if j >= 0 and raw > 0 and second > 0 and margin < TIE else None,
        )

    def _literal(self, i: int, said: Sequence[str]) -> float:
        """How much of what the question says (as written) entry i's examples say."""
        if not said:
            return 0.0
        found = (max((similarity(w, v) for v in self.literal[i]), default=0.0) for w in said)
        return sum(found) / len(said)

    def _unnamed(self, i: int, folded: str, names: frozenset[str] = frozenset()) -> str | None:
        """A thing the question names and entry i does not (an egg in the swirl, a
        tandem, Valby): the answer may be wrong or incomplete about it. In a diet
        question, a single product too (a croissant, when it names the swirl)."""
        asked = content(folded)
        said = tokens(folded)
        unnamed = next(
            (
                w
                for w in asked
                if w not in self.own
                and not self._domain(w)
                and not self.names(i, w)
                and not _generic(w, said, names)
            ),
            None,
        )
        if unnamed is None:
            platforms = (m[0] for m in PLATFORM.finditer(" ".join(tokens(folded))))
            unnamed = next(
                (p for p in platforms if p.replace(" ", "") not in self.written[i]), None
            )
        if unnamed is None and self.wording[i] & CARDS:
            unnamed = next((w for w in said if w in CARDS and w not in self.wording[i]), None)
        if unnamed is None:
            kind = _for_children(said)
            unnamed = kind if kind and not self.words_of(i, kind) else None
        if unnamed is None and set(asked) & DIETS:
            products = (w for w in tokens(folded) if product(w))
            unnamed = next((w for w in products if not self.words_of(i, w)), None)
        return unnamed

    def _domain(self, word: str) -> bool:
        """Whether a word is the brand's domain word, or one inflected (not a compound of
        it: a "brudebuket" is a kind of bouquet one entry must name)."""
        return any(word == d or inflection(*sorted((word, d), key=len)) for d in self.domain)

    def _asked_of(self, i: int, words: Sequence[str]) -> str | None:
        """Another entry most of whose examples ask what the question asks (a price: the
        price list) when entry i's examples never do ("how much is membership?" of
        "do I need a membership?", whose answer quotes a price): the question is more
        likely that entry's, and entry i's answer only touches it."""
        asked = set(words) & ASKS
        if not asked or asked & self.vocab[i]:
            return None
        # Unless entry i's answer itself states it (a price: "from 299 kr per delivery")
        # of what the question names, none of which the other entry names ("hvad koster
        # jeres abonnement?" of the subscription, beside a price list of bouquets).
        things = [w for w in words if w not in TOKENS and self.names(i, w)]
        return next(
            (
                self.ids[j]
                for j, a in enumerate(self.mostly_asks)
                if j != i
                and a & asked
                and not (
                    asked <= self.said[i] and things and not any(self.names(j, w) for w in things)
                )
            ),
            None,
        )

    def _misses(self, i: int, words: Sequence[str]) -> str | None:
        """What all of entry i's examples ask (a price) when the question asks none of
        it ("do you fix punctures on weekends?" of a price list), nor asks the way the
        examples do ("how early" of opening hours). An entry whose examples all ask
        "how long" or "when" needs one of those asked."""
        # (the answer's own topics count: "besked når cyklen er færdig?", of "we text you")
        if self.shapes[i] and not (self.shapes[i] | (self.said[i] & TOKENS)) & set(words):
            return "/".join(sorted(t.removeprefix("x") for t in self.shapes[i]))
        if not self.asks[i] or self.asks[i] & set(words) or set(words) & SHAPES & self.vocab[i]:
            return None
        return "/".join(sorted(t.removeprefix("x") for t in self.asks[i]))

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
