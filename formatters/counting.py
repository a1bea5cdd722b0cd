"""How long a text is, by each network's own rule.

Where a network's exact behaviour is not knowable offline, the rule here errs on the
long side: counting a little too much shortens a caption by a word, counting too
little gets the post refused.
"""

from __future__ import annotations

import functools
import sys
import types
from collections.abc import Callable
from typing import Any, cast

import regex

from formatters.links import find_urls, known_tld
from formatters.specs import ChannelSpec


def _import_twitter_text() -> Callable[[str], Any]:
    # The port reads its emoji table with `pkg_resources.resource_string`, which only
    # setuptools provides: absent from Python 3.12+ venvs, deprecated (a warning on
    # import) where present. Give it that one function from importlib.resources.
    if "pkg_resources" in sys.modules:
        from twitter_text import parse_tweet
    else:
        import importlib.resources  # (and tempfile, zipfile…: only with the port)

        shim = types.ModuleType("pkg_resources")
        shim.__dict__["resource_string"] = lambda module, name: (
            importlib.resources.files(sys.modules[module].__package__ or module)
            .joinpath(name)
            .read_bytes()
        )
        sys.modules["pkg_resources"] = shim
        try:
            from twitter_text import parse_tweet
        finally:
            del sys.modules["pkg_resources"]
    return cast(Callable[[str], Any], parse_tweet)


@functools.cache
def _parse_tweet() -> Callable[[str], Any]:
    # Loaded on first use: importing the port compiles ~200 regexes (0.2–0.3 s), which
    # `dripcast preview` and `check` would otherwise pay whether or not a text needs it.
    return _import_twitter_text()


URL_WEIGHT = 23

_GRAPHEME = regex.compile(r"\X")
# `regex`'s \X applies GB9c (no break inside an Indic conjunct) after any character,
# not only after a consonant: "a्त" is one cluster to it and two to Unicode (and to
# the Bluesky PDS's Intl.Segmenter). Split where it joined without a consonant.
_LINKS = r"[\p{InCB=Extend}\p{InCB=Linker}]*"
_FALSE_CONJUNCT = regex.compile(
    rf"(?<!\p{{InCB=Consonant}}{_LINKS})(?<={_LINKS}\p{{InCB=Linker}}{_LINKS})(?=\p{{InCB=Consonant}})"
)


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def grapheme_clusters(text: str) -> list[str]:
    """User-perceived characters by Unicode's extended grapheme cluster rules (UAX #29)."""
    out: list[str] = []
    for cluster in _GRAPHEME.findall(text):
        cuts = [m.start() for m in _FALSE_CONJUNCT.finditer(cluster) if m.start() > 0]
        for a, b in zip([0, *cuts], [*cuts, len(cluster)], strict=True):
            out.append(cluster[a:b])
    return out


def graphemes(text: str) -> int:
    return len(grapheme_clusters(text))


def measure(text: str, spec: ChannelSpec) -> int:
    """The length of `text` by the network's counting rule (not its byte limit)."""
    match spec.counting:
        case "chars":
            return len(text)
        case "utf16":
            return utf16_units(text)
        case "graphemes":
            return graphemes(text)
        case "graphemes_url23":
            return mastodon_length(text)
        case "weighted":
            return x_weight(text)


def fits(text: str, spec: ChannelSpec) -> bool:
    if spec.counting == "weighted" and _surely_fits_x(text, spec.text_limit):
        return spec.byte_limit is None or utf8_bytes(text) <= spec.byte_limit
    if measure(text, spec) > spec.text_limit:
        return False
    return spec.byte_limit is None or utf8_bytes(text) <= spec.byte_limit


def mastodon_length(text: str) -> int:
    """Graphemes, every URL counted as 23, `@user@domain` counted as `@user` (Mastodon).

    Mastodon gives the 23 only to links its twitter-text grammar finds: a host with a
    known TLD, and a path that does not end in these characters (they count as text).
    """
    total = 0
    pos = 0
    for link in find_urls(text):
        if not known_tld(link.uri):
            continue  # counted as the text it is
        tail = (_MASTODON_QUERY_NOT_LAST if "?" in link.uri else _MASTODON_NOT_LAST).search(
            link.uri
        )
        total += _mastodon_plain(text[pos : link.start]) + URL_WEIGHT
        total += graphemes(tail[0]) if tail else 0
        pos = link.end
    return total + _mastodon_plain(text[pos:])


# Mastodon's `valid_url_path_ending_chars` and `valid_url_query_ending_chars` leave
# these out of a URL's last character.
_MASTODON_NOT_LAST = regex.compile(r"[?!*\"'「」<>;:=,.$%\[\]~&|@]+$")
_MASTODON_QUERY_NOT_LAST = regex.compile(r"[!\"$%'()*+,.:;<>?@\[\\\]^`{|}~]+$")


def _mastodon_plain(text: str) -> int:
    return graphemes(regex.sub(r"(@\w+)@[\w.-]+\w", r"\1", text))


def _surely_fits_x(text: str, limit: int) -> bool:
    """An upper bound of X's weight, for the common short caption, without the parser.

    ASCII text is its own NFC form and every ASCII character weighs 1; a URL weighs 23
    in place of its own characters, and each URL holds a dot of its own. So the weight
    is at most the length plus 23 per dot. Under the limit by that bound: it fits.
    """
    return text.isascii() and len(text) + URL_WEIGHT * text.count(".") <= limit


def x_weight(text: str) -> int:
    """twitter-text v3 weighted length (NFC, URLs 23, CJK and emoji 2, most else 1).

    From `twitter-text-parser`, a port of twitter-text's own parser that passes its
    whole conformance suite (tests/formatters/test_twitter_conformance.py): bare
    domains are URLs only with a real TLD, emoji sequences count once, as X does.
    """
    return int(_parse_tweet()(text).weightedLength)
