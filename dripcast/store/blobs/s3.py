"""A blob store in an S3-compatible bucket (`s3://bucket/prefix`), through aioboto3.

S3 answers a PUT only once the object is stored durably, which is the promise
`BlobStore.put` makes. One client per store, made on first use in the event
loop that uses it (the `Blobs` runner's).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import aioboto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

from dripcast.core.blobs import BlobInfo, BlobMissing, BlobStore, safe_key
from dripcast.core.config import S3


class S3BlobStore(BlobStore):
    def __init__(self, url: str, settings: S3) -> None:
        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.settings = settings
        self._stack = contextlib.AsyncExitStack()
        self._client: Any = None

    async def _s3(self) -> Any:
        if self._client is None:
            s = self.settings
            session = aioboto3.Session()
            self._client = await self._stack.enter_async_context(
                session.client(
                    "s3",
                    endpoint_url=s.endpoint_url,
                    region_name=s.region,
                    aws_access_key_id=_secret(s.access_key_id),
                    aws_secret_access_key=_secret(s.secret_access_key),
                    config=BotoConfig(retries={"max_attempts": 5, "mode": "standard"}),
                )
            )
        return self._client

    def _key(self, key: str) -> str:
        return self.prefix + safe_key(key)

    async def put(self, key: str, data: bytes) -> None:
        s3 = await self._s3()
        await s3.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    async def get(self, key: str) -> bytes:
        s3 = await self._s3()
        try:
            r = await s3.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise BlobMissing(key) from None
            raise
        async with r["Body"] as body:
            data: bytes = await body.read()
        return data

    async def delete(self, key: str) -> None:
        s3 = await self._s3()
        await s3.delete_object(Bucket=self.bucket, Key=self._key(key))

    async def list(self, prefix: str) -> AsyncIterator[BlobInfo]:
        s3 = await self._s3()
        pages = s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix + prefix
        )
        async for page in pages:
            for o in page.get("Contents", ()):
                key = str(o["Key"])[len(self.prefix) :]
                yield BlobInfo(key, o["LastModified"].timestamp(), int(o["Size"]))

    async def close(self) -> None:
        await self._stack.aclose()
        self._client = None


def _secret(v: Any) -> str | None:
    return None if v is None else str(v.get_secret_value())
