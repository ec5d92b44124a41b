"""Lexical features of sentences: words, content stems, numbers, names.

These are cheap, language-specific (English) features that complement embeddings:
embeddings see that two sentences are about the same thing, content words and
names/numbers see *which* thing. The stemmer is a deliberately light suffix
stripper: it only needs to make "approved"/"approves"/"approval" meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

WORD = re.compile(r"\d+(?:[.,:]\d+)*%?|[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)

STOPWORDS = frozenset(
    """a about above after again against all almost also although always am among an and another any anyone
    anything are around as at be became because become been before being below between both but by can cannot
    could did do does doing done down during each either else even ever every few for from further get gets
    got had has have having he her here hers herself him himself his how however i if in into is it its itself
    just least less let like made make many may me might more most much must my myself neither no nor not now
    of off often on once one only onto or other others otherwise our ours ourselves out over own per perhaps
    put rather re said same say says see seem seemed seems several shall she should since so some still such
    than that the their theirs them themselves then there therefore these they this those though through thus
    to too toward towards under until up upon us very via was we well were what whatever when whenever where
    whereas whether which while who whoever whom whose why will with within without would yet you your yours
    yourself yourselves s t ll ve d m o according added adding also amid along""".split()
)


def words(text: str) -> list[str]:
    """Word and number tokens, lower-cased, accents kept."""
    return [w.lower().replace("’", "'") for w in WORD.findall(text)]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light English suffix stripper ("approvals" -> "approv", "missiles" -> "missil")."""
    w = word.lower()
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("'s"):
        w = w[:-2]
    for suffix in ("ational", "ations", "ation", "ments", "ment", "ness", "ings", "ing", "edly", "ed", "ies", "ily",
                   "ly", "als", "al", "ers", "er", "es", "s", "e", "y"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: -len(suffix)]
    return w


def content_terms(text: str) -> list[str]:
    """Stems of the words that carry content (no stopwords, no one-letter tokens)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


_NUM = re.compile(r"\d+(?:[.,]\d+)*")


_WORD_NUM = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty".split())}
_WORD_NUM_RE = re.compile(r"\b(" + "|".join(list(_WORD_NUM)[2:]) + r")\b", re.I)


def number_tokens(text: str) -> frozenset[str]:
    """Numbers with separators removed ("2,000" -> "2000", "three" -> "3"); a cheap alignment anchor."""
    found = {m.group(0).replace(",", "") for m in _NUM.finditer(text)}
    found |= {_WORD_NUM[m.group(0).lower()] for m in _WORD_NUM_RE.finditer(text)}
    return frozenset(found)




def name_tokens(text: str) -> frozenset[str]:
    """Capitalised words that are not sentence-initial stopwords: a cheap proxy for names."""
    out = set()
    for m in re.finditer(r"\b[A-Z][\w’'-]+", text):
        w = m.group(0).lower().replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        if w not in STOPWORDS and len(w) > 1:
            out.add(strip_accents(w))
    return frozenset(out)


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _fold(m: re.Match) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", m.group(0)) if not unicodedata.combining(ch))


def strip_accents(s: str) -> str:
    """``s`` without accents ("Niño" -> "Nino"), compatibility forms spelt out ("ﬁ" -> "fi").

    Only the non-ASCII runs are decomposed (ASCII is its own decomposition): a whole article
    is folded in a fraction of the time, with the same result."""
    return s if s.isascii() else _NON_ASCII.sub(_fold, s)


def normalized(text: str) -> str:
    """Text for copy detection: case, punctuation and whitespace differences removed."""
    return " ".join(words(text))
