"""Build the ingest test corpus: one message per mail-client layout that ingest must handle.

Run from the repository root: `python tests/data/make_corpus.py`. It rewrites the `.eml`
files next to it; they are committed so tests do not depend on this script's Pillow version.
Every message is built with the stdlib email API, with the headers, boundaries and part
layout the named client really uses; the photos are small generated images.
"""

from __future__ import annotations

import email.policy
import io
import struct
from collections.abc import Callable
from email import charset as email_charset
from email.header import Header
from email.message import EmailMessage, Message
from email.mime.base import MIMEBase
from email.mime.image import MIMEImage
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from pathlib import Path

import pillow_heif
from PIL import Image, ImageDraw

pillow_heif.register_heif_opener()

HERE = Path(__file__).parent
OWNER = "Maria Jensen <owner@example.com>"
BRAND = "Demo Bakery <bakery@localhost>"
DATE = "Sat, 21 Nov 2026 10:15:00 +0100"

QP = email_charset.Charset("utf-8")
QP.body_encoding = email_charset.QP
CRLF = compat32.clone(linesep="\r\n")
LATIN1_QP = email_charset.Charset("iso-8859-1")
LATIN1_QP.body_encoding = email_charset.QP


# --- images -------------------------------------------------------------------------------


def picture(seed: int, width: int = 800, height: int = 600) -> Image.Image:
    """A small, distinct RGB picture: gradients and a few discs placed by `seed`."""
    ramp = Image.linear_gradient("L")
    red = ramp.resize((width, height))
    green = ramp.rotate(90).resize((width, height))
    blue = Image.new("L", (width, height), (seed * 37) % 256)
    im = Image.merge("RGB", (red, green, blue))
    draw = ImageDraw.Draw(im)
    for i in range(5):
        x = (seed * 97 + i * 131) % width
        y = (seed * 53 + i * 71) % height
        fill = ((seed * 40 + i * 60) % 256, (i * 90) % 256, (seed * 13) % 256)
        draw.ellipse((x, y, x + width // 6, y + height // 6), fill=fill)
    return im


def encode(im: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **options)
    return out.getvalue()


def jpeg(seed: int, width: int = 800, height: int = 600) -> bytes:
    return encode(picture(seed, width, height), "JPEG", quality=75)


def jpeg_rotated(seed: int) -> bytes:
    """Stored landscape 800×600 with EXIF Orientation 6: the phone was held upright."""
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 15"
    return encode(picture(seed), "JPEG", quality=75, exif=exif.tobytes())


def png(seed: int) -> bytes:
    return encode(picture(seed), "PNG")


def png_rgba(seed: int) -> bytes:
    im = picture(seed).convert("RGBA")
    alpha = Image.linear_gradient("L").resize(im.size)
    im.putalpha(alpha)
    return encode(im, "PNG")


def png_16bit(seed: int) -> bytes:
    grey = picture(seed).convert("L")
    wide = grey.point(lambda v: v * 257, "I")  # 0..65535
    return encode(wide.convert("I;16"), "PNG")


def jpeg_cmyk(seed: int) -> bytes:
    return encode(picture(seed).convert("CMYK"), "JPEG", quality=75)


def heic(seed: int) -> bytes:
    return encode(picture(seed), "HEIF", quality=50)


def logo() -> bytes:
    im = Image.new("RGB", (240, 80), (250, 240, 220))
    ImageDraw.Draw(im).rectangle((10, 10, 230, 70), outline=(120, 60, 20), width=4)
    return encode(im, "PNG")


def bomb() -> bytes:
    """12000×12000 (144 MP) bilevel PNG of ~20 KB: over our 100 MP cap, under Pillow's own error."""
    return encode(Image.new("1", (12000, 12000), 0), "PNG", optimize=True)


# --- TNEF ---------------------------------------------------------------------------------


def _tnef_attr(level: int, kind: int, name: int, data: bytes) -> bytes:
    header = struct.pack("<BHHI", level, name, kind, len(data))
    return header + data + struct.pack("<H", sum(data) & 0xFFFF)


def _mapi_unicode(prop: int, text: str) -> bytes:
    raw = (text + "\0").encode("utf-16-le")
    raw += b"\0" * (-len(raw) % 4)
    return struct.pack("<HHII", 0x001F, prop, 1, len((text + "\0").encode("utf-16-le"))) + raw


def tnef(body: str, files: list[tuple[str, str, bytes]]) -> bytes:
    """A winmail.dat as Outlook writes it: message attributes, then per attachment
    the rendering, the 8.3 title, the data and a MAPI block with the long file name."""
    out = struct.pack("<IH", 0x223E9F78, 0x0A1B)
    out += _tnef_attr(1, 0x0008, 0x9006, struct.pack("<I", 0x00010000))  # attTnefVersion
    out += _tnef_attr(1, 0x0006, 0x9007, struct.pack("<II", 1252, 0))  # attOemCodepage
    out += _tnef_attr(1, 0x0007, 0x8008, b"IPM.Microsoft Mail.Note\0")  # attMessageClass
    out += _tnef_attr(1, 0x0002, 0x800C, body.encode("cp1252"))  # attBody
    for short, long_name, data in files:
        rend = struct.pack("<HIHHI", 1, 0xFFFFFFFF, 0, 0, 0)
        out += _tnef_attr(2, 0x0006, 0x9002, rend)  # attAttachRendData
        out += _tnef_attr(2, 0x0001, 0x8010, short.encode("cp1252") + b"\0")  # attAttachTitle
        out += _tnef_attr(2, 0x0006, 0x800F, data)  # attAttachData
        mapi = struct.pack("<I", 1) + _mapi_unicode(0x3707, long_name)  # PR_ATTACH_LONG_FILENAME
        out += _tnef_attr(2, 0x0006, 0x9005, mapi)  # attAttachment
    return out


# --- MIME helpers -------------------------------------------------------------------------


def headers(msg: Message, subject: str, message_id: str, **extra: str) -> Message:
    """Put the envelope headers first, as clients do; MIME-Version only on the top part."""
    for part in msg.walk():
        del part["MIME-Version"]
    content = [(k, v) for k, v in msg.items()]
    for k, _ in content:
        del msg[k]
    msg["From"] = OWNER
    msg["To"] = BRAND
    msg["Subject"] = subject if subject.isascii() else Header(subject, "utf-8").encode()
    msg["Date"] = DATE
    msg["Message-ID"] = message_id
    if "Mime_Version" not in extra:
        msg["MIME-Version"] = "1.0"
    for name, value in extra.items():
        msg[name.replace("_", "-")] = value
    for k, v in content:
        msg[k] = v
    return msg


def plain(text: str, charset: email_charset.Charset | str = QP) -> MIMEText:
    return MIMEText(text, "plain", charset)  # type: ignore[arg-type]


def html(markup: str) -> MIMEText:
    return MIMEText(markup, "html", QP)  # type: ignore[arg-type]


def image(
    data: bytes,
    subtype: str,
    filename: str | None,
    *,
    disposition: str | None = "attachment",
    cid: str | None = None,
) -> MIMEImage:
    part = MIMEImage(data, subtype)
    if filename:
        part.set_param("name", filename)
    if disposition:
        part.add_header(
            "Content-Disposition", disposition, **({"filename": filename} if filename else {})
        )
    if cid:
        part["Content-ID"] = f"<{cid}>"
    return part


def binary(data: bytes, maintype: str, subtype: str, filename: str) -> MIMEBase:
    from email import encoders

    part = MIMEBase(maintype, subtype, name=filename)
    part.set_payload(data)
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


# --- the messages -------------------------------------------------------------------------


def iphone_split_exif() -> Message:
    b = "Apple-Mail-6F1D1F4B-8C5E-4E3A-9A1B-2D3C4E5F6A7B"
    msg = MIMEMultipart("mixed", boundary=b)
    msg.attach(plain("Fresh sourdough, straight from the oven.\n"))
    msg.attach(image(jpeg_rotated(1), "jpeg", "IMG_0042.jpeg", disposition="inline"))
    msg.attach(
        plain("\nCome by before noon! #sourdough\nwhen: tomorrow 9:00\n\nSent from my iPhone")
    )
    return headers(
        msg,
        "Sourdough Saturday",
        "<6F1D1F4B-8C5E-4E3A-9A1B-2D3C4E5F6A7B@example.com>",
        X_Mailer="iPhone Mail (22B91)",
    )


def macmail_heic() -> Message:
    cid = "B1C2D3E4-F5A6-4B7C-8D9E-0F1A2B3C4D5E"
    outer = MIMEMultipart(
        "alternative", boundary="Apple-Mail=_0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D"
    )
    outer.attach(plain("Our new cinnamon knots 🍩\n\nlink: https://example.com/knots\n"))
    related = MIMEMultipart(
        "related", boundary="Apple-Mail=_9F8E7D6C-5B4A-3F2E-1D0C-BA9876543210", type="text/html"
    )
    related.attach(
        html(
            '<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>'
            '<body style="overflow-wrap: break-word;"><div>Our new cinnamon knots 🍩</div>'
            f'<div><br></div><div><img apple-inline="yes" id="1" src="cid:{cid}"></div>'
            "<div><br></div><div>link: https://example.com/knots</div></body></html>"
        )
    )
    related.attach(image(heic(2), "heic", "IMG_1234.HEIC", disposition="inline", cid=cid))
    outer.attach(related)
    return headers(
        outer,
        "Cinnamon knots",
        "<0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D@example.com>",
        Mime_Version="1.0 (Mac OS X Mail 16.0 \\(3774.600.62\\))",
        X_Mailer="Apple Mail (2.3774.600.62)",
    )


def gmail_alternative_emoji() -> Message:
    outer = MIMEMultipart("mixed", boundary="000000000000b3a1c2062451e9f0")
    alt = MIMEMultipart("alternative", boundary="000000000000b3a1c0062451e9ee")
    alt.attach(
        plain(
            "Croissants are back, butter from Thise dairy. #croissant #breakfast\n"
            "only: instagram, mastodon\n\n-- \nMaria Jensen\nDemo Bakery · +45 12 34 56 78\n"
        )
    )
    alt.attach(
        html(
            '<div dir="ltr">Croissants are back, butter from Thise dairy. #croissant #breakfast'
            '<div>only: instagram, mastodon</div><br clear="all"><div><br></div>'
            '<span class="gmail_signature_prefix">-- </span><br><div dir="ltr" '
            'class="gmail_signature">Maria Jensen<br>Demo Bakery · +45 12 34 56 78</div></div>'
        )
    )
    outer.attach(alt)
    for n, name in enumerate(("croissant-1.jpg", "croissant-2.jpg"), start=1):
        part = image(jpeg(10 + n), "jpeg", name, cid=f"f_m3q{n}x2k{n}")
        part["X-Attachment-Id"] = f"f_m3q{n}x2k{n}"
        outer.attach(part)
    return headers(
        outer,
        "=?UTF-8?B?Q3JvaXNzYW50cyBhcmUgYmFjayDwn6WQ?=",
        "<CAF3x+9Q1dKz7bQ@mail.gmail.com>",
    )


def outlook_related_logo() -> Message:
    cid = "image001.png@01DB3C2A.5E8F6A10"
    outer = MIMEMultipart("mixed", boundary="_004_AM0PR07MB4321ABCD_")
    related = MIMEMultipart(
        "related", boundary="_003_AM0PR07MB4321ABCD_", type="multipart/alternative"
    )
    alt = MIMEMultipart("alternative", boundary="_000_AM0PR07MB4321ABCD_")
    alt.attach(
        plain(
            "Our Christmas window is up! Come and see it.\n\n"
            "Best regards\nMaria Jensen\n[cid:" + cid + "]\nDemo Bakery\n"
        )
    )
    alt.attach(
        html(
            '<html><head><style>p.MsoNormal{margin:0cm;font-family:"Calibri",sans-serif;}</style>'
            '</head><body lang="DA"><div class="WordSection1"><p class="MsoNormal">Our Christmas '
            'window is up! Come and see it.</p><p class="MsoNormal">&nbsp;</p>'
            '<div id="Signature"><p class="MsoNormal">Best regards<br>Maria Jensen</p>'
            f'<p class="MsoNormal"><img width="240" height="80" src="cid:{cid}" alt="Demo Bakery">'
            "</p></div></div></body></html>"
        )
    )
    related.attach(alt)
    related.attach(image(logo(), "png", "image001.png", disposition="inline", cid=cid))
    outer.attach(related)
    outer.attach(image(jpeg(20), "jpeg", "Window display.jpg"))
    return headers(
        outer,
        "Christmas window",
        "<AM0PR07MB4321ABCD7E1F2A3B4C5D6E7F8A9B@AM0PR07MB4321.eurprd07.prod.outlook.com>",
        X_Mailer="Microsoft Outlook 16.0",
        Thread_Index="AdtA1b2C3d4E5f6G7h8I9j0K",
        Content_Language="da-DK",
    )


def android_octet() -> Message:
    msg = MIMEMultipart("mixed", boundary="----1EZ4X6WQ2U0YHB7N9K3T5RL8CFVAPD")
    msg.attach(plain("New sign outside the shop\n\nSent from my Galaxy\n", "utf-8"))
    msg.attach(binary(jpeg(30), "application", "octet-stream", "IMG_20261121_101500.jpg"))
    # A screenshot: PNG bytes labelled image/jpeg, no filename, no Content-ID, no disposition.
    screenshot = MIMEImage(png(31), "jpeg")
    msg.attach(screenshot)
    return headers(
        msg,
        "Sign",
        "<a8c1f2e4-55b0-4c3e-9d1f-77e8a2b3c4d5@example.com>",
        User_Agent="K-9 Mail for Android",
    )


def latin1_rfc2231() -> Message:
    msg = MIMEMultipart("mixed", boundary="------------8w3Y1gq0XJ2bQ7cV5nR4pT6u")
    msg.attach(plain("Smørrebrød og æbleskiver på menuen i dag.\n", LATIN1_QP))
    part = MIMEImage(jpeg(40), "jpeg")
    part.add_header(
        "Content-Disposition", "attachment", filename=("iso-8859-1", "", "smørrebrød.jpg")
    )
    part.set_param("name", ("iso-8859-1", "", "smørrebrød.jpg"))
    msg.attach(part)
    return headers(
        msg,
        "=?ISO-8859-1?Q?Dagens_sm=F8rrebr=F8d?=",
        "<5d2c9e0a-1b3f-4c7e-8a9d-0e1f2a3b4c5d@example.com>",
        User_Agent="Mozilla Thunderbird",
        Content_Language="da",
    )


def forwarded_rfc822() -> Message:
    inner = MIMEMultipart("mixed", boundary="Apple-Mail-INNER-1111")
    inner.attach(plain("Hi! Here is the cake for my daughter's birthday, it was perfect.\n"))
    inner.attach(image(jpeg(50), "jpeg", "cake.jpg", disposition="inline"))
    headers(inner, "Birthday cake", "<inner-1111@example.net>")
    inner.replace_header("From", "Anna Holm <anna@example.net>")
    outer = MIMEMultipart("mixed", boundary="------------fwd2b5c8e1")
    outer.attach(plain("Look what Anna sent us! #cake #birthday\n"))
    fwd = MIMEMessage(inner)
    fwd.add_header("Content-Disposition", "attachment", filename="Birthday cake.eml")
    outer.attach(fwd)
    return headers(
        outer,
        "Fwd: Birthday cake",
        "<fwd-2b5c8e1@example.com>",
        User_Agent="Mozilla Thunderbird",
    )


def forwarded_inline() -> Message:
    outer = MIMEMultipart("mixed", boundary="000000000000fwd0062451e9f0")
    outer.attach(
        plain(
            "Please post this one, Anna said yes. #cake\n\n"
            "---------- Forwarded message ---------\n"
            "From: Anna Holm <anna@example.net>\n"
            "Date: Fri, 20 Nov 2026 at 18:02\n"
            "Subject: Birthday cake\n"
            "To: <owner@example.com>\n\n\n"
            "It was perfect, thank you!\n"
        )
    )
    outer.attach(image(jpeg(51), "jpeg", "cake.jpg"))
    return headers(outer, "Fwd: Birthday cake", "<CAF3x+fwdinline@mail.gmail.com>")


def png_cmyk_16bit() -> Message:
    msg = MIMEMultipart("mixed", boundary="----=_Part_1234_5678.1732180500000")
    msg.attach(plain("Three formats, three cakes.\n"))
    msg.attach(image(png_rgba(60), "png", "cutout.png"))
    msg.attach(image(jpeg_cmyk(61), "jpeg", "print-ready.jpg"))
    msg.attach(image(png_16bit(62), "png", "scan-16bit.png"))
    return headers(msg, "Formats", "<formats-60@example.com>")


def corrupt_among_good() -> Message:
    good = jpeg(70)
    msg = MIMEMultipart("mixed", boundary="----=_Part_corrupt_0001")
    msg.attach(plain("Four photos from the market.\n"))
    msg.attach(image(good, "jpeg", "stall.jpg"))
    msg.attach(image(jpeg(71)[:9000], "jpeg", "broken.jpg"))  # cut off mid-scan
    msg.attach(image(png(72), "png", "bread.png"))
    msg.attach(image(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8, "jpeg", "garbage.jpg"))
    return headers(msg, "Market day", "<corrupt-70@example.com>")


def decompression_bomb() -> Message:
    msg = MIMEMultipart("mixed", boundary="----=_Part_bomb_0001")
    msg.attach(plain("Panorama of the shop.\n"))
    msg.attach(image(bomb(), "png", "panorama.png"))
    return headers(msg, "Panorama", "<bomb-80@example.com>")


def no_photo() -> Message:
    msg = plain("Hi, can you post something about our opening hours?\n\nMaria\n")
    return headers(
        msg, "Opening hours", "<nophoto-90@example.com>", User_Agent="Mozilla Thunderbird"
    )


def signature_quoted_reply() -> Message:
    msg = MIMEMultipart("mixed", boundary="------------reply4d7a9c2e")
    msg.attach(
        plain(
            "Add this one too: the new rye bread. #rye\n\n"
            "Best,\nMaria\n"
            "-- \nMaria Jensen | Demo Bakery | +45 12 34 56 78\n\n"
            "On Fri, 20 Nov 2026 at 10:02, Demo Bakery <bakery@localhost>\nwrote:\n"
            "> Your plan for this week:\n> 3 posts on Instagram\n"
        )
    )
    msg.attach(image(jpeg(100), "jpeg", "rye.jpg"))
    return headers(
        msg,
        "Re: Your plan for this week",
        "<reply-100@example.com>",
        In_Reply_To="<plan-99@localhost>",
        User_Agent="Mozilla Thunderbird",
    )


def html_only() -> Message:
    msg = MIMEMultipart("mixed", boundary="----=_NextPart_000_0001_01DB3C2A.5E8F6A10")
    msg.attach(
        html(
            "<html><head><style>body{font-family:Arial}</style><title>x</title></head><body>"
            "<p>Cr&egrave;me br&ucirc;l&eacute;e &amp; caf&eacute; &ndash; today only!</p>"
            "<p>Fish&nbsp;&amp;&nbsp;chips? No: <b>cakes</b>.<br>#dessert</p>"
            "<script>alert('x')</script></body></html>"
        )
    )
    msg.attach(image(jpeg(110), "jpeg", "creme-brulee.jpg"))
    return headers(
        msg, "Crème brûlée", "<htmlonly-110@example.com>", X_Mailer="Microsoft Outlook 16.0"
    )


def twenty_photos() -> Message:
    msg = MIMEMultipart("mixed", boundary="Apple-Mail-TWENTY-0000")
    msg.attach(plain("The whole week's bakes.\n"))
    for n in range(1, 21):
        msg.attach(image(jpeg(200 + n, 640, 480), "jpeg", f"IMG_{1000 + n}.jpeg"))
    return headers(
        msg, "This week", "<twenty-200@example.com>", X_Mailer="Apple Mail (2.3774.600.62)"
    )


def tnef_winmail() -> Message:
    msg = MIMEMultipart("mixed", boundary="_002_DB9PR07MB7777TNEF_")
    msg.attach(plain("Two photos of the new counter.\n"))
    blob = tnef(
        "Two photos of the new counter.\r\n",
        [
            ("COUNTE~1.JPG", "Counter left.jpg", jpeg(120)),
            ("COUNTE~2.JPG", "Counter right.jpg", jpeg(121)),
        ],
    )
    msg.attach(binary(blob, "application", "ms-tnef", "winmail.dat"))
    return headers(
        msg,
        "New counter",
        "<DB9PR07MB7777TNEF@DB9PR07MB7777.eurprd07.prod.outlook.com>",
        X_Mailer="Microsoft Outlook 16.0",
        X_MS_TNEF_Correlator="<DB9PR07MB7777TNEF@DB9PR07MB7777.eurprd07.prod.outlook.com>",
    )


def single_part_image() -> Message:
    msg = MIMEImage(jpeg(130), "jpeg")
    return headers(msg, "Just the photo", "<single-130@example.com>", User_Agent="ShareSheet/1.0")


# --- 8-bit mail: what Thunderbird, mutt, Apple Mail and Outlook send (RFC 6152, RFC 6532) ---


def _eight_bit(
    text: str,
    charset: str,
    subject: str,
    message_id: str,
    *,
    boundary: str,
    cte: str = "8bit",
    **extra: str,
) -> EmailMessage:
    """multipart/mixed: a text part in `charset` sent unencoded (`cte`); photos come next."""
    msg = EmailMessage()
    msg["From"] = OWNER
    msg["To"] = BRAND
    msg["Subject"] = subject
    msg["Date"] = DATE
    msg["Message-ID"] = message_id
    for name, value in extra.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(text.encode(charset), "text", "plain", cte=cte)
    msg.make_mixed()
    msg.set_boundary(boundary)
    next(msg.iter_parts()).set_param("charset", charset)
    return msg


def _photo(msg: EmailMessage, data: bytes, filename: str) -> EmailMessage:
    msg.add_attachment(data, "image", "jpeg", filename=filename)
    del list(msg.iter_parts())[-1]["MIME-Version"]
    return msg


def thunderbird_8bit() -> Message:
    msg = _eight_bit(
        "Nyt rugbrød og kanelsnegle i dag 🍞 – kom før kl. 12! #rugbrød\n\n"
        "-- \nMaria Jensen, Demo Bakery\n",
        "utf-8",
        "Rugbrød og kanelsnegle",
        "<b3f0c2a1-6d4e-4c8a-9f1e-2a3b4c5d6e7f@example.com>",
        boundary="------------Z0a8HhJ3kR2mW9xQ4vT6bY1c",
        User_Agent="Mozilla Thunderbird",
        Content_Language="da",
    )
    next(msg.iter_parts()).set_param("format", "flowed")
    return _photo(msg, jpeg(140), "rugbrød.jpg")


def mutt_latin1_8bit() -> Message:
    msg = _eight_bit(
        "Æbleskiver og gløgg på torvet lørdag. Åbent 10-16.\n",
        "iso-8859-1",
        "Julemarked",
        "<20261121101500.GA4711@example.com>",
        boundary="7pKq2Lr9Xw4Tb1Zm",
        User_Agent="Mutt/2.2.9 (2022-11-12)",
    )
    return _photo(msg, jpeg(141), "torvet.jpg")


def outlook_cp1252_8bit() -> Message:
    msg = _eight_bit(
        "Tilbud: 3 boller for 20 € – “kun i dag” … #tilbud\n",
        "windows-1252",
        "Tilbud",
        "<AM0PR07MB8BIT1252@AM0PR07MB8BIT.eurprd07.prod.outlook.com>",
        boundary="_004_AM0PR07MB8BIT1252_",
        X_Mailer="Microsoft Outlook 16.0",
    )
    return _photo(msg, jpeg(142), "boller.jpg")


def binary_cte() -> Message:
    msg = _eight_bit(
        "Crème brûlée, smørrebrød og café au lait.\n",
        "utf-8",
        "Binary body",
        "<binary-143@example.com>",
        boundary="----=_Part_binary_0143",
        cte="binary",
        X_Mailer="Gateway/1.0",
    )
    return _photo(msg, jpeg(143), "cafe.jpg")


def smtputf8_headers() -> Message:
    """RFC 6532: UTF-8 in the header fields themselves, the From address included."""
    msg = _eight_bit(
        "Ugens æblekage med flødeskum 🍎\n",
        "utf-8",
        "Æblekage 🍎",
        "<smtputf8-144@bageri.example>",
        boundary="Apple-Mail=_5E6F7A8B-9C0D-4E1F-8A2B-3C4D5E6F7A8B",
        X_Mailer="Apple Mail (2.3774.600.62)",
    )
    msg.replace_header("From", "Søren Ærø <søren@bageri.example>")
    return _photo(msg, jpeg(144), "æblekage.jpg")


MESSAGES: dict[str, Callable[[], Message]] = {
    "iphone_split_exif": iphone_split_exif,
    "macmail_heic": macmail_heic,
    "gmail_alternative_emoji": gmail_alternative_emoji,
    "outlook_related_logo": outlook_related_logo,
    "android_octet": android_octet,
    "latin1_rfc2231": latin1_rfc2231,
    "forwarded_rfc822": forwarded_rfc822,
    "forwarded_inline": forwarded_inline,
    "png_cmyk_16bit": png_cmyk_16bit,
    "corrupt_among_good": corrupt_among_good,
    "decompression_bomb": decompression_bomb,
    "no_photo": no_photo,
    "signature_quoted_reply": signature_quoted_reply,
    "html_only": html_only,
    "twenty_photos": twenty_photos,
    "tnef_winmail": tnef_winmail,
    "single_part_image": single_part_image,
    "thunderbird_8bit": thunderbird_8bit,
    "mutt_latin1_8bit": mutt_latin1_8bit,
    "outlook_cp1252_8bit": outlook_cp1252_8bit,
    "binary_cte": binary_cte,
    "smtputf8_headers": smtputf8_headers,
}
# 8-bit messages are written as sent: 8-bit bodies, and UTF-8 header fields where the
# client used SMTPUTF8; the others keep their 7-bit transfer encodings.
POLICIES: dict[str, email.policy.Policy] = {
    "thunderbird_8bit": email.policy.SMTP,
    "mutt_latin1_8bit": email.policy.SMTP,
    "outlook_cp1252_8bit": email.policy.SMTP,
    "binary_cte": email.policy.SMTP,
    "smtputf8_headers": email.policy.SMTPUTF8,
}


def main(names: list[str] | None = None) -> None:
    for name, build in MESSAGES.items():
        if names and name not in names:
            continue
        # CRLF line ends, as the SMTP listener spools them.
        policy = POLICIES.get(name, CRLF)
        (HERE / f"{name}.eml").write_bytes(build().as_bytes(policy=policy))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
