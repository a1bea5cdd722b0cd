"""The FAQ monitor end to end over fake networks: a comment arrives, the answer is
posted once (also across a crash between deciding and replying, and between
sending and recording); an escalation is handed over once, and the client's reply
becomes the brand's answer in the thread; a 429 delays, never loses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from dripcast.app.context import App
from dripcast.app.faq_monitor import Escalation, Monitor, approve_reply, post_client_reply
from dripcast.app.service import build_sources
from dripcast.core.config import Config, load
from dripcast.core.lifecycle import Actor
from dripcast.store import comments as store
from tests.publishers.fake import FakeNetwork, form_body

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
FAQ = """
    faq:
      mode: {mode}
      answers:
        - id: hours
          questions: ["when are you open?", "hvornår har I åbent?"]
          answer: "Open 7-17 every day"
        - id: parking
          questions: ["where can I park?"]
          answer: "Street parking on Vølundsgade"
      escalate: ["refund", "allergy"]
"""


@pytest.fixture(autouse=True)
def _tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    # secrets are references in the YAML, never literal (issue 11)
    monkeypatch.setenv("M_TOKEN", "t")
    monkeypatch.setenv("FB_TOKEN", "t")


def config(tmp_path: Path, db: str, mode: str = "auto") -> Config:
    p = tmp_path / "config.yaml"
    p.write_text(
        f"service: {{database: '{db}', state_dir: {tmp_path / 'state'}}}\n"
        "brands:\n  - id: bakery\n    name: Bakery\n    address: bakery@example.com\n"
        "    channels:\n"
        "      - {id: social, type: mastodon, instance: 'https://m.example', token: '${M_TOKEN}'}\n"
        "      - {id: fb, type: facebook, page_id: PAGE, token: '${FB_TOKEN}'}\n"
        "      - {id: out, type: outbox, path: out}\n" + FAQ.format(mode=mode)
    )
    return load(p)


class FakeMastodon:
    """Mentions in, statuses out; an Idempotency-Key seen before returns the same status."""

    def __init__(self) -> None:
        self.mentions: list[dict[str, Any]] = []
        self.posted: list[dict[str, Any]] = []
        self.keys: dict[str, dict[str, Any]] = {}
        self.fail_reads = 0

    def mention(
        self, sid: str, text: str, *, in_reply_to: str = "100", at: str = "2026-11-26T09:00:00.000Z"
    ) -> None:
        status = {
            "id": sid,
            "in_reply_to_id": in_reply_to,
            "content": f"<p>@bakery {text}</p>",
            "created_at": at,
            "url": f"https://m.example/@anna/{sid}",
            "visibility": "public",
            "account": {"id": "7", "acct": "anna"},
        }
        self.mentions.append({"id": f"n{sid}", "type": "mention", "status": status})

    def __call__(self, r: httpx.Request) -> httpx.Response:
        r.read()
        path = r.url.path
        if path == "/api/v1/accounts/verify_credentials":
            return httpx.Response(200, json={"id": "1", "acct": "bakery"})
        if path == "/api/v1/notifications":
            if self.fail_reads:
                self.fail_reads -= 1
                return httpx.Response(
                    429, json={"error": "Too many requests"}, headers={"Retry-After": "600"}
                )
            since = r.url.params.get("min_id")
            return httpx.Response(
                200, json=[n for n in self.mentions if since is None or n["id"] > since]
            )
        if path == "/api/v1/statuses" and r.method == "POST":
            key = r.headers["Idempotency-Key"]
            if key not in self.keys:
                form = form_body(r)
                status = {
                    "id": f"9{len(self.posted)}",
                    "in_reply_to_id": form["in_reply_to_id"][0],
                    "content": form["status"][0],
                    "account": {"id": "1"},
                    "url": f"https://m.example/s/{len(self.posted)}",
                }
                self.posted.append(status)
                self.keys[key] = status
            return httpx.Response(200, json=self.keys[key])
        if path.endswith("/context"):
            sid = path.split("/")[-2]
            return httpx.Response(
                200,
                json={
                    "ancestors": [],
                    "descendants": [s for s in self.posted if s["in_reply_to_id"] == sid],
                },
            )
        return httpx.Response(404, json={"error": "no route"})


def fake_facebook(
    comments: list[dict[str, Any]],
    replies: dict[str, list[dict[str, Any]]],
    lose_answer: list[bool],
    limited: list[bool],
) -> FakeNetwork:
    """A Page feed with comments; `lose_answer` drops the connection after the reply is made."""
    net = FakeNetwork()

    def feed(r: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "data": [
                    {
                        "id": "PAGE_1",
                        "permalink_url": "https://facebook.com/1",
                        "comments": {"data": comments},
                    }
                ]
            },
        )

    net.route("GET", "/v26.0/PAGE/feed", feed)

    def handle(r: httpx.Request) -> httpx.Response:
        cid = r.url.path.split("/")[2]
        if r.method == "POST" and limited:
            limited.pop()
            # Meta's rate limit: code 4, and nothing was made
            return httpx.Response(
                400,
                json={"error": {"message": "Application request limit reached", "code": 4}},
                headers={
                    "X-App-Usage": '{"call_count": 100, "estimated_time_to_regain_access": 15}'
                },
            )
        if r.method == "POST":
            replies.setdefault(cid, []).append(
                {"id": f"{cid}_r", "message": form_body(r)["message"][0], "from": {"id": "PAGE"}}
            )
            if lose_answer and lose_answer.pop(0):
                raise httpx.ReadTimeout("connection dropped after the request was sent", request=r)
            return httpx.Response(200, json={"id": f"{cid}_r"})
        return httpx.Response(200, json={"data": replies.get(cid, [])})

    for c in ("c1", "c2", "c3"):
        net.route("POST", f"/v26.0/{c}/comments", handle)
        net.route("GET", f"/v26.0/{c}/comments", handle)
    return net


def fb_comment(cid: str, text: str) -> dict[str, Any]:
    return {
        "id": cid,
        "message": text,
        "from": {"id": "55", "name": "Bo"},
        "created_time": "2026-11-26T09:00:00+0000",
    }


class World:
    def __init__(self, tmp_path: Path, db: str, mode: str = "auto") -> None:
        self.config = config(tmp_path, db, mode)
        self.app = App.open(self.config)
        self.mastodon = FakeMastodon()
        self.fb_comments: list[dict[str, Any]] = []
        self.fb_replies: dict[str, list[dict[str, Any]]] = {}
        self.lose_answer: list[bool] = []
        self.escalations: list[Escalation] = []
        self.drafts: list[Escalation] = []
        self.limited: list[bool] = []
        self.fb = fake_facebook(self.fb_comments, self.fb_replies, self.lose_answer, self.limited)

    def route(self, r: httpx.Request) -> httpx.Response:
        if r.url.host == "m.example":
            return self.mastodon(r)
        return self.fb(r)

    def monitor(self) -> Monitor:
        """A fresh monitor, as a restarted process makes one."""
        http = httpx.AsyncClient(transport=httpx.MockTransport(self.route))
        return Monitor(
            self.config,
            self.app.engine,
            build_sources(self.config, self.app.engine, http),
            send_escalation=self.escalations.append,
            send_draft=self.drafts.append,
        )

    @property
    def brand(self) -> Any:
        return self.config.brands[0]


@pytest.fixture
def world(tmp_path: Path, db_url: str) -> Iterator[World]:
    w = World(tmp_path, db_url)
    yield w
    w.app.engine.dispose()


async def test_a_question_is_answered_once_in_its_thread(world: World) -> None:
    world.mastodon.mention("201", "hvornår har i åbent på søndag?")
    await world.monitor().poll(world.brand, NOW)
    assert [s["content"] for s in world.mastodon.posted] == ["@anna Open 7-17 every day"]
    assert world.mastodon.posted[0]["in_reply_to_id"] == "201"
    await world.monitor().poll(world.brand, NOW + timedelta(minutes=5))
    assert len(world.mastodon.posted) == 1
    # A follow-up under our answer is the same conversation: a person takes it.
    world.mastodon.mention(
        "202", "and where can I park?", in_reply_to=world.mastodon.posted[0]["id"]
    )
    await world.monitor().poll(world.brand, NOW + timedelta(minutes=10))
    assert len(world.mastodon.posted) == 1
    assert [e.text for e in world.escalations] == ["@bakery and where can I park?"]
    assert "already answered" in world.escalations[0].reason


async def test_crash_between_deciding_and_replying(world: World) -> None:
    world.mastodon.mention("301", "when are you open?")
    first = world.monitor()
    source = first.sources[("bakery", "social")]
    await first.read(world.brand, "social", source, NOW)
    first.decide(world.brand, NOW)  # ... and the process dies here
    assert store.with_status(world.app.engine, "bakery", "reply")
    await world.monitor().poll(world.brand, NOW + timedelta(minutes=1), restart=True)
    await world.monitor().poll(world.brand, NOW + timedelta(minutes=2), restart=True)
    assert len(world.mastodon.posted) == 1


async def test_crash_after_the_intent_before_the_send(world: World) -> None:
    world.fb_comments.append(fb_comment("c1", "where can I park?"))
    first = world.monitor()
    await first.read(world.brand, "fb", first.sources[("bakery", "fb")], NOW)
    first.decide(world.brand, NOW)
    (row,) = store.with_status(world.app.engine, "bakery", "reply")
    assert store.claim_reply(
        world.app.engine, row.id, now=NOW
    )  # intent written; killed before sending
    await world.monitor().poll(world.brand, NOW + timedelta(minutes=1), restart=True)
    assert [r["message"] for r in world.fb_replies["c1"]] == ["Street parking on Vølundsgade"]
    assert store.get(world.app.engine, row.id).status == "answered"  # type: ignore[union-attr]


async def test_sent_but_the_answer_was_lost(world: World) -> None:
    """No idempotency key on Facebook: the reply went out but the connection dropped. The
    next run looks it up instead of posting a second one."""
    world.fb_comments.append(fb_comment("c1", "where can I park?"))
    world.lose_answer.append(True)
    await world.monitor().poll(world.brand, NOW)
    (row,) = store.with_status(world.app.engine, "bakery", "replying")
    await world.monitor().poll(world.brand, NOW + timedelta(minutes=1), restart=True)
    assert len(world.fb_replies["c1"]) == 1
    assert store.get(world.app.engine, row.id).status == "answered"  # type: ignore[union-attr]


async def test_escalation_then_the_clients_reply_is_posted(world: World) -> None:
    world.fb_comments.append(fb_comment("c2", "I want a refund, the cake was dry"))
    world.fb_comments.append(fb_comment("c3", "😍😍"))
    await world.monitor().poll(world.brand, NOW)
    await world.monitor().poll(world.brand, NOW + timedelta(minutes=5))
    (e,) = world.escalations  # handed over once
    assert (e.network, e.author, e.text) == ("facebook", "Bo", "I want a refund, the cake was dry")
    assert e.post_url == "https://facebook.com/1" and "refund" in e.reason
    assert "c2" not in world.fb_replies
    actor = Actor("mail", "owner@example.com")
    r = post_client_reply(
        world.app,
        comment=e.comment_id,
        text="So sorry! Come by, it's on us.",
        actor=actor,
        now=NOW,
    )
    assert r.ok
    await world.monitor().poll(world.brand, NOW + timedelta(minutes=10))
    assert [x["message"] for x in world.fb_replies["c2"]] == ["So sorry! Come by, it's on us."]
    again = post_client_reply(world.app, comment=e.comment_id, text="twice?", actor=actor, now=NOW)
    assert not again.ok and "answered" in again.message
    s = store.summary(world.app.engine, "bakery", NOW - timedelta(days=7), NOW + timedelta(days=1))
    assert {k: s[k] for k in ("seen", "answered", "escalated", "ignored")} == {
        "seen": 2,
        "answered": 1,
        "escalated": 0,
        "ignored": 1,
    }
    assert s["examples"]["ignored"][0]["text"] == "😍😍"


async def test_a_429_delays_and_loses_nothing(world: World) -> None:
    world.mastodon.mention("401", "when are you open?")
    world.mastodon.fail_reads = 1
    await world.monitor().poll(world.brand, NOW)
    assert world.mastodon.posted == []
    cursor, not_before = store.cursor(world.app.engine, "bakery", "social")
    assert cursor == {} and not_before == NOW + timedelta(seconds=600)
    await world.monitor().poll(world.brand, NOW + timedelta(minutes=5))  # still waiting
    assert world.mastodon.posted == []
    await world.monitor().poll(world.brand, NOW + timedelta(minutes=11))
    await world.monitor().poll(world.brand, NOW + timedelta(minutes=16))
    assert len(world.mastodon.posted) == 1


async def test_review_mode_holds_the_draft_until_approved(tmp_path: Path) -> None:
    world = World(tmp_path, f"sqlite:///{tmp_path / 'd.db'}", mode="review")
    world.mastodon.mention("501", "when are you open?")
    await world.monitor().poll(world.brand, NOW)
    world.app.engine.dispose()  # nothing to leak if an assertion fails below
    assert world.mastodon.posted == []
    (held,) = store.with_status(world.app.engine, "bakery", "held")
    assert held.reply_text == "Open 7-17 every day" and held.faq == "hours"
    await world.monitor().poll(world.brand, NOW + timedelta(minutes=1))
    (draft,) = world.drafts  # handed to the agency once
    assert (draft.comment_id, draft.draft, draft.text) == (
        held.id,
        "Open 7-17 every day",
        "@bakery when are you open?",
    )
    assert approve_reply(world.app, comment=held.id, actor=Actor("cli", "me"), now=NOW).ok
    await world.monitor().poll(world.brand, NOW + timedelta(minutes=5))
    assert len(world.mastodon.posted) == 1


async def test_turning_faq_on_does_not_answer_old_comments(world: World) -> None:
    world.mastodon.mention("601", "when are you open?", at="2026-10-01T09:00:00.000Z")
    world.mastodon.mention("602", "where can I park?")
    await world.monitor().poll(world.brand, NOW)
    assert [s["in_reply_to_id"] for s in world.mastodon.posted] == ["602"]
    s = store.summary(world.app.engine, "bakery", NOW - timedelta(days=7), NOW + timedelta(days=1))
    assert (s["seen"], s["answered"]) == (1, 1)


async def test_a_rate_limited_answer_waits_and_goes_out_once(world: World) -> None:
    world.fb_comments.append(fb_comment("c1", "where can I park?"))
    world.limited.append(True)
    await world.monitor().poll(world.brand, NOW)
    assert "c1" not in world.fb_replies
    (row,) = store.with_status(world.app.engine, "bakery", "reply")
    assert "request limit" in (store.get(world.app.engine, row.id).reason or "")  # type: ignore[union-attr]
    await world.monitor().poll(world.brand, NOW + timedelta(minutes=10))  # Meta said 15 minutes
    assert "c1" not in world.fb_replies
    await world.monitor().poll(world.brand, NOW + timedelta(minutes=16))
    await world.monitor().poll(world.brand, NOW + timedelta(minutes=21))
    assert [r["message"] for r in world.fb_replies["c1"]] == ["Street parking on Vølundsgade"]
