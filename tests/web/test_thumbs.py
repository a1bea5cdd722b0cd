"""Thumbnails: made once, the variant's shape kept, and safe when made twice at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image

from dripcast.app.thumbs import thumbnail
from tests.mail import jpeg


def test_same_thumbnail_made_concurrently(tmp_path: Path) -> None:
    # Two channels share one variant file, so a page asks for its copy twice at once;
    # both writers once used the same temporary name and one of them failed.
    data = jpeg(2160, 2700)
    key = "media/b/ab/abcd-instagram-0123.jpg"
    with ThreadPoolExecutor(8) as pool:
        outs = list(
            pool.map(lambda _: thumbnail(key, lambda: data, tmp_path / "thumbs"), range(64))
        )
    assert len(set(outs)) == 1
    with Image.open(outs[0]) as im:
        assert im.size == (384, 480)  # 4:5, as the network's crop
    assert [p.name for p in (tmp_path / "thumbs").iterdir()] == [outs[0].name]


def test_a_cached_thumbnail_is_not_read_from_the_store_again(tmp_path: Path) -> None:
    reads: list[str] = []

    def read() -> bytes:
        reads.append("x")
        return jpeg(800, 800)

    first = thumbnail("media/b/one.jpg", read, tmp_path)
    assert thumbnail("media/b/one.jpg", read, tmp_path) == first and len(reads) == 1
    assert thumbnail("media/b/two.jpg", read, tmp_path) != first and len(reads) == 2
