"""The real SMTP listener in a thread of the test process, on a loopback port."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from dripcast.core.config import load
from dripcast.store.db import make_engine, migrate
from ingest import smtp
from ingest.intake import Intake
from ingest.resolver import Resolver


class Listener:
    def __init__(
        self, config: Path, resolver: Resolver | None = None, intake: type[Intake] = Intake
    ) -> None:
        self.config = load(config)
        self.engine = make_engine(self.config.database_url)
        migrate(self.engine)
        self.stored: list[int] = []
        self.loop = asyncio.new_event_loop()
        self.port = self.config.service.smtp.port
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.intake = intake(self.config, self.engine, resolver=resolver)
            self.server = self.loop.run_until_complete(
                smtp.start(
                    self.intake,
                    self.stored.append,
                    host="127.0.0.1",
                    port=self.port,
                )
            )
            ready.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        ready.wait(10)

    def close(self) -> None:
        async def shutdown() -> None:
            self.server.close()
            await self.server.wait_closed()
            # let connections that clients just dropped finish closing on this loop
            await asyncio.sleep(0.2)
            self.loop.stop()

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop)
        self.thread.join(10)
        self.loop.close()
        self.engine.dispose()

    def spool_files(self) -> list[Path]:
        """Committed raw messages: in the blob store (a folder by default), under spool/."""
        folder = self.config.resolve(Path(self.config.service.blobs.removeprefix("file:")))
        folder = folder / "spool"
        return (
            sorted(p for p in folder.iterdir() if not p.name.startswith("."))
            if folder.is_dir()
            else []
        )
