"""Comment text as the matcher sees it: folded, tokenised, split into sentences.

People write `åbningstider`, `aabningstider` and `abningstider` for the same word,
`u` for `you`, and wrap questions in emoji; the FAQ is written properly. Both
sides go through the same folding, so the matcher compares like with like.
"""

from __future__ import annotations

import re
import unicodedata

import regex

from faq.words import CHAT, CONCEPTS, DAYS, PHRASES, STOP

URL = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|dk|net|org|xyz|biz|io|ly|info|shop)(?:/\S*)?\b"
)
MENTION = re.compile(r"(?<!\w)@[\w.]+")
EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Emoji_Modifier}\u200d\ufe0f\u20e3]")
_REPEAT = re.compile(r"(\w)\1{2,}")
_WORD = re.compile(r"[a-z0-9]+")
# Sentence ends; a question mark stays with its sentence so we can tell questions apart.
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


def fold(text: str) -> str:
    """Lower case, Danish letters spelt out (æ→ae, ø→oe, å→aa), accents and emoji gone."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = URL.sub(" ", text)
    text = MENTION.sub(" ", text)
    text = EMOJI.sub(" ", text)
    text = text.replace("’", "'")
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


def content(folded: str) -> list[str]:
    """The words that carry meaning: question shapes become one token (`xprice`,
    `xwhere`…), day names become `xday`, filler and numbers go."""
    text = " " + " ".join(words(folded)) + " "
    for pattern, token in PHRASES:
        text = pattern.sub(f" {token} ", text)
    out: list[str] = []
    for w in text.split():
        if w in DAYS:
            w = "xday"
        w = CONCEPTS.get(w, w)
        if w in STOP or w.isdigit() or re.fullmatch(r"\d+(st|nd|rd|th|s)?", w):
            continue
        if out and out[-1] == w:
            continue
        out.append(w)
    return out


def has_letters(text: str) -> bool:
    return any(c.isalpha() for c in fold(text))
