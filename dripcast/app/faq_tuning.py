"""Tuning a brand's FAQ: comments labelled by a person, read from JSON lines, and how
well the decider's decisions agree with the labels (`dripcast faq --file`, the labelled
sets' test and bench). Pure: no I/O; the caller reads the file and prints.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from dripcast.core.faq import Decision

ACTIONS = ("answer", "escalate", "ignore")


class BadLine(ValueError):
    """A line of a comments file that is not `{"text"}` or `{"text", "action", "faq"}`."""

    def __init__(self, number: int, problem: str) -> None:
        super().__init__(f"line {number}: {problem}")
        self.number = number
        self.problem = problem


class Verdict(Protocol):
    """What a label and a decision have in common: an action, and the FAQ entry answered."""

    @property
    def action(self) -> str: ...

    @property
    def faq(self) -> str | None: ...


@dataclass(frozen=True, kw_only=True)
class Label:
    """What a person says should happen to a comment."""

    action: str
    faq: str | None = None


@dataclass(frozen=True, kw_only=True)
class Line:
    """One comment of a file: its line number, its text, and its label if it has one."""

    number: int
    text: str
    label: Label | None = None


def read_line(number: int, line: str, faq_ids: Collection[str]) -> Line:
    """One line of a comments file; a label must name an action, and for `answer` one of
    `faq_ids` (raises BadLine)."""
    try:
        doc = json.loads(line)
        text = doc["text"]
    except (ValueError, KeyError, TypeError):
        raise BadLine(number, 'not a JSON object with "text"') from None
    if not isinstance(text, str):
        raise BadLine(number, '"text" is not a string')
    if "action" not in doc:
        if doc.get("faq") is not None:
            raise BadLine(number, '"faq" without "action" (answer, escalate or ignore)')
        return Line(number=number, text=text)
    return Line(number=number, text=text, label=_label(number, doc, faq_ids))


def _label(number: int, doc: dict[str, object], faq_ids: Collection[str]) -> Label:
    action, faq = doc["action"], doc.get("faq")
    if action not in ACTIONS:
        raise BadLine(number, f'"action" is {action!r}: give answer, escalate or ignore')
    assert isinstance(action, str)
    if action != "answer":
        if faq is not None:
            raise BadLine(number, f'"faq" is {faq!r} but "action" is {action}: give null')
        return Label(action=action)
    if faq not in faq_ids:
        ids = ", ".join(sorted(faq_ids)) or "none"
        raise BadLine(number, f'"faq" is {faq!r}, not one of the brand\'s answers ({ids})')
    assert isinstance(faq, str)
    return Label(action=action, faq=faq)


def _share(hit: int, of: int) -> str:
    return f"{hit / of:.2f}" if of else "n/a"


def _rate(hit: int, of: int) -> str:
    return f"{_share(hit, of)} ({hit}/{of})"


@dataclass(frozen=True)
class Figures:
    """How a decider did against labels. Precision: of the comments it answered, those
    answered with the labelled FAQ entry; answer recall: of those labelled answer, the
    same; escalation recall: of those labelled escalate, those it escalated."""

    n: int
    answered: int  # comments the decider answered
    right: int  # … with the labelled FAQ entry
    answerable: int  # comments labelled answer
    escalations: int  # comments labelled escalate
    caught: int  # … that the decider escalated

    @property
    def precision(self) -> float | None:
        return self.right / self.answered if self.answered else None

    @property
    def recall(self) -> float | None:
        return self.right / self.answerable if self.answerable else None

    @property
    def escalation_recall(self) -> float | None:
        return self.caught / self.escalations if self.escalations else None

    def __str__(self) -> str:
        return (
            f"n={self.n:4}  precision {_rate(self.right, self.answered)}  "
            f"recall {_rate(self.right, self.answerable)}  "
            f"escalation recall {_rate(self.caught, self.escalations)}"
        )


def figures(pairs: Iterable[tuple[Verdict, Verdict]]) -> Figures:
    """Count (label, decision) pairs."""
    pairs = list(pairs)
    return Figures(
        n=len(pairs),
        answered=sum(got.action == "answer" for _, got in pairs),
        right=sum(
            got.action == want.action == "answer" and got.faq == want.faq for want, got in pairs
        ),
        answerable=sum(want.action == "answer" for want, _ in pairs),
        escalations=sum(want.action == "escalate" for want, _ in pairs),
        caught=sum(want.action == got.action == "escalate" for want, got in pairs),
    )


def agrees(want: Verdict, got: Verdict) -> bool:
    return (want.action, want.faq) == (got.action, got.faq)


def verdict(v: Verdict) -> str:
    return f"{v.action} {v.faq}" if v.faq else v.action


def summary(decided: Sequence[tuple[Line, Decision]]) -> list[str]:
    """What `dripcast faq --file` prints on stderr when lines carry labels: the figures
    over the labelled lines, then each comment decided otherwise than labelled, with the
    decision's reason. Nothing when no line has a label."""
    labelled = [(line, line.label, d) for line, d in decided if line.label is not None]
    if not labelled:
        return []
    f = figures((want, got) for _, want, got in labelled)
    out = [
        f"labelled: {f.n} of {len(decided)} comments",
        f"precision of answers: {_share(f.right, f.answered)}"
        f" ({f.right} of {f.answered} answers sent were the labelled FAQ)",
        f"answer recall: {_share(f.right, f.answerable)}"
        f" ({f.right} of {f.answerable} labelled answer got that answer)",
        f"escalation recall: {_share(f.caught, f.escalations)}"
        f" ({f.caught} of {f.escalations} labelled escalate were escalated)",
    ]
    wrong = [(line, want, got) for line, want, got in labelled if not agrees(want, got)]
    out.append(f"disagreements: {len(wrong)}")
    for line, want, got in wrong:
        out.append(
            f"  line {line.number}: label {verdict(want)}, decided {verdict(got)} ({got.score:.2f})"
        )
        out.append(f"    {line.text}")
        if got.reason:
            out.append(f"    ({got.reason})")
    return out
