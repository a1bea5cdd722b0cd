"""One page, two forms: HTML from a Jinja2 template, or the same data as JSON."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

TEMPLATES = Path(__file__).parent / "templates"

env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def page(
    request: Request,
    template: str,
    data: dict[str, Any],
    *,
    status: int = 200,
    csrf: str | None = None,
    **extra: Any,
) -> Response:
    """The page as HTML, or `data` as JSON when the client asks for it.

    `extra` is what only the HTML needs; the CSRF token is in both (scripts need it):
    the session's, unless the page has its own.
    """
    if csrf is None and "session" in request.scope:
        csrf = request.session.get("csrf")
    if wants_json(request):
        body = jsonable({**data, **({"csrf": csrf} if csrf else {})})
        return JSONResponse(body, status_code=status)
    flash = request.session.pop("flash", None) if "session" in request.scope else None
    user = request.session.get("user") if "session" in request.scope else None
    html = env.get_template(template).render(
        data=data, csrf=csrf, flash=flash, user=user, path=request.url.path, **extra
    )
    return HTMLResponse(html, status_code=status)


def error(request: Request, status: int, message: str) -> Response:
    if wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    html = env.get_template("error.html").render(status=status, message=message, data={})
    return HTMLResponse(html, status_code=status)


def _day(d: date) -> str:
    return f"{d:%a %d %b}"


def _when(d: datetime | None) -> str:
    return "" if d is None else f"{d:%a %d %b %Y, %H:%M %Z}"


env.filters["day"] = _day
env.filters["when"] = _when
