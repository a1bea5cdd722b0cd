"""The mail of issue 18: twenty photos and one line of text, planned with the brand in
docs/twenty_photos.yaml (the contact sheet in docs/), make no post twice on a channel."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dripcast.app.pipeline import MediaStore, prepare
from dripcast.core.config import load
from formatters.vary import same_key

ROOT = Path(__file__).parent.parent
NOW = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)


def test_twenty_photos_become_thirty_five_different_posts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEMO_TOKEN", "x")
    brand = load(ROOT / "docs" / "twenty_photos.yaml").brand("demo-bakery")
    raw = (ROOT / "tests" / "data" / "twenty_photos.eml").read_bytes()
    p = prepare(raw, brand, now=NOW, media=MediaStore(tmp_path))
    assert p.accepted and len(p.photos) == 20
    by_channel = defaultdict(list)
    for s in p.slots:
        by_channel[s.draft.channel].append(s.draft)
    assert sorted(by_channel) == ["instagram", "x"]
    for channel, drafts in by_channel.items():
        texts = [same_key(d.text) for d in drafts]
        assert len(texts) == len(set(texts)), channel
        assert sorted(n for d in drafts for n in d.photos) == list(range(1, 21)), channel
        for d in drafts:
            assert len({round(m.width / m.height, 2) for m in d.media}) == 1
    # Instagram (group: auto) carousels to stay in five days; X (no grouping) runs
    # longer, and the notes say both.
    assert len(by_channel["instagram"]) == 15
    assert len(by_channel["x"]) == 20
    assert any(n.startswith("instagram: 20 photos grouped into 15 posts") for n in p.notes)
    assert any(n.startswith("x: 20 posts do not fit") for n in p.notes)


def test_a_shared_variant_is_named_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Networks given the same variant object share its name, hashed once; equal bytes in
    another object, or the same variant of another photo, are named on their own."""
    from dripcast.app import pipeline
    from dripcast.core.blobs import MEDIA
    from dripcast.core.domain import Photo
    from formatters.images import Variant

    hashed: list[bytes] = []
    real = pipeline.variant_name

    def counted(v: Variant, p: Photo) -> str:
        hashed.append(v.data)
        return real(v, p)

    monkeypatch.setattr(pipeline, "variant_name", counted)
    media = pipeline.BlobMedia("b")
    one = Variant(data=b"\xff\xd8one", width=1, height=1)
    twin = Variant(data=bytes(bytearray(one.data)), width=1, height=1)  # equal, not the same
    photo = Photo(
        index=1, filename="a.jpg", data=b"a", width=1, height=1, sha256="ab" * 32, pixels="0" * 64
    )
    other = Photo(
        index=2, filename="b.jpg", data=b"b", width=1, height=1, sha256="cd" * 32, pixels="1" * 64
    )
    names = [
        media(one, photo, "x"),
        media(one, photo, "threads"),
        media(twin, photo, "x"),
        media(one, other, "x"),
    ]
    assert names[0] == names[1] == names[2] == MEDIA + "b/" + real(one, photo)
    assert names[3] != names[0]
    assert len(hashed) == 3  # one, its twin, and one for the other photo
