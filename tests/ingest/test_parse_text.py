"""Charsets, file names and HTML: the text a client wrote comes out right whatever the encoding."""

from __future__ import annotations

import pytest

from ingest.htmltext import html_to_text
from ingest.parse import parse
from tests.data.make_corpus import jpeg

HEAD = "From: Maria <owner@example.com>\r\nMessage-ID: <t@example.com>\r\n"


def single(body: bytes, content_type: str, subject: str = "Hi", cte: str = "8bit") -> bytes:
    head = f"{HEAD}Subject: {subject}\r\nMIME-Version: 1.0\r\nContent-Type: {content_type}\r\n"
    return head.encode() + f"Content-Transfer-Encoding: {cte}\r\n\r\n".encode() + body


def with_photo(disposition: str, text: str = "Cake") -> bytes:
    import base64

    photo = base64.encodebytes(jpeg(1, 400, 300)).decode().replace("\n", "\r\n")
    return (
        f"{HEAD}Subject: Hi\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        f"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"
        f"--b\r\nContent-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n"
        f"Content-Disposition: {disposition}\r\n\r\n{photo}--b--\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("header", "subject"),
    [
        ("=?ISO-8859-1?Q?Dagens_sm=F8rrebr=F8d?=", "Dagens smørrebrød"),
        ("=?UTF-8?B?8J+ljiBDcm9pc3NhbnRz?=", "🥎 Croissants"),
        ("=?utf-8?q?Cr=C3=A8me?= =?utf-8?q?_br=C3=BBl=C3=A9e?=", "Crème brûlée"),
        ("=?windows-1252?Q?=93Hygge=94_week?=", "“Hygge” week"),
        ("=?x-unknown?Q?caf=E9?= ok", "caf\ufffd ok"),  # unknown charset: the word survives
        ("=?UTF-8?B?broken", "=?UTF-8?B?broken"),
    ],
)
def test_rfc2047_subjects(header: str, subject: str) -> None:
    submission = parse(single(b"x", "text/plain", header))
    assert submission.subject == subject
    assert submission.problems == ()


@pytest.mark.parametrize(
    ("body", "content_type", "cte", "caption"),
    [
        # Outlook labels Windows-1252 as ISO-8859-1: curly quotes are 0x93/0x94.
        (b"\x93Hygge\x94 week", "text/plain; charset=iso-8859-1", "8bit", "“Hygge” week"),
        (b"Dagens sm\xf8rrebr\xf8d", "text/plain; charset=iso-8859-15", "8bit", "Dagens smørrebrød"),
        ("Ржаной хлеб".encode("cp1251"), "text/plain; charset=windows-1251", "8bit", "Ржаной хлеб"),
        (b"Tarte aux pommes", "text/plain", "8bit", "Tarte aux pommes"),
        ("Crème brûlée".encode(), "text/plain", "8bit", "Crème brûlée"),  # no charset: UTF-8
        (b"Cr\xe8me br\xfbl\xe9e", "text/plain", "8bit", "Crème brûlée"),  # no charset, not UTF-8
        (b"Cr\xe8me", "text/plain; charset=x-mac-klingon", "8bit", "Crème"),
        (b"Cr=C3=A8me br=C3=BBl=C3=A9e, a very long line that a client wraps with a soft=\r\n break",
         "text/plain; charset=utf-8", "quoted-printable",
         "Crème brûlée, a very long line that a client wraps with a soft break"),
    ],
)  # fmt: skip
def test_body_charsets(body: bytes, content_type: str, cte: str, caption: str) -> None:
    submission = parse(single(body, content_type, "", cte))
    assert submission.caption == caption


@pytest.mark.parametrize(
    ("disposition", "filename"),
    [
        ("attachment; filename*=iso-8859-1''sm%F8rrebr%F8d.jpg", "smørrebrød.jpg"),
        ("attachment; filename*0*=utf-8''caf%C3%A9-; filename*1*=cr%C3%A8me.jpg", "café-crème.jpg"),
        ('attachment; filename="=?UTF-8?Q?caf=C3=A9.jpg?="', "café.jpg"),
        ('attachment; filename="../../etc/cake.jpg"', "cake.jpg"),
        ("attachment; filename*=utf-8''C%3A%5CUsers%5Cmaria%5CIMG_1.jpg", "IMG_1.jpg"),
        ('attachment; filename="tab\there.jpg"', "tabhere.jpg"),
        ("inline", "photo-1.jpg"),
    ],
)
def test_filenames(disposition: str, filename: str) -> None:
    submission = parse(with_photo(disposition))
    assert [a.filename for a in submission.attachments] == [filename]


def test_html_to_text() -> None:
    body = html_to_text(
        "<html><head><title>t</title><style>p{}</style></head><body>"
        "<p>Cr&egrave;me &amp; caf&#233;&nbsp;today</p><div>line<br>break</div>"
        "<script>x()</script><ul><li>one</li><li>two</li></ul></body></html>"
    )
    assert body.text == "Crème & café today\n\nline\nbreak\n\none\ntwo"
    assert body.marked is False


def test_html_signature_and_quote_are_dropped_and_signature_images_named() -> None:
    body = html_to_text(
        '<div>New cake <img src="cid:photo1"></div>'
        '<div id="Signature">Maria <img src="cid:logo@x"></div>'
        "<blockquote type=cite>Your plan</blockquote>"
    )
    assert body.text == "New cake"
    assert body.signature_cids == {"logo@x"}
    assert body.marked


def _outlook_with_big_logo() -> bytes:
    import base64

    def b64(data: bytes) -> str:
        return base64.encodebytes(data).decode().replace("\n", "\r\n")

    return (
        f"{HEAD}Subject: Window\r\nContent-Type: multipart/related; boundary=r\r\n\r\n"
        "--r\r\nContent-Type: multipart/alternative; boundary=a\r\n\r\n"
        "--a\r\nContent-Type: text/plain\r\n\r\nOur window\r\n\r\nBest regards\r\nMaria\r\n"
        '--a\r\nContent-Type: text/html\r\n\r\n<p>Our window <img src="cid:photo@x"></p>'
        '<div id="Signature"><p>Best regards<br>Maria</p><img src="cid:logo@x"></div>\r\n'
        "--a--\r\n"
        "--r\r\nContent-Type: image/jpeg\r\nContent-ID: <photo@x>\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{b64(jpeg(2, 400, 300))}"
        "--r\r\nContent-Type: image/jpeg\r\nContent-ID: <logo@x>\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{b64(jpeg(3, 400, 300))}"
        "--r--\r\n"
    ).encode()


def test_signature_logo_is_left_out_whatever_its_size() -> None:
    submission = parse(_outlook_with_big_logo())
    assert [a.filename for a in submission.attachments] == ["photo-1.jpg"]
    # The HTML marks the signature the plain alternative lost: the caption comes from it.
    assert submission.caption == "Window\n\nOur window"


def test_apple_mail_html_split_around_images() -> None:
    import base64

    photo = base64.encodebytes(jpeg(4, 400, 300)).decode().replace("\n", "\r\n")
    raw = (
        f"{HEAD}Subject: Split\r\nContent-Type: multipart/alternative; boundary=a\r\n\r\n"
        "--a\r\nContent-Type: text/plain\r\n\r\nBefore\r\n\r\nAfter\r\n"
        "--a\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n"
        "--m\r\nContent-Type: text/html\r\n\r\n<div>Before</div>\r\n"
        "--m\r\nContent-Type: image/jpeg\r\nContent-Disposition: inline; filename=a.jpg\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{photo}"
        "--m\r\nContent-Type: text/html\r\n\r\n<div>After</div>\r\n--m--\r\n--a--\r\n"
    ).encode()
    submission = parse(raw)
    assert submission.caption == "Split\n\nBefore\n\nAfter"
    assert [a.filename for a in submission.attachments] == ["a.jpg"]


def test_html_split_parts_are_joined_in_order() -> None:
    raw = (
        f"{HEAD}Subject: \r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n"
        "--m\r\nContent-Type: text/html\r\n\r\n<div>One</div>\r\n"
        "--m\r\nContent-Type: text/html\r\n\r\n<div>Two &amp; three</div>\r\n--m--\r\n"
    ).encode()
    assert parse(raw).caption == "One\nTwo & three"


def test_body_only_subject_less_caption_and_empty_body() -> None:
    assert parse(single(b"", "text/plain", "Only subject")).caption == "Only subject"
    assert parse(single(b"Only body", "text/plain", "")).caption == "Only body"


def test_format_flowed_lines_are_joined() -> None:
    body = (
        b"Fresh sourdough, straight from the oven, with a crust that sings when it \r\n"
        b"cools. #sourdough\r\n\r\n -- not a signature, space-stuffed\r\n-- \r\nMaria\r\n"
    )
    submission = parse(single(body, "text/plain; charset=utf-8; format=flowed", "Bread"))
    assert submission.caption == (
        "Bread\n\nFresh sourdough, straight from the oven, with a crust that sings when it "
        "cools. #sourdough\n\n-- not a signature, space-stuffed"
    )
    delsp = parse(single(b"Crois \r\nsants\r\n", "text/plain; format=flowed; delsp=yes", ""))
    assert delsp.caption == "Croissants"


def test_html_links_keep_their_target() -> None:
    body = html_to_text(
        '<p>Order <a href="https://example.com/shop?x=1">here</a>, or see '
        '<a href="https://example.com/menu">https://example.com/menu</a> and '
        '<a href="mailto:owner@example.com">mail us</a>.</p>'
    )
    assert body.text == (
        "Order here (https://example.com/shop?x=1), or see https://example.com/menu and mail us."
    )
