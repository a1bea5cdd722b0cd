"""Protection for the listener: how many connections at once, how many messages per sender.

Counted in memory, per process: a restart forgets the rate, which at worst lets
one more hour's worth through; the connection count is exact by construction.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

HOUR = 3600.0
SWEEP_AT = 10_000  # senders remembered before quiet ones are forgotten


class Guard:
    def __init__(
        self,
        *,
        max_connections: int,
        per_sender_hour: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_connections = max_connections
        self.per_sender_hour = per_sender_hour  # 0: no limit
        self.clock = clock
        self.connections = 0
        self._sent: dict[str, deque[float]] = {}

    def enter(self) -> bool:
        """Count a new connection; False when the cap is reached (it is then not counted)."""
        if self.connections >= self.max_connections:
            return False
        self.connections += 1
        return True

    def leave(self) -> None:
        self.connections -= 1

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
