"""Directive lines: read, removed from the caption, and only from what the client wrote."""

from __future__ import annotations

from ingest.directives import split_directives
from ingest.parse import parse


def test_every_directive() -> None:
    text, found = split_directives(
        "Fresh bread #bread\n"
        "When: tomorrow 9:00\n"
        "only: Instagram, mastodon ,\n"
        "skip: x\n"
        "link: https://example.com/bread?x=1\n"
        "CTA: Order by phone\n"
        "alt: A loaf on a board\n"
        "alt 2: Two loaves\n"
        "alt3: Crumb\n"
        "alt #4: Crust\n"
        "More text"
    )
    assert text == "Fresh bread #bread\nMore text"
    assert found.when == "tomorrow 9:00"
    assert found.only == ("instagram", "mastodon")
    assert found.skip == ("x",)
    assert found.link == "https://example.com/bread?x=1"
    assert found.cta == "Order by phone"
    assert found.alt == "A loaf on a board"
    assert dict(found.alts) == {2: "Two loaves", 3: "Crumb", 4: "Crust"}


def test_lines_that_only_look_alike_stay() -> None:
    text, found = split_directives("Whenever you like!\nlinks are in bio\nalternative: none")
    assert text == "Whenever you like!\nlinks are in bio\nalternative: none"
    assert found.when is None and found.link is None and found.alt is None


def test_quoted_and_signature_directives_do_nothing() -> None:
    raw = (
        b"From: Maria <owner@example.com>\r\nSubject: Re: plan\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
        b"Yes please\r\nwhen: now\r\n\r\n-- \r\nskip: x\r\n\r\n"
        b"On Fri, 20 Nov 2026, Demo Bakery wrote:\r\n> only: instagram\r\n"
    )
    submission = parse(raw)
    assert submission.caption == "Yes please"  # a reply's subject is not a title
    assert submission.directives.when == "now"
    assert submission.directives.skip == () and submission.directives.only == ()
