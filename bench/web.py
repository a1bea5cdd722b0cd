"""Time the dashboard's calendar page for a brand week with 200 posts.

References measured in the same run, printed as ratios: the same page's data as
JSON (the reads and tiles without the template), and a bare Starlette hello page
(the framework's own cost). In process over ASGI, so no socket noise.
Run from the repository root: `python bench/web.py`.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.web_demo import PASSWORD, many_posts, monday_of_next_week, utc_now, write_config
from dripcast.app.context import App
from dripcast.core.config import load
from dripcast.web.site import create_app

POSTS, ROUNDS = 200, 25
ZONE = ZoneInfo("Europe/Copenhagen")


async def timed(call: Callable[[], Awaitable[httpx.Response]]) -> float:
    samples = []
    for _ in range(ROUNDS):
        t = time.perf_counter()
        r = await call()
        samples.append(time.perf_counter() - t)
        assert r.status_code == 200, r.status_code
    return statistics.median(samples)


async def hello(_: Request) -> HTMLResponse:
    return HTMLResponse("<!doctype html><title>hello</title><p>hello</p>")


async def run(folder: Path) -> None:
    monday = monday_of_next_week(utc_now().astimezone(ZONE))
    app = App.open(load(write_config(folder)))
    many_posts(app, monday, POSTS)
    site = create_app(app, clock=lambda: monday + timedelta(hours=8))
    week = f"/brands/demo-bakery?week={monday:%G-W%V}"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(site), base_url="http://b") as c:
        await c.post("/login", data={"name": "demo", "password": PASSWORD})
        page = await c.get(week)
        tiles = page.text.count("data-post-id=")
        assert tiles == POSTS, tiles
        html = await timed(lambda: c.get(week))
        json = await timed(lambda: c.get(week, headers={"accept": "application/json"}))
    bare = Starlette(routes=[Route("/", hello)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(bare), base_url="http://b") as c:
        ref = await timed(lambda: c.get("/"))
    app.engine.dispose()
    print(
        f"calendar week, {tiles} tiles, {len(page.content) / 1000:.0f} kB HTML: {html * 1000:.1f} ms (median of {ROUNDS})"
    )
    print(f"  same data as JSON:        {json * 1000:.1f} ms   → HTML/JSON = {html / json:.2f}")
    print(f"  bare Starlette hello page: {ref * 1000:.2f} ms   → HTML/hello = {html / ref:.0f}")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(Path(tmp)))
