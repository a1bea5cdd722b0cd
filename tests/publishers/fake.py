"""A fake network at the HTTP layer: routes answer like the network documents, every
request is recorded for the test to check. Use with `httpx.MockTransport`."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

import httpx

Handler = Callable[[httpx.Request], httpx.Response]


@dataclass
class Part:
    name: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class FakeNetwork:
    routes: dict[tuple[str, str], Handler | list[Handler]] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)

    def route(self, method: str, path: str, *answers: Handler) -> None:
        """Answer METHOD PATH; several answers are used in turn, the last one repeats."""
        self.routes[(method.upper(), path)] = list(answers)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        answers = self.routes.get((request.method, request.url.path))
        if answers is None:
            return httpx.Response(
                404, json={"error": f"no route {request.method} {request.url.path}"}
            )
        if isinstance(answers, list):
            handler = answers.pop(0) if len(answers) > 1 else answers[0]
        else:
            handler = answers
        return handler(request)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self))

    def calls(self) -> list[tuple[str, str]]:
        return [(r.method, r.url.path) for r in self.requests]


def reply(status: int = 200, body: Any = None, headers: dict[str, str] | None = None) -> Handler:
    def handler(_: httpx.Request) -> httpx.Response:
        if isinstance(body, bytes | str):
            return httpx.Response(status, content=body, headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    return handler


def timeout_after_send(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out waiting for the answer", request=request)


def json_body(request: httpx.Request) -> Any:
    return json.loads(request.content)


def form_body(request: httpx.Request) -> dict[str, list[str]]:
    from urllib.parse import parse_qs

    return parse_qs(request.content.decode())


def multipart(request: httpx.Request) -> list[Part]:
    """The parts of a multipart/form-data body, in order."""
    ctype = request.headers["content-type"]
    raw = b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + request.content
    msg = BytesParser(policy=HTTP).parsebytes(raw)
    parts = []
    for p in msg.iter_parts():
        payload = p.get_payload(decode=True)
        parts.append(
            Part(
                name=p.get_param("name", header="content-disposition") or "",
                filename=p.get_filename(),
                content_type=p.get("content-type"),
                data=payload if isinstance(payload, bytes) else b"",
            )
        )
    return parts


def performs_then_drops(handler: Handler) -> Handler:
    """The server does the work (the handler runs), then the connection drops before
    the answer reaches us: the post exists, the client cannot know."""

    def dropped(request: httpx.Request) -> httpx.Response:
        handler(request)
        raise httpx.RemoteProtocolError(
            "Server disconnected without sending a response.", request=request
        )

    return dropped
