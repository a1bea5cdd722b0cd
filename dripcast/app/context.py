"""`App`: what every action needs, made once per process and passed explicitly."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from dripcast.core.config import Config
from dripcast.store.db import make_engine, migrate

if TYPE_CHECKING:  # the blob store opens on first use: most actions read no blob
    from dripcast.store.blobs import Blobs

_OPENING = threading.Lock()


@dataclass(frozen=True)
class App:
    config: Config
    engine: Engine
    # The blob store (raw messages, image variants) shared by every node: the service's
    # own when it made this App; else `blobs` opens one on first use and `close` ends it.
    blob_store: Blobs | None = field(default=None, repr=False, compare=False)
    _opened: list[Blobs] = field(default_factory=list, init=False, repr=False, compare=False)

    @classmethod
    def open(cls, config: Config) -> App:
        """Connect to the config's database, migrated to the newest schema."""
        engine = make_engine(config.database_url)
        migrate(engine)
        return cls(config=config, engine=engine)

    @property
    def blobs(self) -> Blobs:
        if self.blob_store is not None:
            return self.blob_store
        with _OPENING:
            if not self._opened:
                from dripcast.store.blobs import open_blobs

                self._opened.append(open_blobs(self.config))
            return self._opened[0]

    def close(self) -> None:
        """Close the blob store `blobs` opened (not one it was given) and the engine's pool."""
        with _OPENING:
            opened, self._opened[:] = list(self._opened), []
        for b in opened:
            b.close()
        self.engine.dispose()
