from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from dripcast.core.channels import Mastodon
from dripcast.core.errors import AuthExpired, Rejected, Retryable
from dripcast.core.extras import MastodonExtra
from publishers.mastodon import MastodonPublisher, instance_limits
from tests.publishers.fake import FakeNetwork, form_body, multipart, reply, timeout_after_send
from tests.publishers.jpeg_media import context, file_bytes, jpegs, post

BASE = "https://social.example"
STATUS = {
    "id": "113000000000000001",
    "uri": f"{BASE}/users/bakery/statuses/113000000000000001",
    "url": f"{BASE}/@bakery/113000000000000001",
    "visibility": "public",
}


def media_json(mid: str, url: str | None) -> dict[str, object]:
    return {
        "id": mid,
        "type": "image",
        "url": url,
        "preview_url": f"{BASE}/media/{mid}/small.jpg",
        "description": "alt",
        "blurhash": "UFBWY:8_0Jxu",
    }


def channel() -> Mastodon:
    return Mastodon.model_validate(
        {"id": "masto", "type": "mastodon", "instance": BASE + "/", "token": "tok-SECRET"}
    )


def publisher(net: FakeNetwork, tmp_path: Path) -> MastodonPublisher:
    pub = MastodonPublisher(channel(), context(net.client(), tmp_path))
    pub.poll_interval = 0
    return pub


async def test_single_photo_upload_then_public_status(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", "/api/v2/media", reply(200, media_json("7", f"{BASE}/m/7.jpg")))
    net.route("POST", "/api/v1/statuses", reply(200, STATUS))
    media = jpegs(tmp_path, "Cinnamon buns on a tray")

    got = await publisher(net, tmp_path).publish(post(media))

    assert got.external_id == STATUS["id"]
    assert got.url == STATUS["url"]
    assert net.calls() == [("POST", "/api/v2/media"), ("POST", "/api/v1/statuses")]
    upload, status = net.requests
    assert upload.headers["authorization"] == "Bearer tok-SECRET"
    parts = multipart(upload)
    assert [(p.name, p.filename, p.content_type) for p in parts] == [
        ("description", None, None),
        ("file", "photo1.jpg", "image/jpeg"),
    ]
    assert parts[0].data == b"Cinnamon buns on a tray"
    assert parts[1].data == file_bytes(media[0])
    assert form_body(status) == {
        "status": ["Fresh buns! #bakery"],
        "visibility": ["public"],
        "media_ids[]": ["7"],
    }
    assert status.headers["idempotency-key"] == "dripcast-post-42"
    assert status.headers["authorization"] == "Bearer tok-SECRET"


async def test_language_from_the_formatter_is_sent(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", "/api/v2/media", reply(200, media_json("7", f"{BASE}/m/7.jpg")))
    net.route("POST", "/api/v1/statuses", reply(200, STATUS))
    media = jpegs(tmp_path, "Cinnamon buns")
    await publisher(net, tmp_path).publish(post(media, extra=MastodonExtra(language="da")))
    assert form_body(net.requests[-1])["language"] == ["da"]


async def test_several_photos_keep_order_and_alt_and_poll_202(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route(
        "POST",
        "/api/v2/media",
        reply(200, media_json("1", f"{BASE}/m/1.jpg")),
        reply(202, media_json("2", None)),
        reply(200, media_json("3", f"{BASE}/m/3.jpg")),
    )
    net.route(
        "GET",
        "/api/v1/media/2",
        reply(206, media_json("2", None)),
        reply(200, media_json("2", f"{BASE}/m/2.jpg")),
    )
    net.route("POST", "/api/v1/statuses", reply(200, STATUS))

    await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "one", "two", "three")))

    assert net.calls() == [
        ("POST", "/api/v2/media"),
        ("POST", "/api/v2/media"),
        ("GET", "/api/v1/media/2"),
        ("GET", "/api/v1/media/2"),
        ("POST", "/api/v2/media"),
        ("POST", "/api/v1/statuses"),
    ]
    alts = [multipart(r)[0].data for r in net.requests if r.url.path == "/api/v2/media"]
    assert alts == [b"one", b"two", b"three"]
    assert form_body(net.requests[-1])["media_ids[]"] == ["1", "2", "3"]


async def test_media_that_never_finishes_processing_is_retryable(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", "/api/v2/media", reply(202, media_json("9", None)))
    net.route("GET", "/api/v1/media/9", reply(206, media_json("9", None)))
    pub = publisher(net, tmp_path)
    pub.poll_attempts = 3
    with pytest.raises(Retryable, match="still processing"):
        await pub.publish(post(jpegs(tmp_path, "x")))
    assert net.calls().count(("GET", "/api/v1/media/9")) == 3
    assert ("POST", "/api/v1/statuses") not in net.calls()


async def test_429_reads_x_ratelimit_reset_iso8601(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    reset = (datetime.now(UTC) + timedelta(seconds=120)).isoformat().replace("+00:00", "Z")
    net = FakeNetwork()
    net.route(
        "POST",
        "/api/v2/media",
        reply(
            429,
            {"error": "Too many requests"},
            {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset},
        ),
    )
    with pytest.raises(Retryable) as e:
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))
    assert e.value.retry_after is not None
    assert 100 < e.value.retry_after <= 120


async def test_5xx_is_retryable(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", "/api/v2/media", reply(200, media_json("1", f"{BASE}/m/1.jpg")))
    net.route("POST", "/api/v1/statuses", reply(503, "<html>Service Unavailable</html>"))
    with pytest.raises(Retryable, match="503"):
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))


async def test_invalid_token_is_auth_expired(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", "/api/v2/media", reply(401, {"error": "The access token is invalid"}))
    with pytest.raises(AuthExpired, match="The access token is invalid"):
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))


async def test_validation_failure_is_rejected_with_mastodons_message(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", "/api/v2/media", reply(200, media_json("1", f"{BASE}/m/1.jpg")))
    msg = "Validation failed: Text character limit of 500 exceeded"
    net.route("POST", "/api/v1/statuses", reply(422, {"error": msg}))
    with pytest.raises(Rejected, match=msg):
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))


async def test_timeout_after_status_sent_retries_with_the_same_key(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", "/api/v2/media", reply(200, media_json("1", f"{BASE}/m/1.jpg")))
    net.route("POST", "/api/v1/statuses", timeout_after_send, reply(200, STATUS))
    pub = publisher(net, tmp_path)
    p = post(jpegs(tmp_path, "x"))
    with pytest.raises(Retryable) as e:
        await pub.publish(p)
    assert e.value.retry_after is not None and e.value.retry_after < 3600
    got = await pub.publish(p)
    assert got.external_id == STATUS["id"]
    keys = [r.headers["idempotency-key"] for r in net.requests if r.url.path.endswith("statuses")]
    assert keys == ["dripcast-post-42", "dripcast-post-42"]
    assert MastodonPublisher.idempotent


async def test_timeout_during_upload_is_retryable_not_unknown(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", "/api/v2/media", timeout_after_send)
    with pytest.raises(Retryable):
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))


async def test_different_posts_get_different_keys(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", "/api/v2/media", reply(200, media_json("1", f"{BASE}/m/1.jpg")))
    net.route("POST", "/api/v1/statuses", reply(200, STATUS))
    pub = publisher(net, tmp_path)
    media = jpegs(tmp_path, "x")
    await pub.publish(post(media, id=1))
    await pub.publish(post(media, id=2))
    keys = {r.headers["idempotency-key"] for r in net.requests if r.url.path.endswith("statuses")}
    assert len(keys) == 2


async def test_missing_media_file_is_rejected_before_any_call(tmp_path: Path) -> None:
    net = FakeNetwork()
    media = jpegs(tmp_path, "x")
    media = (replace(media[0], path=str(tmp_path / "gone.jpg")),)
    with pytest.raises(Rejected, match="cannot read media file"):
        await publisher(net, tmp_path).publish(post(media))
    assert net.requests == []


async def test_check_verifies_credentials(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route(
        "GET",
        "/api/v1/accounts/verify_credentials",
        reply(200, {"id": "1", "username": "bakery", "acct": "bakery"}),
    )
    assert await publisher(net, tmp_path).check() == f"@bakery on {BASE}"
    assert net.requests[0].headers["authorization"] == "Bearer tok-SECRET"


async def test_instance_limits_read_from_v2_instance() -> None:
    net = FakeNetwork()
    conf = {
        "statuses": {
            "max_characters": 5000,
            "max_media_attachments": 4,
            "characters_reserved_per_url": 23,
        },
        "media_attachments": {"image_size_limit": 16777216, "description_limit": 1500},
    }
    net.route(
        "GET", "/api/v2/instance", reply(200, {"domain": "social.example", "configuration": conf})
    )
    async with net.client() as http:
        limits = await instance_limits(http, BASE)
    assert limits.max_characters == 5000
    assert limits.image_size_limit == 16777216
    assert limits.description_limit == 1500


async def test_instance_limits_fall_back_to_v1_and_defaults() -> None:
    net = FakeNetwork()
    net.route("GET", "/api/v2/instance", reply(404, {"error": "Record not found"}))
    net.route("GET", "/api/v1/instance", reply(200, {"configuration": {"statuses": {}}}))
    async with net.client() as http:
        limits = await instance_limits(http, BASE)
    assert (limits.max_characters, limits.max_media_attachments) == (500, 4)
    assert net.calls() == [("GET", "/api/v2/instance"), ("GET", "/api/v1/instance")]


async def test_instance_without_configuration_is_a_clear_error() -> None:
    net = FakeNetwork()
    net.route("GET", "/api/v2/instance", reply(200, {"domain": "x"}))
    async with net.client() as http:
        with pytest.raises(Rejected, match="configuration"):
            await instance_limits(http, BASE)


async def test_media_not_yet_processed_when_posting_is_retryable(tmp_path: Path) -> None:
    # Mastodon's answer when a status names media still being processed: try again soon.
    net = FakeNetwork()
    net.route("POST", "/api/v2/media", reply(200, media_json("1", f"{BASE}/m/1.jpg")))
    msg = "Cannot attach files that have not finished processing. Try again in a moment!"
    net.route("POST", "/api/v1/statuses", reply(422, {"error": msg}))
    with pytest.raises(Retryable, match="not finished processing") as e:
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))
    assert e.value.retry_after == 60.0
