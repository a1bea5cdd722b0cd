"""Small copies of image variants for the dashboard's tiles, cached on this node.

A week of 200 posts would otherwise send 200 full-size variants to the browser.
The copy keeps the variant's shape (the network's crop). The source is the blob
store every node shares; the cache is this node's own (`state_dir/thumbs`), named
by a hash of the image's name, which changes whenever its bytes do (a blob key
names its content), so a hit costs no read from the store.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
from collections.abc import Callable
from pathlib import Path

SIDE = 480  # long side in pixels: a tile is at most ~240 CSS pixels wide, at 2x


def thumbnail(name: str, read: Callable[[], bytes], cache: Path, side: int = SIDE) -> Path:
    """The cached copy of the image `name`; made from `read()` the first time."""
    digest = hashlib.sha256(f"{name}\0{side}".encode()).hexdigest()
    out = cache / f"{digest[:24]}.jpg"
    if out.exists():
        return out
    from PIL import Image  # a cache hit needs no Pillow (nor does the dashboard's start)

    data = read()
    cache.mkdir(parents=True, exist_ok=True, mode=0o700)
    with Image.open(io.BytesIO(data)) as im:
        im.draft("RGB", (side, side))  # JPEG: decode at a reduced size, much faster
        pic = im.convert("RGB")
    pic.thumbnail((side, side), Image.Resampling.LANCZOS)
    # Two requests may make the same copy at once (two channels share a variant): each
    # writes its own temporary file, and either replace leaves a whole one.
    tmp = out.with_name(f".{out.name}.{os.getpid()}.{secrets.token_hex(4)}")
    pic.save(tmp, "JPEG", quality=82, optimize=True)
    tmp.replace(out)
    return out
