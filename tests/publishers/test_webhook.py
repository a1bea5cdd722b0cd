from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path

import pytest

from dripcast.core.channels import Webhook
from dripcast.core.errors import AuthExpired, OutcomeUnknown, Rejected, Retryable
from dripcast.core.extras import PinterestExtra
from publishers.webhook import WebhookPublisher, verify
from tests.publishers.fake import FakeNetwork, reply, timeout_after_send
from tests.publishers.jpeg_media import context, file_bytes, jpegs, post

SECRET = "whsec-correct-horse"


def publisher(net: FakeNetwork, tmp_path: Path) -> WebhookPublisher:
    ch = Webhook.model_validate(
        {
            "id": "zap",
            "type": "webhook",
            "url": "https://hooks.example/in/dripcast",
            "secret": SECRET,
        }
    )
    return WebhookPublisher(ch, context(net.client(), tmp_path))


async def test_single_photo_is_signed_json_with_base64_media(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route(
        "POST",
        "/in/dripcast",
        reply(200, {"id": "zap-991", "url": "https://hooks.example/runs/991"}),
    )
    media = jpegs(tmp_path, "Cinnamon buns", size=(40, 30))
    got = await publisher(net, tmp_path).publish(post(media, extra=PinterestExtra(title="Buns")))

    req = net.requests[0]
    assert req.headers["content-type"] == "application/json"
    assert req.headers["idempotency-key"] == "42"
    expected = "sha256=" + hmac.new(SECRET.encode(), req.content, hashlib.sha256).hexdigest()
    assert req.headers["x-dripcast-signature"] == expected
    doc = json.loads(req.content)
    assert doc["sent_at"] == int(req.headers["x-dripcast-timestamp"])
    raw = file_bytes(media[0])
    assert doc == {
        "id": 42,
        "brand": "demo-bakery",
        "channel": "social",
        "type": "test",
        "at": "2026-11-23T09:00:00+00:00",
        "sent_at": doc["sent_at"],
        "text": "Fresh buns! #bakery",
        "media": [
            {
                "filename": "photo1.jpg",
                "content_type": "image/jpeg",
                "width": 40,
                "height": 30,
                "bytes": len(raw),
                "alt": "Cinnamon buns",
                "sha256": hashlib.sha256(raw).hexdigest(),
                "data": base64.b64encode(raw).decode(),
            }
        ],
        "extra": {"title": "Buns", "link": None},
    }
    assert (got.external_id, got.url) == ("zap-991", "https://hooks.example/runs/991")


async def test_several_photos_in_order_and_plain_2xx_answer(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", "/in/dripcast", reply(204, b""))
    media = jpegs(tmp_path, "one", "two", "three")
    got = await publisher(net, tmp_path).publish(post(media))
    doc = json.loads(net.requests[0].content)
    assert [m["alt"] for m in doc["media"]] == ["one", "two", "three"]
    assert [base64.b64decode(m["data"]) for m in doc["media"]] == [file_bytes(m) for m in media]
    assert "extra" not in doc
    assert (got.external_id, got.url) == ("webhook-42", None)


def test_verify_accepts_only_the_exact_body_and_secret() -> None:
    body = b'{"id": 1}'
    good = "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert verify(b"k", body, good)
    assert not verify(b"k", body + b" ", good)
    assert not verify(b"other", body, good)


async def test_429_uses_retry_after(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", "/in/dripcast", reply(429, {"error": "slow down"}, {"Retry-After": "12"}))
    with pytest.raises(Retryable, match="slow down") as e:
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))
    assert e.value.retry_after == 12.0


async def test_5xx_is_retryable(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", "/in/dripcast", reply(500, "Internal Server Error"))
    with pytest.raises(Retryable, match="500"):
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))


async def test_bad_signature_answer_is_auth_expired(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", "/in/dripcast", reply(401, {"error": "invalid signature"}))
    with pytest.raises(AuthExpired, match="invalid signature") as e:
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))
    assert SECRET not in str(e.value)


async def test_refused_content_is_rejected_with_the_receivers_message(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", "/in/dripcast", reply(422, {"message": "text is required"}))
    with pytest.raises(Rejected, match="422: text is required"):
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))


async def test_timeout_after_send_is_unknown(tmp_path: Path) -> None:
    net = FakeNetwork()
    net.route("POST", "/in/dripcast", timeout_after_send)
    with pytest.raises(OutcomeUnknown):
        await publisher(net, tmp_path).publish(post(jpegs(tmp_path, "x")))
    assert not WebhookPublisher.idempotent
