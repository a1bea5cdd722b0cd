"""The client's page: `/c/<signed token>` opens one submission, nothing else.

No login and no session: the token names the submission and its expiry, and the
forms carry a CSRF token derived from it. Images are served under the same token,
only for posts of that submission. A client may cancel; approve where the brand
waits for its client (`approval: client`).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from dripcast.app import actions, board
from dripcast.app.actions import Actor, Result
from dripcast.app.client_links import BadLink, ExpiredLink, read_client_token
from dripcast.web.auth import same_origin
from dripcast.web.pages import media_response
from dripcast.web.render import error, page, wants_json

EXPIRED = "This link has expired. Ask your agency for a new one."


def _open(request: Request) -> int | Response:
    try:
        return read_client_token(
            request.path_params["token"], request.app.state.client_key, request.app.state.clock()
        )
    except ExpiredLink:
        return error(request, 410, EXPIRED)
    except BadLink:
        return error(request, 404, "There is nothing at this address.")


def _csrf(request: Request) -> str:
    key: bytes = request.app.state.client_key
    token = request.path_params["token"].encode()
    return hmac.new(key, b"csrf\0" + token, hashlib.sha256).hexdigest()


async def show(request: Request) -> Response:
    sid = _open(request)
    if isinstance(sid, Response):
        return sid
    try:
        data = await run_in_threadpool(board.submission, request.app.state.app, sid)
    except KeyError:
        return error(request, 404, "There is nothing at this address.")
    data = {**data, "can_approve": data["approval"] == "client"}
    done = {"approve": "Approved, thank you.", "cancel": "Cancelled: it will not be posted."}
    return page(
        request,
        "client.html",
        data,
        token=request.path_params["token"],
        csrf=_csrf(request),
        done=done.get(request.query_params.get("done", "")),
    )


async def act(request: Request) -> Response:
    sid = _open(request)
    if isinstance(sid, Response):
        return sid
    form = await request.form()
    sent = str(form.get("csrf") or request.headers.get("x-csrf-token") or "")
    if not (hmac.compare_digest(sent, _csrf(request)) and same_origin(request)):
        return error(request, 403, "the form's CSRF token is missing or wrong; reload the page")
    app = request.app.state.app
    name = request.path_params["action"]
    sub = await run_in_threadpool(board.submission, app, sid)
    if name not in ("approve", "cancel") or (name == "approve" and sub["approval"] != "client"):
        return error(request, 404, f"there is no action {name!r} here")
    actor = Actor("web", f"client of {sub['brand']['id']}")
    post = str(form.get("post", ""))
    which: dict[str, Any] = {"submission": sid}
    if post:
        if not post.isdigit() or int(post) not in {t["id"] for t in sub["tiles"]}:
            return error(request, 404, "that post is not part of this submission")
        which = {"post": int(post)}
    fn = actions.approve if name == "approve" else actions.cancel
    now = request.app.state.clock()
    result: Result = await run_in_threadpool(lambda: fn(app, **which, actor=actor, now=now))
    if wants_json(request):
        body = {"action": result.action, "ok": result.ok, "changed": list(result.changed)}
        return JSONResponse(
            {**body, "message": result.message}, status_code=200 if result.ok else 409
        )
    return RedirectResponse(f"/c/{request.path_params['token']}?done={name}", status_code=303)


async def media(request: Request) -> Response:
    sid = _open(request)
    if isinstance(sid, Response):
        return sid
    app = request.app.state.app
    pid, n = request.path_params["id"], request.path_params["n"]
    return await media_response(request, app, pid, n, message=sid)
