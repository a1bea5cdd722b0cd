"""The outbox: a folder per post with post.json and the images (SPEC, "Outbox channel").

The dry run, the default channel and what end-to-end tests read. Idempotent:
the folder is named by post id and appears atomically (rename), so a retry
after a crash finds the first copy instead of writing a second.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from dripcast.core.channels import Outbox
from dripcast.core.domain import Post, Published
from dripcast.core.errors import Rejected
from dripcast.core.extras import extra_json
from dripcast.core.files import fsync_path
from dripcast.core.publisher import Context, Publisher
from publishers.files import read_media


class OutboxPublisher(Publisher):
    idempotent: ClassVar[bool] = True

    def __init__(self, channel: Outbox, ctx: Context) -> None:
        self.ctx = ctx
        self.base = channel.path if channel.path.is_absolute() else ctx.root / channel.path

    def _folder(self, post: Post) -> Path:
        return self.base / post.brand / post.channel

    async def find(self, post: Post) -> Published | None:
        folder = self._folder(post)
        for d in folder.glob(f"*-{post.id}") if folder.is_dir() else ():
            if not d.name.startswith("."):  # half-written folders are not posts
                return Published(external_id=d.name, url=d.as_uri())
        return None

    async def check(self) -> str:
        """The folder exists or can be made, and takes files."""
        try:
            self.base.mkdir(parents=True, exist_ok=True)
            probe = self.base / f".check-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as e:
            raise Rejected(f"cannot write to {self.base}: {e.strerror}") from None
        return f"writes to {self.base}"

    async def publish(self, post: Post) -> Published:
        found = await self.find(post)
        if found:
            return found
        images = [await read_media(self.ctx, m) for m in post.media]
        return await asyncio.to_thread(self._write, post, images)

    def _write(self, post: Post, images: list[bytes]) -> Published:
        now = datetime.now(UTC).astimezone(post.at.tzinfo)
        folder = self._folder(post)
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / f"{now.strftime('%Y%m%dT%H%M%S%z')}-{post.id}"
        # Half-written copies of this post from killed processes are never posts: clear them.
        for stale in folder.glob(f".tmp-{post.id}.*"):
            shutil.rmtree(stale, ignore_errors=True)
        tmp = folder / f".tmp-{post.id}.{os.getpid()}"
        tmp.mkdir()
        media = []
        for i, (m, data) in enumerate(zip(post.media, images, strict=True), 1):
            name = f"{i}.{'jpg' if m.format == 'jpeg' else m.format}"
            (tmp / name).write_bytes(data)
            media.append({**asdict(m), "path": name})
        doc = {
            "id": post.id,
            "channel": post.channel,
            "type": post.type,
            "at": post.at.isoformat(),
            "text": post.text,
            "media": media,
            **({"extra": extra_json(post.extra)} if post.extra else {}),
            "published_at": now.isoformat(),
        }
        (tmp / "post.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        for f in tmp.iterdir():
            fsync_path(f)
        fsync_path(tmp)
        os.rename(tmp, final)
        fsync_path(folder)
        return Published(external_id=final.name, url=final.as_uri())
