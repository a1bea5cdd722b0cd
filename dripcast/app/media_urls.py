"""Signed, expiring URLs for the image files networks fetch themselves (Instagram, Threads…).

A URL path is `/media/<expires>/<signature>/<path under media_dir>`; the signature is
HMAC-SHA256 over the expiry and the path with a key only this service knows, so a
path cannot be guessed, changed or used after it expires.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from dripcast.core.domain import Media

if TYPE_CHECKING:
    from dripcast.core.config import Config

PREFIX = "/media/"
KEY_BYTES = 32
DEFAULT_TTL = 3600.0  # long enough for a network to fetch, short enough to be "while publishing"


def sign(path: str, key: bytes, expires_at: int) -> str:
    """The URL path serving `path` (relative to media_dir, `/`-separated) until `expires_at`."""
    clean = _safe(path)
    if clean is None:
        raise ValueError(f"not a plain relative path inside the media folder: {path!r}")
    return f"{PREFIX}{expires_at}/{_mac(clean, key, expires_at)}/{quote(clean)}"


def verify(url_path: str, key: bytes, now: float) -> str | None:
    """The file path a URL path grants, or None if it is forged, altered or expired."""
    if not url_path.startswith(PREFIX):
        return None
    expires, _, rest = url_path[len(PREFIX) :].partition("/")
    signature, _, quoted = rest.partition("/")
    # ASCII digits only, and few: int() refuses `²` and 5,000-digit strings.
    if not (expires.isascii() and expires.isdigit() and len(expires) <= 20):
        return None
    if not signature or not quoted:
        return None
    try:
        path = _safe(unquote(quoted, errors="strict"))
    except UnicodeDecodeError:
        return None
    if path is None:
        return None
    expected = _mac(path, key, int(expires))
    # Compare before looking at the expiry so timing says nothing about the signature.
    if not hmac.compare_digest(signature.encode(), expected.encode()):
        return None
    if int(expires) < now:
        return None
    return path


def _mac(path: str, key: bytes, expires_at: int) -> str:
    msg = b"dripcast-media\0" + str(expires_at).encode() + b"\0" + path.encode()
    digest = hmac.new(key, msg, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _safe(path: str) -> str | None:
    """`path` as a normal relative POSIX path with no way out of its folder, else None."""
    if not path or "\0" in path or "\\" in path or path.startswith("/"):
        return None
    parts = path.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return None
    return str(PurePosixPath(*parts))


def load_or_create_key(path: Path) -> bytes:
    """The signing key kept at `path` (0600), made on first use; survives restarts so
    URLs handed to a network stay valid while it fetches."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_bytes()
        if len(key) < KEY_BYTES:
            raise ValueError(f"{path}: media URL key is shorter than {KEY_BYTES} bytes") from None
        return key
    with os.fdopen(fd, "wb") as f:
        f.write(secrets.token_bytes(KEY_BYTES))
        f.flush()
        os.fsync(f.fileno())
    return path.read_bytes()


def media_url_factory(
    *,
    base_url: str,
    media_dir: Path,
    key: bytes,
    ttl: float = DEFAULT_TTL,
    now: Callable[[], float] = time.time,
    root: Path | None = None,
) -> Callable[[Media], str]:
    """What the service puts in `Context.media_url`: Media → public signed URL.

    A relative `Media.path` is taken from `root` (the config's folder) if given.
    """
    if not base_url.startswith(("https://", "http://")):
        raise ValueError(f"public_base_url must be an http(s) URL: {base_url!r}")
    folder = media_dir.resolve()
    base = base_url.rstrip("/")

    def media_url(media: Media) -> str:
        file = Path(media.path)
        if root is not None and not file.is_absolute():
            file = root / file
        file = file.resolve()
        if not file.is_relative_to(folder):
            raise ValueError(f"{media.path} is not inside the media folder {folder}")
        rel = file.relative_to(folder).as_posix()
        return base + sign(rel, key, int(now() + ttl))

    return media_url


KEY_FILE = "media-url.key"


def media_url_from_config(config: Config) -> Callable[[Media], str] | None:
    """`Context.media_url` for this config: None when `service.public_base_url` is unset."""
    svc = config.service
    if svc.public_base_url is None:
        return None
    return media_url_factory(
        base_url=svc.public_base_url,
        media_dir=config.resolve(svc.media_dir),
        key=load_or_create_key(config.resolve(svc.state_dir) / KEY_FILE),
        ttl=svc.media_http.ttl_seconds,
        root=config.data_root,
    )
