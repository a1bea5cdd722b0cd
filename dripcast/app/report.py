"""The weekly summary a brand gets: what went out, what waits for a person, what is next.

`render` is pure (rows in, text out); `gather` reads them from the database.
The same text is printed by `dripcast report` and mailed by the weekly job.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from dripcast.store import comments as store_comments
from dripcast.store import jobs as store_jobs


@dataclass(frozen=True, kw_only=True)
class Report:
    brand_id: str
    brand_name: str
    zone: ZoneInfo
    since: datetime
    until: datetime
    published: Sequence[Mapping[str, Any]]  # id, channel, type, text, published_at, url
    attention: Sequence[Mapping[str, Any]]  # id, channel, status, due_at, reason, text
    upcoming: int  # scheduled in the week after `until`
    refused: Sequence[Mapping[str, Any]] = ()  # received_at, sender, mail_from, reason
    # FAQ monitoring: seen, answered, escalated, ignored, waiting, examples (store.comments.summary)
    faq: Mapping[str, Any] | None = None


def gather(
    engine: Engine,
    *,
    brand_id: str,
    brand_name: str,
    zone: ZoneInfo,
    since: datetime,
    until: datetime,
) -> Report:
    return Report(
        brand_id=brand_id,
        brand_name=brand_name,
        zone=zone,
        since=since,
        until=until,
        published=store_jobs.published_between(engine, brand_id, since, until),
        attention=store_jobs.needing_attention(engine, brand_id, since),
        upcoming=store_jobs.count_scheduled(engine, brand_id, until, until + timedelta(days=7)),
        refused=store_jobs.refused_between(engine, brand_id, since, until),
        faq=store_comments.summary(engine, brand_id, since, until),
    )


def subject(r: Report) -> str:
    n = len(r.published)
    return f"{r.brand_name}: {n} post{'' if n == 1 else 's'} went out this week"


def render(r: Report) -> str:
    def day(t: datetime) -> str:
        return t.astimezone(r.zone).strftime("%a %d %b %Y")

    def when(t: datetime) -> str:
        return t.astimezone(r.zone).strftime("%a %d %b %H:%M")

    lines = [f"{r.brand_name} ({r.brand_id}), {day(r.since)} – {day(r.until)}", ""]
    per_channel = Counter(p["channel"] for p in r.published)
    if r.published:
        by = ", ".join(f"{ch} {n}" for ch, n in sorted(per_channel.items()))
        lines.append(f"{len(r.published)} published: {by}")
    else:
        lines.append("Nothing was published.")
    held = sum(1 for a in r.attention if a["status"] == "held")
    failed = len(r.attention) - held
    if r.attention:
        lines.append(f"{held} held and {failed} failed, waiting for a person")
    lines.append(f"{r.upcoming} scheduled for the next 7 days")
    if r.published:
        lines += ["", "Published:"]
        for p in r.published:
            url = f"  {p['url']}" if p.get("url") else ""
            lines.append(
                f"  {when(p['published_at'])}  {p['channel']:<10} {_short(p['text'])}{url}"
            )
    if r.attention:
        lines += ["", "Waiting for you (dripcast retry/cancel ID):"]
        for a in r.attention:
            lines.append(
                f"  #{a['id']} {a['channel']:<10} {a['status']:<6} {when(a['due_at'])}"
                f"  {a['reason'] or ''}"
            )
    if r.refused:  # the mailed summary lists them too (summary_view, the same rows)
        lines += ["", "Mails that made no posts:"]
        for m in r.refused:
            who = m.get("sender") or m.get("mail_from") or "?"
            lines.append(f"  {when(m['received_at'])}  {who}: {m.get('reason') or ''}")
    lines += _faq(r.faq)
    return "\n".join(lines) + "\n"


def faq_lines(f: Mapping[str, Any] | None) -> list[str]:
    """The FAQ figures with a few examples (nothing when no comment was seen)."""
    return [ln for ln in _faq(f) if ln]


def _faq(f: Mapping[str, Any] | None) -> list[str]:
    if not f or not f.get("seen"):
        return []
    out = [
        "",
        f"Comments: {f['seen']} seen, {f['answered']} answered, {f['escalated']} sent to you,"
        f" {f['ignored']} needed no answer"
        + (f", {f['waiting']} waiting" if f.get("waiting") else ""),
    ]
    for key, label in (
        ("answered", "answered"),
        ("escalated", "sent to you"),
        ("ignored", "no answer"),
    ):
        for ex in (f.get("examples") or {}).get(key, [])[:2]:
            out.append(f"  {label:<12} {_short(ex['text'])}")
    return out


def _short(text: str, n: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= n else line[: n - 1] + "…"
