"""What the FAQ monitor would do with comments, without reading or posting anything."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from dripcast.app.faq_tuning import Line, read_line
from dripcast.core.config import Brand
from dripcast.core.faq import Decision, Faq
from faq import Decider


class NoFaq(Exception):
    """The brand has no `faq:` key."""


def _faq(brand: Brand) -> Faq:
    if brand.faq is None:
        raise NoFaq(
            f"brand {brand.id} has no faq: key; give it one (answers with example"
            " questions, README: FAQ monitoring) to try comments against it"
        )
    return brand.faq


def decider(brand: Brand) -> Decider:
    return Decider(_faq(brand), brand=(brand.id, brand.name))


def read_lines(brand: Brand, lines: Iterable[str]) -> list[Line]:
    """A comments file's lines (`{"text"}`, or labelled `{"text", "action", "faq"}`),
    all checked before any is decided: raises NoFaq, or BadLine naming the first bad one."""
    ids = {a.id for a in _faq(brand).answers}
    return [read_line(n, raw, ids) for n, raw in enumerate(lines, 1) if raw.strip()]


def try_lines(brand: Brand, lines: Iterable[Line]) -> Iterator[tuple[Line, Decision]]:
    """Each line with its decision; `faq_tuning.summary` counts those with labels."""
    d = decider(brand)
    for line in lines:
        yield line, d.decide_text(line.text)
