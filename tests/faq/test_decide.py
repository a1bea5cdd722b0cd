"""The decider's rules, one by one (pure: no database, no network)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from dripcast.core.config import load
from dripcast.core.errors import ConfigError
from dripcast.core.faq import Comment, Faq, FaqAnswer
from faq import Decider

FAQ = Faq(
    mode="auto",
    answers=(
        FaqAnswer(
            id="hours", questions=("when are you open?", "hvornår har I åbent?"), answer="7-17"
        ),
        FaqAnswer(
            id="parking", questions=("where can I park?", "hvor kan man parkere?"), answer="P"
        ),
    ),
    escalate=("refund", "allergy"),
)


def comment(text: str, *, own: bool = False) -> Comment:
    return Comment(
        network="mastodon",
        external_id="1",
        thread="t",
        text=text,
        author="a",
        created_at=datetime(2026, 11, 26, tzinfo=UTC),
        own=own,
    )


def test_answers_across_typos_emoji_and_danish() -> None:
    d = Decider(FAQ)
    for text in ("wen r u open??", "Hvornår har i åbent 😊", "hvornaar aabner i", "opening hours?"):
        got = d.decide_text(text)
        assert (got.action, got.faq, got.reply) == ("answer", "hours", "7-17"), text
        assert got.score >= FAQ.threshold


def test_never_the_brands_own_words() -> None:
    assert Decider(FAQ).decide(comment("when are you open?", own=True)).action == "ignore"


def test_never_twice_in_a_thread() -> None:
    got = Decider(FAQ).decide(comment("when are you open?"), answered_in_thread=True)
    assert got.action == "escalate" and "already answered" in got.reason


@pytest.mark.parametrize(
    "text",
    [
        "when are you open? I want a refund",  # an escalate word
        "Do you have refunds?",  # its inflection
        "hvornår har i åbent? jeg har en allergi",  # allergy → allergi is the stem
        "Why are you never open when you say??",  # a complaint phrased as a question
        "when are you open and where can I park?",  # two different questions
        "do you sell gift cards?",  # a question the FAQ does not cover
    ],
)
def test_escalates(text: str) -> None:
    assert Decider(FAQ).decide_text(text).action == "escalate"


@pytest.mark.parametrize(
    "text", ["😍😍", "tak for i dag!", "@anna we should go", "Get 10k followers, DM us"]
)
def test_ignores(text: str) -> None:
    got = Decider(FAQ).decide_text(text)
    assert (got.action, got.faq, got.reply) == ("ignore", None, None)


def test_faq_config_is_strict(tmp_path: Path) -> None:
    base = (
        "brands:\n  - id: b\n    name: B\n    address: b@example.com\n"
        "    channels: [{id: o, type: outbox, path: out}]\n    faq:\n"
    )
    cases = {
        "      mode: sometimes\n": "brands.0.faq.mode",
        "      answers: [{id: a, questions: [x], answer: y, extra: 1}]\n": "brands.0.faq.answers.0.extra",
        "      poll: 10s\n      answers: [{id: a, questions: [x], answer: y}]\n": "brands.0.faq.poll",
        "      answers: [{id: a, questions: [x], answer: y}, {id: a, questions: [z], answer: w}]\n": "unique",
        "      answers: [{id: a, questions: [], answer: y}]\n": "brands.0.faq.answers.0.questions",
    }
    for body, where in cases.items():
        p = tmp_path / "c.yaml"
        p.write_text(base + body)
        with pytest.raises(ConfigError, match=where.replace(".", r"\.")):
            load(p)
    p.write_text(base + "      answers: [{id: a, questions: [x], answer: y}]\n")
    faq = load(p).brands[0].faq
    assert faq is not None and (faq.mode, faq.poll_seconds) == ("review", 300)


def test_check_names_the_faq_key(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dripcast.cli import main

    p = tmp_path / "c.yaml"
    p.write_text(
        "brands:\n  - id: b\n    name: B\n    address: b@example.com\n"
        "    channels: [{id: o, type: outbox, path: out}]\n    faq:\n      mode: auto\n"
        "      answers:\n        - {id: a, questions: [x], answer: y, anwser: z}\n"
    )
    r = CliRunner().invoke(main, ["--config", str(p), "check"])
    assert r.exit_code == 2
    assert f"{p}:9: brands.0.faq.answers.0.anwser" in r.output
    p.write_text(p.read_text().replace(", anwser: z", ""))
    r = CliRunner().invoke(main, ["--config", str(p), "check"])
    assert r.exit_code == 0 and "faq: auto, every 5m, 1 answer," in r.output


def test_check_refuses_an_answer_too_long_for_a_channel_it_is_read_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from dripcast.cli import main

    p = tmp_path / "c.yaml"
    p.write_text(
        "brands:\n  - id: b\n    name: B\n    address: b@example.com\n"
        "    channels:\n      - {id: sky, type: bluesky, handle: b.example, app_password: '${SKY_PW}'}\n"
        "    faq:\n      answers:\n        - {id: long, questions: [x], answer: '"
        + "x" * 301
        + "'}\n"
    )
    monkeypatch.setenv("SKY_PW", "p")
    r = CliRunner().invoke(main, ["--config", str(p), "check"])
    assert r.exit_code == 2
    assert "b/sky: faq answer long is 301 long; Bluesky takes 300" in r.output


@pytest.mark.parametrize(
    "text",
    [
        "til hvad tid har i åbent i dag",  # no "?": the question word after a preposition
        "fra hvad tid har i åbent",
        "opening hours pls",  # a request without a question mark
        "how early do you open on sundays",  # question shapes that mean "when"
        "how late are you open",
    ],
)
def test_questions_without_a_question_mark_or_the_faqs_words(text: str) -> None:
    got = Decider(FAQ).decide_text(text)
    assert (got.action, got.faq) == ("answer", "hours"), got.reason


def test_a_comment_in_other_words_than_the_faq_still_matches() -> None:
    got = Decider(FAQ).decide_text("any place to leave the car")
    assert (got.action, got.faq) == ("answer", "parking"), got.reason


def test_faq_on_a_brand_without_faq_says_what_to_add() -> None:
    from click.testing import CliRunner

    from dripcast.cli import main

    config = Path(__file__).parents[2] / "config.yaml"  # the demo brand has no faq: key
    r = CliRunner().invoke(main, ["--config", str(config), "faq", "demo-bakery", "open?"])
    assert r.exit_code == 2
    assert "brand demo-bakery has no faq: key; give it one" in r.output
    assert "FAQ monitoring" in r.output
