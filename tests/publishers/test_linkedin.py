from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from dripcast.core.channels import LinkedIn
from dripcast.core.domain import Published
from dripcast.core.errors import AuthExpired, OutcomeUnknown, Rejected, Retryable
from publishers.linkedin import VERSION, LinkedInPublisher
from tests.publishers.fake import FakeNetwork, json_body, reply, timeout_after_send
from tests.publishers.kit import jpeg_bytes, make_ctx, make_post

AUTHOR = "urn:li:organization:5515715"
CHANNEL = LinkedIn(type="linkedin", id="li", author=AUTHOR, token="LI-TOKEN")
POST_URN = "urn:li:share:6844785523593134080"
TEXT = r"Fresh buns \(today\) \#bakery"


def li_net() -> FakeNetwork:
    net = FakeNetwork()
    n = iter(range(1, 100))

    def init(_: httpx.Request) -> httpx.Response:
        i = next(n)
        return httpx.Response(
            200,
            json={
                "value": {
                    "uploadUrlExpiresAt": 1650567510704,
                    "uploadUrl": f"https://www.linkedin.com/dms-uploads/up{i}?ca=vector_feedshare",
                    "image": f"urn:li:image:C4E10AQ{i}",
                }
            },
        )

    net.route("POST", "/rest/images", init)
    for i in range(1, 30):
        net.route("PUT", f"/dms-uploads/up{i}", reply(201, b""))
    net.route("POST", "/rest/posts", reply(201, b"", headers={"x-restli-id": POST_URN}))
    return net


async def publish(tmp_path: Path, net: FakeNetwork, n: int = 1) -> Published:
    async with net.client() as http:
        return await LinkedInPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(
            make_post(tmp_path, n, text=TEXT, type="linkedin")
        )


async def test_single_image_post(tmp_path: Path) -> None:
    net = li_net()
    post = make_post(tmp_path, 1, text=TEXT, type="linkedin")
    async with net.client() as http:
        got = await LinkedInPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(post)
    assert got.external_id == POST_URN
    assert got.url == f"https://www.linkedin.com/feed/update/{POST_URN}/"
    assert net.calls() == [
        ("POST", "/rest/images"),
        ("PUT", "/dms-uploads/up1"),
        ("POST", "/rest/posts"),
    ]
    init, put, create = net.requests
    assert init.url.host == "api.linkedin.com"
    assert init.url.params["action"] == "initializeUpload"
    assert json_body(init) == {"initializeUploadRequest": {"owner": AUTHOR}}
    for r in (init, create):
        assert r.headers["linkedin-version"] == VERSION
        assert r.headers["x-restli-protocol-version"] == "2.0.0"
        assert r.headers["authorization"] == "Bearer LI-TOKEN"
    assert put.url.host == "www.linkedin.com"
    assert put.headers["authorization"] == "Bearer LI-TOKEN"
    assert put.content == jpeg_bytes(post.media[0])
    assert json_body(create) == {
        "author": AUTHOR,
        "commentary": TEXT,  # already escaped by the formatter: sent untouched
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "content": {"media": {"id": "urn:li:image:C4E10AQ1", "altText": "photo 1 of the cake"}},
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }


async def test_several_images_make_a_multi_image_post(tmp_path: Path) -> None:
    net = li_net()
    post = make_post(tmp_path, 3, text=TEXT, type="linkedin")
    async with net.client() as http:
        await LinkedInPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(post)
    puts = [r for r in net.requests if r.method == "PUT"]
    assert [r.content for r in puts] == [jpeg_bytes(m) for m in post.media]
    body = json_body(net.requests[-1])
    assert body["content"] == {
        "multiImage": {
            "images": [
                {"id": f"urn:li:image:C4E10AQ{i}", "altText": f"photo {i} of the cake"}
                for i in (1, 2, 3)
            ]
        }
    }


async def test_more_than_twenty_images_is_refused_locally(tmp_path: Path) -> None:
    net = li_net()
    with pytest.raises(Rejected, match="at most 20"):
        await publish(tmp_path, net, 21)
    assert net.requests == []


async def test_429_is_retryable_with_retry_after(tmp_path: Path) -> None:
    net = li_net()
    net.route(
        "POST",
        "/rest/posts",
        reply(
            429,
            {"status": 429, "message": "Resource level throttle limit reached"},
            headers={"Retry-After": "3600"},
        ),
    )
    with pytest.raises(Retryable) as e:
        await publish(tmp_path, net)
    assert e.value.retry_after == 3600.0
    assert "throttle" in str(e.value)


async def test_5xx_is_retryable(tmp_path: Path) -> None:
    net = li_net()
    net.route(
        "PUT", "/dms-uploads/up1", reply(500, {"status": 500, "message": "Internal Server Error"})
    )
    with pytest.raises(Retryable):
        await publish(tmp_path, net)
    assert ("POST", "/rest/posts") not in net.calls()


async def test_expired_token_is_auth_expired(tmp_path: Path) -> None:
    net = li_net()
    net.route(
        "POST",
        "/rest/images",
        reply(
            401,
            {
                "status": 401,
                "serviceErrorCode": 65601,
                "code": "REVOKED_ACCESS_TOKEN",
                "message": "The token used in the request has been revoked by the user",
            },
        ),
    )
    with pytest.raises(AuthExpired, match="revoked"):
        await publish(tmp_path, net)


async def test_missing_permission_is_auth_expired(tmp_path: Path) -> None:
    net = li_net()
    net.route(
        "POST",
        "/rest/posts",
        reply(
            403,
            {
                "status": 403,
                "serviceErrorCode": 100,
                "code": "ACCESS_DENIED",
                "message": "Not enough permissions to access: partnerApiPostsExternal.CREATE.20260501",
            },
        ),
    )
    with pytest.raises(AuthExpired, match="Not enough permissions"):
        await publish(tmp_path, net)


async def test_duplicate_or_invalid_content_is_rejected(tmp_path: Path) -> None:
    net = li_net()
    net.route(
        "POST",
        "/rest/posts",
        reply(
            422,
            {
                "status": 422,
                "serviceErrorCode": 100,
                "code": "DUPLICATE_POST",
                "message": "Content is a duplicate of urn:li:share:6844785523593134080",
            },
        ),
    )
    with pytest.raises(Rejected, match="duplicate"):
        await publish(tmp_path, net)


async def test_timeout_on_create_is_unknown_but_on_upload_retryable(tmp_path: Path) -> None:
    net = li_net()
    net.route("POST", "/rest/posts", timeout_after_send)
    with pytest.raises(OutcomeUnknown):
        await publish(tmp_path, net)
    net = li_net()
    net.route("PUT", "/dms-uploads/up1", timeout_after_send)
    with pytest.raises(Retryable):
        await publish(tmp_path, net)


async def test_created_without_id_is_still_published(tmp_path: Path) -> None:
    net = li_net()
    net.route("POST", "/rest/posts", reply(201, b""))
    got = await publish(tmp_path, net)
    assert got.external_id == "" and got.url is None


async def test_find_looks_up_the_authors_posts(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route(
        "GET",
        "/rest/posts",
        reply(
            200,
            {
                "paging": {"start": 0, "count": 20},
                "elements": [
                    {"id": "urn:li:share:1", "commentary": "other", "author": AUTHOR},
                    {"id": "urn:li:share:2", "commentary": TEXT, "author": AUTHOR},
                ],
            },
        ),
    )
    post = make_post(tmp_path, 1, text=TEXT, type="linkedin")
    async with net.client() as http:
        got = await LinkedInPublisher(CHANNEL, make_ctx(http, tmp_path)).find(post)
    assert got is not None and got.external_id == "urn:li:share:2"
    assert "author=urn%3Ali%3Aorganization%3A5515715&q=author" in str(net.requests[0].url)


async def test_find_without_read_permission_says_it_cannot_tell(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route(
        "GET", "/rest/posts", reply(403, {"status": 403, "message": "Not enough permissions"})
    )
    async with net.client() as http:
        got = await LinkedInPublisher(CHANNEL, make_ctx(http, tmp_path)).find(make_post(tmp_path))
    assert got is None


async def test_check_reads_the_organization_or_the_member(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route(
        "GET",
        "/rest/organizations/5515715",
        reply(200, {"id": 5515715, "localizedName": "Demo Bakery"}),
    )
    net.route("GET", "/v2/userinfo", reply(200, {"sub": "782bbtaQ", "name": "Ann Baker"}))
    member = LinkedIn(type="linkedin", id="li", author="urn:li:person:782bbtaQ", token="T")
    async with net.client() as http:
        assert await LinkedInPublisher(CHANNEL, make_ctx(http, tmp_path)).check() == "Demo Bakery"
        assert await LinkedInPublisher(member, make_ctx(http, tmp_path)).check() == "Ann Baker"


async def test_empty_alt_text_is_left_out(tmp_path: Path) -> None:
    net = li_net()
    post = make_post(tmp_path, 2, text=TEXT, type="linkedin")
    post = replace(post, media=tuple(replace(m, alt="") for m in post.media))
    async with net.client() as http:
        await LinkedInPublisher(CHANNEL, make_ctx(http, tmp_path)).publish(post)
    images = json_body(net.requests[-1])["content"]["multiImage"]["images"]
    assert images == [{"id": "urn:li:image:C4E10AQ1"}, {"id": "urn:li:image:C4E10AQ2"}]
