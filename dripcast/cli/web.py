"""`dripcast web` (the dashboard alone) and `dripcast web-user` (a password hash)."""

from __future__ import annotations

import sys

import click

from dripcast.cli.root import Ctx, main, pass_ctx


@main.command()
@pass_ctx
def web(ctx: Ctx) -> None:
    """Run only the dashboard (`serve` runs it too when service.web is set)."""
    if ctx.config.service.web is None:
        click.echo("dripcast: service.web is not set in the config: no dashboard", err=True)
        sys.exit(2)
    from dripcast.web.server import run_alone

    try:
        run_alone(ctx.config)
    except OSError as e:
        click.echo(f"dripcast: dashboard: {e.strerror or e}", err=True)
        sys.exit(1)


@main.command("web-user")
@click.argument("name")
def web_user(name: str) -> None:
    """Read a password on standard input and print NAME's password_hash for service.web.users."""
    from dripcast.web.passwords import hash_password

    if sys.stdin.isatty():
        import getpass

        password = getpass.getpass(f"password for {name}: ")
        if getpass.getpass("again: ") != password:
            click.echo("dripcast: the two passwords differ", err=True)
            sys.exit(1)
    else:
        password = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    if not password:
        click.echo("dripcast: an empty password is not a password", err=True)
        sys.exit(1)
    click.echo(hash_password(password))
    click.echo(
        f"add to service.web.users:  - {{name: {name}, password_hash: '<the line above>'}}",
        err=True,
    )
