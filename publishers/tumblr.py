"""Tumblr (tumblr/docs api.md, NPF): one multipart call makes the post.

    POST /v2/blog/{blog}/posts   part `json`: {"content": [image blocks…, text block]}
                                 one part per image, named by its block's `identifier`
    → 201 {"meta": {"status", "msg"}, "response": {"id"}}

Errors add an `errors` list of {"title", "code", "detail"}; the 403 subcodes
for daily and queue limits mean "later", not "reconnect".
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

import httpx

from dripcast.core.channels import Tumblr
from dripcast.core.domain import Post, Published
from dripcast.core.errors import AuthExpired, PublishError, Rejected, Retryable
from dripcast.core.extras import TumblrExtra
from dripcast.core.publisher import Context, Publisher
from publishers.files import read_media
from publishers.http import error_for, send

API = "https://api.tumblr.com/v2"
# Tumblr requires a User-Agent and expects the same one on every request.
USER_AGENT = "dripcast/0.1"
MAX_IMAGES = 30
# 403 subcodes: media, video, queue and daily post limits; all lift with time.
LIMIT_CODES = frozenset({8004, 8011, 8022, 8023})


class TumblrPublisher(Publisher):
    idempotent: ClassVar[bool] = False

    def __init__(self, channel: Tumblr, ctx: Context) -> None:
        self.ctx = ctx
        self.http = ctx.http
        self.blog = channel.blog
        self._token = channel.token

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self._token.get_secret_value()}",
            "User-Agent": USER_AGENT,
        }

    async def publish(self, post: Post) -> Published:
        if len(post.media) > MAX_IMAGES:
            raise Rejected(f"Tumblr takes at most {MAX_IMAGES} images, got {len(post.media)}")
        content: list[dict[str, Any]] = []
        files: list[tuple[str, tuple[str | None, bytes, str]]] = []
        for i, m in enumerate(post.media, 1):
            ident = f"photo{i}"
            block: dict[str, Any] = {
                "type": "image",
                "media": [
                    {
                        "type": "image/jpeg",
                        "identifier": ident,
                        "width": m.width,
                        "height": m.height,
                    }
                ],
            }
            if m.alt:
                block["alt_text"] = m.alt
            content.append(block)
            files.append((ident, (f"{ident}.jpg", await read_media(self.ctx, m), "image/jpeg")))
        if post.text:
            content.append({"type": "text", "text": post.text})
        doc: dict[str, Any] = {"content": content, "state": "published"}
        tags = post.extra.tags if isinstance(post.extra, TumblrExtra) else ()
        if tags:
            doc["tags"] = ",".join(str(t).lstrip("#") for t in tags)
        parts = [("json", (None, json.dumps(doc).encode(), "application/json")), *files]
        r = await send(
            self.http, "POST", f"{API}/blog/{self.blog}/posts", headers=self._headers(), files=parts
        )
        if not r.is_success:
            raise _error(r)
        try:
            post_id = str(r.json()["response"]["id"])
        except (ValueError, KeyError, TypeError):
            # 201 means it is live; an unreadable body must not lead to a second post.
            return Published(external_id="")
        return Published(external_id=post_id, url=self._url(post_id))

    def _url(self, post_id: str) -> str:
        if "." not in self.blog and not self.blog.startswith("t:"):
            return f"https://www.tumblr.com/{self.blog}/{post_id}"
        if self.blog.endswith(".tumblr.com"):
            return f"https://www.tumblr.com/{self.blog.removesuffix('.tumblr.com')}/{post_id}"
        return f"https://{self.blog}/post/{post_id}"

    async def find(self, post: Post) -> Published | None:
        r = await send(
            self.http,
            "GET",
            f"{API}/blog/{self.blog}/posts",
            params={"npf": "true", "limit": "20"},
            headers=self._headers(),
        )
        if not r.is_success:
            raise _error(r)
        for p in r.json().get("response", {}).get("posts") or []:
            texts = [b.get("text") for b in p.get("content") or [] if b.get("type") == "text"]
            if post.text in texts:
                pid = str(p.get("id_string") or p.get("id"))
                return Published(external_id=pid, url=p.get("post_url") or self._url(pid))
        return None

    async def check(self) -> str:
        r = await send(self.http, "GET", f"{API}/user/info", headers=self._headers())
        if not r.is_success:
            raise _error(r)
        return str(r.json()["response"]["user"]["name"])


def _error(r: httpx.Response) -> PublishError:
    message, codes = _errors(r)
    what = f"{r.status_code}: {message}" if message else str(r.status_code)
    if r.status_code == 403 and codes & LIMIT_CODES:
        return Retryable(what)
    if r.status_code == 404:
        # The blog is gone or renamed: every post would fail until a person fixes it.
        return AuthExpired(what)
    return error_for(r, message or None)


def _errors(r: httpx.Response) -> tuple[str, set[int]]:
    try:
        body = r.json()
    except ValueError:
        return r.text[:300], set()
    if not isinstance(body, dict):
        return str(body)[:300], set()
    texts, codes = [], set()
    for e in body.get("errors") or []:
        if not isinstance(e, dict):
            continue
        text = " — ".join(str(e[k]) for k in ("title", "detail") if e.get(k))
        if text:
            texts.append(text)
        if isinstance(e.get("code"), int):
            codes.add(e["code"])
    if not texts and isinstance(body.get("meta"), dict):
        texts.append(str(body["meta"].get("msg") or ""))
    return "; ".join(t for t in texts if t), codes
