"""Bluesky over a real loopback socket: an expired session is renewed once and the call repeated.

httpx hands an `Auth` flow a streamed response; `MockTransport` tests never see
that, so `BlueskySessionAuth` read the error body of an unread stream
(`ResponseNotRead`) and every post after the token expired failed.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx

from dripcast.core.channels import Bluesky
from publishers.bluesky import BlueskyPublisher
from tests.pds_server import FakePDS, running
from tests.publishers.kit import make_ctx, make_post


async def test_an_expired_token_is_refreshed_once_over_a_real_socket(tmp_path: Path) -> None:
    pds = FakePDS(uses=2)  # the first post's upload and create; the second post needs a refresh
    with running(pds) as url:
        channel = Bluesky(
            type="bluesky", id="sky", handle=pds.handle, app_password=pds.password, service=url
        )
        async with httpx.AsyncClient() as http:
            pub = BlueskyPublisher(channel, make_ctx(http, tmp_path))
            for n in (1, 2):
                post = replace(make_post(tmp_path, 1, type="bluesky"), id=n)
                await pub.publish(post)
    assert (pds.logins, pds.refreshes, len(pds.records)) == (1, 1, 2)
