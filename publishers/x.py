"""X (docs.x.com): upload each photo, set its alt text, then create the post.

    POST /2/media/upload    multipart `media`, `media_category=tweet_image` → data.id
    POST /2/media/metadata  {"id", "metadata": {"alt_text": {"text"}}}
    POST /2/tweets          {"text", "media": {"media_ids"}} → 201 {data: {id, text}}

OAuth 2 user tokens last two hours: a 401 refreshes them once (x_tokens) and
repeats the call, which is safe since a 401 created nothing.
"""

from __future__ import annotations

import html
import re
from typing import Any, ClassVar

import httpx

from dripcast.core.channels import X
from dripcast.core.domain import Media, Post, Published
from dripcast.core.errors import PublishError, Rejected, Retryable
from dripcast.core.publisher import Context, Publisher
from publishers.files import read_media
from publishers.http import error_for, send
from publishers.steps import prepare
from publishers.x_tokens import NAME, XOAuth2Auth, XTokenStore

API = "https://api.x.com"
MAX_IMAGES = 4
ALT_MAX = 1000
_URL = re.compile(r"https?://\S+")


class XPublisher(Publisher):
    idempotent: ClassVar[bool] = False

    def __init__(self, channel: X, ctx: Context) -> None:
        self.ctx = ctx
        self.http = ctx.http
        self.tokens = XTokenStore(
            ctx.credential(NAME),
            access=channel.token.get_secret_value(),
            refresh=channel.refresh_token.get_secret_value(),
            client_id=channel.client_id,
        )
        self.auth = XOAuth2Auth(self.tokens, self.http)

    async def publish(self, post: Post) -> Published:
        if len(post.media) > MAX_IMAGES:
            raise Rejected(f"X takes at most {MAX_IMAGES} images per post, got {len(post.media)}")
        media_ids = [await self._upload(m) for m in post.media]
        body: dict[str, Any] = {"text": post.text}
        if media_ids:
            body["media"] = {"media_ids": media_ids}
        r = await self._call("POST", "/2/tweets", json=body)
        if not r.is_success:
            raise _error(r)
        try:
            tweet_id = str(_data(r)["id"])
        except Retryable:
            # 2xx means it is live; an odd body must not lead to a second post.
            return Published(external_id="")
        return Published(external_id=tweet_id, url=f"https://x.com/i/web/status/{tweet_id}")

    async def _upload(self, media: Media) -> str:
        data = await read_media(self.ctx, media)
        r = await self._call(
            "POST",
            "/2/media/upload",
            prep=True,
            data={"media_category": "tweet_image"},
            files={"media": ("photo.jpg", data, "image/jpeg")},
        )
        if not r.is_success:
            raise _error(r)
        media_id = str(_data(r)["id"])
        if media.alt:
            meta = {"id": media_id, "metadata": {"alt_text": {"text": media.alt[:ALT_MAX]}}}
            r = await self._call("POST", "/2/media/metadata", prep=True, json=meta)
            if not r.is_success:
                raise _error(r)
        return media_id

    async def find(self, post: Post) -> Published | None:
        me = await self._me()
        r = await self._call(
            "GET",
            f"/2/users/{me['id']}/tweets",
            params={"max_results": "20", "exclude": "replies,retweets"},
        )
        if not r.is_success:
            raise _error(r)
        want = _comparable(post.text)
        for tweet in r.json().get("data") or []:
            if _comparable(str(tweet.get("text", ""))) == want:
                tid = str(tweet["id"])
                return Published(
                    external_id=tid, url=f"https://x.com/{me['username']}/status/{tid}"
                )
        return None

    async def check(self) -> str:
        me = await self._me()
        return f"@{me['username']}"

    async def _me(self) -> dict[str, Any]:
        r = await self._call("GET", "/2/users/me")
        if not r.is_success:
            raise _error(r)
        return _data(r)

    async def _call(
        self, method: str, path: str, *, prep: bool = False, **kwargs: Any
    ) -> httpx.Response:
        do = prepare if prep else send
        return await do(self.http, method, API + path, auth=self.auth, **kwargs)


def _data(r: httpx.Response) -> dict[str, Any]:
    try:
        data = r.json()["data"]
    except (ValueError, KeyError, TypeError) as e:
        raise Retryable(f"X answered {r.status_code} without data") from e
    if not isinstance(data, dict) or "id" not in data:
        raise Retryable(f"X answered {r.status_code} without an id")
    return data


def _error(r: httpx.Response) -> PublishError:
    """X's problem documents: `detail` (and `errors[].message` for bad requests).

    A 403 is usually a token problem, but X also answers 403 to a text that repeats a
    recent post of the account: that is refused content, for a person to read, and
    retrying or reconnecting cannot help.
    """
    message = _message(r)
    if r.status_code == 403 and _DUPLICATE.search(message):
        return Rejected(f"403: {message}")
    return error_for(r, message or None)


# "You are not allowed to create a Tweet with duplicate content." (v2), "Status is a
# duplicate." (v1.1 code 187, still seen through some gateways).
_DUPLICATE = re.compile(r"duplicate content|is a duplicate", re.I)


def _message(r: httpx.Response) -> str:
    try:
        body = r.json()
    except ValueError:
        return r.text[:300]
    if not isinstance(body, dict):
        return str(body)[:300]
    parts = [str(body["detail"])] if body.get("detail") else []
    for e in body.get("errors") or []:
        if isinstance(e, dict) and (e.get("message") or e.get("detail")):
            parts.append(str(e.get("message") or e.get("detail")))
    return "; ".join(parts) or str(body.get("title") or "")


def _comparable(text: str) -> str:
    """Text as X gives it back: links become t.co links, media add one, & becomes &amp;."""
    return " ".join(_URL.sub("", html.unescape(text)).split())
