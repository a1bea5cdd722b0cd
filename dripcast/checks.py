"""`dripcast check --online`: one harmless authenticated read per channel."""

from __future__ import annotations

from rich.console import Console
from sqlalchemy import create_engine

from dripcast.config import Config
from dripcast.errors import PublishError


async def check_online(config: Config, console: Console) -> bool:
    from dripcast.service import build_publishers, http_client

    ok = True
    async with http_client() as http:
        pubs = build_publishers(config, create_engine("sqlite://"), http)
        for (brand, channel), pub in pubs.items():
            try:
                who = await pub.check()
                console.print(f"[green]ok[/]    {brand}/{channel}: {who}")
            except PublishError as e:
                ok = False
                console.print(f"[red]error[/] {brand}/{channel}: {type(e).__name__}: {e}")
    return ok
