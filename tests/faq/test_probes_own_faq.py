"""Probes for rules that read the brand's own FAQ (its example questions and answers)
rather than a list: one or two comments each way, across trades (tests/data/faq)."""

from __future__ import annotations

import pytest

from tests.faq.brands import BAKERY, BIKES, SALON, YOGA, decide


@pytest.mark.parametrize(
    ("brand", "text", "faq"),
    [
        # a word the brand's examples ask with is no complaint in a question
        (YOGA, "har I bad?", "bring"),
        # a compound whose last part the entry names too
        (YOGA, "har I begynderhold?", "beginners"),
        (BIKES, "lørdagsåbent?", "hours"),  # "lør" is an abbreviation, not a compound's head
        # a price asked of the price list, or of an entry whose examples ask prices too
        (YOGA, "what does a 10-class card cost?", "prices"),
        (YOGA, "how much is a private class?", "private"),
    ],
)
def test_answered(brand: str, text: str, faq: str) -> None:
    action, got, reason = decide(brand, text)
    assert (action, got) == ("answer", faq), reason


@pytest.mark.parametrize(
    ("brand", "text"),
    [
        (YOGA, "do I get charged if I cancel late?"),
        (SALON, "how late can I cancel without being charged?"),
    ],
)
def test_being_charged_asked_about_is_no_complaint(brand: str, text: str) -> None:
    assert "complaint" not in decide(brand, text)[2]


@pytest.mark.parametrize(
    ("brand", "text", "why"),
    [
        # the same word outside a question, or at a brand whose examples never use it
        (YOGA, "the class was bad", "a complaint"),
        (BAKERY, "was the bread bad?", "a complaint"),
        (YOGA, "I was charged for a class I cancelled", "a complaint"),
        (SALON, "they charged me for a no-show", "a complaint"),
        # a compound of a word the entry names and one it does not: another thing
        (YOGA, "do you accept ClassPass?", "'classpass'"),
        # a price asked of an entry whose examples never ask one, beside the price list
        (YOGA, "how much is membership per month?", "the prices answer"),
        (YOGA, "how much for a single class?", "the prices answer"),
        # two entries tied: which answer is meant is a coin toss
        (SALON, "need an appt, how do i get one", "as likely"),
    ],
)
def test_escalated(brand: str, text: str, why: str) -> None:
    action, _, reason = decide(brand, text)
    assert action == "escalate", reason
    assert why in reason
