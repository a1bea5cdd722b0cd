from __future__ import annotations

import json
import re
import stat
from pathlib import Path
from typing import Any

import httpx
import pytest

from dripcast.core.channels import Bluesky
from dripcast.core.errors import AuthExpired, Rejected, Retryable
from dripcast.core.extras import BlueskyExtra
from formatters.facets import facets
from publishers.atproto import TID_RE, post_rkey
from publishers.bluesky import BlueskyPublisher
from tests.publishers.fake import FakeNetwork, json_body, reply, timeout_after_send
from tests.publishers.jpeg_media import context, file_bytes, jpegs, post

DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
X = "/xrpc/"
SESSION = {"did": DID, "handle": "bakery.example", "accessJwt": "acc-1", "refreshJwt": "ref-1"}
RKEY = post_rkey(42, "demo-bakery/social")


def blob(n: int) -> dict[str, Any]:
    return {
        "blob": {
            "$type": "blob",
            "ref": {"$link": f"bafkreibabalobzn6cd366ukcsjycp4yymjymgfxcv6xczmlgpemzkz3cf{n}"},
            "mimeType": "image/jpeg",
            "size": 1234,
        }
    }


def created(request: httpx.Request) -> httpx.Response:
    rkey = json_body(request)["rkey"]
    return httpx.Response(
        200,
        json={
            "uri": f"at://{DID}/app.bsky.feed.post/{rkey}",
            "cid": "bafyreid",
            "validationStatus": "valid",
        },
    )


def network() -> FakeNetwork:
    net = FakeNetwork()
    net.route("POST", X + "com.atproto.server.createSession", reply(200, SESSION))
    net.route(
        "POST",
        X + "com.atproto.repo.uploadBlob",
        reply(200, blob(1)),
        reply(200, blob(2)),
        reply(200, blob(3)),
    )
    net.route("POST", X + "com.atproto.repo.createRecord", created)
    return net


def publisher(net: FakeNetwork, tmp_path: Path) -> BlueskyPublisher:
    ch = Bluesky.model_validate(
        {
            "id": "bsky",
            "type": "bluesky",
            "handle": "bakery.example",
            "app_password": "app-pass-SECRET",
        }
    )
    return BlueskyPublisher(ch, context(net.client(), tmp_path))


def session_file(tmp_path: Path) -> Path:
    return tmp_path / "state" / "bluesky-session.json"


def stored(tmp_path: Path, **kw: str) -> None:
    path = session_file(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({**SESSION, "service": "https://bsky.social", **kw}))


async def test_single_photo_logs_in_uploads_blob_and_writes_record(tmp_path: Path) -> None:
    net = network()
    media = jpegs(tmp_path, "Cinnamon buns", size=(40, 30))
    text = "Buns! #bakery https://example.com/shop"
    got = await publisher(net, tmp_path).publish(
        post(media, text=text, extra=BlueskyExtra(facets=tuple(facets(text))))
    )

    assert net.calls() == [
        ("POST", X + "com.atproto.server.createSession"),
        ("POST", X + "com.atproto.repo.uploadBlob"),
        ("POST", X + "com.atproto.repo.createRecord"),
    ]
    login, upload, create = net.requests
    assert str(login.url).startswith("https://bsky.social/xrpc/")
    assert json_body(login) == {"identifier": "bakery.example", "password": "app-pass-SECRET"}
    assert upload.headers["content-type"] == "image/jpeg"
    assert upload.headers["authorization"] == "Bearer acc-1"
    assert upload.content == file_bytes(media[0])

    body = json_body(create)
    assert create.headers["authorization"] == "Bearer acc-1"
    assert (body["repo"], body["collection"], body["rkey"]) == (DID, "app.bsky.feed.post", RKEY)
    assert TID_RE.match(body["rkey"])
    record = body["record"]
    assert record["$type"] == "app.bsky.feed.post"
    assert record["text"] == "Buns! #bakery https://example.com/shop"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record["createdAt"])
    assert "langs" not in record  # unknown language: say nothing rather than something wrong
    assert record["facets"] == [
        {
            "index": {"byteStart": 6, "byteEnd": 13},
            "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "bakery"}],
        },
        {
            "index": {"byteStart": 14, "byteEnd": 38},
            "features": [
                {"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/shop"}
            ],
        },
    ]
    assert record["embed"] == {
        "$type": "app.bsky.embed.images",
        "images": [
            {
                "image": blob(1)["blob"],
                "alt": "Cinnamon buns",
                "aspectRatio": {"width": 40, "height": 30},
            }
        ],
    }
    assert got.external_id == f"at://{DID}/app.bsky.feed.post/{RKEY}"
    assert got.url == f"https://bsky.app/profile/{DID}/post/{RKEY}"

    path = session_file(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["refreshJwt"] == "ref-1"


async def test_several_photos_in_order_with_formatter_facets(tmp_path: Path) -> None:
    net = network()
    given = [
        {
            "index": {"byteStart": 0, "byteEnd": 4},
            "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "x"}],
        }
    ]
    p = post(jpegs(tmp_path, "one", "two", "three"), extra=BlueskyExtra(facets=tuple(given)))
    await publisher(net, tmp_path).publish(p)

    uploads = [r for r in net.requests if r.url.path.endswith("uploadBlob")]
    assert len(uploads) == 3
    record = json_body(net.requests[-1])["record"]
    assert record["facets"] == given
    assert "langs" not in record  # no language given, none said
    images = record["embed"]["images"]
    assert [i["alt"] for i in images] == ["one", "two", "three"]
    assert [i["image"] for i in images] == [blob(1)["blob"], blob(2)["blob"], blob(3)["blob"]]


async def test_facets_come_only_from_the_formatter(tmp_path: Path) -> None:
    # One detector (formatters/facets.py): the publisher never finds links or tags itself.
    net = network()
    media = jpegs(tmp_path, "one")
    await publisher(net, tmp_path).publish(post(media, text="#bakery https://example.com"))
    assert "facets" not in json_body(net.requests[-1])["record"]


async def test_more_than_four_images_is_rejected_before_any_call(tmp_path: Path) -> None:
    net = network()
    with pytest.raises(Rejected, match="at most 4"):
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, *"abcde")))
    assert net.requests == []


async def test_stored_session_is_reused_and_expired_token_is_refreshed(tmp_path: Path) -> None:
    stored(tmp_path)
    net = network()

    def upload(request: httpx.Request) -> httpx.Response:
        if request.headers["authorization"] == "Bearer acc-1":
            return httpx.Response(
                400, json={"error": "ExpiredToken", "message": "Token has expired"}
            )
        return httpx.Response(200, json=blob(1))

    net.route("POST", X + "com.atproto.repo.uploadBlob", upload)
    net.route(
        "POST",
        X + "com.atproto.server.refreshSession",
        reply(200, {**SESSION, "accessJwt": "acc-2", "refreshJwt": "ref-2"}),
    )
    await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))

    assert net.calls() == [
        ("POST", X + "com.atproto.repo.uploadBlob"),
        ("POST", X + "com.atproto.server.refreshSession"),
        ("POST", X + "com.atproto.repo.uploadBlob"),
        ("POST", X + "com.atproto.repo.createRecord"),
    ]
    assert net.requests[1].headers["authorization"] == "Bearer ref-1"
    assert net.requests[3].headers["authorization"] == "Bearer acc-2"
    saved = json.loads(session_file(tmp_path).read_text())
    assert (saved["accessJwt"], saved["refreshJwt"]) == ("acc-2", "ref-2")
    assert stat.S_IMODE(session_file(tmp_path).stat().st_mode) == 0o600


async def test_failed_refresh_logs_in_again(tmp_path: Path) -> None:
    stored(tmp_path)
    net = network()
    expired = reply(400, {"error": "ExpiredToken", "message": "Token has expired"})
    net.route("POST", X + "com.atproto.repo.uploadBlob", expired, reply(200, blob(1)))
    net.route("POST", X + "com.atproto.server.refreshSession", expired)
    net.route(
        "POST",
        X + "com.atproto.server.createSession",
        reply(200, {**SESSION, "accessJwt": "acc-3"}),
    )
    await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))
    assert [c[1].rsplit(".", 1)[-1] for c in net.calls()] == [
        "uploadBlob",
        "refreshSession",
        "createSession",
        "uploadBlob",
        "createRecord",
    ]
    assert net.requests[-1].headers["authorization"] == "Bearer acc-3"


async def test_session_of_another_handle_is_not_used(tmp_path: Path) -> None:
    stored(tmp_path, handle="someone.else")
    net = network()
    await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))
    assert net.calls()[0] == ("POST", X + "com.atproto.server.createSession")


async def test_refused_login_is_auth_expired_without_the_password(tmp_path: Path) -> None:
    net = network()
    net.route(
        "POST",
        X + "com.atproto.server.createSession",
        reply(
            401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
        ),
    )
    with pytest.raises(AuthExpired, match="Invalid identifier or password") as e:
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))
    assert "app-pass-SECRET" not in str(e.value)
    assert not session_file(tmp_path).exists()


async def test_taken_down_account_is_auth_expired(tmp_path: Path) -> None:
    stored(tmp_path)
    net = network()
    net.route(
        "POST",
        X + "com.atproto.repo.uploadBlob",
        reply(400, {"error": "AccountTakedown", "message": "Account has been taken down"}),
    )
    with pytest.raises(AuthExpired, match="AccountTakedown"):
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))


async def test_429_reads_ratelimit_reset_epoch(tmp_path: Path) -> None:
    import time

    stored(tmp_path)
    net = network()
    reset = str(int(time.time()) + 300)
    net.route(
        "POST",
        X + "com.atproto.repo.uploadBlob",
        reply(
            429,
            {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
            {"RateLimit-Limit": "5000", "RateLimit-Remaining": "0", "RateLimit-Reset": reset},
        ),
    )
    with pytest.raises(Retryable, match="RateLimitExceeded") as e:
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))
    assert e.value.retry_after is not None and 290 < e.value.retry_after <= 300


async def test_5xx_on_upload_is_retryable(tmp_path: Path) -> None:
    stored(tmp_path)
    net = network()
    net.route("POST", X + "com.atproto.repo.uploadBlob", reply(502, "Bad Gateway"))
    with pytest.raises(Retryable, match="502"):
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))


async def test_invalid_record_is_rejected_with_the_pds_message(tmp_path: Path) -> None:
    stored(tmp_path)
    net = network()
    msg = "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes"
    net.route(
        "POST",
        X + "com.atproto.repo.createRecord",
        reply(400, {"error": "InvalidRequest", "message": msg}),
    )
    with pytest.raises(Rejected, match=re.escape(msg)):
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))
    assert ("GET", X + "com.atproto.repo.getRecord") not in net.calls()


def record_of(text: str, rkey: str = RKEY) -> dict[str, Any]:
    return {
        "uri": f"at://{DID}/app.bsky.feed.post/{rkey}",
        "cid": "bafyold",
        "value": {"$type": "app.bsky.feed.post", "text": text},
    }


NOT_FOUND = reply(400, {"error": "RecordNotFound", "message": "Could not locate record"})


async def test_timeout_after_create_checks_then_retries_with_same_rkey(tmp_path: Path) -> None:
    stored(tmp_path)
    net = network()
    net.route("POST", X + "com.atproto.repo.createRecord", timeout_after_send, created)
    net.route("GET", X + "com.atproto.repo.getRecord", NOT_FOUND)
    pub = publisher(net, tmp_path)
    p = post(jpegs(tmp_path, "x"))
    with pytest.raises(Retryable, match="same rkey"):
        await pub.publish(p)
    got = await pub.publish(p)
    rkeys = [json_body(r)["rkey"] for r in net.requests if r.url.path.endswith("createRecord")]
    assert rkeys == [RKEY, RKEY]
    get = next(r for r in net.requests if r.url.path.endswith("getRecord"))
    assert dict(get.url.params) == {"repo": DID, "collection": "app.bsky.feed.post", "rkey": RKEY}
    assert got.url is not None and got.url.endswith(RKEY)
    assert BlueskyPublisher.idempotent


@pytest.mark.parametrize(
    "taken",
    [
        reply(500, {"error": "InternalServerError", "message": "Internal Server Error"}),
        reply(409, {"error": "RecordAlreadyExists", "message": "Record already exists"}),
        reply(400, {"error": "InvalidRequest", "message": "Record already exists"}),
    ],
)
async def test_retry_that_finds_its_record_is_success_not_a_duplicate(
    tmp_path: Path, taken: Any
) -> None:
    stored(tmp_path)
    net = network()
    net.route("POST", X + "com.atproto.repo.createRecord", taken)
    net.route("GET", X + "com.atproto.repo.getRecord", reply(200, record_of("Fresh buns! #bakery")))
    got = await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))
    assert got.external_id == f"at://{DID}/app.bsky.feed.post/{RKEY}"
    assert net.calls().count(("POST", X + "com.atproto.repo.createRecord")) == 1


async def test_key_held_by_another_record_moves_to_the_next_key(tmp_path: Path) -> None:
    stored(tmp_path)
    net = network()
    net.route(
        "POST",
        X + "com.atproto.repo.createRecord",
        reply(500, {"error": "InternalServerError", "message": "Internal Server Error"}),
        created,
    )
    net.route("GET", X + "com.atproto.repo.getRecord", reply(200, record_of("an older post")))
    got = await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))
    rkeys = [json_body(r)["rkey"] for r in net.requests if r.url.path.endswith("createRecord")]
    second = post_rkey(42, "demo-bakery/social", 1)
    assert rkeys == [RKEY, second]
    assert got.url is not None and got.url.endswith(second)


async def test_server_error_with_no_record_stays_retryable(tmp_path: Path) -> None:
    stored(tmp_path)
    net = network()
    net.route(
        "POST",
        X + "com.atproto.repo.createRecord",
        reply(503, {"error": "InternalServerError", "message": "busy"}),
    )
    net.route("GET", X + "com.atproto.repo.getRecord", NOT_FOUND)
    with pytest.raises(Retryable, match="503"):
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))


async def test_find_looks_up_the_posts_rkey(tmp_path: Path) -> None:
    stored(tmp_path)
    net = network()
    net.route(
        "GET",
        X + "com.atproto.repo.getRecord",
        reply(200, record_of("Fresh buns! #bakery")),
        NOT_FOUND,
    )
    pub = publisher(net, tmp_path)
    p = post(())
    found = await pub.find(p)
    assert found is not None and found.url == f"https://bsky.app/profile/{DID}/post/{RKEY}"
    assert await pub.find(p) is None


async def test_check_reads_the_session(tmp_path: Path) -> None:
    stored(tmp_path)
    net = network()
    net.route(
        "GET",
        X + "com.atproto.server.getSession",
        reply(200, {"handle": "bakery.example", "did": DID}),
    )
    assert await publisher(net, tmp_path).check() == f"@bakery.example ({DID})"


async def test_login_rate_limit_is_retryable_and_session_reused_after(tmp_path: Path) -> None:
    import time

    net = network()
    reset = str(int(time.time()) + 200)
    net.route(
        "POST",
        X + "com.atproto.server.createSession",
        reply(
            429,
            {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
            {"RateLimit-Reset": reset},
        ),
        reply(200, SESSION),
    )
    pub = publisher(net, tmp_path)
    with pytest.raises(Retryable) as e:
        await pub.publish(post(jpegs(tmp_path, "x")))
    assert e.value.retry_after is not None and 190 < e.value.retry_after <= 200
    await pub.publish(post(jpegs(tmp_path, "x")))
    await pub.publish(post(jpegs(tmp_path, "x"), id=43))
    assert net.calls().count(("POST", X + "com.atproto.server.createSession")) == 2
