"""Take the README's dashboard screenshots: a demo week through the real pipeline,
the dashboard on uvicorn, Debian's chromium driven by Playwright.

    python docs/screenshots.py        # writes docs/calendar.png, docs/client.png, docs/post.png
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.web_demo import PASSWORD, demo_week, monday_of_next_week, utc_now
from dripcast.app.client_links import client_link
from dripcast.web.site import create_app
from tests.ports import free_port
from tests.web.kit import browser

ROOT = Path(__file__).resolve().parent.parent
ZONE = ZoneInfo("Europe/Copenhagen")
CLIP = {"x": 0, "y": 0, "width": 1560, "height": 1400}  # the top of the week: enough to see it


def main() -> None:
    monday = monday_of_next_week(utc_now().astimezone(ZONE))
    clock = lambda: monday + timedelta(hours=8, minutes=5)  # noqa: E731
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        config, app, held = demo_week(Path(tmp), monday, port)
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(app, clock=clock), host="127.0.0.1", port=port, log_level="warning"
            )
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        url = f"http://127.0.0.1:{port}"
        week = f"{monday:%G-W%V}"
        try:
            with browser() as b:
                page = b.new_page(viewport={"width": 1560, "height": 1000}, device_scale_factor=1)
                page.goto(f"{url}/login")
                page.fill("input[name=name]", "demo")
                page.fill("input[name=password]", PASSWORD)
                page.click("button.primary")
                page.wait_for_url(f"{url}/")
                page.goto(f"{url}/brands/demo-bakery?week={week}")
                _images(page)
                page.screenshot(path=ROOT / "docs/calendar.png", full_page=True, clip=CLIP)
                first = page.locator("[data-status=failed]").first.get_attribute("data-post-id")
                page.goto(f"{url}/posts/{first}")
                _images(page)
                page.screenshot(path=ROOT / "docs/post.png", full_page=True)
                client = b.new_page(viewport={"width": 1280, "height": 900})
                client.goto(
                    client_link(config, held, clock()).replace(
                        f"http://{config.service.web.host}:{port}", url
                    )
                )  # type: ignore[union-attr]
                _images(client)
                client.screenshot(path=ROOT / "docs/client.png", full_page=True)
        finally:
            server.should_exit = True
            thread.join(10)
            app.engine.dispose()
    print("wrote docs/calendar.png, docs/post.png, docs/client.png")


def _images(page: object) -> None:
    """Scroll every lazy image into view and wait until each has loaded."""
    imgs = page.locator("img")  # type: ignore[attr-defined]
    for i in range(imgs.count()):
        imgs.nth(i).scroll_into_view_if_needed()
        imgs.nth(i).evaluate("i => i.complete || new Promise(r => { i.onload = i.onerror = r; })")
    page.evaluate("window.scrollTo(0, 0)")  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
