"""How long a text is, by each network's own rule.

Every rule here errs on the long side where the network's exact behaviour is not
knowable offline (twitter-text's emoji list, its URL grammar): counting a little too
much shortens a caption by a word, counting too little gets the post refused.
"""

from __future__ import annotations

import unicodedata

import regex

from formatters.specs import ChannelSpec

URL_WEIGHT = 23

# A URL as the networks' autolinkers see it: scheme, then URL characters. Trailing
# punctuation is left out, as twitter-text does; if the network did include it, we
# count one character more than it does, which is the safe side.
URL = regex.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%|]+(?<![.,;:!?'()\[\]])")
# twitter-text also links bare domains ("example.com/shop"); we cannot know its TLD
# list, so any such token counts as at least a URL.
BARE_DOMAIN = regex.compile(
    r"(?<![\w@./-])(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?:/[A-Za-z0-9\-._~/?#=&%+]*)?(?<![.?])"
)
_GRAPHEME = regex.compile(r"\X")
_FLAG = regex.compile(r"\p{Regional_Indicator}{2}")
_PICTO = regex.compile(r"\p{Extended_Pictographic}")
_PRESENTATION = regex.compile(r"\p{Emoji_Presentation}")
_MODIFIER = regex.compile(r"\p{Emoji_Modifier}")
_MODIFIER_BASE = regex.compile(r"\p{Emoji_Modifier_Base}")

# twitter-text v3 configuration: weight 100 (one character) in these ranges, 200 elsewhere.
_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def graphemes(text: str) -> int:
    return len(_GRAPHEME.findall(text))


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
    if measure(text, spec) > spec.text_limit:
        return False
    return spec.byte_limit is None or utf8_bytes(text) <= spec.byte_limit


def mastodon_length(text: str) -> int:
    """Graphemes, every URL counted as 23, `@user@domain` counted as `@user` (Mastodon)."""
    total = 0
    pos = 0
    for m in URL.finditer(text):
        total += _mastodon_plain(text[pos : m.start()]) + URL_WEIGHT
        pos = m.end()
    return total + _mastodon_plain(text[pos:])


def _mastodon_plain(text: str) -> int:
    return graphemes(regex.sub(r"(@\w+)@[\w.-]+\w", r"\1", text))


def x_weight(text: str) -> int:
    """twitter-text v3 weighted length: NFC, URLs 23, CJK and emoji 2, most else 1."""
    text = unicodedata.normalize("NFC", text)
    total = 0
    pos = 0
    for m in _x_urls(text):
        total += _x_plain(text[pos : m[0]]) + max(URL_WEIGHT, _x_plain(text[m[0] : m[1]]) * m[2])
        pos = m[1]
    return total + _x_plain(text[pos:])


def _x_urls(text: str) -> list[tuple[int, int, int]]:
    # (start, end, keep_own_weight): scheme URLs are always 23; bare domains at least 23.
    spans = [(m.start(), m.end(), 0) for m in URL.finditer(text)]
    for m in BARE_DOMAIN.finditer(text):
        if not any(s <= m.start() < e for s, e, _ in spans):
            spans.append((m.start(), m.end(), 1))
    return sorted(spans)


def _x_plain(text: str) -> int:
    total = 0
    for cluster in _GRAPHEME.findall(text):
        if _FLAG.fullmatch(cluster):
            total += 2
            continue
        prev = ""
        for ch in cluster:
            total += _x_char(ch, prev)
            prev = ch
    return total


def _x_char(ch: str, prev: str) -> int:
    if _PICTO.match(ch):
        return 2
    if prev and _PICTO.match(prev):
        # Parts of one emoji that twitter-text counts once: the variation selector of a
        # text-default emoji and a skin tone after a base.
        if ch == "\ufe0f" and not _PRESENTATION.match(prev):
            return 0
        if _MODIFIER.match(ch) and _MODIFIER_BASE.match(prev):
            return 0
    cp = ord(ch)
    return 1 if any(lo <= cp <= hi for lo, hi in _LIGHT) else 2
