"""Small copies of image variants for the dashboard's tiles, cached in state_dir.

A week of 200 posts would otherwise send 200 full-size variants to the browser.
The copy keeps the variant's shape (the network's crop); its name is a hash of the
source's path, size and mtime, so a changed file gets a new copy.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from PIL import Image

SIDE = 480  # long side in pixels: a tile is at most ~240 CSS pixels wide, at 2x


def thumbnail(source: Path, cache: Path, side: int = SIDE) -> Path:
    st = source.stat()
    key = f"{source}\0{st.st_size}\0{st.st_mtime_ns}\0{side}".encode()
    out = cache / f"{hashlib.sha256(key).hexdigest()[:24]}.jpg"
    if out.exists():
        return out
    cache.mkdir(parents=True, exist_ok=True, mode=0o700)
    with Image.open(source) as im:
        im.draft("RGB", (side, side))  # JPEG: decode at a reduced size, much faster
        pic = im.convert("RGB")
    pic.thumbnail((side, side), Image.Resampling.LANCZOS)
    # Two requests may make the same copy at once (two channels share a variant): each
    # writes its own temporary file, and either replace leaves a whole one.
    tmp = out.with_name(f".{out.name}.{os.getpid()}.{secrets.token_hex(4)}")
    pic.save(tmp, "JPEG", quality=82, optimize=True)
    tmp.replace(out)
    return out
