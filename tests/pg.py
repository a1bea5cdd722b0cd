"""A throw-away PostgreSQL server for the tests: temp data dir, loopback port, no fsync.

Started once per test session, as the current user or, when the tests run as
root (initdb refuses root), as the `postgres` system user. Each test gets its
own database on it.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.ports import free_port

_counter = itertools.count(1)


def binaries() -> Path | None:
    """The folder holding initdb and postgres, or None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    dirs = [str(Path(os.path.realpath(found)).parent)] if found else []
    dirs += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for d in dirs:
        if (Path(d) / "initdb").exists() and (Path(d) / "postgres").exists():
            return Path(d)
    return None


class PgServer:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = free_port()
        self.user = _run_as()
        self.root = Path(tempfile.mkdtemp(prefix="dripcast-pg-"))
        self.data = self.root / "data"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> PgServer:
        if self.user is not None:
            pw = pwd.getpwnam(self.user)
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self._run(
            "initdb", "-D", str(self.data), "-U", "dripcast", "--auth=trust", "-E", "UTF8",
            "--no-sync",
        )  # fmt: skip
        with open(self.root / "server.log", "wb") as log:
            self.proc = subprocess.Popen(
                [
                    str(self.bindir / "postgres"),
                    "-D", str(self.data), "-p", str(self.port), "-h", "127.0.0.1",
                    "-k", str(self.root), "-c", "fsync=off", "-c", "synchronous_commit=off",
                    "-c", "full_page_writes=off", "-c", "max_connections=200",
                ],
                stdout=log, stderr=subprocess.STDOUT, user=self.user, cwd=self.root,
            )  # fmt: skip
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(self.dsn("postgres"), connect_timeout=1).close()
                return self
            except psycopg.OperationalError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "postgres did not start: " + (self.root / "server.log").read_text()
                    ) from None
                time.sleep(0.1)

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run(
            [str(self.bindir / tool), *args], capture_output=True, user=self.user, cwd=self.root
        )
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stderr.decode(errors='replace')}")

    def dsn(self, db: str) -> str:
        return f"host=127.0.0.1 port={self.port} user=dripcast dbname={db}"

    def new_database(self) -> str:
        """A fresh empty database; returns its SQLAlchemy URL."""
        import psycopg

        name = f"t{next(_counter)}"
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as c:
            c.execute(f"CREATE DATABASE {name}")
        return f"postgresql+psycopg://dripcast@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def _run_as() -> str | None:
    """initdb and postgres refuse to run as root: use the postgres system user then."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise RuntimeError(
            "tests run as root and there is no `postgres` user to run the server as"
        ) from None
    return "postgres"
