"""What the FAQ monitor would do with comments, without reading or posting anything."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from dripcast.core.config import Brand
from dripcast.core.faq import Decision
from faq import Decider


class NoFaq(Exception):
    """The brand has no `faq:` key."""


def decider(brand: Brand) -> Decider:
    if brand.faq is None:
        raise NoFaq(
            f"brand {brand.id} has no faq: key; give it one (answers with example"
            " questions, README: FAQ monitoring) to try comments against it"
        )
    return Decider(brand.faq, brand=(brand.id, brand.name))


def try_texts(brand: Brand, texts: Iterable[str]) -> Iterator[tuple[str, Decision]]:
    """Each text with its decision, as `dripcast faq` prints them."""
    d = decider(brand)
    for text in texts:
        yield text, d.decide_text(text)
