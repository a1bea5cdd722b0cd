"""What a person leaves out of a caption at the two ends of a mail: a reply's subject, and
the sign-off above the signature. Real-looking mails, English and Danish; the last
sentences that only look like sign-offs stay."""

from __future__ import annotations

import pytest

from ingest.cleantext import clean_subject, is_forward, is_reply
from ingest.parse import parse
from ingest.signoff import drop_signoff, signer_names


def mail(
    body: str, *, subject: str = "Ugens brød", sender: str = "Maria Jensen <maria@example.com>"
) -> bytes:
    head = (
        f"From: {sender}\r\nTo: bakery@localhost\r\nSubject: {subject}\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    )
    return (head + body.replace("\n", "\r\n")).encode()


@pytest.mark.parametrize(
    ("subject", "title", "reply", "forward"),
    [
        ("Re: photos for this week", "photos for this week", True, False),
        ("RE: RE: photos for this week", "photos for this week", True, False),
        ("Re[2]: photos", "photos", True, False),
        ("Re (3): photos", "photos", True, False),
        ("AW: WG: Kuchen", "Kuchen", True, False),
        ("SV: Billeder til ugen", "Billeder til ugen", True, False),
        ("VS: Billeder til ugen", "Billeder til ugen", False, True),
        ("Antw: Brood", "Brood", True, False),
        ("Antw.: Brood", "Brood", True, False),
        ("Odp: Chleb", "Chleb", True, False),
        ("R: Pane", "Pane", True, False),
        ("I: Pane", "Pane", False, True),
        ("[EXT] Re: photos", "photos", True, False),
        ("Fwd: Re: Birthday cake", "Birthday cake", False, True),
        ("FW: Birthday cake", "Birthday cake", False, True),
        ("回复：新面包", "新面包", True, False),
        ("Remarkable rye", "Remarkable rye", False, False),
        ("Reading: our new book corner", "Reading: our new book corner", False, False),
        ("Svampe: ugens tærte", "Svampe: ugens tærte", False, False),
    ],
)
def test_subject_prefixes(subject: str, title: str, reply: bool, forward: bool) -> None:
    assert (clean_subject(subject), is_reply(subject), is_forward(subject)) == (
        title,
        reply,
        forward,
    )


def test_a_reply_subject_is_not_the_title() -> None:
    raw = mail(
        "Here is the new rye, please post it on Saturday.\n", subject="Re: photos for this week"
    )
    assert parse(raw).caption == "Here is the new rye, please post it on Saturday."
    # Nothing in the body: the subject is all the client wrote.
    assert parse(mail("", subject="Re: Rugbrød")).caption == "Rugbrød"


def test_a_forward_keeps_its_subject_as_title() -> None:
    assert parse(mail("Look at this!\n", subject="Fwd: Birthday cake")).caption == (
        "Birthday cake\n\nLook at this!"
    )


SIGNED = [
    # English
    ("Fresh croissants every morning this week.\n\nMaria\n", "Maria Jensen <maria@example.com>"),
    (
        "Fresh croissants every morning this week.\nBest, Maria\n",
        "Maria Jensen <maria@example.com>",
    ),
    ("Fresh croissants every morning this week.\n\nBest,\nMaria\n", "owner@example.com"),
    (
        "Fresh croissants every morning this week.\n\nKind regards\nMaria Jensen\nDemo Bakery\n+45 12 34 56 78\n",
        "owner@example.com",
    ),
    ("Fresh croissants every morning this week.\n\nCheers\n", "owner@example.com"),
    ("Fresh croissants every morning this week.\n\nThanks, Bo\n", "owner@example.com"),
    ("Fresh croissants every morning this week.\nThanks Bo!\n", "Bo Nielsen <bo@example.com>"),
    (
        "Fresh croissants every morning this week.\n\n- Maria x\n",
        "Maria Jensen <maria@example.com>",
    ),
    ("Fresh croissants every morning this week.\n\nLove,\nMaria\n", "owner@example.com"),
    (
        "Fresh croissants every morning this week 🥐\nMaria Jensen\n",
        '"Jensen, Maria" <mj@example.com>',
    ),
    # Danish
    ("Nyt rugbrød hver morgen i denne uge.\n\nMvh Maria\n", "owner@example.com"),
    (
        "Nyt rugbrød hver morgen i denne uge.\n\nMvh.\nMaria Jensen\nDemo Bageri\n",
        "owner@example.com",
    ),
    ("Nyt rugbrød hver morgen i denne uge.\n\nVenlig hilsen\n", "owner@example.com"),
    ("Nyt rugbrød hver morgen i denne uge.\n\nMed venlig hilsen\nBo\n", "owner@example.com"),
    ("Nyt rugbrød hver morgen i denne uge.\nKh Søren\n", "owner@example.com"),
    ("Nyt rugbrød hver morgen i denne uge.\n\nTak, Bo\n", "owner@example.com"),
    ("Nyt rugbrød hver morgen i denne uge.\nHilsen Maria\n", "owner@example.com"),
    ("Nyt rugbrød hver morgen i denne uge.\n\nSøren\n", "Søren Ærø <soren@example.com>"),
]


@pytest.mark.parametrize(("body", "sender"), SIGNED)
def test_signoff_is_left_out(body: str, sender: str) -> None:
    caption = parse(mail(body, sender=sender)).caption
    assert caption.split("\n\n", 1)[1] in (
        "Fresh croissants every morning this week.",
        "Fresh croissants every morning this week 🥐",
        "Nyt rugbrød hver morgen i denne uge.",
    )


KEPT = [
    "Fresh croissants every morning.\nThanks to everyone who came by on Saturday!",
    "Ten years of baking for you.\n\nThank you!",
    "Ten years of baking for you.\nCheers!",
    "Ten years of baking for you.\n\nCheers to the next ten!",
    "Our sourdough.\nBest bread in town",
    "Our sourdough.\n\nBest Bread In Town",
    "Our sourdough.\nLove it",
    "Our sourdough.\nRegards from Copenhagen",
    "Ten years!\nThanks Copenhagen",
    "Meet the team:\nAnna\nBo\nMaria",
    "Tusind tak for i år!",
    "Nyt rugbrød.\n\nTak for i dag!",
    "Nyt rugbrød.\nMange tak til alle jer der kom forbi",
    "Nyt rugbrød.\nHilsen fra bageriet",
]


@pytest.mark.parametrize("body", KEPT)
def test_last_sentences_that_look_like_signoffs_stay(body: str) -> None:
    assert parse(mail(body)).caption == "Ugens brød\n\n" + body


def test_signoff_above_a_dashdash_signature_and_a_quote() -> None:
    body = (
        "Here are this week's photos, the cinnamon knots first. #bakery\n\n"
        "Best,\nMaria\n\n-- \nMaria Jensen | Demo Bakery | +45 12 34 56 78\n\n"
        "On Fri, 20 Nov 2026 at 10:02, Demo Bakery <bakery@localhost> wrote:\n> Your plan\n"
    )
    caption = parse(mail(body, subject="Re: Your plan for this week")).caption
    assert caption == "Here are this week's photos, the cinnamon knots first. #bakery"


def test_a_directive_below_the_signoff_is_still_read() -> None:
    submission = parse(
        mail("Fresh croissants every morning this week.\n\nBest,\nMaria\nwhen: now\n")
    )
    assert submission.caption == "Ugens brød\n\nFresh croissants every morning this week."
    assert submission.directives.when == "now"


def test_signer_names() -> None:
    assert signer_names("Maria Jensen", "maria.jensen@example.com") == {
        "maria",
        "jensen",
        "maria jensen",
    }
    assert signer_names("", "bo@example.com") == {"bo"}
    assert drop_signoff("Cake\n\nMaria", ()) == "Cake\n\nMaria"  # an unknown bare name stays
