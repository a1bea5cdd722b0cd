"""sd_notify(3) without a dependency: one datagram to $NOTIFY_SOCKET."""

from __future__ import annotations

import asyncio
import os
import socket


def notify(state: str) -> bool:
    """Send READY=1, WATCHDOG=1, STOPPING=1…; False when not run by systemd."""
    addr = os.environ.get("NOTIFY_SOCKET")
    if not addr:
        return False
    if addr.startswith("@"):
        addr = "\0" + addr[1:]  # abstract namespace
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as s:
        s.connect(addr)
        s.sendall(state.encode())
    return True


async def watchdog() -> None:
    """Ping systemd from the event loop at half its interval: a stuck loop misses pings."""
    usec = int(os.environ.get("WATCHDOG_USEC", "0") or 0)
    pid = os.environ.get("WATCHDOG_PID")
    if usec <= 0 or (pid and int(pid) != os.getpid()):
        return
    while True:
        notify("WATCHDOG=1")
        await asyncio.sleep(usec / 2e6)
