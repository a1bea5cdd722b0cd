"""The dashboard: a thin Starlette adapter over `dripcast.app` (SPEC "Dashboard").

It imports the application layer and the core only; every read is in
`dripcast.app.board`, every change goes through `dripcast.app.actions`. The app is
`dripcast.web.site.create_app`; this package imports nothing itself, so that
`dripcast web-user` (`dripcast.web.passwords`) does not load the dashboard.
"""
