"""Helpers shared by the ingest tests."""

from __future__ import annotations

from dripcast.domain import Submission


def parse_problems(submission: Submission) -> tuple[str, ...]:
    """The problems parsing found, without the sender check's.

    The From check is senders.py's (another engineer's); on Python < 3.11.10 its
    `getaddresses(strict=True)` raises TypeError, which parse reports as a problem.
    """
    return tuple(p for p in submission.problems if "From header" not in p)
