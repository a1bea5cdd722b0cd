"""Serve the dashboard on uvicorn: inside `dripcast serve`, or alone (`dripcast web`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from collections.abc import Iterator

import uvicorn

from dripcast.app.context import App
from dripcast.core.config import Config
from dripcast.web.site import create_app

log = logging.getLogger("dripcast.web")


class _Embedded(uvicorn.Server):
    """uvicorn without its own signal handlers: the service owns SIGTERM and SIGINT."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _server(app: App, cls: type[uvicorn.Server]) -> tuple[uvicorn.Server, socket.socket]:
    web = app.config.service.web
    assert web is not None
    sock = socket.create_server((web.host, web.port), reuse_port=False)
    config = uvicorn.Config(
        create_app(app),
        lifespan="off",
        log_level="warning",
        access_log=False,
        proxy_headers=False,
        server_header=False,
    )
    host, port = sock.getsockname()[:2]
    log.info("dashboard on http://%s:%s/", host, port)
    return cls(config), sock


async def run_beside(app: App, stop: asyncio.Event) -> None:
    """The dashboard in the service's process, until `stop` is set.

    A port it cannot bind stops the service (the OSError comes out of `serve`): a
    dashboard that silently is not there would be worse than a clear error at start.
    """
    try:
        server, sock = _server(app, _Embedded)
    except OSError as e:
        web = app.config.service.web
        assert web is not None
        stop.set()
        raise OSError(
            e.errno, f"dashboard: cannot listen on {web.host}:{web.port}: {e.strerror}"
        ) from None
    task = asyncio.create_task(server.serve(sockets=[sock]))
    await stop.wait()
    server.should_exit = True
    await task
    sock.close()


def run_alone(config: Config) -> None:
    """`dripcast web`: only the dashboard, until SIGTERM or Ctrl-C (then exit 0)."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        app = await asyncio.to_thread(App.open, config)
        try:
            await run_beside(app, stop)
        finally:
            await asyncio.to_thread(app.close)

    asyncio.run(main())
