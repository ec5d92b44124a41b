"""Contradictions: negation, opposite words, exception vs permission, pending vs done."""

from __future__ import annotations

import re
from dataclasses import replace

from unspun.drift import lexicon as L
from unspun.drift.view import Change, PairView, Side
from unspun.represent.text import content_terms, stem, words


# --- contradiction -------------------------------------------------------------------------


def _negations(text: str) -> list[re.Match]:
    return list(L.NEGATION_RE.finditer(text))


def _negated_terms(text: str, m: re.Match) -> set[str]:
    after = content_terms(text[m.end(): m.end() + 60])[:4]
    return set(after)


def negation(a: Side, b: Side, sim: float) -> list[Change]:
    """A claim negated on one side and stated plainly on the other.

    With an odd number of negations on one side only, one shared term after the cue is
    enough ("did not approve a toll" vs "approved the toll"). With equal parity, the
    negations may be about different claims ("would not comment" in A, "has not
    indicated" in B): then the negated claim needs two shared terms and no negation of
    its own on the other side.
    """
    na = [(m, t, s) for t, s in a.each() for m in _negations(t)]
    nb = [(m, t, s) for t, s in b.each() for m in _negations(t)]
    if not na and not nb:
        return []
    odd = len(na) % 2 != len(nb) % 2
    sides = ((na, nb, b, "a"), (nb, na, a, "b"))
    if odd:
        sides = tuple(x for x in sides if len(x[0]) % 2)
    for negated, other_neg, other, side_neg in sides:
        other_terms = set(content_terms(other.text))
        other_negated = set().union(*(_negated_terms(t, m) for m, t, _ in other_neg)) if other_neg else set()
        for m, text, start in negated:
            terms = _negated_terms(text, m)
            if _antonym_terms(terms, other_terms):
                continue  # "not guilty" ~ "acquitted": negation plus antonym says the same thing
            shared = terms & other_terms
            # The claim after the negation ("did not approve a toll") must be in the other version too.
            if not shared or (not odd and (len(shared) < 2 or shared & other_negated)):
                continue
            cue = m.group(0)
            span = (start + m.start(), start + m.end())
            if side_neg == "a":
                return [Change("contradiction", "high", round(0.5 + 0.45 * sim, 2),
                               f"A says “{cue} …”; B states the opposite, without the negation.", "contradiction.negation.v1",
                               cue, None, span, None)]
            return [Change("contradiction", "high", round(0.5 + 0.45 * sim, 2),
                           f"B negates the claim (“{cue} …”) that A makes.", "contradiction.negation.v1",
                           None, cue, None, span)]
    return []


def _antonym_terms(terms: set[str], other: set[str]) -> bool:
    for _, left, right in L.ANTONYM_GROUPS:
        ls, rs = {stem(w) for w in left}, {stem(w) for w in right}
        if (terms & ls and other & rs) or (terms & rs and other & ls):
            return True
    return False


_ANTONYM_WORDS = frozenset(w for _, left, right in L.ANTONYM_GROUPS for w in left | right)


def antonyms(a: Side, b: Side, sim: float) -> list[Change]:
    wa, wb = set(words(a.text)), set(words(b.text))
    # Negation parity without the antonym words themselves ("did not approve" ~ "rejected").
    parity_a = sum(1 for m in _negations(a.text) if m.group(0).lower() not in _ANTONYM_WORDS) % 2
    parity_b = sum(1 for m in _negations(b.text) if m.group(0).lower() not in _ANTONYM_WORDS) % 2
    la, lb = " " + " ".join(words(a.text)) + " ", " " + " ".join(words(b.text)) + " "

    def has(side_words: set[str], side_text: str, group: frozenset[str]) -> set[str]:
        return {w for w in group if (" " in w and f" {w} " in side_text) or w in side_words}

    for name, left, right in L.ANTONYM_GROUPS:
        for x_side, y_side in ((left, right), (right, left)):
            xa, yb = has(wa, la, x_side), has(wb, lb, y_side)
            if xa and yb and not has(wa, la, y_side) and not has(wb, lb, x_side):
                if parity_a != parity_b:
                    return []  # "did not fall" ~ "rose": two flips cancel
                old, new = sorted(xa)[0], sorted(yb)[0]
                return [Change(
                    "contradiction", "high", round(0.45 + 0.45 * sim, 2),
                    f"Opposite claims: A says “{old}”, B says “{new}”.", f"contradiction.antonym.v1:{name}",
                    old, new, _word_span(a, old), _word_span(b, new))]
    return []


def _word_span(side: Side, word: str) -> tuple[int, int] | None:
    for text, start in side.each():
        m = re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text, re.I)
        if m:
            return (start + m.start(), start + m.end())
    return None


def _key_terms(text: str, m: re.Match, width: int = 50) -> list[str]:
    terms = content_terms(text[m.end(): m.end() + width])
    return terms[:3]


def exception_permission(a: Side, b: Side, sim: float) -> list[Change]:
    """ "The exception for long-range missiles" vs "the use of long-range missiles is permitted"."""
    for x, y, side in ((a, b, "a"), (b, a, "b")):
        for text, start in x.each():
            for m in L.EXCLUDE_RE.finditer(text):
                key = _key_terms(text, m)
                if len(key) < 2:
                    continue
                for ytext, ystart in y.each():
                    yterms = content_terms(ytext)
                    if not all(k in yterms for k in key[:2]):
                        continue
                    if L.EXCLUDE_RE.search(ytext) or not L.PERMIT_RE.search(ytext):
                        continue
                    pm = L.PERMIT_RE.search(ytext)
                    what = " ".join(words(text[m.end(): m.end() + 50])[:4])
                    xs, ys = (start + m.start(), start + m.end()), (ystart + pm.start(), ystart + pm.end())
                    old, new = (m.group(0), pm.group(0)) if side == "a" else (pm.group(0), m.group(0))
                    spans = (xs, ys) if side == "a" else (ys, xs)
                    return [Change(
                        "contradiction", "high", round(0.6 + 0.3 * sim, 2),
                        f"One version makes an exception for “{what}”, the other says it is allowed.",
                        "contradiction.exception.v1", old, new, spans[0], spans[1])]
    return []


def pending_done(a: Side, b: Side, sim: float) -> list[Change]:
    """ "Would require a formal decision" vs "have agreed to send": a pending step reported as done.

    Judged sentence by sentence, so a 1:n link whose other sentence is still hedged
    ("could take weeks") does not hide the change.
    """
    for x, y, side in ((a, b, "a"), (b, a, "b")):
        for xt, xs0 in x.each():
            pm = L.PENDING_RE.search(xt)
            if not pm or L.DONE_RE.search(xt):
                continue
            for yt, ys0 in y.each():
                dm = L.DONE_RE.search(yt)
                if not dm or L.PENDING_RE.search(yt):
                    continue
                shared = (set(content_terms(xt)) & set(content_terms(yt))) - {"would", "require", "agre", "approv"}
                if len(shared) < 2:
                    continue
                xs = (xs0 + pm.start(), xs0 + pm.end())
                ys = (ys0 + dm.start(), ys0 + dm.end())
                if side == "a":
                    return [Change("contradiction", "high" if sim >= 0.5 else "medium", round(0.45 + 0.4 * sim, 2),
                                   f"A reports a step as still pending (“{pm.group(0)}”); B says it is done (“{dm.group(0)}”).",
                                   "contradiction.pending_done.v1", pm.group(0), dm.group(0), xs, ys)]
                return [Change("contradiction", "medium", round(0.4 + 0.4 * sim, 2),
                               f"A says it is done (“{dm.group(0)}”); B reports it as still pending (“{pm.group(0)}”).",
                               "contradiction.pending_done.v1", dm.group(0), pm.group(0), ys, xs)]
    return []


def _find_span(side: Side, phrase: str) -> tuple[int, int] | None:
    for text, start in side.each():
        i = text.find(phrase)
        if i >= 0:
            return (start + i, start + i + len(phrase))
    return None




def contradictions(view: PairView) -> list[Change]:
    """Every contradiction test on linked and soft-paired sentences, and exception vs permission
    between any two sentences (the claim about the same weapon may sit anywhere)."""
    from unspun.drift.table import per_claim

    out = per_claim(negation, antonyms, pending_done, exception_permission, bases=("linked", "soft"))(view)
    seen = {(c.a, c.b) for c in out}
    for i in view.sentences("a"):
        text = view.a.sentences[i].text
        if not L.EXCLUDE_RE.search(text) and not L.PERMIT_RE.search(text):
            continue
        for j in view.sentences("b"):
            if view.pairing(i, j) or ((i,), (j,)) in seen:
                continue
            for c in exception_permission(view.side("a", (i,)), view.side("b", (j,)), 0.5):
                out.append(replace(c, a=(i,), b=(j,), basis="soft", severity="medium" if c.severity == "high" else c.severity))
    return out
