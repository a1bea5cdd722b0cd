"""Telegram: a bot posts the photo, or an album, to a chat or channel.

    POST /bot<token>/sendPhoto        multipart chat_id, caption, photo
    POST /bot<token>/sendMediaGroup   multipart chat_id, media (JSON of InputMediaPhoto with
                                      `attach://photoN`), one part per photo; caption on item 1
    GET  /bot<token>/getMe            for `check --online`

Every answer is `{"ok": true, "result": …}` or `{"ok": false, "error_code",
"description", "parameters": {"retry_after", "migrate_to_chat_id"}}`. Captions
go as plain text (no parse_mode), so nothing needs escaping. The bot token is in
the URL path: every error leaving this module is scrubbed of it. Telegram has
no way for a bot to list a chat's messages, so a lost answer stays unknown.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from dripcast.core.channels import Telegram
from dripcast.core.domain import Post, Published
from dripcast.core.errors import AuthExpired, PublishError, Rejected, Retryable
from dripcast.core.publisher import Context, Publisher
from publishers.files import content_type, read_media, upload_name
from publishers.http import error_for, send
from publishers.redact import redacting

API = "https://api.telegram.org"
ALBUM_MAX = 10


class TelegramPublisher(Publisher):
    def __init__(self, channel: Telegram, ctx: Context) -> None:
        self.ctx = ctx
        self.http = ctx.http
        self.token = channel.bot_token.get_secret_value()
        self.chat_id = channel.chat_id

    def _url(self, method: str) -> str:
        return f"{API}/bot{self.token}/{method}"

    async def publish(self, post: Post) -> Published:
        with redacting(self.token):
            if len(post.media) > ALBUM_MAX:
                raise Rejected(f"a Telegram album holds at most {ALBUM_MAX} photos")
            if not post.media:
                result = await self._call(
                    "sendMessage", data={"chat_id": self.chat_id, "text": post.text}
                )
            elif len(post.media) == 1:
                m = post.media[0]
                result = await self._call(
                    "sendPhoto",
                    data={"chat_id": self.chat_id, "caption": post.text},
                    files={
                        "photo": (upload_name(m, 1), await read_media(self.ctx, m), content_type(m))
                    },
                )
            else:
                result = await self._album(post)
            first = result[0] if isinstance(result, list) else result
            return Published(external_id=str(first["message_id"]), url=_link(first))

    async def _album(self, post: Post) -> Any:
        items: list[dict[str, str]] = []
        files: list[tuple[str, tuple[str, bytes, str]]] = []
        for i, m in enumerate(post.media, 1):
            name = f"photo{i}"
            item = {"type": "photo", "media": f"attach://{name}"}
            if i == 1 and post.text:
                item["caption"] = post.text
            items.append(item)
            files.append(
                (name, (upload_name(m, i), await read_media(self.ctx, m), content_type(m)))
            )
        return await self._call(
            "sendMediaGroup",
            data={"chat_id": self.chat_id, "media": json.dumps(items, ensure_ascii=False)},
            files=files,
        )

    async def check(self) -> str:
        with redacting(self.token):
            me = await self._call("getMe", method="GET")
            return f"@{me.get('username')} (bot {me.get('id')})"

    async def _call(self, name: str, method: str = "POST", **kwargs: Any) -> Any:
        r = await send(self.http, method, self._url(name), **kwargs)
        try:
            body = r.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and body.get("ok") is True:
            return body["result"]
        raise _error(r, body)


def _error(r: httpx.Response, body: Any) -> PublishError:
    if not isinstance(body, dict):
        return error_for(r)
    code = body.get("error_code", r.status_code)
    what = f"{code}: {body.get('description') or 'no description'}"
    found = body.get("parameters")
    params: dict[str, Any] = found if isinstance(found, dict) else {}
    if isinstance(params.get("retry_after"), int | float):
        return Retryable(what, retry_after=float(params["retry_after"]))
    if "migrate_to_chat_id" in params:
        # A group that became a supergroup has a new id; the config must follow it.
        return Rejected(f"{what}; set chat_id to {params['migrate_to_chat_id']}")
    if code in (401, 403, 404):
        # 401: token revoked; 403: bot removed from the chat; 404: malformed token.
        return AuthExpired(what)
    if code == 429 or (isinstance(code, int) and code >= 500):
        return Retryable(what)
    return Rejected(what)


def _link(message: dict[str, Any]) -> str | None:
    chat = message.get("chat") or {}
    if chat.get("username"):
        return f"https://t.me/{chat['username']}/{message['message_id']}"
    chat_id = str(chat.get("id", ""))
    if chat_id.startswith("-100"):  # private channel or supergroup: members-only link
        return f"https://t.me/c/{chat_id[4:]}/{message['message_id']}"
    return None
