"""Issue 12 point 7: one media reader; a missing variant is Rejected on every network."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dripcast.core.channels import Tumblr
from dripcast.core.errors import Rejected
from publishers.tumblr import TumblrPublisher
from tests.publishers.fake import FakeNetwork
from tests.publishers.kit import make_ctx, make_post

PUBLISHERS = Path(__file__).parents[2] / "publishers"


async def test_a_missing_file_is_rejected_not_retried(tmp_path: Path) -> None:
    # Tumblr used publishers/steps.read_bytes, whose OSError was retried as a bug
    post = make_post(tmp_path, 1, type="tumblr")
    Path(post.media[0].path).unlink()
    net = FakeNetwork()
    channel = Tumblr(type="tumblr", id="tumblr", blog="b", token="T")
    async with net.client() as http:
        with pytest.raises(Rejected, match="cannot read media file"):
            await TumblrPublisher(channel, make_ctx(http, tmp_path)).publish(post)
    assert net.requests == []


def test_only_files_py_reads_media_files() -> None:
    readers = []
    for path in sorted(PUBLISHERS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr == "read_bytes":
                readers.append(path.name)
    assert set(readers) <= {"files.py"}, readers
