"""Answer, escalate or ignore: one comment in, one decision out. Pure.

The order is the policy, safest first (SPEC: a wrong answer is worse than an
escalation; when unsure, escalate):

1. the brand's own words, and comments with no words at all → ignore
2. spam and self-promotion → ignore
3. an `escalate` word, a complaint (also one phrased as a question), a special
   day, someone's own order, a request to act on one's own booking or a free time
   on the calendar → escalate
4. no question in it (thanks, praise, tagging a friend, an anecdote) → ignore, unless
   a person may be needed (trouble, health, one's own order or plan, a person asked
   for, a denial or a service mentioned without praise) → escalate
5. a question with such a remark, on a special day or date, or about what is in a
   thing (not a diet by name) → escalate
6. every question must match one FAQ entry above the threshold, and all of them
   the same entry, which names everything the question names and answers what it
   asks (faq.match), and no deadline for an entry about lead times → answer;
   otherwise escalate (but a question to a tagged friend about none of the
   brand's services, or one that never turns to the brand → ignore)
7. a thread the brand already answered in → escalate instead of answering again
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from dripcast.core.faq import Comment, Decision, Faq
from faq.asking import ADDRESSED, ADDRESSED_STATEMENT, TO_THE_BRAND
from faq.lexicon import DIETS, LEAD_TIMES, SERVICES
from faq.match import Matcher
from faq.questions import find_questions
from faq.remarks import (
    ACT,
    COMPLAINT,
    DATES,
    DEADLINE,
    DIET_LABEL,
    INGREDIENT,
    MONTHS,
    NEEDS_PERSON,
    NEGATION,
    NOT_PRAISE,
    PLANS,
    POSITIVE,
    SPAM,
    SPECIAL_DAYS,
    STATUS,
)
from faq.text import MENTION, TOKENS, URL, content, fold, has_letters, names, sentences, words


@dataclass(frozen=True)
class _Word:
    """An escalate word from the brand's list, matched as a word with its inflections."""

    pattern: re.Pattern[str]

    @classmethod
    def of(cls, word: str) -> _Word:
        parts = [re.escape(p) for p in words(fold(word))]
        # allergy → allergies, allergic; klage → klager, klagede; refund → refunded
        stem = parts[-1]
        if len(stem) > 5 and stem[-1] in "aeiouy":
            stem = stem[:-1]
        body = r"\s+".join([*parts[:-1], stem]) if parts else re.escape(word)
        # Danish writes an allergy as a compound: glutenallergi, hasselnødder. A short
        # word must start one (a "nut" is no "donut").
        head = r"\w*" if len(parts) == 1 and len(parts[0]) >= 5 else ""
        return cls(re.compile(rf"\b{head}{body}\w{{0,5}}\b"))


class Decider:
    """A brand's FAQ, ready to judge comments."""

    def __init__(self, faq: Faq, *, brand: Sequence[str] = ()) -> None:
        """`brand`: the brand's id and name ("solsikke", "Bageriet Solsikke"): the
        words of its own name are no thing a question asks about ("open at Solsikke?")."""
        self.faq = faq
        own = frozenset(w for name in brand for w in words(fold(name)))
        self.matcher = Matcher(faq.answers, own=own)
        self.own = own
        self.answers = {a.id: a.answer for a in faq.answers}
        self.words = [_Word.of(w) for w in faq.escalate]
        # The words the brand's own example questions use: one of them is how its
        # customers ask, not a complaint ("har I bad?" of "er der bad og omklædning?").
        self.asked = frozenset(w for a in faq.answers for q in a.questions for w in words(fold(q)))

    def decide(self, comment: Comment, *, answered_in_thread: bool = False) -> Decision:
        """The decision for a comment read from a network."""
        if comment.own:
            return Decision(action="ignore", reason="the brand's own post or reply")
        d = self.decide_text(comment.text)
        if d.action == "answer" and answered_in_thread:
            return Decision(
                action="escalate",
                score=d.score,
                reason=f"already answered in this thread (would have been {d.faq})",
            )
        return d

    def decide_text(self, text: str) -> Decision:
        """The decision for a comment's text alone (what `dripcast faq` shows)."""
        if not has_letters(text):
            return Decision(action="ignore", reason="no words (emoji only)")
        plain = " " + " ".join(words(fold(text))) + " "
        if SPAM.search(plain):
            return Decision(action="ignore", reason="spam or self-promotion")
        for w in self.words:
            m = w.pattern.search(plain)
            if m:
                return Decision(action="escalate", reason=f"escalate word {m[0].strip()!r}")
        questions = find_questions(text)
        # In a question, a word the brand's own examples ask with is how its customers
        # ask ("har I bad?" of "er der bad og omklædning?"), not a complaint.
        m = next(
            (m for m in COMPLAINT.finditer(plain) if not (questions and self._asked(m[0]))), None
        )
        if m:
            return Decision(action="escalate", reason=f"a complaint ({m[0].strip()!r})")
        if not questions:
            return _statement(text, plain)
        remark = _remark_for_a_person(text)
        if remark:
            return Decision(
                action="escalate", reason=f"a question, and a remark a person reads ({remark!r})"
            )
        m = SPECIAL_DAYS.search(plain) or STATUS.search(plain) or ACT.search(plain)
        if m:
            return Decision(
                action="escalate", reason=f"only the brand can answer ({m[0].strip()!r})"
            )
        m = INGREDIENT.search(plain)
        if m and not DIET_LABEL.search(plain) and _ingredient(m[1] or m[2]):
            return Decision(action="escalate", reason=f"what is in it ({m[0].strip()!r})")
        m = DATES.search(fold(text))
        if m or (
            (m := MONTHS.search(fold(text))) and any("xopen" in content(q) for q, _ in questions)
        ):
            return Decision(action="escalate", reason=f"on a given date ({m[0].strip()!r})")
        d = self._match(questions, fold(text), names(text))
        # "@jens skal vi ikke bare booke sammen": a question opening on a friend's tag
        # that never turns to the brand ("you", "I", "jer") is for the friend, even
        # about what the brand does. Unless the tag is the brand's own.
        tag = MENTION.match(text.strip())
        if (
            d.action == "answer"
            and tag
            and not self.own & set(words(fold(tag[0][1:].replace("_", " "))))
            and not TO_THE_BRAND & set(plain.split())
        ):
            return Decision(action="ignore", reason="a question to the friend tagged")
        # "@frederik hvem er med på cykeltur søndag?": a question to the friend tagged,
        # about nothing the brand does (none of its services named) and not asking
        # "you" (the brand may be the one tagged), is not for us.
        if (
            d.action == "escalate"
            and MENTION.match(text.strip())
            and not ADDRESSED & set(plain.split())
            and not any(t in SERVICES for q, _ in questions for t in content(q))
        ):
            return Decision(action="ignore", reason="a question to the friend tagged")
        return d

    def _asked(self, phrase: str) -> bool:
        """Whether the brand's own example questions use every word of a phrase."""
        return all(w in self.asked for w in phrase.split())

    def _match(
        self, questions: Sequence[tuple[str, str]], deadline_text: str, written: frozenset[str]
    ) -> Decision:
        matches = [self.matcher.best(q, context=c, names=written) for q, c in questions]
        found = [m for m in matches if m is not None]
        if len(found) < len(questions) or not found:
            return Decision(action="escalate", reason="the brand has no FAQ answers")
        score = min(m.score for m in found)
        ids = {m.faq for m in found if m.score >= self.faq.threshold}
        if len(ids) > 1:
            return Decision(
                action="escalate",
                score=score,
                reason="more than one question: " + ", ".join(sorted(ids)),
            )
        weakest = min(found, key=lambda m: m.score)
        if weakest.uncovered:
            topic = weakest.uncovered.removeprefix("x")
            return Decision(
                action="escalate",
                score=0.0,
                reason=f"asks about {topic}, which no FAQ answer covers",
            )
        un = next((m for m in found if m.unnamed), None)
        if un and un.unnamed:
            thing = un.unnamed.removeprefix("x") if un.unnamed in TOKENS else un.unnamed
            return Decision(
                action="escalate",
                score=0.0,
                reason=f"asks about {thing!r}, which the {un.faq} answer does not name",
            )
        misses = next((m for m in found if m.misses), None)
        if misses:
            return Decision(
                action="escalate",
                score=0.0,
                reason=f"does not ask what the {misses.faq} answer answers ({misses.misses})",
            )
        other = next((m for m in found if m.asked_of), None)
        if other:
            return Decision(
                action="escalate",
                score=0.0,
                reason=f"asks what the {other.asked_of} answer answers, not the {other.faq} one",
            )
        tie = next((m for m in found if m.tied), None)
        if tie:
            return Decision(
                action="escalate",
                score=0.0,
                reason=f"the {tie.faq} and {tie.tied} answers are as likely",
            )
        if weakest.score < self.faq.threshold:
            return Decision(
                action="escalate",
                score=weakest.score,
                reason=f"no FAQ answer is close enough (best {weakest.faq} at {weakest.score:.2f})",
            )
        faq = found[0].faq
        m = DEADLINE.search(deadline_text)
        if m and any(self.matcher.knows(faq, t) for t in LEAD_TIMES):
            return Decision(
                action="escalate",
                score=0.0,
                reason=f"asks for a deadline ({m[0].strip()!r}); the {faq} answer gives the usual",
            )
        return Decision(
            action="answer", faq=faq, score=score, reply=self.answers[faq], reason="matches"
        )


def _ingredient(word: str) -> bool:
    """Whether a word after "is there …"/"made with …" may be an ingredient: one of a
    diet's (milk, butter) or a word no topic has (egg, honey), not a topic of its own
    ("is there parking") nor filler ("is there anything")."""
    found = content(word)
    return bool(found) and all(t not in TOKENS or t in DIETS for t in found)


def _remark_for_a_person(text: str) -> str | None:
    """In a comment that asks, a sentence that asks nothing and may need a person:
    "is the shop open? the door was locked"."""
    for s in sentences(text):
        if s.endswith("?") or find_questions(s):
            continue
        plain = " " + " ".join(words(s)) + " "
        # (a denial says why one asks more often here: "my wife can't have wheat")
        m = NEEDS_PERSON.search(plain)
        if m:
            return m[0]
    return None


def _statement(text: str, plain: str) -> Decision:
    """A comment that asks nothing: ignored (praise, an anecdote, a visit), unless it
    may need a person: trouble, a body hurt, someone's own order or plan, a person
    asked for, or (without thanks or praise) a denial ("not fresh") or one of the
    brand's services ("bestilte en lagkage")."""
    m = (
        NEEDS_PERSON.search(plain)
        or PLANS.search(plain)
        or STATUS.search(plain)
        or ACT.search(plain)
    )
    if m:
        return Decision(
            action="escalate", reason=f"not a question, but a person should read it ({m[0]!r})"
        )
    if POSITIVE.search(NOT_PRAISE.sub(" ", plain)) or URL.search(text):
        return Decision(action="ignore", reason="no question (thanks, praise, a visit)")
    m = NEGATION.search(plain)
    if m:
        return Decision(
            action="escalate", reason=f"not a question, but it denies something ({m[0]!r})"
        )
    # Said to the brand ("your sign fell down", "jeres skilt er blæst ned", "check your
    # DMs") or with a number (a time, an amount, a date: "we're 12 people at 10"):
    # more often something to act on than an anecdote.
    told = ADDRESSED_STATEMENT & set(plain.split())
    if MENTION.match(text.strip()):
        told = frozenset()  # "@emma you need this for your sad bike": told to a friend
    if told or re.search(r"\d", plain):
        said = next(iter(told), "a number")
        return Decision(
            action="escalate", reason=f"not a question, but told to the brand ({said!r})"
        )
    service = next((t for t in content(fold(text)) if t in SERVICES), None)
    if service:
        return Decision(
            action="escalate",
            reason=f"not a question, but about {service.removeprefix('x')}: a person reads it",
        )
    return Decision(action="ignore", reason="no question (a remark, an anecdote)")
