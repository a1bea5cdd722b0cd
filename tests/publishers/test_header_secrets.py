"""A header value never reaches an error: h11 refuses a token with a line break and its
error (and httpx's repr of it) carries the whole header, `Bearer <token>` included."""

from __future__ import annotations

import traceback
from pathlib import Path

import httpx
import pytest

from dripcast.core.channels import Mastodon
from dripcast.core.errors import PublishError
from publishers.http import send
from publishers.mastodon import MastodonPublisher
from publishers.redact import redacting, scrub_headers
from tests.publishers.jpeg_media import context, jpegs, post
from tests.publishers.mastodon_server import serving

SECRET = "s3cr3t-t0ken"
BAD = [f"{SECRET}\nX-Evil: 1", f"{SECRET}\r\n", f"{SECRET}\x00", f"\n{SECRET}"]


def everything_said(e: BaseException) -> str:
    """What a log line, posts.reason or a traceback could show."""
    return str(e) + repr(e) + "".join(traceback.format_exception(e))


@pytest.mark.parametrize("token", BAD)
async def test_send_names_no_header_value(token: str) -> None:
    with serving() as fake:
        async with httpx.AsyncClient(timeout=10) as http:
            with pytest.raises(PublishError) as e:
                await send(
                    http,
                    "POST",
                    fake.base + "/api/v1/statuses",
                    headers={"Authorization": f"Bearer {token}"},
                )
    said = everything_said(e.value)
    assert SECRET not in said
    assert "header" in str(e.value)


@pytest.mark.parametrize("token", BAD)
async def test_publish_and_check_name_no_token(token: str, tmp_path: Path) -> None:
    with serving() as fake:
        ch = Mastodon.model_validate(
            {"id": "m", "type": "mastodon", "instance": fake.base, "token": token}
        )
        async with httpx.AsyncClient(timeout=10) as http:
            pub = MastodonPublisher(ch, context(http, tmp_path))
            with pytest.raises(PublishError) as checked:
                await pub.check()
            with pytest.raises(PublishError) as published:
                await pub.publish(post(jpegs(tmp_path, "x")))
    assert fake.statuses == []
    for e in (checked.value, published.value):
        assert SECRET not in everything_said(e)


def test_scrub_headers_removes_values_in_any_quoting() -> None:
    for text in (
        "Illegal header value b'Bearer s3cr3t\\n'",
        'Illegal header value b"Bearer it\'s s3cr3t"',
        "LocalProtocolError(\"Illegal header value b'Bearer s3cr3t\\\\r\\\\n'\")",
    ):
        assert "s3cr3t" not in scrub_headers(text)


def test_redacting_scrubs_header_values_too() -> None:
    with pytest.raises(PublishError) as e, redacting():
        raise PublishError(f"no answer: Illegal header value b'Bearer {SECRET}\\n'")
    assert SECRET not in str(e.value)
