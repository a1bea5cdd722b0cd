"""The Bluesky publisher against a real atproto PDS: npm `@atproto/pds` (pinned in
tests/publishers/pds/package-lock.json) with an in-memory `@did-plc/server`, SQLite,
disk blobs, on loopback.

The packages are installed once into a cache folder (`DRIPCAST_PDS_DIR`, else
~/.cache/dripcast/test-pds/<lock hash>); the first run pays for the install
(about two minutes, better-sqlite3 is compiled from source). Skipped only where
`node` or `npm` is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from dripcast.core.channels import Bluesky
from dripcast.core.domain import Published
from dripcast.core.extras import BlueskyExtra
from formatters.facets import facets
from publishers.atproto import post_rkey
from publishers.bluesky import BlueskyPublisher
from tests.ports import free_port
from tests.publishers.jpeg_media import context, file_bytes, jpegs, post
from tests.publishers.pds.install import install

HERE = Path(__file__).parent / "pds"
HANDLE = "bakery.test"
PASSWORD = "rye-bread-every-monday"


def _installed() -> Path:
    """node_modules with the pinned PDS (installed once, see pds/install.py)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed to run a real atproto PDS (npm @atproto/pds)")
    return install()


@dataclass
class Pds:
    url: str


@pytest.fixture(scope="module")
def pds() -> Iterator[Pds]:
    modules = _installed()
    port = free_port()
    proc = subprocess.Popen(
        ["node", str(HERE / "run.js"), str(port)],
        env={**os.environ, "NODE_PATH": str(modules)},
        stdin=subprocess.PIPE,  # closing it stops the server
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdin is not None
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout=90)
    try:
        if not first or not first[0].strip():
            proc.kill()
            _, err = proc.communicate(timeout=10)
            pytest.fail(f"the PDS did not start: {err[-2000:]}")
        yield Pds(url=json.loads(first[0])["url"])
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture(scope="module")
def account(pds: Pds) -> dict[str, Any]:
    r = httpx.post(
        f"{pds.url}/xrpc/com.atproto.server.createAccount",
        json={"handle": HANDLE, "email": "anna@bakery.example", "password": PASSWORD},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


def _utf8_slice(text: str, index: dict[str, int]) -> str:
    return text.encode()[index["byteStart"] : index["byteEnd"]].decode()


async def test_publish_to_a_real_pds_and_read_the_record_back(
    pds: Pds, account: dict[str, Any], http: httpx.AsyncClient, tmp_path: Path
) -> None:
    channel = Bluesky(
        type="bluesky", id="social", handle=HANDLE, app_password=PASSWORD, service=pds.url
    )
    media = jpegs(tmp_path, "Rye loaves cooling on a rack", size=(64, 48))
    text = "Rugbrød i dag 🍞 https://bakery.example/brød?sted=Århus #rugbrød #bakery"
    the_post = post(
        media,
        text=text,
        type="bluesky",
        extra=BlueskyExtra(facets=tuple(facets(text)), langs=("da",)),
    )
    pub = BlueskyPublisher(channel, context(http, tmp_path))

    got = await pub.publish(the_post)

    did = account["did"]
    rkey = post_rkey(42, "demo-bakery/social")
    assert got == Published(
        external_id=f"at://{did}/app.bsky.feed.post/{rkey}",
        url=f"https://bsky.app/profile/{did}/post/{rkey}",
    )
    r = await http.get(
        f"{pds.url}/xrpc/com.atproto.repo.getRecord",
        params={"repo": did, "collection": "app.bsky.feed.post", "rkey": rkey},
    )
    assert r.status_code == 200, r.text
    record = r.json()["value"]
    assert record["$type"] == "app.bsky.feed.post"
    assert record["text"] == text
    assert record["langs"] == ["da"]
    assert record["createdAt"].endswith("Z")
    # Facets: UTF-8 byte offsets that cut out exactly the link and the tags.
    spans = {_utf8_slice(text, f["index"]): f["features"][0] for f in record.get("facets", [])}
    assert spans["https://bakery.example/brød?sted=Århus"] == {
        "$type": "app.bsky.richtext.facet#link",
        "uri": "https://bakery.example/brød?sted=Århus",
    }
    assert spans["#rugbrød"] == {"$type": "app.bsky.richtext.facet#tag", "tag": "rugbrød"}
    assert spans["#bakery"] == {"$type": "app.bsky.richtext.facet#tag", "tag": "bakery"}
    (image,) = record["embed"]["images"]
    assert record["embed"]["$type"] == "app.bsky.embed.images"
    assert image["alt"] == "Rye loaves cooling on a rack"
    assert image["aspectRatio"] == {"width": 64, "height": 48}
    assert image["image"]["$type"] == "blob" and image["image"]["mimeType"] == "image/jpeg"
    # The blob the record points at is the photo, byte for byte.
    blob = await http.get(
        f"{pds.url}/xrpc/com.atproto.sync.getBlob",
        params={"did": did, "cid": image["image"]["ref"]["$link"]},
    )
    assert blob.status_code == 200 and blob.content == file_bytes(media[0])

    # A retry (lost answer) writes the same key: found, never a second post.
    assert await pub.find(the_post) == got
    assert await pub.publish(the_post) == got
    listed = await http.get(
        f"{pds.url}/xrpc/com.atproto.repo.listRecords",
        params={"repo": did, "collection": "app.bsky.feed.post"},
    )
    assert [rec["uri"] for rec in listed.json()["records"]] == [got.external_id]
