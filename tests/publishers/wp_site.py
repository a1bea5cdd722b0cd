"""A fake WordPress site at the HTTP layer that keeps what it is sent: media, tags,
posts. Answers are shaped like WordPress 6's REST API (WP_REST_*_Controller), and
search reads `-word` as "without word", as WP_Query::parse_search does."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.publishers.fake import FakeNetwork

API = "/wp-json/wp/v2"
SITE = "https://blog.example.com"
_MEDIA_ID = re.compile(rf"{API}/media/(\d+)")


def wp_error(code: str, message: str, status: int, **data: Any) -> dict[str, Any]:
    return {"code": code, "message": message, "data": {"status": status, **data}}


def _slug(name: str) -> str:
    return re.sub(r"[^\w]+", "-", name.casefold()).strip("-")


def _matches(search: str, text: str) -> bool:
    """WP_Query search: every term must appear, a term starting with `-` must not."""
    text = text.casefold()
    for term in search.split():
        if term.startswith("-"):
            if term[1:].casefold() in text:
                return False
        elif term.casefold() not in text:
            return False
    return True


@dataclass
class WpSite(FakeNetwork):
    media: dict[int, dict[str, Any]] = field(default_factory=dict)
    tags: dict[int, dict[str, Any]] = field(default_factory=dict)
    posts: dict[int, dict[str, Any]] = field(default_factory=dict)
    # (METHOD, path) whose answer is lost after the site has done the work
    drop: set[tuple[str, str]] = field(default_factory=set)
    _next: int = 300

    def __post_init__(self) -> None:
        self.route("POST", f"{API}/media", self._upload)
        self.route("GET", f"{API}/tags", self._search_tags)
        self.route("POST", f"{API}/tags", self._create_tag)
        self.route("POST", f"{API}/posts", self._create_post)
        self.route("GET", f"{API}/posts", self._search_posts)

    def add_tag(self, name: str) -> int:
        tid = self._id()
        self.tags[tid] = {"id": tid, "name": html.escape(name), "slug": _slug(name)}
        return tid

    def __call__(self, request: httpx.Request) -> httpx.Response:
        m = _MEDIA_ID.fullmatch(request.url.path)
        if m and request.method == "POST" and (request.method, request.url.path) not in self.routes:
            request.read()
            self.requests.append(request)
            answer = self._update_media(int(m[1]), request)
        else:
            answer = super().__call__(request)
        if (request.method, request.url.path) in self.drop:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        return answer

    def _id(self) -> int:
        self._next += 1
        return self._next

    def _upload(self, request: httpx.Request) -> httpx.Response:
        mid = self._id()
        doc = {
            "id": mid,
            "source_url": f"{SITE}/wp-content/uploads/2026/11/d{mid}.jpg",
            "media_type": "image",
            "mime_type": request.headers.get("content-type", ""),
            "alt_text": request.url.params.get("alt_text", ""),
            "post": None,
        }
        self.media[mid] = doc
        return httpx.Response(201, json=doc)

    def _update_media(self, mid: int, request: httpx.Request) -> httpx.Response:
        if mid not in self.media:
            return httpx.Response(
                404, json=wp_error("rest_post_invalid_id", "Invalid post ID.", 404)
            )
        self.media[mid].update(json.loads(request.content))
        return httpx.Response(200, json=self.media[mid])

    def _search_tags(self, request: httpx.Request) -> httpx.Response:
        q = request.url.params.get("search", "").casefold()
        found = [
            t
            for t in self.tags.values()
            if q in html.unescape(t["name"]).casefold() or q in t["slug"]
        ]
        return httpx.Response(200, json=found)

    def _create_tag(self, request: httpx.Request) -> httpx.Response:
        name = json.loads(request.content)["name"]
        for t in self.tags.values():
            if html.unescape(t["name"]).casefold() == name.casefold() or t["slug"] == _slug(name):
                return httpx.Response(
                    400,
                    json=wp_error(
                        "term_exists",
                        "A term with the name provided already exists in this taxonomy.",
                        400,
                        term_id=t["id"],
                    ),
                )
        return httpx.Response(201, json=self.tags[self.add_tag(name)])

    def _create_post(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        for t in body.get("tags", []):
            if t not in self.tags:
                return httpx.Response(
                    400,
                    json=wp_error("rest_invalid_param", "Invalid parameter(s): tags", 400),
                )
        pid = self._id()
        self.posts[pid] = {
            "id": pid,
            "link": f"{SITE}/2026/11/23/post-{pid}/",
            "status": body.get("status", "draft"),
            "type": "post",
            "title": {"raw": body.get("title", ""), "rendered": html.escape(body.get("title", ""))},
            "content": {"raw": body.get("content", "")},
            "featured_media": body.get("featured_media", 0),
            "tags": body.get("tags", []),
        }
        return httpx.Response(201, json=self.posts[pid])

    def _search_posts(self, request: httpx.Request) -> httpx.Response:
        q = request.url.params.get("search", "")
        found = [
            {"id": p["id"], "link": p["link"], "featured_media": p["featured_media"]}
            for p in self.posts.values()
            if _matches(q, p["title"]["raw"] + " " + p["content"]["raw"])
        ]
        return httpx.Response(200, json=found)
