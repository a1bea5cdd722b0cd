from __future__ import annotations

import json
import traceback
from pathlib import Path
from typing import Any

import httpx
import pytest

from dripcast.core.channels import Discord
from dripcast.core.errors import AuthExpired, OutcomeUnknown, Rejected, Retryable
from publishers.discord import DiscordPublisher
from tests.publishers.fake import FakeNetwork, multipart, reply
from tests.publishers.jpeg_media import context, file_bytes, jpegs, post

TOKEN = "Vh7XJ2m_9YtQpL0sEcretWebhookTokenAbCdEfGhIjKlMnOp"
HOOK = f"/api/webhooks/1180000000000000001/{TOKEN}"
URL = f"https://discord.com{HOOK}"
WEBHOOK = {
    "id": "1180000000000000001",
    "type": 1,
    "name": "Bakery",
    "channel_id": "222",
    "guild_id": "111",
}


def message(**kw: Any) -> dict[str, Any]:
    return {
        "id": "1190000000000000009",
        "channel_id": "222",
        "content": "Fresh buns! #bakery",
        "webhook_id": WEBHOOK["id"],
        **kw,
    }


def publisher(net: FakeNetwork, tmp_path: Path, url: str = URL) -> DiscordPublisher:
    ch = Discord.model_validate({"id": "dc", "type": "discord", "webhook_url": url})
    return DiscordPublisher(ch, context(net.client(), tmp_path))


def assert_no_secret(e: BaseException) -> None:
    assert TOKEN not in "".join(traceback.format_exception(e))


async def test_single_photo_is_payload_json_and_files_0(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", HOOK, reply(200, message(guild_id="111")))
    media = jpegs(tmp_path, "Cinnamon buns on a tray")
    got = await publisher(net, tmp_path).publish(post(media))

    assert net.calls() == [("POST", HOOK)]
    assert dict(net.requests[0].url.params) == {"wait": "true"}
    parts = multipart(net.requests[0])
    assert [(p.name, p.filename, p.content_type) for p in parts] == [
        ("payload_json", None, None),
        ("files[0]", "photo1.jpg", "image/jpeg"),
    ]
    assert json.loads(parts[0].data) == {
        "content": "Fresh buns! #bakery",
        "allowed_mentions": {"parse": []},
        "attachments": [
            {"id": 0, "filename": "photo1.jpg", "description": "Cinnamon buns on a tray"}
        ],
    }
    assert parts[1].data == file_bytes(media[0])
    assert got.external_id == "1190000000000000009"
    assert got.url == "https://discord.com/channels/111/222/1190000000000000009"


async def test_several_photos_each_with_alt_and_guild_looked_up_once(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", HOOK, reply(200, message()))
    net.route("GET", HOOK, reply(200, WEBHOOK))
    media = jpegs(tmp_path, "one", "two", "three")
    pub = publisher(net, tmp_path)
    got = await pub.publish(post(media))
    await pub.publish(post(media, id=43))

    parts = multipart(net.requests[0])
    assert [p.name for p in parts] == ["payload_json", "files[0]", "files[1]", "files[2]"]
    attachments = json.loads(parts[0].data)["attachments"]
    assert [(a["id"], a["description"]) for a in attachments] == [
        (0, "one"),
        (1, "two"),
        (2, "three"),
    ]
    assert [p.data for p in parts[1:]] == [file_bytes(m) for m in media]
    assert got.url == "https://discord.com/channels/111/222/1190000000000000009"
    assert net.calls() == [("POST", HOOK), ("GET", HOOK), ("POST", HOOK)]


async def test_thread_id_in_the_webhook_url_is_kept(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", HOOK, reply(200, message(guild_id="111")))
    await publisher(net, tmp_path, url=URL + "?thread_id=333").publish(post(jpegs(tmp_path, "x")))
    assert dict(net.requests[0].url.params) == {"thread_id": "333", "wait": "true"}


async def test_failed_guild_lookup_only_costs_the_link(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", HOOK, reply(200, message()))
    net.route("GET", HOOK, reply(500, {"message": "oops", "code": 0}))
    got = await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))
    assert (got.external_id, got.url) == ("1190000000000000009", None)


async def test_429_prefers_the_precise_body_retry_after(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route(
        "POST",
        HOOK,
        reply(
            429,
            {"message": "You are being rate limited.", "retry_after": 1.5, "global": False},
            {"Retry-After": "2"},
        ),
    )
    with pytest.raises(Retryable, match="rate limited") as e:
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))
    assert e.value.retry_after == 1.5
    assert_no_secret(e.value)


async def test_429_without_json_falls_back_to_the_header(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", HOOK, reply(429, "error code: 1015", {"Retry-After": "30"}))
    with pytest.raises(Retryable) as e:
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))
    assert e.value.retry_after == 30.0


async def test_5xx_is_retryable(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", HOOK, reply(503, "upstream connect error"))
    with pytest.raises(Retryable, match="503"):
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (401, {"message": "Invalid Webhook Token", "code": 50027}),
        (404, {"message": "Unknown Webhook", "code": 10015}),
    ],
)
async def test_deleted_or_bad_webhook_is_auth_expired(
    tmp_path: Path, status: int, body: dict[str, Any]
) -> None:
    net = FakeNetwork()
    net.route("POST", HOOK, reply(status, body))
    with pytest.raises(AuthExpired, match=str(body["message"])) as e:
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))
    assert_no_secret(e.value)


async def test_invalid_form_body_is_rejected_with_the_field_errors(tmp_path: Path) -> None:
    net = FakeNetwork()
    body = {
        "message": "Invalid Form Body",
        "code": 50035,
        "errors": {
            "attachments": {
                "0": {
                    "description": {
                        "_errors": [
                            {
                                "code": "BASE_TYPE_MAX_LENGTH",
                                "message": "Must be 1024 or fewer in length.",
                            }
                        ]
                    }
                }
            }
        },
    }
    net.route("POST", HOOK, reply(400, body))
    with pytest.raises(
        Rejected,
        match=r"Invalid Form Body \(attachments.0.description: Must be 1024 or fewer in length.\)",
    ):
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))


async def test_too_large_upload_is_rejected(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", HOOK, reply(413, {"message": "Request entity too large", "code": 40005}))
    with pytest.raises(Rejected, match="Request entity too large"):
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))


async def test_timeout_after_send_is_unknown_and_hides_the_webhook(tmp_path: Path) -> None:
    def timeout_naming_url(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout(f"timed out waiting for {request.url}", request=request)

    net = FakeNetwork()
    net.route("POST", HOOK, timeout_naming_url)
    with pytest.raises(OutcomeUnknown) as e:
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))
    assert_no_secret(e.value)
    assert not DiscordPublisher.idempotent


async def test_more_than_ten_files_is_rejected_before_any_call(tmp_path: Path) -> None:
    net = FakeNetwork()
    with pytest.raises(Rejected, match="at most 10"):
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, *"abcdefghijk")))
    assert net.requests == []


async def test_check_reads_the_webhook(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("GET", HOOK, reply(200, WEBHOOK))
    assert await publisher(net, tmp_path).check() == "webhook 'Bakery' → channel 222"
