"""Stage 3, segment: sentences with character offsets.

A rule-based splitter written for news text. It finds candidate boundaries (``.``,
``?``, ``!``, ellipses, closing quotes and brackets after them, line breaks) and
vetoes the ones that are not sentence ends: abbreviations ("Jan. 20", "Sen.", "No.
10"), initials ("J. K. Rowling"), initialisms ("U.S.") unless a typical sentence
opener follows, decimals, list markers, lower-case continuations.

Line breaks are judged the same way, which repairs text that a tool already split at
the wrong place (one "sentence" per line, broken after "U.S."), and rejoins
hard-wrapped lines. Blank lines always end a sentence.

Why not a library: pySBD is accurate but ~2k sentences/s, too slow for the
150 ms pair budget; nupunkt and others miss datelines and re-split lines. The
benchmark ``bench/segment_eval.py`` compares this splitter with them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from unspun.limits import MAX_SENTENCE_CHARS
from unspun.records import Sentence

__all__ = ["SegmentOptions", "segment", "sentence_spans", "ALGORITHM"]

ALGORITHM = "unspun.segment.v1"

# Abbreviations that are followed by a name or a number, almost never by a sentence end.
_TITLES = frozenset(
    """mr mrs ms mx dr prof sen sens rep reps gov gen lt col maj capt cmdr sgt cpl pvt adm brig st ste rev fr hon
    pres supt insp det messrs mme mlle mt ft atty amb sec treas cdr cmdr ens gens govs pfc rt sr jr""".split()
)
# Abbreviations followed by a number ("No. 10", "p. 55", "Jan. 20").
_BEFORE_NUMBER = frozenset(
    """rs no nos vol vols p pp fig figs art arts ch chap sec secs para op ed eds pt pts rm ex tel ph approx est ca c
    jan feb mar apr jun jul aug sep sept oct nov dec n nr""".split()
)
# Abbreviations that can end a sentence when a typical sentence opener follows.
_OTHER = frozenset(
    """co corp inc ltd llc plc bros cie dept univ assn ave blvd rd hwy etc vs v cf al eg ie e.g i.e a.m p.m
    mon tue tues wed thu thur thurs fri sat sun jan feb mar apr jun jul aug sep sept oct nov dec
    u.s u.k u.n e.u u.s.a d.c l.a n.y mass calif fla ill pa tex wash conn md mich minn ariz colo ore okla
    ky tenn va ga ala miss nev neb kan wis ind ark la mo del vt nh nj nm nc sc nd sd wyo mont wva
    dist mil gal oz lb lbs km kg cm mm sq yr yrs min max dep inst int intl natl govt jt""".split()
)
# Words that typically open a sentence: after an abbreviation, they signal a real end.
_OPENERS = frozenset(
    """the a an he she it they we i you this that these those there here but and or so yet in on at for after
    before when while if as his her its their our my your one some many most no not however meanwhile still also
    then now what who why how where which all both each every neither nor though although because since until
    unless despite during from to with without by of about under over into is are was were has have had do does
    did will would can could should may might must shall let let's instead indeed thus hence moreover furthermore
    officials police authorities asked""".split()
)

_CANDIDATE = re.compile(
    r"(?<![.!?…])(?:\.(?:\s\.){2,}|\.{3,}|…|[.!?]+)[\"'”’»)\]]*(?=\s)"  # end punctuation, closing quotes
    r"|(?<=[a-z0-9]{2})[.!?](?=[A-Z][a-z]*[\s.,])"  # "world.Today is" (space lost in extraction)
    r"|\n"
)
# Inline list markers: "1) a 2) b", "a. x b. y", "• 9. x • 10. y".
_INLINE_MARKER = re.compile(r"(?:(?<=\s)|^)(?:[•⁃]\s?)?\(?(\d{1,3}|[a-z])(?:\.\)|[.)])(?=\s)")
_LIST_MARKER = re.compile(r"^(?:\(?[0-9]{1,3}|\(?[a-zA-Z]|[ivxIVX]{1,4})(?:\.\)|[.)])$")
_URLISH = re.compile(r"(?:www\.|://|@)\S*$")
_TERMINAL_END = re.compile(r"(?:[.!?…:]|\.{3})[\"'”’»)\]]*$")
_NON_SPACE = re.compile(r"\S")
# How far the boundary rules look either side of a candidate (characters). They need the word
# before and the words after; a bounded window keeps the splitter linear in its input (a slice or
# a regex anchored at the text's end per candidate made it quadratic: 20k dots took 9 s).
_WINDOW = 400
_UNIT_START = re.compile(r"^\s*(?:[•\-*–—]\s|\(?[0-9]{1,3}[.)]\s|\(?[a-zA-Z][.)]\s)")


@dataclass(frozen=True)
class SegmentOptions:
    """``min_chars``: a fragment shorter than this (e.g. a stray "1.") joins its neighbour;
    ``max_chars``: a longer sentence is split at a space (see :data:`unspun.limits.MAX_SENTENCE_CHARS`)."""

    min_chars: int = 2
    max_chars: int = MAX_SENTENCE_CHARS


def sentence_spans(text: str, options: SegmentOptions | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence, whitespace trimmed, in text order."""
    opts = options or SegmentOptions()
    cuts = [0]
    for para_start, para_end in _paragraphs(text):
        cuts.append(para_start)
        para = text[para_start:para_end]
        line_mode = _line_mode(para)
        markers = _list_marker_starts(para)
        cuts.extend(para_start + pos for pos in markers)
        marker_ends = {m.end() for m in _INLINE_MARKER.finditer(para) if m.start() in markers}
        for m in _CANDIDATE.finditer(para):
            if m.end() in marker_ends or m.end() + 1 in marker_ends:
                continue
            if m.end() < len(para) and not para[m.end()].isspace() and _URLISH.search(_word_before(para, m.start())[0]):
                continue  # "www.site.Com": a glued candidate inside a URL or e-mail address
            if m.group(0) == "\n":
                if _newline_ends_sentence(para, m.start(), line_mode):
                    cuts.append(para_start + m.start())
            elif _punct_ends_sentence(para, m.start(), m.end()):
                cuts.append(para_start + m.end())
        cuts.append(para_end)
    cuts.append(len(text))
    cuts.sort()
    spans: list[tuple[int, int]] = []
    for s, e in zip(cuts, cuts[1:]):
        s, e = _trim(text, s, e)
        if e > s:
            spans.append((s, e))
    return _split_long(text, _merge_fragments(text, spans, opts.min_chars), opts.max_chars)


def _split_long(text: str, spans: list[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """Spans longer than ``limit`` cut at the last space before it (or at it, with no space)."""
    if all(e - s <= limit for s, e in spans):
        return spans
    out: list[tuple[int, int]] = []
    for s, e in spans:
        while e - s > limit:
            cut = text.rfind(" ", s + limit // 2, s + limit)
            cut = cut if cut > s else s + limit
            piece = _trim(text, s, cut)
            if piece[1] > piece[0]:
                out.append(piece)
            s = _trim(text, cut, e)[0]
        if e > s:
            out.append((s, e))
    return out


def long_sentences(sentences: tuple[Sentence, ...] | list[Sentence], limit: int = MAX_SENTENCE_CHARS) -> int:
    """How many sentences are pieces of a longer one split at ``limit`` (they end mid-text)."""
    return sum(1 for s in sentences if len(s.text) >= limit // 2 and not _TERMINAL_END.search(s.text))


def segment(text: str, options: SegmentOptions | None = None) -> tuple[Sentence, ...]:
    """Sentences of ``text`` as records whose ``text`` equals ``text[start:end]``."""
    return tuple(Sentence(i, s, e, text[s:e]) for i, (s, e) in enumerate(sentence_spans(text, options)))


def _list_marker_starts(para: str) -> set[int]:
    """Start offsets of items in runs of >= 2 consecutive list markers (1, 2, 3 or a, b, c)."""
    found = [(m.start(), m.group(1)) for m in _INLINE_MARKER.finditer(para)]
    starts: set[int] = set()
    for (p1, v1), (p2, v2) in zip(found, found[1:]):
        if _successor(v1, v2):
            starts.update((p1, p2))
    return starts


def _successor(v1: str, v2: str) -> bool:
    if v1.isdigit() and v2.isdigit():
        return int(v2) == int(v1) + 1
    return len(v1) == len(v2) == 1 and v1.isalpha() and ord(v2) == ord(v1) + 1


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for m in re.finditer(r"\n[ \t]*\n\s*", text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return [(s, e) for s, e in out if text[s:e].strip()]


def _line_mode(para: str) -> bool:
    """True when lines are units (one sentence, heading or item per line), not hard-wrapped prose."""
    lines = [ln for ln in para.split("\n") if ln.strip()]
    if len(lines) < 2:
        return True
    ended = sum(bool(_TERMINAL_END.search(ln.rstrip())) for ln in lines[:-1])
    short = sum(len(ln) < 60 for ln in lines[:-1])
    items = sum(bool(_UNIT_START.match(ln)) for ln in lines)
    # Hard-wrapped prose: most lines stop mid-sentence and have similar, long widths.
    return ended >= 0.5 * (len(lines) - 1) or items >= 0.5 * len(lines) or short >= 0.5 * (len(lines) - 1)


def _newline_ends_sentence(para: str, pos: int, line_mode: bool) -> bool:
    before = para[max(0, pos - _WINDOW) : pos].rstrip()
    after = _text_after(para, pos + 1)
    if not before or not after:
        return False
    if _UNIT_START.match(after):
        return True
    nxt = after[0]
    if _TERMINAL_END.search(before):
        # The line ends like a sentence: apply the same vetoes as inside a line.
        m = re.search(r"(?:\.{3}|…|[.!?:]+)[\"'”’»)\]]*$", before)
        if m and before[m.start()] == ":":
            return line_mode and not nxt.islower()
        return _punct_ends_sentence(before + " " + after[:60], m.start(), m.end()) if m else True
    if not line_mode:
        return False
    # A line with no final punctuation (headline, byline, list item) followed by a new start.
    return not nxt.islower() and not before.endswith((",", ";", "-", "–", "—", "("))


def _text_after(text: str, pos: int) -> str:
    """Up to :data:`_WINDOW` characters from the first non-space at or after ``pos``."""
    m = _NON_SPACE.search(text, pos)
    return text[m.start() : m.start() + _WINDOW] if m else ""


def _word_before(text: str, end: int) -> tuple[str, int]:
    """The run of non-space characters ending at ``end`` (at most :data:`_WINDOW` long) and where
    it starts; ``("", end)`` after a space."""
    chunk = text[max(0, end - _WINDOW) : end]
    if not chunk or chunk[-1].isspace():
        return "", end
    word = chunk.rsplit(None, 1)[-1]
    return word, end - len(word)


def _punct_ends_sentence(text: str, start: int, end: int) -> bool:
    after = _text_after(text, end)
    if not after:
        return True
    nxt = after[0]
    punct = text[start:end]
    if nxt.islower():
        return False
    if nxt in ",;:)]}":
        return False
    word, word_start = _word_before(text, start)
    if punct[0] in "!?":
        return True
    if punct.startswith(("...", "…")):
        return nxt.isupper() or nxt in "\"'“‘"
    core = word.lstrip("\"'“‘([{•⁃").lower()
    if re.search(r"[a-z0-9]{2}[.!?][a-z]", core) and not _URLISH.search(core):
        core = re.split(r"[.!?]", core)[-1]  # "tuesday.mr" after a glued sentence end
    next_word = re.match(r"[\"'“‘(]*([\w'’.-]+)", after)
    nw = next_word.group(1) if next_word else ""
    opener = nw.lower().rstrip(".") in _OPENERS
    if _LIST_MARKER.match(word + punct[:2]) and _is_list_start(text, word_start):
        return False
    if punct.rstrip(".") != "":  # a quote or bracket closed after the period
        return True
    if not core:
        return True
    if nxt.isdigit() and (core in _BEFORE_NUMBER or core in _TITLES):
        return False
    if core in _TITLES:
        return False
    if len(core) == 1 and core.isalpha():
        # Initials ("J. K. Rowling", "Albert I. Jones") unless an opener follows ("you and I. Did").
        return opener
    if re.fullmatch(r"(?:[a-z]\.)+[a-z]", core):
        # Initialisms: "U.S." ends a sentence only when a typical opener follows.
        return opener
    if core in _BEFORE_NUMBER or core in _OTHER:
        return opener
    return True


def _is_list_start(text: str, word_start: int) -> bool:
    lo = max(0, word_start - _WINDOW)
    newline = text.rfind("\n", lo, word_start)
    line_start = newline + 1 if newline >= 0 else lo
    return not text[line_start:word_start].strip(" \t•⁃-*–—")


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _merge_fragments(text: str, spans: list[tuple[int, int]], min_chars: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in spans:
        frag = text[s:e]
        if out and (e - s < min_chars or not any(ch.isalnum() for ch in frag)) and "\n\n" not in text[out[-1][1] : s]:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out
