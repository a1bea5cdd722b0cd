"""The queue commands: look at the schedule and act on one post or a whole submission."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine

from dripcast import store
from dripcast.cli import Ctx, main, pass_ctx
from dripcast.db import make_engine, migrate
from dripcast.timeparse import parse_when

RECENT = timedelta(days=1)  # what plain `queue` shows of posts and messages already done


def engine_for(ctx: Ctx) -> Engine:
    engine = make_engine(ctx.config.database_url)
    migrate(engine)
    return engine


@main.command()
@click.option("--brand", "brand_id", help="only this brand")
@click.option("--held", is_flag=True, help="held posts and quarantined messages, with reasons")
@click.option("--all", "show_all", is_flag=True, help="include published, failed and cancelled")
@pass_ctx
def queue(ctx: Ctx, brand_id: str | None, held: bool, show_all: bool) -> None:
    """The scheduled and recent posts, as a table."""
    engine = engine_for(ctx)
    zones = {b.id: b.zone for b in ctx.config.brands}
    statuses: tuple[str, ...] = ("held",) if held else ("scheduled", "publishing", "held")
    rows = store.posts(engine, brand=brand_id, statuses=() if show_all else statuses)
    recent = datetime.now(UTC) - RECENT
    if not show_all and not held:
        # What went out (or failed) in the last day too: a person who just sent a photo
        # with `when: now` looks here for it.
        done = ("published", "failed", "cancelled")
        rows += store.posts(engine, brand=brand_id, statuses=done, since=recent)
        rows.sort(key=lambda r: (r["due_at"], r["id"]))
    table = Table(title="posts")
    for col in ("id", "msg", "at", "brand", "channel", "status", "tries", "text", "reason"):
        table.add_column(col, overflow="fold")
    for r in rows:
        at = r["due_at"].astimezone(zones.get(r["brand"], ZoneInfo("UTC")))
        table.add_row(
            str(r["id"]),
            str(r["message"]),
            at.strftime("%a %Y-%m-%d %H:%M %Z"),
            r["brand"],
            r["channel"],
            r["status"],
            str(r["attempts"]),
            _short(r["text"]),
            r["reason"] or "",
        )
    console = Console()
    console.print(table)
    msgs = store.messages(engine, brand=brand_id, statuses=("refused", "held", "failed"))
    if not held:  # by default the last day's, so a refused photo is not only in the log
        msgs = [m for m in msgs if m["received_at"] >= recent]
    if msgs or held:
        mt = Table(title="messages not posted")
        for col in ("id", "received", "brand", "sender", "status", "reason"):
            mt.add_column(col, overflow="fold")
        for m in msgs:
            mt.add_row(
                str(m["id"]),
                m["received_at"].strftime("%Y-%m-%d %H:%M UTC"),
                m["brand"],
                m["sender"] or "?",
                m["status"],
                m["reason"] or "",
            )
        console.print(mt)


def _short(text: str, n: int = 48) -> str:
    line = " ".join(text.split())
    return line if len(line) <= n else line[: n - 1] + "…"


# Each action: which statuses it may move a post from, and to what.
ACTIONS = {
    "cancel": (("scheduled", "held", "failed"), "cancelled"),
    "retry": (("failed", "held", "cancelled"), "scheduled"),
    "publish-now": (("scheduled", "held", "failed"), "scheduled"),
    "approve": (("held",), "scheduled"),
}


def _act(ctx: Ctx, action: str, post_id: int, message: bool) -> None:
    engine = engine_for(ctx)
    sources, target = ACTIONS[action]
    if message:
        ids = [p["id"] for p in store.posts(engine, message_ids=[post_id], limit=10_000)]
    else:
        ids = [post_id]
    now = datetime.now(UTC)
    due = now if action in ("publish-now", "retry") else None
    if action == "approve":
        # only what waits for approval; a post held for another reason needs `retry`
        held = store.posts(engine, ids=ids, statuses=("held",), limit=10_000)
        ids = [p["id"] for p in held if p["reason"] == "awaiting approval"]
    n = store.set_status(engine, ids, target, due_at=due, only_from=sources) if ids else 0
    what = f"submission {post_id}" if message else f"post {post_id}"
    click.echo(f"{action}: {n} post(s) of {what} → {target}")
    if n == 0:
        sys.exit(1)


def _register(action: str, doc: str) -> None:
    @click.argument("id", type=int)
    @click.option(
        "-m", "--message", is_flag=True, help="ID is a submission (message): act on all its posts"
    )
    @pass_ctx
    def command(ctx: Ctx, id: int, message: bool) -> None:
        _act(ctx, action, id, message)

    command.__doc__ = doc
    main.command(name=action)(command)


_register("cancel", "Cancel a post that has not gone out.")
_register("retry", "Put a failed, held or cancelled post back on the schedule, due now.")
_register("publish-now", "Publish a post at the next tick.")
_register("approve", "Approve a post (or submission) that waits for approval.")


@main.command()
@click.argument("id", type=int)
@click.argument("when", nargs=-1, required=True)
@click.option(
    "-m", "--message", is_flag=True, help="ID is a submission: move all its posts, keeping gaps"
)
@pass_ctx
def reschedule(ctx: Ctx, id: int, when: tuple[str, ...], message: bool) -> None:
    """Move a post to WHEN (brand time): now, +2h, tomorrow 9:00, 2026-12-01 18:00.

    With -m the submission's first waiting post goes to WHEN and the others
    keep their distance from it. Held posts stay held; a failed post needs `retry`.
    """
    engine = engine_for(ctx)
    sources = ("scheduled", "held")
    rows = store.posts(
        engine, ids=[] if message else [id], message_ids=[id] if message else [], limit=10_000
    )
    rows = [r for r in rows if r["status"] in sources]
    what = f"submission {id}" if message else f"post {id}"
    if not rows:
        click.echo(f"reschedule: {what} has no scheduled or held post", err=True)
        sys.exit(1)
    zone = next((b.zone for b in ctx.config.brands if b.id == rows[0]["brand"]), ZoneInfo("UTC"))
    now = datetime.now(UTC).astimezone(zone)
    try:
        at = parse_when(" ".join(when), now)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="WHEN") from None
    if at < now - timedelta(minutes=1):
        raise click.BadParameter(f"{at:%Y-%m-%d %H:%M %Z} is in the past", param_hint="WHEN")
    first = min(r["due_at"] for r in rows)
    n = store.move(engine, {r["id"]: at + (r["due_at"] - first) for r in rows}, only_from=sources)
    click.echo(f"reschedule: {n} post(s) of {what} → from {at:%a %Y-%m-%d %H:%M %Z}")
    if n == 0:
        sys.exit(1)


@main.command()
@click.argument("brand_id")
@pass_ctx
def token(ctx: Ctx, brand_id: str) -> None:
    """Print a fresh secret plus-tag for BRAND (for `verify: token`)."""
    from ingest.recipients import new_token

    brand = ctx.config.brand(brand_id)
    secret = new_token()
    local, _, domain = brand.address.partition("@")
    click.echo(secret)
    click.echo(f"address: {local}+{secret}@{domain}   (set the brand's token to it)", err=True)


@main.command()
@click.argument("id", type=int)
@pass_ctx
def release(ctx: Ctx, id: int) -> None:
    """Let a quarantined (refused or held) message through: the service plans it."""
    engine = engine_for(ctx)
    if not store.release_message(engine, id):
        click.echo(f"message {id} is not quarantined", err=True)
        sys.exit(1)
    click.echo(f"message {id} released; `dripcast serve` will plan it")
