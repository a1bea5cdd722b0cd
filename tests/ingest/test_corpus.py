"""Every message of the corpus (tests/data/make_corpus.py) through parse + load_photos:
the photos found, the caption, the directives and the reason for each refusal."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dripcast.core.domain import Photo, Skipped, Submission
from ingest.parse import parse
from ingest.photos import load_photos, no_photo_reason

DATA = Path(__file__).parent.parent / "data"


@dataclass(frozen=True)
class Expected:
    photos: list[str]  # file names, in order
    caption: str
    skipped: dict[str, str] = field(default_factory=dict)  # file name → start of the reason
    directives: dict[str, object] = field(default_factory=dict)


EXPECTED: dict[str, Expected] = {
    "iphone_split_exif": Expected(
        ["IMG_0042.jpeg"],
        "Sourdough Saturday\n\nFresh sourdough, straight from the oven.\n\n"
        "Come by before noon! #sourdough",
        directives={"when": "tomorrow 9:00"},
    ),
    "macmail_heic": Expected(
        ["IMG_1234.HEIC"],
        "Cinnamon knots\n\nOur new cinnamon knots 🍩",
        directives={"link": "https://example.com/knots"},
    ),
    "gmail_alternative_emoji": Expected(
        ["croissant-1.jpg", "croissant-2.jpg"],
        "Croissants are back 🥐\n\nCroissants are back, butter from Thise dairy. "
        "#croissant #breakfast",
        directives={"only": ("instagram", "mastodon")},
    ),
    "outlook_related_logo": Expected(
        ["Window display.jpg"],
        "Christmas window\n\nOur Christmas window is up! Come and see it.",
    ),
    "android_octet": Expected(
        ["IMG_20261121_101500.jpg", "photo-2.png"],
        "Sign\n\nNew sign outside the shop",
    ),
    "latin1_rfc2231": Expected(
        ["smørrebrød.jpg"],
        "Dagens smørrebrød\n\nSmørrebrød og æbleskiver på menuen i dag.",
    ),
    "forwarded_rfc822": Expected(
        ["cake.jpg"],
        "Birthday cake\n\nLook what Anna sent us! #cake #birthday",
    ),
    "forwarded_inline": Expected(
        ["cake.jpg"],
        "Birthday cake\n\nPlease post this one, Anna said yes. #cake\n\nIt was perfect, thank you!",
    ),
    "png_cmyk_16bit": Expected(
        ["cutout.png", "print-ready.jpg", "scan-16bit.png"],
        "Formats\n\nThree formats, three cakes.",
    ),
    "corrupt_among_good": Expected(
        ["stall.jpg", "bread.png"],
        "Market day\n\nFour photos from the market.",
        skipped={"broken.jpg": "corrupt or truncated", "garbage.jpg": "not a readable image"},
    ),
    "decompression_bomb": Expected(
        [],
        "Panorama\n\nPanorama of the shop.",
        skipped={"panorama.png": "too many pixels (12000×12000); the limit is 100 MP"},
    ),
    "no_photo": Expected(
        [],
        "Opening hours\n\nHi, can you post something about our opening hours?",
    ),
    "signature_quoted_reply": Expected(
        ["rye.jpg"],
        "Add this one too: the new rye bread. #rye",
    ),
    "html_only": Expected(
        ["creme-brulee.jpg"],
        "Crème brûlée\n\nCrème brûlée & café – today only!\n\nFish & chips? No: cakes.\n#dessert",
    ),
    "twenty_photos": Expected(
        [f"IMG_{1000 + n}.jpeg" for n in range(1, 21)],
        "This week\n\nThe whole week's bakes.",
    ),
    "tnef_winmail": Expected(
        ["Counter left.jpg", "Counter right.jpg"],
        "New counter\n\nTwo photos of the new counter.",
    ),
    "single_part_image": Expected(["photo-1.jpg"], "Just the photo"),
    "thunderbird_8bit": Expected(
        ["rugbrød.jpg"],
        "Rugbrød og kanelsnegle\n\nNyt rugbrød og kanelsnegle i dag 🍞 – kom før kl. 12! #rugbrød",
    ),
    "mutt_latin1_8bit": Expected(
        ["torvet.jpg"], "Julemarked\n\nÆbleskiver og gløgg på torvet lørdag. Åbent 10-16."
    ),
    "outlook_cp1252_8bit": Expected(
        ["boller.jpg"], "Tilbud\n\nTilbud: 3 boller for 20 € – “kun i dag” … #tilbud"
    ),
    "binary_cte": Expected(
        ["cafe.jpg"], "Binary body\n\nCrème brûlée, smørrebrød og café au lait."
    ),
    "smtputf8_headers": Expected(
        ["æblekage.jpg"], "Æblekage 🍎\n\nUgens æblekage med flødeskum 🍎"
    ),
}


def _run(name: str) -> tuple[Submission, list[Photo], list[Skipped]]:
    submission = parse((DATA / f"{name}.eml").read_bytes())
    photos, skipped = load_photos(submission.attachments)
    return submission, photos, skipped


def test_every_corpus_file_has_an_expectation() -> None:
    assert {p.stem for p in DATA.glob("*.eml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_message(name: str) -> None:
    expected = EXPECTED[name]
    submission, photos, skipped = _run(name)
    assert submission.problems == ()
    assert [p.filename for p in photos] == expected.photos
    assert [p.index for p in photos] == list(range(1, len(photos) + 1))
    assert {s.filename: s.reason[: len(expected.skipped.get(s.filename, ""))] for s in skipped} == (
        expected.skipped
    )
    assert submission.caption == expected.caption
    found = {k: v for k, v in vars(submission.directives).items() if v}
    assert found == expected.directives


def test_exif_rotated_photo_reports_its_upright_size() -> None:
    _, photos, _ = _run("iphone_split_exif")
    assert (photos[0].width, photos[0].height) == (600, 800)


def test_signature_logo_is_not_an_attachment() -> None:
    submission, _, _ = _run("outlook_related_logo")
    assert [a.filename for a in submission.attachments] == ["Window display.jpg"]


def test_sniffed_types_win_over_labels() -> None:
    submission, _, _ = _run("android_octet")
    assert [a.content_type for a in submission.attachments] == ["image/jpeg", "image/png"]


def test_headers_decoded() -> None:
    submission, _, _ = _run("gmail_alternative_emoji")
    assert submission.subject == "Croissants are back 🥐"
    assert submission.message_id == "<CAF3x+9Q1dKz7bQ@mail.gmail.com>"
    assert (
        submission.date is not None and submission.date.isoformat() == "2026-11-21T10:15:00+01:00"
    )


def test_forward_prefix_stays_in_subject_but_not_in_caption() -> None:
    submission, _, _ = _run("forwarded_rfc822")
    assert submission.subject == "Fwd: Birthday cake"
    assert submission.caption.startswith("Birthday cake\n")


def test_refusal_reasons() -> None:
    _, photos, skipped = _run("no_photo")
    assert no_photo_reason(photos, skipped) == "the message has no photo"
    _, photos, skipped = _run("decompression_bomb")
    assert no_photo_reason(photos, skipped) == (
        "none of the images could be used "
        "(panorama.png: too many pixels (12000×12000); the limit is 100 MP)"
    )
    _, photos, skipped = _run("corrupt_among_good")
    assert no_photo_reason(photos, skipped) is None


def test_photos_carry_distinct_pixel_hashes() -> None:
    _, photos, _ = _run("twenty_photos")
    assert len({p.pixels for p in photos}) == 20
    assert all(len(p.pixels) == 64 for p in photos)


def test_utf8_header_fields_give_the_sender_and_subject() -> None:
    submission, _, _ = _run("smtputf8_headers")
    assert (submission.from_addr, submission.subject) == ("søren@bageri.example", "Æblekage 🍎")


def test_tnef_without_a_text_part_gives_its_body_as_caption() -> None:
    raw = (DATA / "tnef_winmail.eml").read_bytes()
    # Drop the text/plain part: the caption must then come from the TNEF body.
    start = raw.index(b'Content-Type: text/plain; charset="utf-8"')
    end = raw.index(b"--_002_DB9PR07MB7777TNEF_", start)
    submission = parse(raw[:start] + b"Content-Type: text/plain\r\n\r\n\r\n" + raw[end:])
    assert submission.caption == "New counter\n\nTwo photos of the new counter."
    assert len(submission.attachments) == 2
