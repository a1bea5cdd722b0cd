"""X's OAuth 2 user tokens: a 2-hour access token and a refresh token that X rotates.

Every refresh returns a new refresh token and retires the old one, so the pair
is stored (the channel's credentials, shared by every node, changed under their
lock) before it is used, and the stored pair wins over the config's on the next start — unless the config now
holds a different refresh token than the one the stored pair grew from, which
means a person reconnected X. Tokens never appear in messages or logs.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass

import httpx

from dripcast.core.credentials import Credentials, Doc
from dripcast.core.errors import AuthExpired, Retryable
from publishers.http import AsyncAuth, bearer, error_for
from publishers.steps import prepare

TOKEN_URL = "https://api.x.com/2/oauth2/token"
NAME = "x-tokens"
EARLY = 60.0  # refresh a minute before X says the token dies


@dataclass(frozen=True, kw_only=True)
class Tokens:
    access: str
    refresh: str
    expires_at: float | None = None  # epoch seconds; None when unknown (config tokens)

    def fresh(self, now: float) -> bool:
        return self.expires_at is None or now < self.expires_at - EARLY


class XTokenStore:
    def __init__(self, creds: Credentials, *, access: str, refresh: str, client_id: str) -> None:
        self.creds = creds
        self.client_id = client_id
        self._config = Tokens(access=access, refresh=refresh)
        self._origin = hashlib.sha256(refresh.encode()).hexdigest()[:16]

    def _tokens(self, raw: Doc | None) -> Tokens:
        if raw is None or raw.get("origin") != self._origin:
            return self._config
        try:
            return Tokens(
                access=str(raw["access_token"]),
                refresh=str(raw["refresh_token"]),
                expires_at=float(raw["expires_at"]) if raw.get("expires_at") else None,
            )
        except (ValueError, KeyError, TypeError) as e:
            raise AuthExpired("the stored X tokens are unreadable; reconnect X") from e

    def _doc(self, tokens: Tokens) -> Doc:
        return {
            "access_token": tokens.access,
            "refresh_token": tokens.refresh,
            "expires_at": tokens.expires_at,
            "origin": self._origin,
        }

    async def load(self) -> Tokens:
        return self._tokens(await self.creds.load())

    async def current(self, http: httpx.AsyncClient) -> Tokens:
        tokens = await self.load()
        if tokens.fresh(time.time()):
            return tokens
        return await self.refresh(http, stale=tokens.access)

    async def refresh(self, http: httpx.AsyncClient, *, stale: str) -> Tokens:
        """New tokens, unless another task or node already replaced the `stale` access token.

        Under the credentials' lock: two posts (on any nodes) must not both spend the
        same refresh token, because the second would find it already rotated away.
        """
        async with self.creds.update() as held:
            tokens = self._tokens(held.data)
            if tokens.access != stale and tokens.fresh(time.time()):
                return tokens
            # No post hangs on this call, so a lost answer is a retry, not an unknown.
            r = await prepare(
                http,
                "POST",
                TOKEN_URL,
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": tokens.refresh,
                    "client_id": self.client_id,
                },
            )
            if r.status_code in (400, 401):
                # invalid_grant: the refresh token was revoked or already used.
                raise AuthExpired(f"X refused the refresh token ({_oauth_error(r)}); reconnect X")
            if not r.is_success:
                raise error_for(r, _oauth_error(r))
            try:
                body = r.json()
                new = Tokens(
                    access=str(body["access_token"]),
                    refresh=str(body.get("refresh_token") or tokens.refresh),
                    expires_at=time.time() + float(body.get("expires_in", 7200)),
                )
            except (ValueError, KeyError, TypeError) as e:
                raise Retryable("X token endpoint answered without a token") from e
            held.save(self._doc(new))
            return new


def _oauth_error(r: httpx.Response) -> str:
    try:
        body = r.json()
    except ValueError:
        return str(r.status_code)
    if isinstance(body, dict):
        return str(body.get("error_description") or body.get("error") or r.status_code)
    return str(r.status_code)


class XOAuth2Auth(AsyncAuth):
    """X's 2-hour OAuth 2 user token; a 401 spends the refresh token once and repeats."""

    def __init__(self, store: XTokenStore, http: httpx.AsyncClient) -> None:
        self.store = store
        self.http = http  # for the token endpoint, which takes no Authorization

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        tokens = await self.store.current(self.http)
        response = yield bearer(request, tokens.access)
        if response.status_code == 401:
            tokens = await self.store.refresh(self.http, stale=tokens.access)
            yield bearer(request, tokens.access)
