"""Each network's limits, as data (PLATFORMS.md). One frozen ChannelSpec per type."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class ChannelSpec:
    network: str
    text_limit: int
    counting: str = "chars"  # chars | graphemes | weighted | utf16
    images_max: int = 1
    aspect_min: float = 0.0  # width / height
    aspect_max: float = float("inf")
    max_side: int = 2048
    max_bytes: int = 8_000_000
    links_clickable: bool = True
    hashtag_cap: int | None = None


SPECS: dict[str, ChannelSpec] = {
    s.network: s
    for s in (
        ChannelSpec(network="outbox", text_limit=63_206, images_max=10, max_side=2048),
        ChannelSpec(network="webhook", text_limit=63_206, images_max=10, max_side=2048),
        ChannelSpec(
            network="instagram",
            text_limit=2200,
            images_max=10,
            aspect_min=0.8,
            aspect_max=1.91,
            max_side=1440,
            max_bytes=8_000_000,
            links_clickable=False,
            hashtag_cap=5,
        ),
        ChannelSpec(network="facebook", text_limit=63_206, images_max=10, max_bytes=4_000_000),
        ChannelSpec(network="threads", text_limit=500, images_max=10, max_side=1440, hashtag_cap=1),
        ChannelSpec(
            network="x", text_limit=280, counting="weighted", images_max=4, max_bytes=5_000_000
        ),
        ChannelSpec(
            network="bluesky",
            text_limit=300,
            counting="graphemes",
            images_max=4,
            max_bytes=1_000_000,
        ),
        ChannelSpec(
            network="mastodon",
            text_limit=500,
            counting="graphemes",
            images_max=4,
            max_bytes=16_000_000,
        ),
        ChannelSpec(network="linkedin", text_limit=3000, images_max=20),
        ChannelSpec(network="pinterest", text_limit=800, images_max=5),
        ChannelSpec(network="tumblr", text_limit=4096, images_max=30),
        ChannelSpec(
            network="telegram",
            text_limit=1024,
            counting="utf16",
            images_max=10,
            max_bytes=10_000_000,
        ),
        ChannelSpec(network="discord", text_limit=2000, images_max=10, max_bytes=10_000_000),
        ChannelSpec(network="wordpress", text_limit=1_000_000, images_max=30),
    )
}
