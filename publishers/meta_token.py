"""Instagram's and Threads' 60-day tokens, refreshed before they lapse.

The refreshed token and its expiry live in the channel's credentials (shared by
every node, refreshed under their lock by one node) and win over the token in the config, until the config's token changes
(a person reconnected): then that one is taken again. Tokens are never logged
nor put in an error message.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import AsyncGenerator, Callable
from typing import Any

import httpx

from dripcast.core.credentials import Credentials, Doc
from dripcast.core.errors import AuthExpired, PublishError
from publishers.http import AsyncAuth, bearer, send
from publishers.meta import graph_error

log = logging.getLogger(__name__)

DAY = 86400.0
REFRESH_AFTER = 50 * DAY  # Meta lets a token be refreshed once it is a day old
REFRESH_BEFORE_EXPIRY = 10 * DAY
RETRY_FAILED_REFRESH = DAY
NAME = "token"


class LongLivedToken:
    """The current token of one channel; `get()` refreshes it when due."""

    def __init__(
        self,
        *,
        http: httpx.AsyncClient,
        creds: Credentials,
        configured: str,
        refresh_url: str,
        grant_type: str,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.http = http
        self.creds = creds
        self.configured = configured
        self.refresh_url = refresh_url
        self.grant_type = grant_type
        self.now = now

    async def get(self) -> str:
        state = self._state(await self.creds.load())
        if not self._due(state):
            return str(state["access_token"])
        async with self.creds.update() as held:
            state = self._state(held.data)  # another node may have refreshed it meanwhile
            if self._due(state):
                state = await self._refresh(state)
                held.save(state)
            return str(state["access_token"])

    def _fingerprint(self) -> str:
        # Enough to notice that the config's token changed; reveals nothing of it.
        return hashlib.sha256(self.configured.encode()).hexdigest()[:16]

    def _state(self, state: Doc | None) -> dict[str, Any]:
        if state is None or state.get("configured") != self._fingerprint():
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
                self.refresh_url,
                _safe(e),
            )
            return {**state, "next_try": now + RETRY_FAILED_REFRESH}
        state = {
            "access_token": str(token),
            "configured": self._fingerprint(),
            "refreshed_at": now,
            "expires_at": now + expires_in,
        }
        log.info("refreshed the token for %s", self.refresh_url)
        return state


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
