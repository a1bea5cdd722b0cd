"""The `dripcast` command: serve, check, preview, ingest; the queue commands live in cli_queue."""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import click
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import OperationalError

from dripcast.config import Brand, Config, load
from dripcast.errors import ConfigError

CONFIG_HELP = "config file (default: $DRIPCAST_CONFIG, else ./config.yaml)"


class Ctx:
    def __init__(self, path: str) -> None:
        self.path = path
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            try:
                self._config = load(self.path)
            except ConfigError as e:
                for line in str(e).splitlines():  # every problem, one per line
                    click.echo(f"dripcast: invalid config: {line}", err=True)
                sys.exit(2)
        return self._config


pass_ctx = click.make_pass_decorator(Ctx)


def require_secrets(cfg: Config, *, channels: bool = True, code: int = 2) -> None:
    """Read the secrets a command uses (only those: `queue` needs none); exit `code` if
    one is unset, unreadable or not one line."""
    errors, warnings = cfg.secret_problems(channels=channels)
    for w in warnings:
        click.echo(f"dripcast: warning: {w}", err=True)
    for e in errors:
        click.echo(f"dripcast: invalid config: {e}", err=True)
    if errors:
        sys.exit(code)


@click.group()
@click.option(
    "--config",
    "config_path",
    envvar="DRIPCAST_CONFIG",
    default="config.yaml",
    show_default=True,
    help=CONFIG_HELP,
)
@click.option("-v", "--verbose", is_flag=True, help="log debug detail")
@click.pass_context
def main(ctx: click.Context, config_path: str, verbose: bool) -> None:
    """Email a photo, get a week of well-made social posts."""
    # Mail, images, tokens and the database are for this user alone, whatever the
    # caller's umask (systemd's UMask=0077 does the same for the service).
    os.umask(0o077)
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd, per command
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    ctx.obj = Ctx(config_path)


@main.command()
@pass_ctx
def serve(ctx: Ctx) -> None:
    """Run the service: SMTP listener, scheduler, publishers."""
    from dripcast.checks import content_problems
    from dripcast.service import serve as run

    problems = content_problems(ctx.config)
    for problem in problems:
        click.echo(f"dripcast: invalid config: {ctx.config.path}: {problem}", err=True)
    if problems:
        sys.exit(2)
    require_secrets(ctx.config)
    run(ctx.config)


@main.command()
@click.option("--online", is_flag=True, help="also verify each channel's credentials")
@pass_ctx
def check(ctx: Ctx, online: bool) -> None:
    """Validate the config; print brands, channels and schedules."""
    cfg = ctx.config
    console = Console(highlight=False)
    console.print(f"{cfg.path}: ok, {len(cfg.brands)} brand(s)")
    for b in cfg.brands:
        d = b.drip
        console.print(
            f"\n[bold]{b.id}[/]  {b.name} <{b.address}>  verify: {b.verify}"
            f"  approval: {b.approval}  zone: {b.timezone}"
        )
        console.print(
            f"  drip: {d.days} days, {d.weekdays}, {' '.join(d.slots)}, min gap {d.min_gap}"
            + (f", at most {d.max_per_day}/day" if d.max_per_day else "")
        )
        for c in b.channels:
            own = [
                f"{k}={v if isinstance(v, str) else ' '.join(v)}"
                for k, v in (("slots", c.slots), ("weekdays", c.weekdays), ("min_gap", c.min_gap))
                if v
            ]
            console.print(f"  - {c.id:<12} {c.type:<10} {' '.join(own) or '(brand schedule)'}")
    from dripcast.checks import content_problems

    problems = content_problems(cfg)
    for problem in problems:
        click.echo(f"dripcast: invalid config: {cfg.path}: {problem}", err=True)
    require_secrets(cfg)
    if problems:
        sys.exit(2)
    if online:
        import asyncio

        from dripcast.checks import check_online

        ok = asyncio.run(check_online(cfg, console))
        sys.exit(0 if ok else 1)


@main.command()
@click.argument("message", type=click.File("rb"))
@click.option("--brand", "brand_id", help="brand to preview for (default: from the recipient)")
@click.option("--json", "as_json", is_flag=True, help="print the JSON document")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="write image variants here"
)
@click.option(
    "--sheet",
    type=click.Path(dir_okay=False, path_type=Path),
    help="write a contact sheet (PNG): one tile per planned post",
)
@pass_ctx
def preview(
    ctx: Ctx,
    message: BinaryIO,
    brand_id: str | None,
    as_json: bool,
    out: Path | None,
    sheet: Path | None,
) -> None:
    """Run MESSAGE through parse → check → format → plan, storing and publishing nothing."""
    from dripcast.pipeline import MediaStore, Prepared, history, prepare, preview_document
    from ingest.parse import parse
    from ingest.resolver import SystemResolver
    from ingest.verify import verify

    require_secrets(ctx.config, channels=False)  # plus-tag tokens decide who may post
    raw = message.read()
    brand, rcpt = pick_brand(ctx.config, raw, brand_id)
    verdict = verify(
        raw,
        brand=brand,
        service=ctx.config.service,
        resolver=SystemResolver(),
        now=datetime.now(UTC),
        recipient=rcpt,
    )
    with tempfile.TemporaryDirectory() as tmp:
        media = MediaStore(out or Path(tmp))
        if verdict.ok:
            # The schedule serve would see, so that preview plans and varies texts the same.
            now = datetime.now(UTC)
            queue, recent = history(ctx.config, brand, now)
            prepared = prepare(raw, brand, now=now, media=media, queue=queue, recent=recent)
        else:
            prepared = Prepared(
                brand=brand, submission=parse(raw), accepted=False, reason=verdict.reason
            )
        doc = preview_document(prepared)
        if sheet is not None:
            from formatters import render_sheet

            sheet.write_bytes(render_sheet(prepared.slots, brand_name=brand.name))
    if as_json:
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    console = Console()
    console.print(
        f"[bold]{brand.name}[/]: "
        + ("accepted" if doc["accepted"] else f"refused: {doc['reason']}")
    )
    for s in doc["skipped"]:
        console.print(f"  skipped {s['filename']}: {s['reason']}")
    table = Table()
    for col in ("at", "channel", "media", "text"):
        table.add_column(col)
    for p in doc["posts"]:
        sizes = ", ".join(f"{m['width']}×{m['height']}" for m in p["media"])
        table.add_row(p["at"], p["channel"], sizes, p["text"])
    console.print(table)


def pick_brand(config: Config, raw: bytes, brand_id: str | None) -> tuple[Brand, str | None]:
    """The brand and the recipient that names it: from the headers, else --brand or the only brand."""
    import email.parser
    import email.policy
    from email.utils import getaddresses

    from ingest.recipients import brand_for_recipient

    # Headers only: a full parse recurses once per MIME nesting level, before any bound.
    msg = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(raw, headersonly=True)
    for header in ("Delivered-To", "X-Original-To", "To", "Cc"):
        for _, addr in getaddresses([str(v) for v in msg.get_all(header, [])]):
            brand = brand_for_recipient(addr, config.brands)
            if brand and brand_id in (None, brand.id):
                return brand, addr
    if brand_id:
        try:
            return config.brand(brand_id), None
        except KeyError:
            raise click.BadParameter(f"no brand {brand_id!r} in {config.path}") from None
    if len(config.brands) == 1:
        return config.brands[0], None
    raise click.UsageError("cannot tell the brand from the message: pass --brand")


@main.command()
@click.argument("message", default="-", type=click.File("rb"))
@click.option(
    "-r",
    "--recipient",
    envvar="ORIGINAL_RECIPIENT",
    help="envelope recipient (Postfix pipe: ${recipient}); default: from the headers",
)
@click.option(
    "-f", "--sender", "mail_from", default="", help="envelope sender (Postfix: ${sender})"
)
@pass_ctx
def ingest(ctx: Ctx, message: BinaryIO, recipient: str | None, mail_from: str) -> None:
    """Feed one message (file or stdin) through the same path as SMTP.

    Exit codes follow sysexits: 0 ok (or held for review: a refused sender is
    quarantined, never bounced), 65 bad data, 67 unknown recipient, 75 try later.
    """
    from dripcast import pipeline, store
    from dripcast.db import make_engine, migrate
    from ingest.intake import EX_DATAERR, EX_NOUSER, EX_TEMPFAIL, HEAD_MAX, Intake
    from ingest.spool import SpoolWriter

    cfg = ctx.config
    require_secrets(cfg, channels=False, code=EX_TEMPFAIL)  # deferred until they are set
    try:
        # Streamed to the spool like SMTP DATA: memory stays one block, whatever the size.
        writer = SpoolWriter(cfg.resolve(cfg.service.spool_dir))
        try:
            while block := message.read(1 << 20):
                writer.write(block)
        except BaseException:
            writer.abort()
            raise
    except OSError as e:
        click.echo(f"dripcast ingest: try later: {e}", err=True)
        sys.exit(EX_TEMPFAIL)
    try:
        rcpt = recipient or pick_brand(cfg, writer.read(HEAD_MAX), None)[1]
    except click.ClickException as e:
        writer.abort()
        click.echo(f"dripcast ingest: {e.message}", err=True)
        sys.exit(EX_NOUSER)
    if rcpt is None:
        writer.abort()
        click.echo("dripcast ingest: no recipient names a brand (pass -r)", err=True)
        sys.exit(EX_NOUSER)
    try:
        engine = make_engine(cfg.database_url)
        migrate(engine)
        outcome = Intake(cfg, engine).accept_spooled(
            writer, mail_from=mail_from, rcpt=rcpt, transport="stdin"
        )
        click.echo(outcome.reply, err=True)
        if not outcome.queued or outcome.message_id is None:
            sys.exit(outcome.exit_code)
        ids = pipeline.process(cfg, engine, outcome.message_id, datetime.now(UTC))
    except (OSError, OperationalError) as e:
        writer.abort()
        click.echo(f"dripcast ingest: try later: {e}", err=True)
        sys.exit(EX_TEMPFAIL)
    if ids == []:
        reason = store.message(engine, outcome.message_id).reason
        click.echo(f"dripcast ingest: {reason}", err=True)
        sys.exit(EX_DATAERR)
    click.echo(f"planned {len(ids or [])} posts", err=True)


from dripcast import cli_queue, cli_report  # noqa: E402  (they register commands on `main`)

__all__ = ["cli_queue", "cli_report", "main"]
