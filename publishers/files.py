"""Reading a post's media for upload: the one media reader every publisher uses.

The variants live in the blob store (`Media.path` is the key) so that any node
can publish any post; without a blob store (tests) `Media.path` is a file.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from dripcast.core.blobs import BlobMissing
from dripcast.core.domain import Media
from dripcast.core.errors import Rejected, Retryable
from dripcast.core.publisher import Context


async def read_media(ctx: Context, media: Media) -> bytes:
    """The variant's bytes. One that is missing will not appear by retrying: Rejected."""
    if ctx.read_blob is None or Path(media.path).is_absolute():
        try:
            return await asyncio.to_thread(Path(media.path).read_bytes)
        except OSError as e:
            raise Rejected(f"cannot read media file {media.path}: {e.strerror or e}") from e
    try:
        return await ctx.read_blob(media.path)
    except BlobMissing:
        raise Rejected(f"media {media.path} is not in the blob store") from None
    except OSError as e:  # the store is out of reach (network, disk): a passing fault
        raise Retryable(f"cannot read media {media.path}: {e}") from e


def upload_name(media: Media, index: int) -> str:
    """The filename networks see: neutral, so no local path or client filename leaks."""
    return f"photo{index}.{'jpg' if media.format == 'jpeg' else media.format}"


def content_type(media: Media) -> str:
    return f"image/{media.format.lower()}"
