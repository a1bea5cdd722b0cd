"""How common a word is in Danish or English, from wordfreq's frequency lists.

A word of a question that the matched entry does not name blocks the answer when
it names a specific thing (a croissant, a tandem, Valby): those are rare words.
Common words ("things", "ting", "usually", "stadig", "methods") are how people
talk around a plain question. The lists ship in wordfreq's wheel (no download);
they load on first use only, so commands that never match pay nothing.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

# Zipf scale: log10 of a word's count per billion words (6 = "people", 3 = "croissant").
# At or above this, a word is too common to name a specific thing. 5.0 because the
# filler people add sits at 4.9-6 ("cash" 4.9, "usually" 5.2, "stadig" 5.8, "ting"
# 5.7) and the things the labelled sets escalate for mostly below 5 ("egg" 4.5,
# "valby" 4.3, "frederiksberg" 4.8, "coffee" 4.9, "croissant" 2.8); 4.5 let
# Frederiksberg through, 5.5 lost "usually", "nogensinde", "samlet". Common things
# above it ("door", "dog", "Aarhus") are caught by how they are written (faq.match).
GENERIC = 5.0

_FOLDED = re.compile(r"(ae|oe|aa)")
_LETTER = {"ae": "æ", "oe": "ø", "aa": "å"}


def _spellings(word: str) -> set[str]:
    """The Danish spellings a folded word may have (`aeg` → `æg`, `stoerre` → `større`)."""
    parts = _FOLDED.split(word)
    if len(parts) > 9:  # more than four folded pairs: no Danish word worth trying all of
        return {word}
    options = [[p, _LETTER[p]] if p in _LETTER else [p] for p in parts]
    return {"".join(o) for o in itertools.product(*options)}


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """The word's Zipf frequency in the language it is commonest in (Danish or
    English), its folded letters tried both ways; 0 when neither list has it (under
    Zipf 3: rare)."""
    from wordfreq import zipf_frequency  # lazily: loads the lists (~0.14 s)

    # The "small" lists hold every word down to Zipf 3, so any word at GENERIC is in
    # them: the same answers as the large English list, for 7 MB of memory, not 68.
    danish = max(zipf_frequency(w, "da", wordlist="small") for w in _spellings(word))
    return max(danish, zipf_frequency(word, "en", wordlist="small"))


def generic(word: str) -> bool:
    """Whether a (folded) word is too common to name a specific thing."""
    return zipf(word) >= GENERIC
