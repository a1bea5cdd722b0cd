from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

import pytest

from dripcast.core.channels import Instagram
from dripcast.core.credentials import FileCredentials
from dripcast.core.errors import AuthExpired
from publishers.instagram import InstagramPublisher
from publishers.meta_token import DAY, LongLivedToken
from tests.publishers.fake import FakeNetwork, reply
from tests.publishers.meta_helpers import context, graph_error

NOW = 1_800_000_000.0
REFRESH = "/refresh_access_token"
NEW = {"access_token": "NEW-TOKEN", "token_type": "bearer", "expires_in": 5183944}


def token(
    net_client: object, state: Path, configured: str = "OLD-TOKEN", now: float = NOW
) -> LongLivedToken:
    return LongLivedToken(
        http=net_client,  # type: ignore[arg-type]
        creds=FileCredentials(state / "token.json"),
        configured=configured,
        refresh_url="https://graph.instagram.com/refresh_access_token",
        grant_type="ig_refresh_token",
        now=lambda: now,
    )


def saved(state: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((state / "token.json").read_text())
    return data


async def test_first_use_refreshes_and_keeps_the_new_token_0600(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    net = FakeNetwork()
    net.route("GET", REFRESH, reply(200, NEW))
    async with net.client() as http:
        assert await token(http, tmp_path).get() == "NEW-TOKEN"
    req = net.requests[0]
    assert req.url.host == "graph.instagram.com"
    assert dict(req.url.params) == {"grant_type": "ig_refresh_token"}
    assert req.headers["authorization"] == "Bearer OLD-TOKEN"
    assert stat.S_IMODE(os.stat(tmp_path / "token.json").st_mode) == 0o600
    state = saved(tmp_path)
    assert state["access_token"] == "NEW-TOKEN"
    assert state["expires_at"] == NOW + 5183944
    assert "OLD-TOKEN" not in json.dumps(state)  # only a fingerprint of the config's token
    assert "OLD-TOKEN" not in caplog.text
    assert "NEW-TOKEN" not in caplog.text


async def test_kept_token_wins_over_config_and_is_not_refreshed_early(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("GET", REFRESH, reply(200, NEW))
    async with net.client() as http:
        await token(http, tmp_path).get()
        later = token(http, tmp_path, now=NOW + 30 * DAY)
        assert await later.get() == "NEW-TOKEN"
    assert len(net.requests) == 1


@pytest.mark.parametrize("days", [50, 51])
async def test_refreshed_again_after_50_days(tmp_path: Path, days: int) -> None:
    net = FakeNetwork()
    net.route("GET", REFRESH, reply(200, NEW), reply(200, {**NEW, "access_token": "NEWER"}))
    async with net.client() as http:
        await token(http, tmp_path).get()
        assert await token(http, tmp_path, now=NOW + days * DAY).get() == "NEWER"
    assert net.requests[1].headers["authorization"] == "Bearer NEW-TOKEN"


async def test_refreshed_when_expiring_within_10_days(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("GET", REFRESH, reply(200, {**NEW, "expires_in": 20 * DAY}), reply(200, NEW))
    async with net.client() as http:
        await token(http, tmp_path).get()
        await token(http, tmp_path, now=NOW + 9 * DAY).get()
        assert len(net.requests) == 1
        await token(http, tmp_path, now=NOW + 11 * DAY).get()
    assert len(net.requests) == 2


async def test_a_new_token_in_the_config_replaces_the_kept_one(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route(
        "GET", REFRESH, reply(200, NEW), reply(200, {**NEW, "access_token": "FROM-RECONNECT"})
    )
    async with net.client() as http:
        await token(http, tmp_path).get()
        got = await token(http, tmp_path, configured="RECONNECTED", now=NOW + DAY).get()
    assert got == "FROM-RECONNECT"
    assert net.requests[1].headers["authorization"] == "Bearer RECONNECTED"


async def test_failed_refresh_keeps_the_current_token_and_waits_a_day(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    net = FakeNetwork()
    # Meta refuses to refresh a token younger than 24 h.
    net.route("GET", REFRESH, reply(400, graph_error(100, message="token too young to refresh")))
    async with net.client() as http:
        assert await token(http, tmp_path).get() == "OLD-TOKEN"
        assert await token(http, tmp_path, now=NOW + 3600).get() == "OLD-TOKEN"
        assert len(net.requests) == 1
        await token(http, tmp_path, now=NOW + DAY + 1).get()
    assert len(net.requests) == 2
    assert "token too young" in caplog.text
    assert "OLD-TOKEN" not in caplog.text


async def test_expired_token_at_refresh_is_auth_expired(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("GET", REFRESH, reply(400, graph_error(190, message="Session has expired")))
    async with net.client() as http:
        with pytest.raises(AuthExpired) as caught:
            await token(http, tmp_path).get()
    assert "OLD-TOKEN" not in str(caught.value)


async def test_instagram_uses_the_refreshed_token(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("GET", REFRESH, reply(200, NEW))
    net.route("GET", "/v26.0/1784", reply(200, {"id": "1784", "username": "demobakery"}))
    channel = Instagram.model_validate(
        {"id": "ig", "type": "instagram", "account_id": "1784", "token": "OLD-TOKEN"}
    )
    async with net.client() as http:
        ctx = context(http, tmp_path)
        await InstagramPublisher(channel, ctx).check()
    assert net.calls()[:2] == [("GET", REFRESH), ("GET", "/v26.0/1784")]
    assert net.requests[1].headers["authorization"] == "Bearer NEW-TOKEN"
    assert saved(ctx.state_dir)["access_token"] == "NEW-TOKEN"
