"""The brand's `faq:` key: strict models, read with the rest of the config.

Apart from the FAQ's values (dripcast.core.faq: a comment, a decision, a cursor) so
that reading a config builds none of those (commands like `preview` never use them).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from dripcast.core.channels import Strict
from dripcast.core.timeparse import parse_duration


class FaqAnswer(Strict):
    """One frequently asked question: how people ask it, and the brand's answer."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
    questions: tuple[str, ...] = Field(min_length=1)
    answer: str = Field(min_length=1)

    @field_validator("questions")
    @classmethod
    def _questions(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if any(not q.strip() for q in v):
            raise ValueError("a question must not be empty")
        return v


class Faq(Strict):
    """The brand's `faq:` key."""

    mode: Literal["auto", "review", "off"] = "review"
    poll: str = "5m"
    answers: tuple[FaqAnswer, ...] = ()
    escalate: tuple[str, ...] = ()  # words that always go to the client
    # Below this confidence (0..1) a matching question is escalated, not answered.
    threshold: float = Field(default=0.6, ge=0, le=1)

    @field_validator("poll")
    @classmethod
    def _poll(cls, v: str) -> str:
        if parse_duration(v).total_seconds() < 60:
            raise ValueError("poll at most once a minute (networks limit reads), e.g. 5m")
        return v

    @field_validator("escalate")
    @classmethod
    def _words(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if any(not w.strip() for w in v):
            raise ValueError("an escalate word must not be empty")
        return v

    @model_validator(mode="after")
    def _ids(self) -> Faq:
        ids = [a.id for a in self.answers]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"faq answer ids must be unique: {', '.join(dupes)}")
        if self.mode != "off" and not self.answers and not self.escalate:
            raise ValueError("faq needs answers (or escalate words), or mode: off")
        return self

    @property
    def poll_seconds(self) -> float:
        return parse_duration(self.poll).total_seconds()
