"""The dashboard over ASGI (no browser): the HTTP contract scripts rely on (SPEC "Dashboard")."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from dripcast.app.client_links import client_token
from dripcast.app.context import App
from dripcast.core.config import load
from dripcast.store import lifecycle
from dripcast.store import queries as store
from dripcast.web.site import create_app
from tests.conftest import brand
from tests.mail import jpeg
from tests.seed import seed
from tests.web.kit import PASSWORD, login, web_config

JSON = {"accept": "application/json"}
NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # a Monday, 08:00 in Copenhagen
WEEK = "2026-W49"

Client = Callable[..., httpx.AsyncClient]


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    monkeypatch.setenv("IG_TOKEN", "t")  # secrets are references, never literal
    channels = [
        {"id": "outbox", "type": "outbox", "path": "var/outbox"},
        {"id": "insta", "type": "instagram", "account_id": "1", "token": "${IG_TOKEN}"},
    ]
    b = brand(approval="client", channels=channels)
    config = web_config(tmp_path, brands=[b])
    text = config.read_text().replace(
        "service:\n", "service:\n  public_base_url: https://m.example.com\n"
    )
    config.write_text(text)
    app = App.open(load(config))
    yield app
    app.close()


@pytest.fixture
async def client(app: App) -> AsyncIterator[Client]:
    opened: list[httpx.AsyncClient] = []

    def make(clock: datetime = NOW) -> httpx.AsyncClient:
        site = create_app(app, clock=lambda: clock)
        c = httpx.AsyncClient(transport=httpx.ASGITransport(site), base_url="http://dash")
        opened.append(c)
        return c

    yield make
    for c in opened:
        await c.aclose()


async def agency(make: Client) -> tuple[httpx.AsyncClient, str]:
    c = make()
    r = await login(c)
    assert r.status_code == 200, r.text
    return c, r.json()["csrf"]


PICTURE = jpeg(800, 1000)


def picture(app: App) -> str:
    """A variant in the blob store, as the pipeline leaves it; its key."""
    key = "media/demo-bakery/p.jpg"
    app.blobs.put_sync(key, PICTURE)
    return key


def week_of_posts(app: App, status: str = "scheduled", **kw: Any) -> tuple[int, list[int]]:
    times = [NOW + timedelta(hours=2), NOW + timedelta(days=1, hours=3), NOW + timedelta(days=8)]
    return seed(app.engine, times, status=status, media=picture(app), **kw)


async def test_every_page_answers_json_with_the_same_tiles(app: App, client: Client) -> None:
    _, ids = week_of_posts(app, status="held")
    c, _ = await agency(client)
    for path in ("/", f"/brands/demo-bakery?week={WEEK}", "/held", f"/posts/{ids[0]}"):
        html, data = await c.get(path), await c.get(path, headers=JSON)
        assert html.status_code == data.status_code == 200, path
        assert html.headers["content-type"].startswith("text/html")
        shown = [int(i) for i in re.findall(r'data-post-id="(\d+)"', html.text)]
        assert shown == _ids(data.json()), path
        assert data.json()["csrf"]  # scripts take the token from the JSON
    week = (await c.get(f"/brands/demo-bakery?week={WEEK}", headers=JSON)).json()
    assert (week["week"], week["previous"], week["next"]) == (WEEK, "2026-W48", "2026-W50")
    assert [len(d["tiles"]) for d in week["days"]] == [1, 1, 0, 0, 0, 0, 0]  # the 3rd is next week
    tile = week["days"][0]["tiles"][0]
    assert tile["time"] == "10:00" and tile["status"] == "held" and tile["held_for"] == "approval"
    assert tile["at"] == "2026-11-30T10:00:00+01:00"  # brand time
    assert tile["actions"] == ["cancel", "retry", "publish-now", "approve", "reschedule"]


async def test_week_filters_and_bad_input(app: App, client: Client) -> None:
    week_of_posts(app)
    seed(
        app.engine,
        [NOW + timedelta(hours=5)],
        channel="insta",
        type="instagram",
        media=picture(app),
    )
    c, _ = await agency(client)

    async def ids(query: str) -> list[int]:
        r = await c.get(f"/brands/demo-bakery?week={WEEK}{query}", headers=JSON)
        return _ids(r.json())

    everything = await ids("")
    assert len(everything) == 3
    assert len(await ids("&channel=insta")) == 1
    assert await ids("&channel=instagram") == await ids("&channel=insta")  # the network works too
    assert await ids("&status=held") == []
    assert (await c.get("/brands/demo-bakery?week=2026-48")).status_code == 400
    assert (await c.get("/brands/nobody", headers=JSON)).status_code == 404


async def test_tile_shows_the_caption_as_the_network_will(app: App, client: Client) -> None:
    text = "Fresh bread\n\nOrder today: link in bio\n\n#bakery #sourdough"
    _, (pid,) = seed(app.engine, [NOW + timedelta(hours=1)], channel="insta", type="instagram")
    with app.engine.begin() as conn:  # the formatter's text for Instagram
        conn.exec_driver_sql("UPDATE posts SET text = ? WHERE id = ?", (text, pid))
    c, _ = await agency(client)
    tile = (await c.get(f"/posts/{pid}", headers=JSON)).json()["post"]
    assert tile["label"] == "Instagram" and tile["limit"] == 2200 and tile["count"] == len(text)
    assert tile["hashtags"] == ["#bakery", "#sourdough"]
    assert tile["link_in_bio"] == "https://example.com/shop"
    html = (await c.get(f"/posts/{pid}")).text
    assert '<span class="tag">#sourdough</span>' in html and "link in bio →" in html


async def test_actions_go_through_the_app_with_the_web_user(app: App, client: Client) -> None:
    _, ids = week_of_posts(app, status="held")
    c, csrf = await agency(client)

    async def act(pid: int, action: str, **form: str) -> httpx.Response:
        return await c.post(f"/posts/{pid}/{action}", data={"csrf": csrf, **form}, headers=JSON)

    r = await act(ids[0], "approve")
    assert r.status_code == 200 and r.json()["changed"] == [ids[0]]
    assert (await act(ids[0], "approve")).status_code == 409  # already approved: says why
    assert (await act(ids[1], "reschedule", when="2026-12-02T18:00")).json()["ok"]
    moved = store.posts(app.engine, ids=[ids[1]])[0]
    assert moved["due_at"] == datetime(2026, 12, 2, 17, 0, tzinfo=UTC)  # brand time in
    assert moved["status"] == "held"  # a reschedule keeps the hold
    assert (await act(ids[1], "reschedule", when="yesterday-ish")).status_code == 409
    assert (await act(ids[2], "cancel")).json()["ok"]
    assert (await act(ids[2], "retry")).json()["ok"]
    assert (await act(ids[2], "publish-now")).json()["ok"]
    assert (await act(ids[2], "explode")).status_code == 404
    for pid in ids:
        mine = [e for e in lifecycle.history(app.engine, pid) if e["actor_kind"] == "web"]
        assert mine and all(e["actor_name"] == "demo" for e in mine)
    history = (await c.get(f"/posts/{ids[2]}", headers=JSON)).json()["history"]
    assert [h["to"] for h in history if h["by"] == "web:demo"] == [
        "cancelled",
        "scheduled",
        "scheduled",
    ]


async def test_no_action_without_the_token_or_by_get(app: App, client: Client) -> None:
    _, ids = week_of_posts(app)
    c, csrf = await agency(client)
    assert (await c.post(f"/posts/{ids[0]}/cancel", headers=JSON)).status_code == 403
    wrong = {"csrf": csrf[:-1] + "x"}
    assert (await c.post(f"/posts/{ids[0]}/cancel", data=wrong, headers=JSON)).status_code == 403
    other_site = {**JSON, "origin": "https://evil.example", "sec-fetch-site": "cross-site"}
    r = await c.post(f"/posts/{ids[0]}/cancel", data={"csrf": csrf}, headers=other_site)
    assert r.status_code == 403
    assert (await c.get(f"/posts/{ids[0]}/cancel")).status_code == 405
    assert store.posts(app.engine, ids=[ids[0]])[0]["status"] == "scheduled"


async def test_release_a_quarantined_message(app: App, client: Client) -> None:
    mid = store.add_message(
        app.engine,
        now=NOW,
        brand="demo-bakery",
        transport="smtp",
        mail_from="x@example.com",
        rcpt="bakery@localhost",
        sender="x@example.com",
        message_id=None,
        spool="s",
        size=1,
        status="refused",
        reason="sender not allowed",
    )
    c, csrf = await agency(client)
    held = (await c.get("/held", headers=JSON)).json()
    assert [(m["id"], m["reason"]) for m in held["messages"]] == [(mid, "sender not allowed")]
    r = await c.post(f"/messages/{mid}/release", data={"csrf": csrf}, headers=JSON)
    assert r.json()["ok"] and store.message(app.engine, mid).status == "received"


async def test_logins_and_sessions(app: App, client: Client) -> None:
    c = client()
    assert (await c.get("/", headers=JSON)).status_code == 401
    page = await c.get("/")
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    bad = await c.post("/login", data={"name": "demo", "password": "nope"}, headers=JSON)
    assert bad.status_code == 401
    nobody = await c.post("/login", data={"name": "eve", "password": PASSWORD}, headers=JSON)
    assert nobody.status_code == 401
    assert (await login(c)).status_code == 200
    assert (await c.get("/", headers=JSON)).status_code == 200
    # The cookie is signed: change one character of its payload and it is no session.
    value = c.cookies["dripcast_session"]
    c.cookies.set("dripcast_session", ("A" if value[0] != "A" else "B") + value[1:])
    assert (await c.get("/", headers=JSON)).status_code == 401
    # A browser's login form needs the page's token (no login CSRF).
    r = await c.post(
        "/login", data={"name": "demo", "password": PASSWORD}, headers={"origin": "http://dash"}
    )
    assert r.status_code == 403
    for _ in range(10):
        await c.post("/login", data={"name": "demo", "password": "guess"}, headers=JSON)
    assert (await login(c)).status_code == 429  # too many failures for this name


async def test_client_page_opens_one_submission_only(app: App, client: Client) -> None:
    mine, ids = week_of_posts(app, status="held")
    _, others = seed(app.engine, [NOW + timedelta(hours=9)], status="held", media=picture(app))
    token = client_token(app.config, mine, NOW)
    c = client()
    page = (await c.get(f"/c/{token}", headers=JSON)).json()
    assert _ids(page) == ids and page["can_approve"]
    html = (await c.get(f"/c/{token}")).text
    assert [int(i) for i in re.findall(r'data-post-id="(\d+)"', html)] == ids
    img = await c.get(f"/c/{token}/media/{ids[0]}/0")
    assert img.status_code == 200 and img.headers["content-type"] == "image/jpeg"
    assert (await c.get(f"/c/{token}/media/{others[0]}/0")).status_code == 404
    csrf = page["csrf"]
    r = await c.post(
        f"/c/{token}/approve", data={"csrf": csrf, "post": str(others[0])}, headers=JSON
    )
    assert r.status_code == 404  # another submission's post
    assert (
        await c.post(f"/c/{token}/approve", data={"post": str(ids[0])}, headers=JSON)
    ).status_code == 403
    r = await c.post(f"/c/{token}/approve", data={"csrf": csrf, "post": str(ids[0])}, headers=JSON)
    assert r.json()["changed"] == [ids[0]]
    assert lifecycle.history(app.engine, ids[0])[-1]["actor_name"] == "client of demo-bakery"
    r = await c.post(f"/c/{token}/cancel", data={"csrf": csrf}, headers=JSON)
    assert sorted(r.json()["changed"]) == ids  # the approved one is only scheduled: cancelled too
    assert (await c.get(f"/c/{token[:-2]}xx")).status_code == 404
    assert (await c.get("/", headers=JSON)).status_code == 401  # the link opens nothing else
    later = client(NOW + timedelta(days=7, seconds=1))
    assert (await later.get(f"/c/{token}")).status_code == 410


async def test_agency_images_and_what_is_not_an_image(app: App, client: Client) -> None:
    _, ids = week_of_posts(app)
    _, outside = seed(app.engine, [NOW + timedelta(hours=4)], media="/etc/hostname")
    _, escape = seed(app.engine, [NOW + timedelta(hours=5)], media="media/../../etc/hostname")
    _, gone = seed(app.engine, [NOW + timedelta(hours=6)], media="media/demo-bakery/gone.jpg")
    c, _ = await agency(client)
    thumb = await c.get(f"/posts/{ids[0]}/media/0")
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert len(thumb.content) < len(PICTURE)
    full = await c.get(f"/posts/{ids[0]}/media/0?full=1")
    assert full.status_code == 200 and full.content == PICTURE
    assert (await c.get(f"/posts/{ids[0]}/media/1")).status_code == 404
    assert (await c.get(f"/posts/{outside[0]}/media/0")).status_code == 404
    assert (await c.get(f"/posts/{escape[0]}/media/0")).status_code == 404
    assert (await c.get(f"/posts/{gone[0]}/media/0")).status_code == 404
    assert (await c.get("/static/style.css")).status_code == 200


def _ids(data: dict[str, Any]) -> list[int]:
    """Every tile's post id in a page's JSON, in page order."""
    if "days" in data:
        return [t["id"] for d in data["days"] for t in d["tiles"]]
    if "tiles" in data:
        return [t["id"] for t in data["tiles"]]
    if "post" in data:
        return [data["post"]["id"]]
    return [t["id"] for t in data.get("posts", [])]


async def test_captions_are_text_not_markup(app: App, client: Client) -> None:
    _, (pid,) = seed(app.engine, [NOW + timedelta(hours=1)])
    with app.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE posts SET text = ? WHERE id = ?", ('<img src=x onerror="alert(1)">', pid)
        )
    c, _ = await agency(client)
    html = (await c.get(f"/posts/{pid}")).text
    assert "<img src=x" not in html and "&lt;img src=x onerror=" in html
    assert "default-src 'none'" in (await c.get(f"/posts/{pid}")).headers["content-security-policy"]
    r = await c.post(
        "/login", data={"name": "demo", "password": PASSWORD, "next": "//evil.example"}
    )
    assert r.headers["location"] == "/"  # only paths on this site


async def test_client_page_numbers_posts_as_the_confirmation_does(app: App, client: Client) -> None:
    """QA: the page showed no numbers, while the mail says "reply cancel 2"."""
    from dripcast.app.mail.build import numbered

    times = [NOW + timedelta(days=2), NOW + timedelta(hours=2), NOW + timedelta(days=1)]
    mine, ids = seed(app.engine, times, media=picture(app))
    by_mail = numbered(zip(times, ids, strict=True), at=lambda p: p[0], channel=lambda p: "outbox")
    want = {pid: n for n, (_, pid) in by_mail}
    token = client_token(app.config, mine, NOW)
    page = (await client().get(f"/c/{token}", headers=JSON)).json()
    assert {t["id"]: t["number"] for t in page["tiles"]} == want
    assert [t["number"] for t in page["tiles"]] == [1, 2, 3]
    html = (await client().get(f"/c/{token}")).text
    shown = re.findall(r'data-post-id="(\d+)".*?<span class="num"[^>]*>(\d+)<', html, re.S)
    assert {int(p): int(n) for p, n in shown} == want


async def test_outbox_posts_show_their_folder_not_a_file_link(app: App, client: Client) -> None:
    """QA: "view on Outbox" was a file:// link, which browsers block from an http page."""
    _, (pid,) = seed(app.engine, [NOW + timedelta(hours=1)], media=picture(app))
    with app.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE posts SET status = 'published', url = ? WHERE id = ?",
            ("file:///srv/outbox/demo%20bakery/post-1", pid),
        )
    c, _ = await agency(client)
    html = (await c.get(f"/posts/{pid}")).text
    assert "file://" not in html and "/srv/outbox/demo bakery/post-1" in html
    icon = await c.get("/favicon.ico")
    assert icon.status_code in (200, 204)
