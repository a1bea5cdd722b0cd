"""Which sentences of a comment ask something, and what: the questions the decider
matches. Pure, over folded text (faq.text).

A "?" marks a question, but chat often has none ("opening hours pls", "yo are u
open today"): a clause also asks when it opens like a question (a question word, a
verb with its subject next, a request). A second question after "and" or a comma
counts as its own; words before a question that only say why it is asked ("new in
town, …") are kept apart as its context.
"""

from __future__ import annotations

from collections.abc import Sequence

from faq.asking import (
    BACK_REFERENCES,
    DANISH_SUBJECTS,
    DANISH_VERB_OPENERS,
    EMBEDDED,
    ENGLISH_AUX,
    EXPLETIVE,
    GREETINGS,
    JOINERS,
    LEADS,
    NOT_SUBJECTS,
    QUESTION_OPENERS,
    REQUEST,
    SUBJECTS,
    VERB_OPENERS,
)
from faq.lexicon import ASKS
from faq.text import content, sentences, topics, words
from faq.words import INCIDENTAL, STOP


def find_questions(text: str) -> list[tuple[str, str]]:
    """The questions (folded) a comment asks, each with the words around it that only
    say why it is asked; a second question joined by "and" ("… and where can I
    park?") or after a comma ("when are you open, do you have …") counts as its own."""
    out: list[tuple[str, str]] = []
    said = sentences(text)
    marked = any(s.endswith("?") for s in said)
    before = ""  # the statement before, what "it" in a question may point back to
    for s in said:
        asked = len(out)
        for clause, context in _clauses(s):
            if context and not content(clause):
                clause, context = context + " " + clause, ""  # "my gf is vegan, what can she eat?"
            parts = JOINERS.split(" " + clause + " ")
            for i, part in enumerate(parts):
                ws = part.split()
                if not ws:
                    continue
                # split off by a joiner, it opened like a question
                asks = s.endswith("?") or i > 0 or _asks(ws, marked=marked)
                if asks and i == 0 and before and not context and _points_back(ws):
                    part = before + " " + part  # "Har lige købt en ladcykel. Kan I servicere den?"
                if asks and content(part):
                    out.append((part.strip(), context if i == 0 else ""))
                elif asks and i == 0 and s.endswith("?") and len(parts) == 1:
                    out.append((part.strip(), ""))  # "where is this?": the shape is the content
        before = " ".join(words(s)) if len(out) == asked else ""
    return out


def _asks(ws: Sequence[str], *, marked: bool) -> bool:
    """Whether a clause without a "?" asks something, by how it opens (after a greeting:
    "yo are u open today") or what it says."""
    while len(ws) > 1 and ws[0] in GREETINGS:
        ws = ws[1:]
    part = " " + " ".join(ws) + " "
    return (
        ws[0] in QUESTION_OPENERS
        or _verb_first(ws, marked=marked)
        or ws[0] in ("any", "anything")
        or bool(REQUEST.search(part))
        or bool(EMBEDDED.search(part))
        or (len(ws) > 1 and ws[0] in LEADS and ws[1] in QUESTION_OPENERS)
        or "please" in ws
        # "Adresse tak", "åbningstider tak": a topic and a please
        or (len(ws) <= 3 and ws[-1] == "tak" and bool(set(topics(ws[0])) & ASKS))
    )


def _points_back(ws: Sequence[str]) -> bool:
    """Whether a question points back to what was said before ("do you sell them?",
    "kan I servicere den?"): a word that may, standing for a thing, not before one
    ("any bread she could eat") nor as a dummy subject ("is it possible to park")."""
    if EXPLETIVE.search(" ".join(ws) + " "):
        return False
    return any(
        w in BACK_REFERENCES and (w == "it" or k + 1 == len(ws) or not content(ws[k + 1]))
        for k, w in enumerate(ws)
    )


def _verb_first(ws: Sequence[str], *, marked: bool) -> bool:
    """Whether a clause opens with a verb that asks: one with its subject next ("do
    you", "har I", "er cyklen"). Danish chat drops the subject of statements ("Skal
    forbi inden arbejde", "har lige købt"), so a Danish verb needs one; English asks
    with a noun too ("is parking free"). Who marks questions with "?" marks them all:
    unmarked, only a verb with its subject asks ("Do you deliver? Can I pay cash")."""
    if _danish_inversion(ws):
        return True  # "bestiller man kager …", "arbejder I på ladcykler"
    if len(ws) > 1 and ws[0] in ENGLISH_AUX and ws[1] in ("a", "an"):
        return True  # "is a service done same day"
    if not ws or ws[0] not in VERB_OPENERS:
        return False
    if len(ws) == 1 or ws[1] in SUBJECTS:
        return True
    if marked or ws[1] in NOT_SUBJECTS:
        return False
    if ws[0] in DANISH_VERB_OPENERS:  # a definite noun: "er cyklen klar", "har bageriet …"
        return len(ws[1]) > 4 and ws[1].endswith(("en", "et", "ne"))
    return True


_TIMES = frozenset(["dag", "morgen", "aften", "aar", "weekenden", "gaar", "forgaars"])


def _danish_inversion(ws: Sequence[str]) -> bool:
    """Danish asks by putting any verb in the present tense (-er, not a filler word
    like "over", "efter") before its subject: "klipper I børn", "tager man kort".
    Not the "i" of "i dag", "i morgen": "kommer i morgen" tells."""
    return (
        len(ws) > 1
        and ws[1] in DANISH_SUBJECTS
        and len(ws[0]) >= 5
        and ws[0].endswith("er")
        and ws[0] not in STOP | INCIDENTAL
        and not (ws[1] == "i" and len(ws) > 2 and ws[2] in _TIMES)
    )


def _clauses(sentence: str) -> list[tuple[str, str]]:
    """The sentence cut at commas before each clause that opens like a question, each
    with its context: in "new in town, how do I find you?" the question is the last
    clause and "new in town" only says why. When the question points back ("I need a
    helmet, do you sell them?") the clause before it is its topic and stays in it."""
    chunks = [c for c in (" ".join(words(c)) for c in sentence.split(",")) if c]
    starts = [i for i, c in enumerate(chunks) if i > 0 and _opens(c.split())]
    if not starts:
        return [(" ".join(chunks), "")]
    lead = " ".join(chunks[: starts[0]])
    spans = [" ".join(chunks[a:b]) for a, b in zip(starts, [*starts[1:], len(chunks)], strict=True)]
    if _opens(chunks[0].split()):
        return [(lead, ""), *((span, "") for span in spans)]
    if _points_back(spans[0].split()):
        return [(lead + " " + spans[0], ""), *((span, "") for span in spans[1:])]
    return [(spans[0], lead), *((span, "") for span in spans[1:])]


def _opens(ws: Sequence[str]) -> bool:
    """Whether a clause's words open like a question: a question word, or a verb with
    its subject next ("do you", "har I", "kan man")."""
    return bool(ws) and (
        ws[0] in QUESTION_OPENERS
        or ws[0] in ("any", "anything")
        or (len(ws) > 1 and ws[0] in VERB_OPENERS and ws[1] in SUBJECTS)
        or (len(ws) > 1 and ws[0] in LEADS and ws[1] in QUESTION_OPENERS)
        or bool(REQUEST.match(" ".join(ws)))  # "…, wondering what time you open"
    )
