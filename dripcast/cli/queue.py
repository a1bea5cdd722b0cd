"""The queue commands: look at the schedule and act on one post or a whole submission.

Thin: parse the arguments, call `dripcast.app.actions`, print its one-line result.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import click

from dripcast.cli.root import Ctx, main, pass_ctx

if TYPE_CHECKING:  # imported where used: `dripcast --help` loads no database or rich code
    from rich.console import Console
    from rich.table import Table

    from dripcast.app.actions import Actor, Result
    from dripcast.app.context import App

WIDE = 110  # below this many columns the queue leaves out msg and tries, and shortens times
TIME = "%Y-%m-%d %H:%M %Z"
SHORT_TIME = "%a %d %b %H:%M"
RECENT = timedelta(days=1)  # what plain `queue` shows of posts and messages already done


def app_for(ctx: Ctx) -> App:
    from dripcast.app.context import App

    return App.open(ctx.config)


def cli_actor() -> Actor:
    import getpass

    from dripcast.app.actions import Actor

    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no user name (a container without /etc/passwd entry)
        name = "?"
    return Actor("cli", name)


@main.command()
@click.option("--brand", "brand_id", help="only this brand")
@click.option(
    "--held", is_flag=True, help="held posts, and every message not posted (refused, held, failed)"
)
@click.option("--all", "show_all", is_flag=True, help="include published, failed and cancelled")
@click.option("--history", "history_of", type=int, metavar="ID", help="one post's changes")
@pass_ctx
def queue(
    ctx: Ctx, brand_id: str | None, held: bool, show_all: bool, history_of: int | None
) -> None:
    """The scheduled and recent posts, as a table that fits 80 columns."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from dripcast.app import views

    app = app_for(ctx)
    zones = {b.id: b.zone for b in ctx.config.brands}
    console = Console()
    if history_of is not None:
        _history(app, history_of, zones, console)
        return
    # by default also the last day's published, failed and cancelled posts and messages
    # not posted, so a refused photo is not only in the log
    recent = None if held or show_all else datetime.now(UTC) - RECENT
    rows = views.posts(app, brand=brand_id, held=held, show_all=show_all, since=recent)
    several = len({r["brand"] for r in rows}) > 1
    wide = console.width >= WIDE
    table = Table(title="posts", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("id", justify="right", no_wrap=True)
    if wide:
        table.add_column("msg", justify="right", no_wrap=True)
    table.add_column("at", no_wrap=True)
    table.add_column("channel", overflow="fold", max_width=24 if wide else 14)
    table.add_column("status", no_wrap=True)
    if wide:
        table.add_column("tries", justify="right", no_wrap=True)
    table.add_column("text / reason", overflow="fold", ratio=1, min_width=20)
    for r in rows:
        at = r["due_at"].astimezone(zones.get(r["brand"], ZoneInfo("UTC")))
        text = _short(r["text"])
        if r["reason"]:
            text += f"\n[dim]{r['reason']}[/]"
        cells = [
            str(r["id"]),
            *([str(r["message"])] if wide else []),
            at.strftime(TIME if wide else SHORT_TIME),
            f"{r['brand']}/{r['channel']}" if several else r["channel"],
            r["status"],
            *([str(r["attempts"])] if wide else []),
            text,
        ]
        table.add_row(*cells)
    console.print(table)
    msgs = views.quarantined(app, brand=brand_id, since=recent)
    if msgs or held:
        console.print(_messages(msgs, zones, wide))


def _messages(msgs: list[dict[str, Any]], zones: dict[str, Any], wide: bool) -> Table:
    """Messages not posted (refused, held or failed), received in the brand's time; below
    WIDE columns the brand goes, and sender and reason share a column (the reason under it)."""
    from rich import box
    from rich.table import Table

    several = len({m["brand"] for m in msgs}) > 1
    mt = Table(title="messages not posted (refused, held or failed)", box=box.SIMPLE_HEAD,
               pad_edge=False)  # fmt: skip
    mt.add_column("id", justify="right", no_wrap=True)
    mt.add_column("received", no_wrap=True)
    if wide or several:
        mt.add_column("brand", overflow="fold", max_width=24 if wide else 12)
    mt.add_column("status", no_wrap=True)
    if wide:
        mt.add_column("sender", no_wrap=True)
        mt.add_column("reason", overflow="fold", ratio=1)
    else:
        mt.add_column("sender / reason", overflow="fold", ratio=1, min_width=20)
    for m in msgs:
        at = m["received_at"].astimezone(zones.get(m["brand"], ZoneInfo("UTC")))
        sender, reason = m["sender"] or "?", m["reason"] or ""
        mt.add_row(
            str(m["id"]),
            at.strftime(TIME if wide else SHORT_TIME),
            *([m["brand"]] if wide or several else []),
            m["status"],
            *([_middle(sender, 40), reason] if wide else [f"{_middle(sender)}\n[dim]{reason}[/]"]),
        )
    return mt


def _history(app: App, post: int, zones: dict[str, Any], console: Console) -> None:
    from rich import box
    from rich.table import Table

    from dripcast.app import views

    try:
        row, events = views.history(app, post)
    except KeyError:
        click.echo(f"there is no post {post}", err=True)
        sys.exit(1)
    zone = zones.get(row["brand"], ZoneInfo("UTC"))
    title = f"post {post}: {row['brand']}/{row['channel']}, message {row['message']}"
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("at", "from", "to"):
        table.add_column(col, no_wrap=True)
    table.add_column("by", overflow="fold", max_width=24)
    table.add_column("reason", overflow="fold", ratio=1)
    for e in events:
        what = "message" if e["post"] is None else ""
        table.add_row(
            e["at"].astimezone(zone).strftime(TIME if console.width >= WIDE else SHORT_TIME),
            f"{what} {e['from_status'] or '—'}".strip(),
            e["to_status"],
            f"{e['actor_kind']}:{e['actor_name']}",
            e["reason"] or "",
        )
    console.print(table)


def _middle(text: str, n: int = 36) -> str:
    """A long address cut in its middle, so it stays on one line and keeps its domain."""
    return text if len(text) <= n else text[: n // 2 - 1] + "…" + text[-(n - n // 2) :]


def _short(text: str, n: int = 48) -> str:
    line = " ".join(text.split())
    return line if len(line) <= n else line[: n - 1] + "…"


def _report(result: Result) -> None:
    click.echo(result.message)
    if not result.changed:
        sys.exit(1)


Action = Callable[..., "Result"]


def _register(name: str, action_name: str, doc: str) -> None:
    @click.argument("id", type=int)
    @click.option(
        "-m", "--message", is_flag=True, help="ID is a submission (message): act on all its posts"
    )
    @pass_ctx
    def command(ctx: Ctx, id: int, message: bool) -> None:
        from dripcast.app import actions

        action: Action = getattr(actions, action_name)
        which = {"submission": id} if message else {"post": id}
        _report(action(app_for(ctx), **which, actor=cli_actor(), now=datetime.now(UTC)))

    command.__doc__ = doc
    main.command(name=name)(command)


_register("cancel", "cancel", "Cancel a post that has not gone out.")
_register(
    "retry",
    "retry",
    "Put a failed, held or cancelled post back on the schedule: at its own time if that is"
    " still ahead, else on its channel's next free slot.",
)
_register("publish-now", "publish_now", "Publish a post at the next tick.")
_register("approve", "approve", "Approve a post (or submission) that waits for approval.")


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
    from dripcast.app import actions, views
    from dripcast.core.timeparse import parse_when

    app = app_for(ctx)
    which = {"submission": id} if message else {"post": id}
    rows = views.posts_of(app, **which)
    if not rows:
        click.echo(f"reschedule: {'submission' if message else 'post'} {id} has no posts", err=True)
        sys.exit(1)
    zone = next((b.zone for b in ctx.config.brands if b.id == rows[0]["brand"]), ZoneInfo("UTC"))
    now = datetime.now(UTC).astimezone(zone)
    try:
        at = parse_when(" ".join(when), now)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="WHEN") from None
    if at < now - timedelta(minutes=1):
        raise click.BadParameter(f"{at:%Y-%m-%d %H:%M %Z} is in the past", param_hint="WHEN")
    _report(actions.reschedule(app, **which, when=at, actor=cli_actor(), now=now))


@main.command()
@click.argument("brand_id")
@pass_ctx
def token(ctx: Ctx, brand_id: str) -> None:
    """Print a fresh secret plus-tag for BRAND (for `verify: token`)."""
    from dripcast.app.brands import new_token_address

    secret, address = new_token_address(ctx.config.brand(brand_id))
    click.echo(secret)
    click.echo(f"address: {address}   (set the brand's token to it)", err=True)


@main.command()
@click.argument("id", type=int)
@pass_ctx
def release(ctx: Ctx, id: int) -> None:
    """Let a quarantined (refused or held) message through: the service plans it."""
    from dripcast.app import actions

    result = actions.release(app_for(ctx), message=id, actor=cli_actor(), now=datetime.now(UTC))
    click.echo(result.message, err=not result.changed)
    if not result.changed:
        sys.exit(1)
