"""Figures and dates: which ones B changed, wherever they sit.

Both rules match the mentions of the whole pair, not link by link, so a changed value
is found even when the rewrite moved it to another sentence or the aligner left its
sentence unpaired:

1. mentions with the same value are matched one to one (a value said twice must be
   said twice), preferring mentions in linked sentences;
2. what is left on each side is paired by kind (a percentage with a percentage,
   "years" with "years", a time with a time), in linked sentences first, then soft
   counterparts, then any two sentences that are alike (:data:`VALUE_PAIR_MIN`);
3. a figure B gives that A has nowhere, in a sentence that has a counterpart, is an
   ``unsupported_addition`` pointing at the figure.
"""

from __future__ import annotations

import re
from typing import Callable, TypeVar

from unspun.drift.quantities import DateMention, Quantity, _noun_stem
from unspun.drift.view import Change, PairView
from unspun.limits import MAX_VALUE_PAIRS

M = TypeVar("M")

_PAIRING_RANK = {"linked": 2.0, "soft": 1.0, None: 0.0}
HIGH_CONTEXT = 2
"""Content words two values' surroundings must share for a change to be high (the same claim
about another value); chosen on labelled high findings of clean l2r rewrites, where changes
between values in different surroundings were mostly two different facts. A high change also
needs the two values in the same slot (:meth:`~unspun.drift.view.PairView.same_slot`: the
word before or after them is the same)."""


def _mentions(view: PairView, side: str, read: Callable[[PairView, str, int], list[M]]) -> list[tuple[int, M]]:
    return [(k, m) for k in view.sentences(side) for m in read(view, side, k)]


SLOT_BONUS = 0.3
"""Added to a candidate pairing of two leftover values that sit between the same words (same
slot): more than the context-overlap term (0.1 per shared word, at most 0.3) so a figure swapped in
place wins over another figure of the sentence, less than the gap between a linked and a soft pair."""


def match_values(view: PairView, read: Callable[[PairView, str, int], list[M]], same: Callable[[M, M], bool],
                 kin: Callable[[M, M, int], bool], what: str = "values",
                 ) -> tuple[list[tuple[int, M, int, M, str]], list[tuple[int, M]], list[tuple[int, M]]]:
    """(changes as (i, x, j, y, pairing), B mentions left unexplained, A mentions left unexplained).

    In four steps: the same value in paired sentences (linked or soft) explains a mention;
    then a value of a linked sentence of B that differs from a value of the same kind in its A
    sentence is a change — even when that value also occurs in some unrelated sentence of A
    ("the March report" rewritten "the observations in July" while A says "July" elsewhere);
    then the same value anywhere explains what is left (a rewrite moves facts between
    sentences); then leftovers of one kind in soft-paired or similar sentences are changes.

    Mentions have ``start``/``end`` offsets in their sentence; ``kin(x, y, overlap)`` says whether two
    leftovers may be one changed value, given how many content words their contexts share."""
    ma, mb = _mentions(view, "a", read), _mentions(view, "b", read)
    if len(ma) * len(mb) > MAX_VALUE_PAIRS:
        view.warnings.append(f"{what} not compared: {len(ma):,} in A and {len(mb):,} in B is more than the "
                             f"{MAX_VALUE_PAIRS:,} pairings checked (a table or list, not prose)")
        return [], [], []
    free_a, free_b = set(range(len(ma))), set(range(len(mb)))

    def explain(paired_only: bool) -> None:
        cands = [(_PAIRING_RANK[view.pairing(i, j)] + view.sim(i, j), ka, kb)
                 for ka in free_a for kb in free_b
                 for (i, x), (j, y) in [(ma[ka], mb[kb])]
                 if same(x, y) and (not paired_only or view.pairing(i, j) is not None)]
        used_a, used_b = greedy_pairs(cands)
        free_a.difference_update(used_a)
        free_b.difference_update(used_b)

    def change(linked_only: bool) -> list[tuple[int, int]]:
        cands = []
        for kb in free_b:
            j, y = mb[kb]
            ctx_b = view.context("b", j, y.start, y.end)
            for ka in free_a:
                i, x = ma[ka]
                if linked_only and view.pairing(i, j) != "linked":
                    continue
                overlap = len(view.context("a", i, x.start, x.end) & ctx_b)
                if not kin(x, y, overlap):
                    continue
                score = view.may_pair(i, j, overlap)
                if score is not None:
                    # a figure between the same words is the one that changed ("Procko, 22," / "Procko,
                    # 18,", not "two delivery men"); ties go to the figures in the same place
                    slot = SLOT_BONUS if view.same_slot(i, (x.start, x.end), j, (y.start, y.end)) else 0.0
                    cands.append((score + slot - 0.01 * abs(_position(view, "a", i, x) - _position(view, "b", j, y)), ka, kb))
        pa, pb = greedy_pairs(cands)
        free_a.difference_update(pa)
        free_b.difference_update(pb)
        return list(zip(pa, pb))

    explain(paired_only=True)
    matched = change(linked_only=True)
    explain(paired_only=False)
    matched += change(linked_only=False)
    changes = [(ma[ka][0], ma[ka][1], mb[kb][0], mb[kb][1], view.pairing(ma[ka][0], mb[kb][0]) or "soft")
               for ka, kb in sorted(matched, key=lambda p: p[1])]
    rest_b = [mb[k] for k in sorted(free_b)]
    rest_a = [ma[k] for k in sorted(free_a)]
    return changes, rest_b, rest_a


def _position(view: PairView, side: str, k: int, m) -> float:  # noqa: ANN001
    return m.start / max(1, len(view.doc(side).sentences[k].text))


def greedy_pairs(cands: list[tuple[float, int, int]]) -> tuple[list[int], list[int]]:
    """One-to-one matching, best score first; returns the matched indices in matching order."""
    used_a: list[int] = []
    used_b: list[int] = []
    sa, sb = set(), set()
    for _, ka, kb in sorted(cands, key=lambda c: -c[0]):
        if ka in sa or kb in sb:
            continue
        sa.add(ka)
        sb.add(kb)
        used_a.append(ka)
        used_b.append(kb)
    return used_a, used_b


def _abs(view: PairView, side: str, k: int, span_in_sentence: tuple[int, int]) -> tuple[int, int]:
    base = view.doc(side).sentences[k].start
    return (base + span_in_sentence[0], base + span_in_sentence[1])


# --- numbers -------------------------------------------------------------------------------


def _read_q(view: PairView, side: str, k: int) -> list[Quantity]:
    return view.quantities(side, k)


def _same_q(x: Quantity, y: Quantity) -> bool:
    return x.same_value(y) and x.comparable(y)


def _shorthand(x: Quantity, y: Quantity) -> bool:
    big, small = (x, y) if abs(x.value) >= abs(y.value) else (y, x)
    if not small.value:
        return False
    ratio = big.value / small.value
    return any(abs(ratio - k) <= 1e-6 * k for k in (1e3, 1e6, 1e9, 1e12))


def _same_noun(x: Quantity, y: Quantity) -> bool:
    """Two bare counts count the same named thing ("858 likes" / "850 likes")."""
    return bool(x.noun and y.noun and (x.noun.rstrip("s") == y.noun.rstrip("s") or x.context & y.context))


SMALL_COUNT = 20
"""Bare counts below this are everywhere in a text (players, teams, titles, days): a high finding
on two of them needs the same counted noun, not only shared surroundings. Of the 33 high
findings on the 7,223 clean l2r pairs (bench/labels/drift_high.jsonl), five wrong ones were
small counts of different things ("three players" / "two teams", "12 teams" / "four athletes")."""


def _small_counts_of_other_things(x: Quantity, y: Quantity) -> bool:
    if x.unit is not None or y.unit is not None or max(abs(x.value), abs(y.value)) >= SMALL_COUNT:
        return False
    return not (x.noun and y.noun and _noun_stem(x.noun) == _noun_stem(y.noun))


_SELECTORS = {**dict.fromkeys(("last", "past", "previous", "preceding"), "before"),
              **dict.fromkeys(("next", "following", "subsequent", "coming"), "after"),
              **dict.fromkeys(("first", "opening", "initial"), "first"), **dict.fromkeys(("final", "closing"), "final"),
              **dict.fromkeys(("other", "another", "remaining", "additional", "further", "extra"), "more")}


def _selector(view: PairView, side: str, k: int, q: Quantity) -> str | None:
    """Which items a count picks out, by the word before it ("the **first** three titles")."""
    m = re.search(r"([A-Za-z]+)\W*$", view.doc(side).sentences[k].text[max(0, q.start - 30): q.start])
    return _SELECTORS.get(m.group(1).lower()) if m else None


def _other_selection(view: PairView, i: int, x: Quantity, j: int, y: Quantity) -> bool:
    """"the subsequent two titles" / "the first three titles": counts of different items."""
    sa, sb = _selector(view, "a", i, x), _selector(view, "b", j, y)
    return sa is not None and sb is not None and sa != sb


def _kin_q(x: Quantity, y: Quantity, overlap: int) -> bool:
    """Two figures that may be one changed: of one kind, or counting differently named things in
    the same context ("90,000 visitors to the showground last year" / "45,000 people ... the
    showground last year")."""
    if x.comparable(y):
        return True
    return overlap >= 2 and x.unit == y.unit and x.unit not in ("score",)


_STOP_AFTER = re.compile(r"[,.;:()\"“”]|\b(?:of|to|in|on|at|for|from|by|with|and|or|but|than|that|which|who|was|were|is|are|"
                         r"has|have|had|will|would|a|an|the|this|these|those|after|before|since|into|as|across|over|under|through|"
                         r"during|per|between|against|about|around|near|onto|off|up|down|out|via|within|without|"
                         r"each|every|could|can|may|might|must|should|did|do|does|said|says)\b", re.I)


def _phrase(view: PairView, side: str, k: int, q: Quantity) -> str:
    """The figure with what it counts, as written ("three new hotels", "£2.5bn"), at most three more words."""
    text = view.doc(side).sentences[k].text
    rest = text[q.end: q.end + 40]
    m = _STOP_AFTER.search(rest)
    tail = " ".join((rest[: m.start()] if m else rest).split()[:3])
    return f"{q.text} {tail}".strip() if tail and q.unit not in ("%", "pp") else q.text


def numbers(view: PairView) -> list[Change]:
    """``number_changed`` for a figure B gives in place of another of the same kind;
    ``unsupported_addition`` for a figure B adds in a sentence that has a counterpart in A."""
    changes, rest_b, rest_a = match_values(view, _read_q, _same_q, _kin_q, "figures")
    out = []
    for i, x, j, y, who in _age_changes(view, rest_a, rest_b):
        rest_b.remove((j, y))
        out.append(Change(
            "number_changed", "medium", 0.0, f"{who}'s age changed from {x.text} to {y.text}.", "numbers.changed.v2",
            x.text, y.text, _abs(view, "a", i, (x.start, x.end)), _abs(view, "b", j, (y.start, y.end)),
            a=(i,), b=(j,), basis=view.pairing(i, j) or "soft", evidence={"sim": view.sim(i, j), "age_of": who}))
    for i, x, j, y, pairing in changes:
        if x.same_value(y) and x.unit == y.unit:
            continue  # "1,200 residents" / "1,200 people": the figure is the same, only the noun differs
        same_kind = x.comparable(y) and x.unit == y.unit and (x.unit is not None or _same_noun(x, y))
        context = len(view.context("a", i, x.start, x.end) & view.context("b", j, y.start, y.end))
        # High needs the same kind of figure said in the same words around it ("858 likes" /
        # "850 likes"); figures of one unit in different surroundings may count different things.
        severity = "high" if (pairing == "linked" and same_kind and context >= HIGH_CONTEXT
                              and view.same_slot(i, (x.start, x.end), j, (y.start, y.end))) else "medium"
        if _small_counts_of_other_things(x, y) or _other_selection(view, i, x, j, y):
            severity = "medium"  # "three players" / "two teams": small counts of different things
        if _shorthand(x, y):
            severity = "medium"  # "£3.5" / "£3.5 million": the same digits, one without its scale
        out.append(Change(
            "number_changed", severity, 0.0,
            f"The figure changed from “{_phrase(view, 'a', i, x)}” to “{_phrase(view, 'b', j, y)}”.", "numbers.changed.v2",
            x.text, y.text, _abs(view, "a", i, (x.start, x.end)), _abs(view, "b", j, (y.start, y.end)),
            a=(i,), b=(j,), basis=pairing, evidence={"sim": view.sim(i, j), "same_kind": same_kind, "context": context}))
    for j, y in rest_b:
        claim = view.claim_of("b", j)
        if claim is None or claim.basis not in ("linked", "soft") or y.unit == "score":
            continue  # a sentence with no counterpart is an addition as a whole
        if _an_age(view.b.sentences[j].text, y):
            # "dies" / "dies at 66": a person's age is a detail a rewrite adds, easy to check and
            # rarely the point; shown, not flagged
            out.append(Change(
                "unsupported_addition", "low", 0.0, f"B gives an age, “{y.text}”, that A does not give.", "numbers.added.v2",
                None, y.text, None, _abs(view, "b", j, (y.start, y.end)), a=claim.a, b=(j,), basis=claim.basis,
                evidence={"sim": claim.sim, "age": True}))
            continue
        out.append(Change(
            "unsupported_addition", "medium", 0.0,
            f"B gives a figure, “{_phrase(view, 'b', j, y)}”, that A does not have anywhere.", "numbers.added.v2",
            None, y.text, None, _abs(view, "b", j, (y.start, y.end)), a=claim.a, b=(j,), basis=claim.basis,
            evidence={"sim": claim.sim}))
    return out


_AGE_BEFORE = re.compile(r"([A-Z][\w'’-]+),\s+(?:the\s+|aged\s+)?$")
_AGE_AFTER = re.compile(r"^(?:,|\)|-year-old\b)")
_AGE_NAME_AFTER = re.compile(r"^-year-old\s+(?:[a-z]+\s+){0,3}(?:[A-Z][\w'’-]+\s+)?([A-Z][\w'’-]+)")


_AGE_WORDS = re.compile(r"\b(?:dies|died|dead|death|aged|age of)\s+(?:at\s+|aged\s+)?$", re.I)
_AGE_COMMAS = re.compile(r"[A-Za-z][\w'’-]*,\s+$")


def _may_be_age(q: Quantity) -> bool:
    """A bare whole number under 120."""
    return q.unit is None and 0 < q.value < 120 and q.value == int(q.value)


def _an_age(text: str, q: Quantity) -> bool:
    """A bare whole number that gives someone's age: "dies at 66", "dies aged 116", "the star, 40,",
    "Varela, 20," or "the 41-year-old"."""
    if not _may_be_age(q):
        return False
    before, after = text[max(0, q.start - 40): q.start], text[q.end: q.end + 12]
    return bool(_AGE_WORDS.search(before) or (_AGE_COMMAS.search(before) and after.startswith(","))
                or re.match(r"-year-old\b", after) or _age_of(text, q))


def _age_of(text: str, q: Quantity) -> str | None:
    """The surname whose age a bare figure gives ("Tomasz Procko, 22," / "Varela, the 41-year-old",
    "the 41-year-old Uruguayan Varela"), or None."""
    if not _may_be_age(q):
        return None
    before, after = text[max(0, q.start - 40): q.start], text[q.end: q.end + 60]
    m = _AGE_BEFORE.search(before)
    if m and _AGE_AFTER.match(after):
        return m.group(1)
    m = _AGE_NAME_AFTER.match(after)
    return m.group(1) if m else None


def _age_changes(view: PairView, rest_a: list, rest_b: list) -> list[tuple[int, Quantity, int, Quantity, str]]:
    """Ages of one named person that differ, in whatever sentences the two versions give them: a
    rewrite often moves the age into another sentence ("Varela, 20, had a trial" / "Guillermo
    Varela, the 41-year-old defender")."""
    ages_a: dict[str, tuple[int, Quantity]] = {}
    for i, x in rest_a:
        who = _age_of(view.a.sentences[i].text, x)
        if who:
            ages_a.setdefault(who.lower(), (i, x))
    out = []
    for j, y in rest_b:
        who = _age_of(view.b.sentences[j].text, y)
        if who and who.lower() in ages_a:
            i, x = ages_a.pop(who.lower())
            out.append((i, x, j, y, who))
    return out


# --- dates ---------------------------------------------------------------------------------


def _read_d(view: PairView, side: str, k: int) -> list[DateMention]:
    return view.dates(side, k)


_NEAR_DAYS = frozenset({"today", "yesterday", "tomorrow", "tonight", "last night", "this morning"})
_DATE_WHAT = {"time": "time", "relative": "date", "weekday": "day"}


def date_changes(view: PairView) -> list[Change]:
    """``date_changed``: a date or time of A given differently in B (a part both state differs)."""
    changes, _, _ = match_values(view, _read_d, lambda x, y: x.agrees(y), lambda x, y, _overlap: x.conflicts(y), "dates")
    out = []
    for i, x, j, y, pairing in changes:
        shared = set(x.parts()) & set(y.parts())
        soft_part = shared <= {"weekday", "relative"}
        context = len(view.context("a", i, x.start, x.end) & view.context("b", j, y.start, y.end))
        severity = "high" if (pairing == "linked" and not soft_part and context >= HIGH_CONTEXT
                              and view.same_slot(i, (x.start, x.end), j, (y.start, y.end))) else "medium"
        if shared == {"relative"} and {x.relative, y.relative} <= _NEAR_DAYS:
            severity = "low"  # "today" / "yesterday": the versions were written on different days
        what = _DATE_WHAT.get(next(iter(shared)), "date") if len(shared) == 1 else "date"
        out.append(Change(
            "date_changed", severity, 0.0,
            f"The {what} changed from “{x.text}” to “{y.text}”.", "dates.changed.v2",
            x.text, y.text, _abs(view, "a", i, (x.start, x.end)), _abs(view, "b", j, (y.start, y.end)),
            a=(i,), b=(j,), basis=pairing, evidence={"sim": view.sim(i, j), "parts": sorted(shared)}))
    return out
