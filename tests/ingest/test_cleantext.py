"""The caption rules: signatures, quoted replies, forwards, disclaimers; lookalikes stay."""

from __future__ import annotations

import pytest

from ingest.cleantext import clean_body, clean_subject, is_forward
from tests.ingest.cases import CASES


@pytest.mark.parametrize("name", sorted(CASES))
def test_clean_body(name: str) -> None:
    body, forward, expected = CASES[name]
    assert clean_body(body, forward=forward) == expected


def test_outlook_header_block_is_a_reply_unless_the_subject_says_forward() -> None:
    body, _, _ = CASES["outlook_forward"]
    assert clean_body(body, forward=False) == "Please post this"


def test_crlf_and_invisible_characters() -> None:
    body = "Cake\u200b of the\xa0week\r\n\r\n-- \r\nMaria\r\n"
    assert clean_body(body) == "Cake of the week"


@pytest.mark.parametrize(
    ("subject", "caption", "forward"),
    [
        ("Re: Fwd: AW: Birthday   cake", "Birthday cake", False),
        ("Fwd: Birthday cake", "Birthday cake", True),
        ("WG: Kuchen", "Kuchen", True),
        ("TR: Gâteau", "Gâteau", True),
        ("Remarkable rye", "Remarkable rye", False),
    ],
)
def test_subject(subject: str, caption: str, forward: bool) -> None:
    assert clean_subject(subject) == caption
    assert is_forward(subject) is forward
