"""A property of the walk: whatever the layout a client builds, every photo part in it is
found (once), and every text part the client typed reaches the caption or, placed
between photos, that photo's lead."""

from __future__ import annotations

import base64
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from functools import cache

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ingest.parse import parse
from tests.data.make_corpus import jpeg, png

CRLF = compat32.clone(linesep="\r\n")


@cache
def _photo(n: int) -> bytes:
    return jpeg(n, 240, 240) if n % 2 else png(n)


@st.composite
def photo_part(draw: st.DrawFn) -> MIMEBase:
    data = _photo(draw(st.integers(1, 4)))
    label = draw(st.sampled_from(["image/jpeg", "image/png", "application/octet-stream"]))
    part = MIMEBase(*label.split("/"))
    part.set_payload(base64.encodebytes(data).decode())
    part["Content-Transfer-Encoding"] = "base64"
    name = draw(st.sampled_from([None, "IMG_1.jpg", "photo.png", "scan"]))
    if name and draw(st.booleans()):
        part.set_param("name", name)
    disposition = draw(st.sampled_from([None, "inline", "attachment"]))
    if disposition:
        part.add_header("Content-Disposition", disposition, **({"filename": name} if name else {}))
    if draw(st.booleans()):
        part["Content-ID"] = f"<p{draw(st.integers(0, 10**6))}@x>"
    return part


def word_part(word: str) -> MIMEText:
    return MIMEText(f"{word}\n", "plain", "utf-8")


def tree(depth: int) -> st.SearchStrategy[tuple[MIMEBase, int, list[str]]]:
    """(part, photos in it, words of the client's own text in it)."""
    leaf = st.one_of(
        photo_part().map(lambda p: (p, 1, [])),
        st.sampled_from(["bread", "cake", "rye", "buns"]).map(lambda w: (word_part(w), 0, [w])),
    )
    if depth == 0:
        return leaf

    @st.composite
    def container(draw: st.DrawFn) -> tuple[MIMEBase, int, list[str]]:
        children = draw(st.lists(tree(depth - 1), min_size=1, max_size=3))
        kind = draw(st.sampled_from(["mixed", "related", "message"]))
        if kind == "message":
            inner = MIMEMultipart("mixed")
            for child, _, _ in children:
                inner.attach(child)
            # Text inside an attached message is someone else's: not the client's words.
            return MIMEMessage(inner), sum(c[1] for c in children), []
        outer = MIMEMultipart(kind)
        for child, _, _ in children:
            outer.attach(child)
        return outer, sum(c[1] for c in children), [w for c in children for w in c[2]]

    return st.one_of(leaf, container())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree(3))
def test_every_photo_found_and_every_word_kept(built: tuple[MIMEBase, int, list[str]]) -> None:
    part, photos, words = built
    root = MIMEMultipart("mixed")
    root["From"] = "Maria <owner@example.com>"
    root["Subject"] = "Layout"
    root.attach(part)
    submission = parse(root.as_bytes(policy=CRLF))
    # A big enough tree passes the 50-part limit; that refusal is tested in test_limits.
    assume(submission.problems != ("the message has more than 50 MIME parts",))
    assert submission.problems == ()
    assert len(submission.attachments) == photos
    caption_words = submission.caption.split()[1:]  # after the subject
    # Words placed between two photos become that photo's own lead (issue 18).
    lead_words = [w for a in submission.attachments for w in a.lead.split()]
    if words:
        assert sorted(caption_words + lead_words) == sorted(words)
        if not lead_words:
            assert caption_words == words
