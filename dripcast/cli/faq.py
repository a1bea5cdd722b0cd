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
    help='JSON lines, one {"text": …} per comment ("-" for standard input)',
)
@click.option("--json", "as_json", is_flag=True, help="one JSON object per line")
@pass_ctx
def faq_command(
    ctx: Ctx, brand_id: str, text: str | None, path: Path | None, as_json: bool
) -> None:
    """What the FAQ monitor would do with a comment: answer, escalate or ignore."""
    from dripcast.app.faq import NoFaq, try_texts  # here: `dripcast --help` loads no config

    if (text is None) == (path is None):
        raise click.UsageError("give a comment TEXT or --file F.jsonl (not both)")
    try:
        brand = ctx.config.brand(brand_id)
    except KeyError:
        names = ", ".join(b.id for b in ctx.config.brands)
        raise click.BadParameter(f"no brand {brand_id!r} (brands: {names})") from None
    texts = [text] if text is not None else list(_read(path))  # type: ignore[arg-type]
    try:
        for t, d in try_texts(brand, texts):
            if as_json:
                click.echo(json.dumps(d.as_json(t), ensure_ascii=False))
            else:
                what = f"{d.action} {d.faq}" if d.faq else d.action
                click.echo(f"{what} ({d.score:.2f}): {t}\n  {d.reply or d.reason}")
    except NoFaq as e:
        click.echo(f"dripcast: {e}", err=True)
        sys.exit(2)


def _read(path: Path) -> Iterator[str]:
    stream = sys.stdin if str(path) == "-" else path.open(encoding="utf-8")
    with stream:
        for n, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
                text = doc["text"]
            except (ValueError, KeyError, TypeError):
                raise click.BadParameter(
                    f'{path}:{n}: not a JSON object with "text"', param_hint="--file"
                ) from None
            if not isinstance(text, str):
                raise click.BadParameter(f'{path}:{n}: "text" is not a string', param_hint="--file")
            yield text
