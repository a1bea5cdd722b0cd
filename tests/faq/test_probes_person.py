"""Probes for who a question is for, both ways: a request to act on the asker's own
booking and a free time on the calendar need a person (the FAQ says how booking works,
a person books); the same words asked of anyone are the FAQ's. Mostly the tattoo
studio (tests/data/faq/tattoo.yaml) and the salon."""

from __future__ import annotations

import pytest

from tests.faq.brands import BAKERY, BIKES, SALON, TATTOO, decide


@pytest.mark.parametrize(
    ("brand", "text"),
    [
        (TATTOO, "can you book me in for a small piece next tuesday?"),
        (TATTOO, "could you move my appointment to saturday?"),
        (TATTOO, "kan I flytte min tid til på fredag?"),
        (TATTOO, "har I ledig tid i weekenden?"),
        (BIKES, "Har I ledige tider i næste uge?"),  # free slots, not opening times
        (SALON, "any free slots this afternoon?"),
        (SALON, "can you squeeze me in before 5?"),
        (BIKES, "kan I booke mig ind til et eftersyn?"),
    ],
)
def test_a_request_to_act_on_ones_own_booking_escalates(brand: str, text: str) -> None:
    action, _, why = decide(brand, text)
    assert action == "escalate", why


@pytest.mark.parametrize(
    ("brand", "text", "faq"),
    [
        (TATTOO, "how do I book an appointment?", "booking"),
        (TATTOO, "hvordan booker man en tid?", "booking"),
        (SALON, "how do i book?", "booking"),
        (BIKES, "kan man booke tid online?", "booking"),
    ],
)
def test_asking_how_booking_works_is_still_answered(brand: str, text: str, faq: str) -> None:
    assert decide(brand, text)[:2] == ("answer", faq)


@pytest.mark.parametrize(
    ("brand", "text"),
    [
        (TATTOO, "@sara skal vi ikke booke en tid sammen?"),
        (TATTOO, "@mads how much was yours again?"),
        (BAKERY, "@emil skal vi bestille en lagkage til mor?"),
    ],
)
def test_a_question_to_a_tagged_friend_is_theirs(brand: str, text: str) -> None:
    action, _, why = decide(brand, text)
    assert action == "ignore", why


@pytest.mark.parametrize(
    ("brand", "text", "faq"),
    [
        (BAKERY, "@mikkel vi kunne tage derud – har I åbent søndag formiddag?", "hours"),
        (TATTOO, "@jonas do you take mobilepay?", "payment"),
        (TATTOO, "@blaek hvordan booker jeg en tid?", "booking"),
    ],
)
def test_a_tagged_question_that_turns_to_the_brand_is_answered(
    brand: str, text: str, faq: str
) -> None:
    assert decide(brand, text)[:2] == ("answer", faq)
