"""Protection for the listener: how many connections at once (in all, and per client
address), how many messages per sender.

Counted in memory, per process: a restart forgets the rate, which at worst lets
one more hour's worth through; the connection counts are exact by construction.
A client is its IPv4 address, or its IPv6 /64 (one host commonly holds a whole /64).
"""

from __future__ import annotations

import ipaddress
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Literal

HOUR = 3600.0
SWEEP_AT = 10_000  # senders remembered before quiet ones are forgotten


class Guard:
    def __init__(
        self,
        *,
        max_connections: int,
        per_sender_hour: int,
        max_per_client: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_connections = max_connections
        self.max_per_client = max_per_client or max_connections
        self.per_sender_hour = per_sender_hour  # 0: no limit
        self.clock = clock
        self.connections = 0
        self.per_client: dict[str, int] = {}
        self._sent: dict[str, deque[float]] = {}

    def enter(self, client: str = "") -> Literal["full", "client"] | None:
        """Count a new connection from `client` (`client_key`); None when admitted, else
        which cap is reached ("full": all slots, "client": this client's), uncounted then."""
        if self.connections >= self.max_connections:
            return "full"
        if self.per_client.get(client, 0) >= self.max_per_client:
            return "client"
        self.connections += 1
        self.per_client[client] = self.per_client.get(client, 0) + 1
        return None

    def leave(self, client: str = "") -> None:
        self.connections -= 1
        left = self.per_client.get(client, 1) - 1
        if left > 0:
            self.per_client[client] = left
        else:
            self.per_client.pop(client, None)

    def over_rate(self, sender: str) -> bool:
        if not self.per_sender_hour:
            return False
        return len(self._recent(sender.lower())) >= self.per_sender_hour

    def sent(self, sender: str) -> None:
        """One more accepted message from `sender`."""
        if len(self._sent) > SWEEP_AT:
            for key in list(self._sent):
                if not self._recent(key):
                    del self._sent[key]
        self._recent(sender.lower()).append(self.clock())

    def _recent(self, key: str) -> deque[float]:
        times = self._sent.setdefault(key, deque())
        cutoff = self.clock() - HOUR
        while times and times[0] <= cutoff:
            times.popleft()
        return times


def client_key(peername: Any) -> str:
    """Who a connection counts against: the IPv4 address, or the IPv6 /64."""
    host = peername[0] if isinstance(peername, tuple) and peername else peername
    try:
        ip = ipaddress.ip_address(str(host).split("%", 1)[0])
    except ValueError:
        return str(host or "")
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)
