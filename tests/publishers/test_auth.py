"""Issue 12 point 7: token refresh is one `httpx.Auth` per scheme (their behaviour is
tested per network: test_meta_token, test_x, test_bluesky)."""

from __future__ import annotations

import httpx
import pytest

from publishers.bluesky_session import BlueskySessionAuth
from publishers.http import AsyncAuth
from publishers.meta_token import MetaLongLivedAuth
from publishers.x_tokens import XOAuth2Auth


@pytest.mark.parametrize("cls", [MetaLongLivedAuth, XOAuth2Auth, BlueskySessionAuth])
def test_each_scheme_is_an_httpx_auth(cls: type[AsyncAuth]) -> None:
    assert issubclass(cls, httpx.Auth)


def test_a_sync_client_is_refused_plainly() -> None:
    auth = MetaLongLivedAuth.__new__(MetaLongLivedAuth)
    transport = httpx.MockTransport(lambda r: httpx.Response(200))
    with httpx.Client(transport=transport) as client, pytest.raises(RuntimeError, match="Async"):
        client.get("https://graph.example/me", auth=auth)
