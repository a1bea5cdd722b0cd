"""The interface every network's publisher implements, and what it is given."""

from __future__ import annotations

import abc
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import httpx

from dripcast.core.credentials import Credentials, FileCredentials
from dripcast.core.domain import Media, Post, Published


@dataclass(frozen=True, kw_only=True)
class Context:
    """What the service lends a publisher: one shared HTTP client and a few services."""

    http: httpx.AsyncClient
    root: Path  # relative paths in channel settings start here: $DRIPCAST_HOME, else the config's folder
    state_dir: Path  # private to the channel: refreshed tokens live here, 0600
    # A public, signed, expiring URL for a media file (networks that fetch by URL);
    # None when `service.public_base_url` is not set.
    media_url: Callable[[Media], str] | None = None
    # Keep what a retry must reuse (Instagram's container id…); seen again as `post.remote`.
    remember: Callable[[int, Mapping[str, Any]], Awaitable[None]] | None = None
    # Reads a variant from the blob store by its key (`Media.path`); None: a local file.
    read_blob: Callable[[str], Awaitable[bytes]] | None = None
    # The channel's refreshed tokens by name, shared by every node (in the database);
    # None: files in state_dir.
    credentials: Callable[[str], Credentials] | None = None

    def credential(self, name: str) -> Credentials:
        if self.credentials is not None:
            return self.credentials(name)
        return FileCredentials(self.state_dir / f"{name}.json")


class Publisher(abc.ABC):
    """One network. `publish` is the one method that matters.

    Raise from `dripcast.core.errors`: Retryable, Rejected, AuthExpired, OutcomeUnknown.
    """

    # True when calling publish() again for the same post can never make a second
    # post (the outbox's folder per post id, Mastodon's Idempotency-Key, Bluesky's rkey).
    idempotent: ClassVar[bool] = False

    @abc.abstractmethod
    async def publish(self, post: Post) -> Published: ...

    async def find(self, post: Post) -> Published | None:
        """The post if it is already live, where the network lets us look; else None.

        Called when a crash or a timeout left the outcome unknown.
        """
        return None

    async def text_limit(self) -> int | None:
        """The text limit the network reports for this account, where it has one to ask."""
        return None

    async def check(self) -> str:
        """One harmless authenticated read, for `check --online`; returns who we are."""
        return "no online check for this channel type"
