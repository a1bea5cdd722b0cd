"""The time cursor and the comments table: nothing read twice, nothing skipped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from dripcast.core.faq import Comment, Cursor
from dripcast.store import comments as store
from dripcast.store.db import make_engine, migrate
from publishers.comments.base import after

T = datetime(2026, 11, 26, 9, tzinfo=UTC)


def c(cid: str, at: datetime, parent: str | None = None) -> Comment:
    return Comment(
        network="facebook",
        external_id=cid,
        thread="p",
        text=cid,
        author="a",
        created_at=at,
        parent=parent,
    )


def test_two_comments_in_one_second_are_neither_lost_nor_repeated() -> None:
    got, cur = after(Cursor(), [c("a", T)])
    assert [x.external_id for x in got] == ["a"]
    # "b" arrives in the same second as "a", after the first read
    got, cur = after(cur, [c("a", T), c("b", T)])
    assert [x.external_id for x in got] == ["b"] and cur.value["seen"] == ["a", "b"]
    got, cur2 = after(cur, [c("a", T), c("b", T), c("c", T + timedelta(seconds=1))])
    assert [x.external_id for x in got] == ["c"]
    assert after(cur2, [c("c", T + timedelta(seconds=1))]) == ([], cur2)


def test_a_comment_read_twice_is_stored_once_and_replies_join_its_conversation(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'd.db'}")
    migrate(engine)
    ids = store.store_read(engine, "b", "fb", [c("a", T)], {"after": "1"}, now=T)
    assert store.store_read(
        engine, "b", "fb", [c("a", T), c("r", T, parent="a")], {"after": "2"}, now=T
    )
    assert len(ids) == 1
    rows = store.with_status(engine, "b", "new")
    assert [(r.comment.external_id, r.conversation) for r in rows] == [("a", "a"), ("r", "a")]
    assert store.cursor(engine, "b", "fb") == ({"after": "2"}, None)
    engine.dispose()
