"""Each network's limits, as data (PLATFORMS.md, November 2026). One frozen ChannelSpec per type.

Limits change: they live here and nowhere else. Where a network can tell the real
value at runtime (Mastodon's instance limit), the caller passes an override to
`format_submission(limits=...)` rather than editing this table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

# How a network counts text against its limit:
#   chars      code points (Tumblr, which says so)
#   utf16      UTF-16 code units: Telegram, and the networks that say "characters" and
#              run on JavaScript or Java (Meta, LinkedIn, Pinterest, Discord); never
#              fewer than code points, so safe by either reading
#   weighted   twitter-text v3: NFC, URLs 23, CJK and emoji 2, the rest 1 (X)
#   graphemes  user-perceived characters, and UTF-8 bytes ≤ byte_limit when set (Bluesky)
#   graphemes_url23  graphemes with every URL counted as 23 (Mastodon)
Counting = Literal["chars", "weighted", "graphemes", "graphemes_url23", "utf16"]

# How a link reaches the reader when the text cannot carry a clickable one.
LinkStyle = Literal["inline", "bio", "field"]

# Long side of the "full size" variant: what X and Facebook show at most. Geometry snaps
# a little below it to a power-of-two reduction (a 12 MP photo → 2016 × 1512), which the
# JPEG decoder gives for free and no resampling then softens.
FULL = 2048


@dataclass(frozen=True, kw_only=True)
class ChannelSpec:
    """One network's rules for text and images."""

    network: str
    label: str  # the name a person knows it by (contact sheet)
    text_limit: int
    counting: Counting = "chars"
    byte_limit: int | None = None  # UTF-8 bytes, besides text_limit (Bluesky)
    links: LinkStyle = "inline"  # bio: Instagram's "link in bio"; field: the post has a link field
    hashtag_cap: int | None = None
    escape: Literal["none", "little"] = "none"  # LinkedIn's "little text"
    title_limit: int | None = None  # networks with a separate title (Pinterest)
    tags_field: bool = (
        False  # hashtags go in the post's own tag list, not the text (Tumblr, WordPress)
    )
    alt_limit: int | None = 1000  # None: the network takes no alt text
    images_max: int = 1
    aspect_min: float = 0.0  # width / height
    aspect_max: float = float("inf")
    max_side: int = FULL  # long side of the variant
    max_width: int | None = None  # networks that state a width range (Meta)
    min_width: int = 0
    max_pixels: int | None = None
    max_bytes: int = 8_000_000
    formats: tuple[str, ...] = ("jpeg",)

    @property
    def clickable(self) -> bool:
        return self.links == "inline"

    def with_text_limit(self, limit: int) -> ChannelSpec:
        if limit < 1:
            raise ValueError(f"{self.network}: text limit must be positive, got {limit}")
        return replace(self, text_limit=limit)


_ALL: tuple[ChannelSpec, ...] = (
    ChannelSpec(network="outbox", label="Outbox", text_limit=63_206, images_max=10),
    ChannelSpec(network="webhook", label="Webhook", text_limit=63_206, images_max=10),
    ChannelSpec(
        network="instagram",
        counting="utf16",
        label="Instagram",
        text_limit=2200,
        links="bio",
        hashtag_cap=5,
        alt_limit=1000,
        images_max=10,
        aspect_min=4 / 5,
        aspect_max=1.91,
        max_width=1080,  # what it shows; wider (≤ 1440) is accepted but resampled there
        min_width=320,
        max_bytes=8_000_000,
    ),
    ChannelSpec(
        network="facebook",
        counting="utf16",
        label="Facebook",
        text_limit=63_206,
        images_max=10,
        max_bytes=4_000_000,
        formats=("jpeg", "png"),
    ),
    ChannelSpec(
        network="threads",
        counting="utf16",
        label="Threads",
        text_limit=500,
        hashtag_cap=1,  # one topic tag per post
        images_max=10,
        aspect_max=10.0,
        aspect_min=0.1,
        max_width=1440,
        min_width=320,
        max_bytes=8_000_000,
        formats=("jpeg", "png"),
    ),
    ChannelSpec(
        network="x",
        label="X",
        text_limit=280,
        counting="weighted",
        images_max=4,
        max_bytes=5_000_000,
        formats=("jpeg", "png", "webp"),
    ),
    ChannelSpec(
        network="bluesky",
        label="Bluesky",
        text_limit=300,
        counting="graphemes",
        byte_limit=3000,
        alt_limit=2000,
        images_max=4,
        max_bytes=1_000_000,  # servers older than April 2026 refuse more
    ),
    ChannelSpec(
        network="mastodon",
        label="Mastodon",
        text_limit=500,  # the instance may say otherwise: pass limits={channel_id: n}
        counting="graphemes_url23",
        alt_limit=1500,
        images_max=4,
        max_pixels=33_000_000,
        max_bytes=16_000_000,
    ),
    ChannelSpec(
        network="linkedin",
        counting="utf16",
        label="LinkedIn",
        text_limit=3000,
        escape="little",
        alt_limit=4086,
        images_max=20,
        max_pixels=36_000_000,
        max_bytes=8_000_000,
        formats=("jpeg", "png", "gif"),
    ),
    ChannelSpec(
        network="pinterest",
        counting="utf16",
        label="Pinterest",
        text_limit=800,
        links="field",
        title_limit=100,
        alt_limit=500,
        images_max=5,
        aspect_min=1 / 2.1,  # taller is cut off in the feed
        aspect_max=1.0,  # wider pins get lost in a vertical feed
        max_bytes=20_000_000,
        formats=("jpeg", "png"),
    ),
    ChannelSpec(
        network="tumblr",
        tags_field=True,
        label="Tumblr",
        text_limit=4096,
        images_max=30,
        max_bytes=10_000_000,
    ),
    ChannelSpec(
        network="telegram",
        label="Telegram",
        text_limit=1024,
        counting="utf16",
        alt_limit=None,
        images_max=10,
        aspect_min=1 / 20,
        aspect_max=20.0,
        max_bytes=10_000_000,
    ),
    ChannelSpec(
        network="discord",
        hashtag_cap=0,  # Discord has no hashtags: they would read as noise
        counting="utf16",
        label="Discord",
        text_limit=2000,
        alt_limit=1024,
        images_max=10,
        max_bytes=10_000_000,
    ),
    ChannelSpec(
        network="wordpress",
        title_limit=100,  # a post needs a title; longer ones wrap badly in themes
        tags_field=True,
        label="WordPress",
        text_limit=100_000,
        images_max=30,
        max_bytes=2_000_000,  # PHP's default upload_max_filesize; many sites never raise it
    ),
)

SPECS: dict[str, ChannelSpec] = {s.network: s for s in _ALL}

# Each network's own colour, so tiles (the contact sheet's, the dashboard's) are told
# apart at a glance.
COLOURS = {
    "instagram": (193, 53, 132),
    "facebook": (24, 119, 242),
    "threads": (16, 16, 16),
    "x": (16, 16, 16),
    "bluesky": (0, 133, 255),
    "mastodon": (99, 100, 255),
    "linkedin": (10, 102, 194),
    "pinterest": (230, 0, 35),
    "tumblr": (0, 25, 53),
    "telegram": (38, 165, 228),
    "discord": (88, 101, 242),
    "wordpress": (33, 117, 155),
}
