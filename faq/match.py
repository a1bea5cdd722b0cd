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
must name everything the question names (`Match.unnamed`, faq.naming: an egg, Valby, a used
bike of a price list, a second topic another entry answers; not a common word
like "things" or "stadig", faq.freq) and the question must
ask what all the entry's examples ask (`Match.misses`: a price of a price list);
otherwise the decider escalates (SPEC: when unsure, escalate).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from faq import freq
from faq.alike import similarity
from faq.entries import SHAPES, Entries
from faq.framing import framing
from faq.lexicon import ASKS, THINGS
from faq.naming import unnamed
from faq.text import TOKENS, content, incidental
from faq.text import words as tokens
from faq.words import STOP

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
# A runner-up closer than this: less sure by the difference.
MARGIN = 0.2
# Closer than this, two entries are a tie: which answer is meant is a coin toss, and a
# wrong answer is worse than an escalation.
TIE = 0.02


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


class Matcher(Entries):
    """The brand's FAQ, ready to be asked."""

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
        return word in TOKENS or not self.domain_word(word) or self.words_of(i, word)

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
            unnamed=unnamed(self, i, folded, names),
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
