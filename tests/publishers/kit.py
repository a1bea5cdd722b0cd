"""Posts with tiny real JPEGs and a Context around a FakeNetwork, for publisher tests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from dripcast.core.domain import Media, Post
from dripcast.core.extras import extra_from
from dripcast.core.publisher import Context

COLOURS = ["red", "green", "blue", "yellow", "purple", "orange", "white", "black"]


def jpegs(folder: Path, n: int) -> list[Media]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        path = folder / f"{i + 1}.jpg"
        Image.new("RGB", (8 + i, 6), COLOURS[i % len(COLOURS)]).save(path, "JPEG")
        out.append(
            Media(
                path=str(path),
                width=8 + i,
                height=6,
                bytes=path.stat().st_size,
                format="jpeg",
                alt=f"photo {i + 1} of the cake",
            )
        )
    return out


def make_post(
    tmp_path: Path,
    n: int = 1,
    *,
    text: str = "Fresh cinnamon buns today!\n\nOrder for pickup https://example.com/shop",
    type: str = "x",
    extra: Mapping[str, Any] | None = None,
    remote: Mapping[str, Any] | None = None,
) -> Post:
    return Post(
        id=42,
        brand="demo-bakery",
        channel=type,
        type=type,
        text=text,
        media=tuple(jpegs(tmp_path / "media", n)),
        at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
        extra=extra_from(type, extra or {}),
        remote=remote or {},
    )


@dataclass
class Memory:
    """What the publisher asked the service to remember, per post id."""

    kept: dict[int, dict[str, Any]] = field(default_factory=dict)

    async def __call__(self, post_id: int, data: Mapping[str, Any]) -> None:
        self.kept[post_id] = dict(data)


def make_ctx(http: httpx.AsyncClient, tmp_path: Path, memory: Memory | None = None) -> Context:
    return Context(
        http=http, root=tmp_path, state_dir=tmp_path / "state", remember=memory or Memory()
    )


def jpeg_bytes(media: Media) -> bytes:
    return Path(media.path).read_bytes()
