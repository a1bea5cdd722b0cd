from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from dripcast.app.media_urls import media_url_factory, media_url_from_config, sign, url_key, verify
from dripcast.core import keys
from dripcast.core.config import Config
from dripcast.core.domain import Media

KEY = b"k" * 32
T = 1_800_000_000


def test_signed_path_verifies_until_it_expires() -> None:
    url = sign("brand/42/photo 1.jpg", KEY, T + 60)
    assert url.startswith(f"/media/{T + 60}/")
    assert url.endswith("/brand/42/photo%201.jpg")
    assert verify(url, KEY, T) == "brand/42/photo 1.jpg"
    assert verify(url, KEY, T + 60) == "brand/42/photo 1.jpg"
    assert verify(url, KEY, T + 61) is None


def test_any_change_breaks_the_signature() -> None:
    url = sign("a/b.jpg", KEY, T + 60)
    _, _, expires, sig, *_ = url.split("/")
    assert verify(url.replace("a/b.jpg", "a/c.jpg"), KEY, T) is None
    assert verify(url.replace(f"/{expires}/", f"/{T + 9999}/"), KEY, T) is None
    flipped = ("A" if sig[0] != "A" else "B") + sig[1:]
    assert verify(url.replace(sig, flipped), KEY, T) is None
    assert verify(url, b"x" * 32, T) is None
    assert verify("/media/123", KEY, T) is None
    assert verify("/other" + url, KEY, T) is None


def test_signatures_are_not_guessable_from_the_path() -> None:
    a = sign("a/b.jpg", KEY, T).split("/")[3]
    b = sign("a/b.jpg", KEY, T + 1).split("/")[3]
    assert a != b
    assert len(a) >= 43  # the full 256-bit HMAC


@pytest.mark.parametrize(
    "bad", ["../etc/passwd", "/etc/passwd", "a/../../b", "a//b", "", "a\\b", "./a"]
)
def test_sign_refuses_paths_that_leave_the_folder(bad: str) -> None:
    with pytest.raises(ValueError, match="relative path"):
        sign(bad, KEY, T)


def test_verify_refuses_encoded_traversal_even_with_a_valid_looking_signature() -> None:
    # A signature over ".." can only be made with the key, but the check must not rely on that.
    import base64
    import hashlib
    import hmac

    mac = hmac.new(KEY, b"dripcast-media\0" + str(T).encode() + b"\0../x", hashlib.sha256)
    sig = base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()
    assert verify(f"/media/{T}/{sig}/..%2Fx", KEY, T) is None


def test_root_key_is_made_once_with_0600(tmp_path: Path) -> None:
    path = tmp_path / "state" / "secret.key"
    key = keys.load_or_create(path)
    assert len(key) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert keys.load_or_create(path) == key
    path.write_bytes(b"short")
    with pytest.raises(ValueError, match="shorter"):
        keys.load_or_create(path)


def test_factory_builds_public_urls_for_variants_in_the_blob_store() -> None:
    make = media_url_factory(base_url="https://dc.example.com/", key=KEY, ttl=600, now=lambda: T)
    url = make(Media(path="media/b/1.jpg", width=1, height=1, bytes=1, format="jpeg"))
    assert url.startswith(f"https://dc.example.com/media/{T + 600}/")
    assert verify(url.removeprefix("https://dc.example.com"), KEY, T) == "b/1.jpg"
    outside = Media(path="spool/secret.eml", width=1, height=1, bytes=1, format="jpeg")
    with pytest.raises(ValueError, match="not a variant"):
        make(outside)
    with pytest.raises(ValueError, match="http"):
        media_url_factory(base_url="dc.example.com", key=KEY)


def test_every_node_with_the_same_secret_key_signs_alike(tmp_path: Path) -> None:
    """A URL one node hands a network verifies on any node (issue 17, point 3)."""
    brand = {
        "id": "b",
        "name": "B",
        "address": "b@example.com",
        "channels": [{"id": "o", "type": "outbox", "path": "o"}],
    }
    secret = "s" * 40
    a, b, other = (
        Config.model_validate(
            {
                "service": {"secret_key": key, "public_base_url": "https://x.example"},
                "brands": [brand],
                "path": tmp_path / name / "c.yaml",
            }
        )
        for name, key in (("a", secret), ("b", secret), ("c", "t" * 40))
    )
    assert url_key(a) == url_key(b) != url_key(other)
    make = media_url_from_config(a)
    assert make is not None
    url = make(Media(path="media/b/1.jpg", width=1, height=1, bytes=1, format="jpeg"))
    path = url.removeprefix("https://x.example")
    assert verify(path, url_key(b), time.time()) == "b/1.jpg"
    assert verify(path, url_key(other), time.time()) is None
