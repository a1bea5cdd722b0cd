"""`dripcast ingest`: the SMTP path from stdin, with sysexits codes and nothing left behind."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from dripcast.cli import main
from dripcast.core.config import load
from dripcast.store import queries as store
from dripcast.store.db import make_engine
from tests.mail import jpeg, photo_mail


def run(cfg: Path, raw: bytes, *args: str) -> int:
    result = CliRunner().invoke(main, ["--config", str(cfg), "ingest", *args, "-"], input=raw)
    return result.exit_code


def spool(cfg: Path) -> list[str]:
    """Committed raw messages (keys in the blob store) and anything left in the staging folder."""
    staged, blobs = cfg.parent / "var/spool", cfg.parent / "var/blobs/spool"
    found = [p.name for p in staged.iterdir()] if staged.is_dir() else []
    found += [f"spool/{p.name}" for p in blobs.iterdir()] if blobs.is_dir() else []
    return sorted(found)


def test_unknown_recipient_is_67_and_leaves_no_file(make_config: Callable[..., Path]) -> None:
    cfg = make_config()
    assert run(cfg, photo_mail(photos=[jpeg(64, 48)]), "-r", "nobody@localhost") == 67
    assert spool(cfg) == []


def test_refused_sender_is_quarantined_with_exit_0_not_bounced(
    make_config: Callable[..., Path],
) -> None:
    # Behind Postfix's pipe a 77 bounces to the (possibly forged) sender: quarantine, as LMTP.
    cfg = make_config()
    raw = photo_mail(sender="evil@example.net", photos=[jpeg(64, 48)])
    result = CliRunner().invoke(
        main,
        ["--config", str(cfg), "ingest", "-r", "bakery@localhost", "-f", "evil@example.net", "-"],
        input=raw,
    )
    assert result.exit_code == 0
    assert "held for review" in result.output
    engine = make_engine(load(cfg).database_url)
    (row,) = store.messages(engine)
    assert (row["status"], row["transport"]) == ("refused", "stdin")
    assert spool(cfg) == [row["spool"]]
    engine.dispose()


def test_large_message_is_streamed_whole_to_the_spool(make_config: Callable[..., Path]) -> None:
    cfg = make_config()
    noise = Image.frombytes("RGB", (600, 600), random.Random(3).randbytes(600 * 600 * 3))
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=95)
    raw = photo_mail(photos=[out.getvalue()] * 2)
    assert len(raw) > 1 << 20  # more than one read block and more than the decision head
    assert run(cfg, raw) == 0  # recipient taken from the To header
    (name,) = spool(cfg)
    assert (cfg.parent / "var/blobs" / name).read_bytes() == raw
