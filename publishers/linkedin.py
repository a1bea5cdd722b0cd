"""LinkedIn (learn.microsoft.com, Images API and Posts API, versioned REST).

    POST /rest/images?action=initializeUpload  {"initializeUploadRequest": {"owner"}}
                                               → value.uploadUrl, value.image (urn:li:image:…)
    PUT  {uploadUrl}                           the JPEG bytes
    POST /rest/posts                           → 201, the post URN in `x-restli-id`

One image goes in `content.media`, 2–20 in `content.multiImage.images`. The
commentary arrives already escaped as "little text" by the formatter, so it
is sent as is.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import quote

import httpx

from dripcast.core.channels import LinkedIn
from dripcast.core.domain import Media, Post, Published
from dripcast.core.errors import AuthExpired, PublishError, Rejected, Retryable
from dripcast.core.publisher import Context, Publisher
from publishers.files import read_media
from publishers.http import error_for, send
from publishers.steps import prepare

API = "https://api.linkedin.com"
# One version for every call; LinkedIn supports each monthly version for a year.
VERSION = "202605"
MAX_IMAGES = 20


class LinkedInPublisher(Publisher):
    idempotent: ClassVar[bool] = False

    def __init__(self, channel: LinkedIn, ctx: Context) -> None:
        self.ctx = ctx
        self.http = ctx.http
        self.author = channel.author
        self._token = channel.token

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self._token.get_secret_value()}",
            "LinkedIn-Version": VERSION,
            "X-Restli-Protocol-Version": "2.0.0",
        }

    async def publish(self, post: Post) -> Published:
        if len(post.media) > MAX_IMAGES:
            raise Rejected(f"LinkedIn takes at most {MAX_IMAGES} images, got {len(post.media)}")
        images = [
            {"id": await self._upload(m), **({"altText": m.alt} if m.alt else {})}
            for m in post.media
        ]
        body: dict[str, Any] = {
            "author": self.author,
            "commentary": post.text,
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        if len(images) == 1:
            body["content"] = {"media": images[0]}
        elif images:
            body["content"] = {"multiImage": {"images": images}}
        r = await send(self.http, "POST", f"{API}/rest/posts", headers=self._headers(), json=body)
        if not r.is_success:
            raise _error(r)
        # 201 means live; a missing id must not turn into a second post on retry.
        urn = r.headers.get("x-restli-id", "")
        return Published(external_id=urn, url=_url(urn) if urn else None)

    async def _upload(self, media: Media) -> str:
        init = {"initializeUploadRequest": {"owner": self.author}}
        r = await prepare(
            self.http,
            "POST",
            f"{API}/rest/images",
            params={"action": "initializeUpload"},
            headers=self._headers(),
            json=init,
        )
        if not r.is_success:
            raise _error(r)
        try:
            value = r.json()["value"]
            upload_url, image = str(value["uploadUrl"]), str(value["image"])
        except (ValueError, KeyError, TypeError) as e:
            raise Retryable("LinkedIn initializeUpload answered without uploadUrl/image") from e
        data = await read_media(self.ctx, media)
        auth = {"Authorization": self._headers()["Authorization"]}
        r = await prepare(self.http, "PUT", upload_url, headers=auth, content=data)
        if not r.is_success:
            raise _error(r)
        return image

    async def find(self, post: Post) -> Published | None:
        # Reading one's own posts needs r_member_social / r_organization_social;
        # without it we cannot tell, and say so by returning None.
        query = f"author={quote(self.author, safe='')}&q=author&count=20&sortBy=LAST_MODIFIED"
        r = await send(self.http, "GET", f"{API}/rest/posts?{query}", headers=self._headers())
        if r.status_code == 403:
            return None
        if not r.is_success:
            raise _error(r)
        for el in r.json().get("elements") or []:
            if el.get("commentary") == post.text and el.get("id"):
                return Published(external_id=str(el["id"]), url=_url(str(el["id"])))
        return None

    async def check(self) -> str:
        if self.author.startswith("urn:li:organization:"):
            org = self.author.rsplit(":", 1)[1]
            r = await send(
                self.http, "GET", f"{API}/rest/organizations/{org}", headers=self._headers()
            )
            if not r.is_success:
                raise _error(r)
            return str(r.json().get("localizedName") or self.author)
        r = await send(self.http, "GET", f"{API}/v2/userinfo", headers=self._headers())
        if not r.is_success:
            raise _error(r)
        return str(r.json().get("name") or self.author)


def _url(urn: str) -> str:
    return f"https://www.linkedin.com/feed/update/{urn}/"


def _error(r: httpx.Response) -> PublishError:
    """LinkedIn's errors: {"status", "serviceErrorCode", "code", "message"}."""
    err = error_for(r)
    if r.status_code == 403 and isinstance(err, AuthExpired):
        # Missing w_member_social / w_organization_social or a lost page role.
        return AuthExpired(f"{err} (check the token's scopes and the author's role)")
    return err
