"""X, LinkedIn, Pinterest, Tumblr and WordPress are reachable from their config type."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import TypeAdapter

from dripcast.core.channels import Channel
from publishers.linkedin import LinkedInPublisher
from publishers.pinterest import PinterestPublisher
from publishers.registry import make_publisher
from publishers.tumblr import TumblrPublisher
from publishers.wordpress import WordPressPublisher
from publishers.x import XPublisher
from tests.publishers.kit import make_ctx

CASES: list[tuple[dict[str, Any], type[Any]]] = [
    ({"type": "x", "token": "a", "refresh_token": "r", "client_id": "c"}, XPublisher),
    ({"type": "linkedin", "author": "urn:li:person:abc", "token": "t"}, LinkedInPublisher),
    ({"type": "pinterest", "board_id": "1", "token": "t"}, PinterestPublisher),
    ({"type": "tumblr", "blog": "demo", "token": "t"}, TumblrPublisher),
    (
        {"type": "wordpress", "site": "https://b.example", "user": "u", "app_password": "p"},
        WordPressPublisher,
    ),
]


@pytest.mark.parametrize(("settings", "cls"), CASES, ids=[c[0]["type"] for c in CASES])
async def test_config_type_makes_its_publisher(
    settings: dict[str, Any], cls: type[Any], tmp_path: Path
) -> None:
    channel = TypeAdapter(Channel).validate_python({"id": "c1", **settings})
    async with httpx.AsyncClient() as http:
        pub = make_publisher(channel, make_ctx(http, tmp_path))
    assert type(pub) is cls
    assert "find" in vars(cls) and "check" in vars(cls)
