"""Inject one known change into an LLM rewrite: the test material of ``bench/drift_eval.py``.

The generator does not use unspun's own value parsers (``unspun.drift.quantities``,
the name heuristics): it finds values with its own, broader patterns, so injections
land on values unspun may not read — times ("05:30"), hyphenated figures
("$85.6-million"), sentence-final years, "in May", relative dates ("last week"),
abbreviated months ("Dec."), first names of people, place names with a direction
("West Germany"). spaCy is used only to find the names to swap and the past-tense
verbs to negate, and in any sentence of the rewrite (not only the ones unspun links).

Each injection returns the new text, the character span of the injected words in it,
the injected value and a short description of what was done.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

KINDS = ("number", "date", "entity", "negation")


@dataclass(frozen=True)
class Injection:
    kind: str
    text: str  # the rewrite with the change
    span: tuple[int, int]  # where the injected words sit in ``text``
    value: str  # the injected words
    old: str  # what they replaced
    form: str  # which kind of injection (e.g. "time", "first_name", "did_not")


# --- numbers -----------------------------------------------------------------------------
_DIGITS = re.compile(r"(?<![\w.,:/-])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w,.:/]?\d)|(?<![\w.,:/-])\d+(?:\.\d+)?(?![\w,:/]?\d)")
_WORD_NUMBERS = ("two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty "
                 "hundred dozen").split()
_WORD_NUM_RE = re.compile(r"\b(" + "|".join(_WORD_NUMBERS) + r")\b", re.I)
_YEARISH = re.compile(r"(1[89]|20)\d\d")
_MONTHS = "January February March April May June July August September October November December".split()


def _number_candidates(text: str) -> list[tuple[int, int, str]]:
    out = []
    for m in _DIGITS.finditer(text):
        tok = m.group(0)
        if _YEARISH.fullmatch(tok):
            continue  # a year is a date
        after = text[m.end(): m.end() + 3]
        if re.match(r"(st|nd|rd|th)\b", after):
            continue  # ordinals ("2nd") are positions, not amounts
        near = text[max(0, m.start() - 12): m.end() + 12]
        if re.search(r"\b(" + "|".join(_MONTHS) + r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?,?\s*(?:the\s+)?\d{1,2}\b(?!:)|\b\d{1,2}\s+(?:of\s+)?(" + "|".join(_MONTHS) + r")", near) and int(m.group(0).replace(",", "").split(".")[0]) <= 31:
            continue  # the day of a date ("17 June") is a date
        out.append((m.start(), m.end(), "digits"))
    for m in _WORD_NUM_RE.finditer(text):
        out.append((m.start(), m.end(), "word"))
    return out


def _new_number(old: str, rng: random.Random) -> str:
    if old.isalpha():
        choices = [w for w in _WORD_NUMBERS if w != old.lower() and w not in ("hundred", "dozen")]
        new = rng.choice(choices)
        return new.capitalize() if old[0].isupper() else new
    plain = old.replace(",", "")
    decimals = len(plain.split(".")[1]) if "." in plain else 0
    val = float(plain)
    for _ in range(20):
        new_val = val * rng.choice([2, 3, 0.5]) + rng.choice([1, 3, 7])
        if round(new_val, decimals) != round(val, decimals) and new_val > 0:
            break
    if decimals:
        new = f"{new_val:,.{decimals}f}" if "," in old else f"{new_val:.{decimals}f}"
    else:
        new = f"{int(round(new_val)):,}" if "," in old else str(int(round(new_val)))
    if _YEARISH.fullmatch(new):
        new = str(int(new) + 1000)
    return new


# --- dates ------------------------------------------------------------------------------
_MONTH_ABBR = {"Jan.": 0, "Feb.": 1, "Mar.": 2, "Apr.": 3, "Aug.": 7, "Sept.": 8, "Sep.": 8, "Oct.": 9, "Nov.": 10, "Dec.": 11}
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_RELATIVE = ["yesterday", "last week", "last month", "last year", "next week", "next month", "next year", "last night",
             "this week", "earlier this month", "earlier this year"]
_DATE_RES = (
    ("time", re.compile(r"(?<![\d:])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])")),
    ("year", re.compile(r"(?<![\w$£€.,-])(1[89]\d\d|20\d\d)(?![\w,.]?\d)(?!\s?(?:%|percent|per cent|million|billion))")),
    ("month", re.compile(r"\b(" + "|".join(_MONTHS) + r")\b")),
    ("month_abbr", re.compile(r"(?<!\w)(" + "|".join(re.escape(m) for m in _MONTH_ABBR) + r")(?=\s\d)")),
    ("weekday", re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b")),
    ("relative", re.compile(r"\b(" + "|".join(_RELATIVE) + r")\b", re.I)),
    ("ordinal_day", re.compile(r"\b([1-9]|[12]\d|3[01])(st|nd|rd|th)\b(?=\s+(?:of\s+)?(?:" + "|".join(_MONTHS) + r"))")),
    ("numeric", re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)\b")),
)


def _date_candidates(text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for form, rx in _DATE_RES:
        for m in rx.finditer(text):
            s, e = m.span()
            if form == "month" and m.group(1) == "May" and not re.search(r"\d", text[e: e + 6]) and not re.search(
                    r"\b(in|since|by|until|last|next|early|late|mid|from|of|during)\s+$", text[max(0, s - 8): s]):
                continue  # the modal "may" capitalised at a sentence start
            if form == "month" and m.group(1) == "March" and re.match(r"\s+(on|to|through|against)\b", text[e:]):
                continue
            if any(s < oe and os_ < e for os_, oe, _ in out):
                continue
            out.append((s, e, form))
    return out


def _new_date(old: str, form: str, rng: random.Random) -> str:
    if form == "time":
        h, mnt = old.split(":")
        nh = (int(h) + rng.choice([2, 3, 5, 7])) % 24
        return f"{nh:0{len(h)}d}:{mnt}"
    if form == "year":
        return str(int(old) + rng.choice([-4, -3, -2, 2, 3, 5]))
    if form == "month":
        return rng.choice([m for m in _MONTHS if m != old and m != "May"])
    if form == "month_abbr":
        idx = _MONTH_ABBR[old]
        return rng.choice([k for k, v in _MONTH_ABBR.items() if v != idx and k != "Sep."])
    if form == "weekday":
        return rng.choice([w for w in _WEEKDAYS if w != old])
    if form == "relative":
        new = rng.choice([r for r in _RELATIVE if r != old.lower() and not r.startswith(old.lower().split()[0])])
        return new[0].upper() + new[1:] if old[0].isupper() else new
    if form == "ordinal_day":
        day = int(re.match(r"\d+", old).group(0))
        nd = (day + rng.choice([3, 5, 9])) % 28 + 1
        suffix = "th" if 11 <= nd <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(nd % 10, "th")
        return f"{nd}{suffix}"
    if form == "numeric":
        d, m, y = old.split("/")
        return f"{(int(d) + 4) % 28 + 1}/{m}/{y}"
    raise ValueError(form)


# --- names -------------------------------------------------------------------------------
_PEOPLE = ["Margaret Hollis", "Tobias Renner", "Anika Sorensen", "Victor Okafor", "Lucia Brandt", "Desmond Achterberg",
           "Priya Raghunathan", "Oskar Lindqvist", "Imelda Costa", "Rafael Quintero"]
_FIRST = ["Simon", "Helen", "Marcus", "Fiona", "Declan", "Rosa", "Andre", "Yusuf", "Clara", "Dmitri"]
_PLACES = ["Peru", "Norway", "Kenya", "Portugal", "Vietnam", "Chile", "Latvia", "Morocco", "Tasmania", "Manitoba"]
_ORGS = ["the World Bank", "Siemens", "Unilever", "the Red Cross", "Interpol", "Greenpeace", "Barclays", "Oxfam"]
_NORP = ["Peruvian", "Norwegian", "Kenyan", "Portuguese", "Chilean", "Moroccan"]
_DIRECTIONS = ("North", "South", "East", "West")


def _entity_candidates(text: str, nlp) -> list[tuple[int, int, str, str]]:  # noqa: ANN001
    doc = nlp(text)
    out = []
    for ent in doc.ents:
        if ent.label_ not in ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"):
            continue
        s, e, t = ent.start_char, ent.end_char, ent.text
        if t.lower().startswith("the "):
            s, t = s + 4, t[4:]
        if t.endswith(("'s", "’s")):
            e, t = e - 2, t[:-2]
        if len(t) < 2 or not t[0].isupper():
            continue
        out.append((s, e, ent.label_, t))
    return out


def _new_entity(old: str, label: str, source_lower: str, rng: random.Random) -> tuple[str, str]:
    """(replacement, form). Forms: a new name of the same kind, a person's first name, a direction
    added to or swapped in a place name."""
    if label == "PERSON" and len(old.split()) >= 2 and old.split()[0] not in ("Mr", "Mrs", "Ms", "Dr") and rng.random() < 0.25:
        first = rng.choice([f for f in _FIRST if f.lower() not in source_lower])
        return first + " " + " ".join(old.split()[1:]), "first_name"
    if label in ("GPE", "LOC") and rng.random() < 0.25:
        head = old.split()[0]
        if head in _DIRECTIONS:
            return rng.choice([d for d in _DIRECTIONS if d != head]) + old[len(head):], "direction_swapped"
        return rng.choice(_DIRECTIONS) + " " + old, "direction_added"
    pool = {"PERSON": _PEOPLE, "GPE": _PLACES, "LOC": _PLACES, "ORG": _ORGS, "FAC": _ORGS, "NORP": _NORP}[label]
    pool = [p for p in pool if p.lower().removeprefix("the ") not in source_lower]
    new = rng.choice(pool)
    return new, "new_name"


# --- negation ----------------------------------------------------------------------------
_AUX = re.compile(r"\b(is|are|was|were|will|would|can|could|has|have|had|should|must|does|did|do|may|might)\b(?!\s+(?:not|n't|never|no)\b)")
_CONTRACT = {"is": "isn't", "are": "aren't", "was": "wasn't", "were": "weren't", "will": "won't", "would": "wouldn't",
             "can": "can't", "could": "couldn't", "has": "hasn't", "have": "haven't", "had": "hadn't", "should": "shouldn't",
             "does": "doesn't", "did": "didn't", "do": "don't", "must": "mustn't"}


def _negation_candidates(text: str, nlp) -> list[tuple[int, int, str, str]]:  # noqa: ANN001
    """(start, end, replacement, form) for every place a negation can go."""
    out = []
    doc = nlp(text)
    for tok in doc:
        if tok.tag_ == "VBD" and tok.dep_ in ("ROOT", "conj", "ccomp", "advcl", "relcl") and tok.lemma_.isalpha() and tok.lemma_ != "be":
            out.append((tok.idx, tok.idx + len(tok.text), f"did not {tok.lemma_}", "did_not"))
        if tok.lower_ in _CONTRACT and tok.dep_ in ("aux", "auxpass", "ROOT", "cop") and not any(c.dep_ == "neg" for c in tok.head.children):
            if tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ in ("not", "n't", "never", "no"):
                continue
            out.append((tok.idx, tok.idx + len(tok.text), f"{tok.text} not", "aux_not"))
            if tok.lower_ in ("has", "have", "had") and tok.head.tag_ == "VBN":
                out.append((tok.idx, tok.idx + len(tok.text), f"{tok.text} never", "never"))
            out.append((tok.idx, tok.idx + len(tok.text), _CONTRACT[tok.lower_] if tok.text.islower() else _CONTRACT[tok.lower_].capitalize(), "contraction"))
    return out


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """A deliberately simple sentence split (the generator must not depend on unspun's segmenter)."""
    spans, start = [], 0
    for m in re.finditer(r"(?:(?<=[.!?])|(?<=[.!?][\"”’']))\s+(?=[\"“‘']?[A-Z0-9])|\n\s*\n", text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def inject(rewrite: str, original: str, kind: str, rng: random.Random, nlp) -> Injection | None:  # noqa: ANN001
    """One change of ``kind`` in a random sentence of ``rewrite`` (None when the text has nothing to change).

    The sentence is chosen first (uniformly among sentences that have a candidate), then
    a candidate within it, so long sentences full of figures are not over-represented.
    """
    if kind == "number":
        cands = [(s, e, form) for s, e, form in _number_candidates(rewrite)]
    elif kind == "date":
        cands = _date_candidates(rewrite)
    elif kind == "entity":
        cands = [(s, e, (label, t)) for s, e, label, t in _entity_candidates(rewrite, nlp)]
    elif kind == "negation":
        cands = [(s, e, (rep, form)) for s, e, rep, form in _negation_candidates(rewrite, nlp)]
    else:
        raise ValueError(kind)
    if not cands:
        return None
    by_sentence: dict[int, list] = {}
    spans = sentence_spans(rewrite)
    for c in cands:
        k = next((i for i, (s, e) in enumerate(spans) if s <= c[0] < e), -1)
        by_sentence.setdefault(k, []).append(c)
    s, e, extra = rng.choice(by_sentence[rng.choice(sorted(by_sentence))])
    old = rewrite[s:e]
    low = original.lower()
    if kind == "number":
        new, form = _new_number(old, rng), extra
    elif kind == "date":
        new, form = _new_date(old, extra, rng), extra
    elif kind == "entity":
        label, _ = extra
        new, form = _new_entity(old, label, low + " " + rewrite.lower(), rng)
    else:
        new, form = extra
    if new == old:
        return None
    text = rewrite[:s] + new + rewrite[e:]
    return Injection(kind, text, (s, s + len(new)), new, old, form)
