"""The service's keys, derived from one secret so that every node holds the same.

`service.secret_key` (from the environment) is the root; each use gets its own
key by HMAC with a label, so the media-URL key says nothing of the credential key.
Without `secret_key` (one node) the root is made once and kept in state_dir, 0600.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

ROOT_FILE = "secret.key"
KEY_BYTES = 32


def derive(root: bytes, label: str) -> bytes:
    return hmac.new(root, b"dripcast\0" + label.encode(), hashlib.sha256).digest()


def fernet_key(root: bytes) -> bytes:
    """A key for `cryptography.fernet.Fernet`: 32 bytes, URL-safe base64."""
    return base64.urlsafe_b64encode(derive(root, "credentials"))


def load_or_create(path: Path) -> bytes:
    """The random root kept at `path` (0600), made on first use."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_bytes()
        if len(key) < KEY_BYTES:
            raise ValueError(f"{path}: key is shorter than {KEY_BYTES} bytes") from None
        return key
    with os.fdopen(fd, "wb") as f:
        f.write(secrets.token_bytes(KEY_BYTES))
        f.flush()
        os.fsync(f.fileno())
    return path.read_bytes()
