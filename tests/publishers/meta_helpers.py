"""Shared test helpers for the Meta publishers (Facebook, Instagram, Threads)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from dripcast.core.domain import Media, Post
from dripcast.core.publisher import Context

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
BUC = json.dumps(
    {
        "17841400000": [
            {
                "type": "instagram",
                "call_count": 100,
                "total_cputime": 20,
                "total_time": 40,
                "estimated_time_to_regain_access": 15,
            }
        ]
    }
)


def jpeg(folder: Path, name: str, width: int = 64, height: int = 80, alt: str = "") -> Media:
    path = folder / name
    Image.new("RGB", (width, height), (200, 120, 40)).save(path, "JPEG", quality=80)
    return Media(
        path=str(path),
        width=width,
        height=height,
        bytes=path.stat().st_size,
        format="jpeg",
        alt=alt,
    )


def make_post(media: tuple[Media, ...], text: str = "Fresh bread today", **kw: Any) -> Post:
    defaults: dict[str, Any] = {
        "id": 42,
        "brand": "bakery",
        "channel": "meta",
        "type": "meta",
        "at": AT,
    }
    return Post(text=text, media=media, **{**defaults, **kw})


def graph_error(code: int, subcode: int | None = None, message: str = "") -> dict[str, Any]:
    err: dict[str, Any] = {
        "message": message or f"error {code}",
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "A1b2C3d4",
    }
    if subcode is not None:
        err["error_subcode"] = subcode
    return {"error": err}


class Memory:
    """What `ctx.remember` keeps, per post id."""

    def __init__(self) -> None:
        self.kept: dict[int, dict[str, Any]] = {}

    async def __call__(self, post_id: int, data: Mapping[str, Any]) -> None:
        self.kept[post_id] = {**self.kept.get(post_id, {}), **data}


def context(
    http: httpx.AsyncClient, tmp_path: Path, *, urls: bool = True, memory: Memory | None = None
) -> Context:
    def media_url(m: Media) -> str:
        return f"https://dc.example.com/media/9/sig/{Path(m.path).name}"

    return Context(
        http=http,
        root=tmp_path,
        state_dir=tmp_path / "state",
        media_url=media_url if urls else None,
        remember=memory,
    )


def fresh_token(state_dir: Path, token: str) -> None:
    """A token refreshed yesterday and good for 59 days: no refresh call is due."""
    import hashlib
    import time

    state_dir.mkdir(parents=True, exist_ok=True)
    now = time.time()
    (state_dir / "token.json").write_text(
        json.dumps(
            {
                "access_token": token,
                "configured": hashlib.sha256(token.encode()).hexdigest()[:16],
                "refreshed_at": now - 86400,
                "expires_at": now + 59 * 86400,
            }
        )
    )
