"""The media server over a real loopback socket, spoken to with httpx."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from dripcast.app.media_server import start_media_server
from dripcast.app.media_urls import sign
from dripcast.store.blobs import FolderBlobStore, open_blobs
from tests.s3 import S3Server

KEY = os.urandom(32)
T = 1_800_000_000
JPEG = b"\xff\xd8\xff\xe0 not really a jpeg but bytes \xff\xd9"


@dataclass
class Running:
    base: str
    media: Path
    clock: list[float]


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[Running]:
    media = tmp_path / "blobs" / "media"
    (media / "brand").mkdir(parents=True)
    (media / "brand" / "1.jpg").write_bytes(JPEG)
    (tmp_path / "secret.txt").write_text("private")
    clock = [float(T)]
    blobs = FolderBlobStore(tmp_path / "blobs")
    srv = await start_media_server(
        host="127.0.0.1", port=0, read=blobs.get, key=KEY, now=lambda: clock[0]
    )
    port = srv.sockets[0].getsockname()[1]
    try:
        yield Running(f"http://127.0.0.1:{port}", media, clock)
    finally:
        srv.close()
        await srv.wait_closed()


async def get(url: str, method: str = "GET") -> httpx.Response:
    async with httpx.AsyncClient() as http:
        return await http.request(method, url)


async def test_serves_a_signed_file(server: Running) -> None:
    r = await get(server.base + sign("brand/1.jpg", KEY, T + 60))
    assert r.status_code == 200
    assert r.content == JPEG
    assert r.headers["content-type"] == "image/jpeg"
    assert r.headers["content-length"] == str(len(JPEG))


async def test_head_has_headers_and_no_body(server: Running) -> None:
    r = await get(server.base + sign("brand/1.jpg", KEY, T + 60), "HEAD")
    assert r.status_code == 200
    assert r.headers["content-length"] == str(len(JPEG))
    assert r.content == b""


async def test_expired_or_forged_is_forbidden(server: Running) -> None:
    url = server.base + sign("brand/1.jpg", KEY, T + 60)
    server.clock[0] = T + 61
    assert (await get(url)).status_code == 403
    server.clock[0] = T
    assert (await get(url.replace("1.jpg", "2.jpg"))).status_code == 403
    assert (await get(server.base + sign("brand/1.jpg", os.urandom(32), T + 60))).status_code == 403
    assert (await get(server.base + "/brand/1.jpg")).status_code == 403


async def test_no_listing_no_missing_files_no_escape(server: Running) -> None:
    assert (await get(server.base + sign("brand", KEY, T + 60))).status_code == 404
    assert (await get(server.base + sign("brand/9.jpg", KEY, T + 60))).status_code == 404
    assert (await get(server.base + "/media/")).status_code == 404
    (server.media / "brand" / "link.jpg").symlink_to(server.media.parent.parent / "secret.txt")
    assert (await get(server.base + sign("brand/link.jpg", KEY, T + 60))).status_code == 404


async def test_only_get_and_head(server: Running) -> None:
    r = await get(server.base + sign("brand/1.jpg", KEY, T + 60), "POST")
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, HEAD"


async def raw(server: Running, data: bytes) -> bytes:
    host, port = server.base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(data)
    await writer.drain()
    answer = await reader.read()
    writer.close()
    await writer.wait_closed()
    return answer


async def test_malformed_requests_get_400(server: Running) -> None:
    assert (await raw(server, b"garbage\r\n\r\n")).startswith(b"HTTP/1.1 400 ")
    path = sign("brand/1.jpg", KEY, T + 60).replace("/brand/", "/../media/brand/")
    answer = await raw(server, f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 403 ")
    assert (await raw(server, b"GET /" + b"a" * 10000 + b" HTTP/1.1\r\n\r\n")).startswith(
        b"HTTP/1.1 400 "
    )
    assert (await raw(server, b"GET / HTTP/2.0\r\n\r\n")).startswith(b"HTTP/1.1 505 ")


def test_config_names_where_the_media_server_listens() -> None:
    from dripcast.core.config import Service

    assert Service().media_http.port == 8025
    svc = Service.model_validate({"media_http": {"host": "0.0.0.0", "port": 9000}})
    assert (svc.media_http.host, svc.media_http.port) == ("0.0.0.0", 9000)
    with pytest.raises(ValueError):
        Service.model_validate({"media_http": {"port": 70000}})


async def test_config_wiring_serves_what_the_factory_signs(tmp_path: Path) -> None:
    from dripcast.app.media_server import start_from_config
    from dripcast.app.media_urls import media_url_from_config
    from dripcast.core.config import Config
    from dripcast.core.domain import Media

    brand = {
        "id": "b",
        "name": "B",
        "address": "b@example.com",
        "channels": [{"id": "o", "type": "outbox", "path": "out"}],
    }
    off = Config.model_validate({"brands": [brand], "path": tmp_path / "config.yaml"})
    blobs = open_blobs(off)
    assert media_url_from_config(off) is None
    assert await start_from_config(off, blobs.get) is None

    service = {"public_base_url": "http://placeholder", "media_http": {"port": 0}}
    cfg = Config.model_validate(
        {"service": service, "brands": [brand], "path": tmp_path / "config.yaml"}
    )
    srv = await start_from_config(cfg, blobs.get)
    assert srv is not None
    try:
        port = srv.sockets[0].getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        cfg = cfg.model_copy(
            update={"service": cfg.service.model_copy(update={"public_base_url": base})}
        )
        media_url = media_url_from_config(cfg)
        assert media_url is not None
        await blobs.run(blobs.store.put("media/b/1.jpg", JPEG))
        assert (tmp_path / "var" / "blobs" / "media" / "b" / "1.jpg").exists()
        url = media_url(
            Media(path="media/b/1.jpg", width=1, height=1, bytes=len(JPEG), format="jpeg")
        )
        assert url.startswith(base + "/media/")
        r = await get(url)
        assert r.status_code == 200
        assert r.content == JPEG
        assert (tmp_path / "var" / "state" / "secret.key").exists()  # no secret_key: one node's
    finally:
        srv.close()
        await srv.wait_closed()
        blobs.close()


async def test_a_url_one_node_signs_is_served_by_another_from_s3(
    tmp_path: Path, s3_server: S3Server
) -> None:
    """Issue 17 point 3: same secret_key, same blob store, different local folders."""
    from dripcast.app.media_server import start_from_config
    from dripcast.app.media_urls import media_url_from_config
    from dripcast.core.config import Config
    from dripcast.core.domain import Media

    brand = {"id": "b", "name": "B", "address": "b@example.com", "channels": [{"id": "o", "type": "outbox", "path": "out"}]}  # fmt: skip
    bucket = s3_server.new_bucket()

    def node(name: str, base: str) -> Config:
        service = {
            "public_base_url": base,
            "media_http": {"port": 0},
            "blobs": f"s3://{bucket}/shared",
            "s3": s3_server.settings(),
            "secret_key": "the-same-secret-on-every-node-0123456789",
            "node_id": name,
        }
        return Config.model_validate(
            {"service": service, "brands": [brand], "path": tmp_path / name / "config.yaml"}
        )

    serving = node("node-b", "http://placeholder")
    blobs_b = open_blobs(serving)
    srv = await start_from_config(serving, blobs_b.get)
    assert srv is not None
    try:
        base = f"http://127.0.0.1:{srv.sockets[0].getsockname()[1]}"
        signing = node("node-a", base)
        blobs_a = open_blobs(signing)
        await blobs_a.run(blobs_a.store.put("media/b/ab/1.jpg", JPEG))  # node-a planned it
        blobs_a.close()
        media_url = media_url_from_config(signing)
        assert media_url is not None
        url = media_url(Media(path="media/b/ab/1.jpg", width=1, height=1, bytes=4, format="jpeg"))
        r = await get(url)
        assert (r.status_code, r.content) == (200, JPEG)
        assert not (tmp_path / "node-b" / "var" / "blobs").exists()  # nothing on local disk
    finally:
        srv.close()
        await srv.wait_closed()
        blobs_b.close()


@pytest.mark.parametrize(
    "expiry",
    [b"9" * 5000, b"\xb2\xb3\xb9", "١٢٣".encode(), b"%31%32", b"", b"1" * 21],
    ids=["5000-digits", "latin1-superscripts", "arabic-indic-utf8", "quoted", "empty", "21"],
)
async def test_an_expiry_no_signed_url_has_is_404_over_a_socket(
    server: Running, expiry: bytes
) -> None:
    answer = await raw(server, b"GET /media/" + expiry + b"/sig/brand/1.jpg HTTP/1.1\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 404 ")
    # and the server still answers the next client
    assert (await get(server.base + sign("brand/1.jpg", KEY, T + 60))).status_code == 200


def test_verify_refuses_what_int_cannot_read() -> None:
    from dripcast.app.media_urls import verify

    for expiry in ("9" * 5000, "²³", "١٢٣"):
        assert verify(f"/media/{expiry}/sig/brand/1.jpg", KEY, T) is None
