"""The `dripcast` group, its context, and serve and check; other modules add commands."""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING

import click

from dripcast.cli import startup

if TYPE_CHECKING:  # pydantic and the channel models load when a command reads the config
    from dripcast.core.config import Config

CONFIG_HELP = "config file (default: $DRIPCAST_CONFIG, else ./config.yaml)"


class Ctx:
    def __init__(self, path: str) -> None:
        self.path = path
        self._config: Config | None = None
        self.collector_paused = False

    @property
    def config(self) -> Config:
        if self._config is None:
            startup.no_pydantic_plugins()  # before the first model is built
            from dripcast.core.config import load
            from dripcast.core.errors import ConfigError

            try:
                self._config = load(self.path)
            except ConfigError as e:
                for line in str(e).splitlines():  # every problem, one per line
                    click.echo(f"dripcast: invalid config: {line}", err=True)
                sys.exit(2)
            self.resume_collector()
        return self._config

    def pause_collector(self) -> None:
        """The cyclic collector off while the command starts (`startup.pause_collector`),
        until the config is read (commands import most of what they use before or while
        reading it), or until the command ends."""
        self.collector_paused = startup.pause_collector() or self.collector_paused

    def resume_collector(self) -> None:
        if self.collector_paused:
            self.collector_paused = False
            startup.resume_collector()


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


def _late_config(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    obj = ctx.find_object(Ctx)  # made by `main`, which click runs before parsing the command
    if value is not None and obj is not None:
        obj.path = value


class Group(click.Group):
    """Gives every command a `--config` too: `dripcast serve --config X` as SPEC shows it."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        cmd.params.append(
            click.Option(["--config"], expose_value=False, callback=_late_config, help=CONFIG_HELP)
        )
        super().add_command(cmd, name)


@click.group(cls=Group)
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
    startup.no_httpx_cli()
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd, per command
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    ctx.obj = Ctx(config_path)
    ctx.obj.pause_collector()
    ctx.call_on_close(ctx.obj.resume_collector)


@main.command()
@pass_ctx
def serve(ctx: Ctx) -> None:
    """Run the service: SMTP listener, scheduler, publishers."""
    from dripcast.app.checks import content_problems
    from dripcast.app.service import serve as run
    from dripcast.mail.wiring import ClientMail

    problems = content_problems(ctx.config)
    for problem in problems:
        click.echo(f"dripcast: invalid config: {ctx.config.path}: {problem}", err=True)
    if problems:
        sys.exit(2)
    require_secrets(ctx.config)
    if ctx.config.service.web is None:
        run(ctx.config, mail=ClientMail)
        return
    from dripcast.web.server import run_beside

    try:
        run(ctx.config, adapters=[run_beside], mail=ClientMail)
    except OSError as e:
        click.echo(f"dripcast: {e.strerror or e}", err=True)
        sys.exit(1)


@main.command()
@click.option("--online", is_flag=True, help="also verify each channel's credentials")
@pass_ctx
def check(ctx: Ctx, online: bool) -> None:
    """Validate the config; print brands, channels and schedules."""
    # click, not rich: bold is the only styling, and rich costs ~40 ms to import
    cfg = ctx.config
    click.echo(f"{cfg.path}: ok, {len(cfg.brands)} brand(s)")
    for b in cfg.brands:
        d = b.drip
        # at 80 columns: the brand on its line, its settings on the next
        click.echo(f"\n{click.style(b.id, bold=True)}  {b.name} <{b.address}>")
        click.echo(f"  verify: {b.verify}  approval: {b.approval}  zone: {b.timezone}")
        click.echo(
            f"  drip: {d.days} days, {d.weekdays}, {' '.join(d.slots)}, min gap {d.min_gap}"
            + (f", at most {d.max_per_day}/day" if d.max_per_day else "")
        )
        for c in b.channels:
            own = [
                f"{k}={v if isinstance(v, str) else ' '.join(v)}"
                for k, v in (("slots", c.slots), ("weekdays", c.weekdays), ("min_gap", c.min_gap))
                if v
            ]
            click.echo(f"  - {c.id:<12} {c.type:<10} {' '.join(own) or '(brand schedule)'}")
        if b.faq is not None:
            from dripcast.core.faq import READABLE

            readable = [c.id for c in b.channels if c.type in READABLE]
            click.echo(
                f"  faq: {b.faq.mode}, every {b.faq.poll}, {len(b.faq.answers)} answer{'' if len(b.faq.answers) == 1 else 's'},"
                f" {len(b.faq.escalate)} escalate words"
            )
            click.echo(
                "  faq reads: "
                + (
                    ", ".join(readable)
                    if readable
                    else "no channel (none of its networks can be read)"
                )
            )
    from dripcast.app.checks import content_problems

    problems = content_problems(cfg)
    for problem in problems:
        click.echo(f"dripcast: invalid config: {cfg.path}: {problem}", err=True)
    require_secrets(cfg)
    if problems:
        sys.exit(2)
    if online:
        import asyncio

        from dripcast.app.checks import check_online

        def say(ok: bool, line: str) -> None:
            status = click.style("ok", fg="green") + "   " if ok else click.style("error", fg="red")
            click.echo(f"{status} {line}")

        ok = asyncio.run(check_online(cfg, say))
        sys.exit(0 if ok else 1)
