"""The dashboard in a real browser (Chromium via Playwright) against a running `serve`.

A mail goes in over SMTP; the agency user logs in, sees a tile per planned post,
approves one held post and cancels another, and finds both in their history. A
client link opens its own submission only, and not after it expires. A forged
cookie and a form without its CSRF token are refused.
"""

from __future__ import annotations

import shutil
import smtplib
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

import httpx
import pytest

from dripcast.app.client_links import client_link
from dripcast.core.config import load
from tests.conftest import Server, brand, wait_for
from tests.mail import jpeg
from tests.web.kit import CHROMIUM, PASSWORD, base_url, browser, login, web_config

pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None,
    reason="Debian's chromium is not installed (apt-get install chromium)",
)


def send(config: Path, subject: str, photos: int, shade: int = 0) -> None:
    """A mail over SMTP; `shade` tells its photos from another mail's (the 90-day dedup)."""
    port = int(load(config).service.smtp.port)
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "owner@example.com", "bakery@localhost", subject
    msg["Date"], msg["Message-ID"] = formatdate(localtime=True), make_msgid()
    msg.set_content("Fresh from the oven this morning.")
    for i in range(photos):
        colour = (200 - 30 * i, 120 - shade, 40 + 40 * i)
        msg.add_attachment(
            jpeg(1200, 900, color=colour), maintype="image", subtype="jpeg", filename=f"p{i}.jpg"
        )
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
        s.send_message(msg)


def held_posts(http: httpx.Client, n: int) -> list[dict[str, Any]]:
    def enough() -> list[dict[str, Any]] | None:
        posts: list[dict[str, Any]] = http.get("/held", headers=JSON).json()["posts"]
        return posts if len(posts) >= n else None

    result: list[dict[str, Any]] = wait_for(enough, what=f"{n} held posts")
    return result


JSON = {"accept": "application/json"}
# The image's width once it has loaded (tiles load lazily: scroll to it first); 0 if broken.
LOADED = """i => i.complete ? i.naturalWidth : new Promise(done => {
    i.onload = () => done(i.naturalWidth); i.onerror = () => done(0); })"""


def loaded(img: Any) -> bool:
    img.scroll_into_view_if_needed()
    return int(img.evaluate(LOADED)) > 0


@pytest.fixture
def running(tmp_path: Path, server_for: Callable[[Path], Server]) -> tuple[Path, str]:
    channels = [
        {"id": "outbox", "type": "outbox", "path": "var/outbox"},
        {"id": "archive", "type": "outbox", "path": "var/archive"},
    ]
    config = web_config(tmp_path, brands=[brand(approval="agency", channels=channels)])
    server_for(config).start()
    url = base_url(config)
    host, port = url.removeprefix("http://").split(":")
    wait_for(lambda: _listening(host, int(port)), what="the dashboard to listen")
    return config, url


def _listening(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=0.2).close()
        return True
    except OSError:
        return False


def test_agency_sees_tiles_approves_cancels_and_reads_history(running: tuple[Path, str]) -> None:
    config, url = running
    send(config, "Fresh bread", photos=3)
    with httpx.Client(base_url=url) as http:
        assert login(http).status_code == 200
        posts = held_posts(http, 1)
        by_week: dict[str, set[int]] = {}
        for p in posts:
            year, week, _ = datetime.fromisoformat(p["at"]).isocalendar()
            by_week.setdefault(f"{year}-W{week:02d}", set()).add(p["id"])
    with browser() as b:
        page = b.new_page()
        page.goto(f"{url}/brands/demo-bakery")
        assert "/login" in page.url  # nothing without logging in
        page.fill("input[name=name]", "demo")
        page.fill("input[name=password]", PASSWORD)
        page.click("button.primary")
        page.wait_for_url(f"{url}/brands/demo-bakery")
        seen: set[int] = set()
        for week, ids in by_week.items():
            page.goto(f"{url}/brands/demo-bakery?week={week}")
            tiles = page.locator("[data-post-id]")
            shown = {
                int(tiles.nth(i).get_attribute("data-post-id") or 0) for i in range(tiles.count())
            }
            assert shown == ids  # one tile per planned post of that week, nothing else
            for i in range(tiles.count()):
                assert tiles.nth(i).get_attribute("data-status") == "held"
                assert loaded(tiles.nth(i).locator("img"))  # the crop is served
            seen |= shown
        assert seen == {p["id"] for p in posts}

        first, second = sorted(seen)[:2]
        page.goto(f"{url}/posts/{first}")
        page.click("button[data-action=approve]")
        page.wait_for_url(f"{url}/posts/{first}")
        assert page.locator(".flash").inner_text().startswith("approve: 1 post(s)")
        assert page.locator("[data-post-id]").get_attribute("data-status") == "scheduled"
        row = page.locator("table.history tr[data-to=scheduled]")
        assert row.get_attribute("data-by") == "web:demo"

        page.goto(f"{url}/posts/{second}")
        page.click("button[data-action=cancel]")
        page.wait_for_url(f"{url}/posts/{second}")
        assert page.locator("[data-post-id]").get_attribute("data-status") == "cancelled"
        assert (
            page.locator("table.history tr[data-to=cancelled]").get_attribute("data-by")
            == "web:demo"
        )


def test_client_link_opens_only_its_submission_and_expires(running: tuple[Path, str]) -> None:
    config, url = running
    send(config, "Bread", photos=1)
    send(config, "Cakes", photos=1, shade=60)
    cfg = load(config)
    with httpx.Client(base_url=url) as http:
        login(http)
        posts = held_posts(http, 4)  # two channels, two submissions
    mine = {p["id"] for p in posts if p["message"] == posts[0]["message"]}
    other = next(p for p in posts if p["id"] not in mine)
    link = client_link(cfg, posts[0]["message"], datetime.now(UTC))
    assert link.startswith(url + "/c/")
    with browser() as b:
        page = b.new_page()  # a client: no cookies, no login
        page.goto(link)
        tiles = page.locator("[data-post-id]")
        assert {
            int(tiles.nth(i).get_attribute("data-post-id") or 0) for i in range(tiles.count())
        } == mine
        assert loaded(tiles.first.locator("img"))
        token = link.rsplit("/", 1)[1]
        for path in ("/", "/held", f"/posts/{other['id']}", "/brands/demo-bakery"):
            page.goto(url + path)
            assert "/login" in page.url, path  # the link opens nothing else
        assert page.request.get(f"{url}/c/{token}/media/{other['id']}/0").status == 404
        agency_image = page.request.get(f"{url}/posts/{other['id']}/media/0", max_redirects=0)
        assert agency_image.status == 303 and "/login" in agency_image.headers["location"]

        # The client cancels one of its posts from the page.
        page.goto(link)
        page.locator("[data-post-id] button[data-action=cancel]").first.click()
        page.wait_for_url(f"{link}?done=cancel")
        assert page.locator(".flash").inner_text().startswith("Cancelled")
        assert page.locator("[data-status=cancelled]").count() == 1

        ttl = timedelta(days=7)  # the config's default client_link_ttl
        old = client_link(cfg, posts[0]["message"], datetime.now(UTC) - ttl - timedelta(seconds=5))
        answer = page.goto(old)
        assert answer is not None and answer.status == 410
        assert "expired" in page.inner_text("h1")
        assert page.locator("[data-post-id]").count() == 0


def test_forged_cookie_and_missing_csrf_are_refused(running: tuple[Path, str]) -> None:
    config, url = running
    send(config, "Bread", photos=1)
    with httpx.Client(base_url=url) as http:
        login(http)
        target = held_posts(http, 1)[0]["id"]
    with browser() as b:
        ctx = b.new_context()
        page = ctx.new_page()
        page.goto(f"{url}/login")
        page.fill("input[name=name]", "demo")
        page.fill("input[name=password]", PASSWORD)
        page.click("button.primary")
        page.wait_for_url(f"{url}/")
        assert page.locator("[data-brand=demo-bakery]").count() == 1

        # A form POST from this logged-in browser but without the page's token: refused.
        answer = page.request.post(f"{url}/posts/{target}/cancel", form={"next": "/"})
        assert answer.status == 403
        page.goto(f"{url}/posts/{target}")
        assert page.locator("[data-post-id]").get_attribute("data-status") == "held"

        # A cookie whose payload was changed (or made up) is no session at all.
        cookie = next(c for c in ctx.cookies() if c["name"] == "dripcast_session")
        payload, _, rest = cookie["value"].partition(".")
        forged = [
            payload[:-2] + ("AA" if not payload.endswith("AA") else "BB") + "." + rest,
            "eyJ1c2VyIjogImRlbW8ifQ==.Zm9yZ2Vk.c2lnbmF0dXJl",
        ]
        for value in forged:
            ctx.clear_cookies()
            ctx.add_cookies([{**cookie, "value": value}])
            page.goto(f"{url}/brands/demo-bakery")
            assert "/login" in page.url
            answer = page.request.post(f"{url}/posts/{target}/cancel", form={"csrf": "x"})
            assert answer.status in (401, 403) or "/login" in answer.url
        page.goto(f"{url}/held")
        assert "/login" in page.url
        ctx.close()
