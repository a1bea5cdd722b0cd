"""`preview` and `ingest`: one message, seen without storing it, or fed in like SMTP."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import click

from dripcast.cli.root import Ctx, main, pass_ctx, require_secrets


@main.command(name="preview")
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
def preview_command(
    ctx: Ctx,
    message: BinaryIO,
    brand_id: str | None,
    as_json: bool,
    out: Path | None,
    sheet: Path | None,
) -> None:
    """Run MESSAGE through parse → check → format → plan, storing and publishing nothing.

    With the service's database present, the plan counts the live queue and the
    90-day duplicate check, as `serve` would.
    """
    from dripcast.app.pipeline import preview_document
    from dripcast.app.preview import (
        AmbiguousBrand,
        NoBrand,
        contact_sheet,
        pick_brand,
        preview,
        read_head,
    )

    require_secrets(ctx.config, channels=False)  # plus-tag tokens decide who may post
    raw = message.read()
    head = read_head(raw)  # one header parse, read by the brand pick and the sender checks
    try:
        brand, rcpt = pick_brand(ctx.config, raw, brand_id, head)
    except AmbiguousBrand as e:
        raise click.UsageError(str(e)) from None
    except NoBrand as e:
        raise click.BadParameter(str(e)) from None
    with _folder(out) as media:
        now = datetime.now(UTC)
        prepared = preview(ctx.config, raw, brand, rcpt, media=media, now=now, head=head)
        doc = preview_document(prepared)
        if sheet is not None:
            sheet.write_bytes(contact_sheet(prepared))
    if as_json:
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    # Plain lines, not a rich table: the text keeps the terminal's whole width, and
    # rich cost ~40 ms of a ~0.3 s command.
    verdict = "accepted" if doc["accepted"] else f"refused: {doc['reason']}"
    click.echo(f"{click.style(brand.name, bold=True)}: {verdict}")
    for s in doc["skipped"]:
        click.echo(f"  skipped {s['filename']}: {s['reason']}")
    for p in doc["posts"]:
        sizes = ", ".join(f"{m['width']}×{m['height']}" for m in p["media"])
        click.echo(f"\n{p['at']}  {click.style(p['channel'], bold=True)}  {sizes}")
        for line in p["text"].splitlines():
            click.echo(f"    {line}".rstrip())
        if p.get("held"):
            click.echo(click.style(f"    held: {p['held']}", bold=True))


@contextmanager
def _folder(out: Path | None) -> Iterator[Path]:
    """`--out`, else a temporary folder for the variants."""
    if out is not None:
        yield out
        return
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        yield Path(tmp)


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
    from dripcast.app.stdin import ingest as ingest_message

    require_secrets(ctx.config, channels=False, code=os.EX_TEMPFAIL)  # deferred until they are set
    done = ingest_message(ctx.config, message, recipient=recipient, mail_from=mail_from)
    for line in done.lines:
        click.echo(line, err=True)
    sys.exit(done.exit_code)
