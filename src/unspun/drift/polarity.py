"""Contradictions: negation, opposite words, exception vs permission, pending vs done."""

from __future__ import annotations

import re
from dataclasses import replace

from unspun.drift import lexicon as L
from unspun.drift.view import SOFT_MIN, Change, PairView, Side
from unspun.represent.text import content_terms, stem, words


# --- negation ----------------------------------------------------------------------------

WEAK_FLIP_MIN = 0.55
"""Link similarity above which a negation of A's main claim that B paraphrased away ("did not
comply" vs "complied") is reported (medium). Clean LLM rewrites often drop a "not" by
rewording ("have not lost" -> "unbeaten"), so this side needs a confident link; a
negation *B* adds is judged on any link or soft pair (:data:`~unspun.drift.view.SOFT_MIN`):
on the dev fold of ``bench/drift_eval.py`` that found 0.81 of injected negations instead
of 0.47, for +0.07 medium findings per clean pair."""

_CUE_RE = re.compile(r"\b(?:not|never|no|none|nobody|nothing|neither|nor|without|cannot|yet to)\b|n't\b", re.I)


def _pair_negations(na: list, nb: list, plain: dict[str, frozenset[str]]) -> tuple[list, list]:
    """Negations of the two sides that say the same thing: the same negated word first; then
    (leaving out a negation whose word the other side states plainly: that one is a flip)
    the main claim with the main claim, a subordinate clause with a subordinate clause, then
    any with any (two versions rarely negate two different things in one pair of sentences)."""
    left_a, left_b = list(na), list(nb)

    def stated(x, other: str) -> bool:  # noqa: ANN001
        return bool({x.target, stem(x.target)} - {""} & plain[other]) and not x.absorber

    for test in (lambda x, y: x.target and (x.target == y.target or stem(x.target) == stem(y.target)),
                 lambda x, y: x.main and y.main and not stated(x, "b") and not stated(y, "a"),
                 lambda x, y: not x.main and not y.main and x.conditional == y.conditional and not stated(x, "b") and not stated(y, "a"),
                 lambda x, y: x.conditional == y.conditional and not stated(x, "b") and not stated(y, "a")):
        for x in list(left_a):
            y = next((y for y in left_b if test(x[1], y[1])), None)
            if y is not None:
                left_a.remove(x)
                left_b.remove(y)
    return left_a, left_b


def negation_flips(view: PairView) -> list[Change]:
    """A claim negated in one version and stated plainly in the other, judged claim by claim.

    * **strong**: the negated word itself is in the other version, outside any negation
      ("did not approve" / "approved") — high on a link, medium on a soft pair;
    * **weak**: the negated word was paraphrased, but it is the sentence's main claim and
      the other version negates nothing ("did not express" / "said") — medium, on
      confident links only (:data:`WEAK_FLIP_MIN`).

    Negation on both sides (in other words or not), double negation ("urged not to
    ignore" / "urged to heed"), idioms, conditions and questions are no flip.
    """
    out = []
    for claim in view.judged(("linked", "soft")):
        ta, tb = view.side("a", claim.a).text, view.side("b", claim.b).text
        if not _CUE_RE.search(ta) and not _CUE_RE.search(tb):
            continue
        pa, pb = view.polarities("a", claim.a), view.polarities("b", claim.b)
        na = [(i, n) for i, p in zip(claim.a, pa) for n in p.negations]
        nb = [(j, n) for j, p in zip(claim.b, pb) for n in p.negations]
        words = {"a": _union(pa), "b": _union(pb)}
        left_a, left_b = _pair_negations(na, nb, {"a": words["a"][0], "b": words["b"][0]})
        for side, left, other_left, other in (("a", left_a, left_b, "b"), ("b", left_b, left_a, "a")):
            plain, negated = words[other]
            other_pols = pb if other == "b" else pa
            for k, n in left:
                if n.absorber or n.conditional or view.polarity(side, k).question:
                    continue
                keys = {n.target, stem(n.target)} - {""}
                strong = bool(keys & plain) and not (keys & negated and not keys & plain)
                if not strong and (_opposite(keys, plain) or _opposite(keys, negated)):
                    continue  # "not ignore" ~ "heed": negation plus opposite word says the same thing
                other_clear = not other_left and not any(p.main_negated for p in other_pols) and view.polarity(side, k).parsed
                if side == "b":
                    # B negates a claim A states plainly, in other words: any clause, linked or soft-paired.
                    weak = not strong and other_clear and claim.sim >= SOFT_MIN
                else:
                    # A negation B paraphrased away is common in clean rewrites ("not lost" -> "unbeaten",
                    # "did not comply" -> "violated"): only the main claim of a confident link.
                    weak = not strong and other_clear and n.main and claim.basis == "linked" and claim.sim >= WEAK_FLIP_MIN
                if not (strong or weak):
                    continue
                severity = "high" if strong and claim.basis == "linked" else "medium"
                base = view.doc(side).sentences[k].start
                span = (base + n.span[0], base + n.span[1])
                if side == "a":
                    ch = Change("contradiction", severity, 0.0,
                                f"A says “{n.phrase}”; B states the opposite without the negation.",
                                "contradiction.negation.v2", n.phrase, None, span, None)
                else:
                    ch = Change("contradiction", severity, 0.0, f"B says “{n.phrase}” where A states the claim plainly.",
                                "contradiction.negation.v2", None, n.phrase, None, span)
                out.append(replace(ch, a=claim.a, b=claim.b, basis=claim.basis,
                                   evidence={"sim": claim.sim, "strong": strong, "main": n.main}))
    return out


def _union(pols: list) -> tuple[frozenset[str], frozenset[str]]:
    plain = frozenset().union(*(p.plain for p in pols)) if pols else frozenset()
    negated = frozenset().union(*(p.negated for p in pols)) if pols else frozenset()
    return plain, negated


def _opposite(keys: set[str], other: frozenset[str]) -> bool:
    for _, left, right in L.ANTONYM_GROUPS:
        ls, rs = L.group_keys(left), L.group_keys(right)
        if (keys & ls and other & rs) or (keys & rs and other & ls):
            return True
    return False


# --- opposite words ------------------------------------------------------------------------

_ANTONYM_WORDS = frozenset(w for _, left, right in L.ANTONYM_GROUPS for w in left | right)


def _occurrences(side: Side, group: frozenset[str]) -> list[tuple[str, int]]:
    """(word or phrase, offset in the document) of the group's words in the side's sentences."""
    out = []
    for text, start in side.each():
        low = text.lower()
        for w in group:
            for m in re.finditer(r"(?<![\w-])" + re.escape(w) + r"(?![\w-])", low):
                out.append((w, start + m.start()))
    return out


def _token_at(view: PairView, side: str, idx: tuple[int, ...], offset: int):  # noqa: ANN202
    """(polarity, token tuple) of the token at a document offset, when the sentence is parsed."""
    for k in idx:
        sent = view.doc(side).sentences[k]
        if sent.start <= offset < sent.end:
            pol = view.polarity(side, k)
            for tok in pol.tokens:
                if tok[3] == offset - sent.start:
                    return pol, tok
            return pol, None
    return None, None


def antonym_flips(view: PairView) -> list[Change]:
    """Opposite words in the two versions of a claim ("rose" / "fell", "approved" / "rejected",
    "beat expectations" / "fell short of").

    The two words must say opposite things with the same polarity: "did not fall" ~ "rose"
    is no flip. Words inside a condition or a question ("if they win") are not claims,
    and a change of subject makes a converse, not a contradiction ("A beat B" / "B lost to A").
    """
    out = []
    for claim in view.judged(("linked", "soft")):
        a, b = view.side("a", claim.a), view.side("b", claim.b)
        wa, wb = set(words(a.text)), set(words(b.text))
        if not (wa & _ANTONYM_WORDS) and not any(" " in w and w in a.text.lower() for w in _ANTONYM_WORDS):
            continue
        la, lb = " " + " ".join(words(a.text)) + " ", " " + " ".join(words(b.text)) + " "

        def has(side_words: set[str], side_text: str, group: frozenset[str]) -> set[str]:
            return {w for w in group if (" " in w and f" {w} " in side_text) or w in side_words}

        found = None
        for name, left, right in L.ANTONYM_GROUPS:
            for x_side, y_side in ((left, right), (right, left)):
                xa, yb = has(wa, la, x_side), has(wb, lb, y_side)
                if xa and yb and not has(wa, la, y_side) and not has(wb, lb, x_side):
                    found = (name, x_side, y_side)
                    break
            if found:
                break
        if not found:
            continue
        name, x_side, y_side = found
        occ_a, occ_b = _occurrences(a, x_side), _occurrences(b, y_side)
        if not occ_a or not occ_b:
            continue
        (old, oa), (new, ob) = occ_a[0], occ_b[0]
        pol_a, tok_a = _token_at(view, "a", claim.a, oa)
        pol_b, tok_b = _token_at(view, "b", claim.b, ob)
        if pol_a is not None and pol_b is not None and pol_a.parsed and pol_b.parsed:
            if tok_a is not None and tok_b is not None:
                if tok_a[5] != tok_b[5]:
                    continue  # one of the two is negated: "did not fall" ~ "rose"
                if tok_a[6] or tok_b[6] or pol_a.question or pol_b.question:
                    continue  # "if they win" is no claim
                if _subject(pol_a, tok_a) and _subject(pol_b, tok_b) and _subject(pol_a, tok_a) != _subject(pol_b, tok_b):
                    continue  # "Celtic beat Rangers" / "Rangers lost to Celtic"
        else:
            parity_a = sum(1 for m in _CUE_RE.finditer(a.text)) % 2
            parity_b = sum(1 for m in _CUE_RE.finditer(b.text)) % 2
            if parity_a != parity_b:
                continue
        ch = Change("contradiction", "high" if claim.basis == "linked" else "medium", 0.0,
                    f"Opposite claims: A says “{old}”, B says “{new}”.", f"contradiction.antonym.v2:{name}",
                    old, new, (oa, oa + len(old)), (ob, ob + len(new)))
        out.append(replace(ch, a=claim.a, b=claim.b, basis=claim.basis, evidence={"sim": claim.sim}))
    return out


def _subject(pol, tok) -> str | None:  # noqa: ANN001
    """Lemma of the subject of the token's clause (None when the parse gives none)."""
    head_i = None
    for i, t in enumerate(pol.tokens):
        if t is tok:
            head_i = i
    if head_i is None:
        return None
    for t in pol.tokens:
        if t[4] == tok[4] and t is not tok and t[2] in ("PROPN", "NOUN", "PRON") and t[3] < tok[3]:
            return t[1]
    return None


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

    out = negation_flips(view) + antonym_flips(view)
    out += per_claim(pending_done, exception_permission, bases=("linked", "soft"))(view)
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
