"""`dripcast faq`: what the FAQ monitor would do with a comment. Nothing is posted."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from dripcast.cli.root import Ctx, main, pass_ctx


@main.command(name="faq")
@click.argument("brand_id", metavar="BRAND")
@click.argument("text", required=False)
@click.option(
    "--file",
    "path",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help='JSON lines, one {"text": …} per comment ("-" for standard input); lines'
    ' labelled {"text", "action", "faq"} are also counted, on standard error',
)
@click.option("--json", "as_json", is_flag=True, help="one JSON object per line")
@pass_ctx
def faq_command(
    ctx: Ctx, brand_id: str, text: str | None, path: Path | None, as_json: bool
) -> None:
    """What the FAQ monitor would do with a comment: answer, escalate or ignore."""
    # here: `dripcast --help` loads no config
    from dripcast.app.faq import NoFaq, read_lines, try_lines
    from dripcast.app.faq_tuning import BadLine, Line, summary

    if (text is None) == (path is None):
        raise click.UsageError("give a comment TEXT or --file F.jsonl (not both)")
    try:
        brand = ctx.config.brand(brand_id)
    except KeyError:
        names = ", ".join(b.id for b in ctx.config.brands)
        raise click.BadParameter(f"no brand {brand_id!r} (brands: {names})") from None
    decided = []
    try:
        if path is None:
            lines = [Line(number=1, text=text or "")]
        else:
            lines = read_lines(brand, _read(path))
        for line, d in try_lines(brand, lines):
            decided.append((line, d))
            if as_json:
                click.echo(json.dumps(d.as_json(line.text), ensure_ascii=False))
            else:
                what = f"{d.action} {d.faq}" if d.faq else d.action
                click.echo(f"{what} ({d.score:.2f}): {line.text}\n  {d.reply or d.reason}")
    except NoFaq as e:
        click.echo(f"dripcast: {e}", err=True)
        sys.exit(2)
    except BadLine as e:
        raise click.BadParameter(f"{path}:{e.number}: {e.problem}", param_hint="--file") from None
    for out in summary(decided):
        click.echo(out, err=True)


def _read(path: Path) -> Iterator[str]:
    stream = sys.stdin if str(path) == "-" else path.open(encoding="utf-8")
    with stream:
        yield from stream
