"""MastodonPublisher over real sockets against a small Mastodon on loopback."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from PIL import Image

from dripcast.core.channels import Mastodon
from dripcast.core.domain import Media
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


def noisy_jpeg(path: Path, side: int = 600) -> Media:
    """A photo too big for Mastodon to process while the upload waits (random pixels)."""
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(path, "JPEG", quality=95)
    return Media(
        path=str(path),
        width=side,
        height=side,
        bytes=path.stat().st_size,
        format="jpeg",
        alt="A tray of rye loaves",
    )


async def test_a_large_image_is_202_then_polled_until_ready(tmp_path: Path) -> None:
    big = noisy_jpeg(tmp_path / "big.jpg")
    with serving() as fake:
        assert big.bytes > fake.processing_over
        async with httpx.AsyncClient(timeout=10) as http:
            pub = MastodonPublisher(channel(fake.base), context(http, tmp_path))
            pub.poll_interval = 0
            got = await pub.publish(post((big, *jpegs(tmp_path, "small"))))
    calls = fake.requests
    assert calls[:3] == [
        ("POST", "/api/v2/media"),  # 202: still processing
        ("GET", "/api/v1/media/1"),  # 206
        ("GET", "/api/v1/media/1"),  # 200 with its url
    ]
    assert calls[3:] == [("POST", "/api/v2/media"), ("POST", "/api/v1/statuses")]
    (status,) = fake.statuses
    assert [m["url"] is not None for m in status["media_attachments"]] == [True, True]
    assert got.url == status["url"]


async def test_the_fake_refuses_media_still_processing_like_mastodon(tmp_path: Path) -> None:
    big = noisy_jpeg(tmp_path / "big.jpg")
    with serving() as fake:
        async with httpx.AsyncClient(timeout=10) as http:
            auth = {"Authorization": "Bearer test-token"}
            up = await http.post(
                f"{fake.base}/api/v2/media",
                headers=auth,
                files={"file": ("big.jpg", Path(big.path).read_bytes(), "image/jpeg")},
            )
            assert up.status_code == 202 and up.json()["url"] is None
            r = await http.post(
                f"{fake.base}/api/v1/statuses",
                headers=auth,
                data={"status": "x", "media_ids[]": [up.json()["id"]]},
            )
    assert r.status_code == 422 and "not finished processing" in r.json()["error"]
