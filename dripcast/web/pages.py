"""The agency's pages: brands, a brand's week, held posts, one post; and the actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response

from dripcast.app import actions, board
from dripcast.app.actions import Actor, Result
from dripcast.app.context import App
from dripcast.app.thumbs import thumbnail
from dripcast.core.blobs import BlobMissing
from dripcast.core.timeparse import parse_when
from dripcast.web.auth import current_user, login_required, safe_next
from dripcast.web.render import error, page, wants_json

ACTIONS = {
    "approve": actions.approve,
    "cancel": actions.cancel,
    "retry": actions.retry,
    "publish-now": actions.publish_now,
}


def _app(request: Request) -> App:
    app: App = request.app.state.app
    return app


def _now(request: Request) -> datetime:
    now: datetime = request.app.state.clock()
    return now


@login_required
async def home(request: Request) -> Response:
    data = await run_in_threadpool(board.brands, _app(request), _now(request))
    return page(request, "home.html", {"brands": data})


@login_required
async def week(request: Request) -> Response:
    app = _app(request)
    try:
        brand = app.config.brand(request.path_params["brand"])
    except KeyError:
        return error(request, 404, f"there is no brand {request.path_params['brand']!r}")
    q = request.query_params
    try:
        text = q.get("week") or board.week_name(_now(request).astimezone(brand.zone).date())
        monday = board.parse_week(text)
    except ValueError as e:
        return error(request, 400, str(e))
    data = await run_in_threadpool(
        lambda: board.week(
            app, brand, monday=monday, channel=q.get("channel"), status=q.get("status")
        )
    )
    # 200 tiles take tens of milliseconds to render: not on the loop SMTP shares.
    return await run_in_threadpool(page, request, "week.html", data)


@login_required
async def held(request: Request) -> Response:
    data = await run_in_threadpool(board.held, _app(request), request.query_params.get("brand"))
    return page(request, "held.html", data)


@login_required
async def post(request: Request) -> Response:
    pid = request.path_params["id"]
    try:
        data = await run_in_threadpool(board.post, _app(request), pid)
    except KeyError:
        return error(request, 404, f"there is no post {pid}")
    return page(request, "post.html", data)


@login_required
async def act(request: Request) -> Response:
    """`POST /posts/<id>/<action>`: one of the CLI's actions, by this user."""
    pid, name = request.path_params["id"], request.path_params["action"]
    app, now = _app(request), _now(request)
    actor = Actor("web", current_user(request) or "?")
    form = await request.form()
    if name == "reschedule":
        result = await _reschedule(app, pid, str(form.get("when", "")), actor, now)
    elif name in ACTIONS:
        result = await run_in_threadpool(lambda: ACTIONS[name](app, post=pid, actor=actor, now=now))
    else:
        return error(request, 404, f"there is no action {name!r}")
    return _answer(request, result, str(form.get("next", "")) or f"/posts/{pid}")


@login_required
async def release(request: Request) -> Response:
    mid = request.path_params["id"]
    actor = Actor("web", current_user(request) or "?")
    result = await run_in_threadpool(
        lambda: actions.release(_app(request), message=mid, actor=actor, now=_now(request))
    )
    form = await request.form()
    return _answer(request, result, str(form.get("next", "")) or "/held")


@login_required
async def media(request: Request) -> Response:
    """A post's image as cropped for its network; `?full=1` the file itself."""
    app = _app(request)
    pid, n = request.path_params["id"], request.path_params["n"]
    return await media_response(request, app, pid, n, message=None)


async def media_response(
    request: Request, app: App, pid: int, n: int, *, message: int | None
) -> Response:
    """The image from the blob store (any node shows any node's posts); the tile's
    copy comes from this node's cache of thumbnails."""
    image = await run_in_threadpool(board.media_image, app, pid, n, message=message)
    if image is None:
        return error(request, 404, "no such image")
    headers = {"Cache-Control": "private, max-age=3600"}
    try:
        if request.query_params.get("full") == "1":
            data = await run_in_threadpool(image.read)
            return Response(data, media_type=image.content_type, headers=headers)
        cache = app.config.resolve(app.config.service.state_dir) / "thumbs"
        file = await run_in_threadpool(thumbnail, image.name, image.read, cache)
    except (BlobMissing, OSError):
        return error(request, 404, "no such image")
    return FileResponse(file, media_type="image/jpeg", headers=headers)


async def _reschedule(app: App, pid: int, when: str, actor: Actor, now: datetime) -> Result:
    if not when.strip():
        return Result("reschedule", (), "reschedule: give a time (`when`)")
    try:
        data = await run_in_threadpool(board.post, app, pid)
        brand = app.config.brand(data["post"]["brand"])
    except KeyError:
        return Result("reschedule", (), f"reschedule: there is no post {pid}")
    try:
        at = parse_when(when, now.astimezone(brand.zone))
    except ValueError as e:
        return Result("reschedule", (), f"reschedule: {e}")
    return await run_in_threadpool(
        lambda: actions.reschedule(app, post=pid, when=at, actor=actor, now=now)
    )


def _answer(request: Request, result: Result, back: str) -> Response:
    body: dict[str, Any] = {
        "action": result.action,
        "ok": result.ok,
        "changed": list(result.changed),
        "message": result.message,
    }
    if wants_json(request):
        return JSONResponse(body, status_code=200 if result.ok else 409)
    request.session["flash"] = result.message
    return RedirectResponse(safe_next(request, back), status_code=303)
