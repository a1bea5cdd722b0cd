"""Signed, expiring links that open one submission to its client, and the web's key.

A link is `<web base>/c/<token>`; the token carries the submission id and an expiry,
signed with a key derived from `service.secret_key` (`Config.root_key`: else the key
kept in `state_dir`), so a link made on one node opens on every node that shares the
secret. The confirmation mail (dripcast/app/mail) puts `client_link(...)` in it.
"""

from __future__ import annotations

from datetime import datetime

from itsdangerous import BadData, URLSafeSerializer

from dripcast.core.config import Config
from dripcast.core.keys import derive
from dripcast.core.timeparse import parse_duration

SALT = "dripcast-client-link"


class BadLink(ValueError):
    """A client token that was forged, altered or is not ours."""


class ExpiredLink(BadLink):
    """A client token that was ours but has expired."""


class WebOff(LookupError):
    """`service.web` is not set: there is no page to link to."""


def web_key(config: Config, purpose: str) -> bytes:
    """A key for one purpose (sessions, client links), derived from the one secret: the
    same on every node, and unlike the keys of media URLs and credentials."""
    return derive(config.root_key(), f"web:{purpose}")


def client_token(
    config: Config, submission_id: int, now: datetime, key: bytes | None = None
) -> str:
    web = config.service.web
    ttl = parse_duration(web.client_link_ttl if web else "7d")
    expires = int((now + ttl).timestamp())
    signer = URLSafeSerializer(key or web_key(config, "client"), salt=SALT)
    return str(signer.dumps([submission_id, expires]))


def client_link(config: Config, submission_id: int, now: datetime) -> str:
    """The URL that opens `submission_id` to its client until `now` + `web.client_link_ttl`.

    Raises WebOff when `service.web` is not set (check `config.service.web` first).
    """
    web = config.service.web
    if web is None:
        raise WebOff("service.web is not set: no client page to link to")
    base = (web.public_url or f"http://{web.host}:{web.port}").rstrip("/")
    return f"{base}/c/{client_token(config, submission_id, now)}"


def read_client_token(token: str, key: bytes, now: datetime) -> int:
    """The submission a token opens; BadLink if forged, ExpiredLink if too old."""
    try:
        data = URLSafeSerializer(key, salt=SALT).loads(token)
    except BadData:
        raise BadLink("not a link of this service") from None
    if not (isinstance(data, list) and len(data) == 2 and all(type(x) is int for x in data)):
        raise BadLink("not a link of this service")
    submission, expires = data
    if expires < now.timestamp():
        raise ExpiredLink("the link has expired")
    return int(submission)
