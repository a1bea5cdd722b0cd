"""Comment readers never lose a comment to a page size: comments on older posts, more
than a page of new comments between polls, a read capped by its request budget, and a
429 mid-paging are each read exactly once over the next polls. The fakes page the way
the networks document (Graph `paging.cursors.after` + `paging.next`, Bluesky `cursor`,
X `next_token`/`until_id`, WordPress `after` against the site's local date)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from dripcast.core.channels import Bluesky, Facebook, Instagram, Threads, WordPress, X
from dripcast.core.errors import Retryable
from dripcast.core.faq import Comment, Cursor
from publishers.comments import make_source
from tests.publishers.fake import FakeNetwork, reply
from tests.publishers.jpeg_media import context

T0 = datetime(2026, 11, 20, tzinfo=UTC)
RATE_LIMITED = {"error": {"message": "(#4) Application request limit reached", "code": 4}}


class Graph:
    """One account's posts (newest first), each with comments (newest first), served as
    Graph pages: field expansion `edge.limit(N){…}` on the posts list, then the edge."""

    def __init__(self, net: FakeNetwork, prefix: str, owner: str, posts: str, edge: str) -> None:
        self.prefix, self.owner, self.edge = prefix, owner, edge
        self.oldest_first = False  # comments listed oldest first instead
        self.clock = 0
        self.posts: list[dict[str, Any]] = [{"id": f"p{i}", "items": []} for i in range(60)]
        self.fail: set[int] = set()  # the nth comments request (1-based) answers 429
        self.comment_requests = 0
        net.route("GET", f"{prefix}/{owner}", reply(200, {"id": owner, "username": "bakery"}))
        net.route("GET", f"{prefix}/{owner}/{posts}", self.list_posts)
        for p in self.posts:
            net.route("GET", f"{prefix}/{p['id']}/{edge}", self.list_comments)

    def add(self, post: int, n: int) -> list[str]:
        ids = []
        for _ in range(n):
            self.clock += 1
            cid = f"{self.posts[post]['id']}_c{self.clock}"
            t = (T0 + timedelta(seconds=self.clock)).strftime("%Y-%m-%dT%H:%M:%S+0000")
            items = self.posts[post]["items"]
            items.insert(len(items) if self.oldest_first else 0, {"id": cid, "t": t})
            ids.append(cid)
        return ids

    def page(self, items: list[Any], after: str | None, limit: int, url: str) -> dict[str, Any]:
        start = int(after or 0)
        end = start + limit
        body: dict[str, Any] = {"data": items[start:end]}
        if items:
            body["paging"] = {"cursors": {"before": str(start), "after": str(end)}}
            if end < len(items):
                body["paging"]["next"] = f"https://graph.example{url}&after={end}"
        return body

    def render(self, c: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": c["id"],
            "message": "when are you open?",
            "text": "when are you open?",
            "from": {"id": "99", "name": "Anna", "username": "anna"},
            "username": "anna",
            "created_time": c["t"],
            "timestamp": c["t"],
        }

    def list_posts(self, r: httpx.Request) -> httpx.Response:
        fields = r.url.params.get("fields", "")
        limit = int(r.url.params.get("limit", "25"))
        body = self.page(self.posts, r.url.params.get("after"), limit, "/posts?x=1")
        expand = re.search(rf"\b{self.edge}\b[^{{]*\.limit\((\d+)\)", fields)
        out = []
        for p in body["data"]:
            post = {"id": p["id"], "permalink": f"https://x/{p['id']}", "has_replies": True}
            if expand:
                items = [self.render(c) for c in p["items"]]
                post[self.edge] = self.page(items, None, int(expand.group(1)), "/c?x=1")
            out.append(post)
        return httpx.Response(200, json={**body, "data": out})

    def list_comments(self, r: httpx.Request) -> httpx.Response:
        self.comment_requests += 1
        if self.comment_requests in self.fail:
            return httpx.Response(429, json=RATE_LIMITED)
        post = next(p for p in self.posts if r.url.path.endswith(f"/{p['id']}/{self.edge}"))
        items = [self.render(c) for c in post["items"]]
        limit = int(r.url.params.get("limit", "25"))
        return httpx.Response(
            200, json=self.page(items, r.url.params.get("after"), limit, "/c?x=1")
        )


def facebook(tmp_path: Path) -> tuple[Any, Graph, FakeNetwork]:
    net = FakeNetwork()
    g = Graph(net, "/v26.0", "PAGE", "feed", "comments")
    ch = Facebook(type="facebook", id="f", page_id="PAGE", token="t")
    return make_source(ch, context(net.client(), tmp_path)), g, net


def instagram(tmp_path: Path) -> tuple[Any, Graph, FakeNetwork]:
    net = FakeNetwork()
    g = Graph(net, "/v26.0", "IG", "media", "comments")
    ch = Instagram(type="instagram", id="i", account_id="IG", token="t")
    return make_source(ch, context(net.client(), tmp_path)), g, net


def threads(tmp_path: Path) -> tuple[Any, Graph, FakeNetwork]:
    net = FakeNetwork()
    g = Graph(net, "/v1.0", "TH", "threads", "replies")
    ch = Threads(type="threads", id="t", user_id="TH", token="t")
    return make_source(ch, context(net.client(), tmp_path)), g, net


async def polls(src: Any, cursor: Cursor, most: int = 12) -> tuple[list[Comment], Cursor]:
    """Poll until a poll comes back with nothing new and no read left half-done."""
    got: list[Comment] = []
    for _ in range(most):
        new, cursor = await src.read(cursor)
        got += new
        if not new and not ({"sweep", "backlog", "until_id"} & set(cursor.value)):
            return got, cursor
    raise AssertionError(f"still reading after {most} polls: {cursor.value}")


def once(got: list[Comment], want: list[str]) -> None:
    counts = Counter(c.external_id for c in got)
    assert [i for i, n in counts.items() if n > 1] == []  # nothing twice
    assert sorted(counts) == sorted(want)  # nothing lost


@pytest.mark.parametrize("network", [facebook, instagram, threads])
async def test_a_comment_on_an_older_post_is_read(network: Any, tmp_path: Path) -> None:
    src, g, _ = network(tmp_path)
    g.add(0, 1)
    _, cursor = await src.read(Cursor())
    late = g.add(20, 1) + g.add(0, 1)  # on the 21st newest post, then on the newest
    got, _ = await polls(src, cursor)
    once(got, late)


@pytest.mark.parametrize("network", [facebook, instagram, threads])
async def test_more_than_a_page_of_new_comments_between_polls(network: Any, tmp_path: Path) -> None:
    src, g, _ = network(tmp_path)
    g.add(3, 5)
    _, cursor = await src.read(Cursor())
    burst = g.add(3, 250)
    got, _ = await polls(src, cursor)
    once(got, burst)
    assert got == sorted(got, key=lambda c: c.created_at)


@pytest.mark.parametrize("network", [facebook, instagram, threads])
async def test_comments_listed_oldest_first_are_read_too(network: Any, tmp_path: Path) -> None:
    """Meta's reference does not say in which order an IG media's comments come (its
    comment-moderation guide's example lists them oldest first): new comments on later
    pages are read whichever way a network lists them."""
    src, g, _ = network(tmp_path)
    g.oldest_first = True
    g.add(3, 120)  # past two pages of 50
    _, cursor = await src.read(Cursor())
    again, cursor = await src.read(cursor)
    assert again == []  # the first read's cursor is past all 120, not only its first page
    burst = g.add(3, 70)
    got, _ = await polls(src, cursor)
    once(got, burst)


@pytest.mark.parametrize("network", [facebook, instagram, threads])
async def test_a_429_mid_paging_delays_and_the_next_poll_reads_the_rest_once(
    network: Any, tmp_path: Path
) -> None:
    src, g, _ = network(tmp_path)
    g.add(2, 1)
    _, cursor = await src.read(Cursor())
    burst = g.add(2, 180) + g.add(7, 3)
    g.fail = {g.comment_requests + 2}  # the second page of comments is rate limited
    with pytest.raises(Retryable):
        await src.read(cursor)
    got, _ = await polls(src, cursor)
    once(got, burst)


async def test_a_poll_over_its_budget_stops_and_the_next_polls_finish(tmp_path: Path) -> None:
    src, g, net = instagram(tmp_path)
    g.add(0, 1)
    _, cursor = await src.read(Cursor())
    want = g.add(5, 300) + g.add(15, 300) + g.add(40, 300)
    got: list[Comment] = []
    for _ in range(3):  # comments keep arriving on posts done and not done
        before = len(net.requests)
        new, cursor = await src.read(cursor)
        assert len(net.requests) - before <= 10  # Instagram's budget a poll
        got += new
        want += g.add(5, 2) + g.add(40, 2)
    more, _ = await polls(src, cursor, most=20)
    once(got + more, want)


# ---- Bluesky: newest first, `cursor` pages older -----------------------------------


async def test_bluesky_more_than_ten_pages_since_the_cursor(tmp_path: Path) -> None:
    notes: list[dict[str, Any]] = []  # newest first
    clock = [0]

    def add(n: int, reason: str = "reply") -> list[str]:
        uris = []
        for _ in range(n):
            clock[0] += 1
            uri = f"at://did:plc:anna/app.bsky.feed.post/{clock[0]:08d}"
            at = (T0 + timedelta(seconds=clock[0])).isoformat().replace("+00:00", "Z")
            root = {"uri": "at://did:plc:bakery/app.bsky.feed.post/root", "cid": "r"}
            notes.insert(
                0,
                {
                    "uri": uri,
                    "cid": "c",
                    "reason": reason,
                    "indexedAt": at,
                    "author": {"did": "did:plc:anna", "handle": "anna"},
                    "record": {
                        "text": "hi?",
                        "createdAt": at,
                        "reply": {"root": root, "parent": root},
                    },
                },
            )
            uris.append(uri)
        return uris

    def notifications(r: httpx.Request) -> httpx.Response:
        limit = int(r.url.params.get("limit", "50"))
        start = int(r.url.params.get("cursor", "0"))
        body: dict[str, Any] = {"notifications": notes[start : start + limit]}
        if start + limit < len(notes):
            body["cursor"] = str(start + limit)
        return httpx.Response(200, json=body)

    net = FakeNetwork()
    net.route(
        "POST",
        "/xrpc/com.atproto.server.createSession",
        reply(200, {"did": "did:plc:bakery", "handle": "b", "accessJwt": "a", "refreshJwt": "r"}),
    )
    net.route("GET", "/xrpc/app.bsky.notification.listNotifications", notifications)
    ch = Bluesky(type="bluesky", id="b", handle="bakery.example", app_password="p")
    src: Any = make_source(ch, context(net.client(), tmp_path))
    add(1)
    _, cursor = await src.read(Cursor())
    want = add(700)
    add(900, "like")  # likes fill pages too, and are not comments
    want += add(300)
    got, cursor = await polls(src, cursor)
    want += add(2)
    more, _ = await polls(src, cursor)
    once(got + more, want)


# ---- X: newest first, `next_token` pages older, `until_id` resumes -----------------


async def test_x_more_than_five_pages_since_the_cursor(tmp_path: Path) -> None:
    tweets: list[str] = []  # ids, newest first

    def add(n: int) -> list[str]:
        ids = [str(10_000 + len(tweets) + i) for i in range(n)]
        tweets[:0] = reversed(ids)
        return ids

    def mentions(r: httpx.Request) -> httpx.Response:
        since, until = r.url.params.get("since_id"), r.url.params.get("until_id")
        pool = [
            t
            for t in tweets
            if (since is None or int(t) > int(since)) and (until is None or int(t) < int(until))
        ]
        start = int(r.url.params.get("pagination_token", "0"))
        size = int(r.url.params["max_results"])
        page = pool[start : start + size]
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta |= {"newest_id": page[0], "oldest_id": page[-1]}
        if start + size < len(pool):
            meta["next_token"] = str(start + size)
        data = [
            {
                "id": t,
                "text": "@bakery open?",
                "author_id": "7",
                "created_at": "2026-11-26T09:00:00.000Z",
            }
            for t in page
        ]
        return httpx.Response(200, json={"data": data, "meta": meta} if data else {"meta": meta})

    net = FakeNetwork()
    net.route("GET", "/2/users/me", reply(200, {"data": {"id": "42", "username": "bakery"}}))
    net.route("GET", "/2/users/42/mentions", mentions)
    ch = X(type="x", id="x", token="a", refresh_token="r", client_id="c")
    src: Any = make_source(ch, context(net.client(), tmp_path))
    add(1)
    _, cursor = await src.read(Cursor())
    want = add(1234)
    first, cursor = await src.read(cursor)
    want += add(3)  # arrive while the backlog is read
    rest, _ = await polls(src, cursor)
    once(first + rest, want)


# ---- WordPress: `after` against the site's local date ------------------------------


async def test_wordpress_site_west_of_utc(tmp_path: Path) -> None:
    """WordPress compares `after` with the local `date` and reads a time without an
    offset as local (WP_Date_Query::build_mysql_datetime)."""
    site = timedelta(hours=-5)
    rows: list[dict[str, Any]] = []

    def add(utc: datetime) -> str:
        n = 100 + len(rows)
        rows.append(
            {
                "id": n,
                "post": 5,
                "parent": 0,
                "author": 0,
                "author_name": "Anna",
                "date": (utc + site).strftime("%Y-%m-%dT%H:%M:%S"),
                "date_gmt": utc.strftime("%Y-%m-%dT%H:%M:%S"),
                "content": {"raw": "open sunday?"},
                "link": f"https://blog/5#c{n}",
            }
        )
        return str(n)

    def comments(r: httpx.Request) -> httpx.Response:
        after = r.url.params.get("after")
        if after:
            t = datetime.fromisoformat(after)
            local = (t.astimezone(UTC) + site) if t.tzinfo else t
            after = local.strftime("%Y-%m-%dT%H:%M:%S")
        found = [c for c in rows if after is None or c["date"] > after]
        return httpx.Response(200, json=found, headers={"X-WP-TotalPages": "1"})

    net = FakeNetwork()
    net.route("GET", "/wp-json/wp/v2/users/me", reply(200, {"id": 1}))
    net.route("GET", "/wp-json/wp/v2/comments", comments)
    ch = WordPress(type="wordpress", id="w", site="https://blog", user="u", app_password="p")
    src: Any = make_source(ch, context(net.client(), tmp_path))
    add(T0)
    _, cursor = await src.read(Cursor())
    late = [add(T0 + timedelta(hours=1))]
    got, _ = await polls(src, cursor)
    once(got, late)
