"""Why the caption cleaner is our own rules: the two installed reply parsers, run on the
same cases (tests/ingest/cases.py), each fail a part of them. If an upgrade makes one of
these assertions fail, re-run the comparison: the library may now be worth using."""

from __future__ import annotations

from email_reply_parser import EmailReplyParser as ReplyParser
from mailparser_reply import EmailReplyParser as MultiLanguageReplyParser

from ingest.cleantext import clean_body
from tests.ingest.cases import CASES


def _failures(clean: object) -> set[str]:
    failed = set()
    for name, (body, _, expected) in CASES.items():
        got = (clean(body) or "").strip()  # type: ignore[operator]
        if got != expected:
            failed.add(name)
    return failed


def test_our_rules_pass_every_case() -> None:
    failed = {
        name
        for name, (body, forward, expected) in CASES.items()
        if clean_body(body, forward=forward) != expected
    }
    assert failed == set()


def test_email_reply_parser_misses_languages_signatures_and_forwards() -> None:
    failed = _failures(ReplyParser.parse_reply)
    assert {"de_reply", "fr_reply", "outlook_de_block", "von_meinem_iphone"} <= failed
    assert {"sent_from_outlook_android", "disclaimer", "gmail_forward"} <= failed


def test_mail_parser_reply_misses_signatures_and_forwards() -> None:
    parser = MultiLanguageReplyParser(languages=["en", "de", "fr"])
    failed = _failures(parser.parse_reply)
    # It reads German and French reply headers, but not `-- ` signatures, the
    # "Sent from" family, disclaimers, or forwarded text (it drops or truncates it).
    assert "de_reply" not in failed
    assert {"sig_dashdash", "sent_from_iphone", "von_meinem_iphone", "disclaimer"} <= failed
    assert {"gmail_forward", "apple_forward"} <= failed
