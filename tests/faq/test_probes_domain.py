"""Probes for words a person would never call a separate thing in a question to one
FAQ entry: days in any form, the parts of the FAQ's own hyphenated words, the brand's
domain (what its whole FAQ is about) and a price an answer itself states. One or two
comments each way, mostly for the florist (tests/data/faq/florist.yaml)."""

from __future__ import annotations

import pytest

from tests.faq.brands import BAKERY, FLORIST, YOGA, decide


@pytest.mark.parametrize(
    ("brand", "text", "faq"),
    [
        # a day in its definite or plural form is a day: the hours answer names days
        (FLORIST, "hvad tid åbner i om hverdagen", "hours"),
        (BAKERY, "har I åbent i weekenderne?", "hours"),
        # the parts of a word the FAQ hyphenates ("pet-friendly", "Pet-safe")
        (FLORIST, "pet friendly plants??", "pet_safe"),
        (YOGA, "when is the pregnancy yoga class?", "prenatal"),
        # the brand's domain (flowers, bouquets: words of several entries) is no thing
        # one entry must name
        (FLORIST, "Hvordan bestiller jeg blomster til en bisættelse?", "funeral"),
        (FLORIST, "Hej, hvordan bestiller jeg en buket til afhentning?", "order"),
        # a price asked of an entry whose answer states one, of a thing the brand's
        # price list does not name
        (FLORIST, "hvad koster jeres abonnement?", "subscription"),
        (FLORIST, "how much is the subscription per delivery", "subscription"),
        # how cheap asks the price
        (FLORIST, "whats the cheapest bouquet u do", "prices"),
        (FLORIST, "hvad er jeres billigste buket?", "prices"),
        # a Danish plural doubling its last consonant: kat/katte
        (FLORIST, "hvilke planter kan jeg have med min kat 🐱", "pet_safe"),
    ],
)
def test_answered(brand: str, text: str, faq: str) -> None:
    action, got, reason = decide(brand, text)
    assert (action, got) == ("answer", faq), reason


@pytest.mark.parametrize(
    ("brand", "text"),
    [
        # holidays are no day of the week: only the brand knows
        (FLORIST, "åbner I på helligdagene?"),
        # a part of a hyphenated word names itself, not what else is asked
        (FLORIST, "do you sell pet food?"),
        # a kind of the domain's thing (a compound of it) still is one, and what else
        # the question names still counts
        (FLORIST, "hvordan bestiller jeg en tørbuket?"),
        (FLORIST, "do you sell dried flowers?"),
        (FLORIST, "do you deliver flowers to Sweden?"),
        # … but a thing the price list names too is priced there
        # (also tests/faq/test_probes_own_faq.py: "how much for a single class?")
        (FLORIST, "how much is a bouquet in the subscription?"),
        # … of a brand whose FAQ states no price
        (BAKERY, "hvad er jeres billigste kage?"),
        # a dog is not a cat: the answer names cats (and pets); a person answers for dogs
        (FLORIST, "hvilke planter kan jeg have med min hund?"),
    ],
)
def test_escalated(brand: str, text: str) -> None:
    action, _, reason = decide(brand, text)
    assert action == "escalate", reason
