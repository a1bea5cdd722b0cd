"""The dashboard: a thin Starlette adapter over `dripcast.app` (SPEC "Dashboard").

It imports the application layer and the core only; every read is in
`dripcast.app.board`, every change goes through `dripcast.app.actions`.
"""

from dripcast.web.site import create_app

__all__ = ["create_app"]
