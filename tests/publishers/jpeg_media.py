"""Tiny real JPEGs on disk as `Media`, and a `Post`/`Context` to publish them with."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from dripcast.core.domain import Media, Post
from dripcast.core.publisher import Context


def jpegs(folder: Path, *alts: str, size: tuple[int, int] = (40, 30)) -> tuple[Media, ...]:
    out = []
    for i, alt in enumerate(alts, 1):
        path = folder / f"variant-{i}.jpg"
        Image.new("RGB", size, (40 * i % 255, 120, 200)).save(path, "JPEG")
        out.append(
            Media(
                path=str(path),
                width=size[0],
                height=size[1],
                bytes=path.stat().st_size,
                format="jpeg",
                alt=alt,
            )
        )
    return tuple(out)


def post(media: tuple[Media, ...], text: str = "Fresh buns! #bakery", **kw: Any) -> Post:
    defaults: dict[str, Any] = {
        "id": 42,
        "brand": "demo-bakery",
        "channel": "social",
        "type": "test",
        "at": datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
    }
    return Post(**{**defaults, **kw}, text=text, media=media)


def context(http: httpx.AsyncClient, tmp_path: Path) -> Context:
    return Context(http=http, root=tmp_path, state_dir=tmp_path / "state")


def file_bytes(media: Media) -> bytes:
    return Path(media.path).read_bytes()
