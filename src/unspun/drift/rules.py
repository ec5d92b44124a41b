"""The drift rules: each compares one side of a link (A sentences) with the other (B sentences).

A rule is a pure function of the two sides' text (plus, for "is this anywhere in the
other version?" checks, the other document's text), so every finding can be
re-derived from the evidence it carries (:func:`unspun.drift.rederive`).

Every rule returns :class:`Change` values: type, severity, confidence, old/new values
and their character spans in the documents, and an explanation written for a
journalist rather than a programmer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from unspun.drift import lexicon as L
from unspun.drift.entities import Entity, OtherText, different_names, mention_degree, mentioned_in, nested_places
from unspun.drift.quantities import DateMention, Quantity, dates, quantities
from unspun.represent.text import STOPWORDS, content_terms, stem, words


@dataclass(frozen=True)
class Side:
    """Sentences of one side of a link, with their offsets in the document."""

    texts: tuple[str, ...]
    starts: tuple[int, ...]
    doc_text: str  # the whole document (for "anywhere in this version" checks)

    @property
    def text(self) -> str:
        return " ".join(self.texts)

    def each(self):  # noqa: ANN201
        return zip(self.texts, self.starts)


@dataclass(frozen=True)
class Change:
    type: str
    severity: str
    confidence: float
    explanation: str
    rule: str
    old: str | None = None
    new: str | None = None
    old_span: tuple[int, int] | None = None
    new_span: tuple[int, int] | None = None


def _mentions(side: Side, extract) -> list:  # noqa: ANN001
    """(mention, sentence start) for every mention ``extract`` finds in the side's sentences."""
    return [(m, start) for text, start in side.each() for m in extract(text)]


def _q(side: Side) -> list[tuple[Quantity, int]]:
    return _mentions(side, quantities)


def _d(side: Side) -> list[tuple[DateMention, int]]:
    return _mentions(side, dates)


def _span(obj, base: int) -> tuple[int, int]:  # noqa: ANN001
    return (base + obj.start, base + obj.end)


def _value_in(q: Quantity, text: str) -> bool:
    return any(q.same_value(o) and q.comparable(o) for o in quantities(text))


# --- numbers ---------------------------------------------------------------------------


def numbers(a: Side, b: Side, sim: float) -> list[Change]:
    qa, qb = _q(a), _q(b)
    used_b: set[int] = set()
    left_a = []
    for x, base in qa:
        hit = next((k for k, (y, _) in enumerate(qb) if k not in used_b and x.same_value(y) and x.comparable(y)), None)
        if hit is None:
            hit = next((k for k, (y, _) in enumerate(qb) if k not in used_b and x.same_value(y)), None)
        if hit is None:
            left_a.append((x, base))
        else:
            used_b.add(hit)
    left_b = [(y, base) for k, (y, base) in enumerate(qb) if k not in used_b]
    out: list[Change] = []
    conf = round(0.55 + 0.4 * sim, 2)
    for x, xb in left_a:
        partner = next(((y, yb) for (y, yb) in left_b if x.comparable(y)), None)
        if partner is None:
            continue
        y, yb = partner
        left_b.remove(partner)
        # A figure that the other version gives elsewhere is more likely an alignment slip.
        moved = _value_in(x, b.doc_text) and _value_in(y, a.doc_text)
        same_kind = (x.unit is not None and x.unit == y.unit) or (x.noun is not None and x.noun == y.noun)
        severity = "low" if moved else ("high" if same_kind or x.unit == y.unit else "medium")
        out.append(Change(
            "number_changed", severity, conf if not moved else 0.3,
            f"The figure changed from “{x.text}” to “{y.text}”.", "numbers.v1",
            x.text, y.text, _span(x, xb), _span(y, yb)))
    for y, yb in left_b:
        if y.unit == "score" or _value_in(y, a.doc_text):
            continue
        out.append(Change(
            "unsupported_addition", "medium", round(0.5 + 0.3 * sim, 2),
            f"B gives a figure, “{y.text}”, that A does not have anywhere.", "numbers.added.v1",
            None, y.text, None, _span(y, yb)))
    return out


# --- dates -------------------------------------------------------------------------------


def date_changes(a: Side, b: Side, sim: float) -> list[Change]:
    da, db = _d(a), _d(b)
    out: list[Change] = []
    used: set[int] = set()
    for x, xb in da:
        if any(x.agrees(y) for y, _ in db):
            continue
        if any(x.agrees(y) for y in dates(b.doc_text)):
            continue  # the date is in B, just not in this sentence
        k = next((k for k, (y, _) in enumerate(db) if k not in used and x.conflicts(y) and not any(y.agrees(z) for z, _ in da)), None)
        if k is None:
            continue
        used.add(k)
        y, yb = db[k]
        weekday_only = set(x.parts()) & set(y.parts()) == {"weekday"}
        out.append(Change(
            "date_changed", "medium" if weekday_only else "high", round(0.55 + 0.4 * sim, 2),
            f"The date changed from “{x.text}” to “{y.text}”.", "dates.v1",
            x.text, y.text, _span(x, xb), _span(y, yb)))
    return out


# --- entities ----------------------------------------------------------------------------

_IMPORTANT = {"PERSON", "ORG", "GPE", "NAME", "FAC"}


def entity_changes(a: Side, b: Side, ents_a: list[tuple[Entity, int]], ents_b: list[tuple[Entity, int]],
                   keys_a: set[str], keys_b: set[str], sim: float, aligned: bool) -> list[Change]:
    """Entities of one side that the other version never mentions (aliases, surnames, demonyms allowed).

    New people, organisations and places in an aligned sentence are medium (high when
    they replace one of the same kind); dropped places and groups, partial matches
    ("Saudi" vs "Saudi Arabia") and names in unaligned sentences are low.
    """
    other_b, other_a = OtherText.of(b.doc_text), OtherText.of(a.doc_text)
    lenient_a, lenient_b = _title_case(a.text), _title_case(b.text)
    removed, added = [], []
    for e, base in ents_a:
        d = mention_degree(e, other_b, keys_b)
        if d < 1.0 and not (lenient_a and d > 0):
            removed.append((e, base, d))
    for f, base in ents_b:
        d = mention_degree(f, other_a, keys_a)
        if d < 1.0 and not (lenient_b and d > 0):
            added.append((f, base, d))
    removed = _dedupe(removed)
    added = _dedupe(added)
    out: list[Change] = []
    conf = round(0.5 + 0.4 * sim, 2) if aligned else 0.5
    # A swap inside the aligned sentences: B's new name stands where A's name was, even if
    # A's name turns up elsewhere in B ("in London" -> "in Peru").
    local_b = OtherText(b.text)
    swappable = list(removed) + [(e, base, 1.0) for e, base in ents_a
                                 if aligned and mention_degree(e, local_b, set()) == 0 and e.key not in {r[0].key for r in removed}]
    for e, eb, de in swappable:
        # A partial mention ("Saudi" for "Saudi Arabia") is no swap, unless both names carry
        # words the other lacks ("American Stock Exchange" -> "Philadelphia Stock Exchange").
        partner = next(((f, fb, df) for f, fb, df in added if (f.label == e.label or "NAME" in (e.label, f.label))
                        and (de == 0 or (e, eb, de) not in removed or different_names(e, f))), None)
        if partner is None or not aligned:
            continue
        f, fb, df = partner
        added.remove(partner)
        if (e, eb, de) in removed:
            removed.remove((e, eb, de))
        severity = "high" if e.label in _IMPORTANT and df == 0 else "medium"
        what = ", which A never mentions."
        if nested_places(e.text, f.text):
            severity, what = "low", " (one place lies inside the other)."
        out.append(Change(
            "entity_changed", severity, conf,
            f"{_kind(e.label).capitalize()} “{e.text}” became “{f.text}”{what}", "entities.changed.v1",
            e.text, f.text, (eb + e.start, eb + e.end), (fb + f.start, fb + f.end)))
    for f, fb, df in added:
        actor = f.label in ("PERSON", "ORG", "NAME", "FAC") or _actor_role(b, f, fb)
        severity = "medium" if aligned and df == 0 and actor else "low"
        out.append(Change(
            "entity_added", severity, conf,
            f"B names {_kind(f.label)} “{f.text}” that A never mentions.", "entities.added.v1",
            None, f.text, None, (fb + f.start, fb + f.end)))
    for e, eb, de in removed:
        severity = "medium" if aligned and de == 0 and e.label in ("PERSON", "ORG", "NAME") else "low"
        out.append(Change(
            "entity_removed", severity, conf,
            f"A names {_kind(e.label)} “{e.text}” that B never mentions.", "entities.removed.v1",
            e.text, None, (eb + e.start, eb + e.end), None))
    return out


_FUNCTION_OR_VERB = frozenset(
    """and or but to of for with which who that have has had is are was were will would could can may might must
    shall should said says say told agreed agrees plans plan wants want is also has not did does do sent send
    signed approved backed joined offered announced warned called urged""".split()
)
_LOC_PREP = re.compile(r"\b(in|at|near|from|of|across|outside|inside|around|throughout|to|into|on)\s+(the\s+)?$", re.I)


def _actor_role(side: Side, e: Entity, base: int) -> bool:
    """A place or group acting in the claim ("West Germany ... agreed to send") rather than
    setting the scene ("in Tunisia", "Washington's National Mall", "Columbus, Ohio", "Spanish government")."""
    doc = side.doc_text
    start, end = base + e.start, base + e.end
    before = doc[max(0, start - 25): start]
    after = doc[end: end + 20]
    if _LOC_PREP.search(before):
        return False
    nxt = re.match(r"\s+([a-z]+)", after)
    if re.match(r"['’]s?\b", after) or (nxt and nxt.group(1) not in _FUNCTION_OR_VERB and not nxt.group(1).endswith("ed")):
        return False  # possessive or adjective: "India's Modi", "Pakistan coach"
    if re.search(r"[A-Z][\w-]+,\s*$", before):
        return False  # apposition after another place: "Columbus, Ohio"
    return True


def _title_case(text: str) -> bool:
    """Headline-style capitalisation, where the tagger's entity spans are unreliable."""
    ws = re.findall(r"[A-Za-z][a-z]+", text)
    return len(ws) >= 3 and sum(w[0].isupper() for w in ws) >= 0.6 * len(ws)


def _dedupe(items: list[tuple[Entity, int, float]]) -> list[tuple[Entity, int, float]]:
    seen, out = set(), []
    for item in items:
        if item[0].key not in seen:
            seen.add(item[0].key)
            out.append(item)
    return out


def _kind(label: str) -> str:
    return {"PERSON": "a person", "ORG": "an organisation", "GPE": "a place", "LOC": "a place", "NORP": "a group",
            "FAC": "a facility", "EVENT": "an event"}.get(label, "a name")


# --- certainty ---------------------------------------------------------------------------


def _hedges(side: Side) -> list[tuple[str, tuple[int, int]]]:
    out = []
    for text, start in side.each():
        for m in L.HEDGE_RE.finditer(text):
            if m.group(0).lower() == "may" and re.match(r"\s+\d", text[m.end():]):
                continue  # "May 5" is a date
            out.append((m.group(0), (start + m.start(), start + m.end())))
    return out


def certainty(a: Side, b: Side, sim: float) -> list[Change]:
    ha, hb = _hedges(a), _hedges(b)
    if bool(ha) == bool(hb):
        return []
    conf = round(0.45 + 0.4 * sim, 2)
    if ha:
        words_ = ", ".join(dict.fromkeys(h.lower() for h, _ in ha))
        reportive = any(h.lower() in L.HEDGES_REPORTIVE for h, _ in ha)
        return [Change(
            "certainty_changed", "high" if reportive else "medium", conf,
            f"A hedges this claim (“{words_}”); B states it as fact.", "certainty.removed.v1",
            words_, None, ha[0][1], None)]
    words_ = ", ".join(dict.fromkeys(h.lower() for h, _ in hb))
    return [Change(
        "certainty_changed", "low", conf,
        f"B hedges a claim (“{words_}”) that A states as fact.", "certainty.added.v1",
        None, words_, None, hb[0][1])]


# --- attribution ---------------------------------------------------------------------------

_NAME_AFTER = re.compile(r"\s*(?:the\s+)?((?:[A-Z][\w’'.-]*\s*){1,5})")
_SOURCE_AFTER = ("said", "says", "added", "according to", "citing", "reported by", "with a reference to",
                 "with reference to", "first reported", "quoted")
_NAME_BEFORE = re.compile(r"((?:[A-Z][\w’'.-]*\s*){1,5})(?:,[^,]{0,40},)?\s*$")
_FORMAL = ("according to", "citing", "reported by", "with a reference to", "with reference to", "first reported", "quoted")


@dataclass(frozen=True)
class _Attribution:
    cue: str
    strength: str
    sources: tuple[str, ...]
    span: tuple[int, int]


def _attributions(side: Side) -> list[_Attribution]:
    """Reporting cues and the names right next to them ("X said", "said X", "according to X")."""
    out = []
    for text, start in side.each():
        for m in L.ATTRIBUTION_RE.finditer(text):
            cue = m.group(0)
            names = []
            after = _NAME_AFTER.match(text, m.end()) if cue.lower() in _SOURCE_AFTER else None
            if after:
                names.append(after.group(1))
            if cue.lower() not in _FORMAL:
                before = _NAME_BEFORE.search(text[max(0, m.start() - 80): m.start()])
                if before:
                    names.append(before.group(1))
            names = tuple(n.strip(" .,") for n in names if n.strip(" .,").lower() not in STOPWORDS and len(n.strip()) > 2)
            out.append(_Attribution(cue.lower(), L.say_strength(cue), names, (start + m.start(), start + m.end())))
    return out


def _name_in(name: str, other: Side) -> bool:
    return mentioned_in(Entity(name, "NAME", 0, len(name)), OtherText.of(other.doc_text), set())


def attribution(a: Side, b: Side, sim: float) -> list[Change]:
    aa, ab = _attributions(a), _attributions(b)
    conf = round(0.45 + 0.4 * sim, 2)
    if aa and not ab:
        named = [s for at in aa for s in at.sources if not _name_in(s, b)]
        formal = any(at.cue in _FORMAL for at in aa)
        severity = "medium" if (named or formal) else "low"
        src = f" ({named[0]})" if named else ""
        return [Change(
            "attribution_changed", severity, conf,
            f"A attributes this to a source (“{aa[0].cue}”{src}); B drops the attribution.", "attribution.dropped.v1",
            aa[0].cue, None, aa[0].span, None)]
    if ab and not aa:
        strong = [at for at in ab if at.strength == "strong"]
        if strong:
            return [Change(
                "attribution_changed", "medium", conf,
                f"B presents the claim as confirmed (“{strong[0].cue}”), A gives no such source.", "attribution.strengthened.v1",
                None, strong[0].cue, None, strong[0].span)]
        return [Change(
            "attribution_changed", "low", conf, f"B adds an attribution (“{ab[0].cue}”).", "attribution.added.v1",
            None, ab[0].cue, None, ab[0].span)]
    if not aa:
        return []
    out: list[Change] = []
    sa = {at.strength for at in aa}
    sb = {at.strength for at in ab}
    change = None
    if "strong" in sb - sa:
        change = ("strengthened", aa[0], next(at for at in ab if at.strength == "strong"))
    elif "weak" in sb - sa:
        change = ("weakened", aa[0], next(at for at in ab if at.strength == "weak"))
    elif "strong" in sa - sb:
        change = ("weakened", next(at for at in aa if at.strength == "strong"), ab[0])
    elif "weak" in sa - sb:
        change = ("strengthened", next(at for at in aa if at.strength == "weak"), ab[0])
    if change:
        verb, old, new = change
        same_source = any(_name_in(x, b) for x in old.sources) and bool(old.sources)
        out.append(Change(
            "attribution_changed", "low" if same_source else "medium", conf,
            f"The attribution was {verb}: “{old.cue}” became “{new.cue}”.", f"attribution.{verb}.v1",
            old.cue, new.cue, old.span, new.span))
    names_a = {s for at in aa for s in at.sources}
    names_b = {s for at in ab for s in at.sources}
    gone = [s for s in names_a if not _name_in(s, b)]
    new = [s for s in names_b if not _name_in(s, a)]
    if gone and new:
        out.append(Change(
            "attribution_changed", "medium", conf,
            f"The source changed: A cites “{gone[0]}”, B cites “{new[0]}”.", "attribution.swapped.v1",
            gone[0], new[0], aa[0].span, ab[0].span))
    return out


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


# --- additions ---------------------------------------------------------------------------------

_QUOTE = re.compile(r"[\"“][^\"”]{12,}[\"”]")


def claim_evidence(text: str, names: list[Entity]) -> list[str]:
    """What makes a sentence a claim rather than filler: names, figures, dates, quotes."""
    why = []
    if names:
        why.append("names " + ", ".join(dict.fromkeys(e.text for e in names[:3])))
    qs = quantities(text)
    if qs:
        why.append("figures " + ", ".join(q.text for q in qs[:3]))
    ds = dates(text)
    if ds:
        why.append("dates " + ", ".join(d.text for d in ds[:2]))
    if _QUOTE.search(text):
        why.append("a quotation")
    return why


def addition(b: Side, names: list[Entity], best_sim: float) -> list[Change]:
    why = claim_evidence(b.text, names)
    if why:
        return [Change("unsupported_addition", "medium", round(max(0.3, 0.9 - best_sim), 2),
                       f"B adds a claim with no counterpart in A ({'; '.join(why)}).", "addition.claim.v1",
                       None, b.text, None, None)]
    return [Change("unsupported_addition", "low", round(max(0.2, 0.7 - best_sim), 2),
                   "B adds a sentence with no counterpart in A (no names, figures or quotes: likely filler).",
                   "addition.filler.v1", None, b.text, None, None)]
