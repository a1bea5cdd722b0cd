"""Discord: a channel webhook posts the caption with the photos attached.

    POST {webhook_url}?wait=true   multipart payload_json + files[0..n]
    GET  {webhook_url}             the webhook itself, for `check --online` and the guild id

`payload_json` carries `content`, `attachments` (`id` = the n of `files[n]`,
`description` = alt text) and `allowed_mentions` set to nothing, so a caption
cannot ping @everyone. `wait=true` makes Discord answer with the message.
Errors are `{"message", "code", "errors"}`; 429 has `retry_after` in the body
and `Retry-After` as a header. The webhook URL is the credential: every error
leaving this module is scrubbed of it. Webhooks cannot list messages, so a
lost answer stays unknown.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from dripcast.core.channels import Discord
from dripcast.core.domain import Post, Published
from dripcast.core.errors import AuthExpired, PublishError, Rejected, Retryable
from dripcast.core.publisher import Context, Publisher
from publishers.files import content_type, read_media, upload_name
from publishers.http import error_for, retry_after, send
from publishers.redact import redacting

FILES_MAX = 10
# 10015 Unknown Webhook (deleted), 50027 Invalid Webhook Token: someone must make a new one.
GONE_CODES = frozenset({10015, 50027})


class DiscordPublisher(Publisher):
    def __init__(self, channel: Discord, ctx: Context) -> None:
        self.ctx = ctx
        self.http = ctx.http
        self.webhook = channel.webhook_url.get_secret_value()
        url = httpx.URL(self.webhook)
        self._secrets = (self.webhook, url.path.rsplit("/", 1)[-1])
        self._guild: str | None = None

    async def publish(self, post: Post) -> Published:
        with redacting(*self._secrets):
            if len(post.media) > FILES_MAX:
                raise Rejected(f"a Discord message holds at most {FILES_MAX} files")
            payload: dict[str, Any] = {"content": post.text, "allowed_mentions": {"parse": []}}
            files: list[tuple[str, tuple[str, bytes, str]]] = []
            attachments = []
            for n, m in enumerate(post.media):
                name = upload_name(m, n + 1)
                attachments.append({"id": n, "filename": name, "description": m.alt})
                files.append(
                    (f"files[{n}]", (name, await read_media(self.ctx, m), content_type(m)))
                )
            if attachments:
                payload["attachments"] = attachments
            r = await send(
                self.http,
                "POST",
                str(httpx.URL(self.webhook).copy_merge_params({"wait": "true"})),
                data={"payload_json": json.dumps(payload, ensure_ascii=False)},
                files=files,
            )
            message = _checked(r)
            return Published(external_id=str(message["id"]), url=await self._link(message))

    async def check(self) -> str:
        with redacting(*self._secrets):
            hook = await self._webhook_info()
            return f"webhook {hook.get('name')!r} → channel {hook.get('channel_id')}"

    async def _link(self, message: dict[str, Any]) -> str | None:
        guild = message.get("guild_id") or self._guild
        if guild is None:
            try:  # the post is live: a failed lookup must only cost the link
                guild = (await self._webhook_info()).get("guild_id")
            except (PublishError, ValueError):
                return None
        if not guild or "channel_id" not in message:
            return None
        return f"https://discord.com/channels/{guild}/{message['channel_id']}/{message['id']}"

    async def _webhook_info(self) -> dict[str, Any]:
        hook = _checked(await send(self.http, "GET", self.webhook))
        self._guild = hook.get("guild_id")
        return hook


def _checked(r: httpx.Response) -> dict[str, Any]:
    try:
        body = r.json()
    except ValueError:
        body = None
    if r.is_success and isinstance(body, dict):
        return body
    raise _error(r, body if isinstance(body, dict) else {})


def _error(r: httpx.Response, body: dict[str, Any]) -> PublishError:
    if r.is_success:
        return PublishError(f"{r.status_code}: Discord answered without a message")
    detail = str(body.get("message") or "")
    problems = _flatten(body.get("errors"))
    if problems:
        detail = f"{detail} ({'; '.join(problems)})"
    what = f"{r.status_code}: {detail}" if detail else None
    if r.status_code == 429:
        wait = body.get("retry_after")
        after = float(wait) if isinstance(wait, int | float) else retry_after(r.headers)
        return Retryable(what or "429: rate limited", retry_after=after)
    if body.get("code") in GONE_CODES or r.status_code == 404:
        return AuthExpired(what or f"{r.status_code}: webhook not found")
    return error_for(r, detail or None)


def _flatten(errors: Any, path: str = "") -> list[str]:
    """Discord nests field errors: {"attachments": {"0": {"description": {"_errors": [...]}}}}."""
    if not isinstance(errors, dict):
        return []
    out = []
    for key, value in errors.items():
        if key == "_errors" and isinstance(value, list):
            out += [f"{path}: {e.get('message')}" for e in value if isinstance(e, dict)]
        else:
            out += _flatten(value, f"{path}.{key}" if path else str(key))
    return out
