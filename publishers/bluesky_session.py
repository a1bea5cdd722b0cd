"""A Bluesky session: app password → access + refresh JWTs, kept in the channel's credentials.

    com.atproto.server.createSession   {identifier, password} → {accessJwt, refreshJwt, did, handle}
    com.atproto.server.refreshSession  Bearer refreshJwt → a new pair

The access token lives about two hours. A call answered `400 ExpiredToken`
refreshes once and is repeated (`BlueskySessionAuth`, an `httpx.Auth`); a
refresh that fails logs in again. Logins are limited (30 / 5 min), hence
keeping the session across restarts, shared by every node: one node logs in
or refreshes (under the credentials' lock), the others read the pair it stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import httpx

from dripcast.core.channels import Bluesky
from dripcast.core.credentials import Credentials, Doc
from dripcast.core.errors import AuthExpired, PublishError
from dripcast.core.publisher import Context
from publishers.http import AsyncAuth, bearer, error_for, send

# A PDS answers these when the account itself needs a person, not a new token.
ACCOUNT_ERRORS = frozenset({"AccountTakedown", "AccountDeactivated", "AuthFactorTokenRequired"})
TOKEN_ERRORS = frozenset({"ExpiredToken", "InvalidToken"})


def xrpc_error(response: httpx.Response) -> tuple[str, str]:
    """The (error, message) pair of an XRPC error body; empty strings when absent."""
    try:
        body = response.json()
    except ValueError:
        return "", response.text[:300]
    if not isinstance(body, dict):
        return "", ""
    return str(body.get("error") or ""), str(body.get("message") or "")


def raise_for(response: httpx.Response) -> httpx.Response:
    """Map an XRPC failure: account problems → AuthExpired, the rest by status."""
    if response.is_success:
        return response
    error, message = xrpc_error(response)
    detail = f"{error}: {message}" if error and message else error or message or None
    if error in ACCOUNT_ERRORS or error in TOKEN_ERRORS:
        raise AuthExpired(f"{response.status_code}: {detail}")
    raise error_for(response, detail)


class Session:
    """One account's tokens for one service, loaded from and saved to `creds`."""

    def __init__(
        self, http: httpx.AsyncClient, service: str, handle: str, password: str, creds: Credentials
    ) -> None:
        self.http = http
        self.service = service.rstrip("/")
        self.handle = handle
        self._password = password
        self.creds = creds
        self._data: dict[str, Any] | None = None
        self._lock = asyncio.Lock()

    def url(self, nsid: str) -> str:
        return f"{self.service}/xrpc/{nsid}"

    async def did(self) -> str:
        return str((await self.current())["did"])

    async def call(self, method: str, nsid: str, **kwargs: Any) -> httpx.Response:
        """An authenticated XRPC call that succeeded, or the error it means."""
        return raise_for(await self.request(method, nsid, **kwargs))

    async def request(self, method: str, nsid: str, **kwargs: Any) -> httpx.Response:
        """An authenticated XRPC call, answer unchecked; refreshes or logs in once when stale."""
        return await send(
            self.http, method, self.url(nsid), auth=BlueskySessionAuth(self), **kwargs
        )

    async def current(self) -> dict[str, Any]:
        async with self._lock:
            if self._data is None:
                self._data = self._valid(await self.creds.load())
            if self._data is None:
                async with self.creds.update() as held:
                    data = self._valid(held.data)  # another node may have logged in meanwhile
                    if data is None:
                        data = await self._login()
                        held.save(data)
                self._data = data
            return self._data

    async def renew(self, stale: dict[str, Any]) -> dict[str, Any]:
        async with self._lock:
            if self._data is not None and self._data.get("accessJwt") != stale.get("accessJwt"):
                return self._data  # another call already renewed it
            async with self.creds.update() as held:
                stored = self._valid(held.data)
                if stored is not None and stored["accessJwt"] != stale["accessJwt"]:
                    self._data = stored  # another node renewed it
                    return stored
                r = await send(
                    self.http,
                    "POST",
                    self.url("com.atproto.server.refreshSession"),
                    headers={"Authorization": f"Bearer {stale['refreshJwt']}"},
                )
                if r.is_success:
                    data = self._keep(r.json())
                elif r.status_code in (400, 401) and xrpc_error(r)[0] not in ACCOUNT_ERRORS:
                    data = await self._login()
                else:
                    raise_for(r)
                held.save(data)
                self._data = data
                return data

    async def _login(self) -> dict[str, Any]:
        r = await send(
            self.http,
            "POST",
            self.url("com.atproto.server.createSession"),
            json={"identifier": self.handle, "password": self._password},
        )
        if r.status_code == 401 or xrpc_error(r)[0] == "AuthenticationRequired":
            raise AuthExpired(
                f"Bluesky login for {self.handle} refused: {xrpc_error(r)[1] or r.status_code}"
            )
        return self._keep(raise_for(r).json())

    def _keep(self, body: Any) -> dict[str, Any]:
        try:
            data = {k: str(body[k]) for k in ("accessJwt", "refreshJwt", "did")}
        except (KeyError, TypeError) as e:
            raise PublishError(f"unexpected session answer, missing {e}") from None
        data["handle"] = self.handle
        data["service"] = self.service
        return dict(data)

    def _valid(self, data: Doc | None) -> dict[str, Any] | None:
        if data is None:
            return None
        ok = all(isinstance(data.get(k), str) for k in ("accessJwt", "refreshJwt", "did"))
        # A session for another handle or server (config changed) is not ours.
        if not ok or data.get("handle") != self.handle or data.get("service") != self.service:
            return None
        return dict(data)


def session_for(channel: Bluesky, ctx: Context) -> Session:
    """The channel's session, in the credentials its publisher and comment reader share."""
    return Session(
        ctx.http,
        channel.service,
        channel.handle,
        channel.app_password.get_secret_value(),
        ctx.credential("bluesky-session"),
    )


def stale(r: httpx.Response) -> bool:
    """The access token expired or is not valid: worth one refresh."""
    return r.status_code in (400, 401) and xrpc_error(r)[0] in TOKEN_ERRORS


class BlueskySessionAuth(AsyncAuth):
    """A Bluesky session's access JWT; `ExpiredToken` refreshes or logs in once and repeats."""

    requires_response_body = True  # the error name is in the body

    def __init__(self, session: Session) -> None:
        self.session = session

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        data = await self.session.current()
        response = yield bearer(request, data["accessJwt"])
        # Overriding async_auth_flow skips httpx's own read for requires_response_body:
        # over a real socket the body is still a stream here.
        await response.aread()
        if stale(response):
            data = await self.session.renew(data)
            yield bearer(request, data["accessJwt"])
