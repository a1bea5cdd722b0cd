"""MastodonPublisher over real sockets against a small Mastodon on loopback."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from dripcast.core.channels import Mastodon
from dripcast.core.errors import AuthExpired
from publishers.mastodon import MastodonPublisher, instance_limits
from tests.publishers.jpeg_media import context, jpegs, post
from tests.publishers.mastodon_server import FakeMastodon, serving


def channel(base: str, token: str = "test-token") -> Mastodon:
    return Mastodon.model_validate(
        {"id": "m", "type": "mastodon", "instance": base, "token": token}
    )


async def test_publish_with_media_and_alt_exactly_once_over_loopback(tmp_path: Path) -> None:
    with serving(FakeMastodon(slow_media=True)) as fake:
        async with httpx.AsyncClient(timeout=10) as http:
            pub = MastodonPublisher(channel(fake.base), context(http, tmp_path))
            pub.poll_interval = 0
            p = post(jpegs(tmp_path, "Cinnamon buns", "Rye loaves"))
            first = await pub.publish(p)
            again = await pub.publish(p)  # a retry of the same post
            limits = await instance_limits(http, fake.base)

    assert first == again
    assert len(fake.statuses) == 1
    status = fake.statuses[0]
    assert status["text"] == "Fresh buns! #bakery"
    assert status["visibility"] == "public"
    assert [m["description"] for m in status["media_attachments"]] == [
        "Cinnamon buns",
        "Rye loaves",
    ]
    assert all(m["url"] for m in status["media_attachments"])
    assert first.url == status["url"]
    assert limits.max_characters == 500


async def test_wrong_token_over_loopback_is_auth_expired(tmp_path: Path) -> None:
    with serving() as fake:
        async with httpx.AsyncClient(timeout=10) as http:
            pub = MastodonPublisher(channel(fake.base, token="wrong"), context(http, tmp_path))
            with pytest.raises(AuthExpired, match="access token is invalid"):
                await pub.publish(post(jpegs(tmp_path, "x")))
    assert fake.statuses == []
