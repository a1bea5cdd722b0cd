from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx

from dripcast.core.channels import Outbox
from dripcast.core.domain import Media, Post
from dripcast.core.publisher import Context
from publishers.outbox import OutboxPublisher
from tests.mail import jpeg


def make(tmp_path: Path) -> tuple[OutboxPublisher, Post]:
    img = tmp_path / "v.jpg"
    img.write_bytes(jpeg())
    ctx = Context(http=httpx.AsyncClient(), root=tmp_path, state_dir=tmp_path)
    pub = OutboxPublisher(Outbox(id="out", type="outbox", path=Path("box")), ctx)
    media = (
        Media(
            path=str(img), width=640, height=480, bytes=img.stat().st_size, format="jpeg", alt="a"
        ),
        Media(
            path=str(img), width=640, height=480, bytes=img.stat().st_size, format="jpeg", alt="b"
        ),
    )
    post = Post(
        id=7,
        brand="shop",
        channel="out",
        type="outbox",
        text="hello",
        media=media,
        at=datetime(2026, 11, 23, 8, tzinfo=UTC),
    )
    return pub, post


async def test_writes_folder_with_post_json_and_images(tmp_path: Path) -> None:
    pub, post = make(tmp_path)
    result = await pub.publish(post)
    (folder,) = (tmp_path / "box/shop/out").iterdir()
    assert folder.name == result.external_id and folder.name.endswith("-7")
    doc = json.loads((folder / "post.json").read_text())
    assert doc["text"] == "hello" and doc["channel"] == "out" and "published_at" in doc
    assert [m["path"] for m in doc["media"]] == ["1.jpg", "2.jpg"]
    assert (folder / "2.jpg").read_bytes() == Path(post.media[1].path).read_bytes()


async def test_publishing_twice_keeps_one_folder(tmp_path: Path) -> None:
    pub, post = make(tmp_path)
    first = await pub.publish(post)
    assert await pub.find(post) == first
    assert await pub.publish(post) == first
    assert len(list((tmp_path / "box/shop/out").iterdir())) == 1


async def test_half_written_folder_from_a_crash_is_not_a_post(tmp_path: Path) -> None:
    pub, post = make(tmp_path)
    (tmp_path / "box/shop/out/.tmp-7.999").mkdir(parents=True)
    # Another post's folder being written by a process whose pid is this post's id
    # (small pids are common in containers): the name must not pass for post 7.
    (tmp_path / "box/shop/out/.tmp-3-7").mkdir()
    assert await pub.find(post) is None
    await pub.publish(post)
    names = sorted(p.name for p in (tmp_path / "box/shop/out").iterdir())
    # this post's leftover is cleared; the other post's folder in progress is left alone
    assert names[0] == ".tmp-3-7" and len(names) == 2 and names[1].endswith("-7")


async def test_check_writes_to_the_folder_or_says_why_not(tmp_path: Path) -> None:
    import pytest

    from dripcast.core.errors import Rejected

    pub, _ = make(tmp_path)
    assert await pub.check() == f"writes to {tmp_path / 'box'}"
    (tmp_path / "file").write_text("not a folder")
    blocked, _ = make(tmp_path)
    blocked.base = tmp_path / "file" / "box"
    with pytest.raises(Rejected, match="cannot write to"):
        await blocked.check()
