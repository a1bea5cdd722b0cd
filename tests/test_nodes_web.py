"""The dashboard and the client's page on a node other than the one that planned the post.

Two nodes in one process: two configs with their own folders (spool, state, media)
sharing one database, one blob store and one `secret_key`. Node A receives and
plans a mail and queues its confirmation; node B shows the post's image, opens the
confirmation's client link and accepts A's session. A third config with another
secret opens neither. (`tests/test_two_nodes.py` runs two real `serve` processes.)
"""

from __future__ import annotations

import email.policy
import io
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
import yaml
from PIL import Image

from dripcast.app import board, pipeline
from dripcast.app.context import App
from dripcast.app.mail.notices import Notices
from dripcast.core.config import load
from dripcast.store import mails as store_mail
from dripcast.store import queries as store
from dripcast.web.site import create_app
from ingest.intake import Intake
from tests.conftest import brand
from tests.mail import jpeg, photo_mail
from tests.web.kit import login, web_config

NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)  # the test mail's Date is an hour before
JSON = {"accept": "application/json"}
SECRET = "a-secret-every-node-shares-0123456789"


def node(folder: Path, shared: Path, name: str, secret: str = "${DRIPCAST_SECRET}") -> App:
    folder.mkdir()
    path = web_config(folder, brands=[brand(approval="client")], public_url="https://posts.example")
    cfg = yaml.safe_load(path.read_text())
    cfg["service"].update(
        database=f"sqlite:///{shared / 'dripcast.db'}",
        blobs=f"file:{shared / 'blobs'}",
        secret_key=secret,
        node_id=name,
        outgoing_mail="smtp://127.0.0.1:9",  # queued in the outbox, never sent here
    )
    path.write_text(yaml.safe_dump(cfg))
    return App.open(load(path))


@dataclass
class Nodes:
    a: App
    b: App
    other: App  # the same database and blobs, another secret_key
    folders: dict[str, Path]


@pytest.fixture
def nodes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Nodes]:
    monkeypatch.setenv("DRIPCAST_SECRET", SECRET)
    monkeypatch.setenv("OTHER_SECRET", "another-secret-of-36-characters-xxxx")
    shared = tmp_path / "shared"
    shared.mkdir()
    folders = {n: tmp_path / n for n in ("a", "b", "other")}
    apps = [
        node(folders["a"], shared, "node-a"),
        node(folders["b"], shared, "node-b"),
        node(folders["other"], shared, "node-c", secret="${OTHER_SECRET}"),
    ]
    yield Nodes(*apps, folders=folders)
    for app in apps:
        app.close()


def plan_on(app: App) -> tuple[int, EmailMessage]:
    """A mail received and planned by `app`'s node; its confirmation, as queued."""
    intake = Intake(app.config, app.engine, clock=lambda: NOW, blobs=app.blobs)
    out = intake.accept(
        photo_mail(photos=[jpeg(1200, 900), jpeg(900, 1200, color=(9, 90, 9))]),
        mail_from="owner@example.com", rcpt="bakery@localhost", transport="smtp",
    )  # fmt: skip
    assert out.message_id is not None
    notices = Notices(app.config, app.engine, blobs=app.blobs)

    def done(mid: int, p: pipeline.Prepared, ids: list[int]) -> None:
        notices.after_processing(
            mid, submission=p.submission, accepted=p.accepted, reason=p.reason, slots=p.slots,
            skipped=p.skipped, notes=p.notes, post_ids=ids, now=NOW,
        )  # fmt: skip

    assert pipeline.process(
        app.config, app.engine, out.message_id, NOW, on_done=done, blobs=app.blobs
    )
    (queued,) = store_mail.claim(app.engine, now=NOW, lease=timedelta(minutes=1))
    conf = message_from_bytes(queued.raw, policy=email.policy.default)
    assert isinstance(conf, EmailMessage)
    return out.message_id, conf


@pytest.fixture
async def sites(nodes: Nodes) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    clients = {
        name: httpx.AsyncClient(
            transport=httpx.ASGITransport(create_app(app, clock=lambda: NOW)),
            base_url="http://dash",
        )
        for name, app in (("a", nodes.a), ("b", nodes.b), ("other", nodes.other))
    }
    yield clients
    for c in clients.values():
        await c.aclose()


def is_image(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as im:
        im.verify()
        return im.size


async def test_a_post_planned_on_one_node_is_shown_and_linked_on_another(
    nodes: Nodes, sites: dict[str, httpx.AsyncClient]
) -> None:
    mid, conf = plan_on(nodes.a)
    posts = store.posts(nodes.b.engine, message_ids=[mid])
    assert posts and all(p["media"][0]["path"].startswith("media/demo-bakery/") for p in posts)
    # The variants are only in the blob store: no node's own folders hold an image.
    for folder in nodes.folders.values():
        assert not [p for p in folder.rglob("*") if p.suffix in (".jpg", ".jpeg")]
    # The confirmation's thumbnails were made from the blob store.
    inline = [p for p in conf.walk() if p.get_content_type() == "image/jpeg"]
    assert len(inline) == len({p["media"][0]["path"] for p in posts}) >= 2
    for part in inline:
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes) and max(is_image(payload)) == 240

    # Node B: the agency's session made on node A, the week with its images.
    a, b = sites["a"], sites["b"]
    assert (await login(a)).status_code == 200
    b.cookies.update(a.cookies)
    srcs: list[str] = []
    zone = nodes.b.config.brands[0].zone
    for w in sorted({board.week_name(p["due_at"].astimezone(zone).date()) for p in posts}):
        week = await b.get("/brands/demo-bakery", params={"week": w})
        assert week.status_code == 200, week.text
        srcs += re.findall(r'<img src="(/posts/\d+/media/\d+)"', week.text)
    assert {int(s.split("/")[2]) for s in srcs} == {p["id"] for p in posts}
    for src in srcs:
        r = await b.get(src)
        assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
        assert max(is_image(r.content)) == 480  # the node's own thumbnail of the variant
    assert list((nodes.folders["b"] / "var/state/thumbs").glob("*.jpg"))
    assert not (nodes.folders["a"] / "var/state/thumbs").exists()

    # The client's link in A's confirmation opens on B, with its images.
    text = conf.get_body(("plain",))
    assert text is not None
    link = next(w for w in text.get_content().split() if w.startswith("https://posts.example/c/"))
    token = link.rsplit("/", 1)[1]
    page = await b.get(f"/c/{token}", headers=JSON)
    assert page.status_code == 200, page.text
    assert sorted(t["id"] for t in page.json()["tiles"]) == sorted(p["id"] for p in posts)
    img = await b.get(f"/c/{token}/media/{posts[0]['id']}/0")
    assert img.status_code == 200 and is_image(img.content)

    # A node with another secret_key: neither A's link nor A's session is its own.
    other = sites["other"]
    assert (await other.get(f"/c/{token}", headers=JSON)).status_code == 404
    other.cookies.update(a.cookies)
    assert (await other.get("/", headers=JSON)).status_code == 401
