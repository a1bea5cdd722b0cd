"""Channel credentials in the database: encrypted, shared, refreshed by exactly one node."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import text

from dripcast.store.credentials import DbCredentials, Unreadable, credentials_for
from dripcast.store.db import make_engine, migrate

SECRET = b"a-secret-key-every-node-shares-0123456789"


async def test_two_nodes_refresh_a_rotating_token_once(db_url: str) -> None:
    """Ten posts on each of two nodes find the token stale at once: one refresh, one result."""
    engines = [make_engine(db_url) for _ in range(2)]  # a node each
    migrate(engines[0])
    refreshes = 0

    async def token(creds: DbCredentials) -> str:
        doc = await creds.load()
        if doc is not None and doc["access"] != "stale":
            return str(doc["access"])
        async with creds.update() as held:
            if held.data is not None and held.data["access"] != "stale":
                return str(held.data["access"])  # another node refreshed it meanwhile
            nonlocal refreshes
            refreshes += 1
            await asyncio.sleep(0.2)  # the token endpoint, slowly
            held.save({"access": f"fresh-{refreshes}", "refresh": f"r{refreshes}"})
            return f"fresh-{refreshes}"

    nodes = [credentials_for(e, SECRET)("brand", "x")("x-tokens") for e in engines]
    assert isinstance(nodes[0], DbCredentials)
    got = await asyncio.gather(*(token(n) for n in nodes for _ in range(10)))  # type: ignore[arg-type]
    assert refreshes == 1
    assert set(got) == {"fresh-1"}
    for e in engines:
        e.dispose()


async def test_stored_encrypted_and_unreadable_with_another_key(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    creds = credentials_for(engine, SECRET)("brand", "ig")("token")
    assert await creds.load() is None
    async with creds.update() as held:
        assert held.data is None
        held.save({"access_token": "IG-SECRET-TOKEN"})
    assert await creds.load() == {"access_token": "IG-SECRET-TOKEN"}
    with engine.connect() as c:
        name, data = c.execute(text("SELECT name, data FROM credentials")).one()
    assert name == "brand/ig/token" and "IG-SECRET" not in data
    other = credentials_for(engine, b"another-key-on-a-misconfigured-node-000")("brand", "ig")
    with pytest.raises(Unreadable, match="secret_key"):
        await other("token").load()
    engine.dispose()


async def test_an_error_inside_update_keeps_the_old_value_and_frees_the_lock(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    creds = credentials_for(engine, SECRET)("b", "c")("s")
    async with creds.update() as held:
        held.save({"v": 1})
    with pytest.raises(RuntimeError):
        async with creds.update() as held:
            held.save({"v": 2})
            raise RuntimeError("the refresh failed")
    async with asyncio.timeout(10), creds.update() as held:  # not left locked
        assert held.data == {"v": 1}
    engine.dispose()


async def test_a_token_file_of_an_older_version_is_taken_over(tmp_path: Path) -> None:
    """X rotates its refresh token: the pair in state_dir must survive the upgrade."""
    engine = make_engine(f"sqlite:///{tmp_path / 'd.db'}")
    migrate(engine)
    old = tmp_path / "state" / "brand" / "x"
    old.mkdir(parents=True)
    (old / "x-tokens.json").write_text(json.dumps({"access_token": "A2", "refresh_token": "R2"}))
    creds = credentials_for(engine, SECRET, legacy=tmp_path / "state")("brand", "x")("x-tokens")
    assert await creds.load() == {"access_token": "A2", "refresh_token": "R2"}
    async with creds.update() as held:
        assert held.data == {"access_token": "A2", "refresh_token": "R2"}
        held.save({"access_token": "A3", "refresh_token": "R3"})
    (old / "x-tokens.json").write_text(json.dumps({"access_token": "stale"}))
    assert await creds.load() == {"access_token": "A3", "refresh_token": "R3"}  # the row wins
    engine.dispose()
