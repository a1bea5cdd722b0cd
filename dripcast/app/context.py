"""`App`: what every action needs, made once per process and passed explicitly."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from dripcast.core.config import Config
from dripcast.store.db import make_engine, migrate


@dataclass(frozen=True)
class App:
    config: Config
    engine: Engine

    @classmethod
    def open(cls, config: Config) -> App:
        """Connect to the config's database, migrated to the newest schema."""
        engine = make_engine(config.database_url)
        migrate(engine)
        return cls(config=config, engine=engine)
