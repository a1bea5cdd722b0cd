"""The Starlette application: routes, the signed session, and headers on every answer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dripcast.app.client_links import web_key
from dripcast.app.context import App
from dripcast.app.tiles import network_colours
from dripcast.web import auth, client, pages

STATIC = Path(__file__).parent / "static"
COOKIE = "dripcast_session"
CACHED = {"cache-control": "public, max-age=3600"}
HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; img-src 'self'; style-src 'self'; form-action 'self';"
        b" frame-ancestors 'none'; base-uri 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # The client's page has its token in the URL: no Referer may carry it to another site.
    (b"referrer-policy", b"same-origin"),
]


class Headers:
    """Security headers on every answer; pages (not images, not CSS) are not cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def add(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += HEADERS
                if not any(k == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, add)


def create_app(app: App, *, clock: Callable[[], datetime] | None = None) -> Starlette:
    """The dashboard for `app`; `clock` is for tests (client links expire by it)."""
    web = app.config.service.web
    hours = web.session_hours if web else 12
    routes = [
        Route("/", pages.home),
        Route("/networks.css", _colours),
        Route("/favicon.ico", _no_icon),
        Route("/login", auth.login_page, methods=["GET"]),
        Route("/login", auth.login, methods=["POST"]),
        Route("/logout", auth.logout, methods=["POST"]),
        Route("/held", pages.held),
        Route("/brands/{brand}", pages.week),
        Route("/posts/{id:int}", pages.post),
        Route("/posts/{id:int}/media/{n:int}", pages.media),
        Route("/posts/{id:int}/{action}", pages.act, methods=["POST"]),
        Route("/messages/{id:int}/release", pages.release, methods=["POST"]),
        Route("/c/{token}", client.show),
        Route("/c/{token}/media/{id:int}/{n:int}", client.media),
        Route("/c/{token}/{action}", client.act, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    site = Starlette(
        routes=routes,
        middleware=[
            Middleware(Headers),
            Middleware(
                SessionMiddleware,
                secret_key=web_key(app.config, "sessions").hex(),
                session_cookie=COOKIE,
                max_age=int(hours * 3600),
                same_site="lax",
                https_only=bool(web and web.secure_cookies),
            ),
        ],
        exception_handlers={404: _not_found, 405: _not_allowed},
    )
    site.state.app = app
    site.state.clock = clock or (lambda: datetime.now(UTC))
    site.state.client_key = web_key(app.config, "client")
    site.state.failures = {}
    return site


async def _colours(request: Request) -> Response:
    """Each network's colour as a class (the pages allow no inline styles)."""
    rules = [f".net-{n} {{ --net: {c}; }}" for n, c in network_colours().items()]
    return Response("\n".join(rules) + "\n", media_type="text/css", headers=CACHED)


async def _no_icon(request: Request) -> Response:
    """No icon, and no 404 for it: a browser asks on every page and logs the 404."""
    return Response(status_code=204, headers=CACHED)


async def _not_found(request: Request, exc: Exception) -> Response:
    from dripcast.web.render import error

    return error(request, 404, "There is nothing at this address.")


async def _not_allowed(request: Request, exc: Exception) -> Response:
    from dripcast.web.render import error

    return error(request, 405, "Pages change nothing: actions are forms (POST).")
