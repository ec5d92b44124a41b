"""Word-level differences inside linked sentences, and the marked pieces a page renders.

A reader should see *which words* a rewrite changed ("sanctioned" → "greenlit", "76%" →
"67%") without reading both sentences twice. :func:`word_diff` aligns the two texts word by
word; :func:`marked_pieces` cuts one text into pieces that carry at most one diff tag (``del``
on A's side, ``ins`` on B's) and, where a finding points at the changed words, that finding's
anchor. Templates turn pieces into ``<del>``/``<ins>``/``<mark>``; the text itself is always
escaped by the template, never here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

# Longer texts (a merged 1:n link of long sentences) are shown without a word diff: difflib is
# quadratic in the worst case and a diff over hundreds of words stops being readable anyway.
MAX_DIFF_WORDS = 400

_TOKEN = re.compile(r"\w+(?:[.,'’-]\w+)*%?|[^\w\s]")


@dataclass(frozen=True)
class Piece:
    """A run of text with its diff tag (``"del"``, ``"ins"`` or None) and the ids of the findings
    whose changed words it lies in (``finding-3``), most serious first."""

    text: str
    tag: str | None = None
    findings: tuple[str, ...] = ()


def word_diff(a: str, b: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character ranges of the words A lost (deleted) and the words B gained (inserted).

    Words are compared case-sensitively, punctuation as its own token, so a changed figure,
    name or negation shows as one small range on each side. Returns ``([], [])`` for texts
    longer than :data:`MAX_DIFF_WORDS` words."""
    ta = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(a)]
    tb = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(b)]
    if len(ta) > MAX_DIFF_WORDS or len(tb) > MAX_DIFF_WORDS:
        return [], []
    sm = SequenceMatcher(None, [t[2] for t in ta], [t[2] for t in tb], autojunk=False)
    dels: list[tuple[int, int]] = []
    ins: list[tuple[int, int]] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op in ("delete", "replace") and i2 > i1:
            dels.append((ta[i1][0], ta[i2 - 1][1]))
        if op in ("insert", "replace") and j2 > j1:
            ins.append((tb[j1][0], tb[j2 - 1][1]))
    return dels, ins


def marked_pieces(text: str, tagged: list[tuple[int, int]], tag: str,
                  marks: list[tuple[int, int, str]] = ()) -> list[Piece]:
    """Cut ``text`` at every boundary of the ``tagged`` ranges (all with ``tag``) and of the
    finding ``marks`` (start, end, anchor id); ranges are clipped to the text."""
    n = len(text)
    cuts = {0, n}
    for s, e in tagged:
        cuts.update((max(0, min(n, s)), max(0, min(n, e))))
    for s, e, _ in marks:
        cuts.update((max(0, min(n, s)), max(0, min(n, e))))
    edges = sorted(cuts)
    pieces: list[Piece] = []
    for s, e in zip(edges, edges[1:]):
        if s == e:
            continue
        in_tag = any(ts <= s and e <= te for ts, te in tagged)
        ids = tuple(dict.fromkeys(fid for ms, me, fid in marks if ms <= s and e <= me))
        piece = Piece(text[s:e], tag if in_tag else None, ids)
        if pieces and (pieces[-1].tag, pieces[-1].findings) == (piece.tag, piece.findings):
            pieces[-1] = Piece(pieces[-1].text + piece.text, piece.tag, piece.findings)
        else:
            pieces.append(piece)
    return pieces
