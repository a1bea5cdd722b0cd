"""The walk: where text and photos are taken from when the layout is unusual."""

from __future__ import annotations

import base64

from ingest.parse import parse
from ingest.photos import load_photos
from tests.data.make_corpus import jpeg, tnef

HEAD = b"From: Maria <owner@example.com>\r\nMessage-ID: <w@example.com>\r\n"


def b64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def test_forwarded_message_text_is_the_caption_when_the_client_wrote_none() -> None:
    raw = (
        HEAD + b"Subject: Fwd: Cake\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n"
        b"--o\r\nContent-Type: text/plain\r\n\r\n\r\n"
        b"--o\r\nContent-Type: message/rfc822\r\n\r\n"
        b"From: Anna <anna@example.net>\r\nSubject: Cake\r\n"
        b"Content-Type: multipart/mixed; boundary=i\r\n\r\n"
        b"--i\r\nContent-Type: text/plain\r\n\r\nBest cake ever!\r\n\r\nSent from my iPhone\r\n"
        b"--i\r\nContent-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + b64(jpeg(1, 400, 300))
        + b"--i--\r\n--o--\r\n"
    )
    submission = parse(raw)
    assert submission.caption == "Cake\n\nBest cake ever!"
    assert len(submission.attachments) == 1


def test_unreadable_winmail_dat_is_reported() -> None:
    raw = (
        HEAD + b"Subject: Counter\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n"
        b"--o\r\nContent-Type: text/plain\r\n\r\nNew counter\r\n"
        b"--o\r\nContent-Type: application/ms-tnef; name=winmail.dat\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + b64(b"not a TNEF stream at all")
        + b"--o--\r\n"
    )
    submission = parse(raw)
    photos, skipped = load_photos(submission.attachments)
    assert photos == []
    assert [(s.filename, s.reason) for s in skipped] == [
        ("winmail.dat", "winmail.dat (TNEF) is not readable")
    ]


def test_winmail_dat_labelled_octet_stream_is_opened() -> None:
    blob = tnef("Body", [("A.JPG", "A long name.jpg", jpeg(2, 400, 300))])
    raw = (
        HEAD + b"Subject: Counter\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n"
        b"--o\r\nContent-Type: application/octet-stream; name=winmail.dat\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + b64(blob) + b"--o--\r\n"
    )
    submission = parse(raw)
    assert [a.filename for a in submission.attachments] == ["A long name.jpg"]
    assert submission.caption == "Counter\n\nBody"


def test_non_photo_attachments_are_ignored() -> None:
    raw = (
        HEAD + b"Subject: Menu\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n"
        b"--o\r\nContent-Type: text/plain\r\n\r\nOur menu\r\n"
        b"--o\r\nContent-Type: application/pdf; name=menu.pdf\r\n"
        b"Content-Disposition: attachment; filename=menu.pdf\r\n\r\n%PDF-1.4 ...\r\n"
        b"--o\r\nContent-Type: text/plain; name=notes.txt\r\n"
        b"Content-Disposition: attachment; filename=notes.txt\r\n\r\nnot the caption\r\n"
        b"--o\r\nContent-Type: application/octet-stream; name=IMG_1.dng\r\n"
        b"Content-Disposition: attachment; filename=IMG_1.dng\r\n\r\nraw sensor data\r\n--o--\r\n"
    )
    submission = parse(raw)
    assert submission.caption == "Menu\n\nOur menu"
    _, skipped = load_photos(submission.attachments)
    assert [(s.filename, s.reason) for s in skipped] == [("IMG_1.dng", "not a readable image")]


def test_missing_boundary_and_broken_base64_do_not_stop_the_message() -> None:
    raw = (
        HEAD + b"Subject: Broken\r\nContent-Type: multipart/mixed\r\n\r\n"
        b"--o\r\nContent-Type: text/plain\r\n\r\nhello\r\n--o--\r\n"
    )
    assert (parse(raw)).problems == ()
    raw = (
        HEAD + b"Subject: Broken\r\nContent-Type: image/jpeg\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64###\r\n"
    )
    photos, skipped = load_photos(parse(raw).attachments)
    assert photos == [] and [s.reason for s in skipped] == ["not a readable image"]


def test_empty_and_garbage_input() -> None:
    for raw in (b"", b"\x00" * 100, b"\xff\xfe garbage \r\n\r\n\r\n", b"Subject"):
        submission = parse(raw)
        assert submission.attachments == ()
        assert submission.from_addr is None
        assert submission.problems  # at least: no usable From
