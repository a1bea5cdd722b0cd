"""Reading a post's media files for upload, off the event loop."""

from __future__ import annotations

import asyncio
from pathlib import Path

from dripcast.core.domain import Media
from dripcast.core.errors import Rejected


async def read_media(media: Media) -> bytes:
    """The file's bytes. A missing or unreadable variant will not appear by retrying: Rejected."""
    try:
        return await asyncio.to_thread(Path(media.path).read_bytes)
    except OSError as e:
        raise Rejected(f"cannot read media file {media.path}: {e.strerror or e}") from e


def upload_name(media: Media, index: int) -> str:
    """The filename networks see: neutral, so no local path or client filename leaks."""
    return f"photo{index}.{'jpg' if media.format == 'jpeg' else media.format}"


def content_type(media: Media) -> str:
    return f"image/{media.format.lower()}"
