from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from dripcast.app.media_urls import load_or_create_key, media_url_factory, sign, verify
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


def test_key_is_made_once_with_0600(tmp_path: Path) -> None:
    path = tmp_path / "state" / "media-url.key"
    key = load_or_create_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_or_create_key(path) == key
    path.write_bytes(b"short")
    with pytest.raises(ValueError, match="shorter"):
        load_or_create_key(path)


def test_factory_builds_public_urls_for_files_in_media_dir(tmp_path: Path) -> None:
    media_dir = tmp_path / "media"
    (media_dir / "b").mkdir(parents=True)
    photo = media_dir / "b" / "1.jpg"
    photo.write_bytes(b"x")
    make = media_url_factory(
        base_url="https://dc.example.com/", media_dir=media_dir, key=KEY, ttl=600, now=lambda: T
    )
    url = make(Media(path=str(photo), width=1, height=1, bytes=1, format="jpeg"))
    assert url.startswith(f"https://dc.example.com/media/{T + 600}/")
    assert verify(url.removeprefix("https://dc.example.com"), KEY, T) == "b/1.jpg"
    outside = Media(path=str(tmp_path / "secret.jpg"), width=1, height=1, bytes=1, format="jpeg")
    with pytest.raises(ValueError, match="not inside the media folder"):
        make(outside)
    with pytest.raises(ValueError, match="http"):
        media_url_factory(base_url="dc.example.com", media_dir=media_dir, key=KEY)


def test_factory_takes_relative_paths_from_root(tmp_path: Path) -> None:
    media_dir = tmp_path / "var" / "media"
    media_dir.mkdir(parents=True)
    make = media_url_factory(
        base_url="https://dc.example.com",
        media_dir=media_dir,
        key=KEY,
        now=lambda: T,
        root=tmp_path,
    )
    url = make(Media(path="var/media/1.jpg", width=1, height=1, bytes=1, format="jpeg"))
    assert verify(url.removeprefix("https://dc.example.com"), KEY, T) == "1.jpg"
