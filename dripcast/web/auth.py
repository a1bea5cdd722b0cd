"""Agency logins (argon2 hashes from `service.web.users`), the session, and CSRF.

The session is a signed cookie (Starlette's SessionMiddleware, itsdangerous): a
forged or altered cookie reads as no session. It holds the user's name and a
random CSRF token that every form carries back; a POST without the session's
token is refused. Nothing changes on a GET.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from argon2.exceptions import InvalidHashError, VerificationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dripcast.app.context import App
from dripcast.web.passwords import DUMMY, HASHER
from dripcast.web.render import error, page, wants_json

MAX_FAILURES = 10  # per name, in FAILURE_WINDOW seconds; then 429 until it passes
FAILURE_WINDOW = 600.0
MAX_NAMES = 10_000

Handler = Callable[[Request], Awaitable[Response]]


def check_password(app: App, name: str, password: str) -> bool:
    web = app.config.service.web
    users = {u.name: u.password_hash for u in (web.users if web else ())}
    try:
        return HASHER.verify(users.get(name, DUMMY), password) and name in users
    except (VerificationError, InvalidHashError):
        return False


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def current_user(request: Request) -> str | None:
    """The logged-in user, if the session names one the config still has."""
    name = request.session.get("user")
    web = request.app.state.app.config.service.web
    if isinstance(name, str) and web and any(u.name == name for u in web.users):
        return name
    return None


def same_origin(request: Request) -> bool:
    """A browser's POST says where its page came from; it must be this site.

    A script sends neither header (it has the token from the JSON instead).
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.headers.get("host")


async def csrf_ok(request: Request) -> bool:
    form = await request.form()
    sent = form.get("csrf") or request.headers.get("x-csrf-token")
    want = request.session.get("csrf")
    return (
        isinstance(sent, str)
        and isinstance(want, str)
        and hmac.compare_digest(sent, want)
        and same_origin(request)
    )


def login_required(handler: Handler) -> Handler:
    async def wrapped(request: Request) -> Response:
        if current_user(request) is None:
            if wants_json(request):
                return error(request, 401, "log in first: POST /login with name and password")
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        if request.method == "POST" and not await csrf_ok(request):
            return error(request, 403, "the form's CSRF token is missing or wrong; reload the page")
        return await handler(request)

    return wrapped


async def login_page(request: Request) -> Response:
    csrf_token(request)
    return page(request, "login.html", {"fields": ["name", "password"]}, next=_next(request))


async def login(request: Request) -> Response:
    form = await request.form()
    name, password = str(form.get("name", "")), str(form.get("password", ""))
    # A browser's login form carries the token (no login CSRF); a script sends neither
    # header, and has no page to take a token from.
    browser = any(h in request.headers for h in ("origin", "sec-fetch-site"))
    if (browser or "csrf" in form) and not await csrf_ok(request):
        return error(request, 403, "the form's CSRF token is missing or wrong; reload the page")
    failures: dict[str, list[float]] = request.app.state.failures
    now = time.monotonic()
    recent = [t for t in failures.get(name, []) if now - t < FAILURE_WINDOW]
    if len(recent) >= MAX_FAILURES:
        return error(request, 429, "too many failed logins for this name; wait ten minutes")
    if not await run_in_threadpool(check_password, request.app.state.app, name, password):
        if len(failures) > MAX_NAMES:  # made-up names must not grow this without end
            for key in [k for k, v in failures.items() if now - v[-1] >= FAILURE_WINDOW]:
                del failures[key]
        failures[name] = [*recent, now]
        if wants_json(request):
            return error(request, 401, "wrong name or password")
        request.session["flash"] = "Wrong name or password."
        return RedirectResponse("/login", status_code=303)
    failures.pop(name, None)
    request.session.clear()  # a new session: nothing from before the login carries over
    request.session["user"] = name
    request.session["csrf"] = secrets.token_urlsafe(32)
    if wants_json(request):
        return page(request, "login.html", {"user": name})
    return RedirectResponse(_next(request, str(form.get("next", ""))), status_code=303)


async def logout(request: Request) -> Response:
    if not await csrf_ok(request):
        return error(request, 403, "the form's CSRF token is missing or wrong; reload the page")
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def _next(request: Request, value: str | None = None) -> str:
    """Where to go after a form: a path on this site only (never `//host`)."""
    target = value if value is not None else request.query_params.get("next", "")
    ok = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if ok else "/"


safe_next = _next
