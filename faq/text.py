"""Comment text as the matcher sees it: folded, tokenised, split into sentences.

People write `åbningstider`, `aabningstider` and `abningstider` for the same word,
`u` for `you`, and wrap questions in emoji; the FAQ is written properly. Both
sides go through the same folding, so the matcher compares like with like.

Then the words that name a topic of faq.lexicon become its token (`xpark` for
`cykelstativer`, `bike racks` and `parkering`), also when inflected, compounded or
misspelt by a letter; filler (faq.words) goes.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import regex
from rapidfuzz import process
from rapidfuzz.distance import OSA

from faq import lexicon
from faq.asking import PHRASES as SHAPES
from faq.words import CHAT, DAYS, INCIDENTAL, STOP

URL = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|dk|net|org|xyz|biz|io|ly|info|shop)(?:/\S*)?\b"
)
MENTION = re.compile(r"(?<!\w)@[\w.]+")
EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Emoji_Modifier}\u200d\ufe0f\u20e3]")
# Chat ends a clause with an emoji as often as with a comma: "veganer her 🌱 hvad kan
# jeg spise?", "… similar names 🙈 what's the exact address?". A run of emoji (or a
# flag) between words is one: what comes before a question then says why it is asked.
_EMOJI_STOP = regex.compile(
    r"(?<=\w[^\w\n]*?)\s*(?:[\p{Extended_Pictographic}\p{Regional_Indicator}]"
    r"[\p{Emoji_Modifier}\u200d\ufe0f\u20e3]*\s*)+(?=\w)"
)
_REPEAT = re.compile(r"(\w)\1{2,}")
_WORD = re.compile(r"[a-z0-9]+")
# Sentence ends; a question mark stays with its sentence so we can tell questions apart.
# A dot in a time, a Danish ordinal or after an abbreviation ("17.30", "2. juledag",
# "kl. 8", "ca. 3 dage") ends none.
_SENTENCE = re.compile(
    r"(?:[^.!?\n]|\.(?=\d)|(?<=\b\d)\.(?= [a-z])|(?<=\b\d\d)\.(?= [a-z])"
    r"|(?<=\bkl)\.|(?<=\bca)\.|(?<=\bevt)\.|(?<=\bd)\.|(?<=\binkl)\.|(?<=\bincl)\."
    r"|(?<=\bnr)\.|(?<=\bpr)\."
    r"|(?<=\bfx)\.|(?<=\bf)\.(?=eks)|(?<=\beks)\.)+[.!?]*"
)


def fold(text: str) -> str:
    """Lower case, Danish letters spelt out (æ→ae, ø→oe, å→aa), accents and emoji gone."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = URL.sub(" ", text)
    text = MENTION.sub(" ", text)
    text = _EMOJI_STOP.sub(", ", text)
    text = EMOJI.sub(" ", text)
    text = text.replace("’", "'").replace("w/o", "without")
    text = re.sub(r"(?<=\w)-(?=\w)", "", text)  # e-bikes, el-cykler, gluten-free: one word
    text = re.sub(r"(?<=\w)'(?=\w)", "", text)  # what's, where's, friend's
    return _REPEAT.sub(r"\1\1", text)  # sooo → soo, ??? stays punctuation


def sentences(text: str) -> list[str]:
    """The folded text cut into sentences, each keeping its end mark."""
    return [s.strip() for s in _SENTENCE.findall(fold(text)) if s.strip(" .!?")]


def words(folded: str) -> list[str]:
    """Tokens of folded text, chat spellings expanded (u → you, tmrw → tomorrow)."""
    out: list[str] = []
    for w in _WORD.findall(folded):
        out.extend(CHAT.get(w, w).split())
    return out


# The lexicon in folded spelling, and every token that names a topic or a shape.
CONCEPTS = {fold(w): c for c, ws in lexicon.WORDS.items() for w in ws.split()}
PHRASES = [(re.compile(rf"(?<= )(?:{p})(?= )"), t) for p, t in lexicon.PHRASES] + SHAPES
LOOKALIKES = frozenset(fold(lexicon.LOOKALIKES).split())
PRODUCTS = frozenset(fold(lexicon.PRODUCTS).split())
TOKENS = frozenset(
    [*lexicon.WORDS, *(w for _, t in PHRASES for w in t.split() if w.startswith("x")), "xday"]
)

# Endings that inflect a lexicon word (Danish and English), longest first; a short
# stem only takes the plain plural and definite endings ("bilen", "cars", not "cares").
# fmt: off
_ENDINGS = (
    "erne", "ende", "ede", "ene", "ies", "ing", "de", "ed", "en", "er", "es", "et", "ne",
    "d", "e", "r", "s", "t",
)
# fmt: on
# Typos spare the first two letters more often than not ("slipping" is no "shipping");
# comparing only within them is faster too.
_BY_START: dict[str, list[str]] = {}
for _w in CONCEPTS:
    if len(_w) >= 5:
        _BY_START.setdefault(_w[:2], []).append(_w)
_SHORT_OK = frozenset(["s", "en", "er", "erne", "ene"])


def content(folded: str) -> list[str]:
    """The words that carry meaning: question shapes and the lexicon's topics become
    one token each (`xprice`, `xwhere`, `xpark`…), day names become `xday`, filler and
    numbers go."""
    text = " " + " ".join(words(folded)) + " "
    for pattern, token in PHRASES:
        text = pattern.sub(f" {token} ", text)
    out: list[str] = []
    for word in text.split():
        if day(word):
            word = "xday"
        if word in STOP or incidental(word) or re.fullmatch(r"\d+(st|nd|rd|th|s)?", word):
            continue
        for w in topics(word):
            if not out or out[-1] != w:
                out.append(w)
    return out


def day(word: str) -> bool:
    """A day or a part of one, also in its Danish definite or plural form or an English
    genitive: "hverdagen", "weekenderne", "fredagens", "weekdays" (faq.words.DAYS)."""
    return word in DAYS or any(
        word.endswith(end) and word[: -len(end)] in DAYS for end in ("en", "ne", "erne", "s")
    )


def incidental(word: str) -> bool:
    """Filler also in the plural or genitive: "my moms 60th", "min søns fødselsdag"."""
    return word in INCIDENTAL or (word.endswith("s") and word[:-1] in INCIDENTAL)


def topic(word: str) -> str | None:
    """The lexicon topic of a folded word, also when inflected (`leveret` → `xdeliver`)."""
    if word in CONCEPTS or word in TOKENS:
        return CONCEPTS.get(word, word)
    if word in LOOKALIKES:
        return None
    for end in _ENDINGS:
        stem = word[: -len(end)]
        if not word.endswith(end) or len(stem) < 3:
            continue
        # leveret → levere, levering → levere, pastries → pastry
        for base in (
            stem,
            stem + "e" if end[0] in "aeiou" else "",
            stem + "y" if end == "ies" else "",
        ):
            if base in CONCEPTS and (len(base) >= 4 or end in _SHORT_OK):
                return CONCEPTS[base]
    return None


@lru_cache(maxsize=65536)
def topics(word: str) -> tuple[str, ...]:
    """The word as topic tokens: its own topic, or a Danish compound's parts
    (`udlejningscykler` → `xrent xbike`, `børnecykler` → `børne xbike`), or the topic
    of the lexicon word a long word is a typo of (`parkring`, `reperation`: one letter
    off or two swapped, the first two right), or itself. Shorter words are left alone:
    too many real words are a letter away from one in the lexicon (`hendes`/`hentes`,
    `resting`/`renting`)."""
    if word in LOOKALIKES:
        return (word,)
    found = topic(word)
    if found:
        return (found,)
    parts = _compound(word)
    if sum(p in TOKENS for p in parts) == 2 or len(word) < 8:
        return parts
    near = process.extractOne(
        word, _BY_START.get(word[:2], ()), scorer=OSA.distance, score_cutoff=1
    )
    return (CONCEPTS[near[0]],) if near else parts


def typo_topic(word: str) -> str | None:
    """The topic of the lexicon word this one may be a typo of (one letter off or two
    swapped, the first two right), also in shorter words than `topics` dares
    (`openin`, `servise`): for telling a typo from a thing no answer names, not for
    matching."""
    if len(word) < 5:
        return None
    near = process.extractOne(
        word, _BY_START.get(word[:2], ()), scorer=OSA.distance, score_cutoff=1
    )
    return CONCEPTS[near[0]] if near else None


def _compound(word: str) -> tuple[str, ...]:
    """A Danish compound's parts when its last part (what it is) is a lexicon word:
    `udlejningscykler` → `xrent xbike`, `børnecykler` → `børne xbike`. When only the
    first part is known the word stays whole: a `cykelhjelm` is a helmet, not a bike,
    unless the last part is filler (`parkeringsmuligheder`: parking)."""
    best: tuple[int, int, tuple[str, ...]] = (0, 0, (word,))
    for i in range(3, len(word) - 3):
        head, tail = word[:i], word[i:]
        right = topic(tail)
        # A joint letter between the parts: udlejning-s-cykler, børn-e-cykel. The head
        # as written, the tail as inflected: few false parts in names of places.
        left = CONCEPTS.get(head) or (CONCEPTS.get(head[:-1]) if head[-1] in "se" else None)
        if right is None and left and (tail in STOP or incidental(tail)):
            best = max(best, (1, 0, (left,)))  # parkerings-muligheder: parking
            continue
        if right is None or (
            (len(tail) < 5 or tail.endswith("s")) and tail not in lexicon.SHORT_TAILS
        ):
            continue  # "face-book", "some-times", "apprentice-ships": English plurals
        known = 1 + (left is not None or incidental(head) or incidental(head[:-1]))
        if (known, len(tail)) > best[:2]:
            # a damecykel is a bike: a head that is filler goes
            kept = (left,) if left else () if known == 2 else (head,)
            best = (known, len(tail), (*kept, right))
    return best[2]


def product(word: str) -> bool:
    """Whether a folded word names a single product (faq.lexicon.PRODUCTS), inflected
    or not: `kransekagen`, `croissants`."""
    return word in PRODUCTS or any(
        word.endswith(end) and word[: -len(end)] in PRODUCTS
        for end in ("n", "r", "s", "en", "et", "ne", "ene")
    )


def has_letters(text: str) -> bool:
    return any(c.isalpha() for c in fold(text))


_NAME = re.compile(r"[^\W\d_]+")


def names(text: str) -> frozenset[str]:
    """The (folded) words written as names, with a capital letter inside a sentence:
    "do you deliver to Aarhus?", "Leverer I til Sverige?" (not "I", nor shouting)."""
    out: set[str] = set()
    for s in re.split(r"[.!?:;\n]+", MENTION.sub(" ", URL.sub(" ", text))):
        for w in _NAME.findall(s)[1:]:
            if w[0].isupper() and not w.isupper():
                out.update(words(fold(w)))
    return frozenset(out)
