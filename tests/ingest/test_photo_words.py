"""Per-photo words (issue 18): what the client wrote next to a photo, or on a `N:` line,
becomes that photo's lead; the caption keeps what the photos share."""

from __future__ import annotations

from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from functools import cache

from ingest.cleantext import split_at_images, split_photo_lines
from ingest.parse import parse
from tests.data.make_corpus import jpeg


@cache
def _photo(n: int) -> bytes:
    return jpeg(300 + n, 320, 240)


def _image(n: int, name: str | None = None, cid: str | None = None) -> MIMEImage:
    part = MIMEImage(_photo(n), "jpeg")
    part.add_header("Content-Disposition", "inline", filename=name or f"IMG_{n}.jpeg")
    if cid:
        part["Content-ID"] = f"<{cid}>"
    return part


def _mail(parts: list[MIMEText | MIMEImage | MIMEMultipart], kind: str = "mixed") -> bytes:
    msg = MIMEMultipart(kind)
    msg["From"] = "Maria <owner@example.com>"
    msg["Subject"] = "This week"
    msg["Message-ID"] = "<words@example.com>"
    for p in parts:
        msg.attach(p)
    return msg.as_bytes()


def test_apple_mail_text_below_each_photo_is_that_photos_lead() -> None:
    raw = _mail(
        [
            MIMEText("The week's bakes:\n"),
            _image(1),
            MIMEText("\nCroissants 🥐, out at seven\n"),
            _image(2),
            MIMEText("\nKanelsnegle\nwhen: tomorrow 9:00\n"),
            _image(3),
            MIMEText("\nRugbrød\n\nSee you!\n\nSent from my iPhone"),
        ]
    )
    sub = parse(raw)
    assert [a.lead for a in sub.attachments] == [
        "Croissants 🥐, out at seven",
        "Kanelsnegle",
        "Rugbrød",
    ]
    assert sub.caption == "This week\n\nThe week's bakes:\n\nSee you!"
    assert sub.directives.when == "tomorrow 9:00"  # directives between photos are still read


def test_text_above_each_photo_when_the_mail_ends_with_a_photo() -> None:
    raw = _mail(
        [
            MIMEText("Hello all\n\nCroissants\n"),
            _image(1),
            MIMEText("Buns\n"),
            _image(2),
        ]
    )
    sub = parse(raw)
    assert [a.lead for a in sub.attachments] == ["Croissants", "Buns"]
    assert sub.caption == "This week\n\nHello all"


def test_one_photo_with_text_around_it_is_joined_back_as_before() -> None:
    raw = _mail([MIMEText("Fresh sourdough.\n"), _image(1), MIMEText("\nCome by before noon!")])
    sub = parse(raw)
    assert sub.attachments[0].lead == ""
    assert sub.caption == "This week\n\nFresh sourdough.\n\nCome by before noon!"


def test_gmail_image_placeholders_place_the_words() -> None:
    alt = MIMEMultipart("alternative")
    alt.attach(
        MIMEText(
            "Our bakes\n[image: rye.jpg]\nRye, 24 hours\n[image: buns.jpg]\nBuns\n\n-- \nMaria\n"
        )
    )
    alt.attach(MIMEText('<div>Our bakes<img src="cid:a"><img src="cid:b"></div>', "html"))
    related = MIMEMultipart("related")
    related.attach(alt)
    related.attach(_image(1, "rye.jpg", "a"))
    related.attach(_image(2, "buns.jpg", "b"))
    sub = parse(_mail([related]))
    assert [(a.filename, a.lead) for a in sub.attachments] == [
        ("rye.jpg", "Rye, 24 hours"),
        ("buns.jpg", "Buns"),
    ]
    assert sub.caption == "This week\n\nOur bakes"


def test_numbered_lines_name_photos() -> None:
    body = (
        "All fresh today.\n1: Croissants\nphoto 2: Buns\n#3: Rye\n"
        "10:30 we open\n9: no such photo\nalt 2: a cinnamon bun\n"
    )
    sub = parse(_mail([MIMEText(body), _image(1), _image(2), _image(3)]))
    assert sub.leads == {1: "Croissants", 2: "Buns", 3: "Rye"}
    assert sub.caption == "This week\n\nAll fresh today.\n10:30 we open\n9: no such photo"
    assert sub.directives.alts == {2: "a cinnamon bun"}


def test_split_photo_lines_keeps_times_and_lists() -> None:
    text, found = split_photo_lines("Open 10:30-17\n1. Mix\n2: Bake\nPhoto 1 : Knead", 2)
    assert found == {2: "Bake", 1: "Knead"}
    assert text == "Open 10:30-17\n1. Mix"


def test_split_at_images_without_words_between_shares_everything() -> None:
    mark = "\u2063[[image {}]]\u2063"
    text = f"Intro\n{mark.format(1)}\n{mark.format(2)}\nOutro"
    assert split_at_images(text) == ("Intro\n\nOutro", {})


def test_apple_mail_html_places_the_words_by_content_id() -> None:
    alt = MIMEMultipart("alternative")
    # Apple Mail's plain alternative says nothing about where the images were.
    alt.attach(MIMEText("Our bakes\n\nRye, 24 hours\n\nBuns\n"))
    related = MIMEMultipart("related")
    related.attach(
        MIMEText(
            "<html><body><div>Our bakes</div>"
            '<div><img apple-inline="yes" src="cid:A1-B2"></div><div>Rye, 24 hours</div>'
            '<div><img apple-inline="yes" src="cid:C3-D4"></div><div>Buns</div>'
            '<div class="AppleMailSignature">Maria<img src="cid:logo"></div></body></html>',
            "html",
        )
    )
    related.attach(_image(1, "rye.jpeg", "A1-B2"))
    related.attach(_image(2, "buns.jpeg", "C3-D4"))
    alt.attach(related)
    sub = parse(_mail([alt]))
    assert [(a.filename, a.lead) for a in sub.attachments] == [
        ("rye.jpeg", "Rye, 24 hours"),
        ("buns.jpeg", "Buns"),
    ]
    assert sub.caption == "This week\n\nOur bakes"


def test_one_inline_html_image_changes_nothing() -> None:
    alt = MIMEMultipart("alternative")
    alt.attach(MIMEText("Our new cinnamon knots\n"))
    related = MIMEMultipart("related")
    related.attach(
        MIMEText(
            '<div>Our new cinnamon knots</div><div><img src="cid:K1"></div><div>Yum</div>', "html"
        )
    )
    related.attach(_image(1, "knots.jpeg", "K1"))
    alt.attach(related)
    sub = parse(_mail([alt]))
    assert sub.caption == "This week\n\nOur new cinnamon knots"
    assert sub.attachments[0].lead == ""
