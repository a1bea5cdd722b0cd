"""The topic lexicon (faq/lexicon.py) and what it lets the matcher understand.

A FAQ written in one language, in a few words, must still answer comments in the
other language and in other words ("Har I cykelstativer?" for "where can I park?"),
and a word that only looks like a FAQ word must not pass for it.
"""

from __future__ import annotations

import re

import pytest

from dripcast.core.faq import Faq, FaqAnswer
from faq import Decider, lexicon
from faq.asking import PHRASES
from faq.text import CONCEPTS, TOKENS, content, fold, sentences, topics
from faq.words import DAYS, INCIDENTAL, STOP

SHAPES = {"xday", *(token for _, token in PHRASES)}  # question shapes: "how much", "when"

# English examples only, as a brand might first write them.
FAQ = Faq(
    mode="auto",
    answers=(
        FaqAnswer(id="hours", questions=("when are you open?", "open on sunday?"), answer="7-17"),
        FaqAnswer(
            id="parking", questions=("where can I park?",), answer="Street parking right outside"
        ),
        FaqAnswer(id="delivery", questions=("do you deliver?",), answer="Via Wolt"),
        FaqAnswer(id="gluten_free", questions=("do you have gluten-free bread?",), answer="Yes"),
        FaqAnswer(id="vegan", questions=("anything vegan?",), answer="All our bread"),
        FaqAnswer(id="address", questions=("what's your address?",), answer="Main St 1"),
        FaqAnswer(id="rental", questions=("do you rent out bikes?",), answer="By the day"),
        FaqAnswer(id="used_bikes", questions=("do you sell used bikes?",), answer="Yes"),
        FaqAnswer(id="payment", questions=("can I pay with card?",), answer="Cards, cash"),
        FaqAnswer(id="cake_order", questions=("can I order a birthday cake?",), answer="Yes"),
    ),
    escalate=("refund", "allergy"),
)


@pytest.mark.parametrize(
    ("word", "want"),
    [
        ("leveret", ("xdeliver",)),  # inflected: levere → leveret
        ("lukkes", ("xopen",)),
        ("closer", ("xnear",)),  # near, not closing
        ("racks", ("racks",)),  # not a lexicon word alone ("bike racks" is a phrase)
        ("bilen", ("xpark",)),  # a short stem takes the definite ending…
        ("udlejningscykler", ("xrent", "xbike")),  # a compound, joint "s" and all
        ("cykelstativer", ("xpark",)),
        ("cykelhjelme", ("cykelhjelme",)),  # a bike helmet is a helmet, not a bike
        ("boernecykler", ("xbike",)),  # children's bikes are bikes
        ("bryllupskager", ("xoccasion", "xcake")),
        ("chokoladekage", ("chokolade", "xcake")),
        ("parkeringsmuligheder", ("xpark",)),  # parking options: parking
        ("kringle", ("xcake",)),
        ("adress", ("xaddress",)),  # one letter off
        ("glutenfir", ("xgluten",)),
    ],
)
def test_topics_of_a_word(word: str, want: tuple[str, ...]) -> None:
    assert topics(word) == want


@pytest.mark.parametrize(
    "word",
    [
        *("care", "cardigan", "carrot", "smells", "shopping", "frederiksberg"),
        *("korte", "ballpark", "facebook", "coffees", "slipping", "apprenticeship"),
        *("recommended", "surprise", "sometimes", "sommetider", "hendes", "resting"),
    ],
)
def test_words_that_only_look_like_a_topic_have_none(word: str) -> None:
    assert not set(content(word)) & TOKENS, content(word)


@pytest.mark.parametrize(
    ("text", "faq"),
    [
        ("Har I cykelstativer? 🚲", "parking"),  # Danish, and a compound
        ("Kan man holde med bilen lige udenfor?", "parking"),
        ("Bringer I brød ud?", "delivery"),
        ("Kan jeg få morgenbrød leveret?", "delivery"),
        ("Any GF loaves?", "gluten_free"),
        ("anything wheat-free?", "gluten_free"),
        ("Har I brød uden mælk?", "vegan"),
        ("my gf is vegan, what can she eat there?", "vegan"),  # gf: girlfriend here
        ("what time do yall shut on saturdays", "hours"),
        ("which street are you on", "address"),
        ("whats the adress? 📍", "address"),
        ("Har I udlejningscykler?", "rental"),
        ("can I hire a bike", "rental"),
        ("Køber I gamle cykler?", "used_bikes"),
        ("new in town, how do I find you?", "address"),  # the lead-in says why, not what
        ("tager I dankort?", "payment"),
        ("Looking for gluten free bread", "gluten_free"),  # a request without a "?"
        ("Mon I har åbent i morgen", "hours"),
        ("Adresse tak 🙏", "address"),  # a topic and a please
        ("where's the closest parking spot?", "parking"),
        ("do u do anything without eggs and dairy", "vegan"),
        ("Kører I ud med brød?", "delivery"),  # Danish idioms
        ("hvornår slår I dørene op i morgen?", "hours"),
        ("is the bread vegan friendly?", "vegan"),
        ("Hvor stiller jeg ladcyklen?", "parking"),  # not the address: where to put it
        ("Bringer I også ud i weekenden?", "delivery"),
        ("Kan man handle hos jer kl. 6.30?", "hours"),  # a time of day asks when
        ("Leverer I om lørdagen?", "delivery"),  # the day is not held against delivery
        ("yo are u open today", "hours"),  # a greeting before the question
        ("Kan jeg få morgenbrød bragt hjem?", "delivery"),
        ("my daughter can't eat wheat, anything for her?", "gluten_free"),
        ("do you trade in old bikes?", "used_bikes"),
        ("Kan man få jeres brød leveret hjem?", "delivery"),
        ("Vi skal have barnedåb i juni, kan vi bestille en kage?", "cake_order"),  # a month
    ],
)
def test_other_words_and_the_other_language_meet_the_faq(text: str, faq: str) -> None:
    got = Decider(FAQ).decide_text(text)
    assert (got.action, got.faq) == ("answer", faq), got.reason


@pytest.mark.parametrize(
    "text",
    [
        "do you sell helmets?",  # sell, but not what the FAQ sells
        "Sælger I cykelhjelme?",
        "I need a helmet, do you sell them?",  # "them" points back: the helmet is the topic
        "when are you open, do you deliver?",  # two questions after a comma
        "are you open on the 24th?",  # a date: maybe a holiday
        "har I åbent d. 24. december?",
        "Is the vegan swirl sugar free? diabetic here",
        "kan I lave en kage uden æg? min søn tåler det ikke",  # no egg: an allergy, not vegan
        "Har I gavekort?",  # a card, but not a way to pay
        "do you sell gift cards?",
        "I ordered a cake for saturday, is it ready?",  # their own order
        "Har I noget glutenfrit? Min søn har glutenallergi",  # an escalate word in a compound
        "My bread had mould in it!",  # a complaint without a question
        "can you deliver a cake to a hotel on the 14th?",  # a day of the calendar
        "my repair from last week isn't holding up",
    ],
)
def test_still_escalates(text: str) -> None:
    got = Decider(FAQ).decide_text(text)
    assert got.action == "escalate", got


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("what does a gluten-free loaf cost?", "price"),
        ("hvad koster det at få leveret?", "price"),
        ("can I book a table?", "book"),
    ],
)
def test_a_topic_no_answer_covers_escalates(text: str, topic: str) -> None:
    got = Decider(FAQ).decide_text(text)
    assert (got.action, got.reason) == (
        "escalate",
        f"asks about {topic}, which no FAQ answer covers",
    )


def test_an_escalate_word_ends_a_compound_but_a_short_one_starts_a_word() -> None:
    faq = Faq(mode="auto", answers=FAQ.answers, escalate=("allergi", "nut"))
    assert Decider(faq).decide_text("glutenfrit brød? har glutenallergi").action == "escalate"
    assert Decider(faq).decide_text("any nuts in the bread?").action == "escalate"
    got = Decider(faq).decide_text("do you have vegan donuts?")
    # escalated for the donuts the answer does not name, not for a "nut"
    assert (got.action, got.reason) == (
        "escalate",
        "asks about 'donuts', which the vegan answer does not name",
    )


def test_an_answer_that_quotes_a_price_answers_what_it_costs() -> None:
    rental = FaqAnswer(id="rental", questions=("do you rent out bikes?",), answer="100 kr/day")
    faq = Faq(mode="auto", answers=(*FAQ.answers[:6], rental), escalate=())
    got = Decider(faq).decide_text("Hvad koster det at leje en cykel?")
    assert (got.action, got.faq) == ("answer", "rental"), got.reason
    assert Decider(FAQ).decide_text("Hvad koster det at leje en cykel?").action == "escalate"


def test_a_statement_after_a_question_is_not_a_second_question() -> None:
    # Danish drops the subject: "Skal forbi" is "(I) have to drop by", not "must …?"
    got = Decider(FAQ).decide_text("Hvornår åbner I om morgenen? Skal forbi inden arbejde")
    assert (got.action, got.faq) == ("answer", "hours"), got.reason
    assert Decider(FAQ).decide_text("Do you deliver? will pay ofc").action == "answer"
    assert Decider(FAQ).decide_text("Do you deliver? Can I pay cash").action == "escalate"


def test_a_time_or_an_ordinal_does_not_end_a_sentence() -> None:
    assert sentences("lukker I kl. 17 eller 17.30?") == ["lukker i kl. 17 eller 17.30?"]
    assert sentences("Har I åbent 2. juledag? Tak.") == ["har i aabent 2. juledag?", "tak."]
    assert sentences("Hvad koster en slange inkl. montering?") == [
        "hvad koster en slange inkl. montering?"
    ]


def test_a_danish_statement_without_its_subject_asks_nothing() -> None:
    # "Skal have lavet min cykel" = (I) need my bike fixed: one question here, not two
    got = Decider(FAQ).decide_text("Skal have en ny cykel. Sælger I brugte cykler")
    assert (got.action, got.faq) == ("answer", "used_bikes"), got.reason


def test_a_question_that_points_back_takes_the_sentence_before() -> None:
    got = Decider(FAQ).decide_text("Har en gammel cykel. Køber I den?")
    assert (got.action, got.faq) == ("answer", "used_bikes"), got.reason
    assert Decider(FAQ).decide_text("Har en cykelhjelm. Køber I den?").action == "escalate"


def test_checking_my_bike_is_no_spam() -> None:
    assert (
        Decider(FAQ).decide_text("can you check my bike and give me a price?").action == "escalate"
    )
    assert Decider(FAQ).decide_text("check out my page for free followers").action == "ignore"


def test_thanks_is_still_thanks() -> None:
    assert Decider(FAQ).decide_text("Tak for kagen").action == "ignore"


@pytest.mark.parametrize("text", ["@sofie @laura lørdag??", "@emil kanelsnegle på lørdag?"])
def test_a_day_or_a_product_alone_asks_nothing(text: str) -> None:
    assert Decider(FAQ).decide_text(text).action != "answer"


def test_the_lexicon_is_consistent() -> None:
    seen: dict[str, str] = {}
    for topic, words in lexicon.WORDS.items():
        assert topic.startswith("x"), topic
        for word in words.split():
            folded = fold(word)
            assert seen.setdefault(folded, topic) == topic, f"{word} in {seen[folded]} and {topic}"
            assert folded not in STOP | INCIDENTAL | DAYS, f"{word} is filler, never a topic"
    for pattern, tokens in lexicon.PHRASES:
        re.compile(pattern)
        assert pattern == fold(pattern).replace("'", "'"), f"fold {pattern!r}: it meets folded text"
        for token in tokens.split():  # a topic the lexicon has, or a plain word
            assert token in {*lexicon.WORDS, *CONCEPTS, *SHAPES} or token[0] != "x", token
    assert set(CONCEPTS.values()) <= TOKENS
