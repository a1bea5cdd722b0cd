from __future__ import annotations

import json
import traceback
from pathlib import Path
from typing import Any

import httpx
import pytest

from dripcast.core.channels import Telegram
from dripcast.core.errors import AuthExpired, OutcomeUnknown, Rejected, Retryable
from publishers.telegram import TelegramPublisher
from tests.publishers.fake import FakeNetwork, multipart, reply
from tests.publishers.jpeg_media import context, file_bytes, jpegs, post

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
BOT = f"/bot{TOKEN}/"
CHAT = {"id": -1001234567890, "title": "Demo Bakery", "type": "channel", "username": "demobakery"}


def message(mid: int, **kw: Any) -> dict[str, Any]:
    return {
        "message_id": mid,
        "date": 1795000000,
        "chat": CHAT,
        "photo": [{"file_id": "AgAC"}],
        **kw,
    }


def fail(code: int, description: str, **parameters: Any) -> Any:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return reply(code, body)


def publisher(net: FakeNetwork, tmp_path: Path, chat_id: str = "@demobakery") -> TelegramPublisher:
    ch = Telegram.model_validate(
        {"id": "tg", "type": "telegram", "bot_token": TOKEN, "chat_id": chat_id}
    )
    return TelegramPublisher(ch, context(net.client(), tmp_path))


def assert_no_token(e: BaseException) -> None:
    assert TOKEN not in "".join(traceback.format_exception(e))
    assert TOKEN.split(":")[1] not in str(e)


async def test_single_photo_is_send_photo_with_caption(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route(
        "POST",
        BOT + "sendPhoto",
        reply(200, {"ok": True, "result": message(77, caption="Fresh buns! #bakery")}),
    )
    media = jpegs(tmp_path, "alt is not sent: Telegram has none")
    got = await publisher(net, tmp_path).publish(post(media))

    assert net.calls() == [("POST", BOT + "sendPhoto")]
    assert net.requests[0].url.host == "api.telegram.org"
    parts = multipart(net.requests[0])
    assert [(p.name, p.filename) for p in parts] == [
        ("chat_id", None),
        ("caption", None),
        ("photo", "photo1.jpg"),
    ]
    assert parts[0].data == b"@demobakery"
    assert parts[1].data == b"Fresh buns! #bakery"
    assert parts[2].content_type == "image/jpeg"
    assert parts[2].data == file_bytes(media[0])
    assert got.external_id == "77"
    assert got.url == "https://t.me/demobakery/77"


async def test_several_photos_are_one_media_group_with_caption_on_the_first(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route(
        "POST",
        BOT + "sendMediaGroup",
        reply(200, {"ok": True, "result": [message(80), message(81), message(82)]}),
    )
    media = jpegs(tmp_path, "a", "b", "c")
    got = await publisher(net, tmp_path).publish(post(media, text="Tre slags brød 🥖"))

    parts = multipart(net.requests[0])
    assert [(p.name, p.filename) for p in parts] == [
        ("chat_id", None),
        ("media", None),
        ("photo1", "photo1.jpg"),
        ("photo2", "photo2.jpg"),
        ("photo3", "photo3.jpg"),
    ]
    assert json.loads(parts[1].data) == [
        {"type": "photo", "media": "attach://photo1", "caption": "Tre slags brød 🥖"},
        {"type": "photo", "media": "attach://photo2"},
        {"type": "photo", "media": "attach://photo3"},
    ]
    assert [p.data for p in parts[2:]] == [file_bytes(m) for m in media]
    assert got.external_id == "80"


async def test_private_channel_link_uses_the_c_form(tmp_path: Path) -> None:
    net = FakeNetwork()
    private = {"id": -1009876543210, "title": "Staff", "type": "channel"}
    net.route(
        "POST", BOT + "sendPhoto", reply(200, {"ok": True, "result": message(5, chat=private)})
    )
    got = await publisher(net, tmp_path, chat_id="-1009876543210").publish(
        post(jpegs(tmp_path, "x"))
    )
    assert got.url == "https://t.me/c/9876543210/5"


async def test_too_many_photos_is_rejected_before_any_call(tmp_path: Path) -> None:
    net = FakeNetwork()
    with pytest.raises(Rejected, match="at most 10"):
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, *"abcdefghijk")))
    assert net.requests == []


async def test_429_uses_parameters_retry_after(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route(
        "POST", BOT + "sendPhoto", fail(429, "Too Many Requests: retry after 35", retry_after=35)
    )
    with pytest.raises(Retryable, match="Too Many Requests") as e:
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))
    assert e.value.retry_after == 35.0
    assert_no_token(e.value)


async def test_5xx_is_retryable(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", BOT + "sendMediaGroup", reply(502, "<html><h1>502 Bad Gateway</h1></html>"))
    with pytest.raises(Retryable, match="502") as e:
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x", "y")))
    assert_no_token(e.value)


@pytest.mark.parametrize(
    ("code", "description"),
    [
        (401, "Unauthorized"),
        (403, "Forbidden: bot is not a member of the channel chat"),
        (404, "Not Found"),
    ],
)
async def test_revoked_token_or_removed_bot_is_auth_expired(
    tmp_path: Path, code: int, description: str
) -> None:
    net = FakeNetwork()
    net.route("POST", BOT + "sendPhoto", fail(code, description))
    with pytest.raises(AuthExpired, match=description) as e:
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))
    assert_no_token(e.value)


async def test_content_rejection_keeps_telegrams_description(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", BOT + "sendPhoto", fail(400, "Bad Request: message caption is too long"))
    with pytest.raises(Rejected, match="400: Bad Request: message caption is too long"):
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))


async def test_migrated_group_says_which_chat_id_to_use(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route(
        "POST",
        BOT + "sendPhoto",
        fail(
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            migrate_to_chat_id=-1001111,
        ),
    )
    with pytest.raises(Rejected, match="set chat_id to -1001111"):
        await publisher(net, tmp_path, chat_id="-4444").publish(post(jpegs(tmp_path, "x")))


async def test_timeout_after_send_is_unknown_and_never_shows_the_token(tmp_path: Path) -> None:
    def timeout_naming_url(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout(f"timed out waiting for {request.url}", request=request)

    net = FakeNetwork()
    net.route("POST", BOT + "sendPhoto", timeout_naming_url)
    with pytest.raises(OutcomeUnknown) as e:
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))
    assert "***" in str(e.value)
    assert_no_token(e.value)
    assert not TelegramPublisher.idempotent


async def test_check_calls_get_me(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route(
        "GET",
        BOT + "getMe",
        reply(
            200,
            {
                "ok": True,
                "result": {
                    "id": 123456789,
                    "is_bot": True,
                    "first_name": "Bakery",
                    "username": "bakery_bot",
                },
            },
        ),
    )
    assert await publisher(net, tmp_path).check() == "@bakery_bot (bot 123456789)"


async def test_check_with_bad_token_is_auth_expired_without_it(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("GET", BOT + "getMe", fail(401, "Unauthorized"))
    with pytest.raises(AuthExpired) as e:
        await publisher(net, tmp_path).check()
    assert_no_token(e.value)
