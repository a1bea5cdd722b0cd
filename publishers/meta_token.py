"""Instagram's and Threads' 60-day tokens, refreshed before they lapse.

The refreshed token and its expiry live as JSON in the channel's state folder
(0600) and win over the token in the config, until the config's token changes
(a person reconnected): then that one is taken again. Tokens are never logged
nor put in an error message.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import AsyncGenerator, Callable
from pathlib import Path
from typing import Any

import httpx

from dripcast.core.errors import AuthExpired, PublishError
from dripcast.core.files import write_private_json
from publishers.http import AsyncAuth, bearer, send
from publishers.meta import graph_error

log = logging.getLogger(__name__)

DAY = 86400.0
REFRESH_AFTER = 50 * DAY  # Meta lets a token be refreshed once it is a day old
REFRESH_BEFORE_EXPIRY = 10 * DAY
RETRY_FAILED_REFRESH = DAY
FILE = "token.json"


class LongLivedToken:
    """The current token of one channel; `get()` refreshes it when due."""

    def __init__(
        self,
        *,
        http: httpx.AsyncClient,
        state_dir: Path,
        configured: str,
        refresh_url: str,
        grant_type: str,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.http = http
        self.path = state_dir / FILE
        self.configured = configured
        self.refresh_url = refresh_url
        self.grant_type = grant_type
        self.now = now
        self._lock = asyncio.Lock()

    async def get(self) -> str:
        async with self._lock:
            state = await asyncio.to_thread(self._load)
            if self._due(state):
                state = await self._refresh(state)
            return str(state["access_token"])

    def _fingerprint(self) -> str:
        # Enough to notice that the config's token changed; reveals nothing of it.
        return hashlib.sha256(self.configured.encode()).hexdigest()[:16]

    def _load(self) -> dict[str, Any]:
        try:
            state = json.loads(self.path.read_text())
        except (OSError, ValueError):
            state = None
        if not isinstance(state, dict) or state.get("configured") != self._fingerprint():
            # Age unknown: refresh at first use; Meta refuses if it is under a day old.
            return {"access_token": self.configured, "configured": self._fingerprint()}
        return state

    def _due(self, state: dict[str, Any]) -> bool:
        now = self.now()
        if float(state.get("next_try") or 0) > now:
            return False
        refreshed, expires = state.get("refreshed_at"), state.get("expires_at")
        if refreshed is None or expires is None:
            return True
        return (
            now - float(refreshed) >= REFRESH_AFTER or float(expires) - now <= REFRESH_BEFORE_EXPIRY
        )

    async def _refresh(self, state: dict[str, Any]) -> dict[str, Any]:
        now = self.now()
        try:
            # Meta's example puts access_token in the query; httpx logs every URL at
            # INFO, so the token goes in the Authorization header as on every Graph call.
            response = await send(
                self.http,
                "GET",
                self.refresh_url,
                params={"grant_type": self.grant_type},
                headers={"Authorization": f"Bearer {state['access_token']}"},
            )
            if not response.is_success:
                raise graph_error(response)
            body = response.json()
            token, expires_in = body["access_token"], float(body["expires_in"])
        except AuthExpired:
            raise
        except (PublishError, ValueError, KeyError, TypeError) as e:
            # The token we have still works for now; try again tomorrow, loudly.
            log.warning(
                "token refresh for %s failed, keeping the current token: %s",
                self.path.parent,
                _safe(e),
            )
            state = {**state, "next_try": now + RETRY_FAILED_REFRESH}
            await asyncio.to_thread(self._save, state)
            return state
        state = {
            "access_token": str(token),
            "configured": self._fingerprint(),
            "refreshed_at": now,
            "expires_at": now + expires_in,
        }
        await asyncio.to_thread(self._save, state)
        log.info("refreshed the token kept in %s", self.path.parent)
        return state

    def _save(self, state: dict[str, Any]) -> None:
        write_private_json(self.path, state)


def _safe(e: Exception) -> str:
    return type(e).__name__ if isinstance(e, KeyError | TypeError) else str(e)


class MetaLongLivedAuth(AsyncAuth):
    """Meta's 60-day token, refreshed by `LongLivedToken` before it lapses."""

    def __init__(self, token: LongLivedToken) -> None:
        self.token = token

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        yield bearer(request, await self.token.get())
