"""A real S3-compatible server on loopback for the tests: moto's server mode, in a thread.

Started once per test session; each test gets its own bucket.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from typing import Any

from tests.ports import free_port

_counter = itertools.count(1)
KEYS = {"access_key_id": "testing", "secret_access_key": "testing"}
# a config file names secrets only by reference: set these in the environment
ENV = {"S3_KEY_ID": KEYS["access_key_id"], "S3_SECRET": KEYS["secret_access_key"]}


@dataclass
class S3Server:
    endpoint: str
    server: Any

    @classmethod
    def start(cls) -> S3Server:
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
        port = free_port()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        return cls(endpoint=f"http://127.0.0.1:{port}", server=server)

    def settings(self) -> dict[str, Any]:
        """`service.s3` for a config."""
        return {"endpoint_url": self.endpoint, "region": "us-east-1", **KEYS}

    def file_settings(self) -> dict[str, Any]:
        """`service.s3` for a config file, its keys by reference to `ENV`."""
        refs = {"access_key_id": "${S3_KEY_ID}", "secret_access_key": "${S3_SECRET}"}
        return {**self.settings(), **refs}

    def new_bucket(self) -> str:
        import boto3

        name = f"dripcast-{next(_counter)}"
        client = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=KEYS["access_key_id"],
            aws_secret_access_key=KEYS["secret_access_key"],
        )
        client.create_bucket(Bucket=name)
        client.close()
        return name

    def stop(self) -> None:
        self.server.stop()
