"""The servers the intake bench measures, each in its own process so its peak RSS is its own.

    python -m bench.servers dripcast CONFIG   the real listener + durable intake
    python -m bench.servers sink PORT         stock aiosmtpd, DATA kept in memory, then dropped

`postfix_start()` runs a private Postfix instance (its own config and queue
folders under a temporary directory) delivering to a Maildir on loopback.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any


async def run_dripcast(config_path: str) -> None:
    from dripcast.core.config import load
    from dripcast.store.db import make_engine, migrate
    from ingest import smtp
    from ingest.intake import Intake

    config = load(Path(config_path))
    engine = make_engine(config.database_url)
    migrate(engine)
    # Processing is left out on purpose: this measures taking mail in, durably.
    server = await smtp.start(
        Intake(config, engine),
        lambda _: None,
        host=config.service.smtp.host,
        port=config.service.smtp.port,
    )
    print("ready", flush=True)
    await server.serve_forever()


async def run_sink(port: int) -> None:
    from aiosmtpd.smtp import SMTP, Envelope, Session

    class Sink:
        async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
            return "250 OK"

    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(Sink(), data_size_limit=64 * 1024 * 1024, hostname="sink", loop=loop),
        host="127.0.0.1",
        port=port,
    )
    print("ready", flush=True)
    await server.serve_forever()


MAIN_CF = """\
compatibility_level = 3.6
myhostname = bench.localdomain
mydestination = localhost, bench.localdomain
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_recipient_restrictions = permit_mynetworks, reject
alias_maps =
alias_database =
local_recipient_maps =
home_mailbox = Maildir/
message_size_limit = 80000000
mailbox_size_limit = 0
queue_directory = {root}/queue
data_directory = {root}/data
default_process_limit = 100
smtpd_client_connection_count_limit = 0
"""


def postfix_start(root: Path, port: int) -> bool:
    """A private Postfix on 127.0.0.1:port; False when Postfix is not installed."""
    if not shutil.which("postfix") or os.geteuid() != 0:
        return False
    try:
        pwd.getpwnam("dripbench")
    except KeyError:
        subprocess.run(["useradd", "-m", "dripbench"], check=True)
    conf = root / "etc"
    conf.mkdir(parents=True)
    for d in (root.parent, root):
        d.chmod(0o755)  # Postfix's own processes run as `postfix` and must reach the queue
    for name in ("master.cf", "dynamicmaps.cf"):
        if Path("/etc/postfix", name).exists():
            shutil.copy(Path("/etc/postfix", name), conf / name)
    (conf / "main.cf").write_text(MAIN_CF.format(root=root))
    master = (conf / "master.cf").read_text()
    master = master.replace("\nsmtp      inet", "\n#smtp      inet", 1)
    master += f"127.0.0.1:{port} inet n - n - - smtpd\n"
    (conf / "master.cf").write_text(master)
    for d in ("queue", "data"):
        (root / d).mkdir()
    shutil.chown(root / "data", "postfix")
    env = {**os.environ, "MAIL_CONFIG": str(conf)}
    subprocess.run(["postfix", "-c", str(conf), "set-permissions"], env=env, capture_output=True)
    run = subprocess.run(["postfix", "-c", str(conf), "start"], env=env, capture_output=True)
    if run.returncode:
        print(f"postfix did not start: {run.stderr.decode()}", file=sys.stderr)
        return False
    return True


def postfix_stop(root: Path) -> None:
    conf = root / "etc"
    subprocess.run(["postfix", "-c", str(conf), "stop"], capture_output=True)


def main(argv: list[str]) -> Any:
    what = argv[1]
    if what == "dripcast":
        return asyncio.run(run_dripcast(argv[2]))
    if what == "sink":
        return asyncio.run(run_sink(int(argv[2])))
    raise SystemExit(f"unknown server {what!r}")


if __name__ == "__main__":
    main(sys.argv)
