"""`dripcast preview --json`: the SPEC's document for any message, accepted or not."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from dripcast.cli import main
from tests.conftest import brand
from tests.mail import jpeg, photo_mail

KEYS = {"brand", "accepted", "reason", "photos", "skipped", "posts"}


def preview(config: Path, raw: bytes, *args: str) -> dict[str, object]:
    msg = config.parent / "message.eml"
    msg.write_bytes(raw)
    result = CliRunner().invoke(
        main, ["--config", str(config), "preview", str(msg), "--json", *args]
    )
    assert result.exit_code == 0, result.output
    doc: dict[str, object] = json.loads(result.output)
    return doc


def test_accepted_message_document(make_config: Callable[..., Path], tmp_path: Path) -> None:
    raw = photo_mail(
        body="Cinnamon buns\nalt: buns on a tray", photos=[jpeg(orientation=6), jpeg(900, 600)]
    )
    doc = preview(make_config(), raw, "--out", str(tmp_path / "out"))
    assert doc.keys() >= KEYS
    assert (doc["brand"], doc["accepted"], doc["reason"], doc["skipped"]) == (
        "demo-bakery",
        True,
        None,
        [],
    )
    photos = doc["photos"]
    assert isinstance(photos, list)
    assert [(p["filename"], p["width"], p["height"]) for p in photos] == [
        ("IMG_0001.JPG", 480, 640),  # upright: EXIF orientation 6
        ("IMG_0002.JPG", 900, 600),
    ]
    assert all(len(p["sha256"]) == 64 for p in photos)
    posts = doc["posts"]
    assert isinstance(posts, list) and len(posts) == 2
    for post in posts:
        assert post["channel"] == "outbox" and post["type"] == "outbox"
        at = datetime.fromisoformat(post["at"])
        assert at.utcoffset() is not None and at.strftime("%H:%M") in ("09:00", "12:30", "18:00")
        assert "Cinnamon buns" in post["text"] and "alt:" not in post["text"]
        (media,) = post["media"]
        assert media["alt"] == "buns on a tray" and media["format"] == "jpeg"
        with Image.open(media["path"]) as im:  # --out wrote the variant
            assert im.size == (media["width"], media["height"])
            assert Path(media["path"]).stat().st_size == media["bytes"]
    assert (posts[0]["media"][0]["width"], posts[0]["media"][0]["height"]) == (480, 640)


def test_refused_sender(make_config: Callable[..., Path]) -> None:
    doc = preview(make_config(), photo_mail(sender="stranger@example.net"))
    assert doc["accepted"] is False and "stranger@example.net" in str(doc["reason"])
    assert doc["posts"] == []


def test_no_photo(make_config: Callable[..., Path]) -> None:
    doc = preview(make_config(), photo_mail(photos=[]))
    assert doc["accepted"] is False and doc["reason"] == "the message has no photo"


def test_corrupt_photo_is_skipped_and_the_other_goes_on(make_config: Callable[..., Path]) -> None:
    good = jpeg()
    doc = preview(make_config(), photo_mail(photos=[good[: len(good) // 3], jpeg(700, 500)]))
    assert doc["accepted"] is True
    assert [p["filename"] for p in doc["photos"]] == ["IMG_0002.JPG"]  # type: ignore[index]
    assert doc["skipped"] == [{"filename": "IMG_0001.JPG", "reason": "corrupt or truncated image"}]


def test_broken_mime_is_a_clear_refusal(make_config: Callable[..., Path]) -> None:
    doc = preview(make_config(), b"\x00\xff garbage with no headers at all")
    assert doc["accepted"] is False and doc["reason"]


def test_when_now_goes_at_once(make_config: Callable[..., Path]) -> None:
    doc = preview(make_config(), photo_mail(body="hi\nwhen: now", photos=[jpeg(), jpeg(700, 500)]))
    first, second = doc["posts"]  # type: ignore[misc]
    assert (datetime.now().astimezone() - datetime.fromisoformat(first["at"])).total_seconds() < 60
    assert datetime.fromisoformat(second["at"]) > datetime.fromisoformat(first["at"])


def test_corpus_through_preview(make_config: Callable[..., Path]) -> None:
    """Every message of the ingest corpus through `dripcast preview --json`."""
    from tests.ingest.test_corpus import DATA, EXPECTED

    channels = [  # preview reads no channel secret: these are never set
        {"id": "outbox", "type": "outbox", "path": "out"},
        {"id": "masto", "type": "mastodon", "instance": "https://m.example", "token": "${M}"},
        {"id": "insta", "type": "instagram", "account_id": "1", "token": "${I}"},
    ]
    senders = ["owner@example.com", "søren@bageri.example"]  # smtputf8_headers is from Søren
    cfg = make_config(
        [brand(channels=channels, senders=senders)], public_base_url="https://media.example"
    )
    assert len(EXPECTED) == len(list(DATA.glob("*.eml")))
    for name, want in EXPECTED.items():
        raw = (DATA / f"{name}.eml").read_bytes()
        doc = preview(cfg, raw, "--brand", "demo-bakery")
        photos = [p["filename"] for p in doc["photos"]]  # type: ignore[attr-defined]
        assert photos == want.photos, name
        assert doc["accepted"] is bool(want.photos), name
        posts = doc["posts"]
        assert isinstance(posts, list)
        if want.photos:
            first = want.caption.split("\n")[0].split(" #")[0]  # hashtags move to the end
            assert posts and all(first in p["text"] for p in posts), name
        else:
            assert posts == [] and doc["reason"], name
        for s in doc["skipped"]:  # type: ignore[attr-defined]
            if s["filename"] in want.skipped:
                assert s["reason"].startswith(want.skipped[s["filename"]]), name


def test_sheet_renders_one_tile_per_post(make_config: Callable[..., Path], tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.png"
    preview(make_config(), photo_mail(photos=[jpeg(), jpeg(700, 500)]), "--sheet", str(sheet))
    with Image.open(sheet) as im:
        assert im.format == "PNG" and im.width > 600 and im.height > 300


def test_preview_shows_which_words_went_with_which_photo(
    make_config: Callable[..., Path],
) -> None:
    body = "All fresh today.\n1: Croissants 🥐\nphoto 2: Kanelsnegle"
    raw = photo_mail(body=body, photos=[jpeg(900, 600), jpeg(600, 900)])
    doc = preview(make_config(), raw)
    photos = doc["photos"]
    assert isinstance(photos, list)
    assert [p.get("lead") for p in photos] == ["Croissants 🥐", "Kanelsnegle"]
    posts = doc["posts"]
    assert isinstance(posts, list)
    by_photo = {tuple(p["photos"]): p for p in posts}
    assert by_photo[(1,)]["lead"] == "Croissants 🥐"
    assert by_photo[(1,)]["text"].startswith("Croissants 🥐\n\nFresh bread\n\nAll fresh today.")
    assert by_photo[(2,)]["text"].startswith("Kanelsnegle\n\n")
    assert not any("1:" in p["text"] or "photo 2:" in p["text"] for p in posts)
