from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import httpx
import pytest

from dripcast.core.channels import WordPress
from dripcast.core.domain import Published
from dripcast.core.errors import AuthExpired, OutcomeUnknown, Rejected, Retryable
from publishers.wordpress import WordPressPublisher
from tests.publishers.fake import FakeNetwork, json_body, reply, timeout_after_send
from tests.publishers.kit import Memory, jpeg_bytes, make_ctx, make_post
from tests.publishers.wp_site import API, WpSite

CHANNEL = WordPress(
    type="wordpress",
    id="blog",
    site="https://blog.example.com/",
    user="anna",
    app_password="abcd efgh ijkl mnop qrst uvwx",
)
MEDIA = "/wp-json/wp/v2/media"
POSTS = "/wp-json/wp/v2/posts"
CREATED: dict[str, Any] = {
    "id": 5101,
    "link": "https://blog.example.com/2026/11/23/fresh-cinnamon-buns-today/",
    "status": "publish",
    "type": "post",
}


def wp_net() -> FakeNetwork:
    net = FakeNetwork()
    n = iter(range(301, 400))

    def media(_: httpx.Request) -> httpx.Response:
        i = next(n)
        return httpx.Response(
            201,
            json={
                "id": i,
                "source_url": f"https://blog.example.com/wp-content/uploads/2026/11/d{i}.jpg",
                "media_type": "image",
                "mime_type": "image/jpeg",
            },
        )

    net.route("POST", MEDIA, media)
    net.route("POST", POSTS, reply(201, CREATED))
    for i in range(301, 310):  # attaching each upload to the post
        net.route("POST", f"{MEDIA}/{i}", reply(200, {"id": i, "post": CREATED["id"]}))
    return net


def wp_error(code: str, message: str, status: int) -> dict[str, object]:
    return {"code": code, "message": message, "data": {"status": status}}


async def publish(
    tmp_path: Path, net: FakeNetwork, n: int = 1, memory: Memory | None = None, **kw: object
) -> Published:
    post = make_post(tmp_path, n, type="wordpress", **kw)  # type: ignore[arg-type]
    async with net.client() as http:
        return await WordPressPublisher(CHANNEL, make_ctx(http, tmp_path, memory)).publish(post)


BASIC = "Basic " + base64.b64encode(b"anna:abcd efgh ijkl mnop qrst uvwx").decode()


async def test_single_photo_uploads_then_posts(tmp_path: Path) -> None:
    net = wp_net()
    memory = Memory()
    got = await publish(tmp_path, net, memory=memory)
    assert got == Published(external_id="5101", url=CREATED["link"])
    assert net.calls() == [("POST", MEDIA), ("POST", POSTS), ("POST", f"{MEDIA}/301")]
    up, create, attach = net.requests
    assert json_body(attach) == {"post": 5101}
    assert all(r.headers["authorization"] == BASIC for r in net.requests)
    assert up.url.host == "blog.example.com"
    assert up.url.params["alt_text"] == "photo 1 of the cake"
    assert up.headers["content-type"] == "image/jpeg"
    assert up.headers["content-disposition"] == 'attachment; filename="dripcast-42-1.jpg"'
    post = make_post(tmp_path, 1)
    assert up.content == jpeg_bytes(post.media[0])
    body = json_body(create)
    assert body["title"] == "Fresh cinnamon buns today!"
    assert body["status"] == "publish"
    assert body["featured_media"] == 301
    # The first line is the title, not repeated as the first paragraph.
    assert "Fresh cinnamon buns today!" not in body["content"]
    assert body["content"].startswith("<!-- wp:paragraph -->\n<p>Order for pickup <a href=")
    assert '<!-- wp:image {"id":301,' in body["content"]
    assert 'src="https://blog.example.com/wp-content/uploads/2026/11/d301.jpg"' in body["content"]
    assert memory.kept[42]["wordpress_media"] == [
        {
            "id": 301,
            "url": "https://blog.example.com/wp-content/uploads/2026/11/d301.jpg",
            "alt": "photo 1 of the cake",
        }
    ]


async def test_several_photos_each_uploaded_and_shown(tmp_path: Path) -> None:
    net = wp_net()
    await publish(tmp_path, net, 3, extra={"title": "Buns!"})
    post = make_post(tmp_path, 3)
    ups = [r for r in net.requests if r.url.path == MEDIA]
    assert [r.content for r in ups] == [jpeg_bytes(m) for m in post.media]
    assert [r.headers["content-disposition"] for r in ups] == [
        f'attachment; filename="dripcast-42-{i}.jpg"' for i in (1, 2, 3)
    ]
    (create,) = [r for r in net.requests if r.url.path == POSTS]
    body = json_body(create)
    assert body["title"] == "Buns!"
    assert body["featured_media"] == 301
    assert [body["content"].count(f'"id":{i},') for i in (301, 302, 303)] == [1, 1, 1]


async def test_retry_reuses_uploaded_media(tmp_path: Path) -> None:
    net = wp_net()
    net.route("POST", POSTS, reply(503, wp_error("db_error", "Database down", 503)))
    memory = Memory()
    with pytest.raises(Retryable, match="Database down"):
        await publish(tmp_path, net, 2, memory=memory)
    assert net.calls().count(("POST", MEDIA)) == 2

    net2 = wp_net()
    got = await publish(tmp_path, net2, 2, remote=memory.kept[42])
    assert got.external_id == "5101"
    assert net2.calls() == [("POST", POSTS), ("POST", f"{MEDIA}/301"), ("POST", f"{MEDIA}/302")]
    assert json_body(net2.requests[0])["featured_media"] == 301


async def test_half_done_uploads_continue_where_they_stopped(tmp_path: Path) -> None:
    net = wp_net()
    net.route(
        "POST",
        MEDIA,
        reply(201, {"id": 301, "source_url": "https://blog.example.com/a.jpg"}),
        reply(500, wp_error("rest_upload_unknown_error", "Upload failed", 500)),
    )
    memory = Memory()
    with pytest.raises(Retryable):
        await publish(tmp_path, net, 2, memory=memory)
    net2 = wp_net()
    await publish(tmp_path, net2, 2, remote=memory.kept[42])
    assert net2.calls()[:2] == [("POST", MEDIA), ("POST", POSTS)]
    assert net2.requests[0].headers["content-disposition"].endswith('dripcast-42-2.jpg"')


async def test_429_is_retryable(tmp_path: Path) -> None:
    # Core WordPress has no rate limit; a host or security plugin in front may send one.
    net = wp_net()
    net.route("POST", MEDIA, reply(429, "Too Many Requests", headers={"Retry-After": "120"}))
    with pytest.raises(Retryable) as e:
        await publish(tmp_path, net)
    assert e.value.retry_after == 120.0


async def test_wrong_application_password_is_auth_expired(tmp_path: Path) -> None:
    net = wp_net()
    net.route(
        "POST",
        MEDIA,
        reply(
            401,
            wp_error(
                "incorrect_password",
                "The provided password is an invalid application password.",
                401,
            ),
        ),
    )
    with pytest.raises(AuthExpired, match="incorrect_password: The provided password"):
        await publish(tmp_path, net)


async def test_missing_capability_is_auth_expired(tmp_path: Path) -> None:
    net = wp_net()
    net.route(
        "POST",
        POSTS,
        reply(
            403,
            wp_error(
                "rest_cannot_create",
                "Sorry, you are not allowed to create posts as this user.",
                403,
            ),
        ),
    )
    with pytest.raises(AuthExpired, match="rest_cannot_create"):
        await publish(tmp_path, net)


async def test_refused_upload_keeps_wordpress_message(tmp_path: Path) -> None:
    net = wp_net()
    net.route(
        "POST",
        MEDIA,
        reply(
            400,
            wp_error(
                "rest_upload_sideload_error",
                "Sorry, you are not allowed to upload this file type.",
                400,
            ),
        ),
    )
    with pytest.raises(Rejected, match="not allowed to upload this file type"):
        await publish(tmp_path, net)


async def test_html_instead_of_the_rest_api_needs_a_person(tmp_path: Path) -> None:
    net = wp_net()
    net.route("POST", MEDIA, reply(200, "<html><body>Welcome</body></html>"))
    with pytest.raises(AuthExpired, match="REST API"):
        await publish(tmp_path, net)


async def test_timeout_on_the_post_is_unknown_but_on_upload_retryable(tmp_path: Path) -> None:
    net = wp_net()
    net.route("POST", POSTS, timeout_after_send)
    with pytest.raises(OutcomeUnknown):
        await publish(tmp_path, net)
    net = wp_net()
    net.route("POST", MEDIA, timeout_after_send)
    with pytest.raises(Retryable):
        await publish(tmp_path, net)


async def test_find_recognises_the_featured_image(tmp_path: Path) -> None:
    remote = {"wordpress_media": [{"id": 301, "url": "u", "alt": ""}]}
    post = make_post(tmp_path, 1, type="wordpress", remote=remote)
    net = FakeNetwork()
    net.route(
        "GET",
        POSTS,
        reply(
            200,
            [
                {"id": 9, "link": "https://blog.example.com/old/", "featured_media": 17},
                {"id": 5101, "link": CREATED["link"], "featured_media": 301},
            ],
        ),
    )
    async with net.client() as http:
        pub = WordPressPublisher(CHANNEL, make_ctx(http, tmp_path))
        assert await pub.find(post) == Published(external_id="5101", url=CREATED["link"])
        assert net.requests[0].url.params["search"] == "Fresh cinnamon buns today!"
        # Without remembered media nothing is unique enough: say "cannot tell".
        assert await pub.find(make_post(tmp_path, 1, type="wordpress")) is None
    assert len(net.requests) == 1


async def test_check_reads_users_me(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route(
        "GET", "/wp-json/wp/v2/users/me", reply(200, {"id": 1, "name": "Anna", "slug": "anna"})
    )
    async with net.client() as http:
        assert await WordPressPublisher(CHANNEL, make_ctx(http, tmp_path)).check() == "Anna"
    assert net.requests[0].headers["authorization"] == BASIC


# ---- against a site that keeps what it is sent (tests/publishers/wp_site.py) ----


async def test_hashtags_become_tags_found_or_created(tmp_path: Path) -> None:
    site = WpSite()
    bread = site.add_tag("Bread & Butter")  # the site already has it, HTML-escaped
    raced = site.add_tag("Cinnamon")  # search misses it below: created by another writer
    text = "Fresh cinnamon buns today!\n\nWarm from the oven."
    post = make_post(
        tmp_path,
        2,
        type="wordpress",
        text=text,
        extra={"tags": ["#bread & butter", "#baking", "#BAKING", "＃cinnamon"]},
    )
    real_search = site.routes[("GET", f"{API}/tags")]

    def blind(request: httpx.Request) -> httpx.Response:
        if request.url.params["search"] == "cinnamon":
            return httpx.Response(200, json=[])
        return real_search[0](request)  # type: ignore[index]

    site.route("GET", f"{API}/tags", blind)
    async with site.client() as http:
        got = await WordPressPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(post)
    (live,) = site.posts.values()
    assert got == Published(external_id=str(live["id"]), url=live["link"])
    (baking,) = [t["id"] for t in site.tags.values() if t["name"] == "baking"]
    assert live["tags"] == [bread, baking, raced]
    assert len(site.tags) == 3  # nothing made twice
    # Every photo is attached to the post, the first is featured.
    assert [m["post"] for m in site.media.values()] == [live["id"], live["id"]]
    assert live["featured_media"] == min(site.media)
    assert live["title"]["raw"] == "Fresh cinnamon buns today!"
    assert "Fresh cinnamon buns today!" not in live["content"]["raw"]
    assert "<p>Warm from the oven.</p>" in live["content"]["raw"]


async def test_a_failed_attach_does_not_fail_the_live_post(tmp_path: Path) -> None:
    site = WpSite()
    site.route("GET", f"{API}/posts", reply(200, []))

    def gone(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("Server disconnected", request=request)

    async with site.client() as http:
        pub = WordPressPublisher(CHANNEL, make_ctx(http, tmp_path))
        post = make_post(tmp_path, 1, type="wordpress")
        site.route("POST", f"{MEDIA}/301", gone)
        got = await pub.publish(post)
    assert got.external_id == str(next(iter(site.posts)))


@pytest.mark.parametrize("title", ["-30% on rye today", '"Best" buns -- in town', "Buns – fresh"])
async def test_find_searches_with_words_search_cannot_read_as_operators(
    tmp_path: Path, title: str
) -> None:
    site = WpSite()
    memory = Memory()
    site.drop.add(("POST", POSTS))
    post = make_post(tmp_path, 1, type="wordpress", text=f"{title}\n\nWarm.")
    async with site.client() as http:
        pub = WordPressPublisher(CHANNEL, make_ctx(http, tmp_path, memory))
        with pytest.raises(OutcomeUnknown):
            await pub.publish(post)
        (live,) = site.posts.values()
        again = make_post(
            tmp_path, 1, type="wordpress", text=f"{title}\n\nWarm.", remote=memory.kept[42]
        )
        assert await pub.find(again) == Published(external_id=str(live["id"]), url=live["link"])
