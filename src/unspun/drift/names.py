"""Names: people, organisations and places B swapped, added or dropped.

A name counts as mentioned by the other version through aliases, acronyms, surnames,
spelling variants, accents and demonyms (:func:`unspun.drift.entities.mention_degree`),
but as a whole phrase: "West Germany" is not mentioned by a text that says "Germany"
and "west", and "Rachel Johnson" is not "Boris Johnson".

Like figures, names are matched over the whole pair: a name of A the rewrite no longer
gives and a new name of B in a linked, soft-paired or similar sentence are one swap
(``entity_changed``); a new person or organisation with no counterpart is
``entity_added`` at medium; a name B drops is ``entity_removed`` (medium only for a
person or organisation of a linked sentence that B does not refer to in other words).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from unspun.drift.entities import GENERIC as _GENERIC_WORDS
from unspun.drift.entities import (
    QUALIFIERS,
    Entity,
    OtherText,
    candidate_names,
    different_names,
    mention_degree,
    nested_places,
    _TITLES,
    strip_accents,
)
from unspun.drift.values import HIGH_CONTEXT, greedy_pairs
from unspun.drift.view import Change, PairView
from unspun.represent.text import STOPWORDS

_IMPORTANT = {"PERSON", "ORG", "GPE", "NAME", "FAC"}
_ACTORS = {"PERSON", "ORG", "NAME", "FAC"}
_FAMILY = {"PERSON": "person", "ORG": "org", "FAC": "org", "GPE": "place", "LOC": "place", "NORP": "group", "EVENT": "event"}

_BODY_WORDS = (
    r"agency|bureau|company|firm|group|organi[sz]ation|department|ministry|government|administration|authority|authorities|"
    r"council|committee|commission|court|party|club|team|side|country|nation|state|city|region|province|bank|union|board|"
    r"body|regulator|watchdog|police|force|service|institute|university|school|hospital|charity|network|broadcaster|"
    r"newspaper|paper|station|channel|airline|carrier|manufacturer|maker|retailer")
_PERSON_WORDS = (
    r"president|minister|prime minister|premier|chancellor|leader|chief|boss|spokesman|spokeswoman|spokesperson|official|"
    r"officials|singer|actor|actress|star|player|striker|coach|manager|suspect|victim|man|woman|boy|girl|couple|pm|"
    r"person|guitarist|laureate|diplomat|envoy|ambassador|rapper|musician|champion|family|father|mother|son|daughter|"
    r"husband|wife|brother|sister|senator|governor|mayor|judge|officer|author|writer|artist|director|founder|chairman|"
    r"ceo|executive")
_ARTICLE = r"(?:the |a |an |its |their |his |her )?(?:[a-z]+ )?"
# Words by which a version refers to a named person or body without naming it.
_REFERS_TO_PERSON = re.compile(r"\b(?:he|she|him|her|his|they|them|their|" + _ARTICLE + r"(?:" + _PERSON_WORDS + r"))\b", re.I)
_REFERS_TO_BODY = re.compile(r"\b(?:it|its|they|them|their|" + _ARTICLE + r"(?:" + _BODY_WORDS + r"))\b", re.I)
_REFERRING = re.compile(_REFERS_TO_PERSON.pattern + "|" + _REFERS_TO_BODY.pattern, re.I)


def _family(label: str) -> str:
    return _FAMILY.get(label, "name")


_QUALIFIER = "(?:" + "|".join(q.capitalize() for q in sorted(QUALIFIERS)) + ")"  # "West", "North", ... as written in a name
_QUALIFIED_NAME = re.compile(r"\b" + _QUALIFIER + r"\s+[A-Z]")


def _swappable(e: Entity, f: Entity) -> bool:
    """Names of one family, or a country and a nationality ("Russia's ministry" / "the Portuguese
    ministry"): what may stand in one slot."""
    return _family(e.label) == _family(f.label) or {_family(e.label), _family(f.label)} == {"place", "group"}


def _kind(label: str) -> str:
    return {"PERSON": "a person", "ORG": "an organisation", "GPE": "a place", "LOC": "a place", "NORP": "a group",
            "FAC": "a facility", "EVENT": "an event"}.get(label, "a name")


def _title_case(text: str) -> bool:
    """Headline-style capitalisation, where the tagger's entity spans are unreliable."""
    ws = re.findall(r"[A-Za-z][a-z]+", text)
    return len(ws) >= 3 and sum(w[0].isupper() for w in ws) >= 0.6 * len(ws)


_FUNCTION_OR_VERB = frozenset(
    """and or but to of for with which who that have has had is are was were will would could can may might must
    shall should said says say told agreed agrees plans plan wants want is also has not did does do sent send
    signed approved backed joined offered announced warned called urged""".split()
)


def claim_role(doc_text: str, start: int, end: int) -> bool:
    """A place or group the claim is about ("West Germany ... agreed to send", "a prison in rural
    Tasmania") rather than a modifier of another name ("India's Modi", "US Senate", "Columbus,
    Ohio", "Spanish government", a dateline "Russia: ...")."""
    before = doc_text[max(0, start - 25): start]
    after = doc_text[end: end + 20]
    nxt = re.match(r"\s+([a-z]+)", after)
    if re.match(r"['’]s?\b", after) or (nxt and nxt.group(1) not in _FUNCTION_OR_VERB and not nxt.group(1).endswith("ed")):
        return False  # possessive or adjective: "India's Modi", "Pakistan coach"
    if re.match(r"\s*:|\s+[A-Z]", after):
        return False  # a dateline ("Russia: Syria agrees") or a modifier ("US Senate")
    if re.search(r"[A-Z][\w-]+,\s*$", before):
        return False  # apposition after another place: "Columbus, Ohio"
    return True


_ROLES = frozenset(
    """president premier minister pm chancellor secretary senator governor mayor leader chief ceo chairman chairwoman boss
    coach manager spokesman spokeswoman spokesperson director founder guitarist singer actor actress star author writer
    laureate judge general king queen prince princess pope envoy ambassador diplomat captain striker player""".split()
)


def _untitled(name: str) -> list[str]:
    """The words of a name, lower-cased, without leading titles ("Sir Harry H Johnston" -> harry h johnston)."""
    words = strip_accents(name.lower()).split()
    while len(words) > 1 and words[0].strip(".") in _TITLES:
        words = words[1:]
    return words


def _variant(e: Entity, f: Entity) -> bool:
    """Every word by which the two names differ has a look-alike in the other ("Britain"/"Britains",
    "Rowhani"/"Rohani"); "American Stock Exchange" / "Philadelphia Stock Exchange" differ for real."""
    te, tf = _untitled(e.text), _untitled(f.text)
    if len(te) >= 2 and len(tf) >= 2 and te[-1] == tf[-1] and te[0][:3] == tf[0][:3]:
        return True  # "Nicholas Machiavelli" / "Niccolò Machiavelli": one person, two spellings
    we, wf = set(e.text.lower().split()), set(f.text.lower().split())
    de, df = we - wf, wf - we
    if not de or not df:
        return False

    def alike(x: str, y: str) -> bool:
        return fuzz.ratio(x, y) >= 75 or (min(len(x), len(y)) >= 5 and x[:4] == y[:4])

    return all(any(alike(x, y) for y in df) for x in de) and all(any(alike(y, x) for x in de) for y in df)


def _cores_in_pairs(view: PairView, j: int, f: Entity) -> list[tuple[int, Entity]]:
    """The unqualified name ("Germany" for "West Germany") where A's sentences paired with B's sentence
    j give it, found by its capitalised words (those sentences may not have been tagged)."""
    words = f.text.split()
    if len(words) < 2 or words[0].lower() not in QUALIFIERS:
        return []
    core = " ".join(words[1:])
    out = []
    for i in view.sentences("a"):
        if view.pairing(i, j):
            m = re.search(r"(?<![\w-])" + re.escape(core) + r"(?![\w-])", view.a.sentences[i].text)
            before = view.a.sentences[i].text[: m.start()] if m else ""
            if m and not re.search(r"\b(?:" + re.escape(words[0]) + "|" + re.escape(words[0][0]) + r"\.)\s*$", before):
                out.append((i, Entity(core, f.label, m.start(), m.end())))
    return out


def _generic(e: Entity) -> bool:
    """Generic words tagged as a name ("State" in "Secretary of State", "City Council"), or a citation."""
    words = [w.strip(".,") for w in e.text.lower().split()]
    if any(ch.isdigit() for ch in e.text):
        return True  # "U.S. 531" is a case citation, not a name
    return all(w in _GENERIC_WORDS or w in STOPWORDS for w in words)


def _described(view: PairView, j: int, a_idx: tuple[int, ...], f: Entity) -> bool:
    """B gives a name with its role ("Premier Li") where A's counterpart only describes someone
    ("China's new PM") and names no one of that kind."""
    before = view.b.sentences[j].text[max(0, f.start - 30): f.start].lower().split()
    if not any(w.strip(",.") in _ROLES for w in before[-2:]):
        return False
    if any(_names_of_kind(e, f) for i in a_idx for e in view.entities("a", i)):
        return False
    text = view.side("a", a_idx).text
    if any(n for n, _, _ in candidate_names(text) if n.split()[-1].lower() in f.text.lower()):
        return False
    return (_REFERS_TO_PERSON if f.label == "PERSON" else _REFERS_TO_BODY).search(text) is not None


_PERSON_NOUN = re.compile(r"\b(?:" + _PERSON_WORDS + r")\b", re.I)
_BODY_NOUN = re.compile(r"\b(?:" + _BODY_WORDS + r")\b", re.I)


def _description_replaced(view: PairView, j: int, a_idx: tuple[int, ...], f: Entity) -> bool:
    """A's paired sentence describes someone or some body of B's new name's kind ("the atomic
    agency") with a word B's sentence no longer has ("IAEA, Iran to hold talks"), and names no
    one of that kind: B put the name where A had the description."""
    rx = _PERSON_NOUN if f.label == "PERSON" else _BODY_NOUN
    b_words = {m.group(0).lower() for m in rx.finditer(view.b.sentences[j].text)}
    if not any(m.group(0).lower() not in b_words for m in rx.finditer(view.side("a", a_idx).text)):
        return False
    # A names someone of that kind: B's name is another one, not the described one
    return not any(_names_of_kind(e, f) for i in a_idx for e in view.entities("a", i, tag=True))


def _names_of_kind(e: Entity, f: Entity) -> bool:
    """``e`` may name someone of ``f``'s kind: the same family, or an organisation where ``f`` is a
    person (the small tagger often reads a surname as an organisation: "Dr Kutlubay said")."""
    return _family(e.label) == _family(f.label) or (f.label == "PERSON" and e.label == "ORG")


def _dedupe(items: list[tuple[int, Entity, float]]) -> list[tuple[int, Entity, float]]:
    seen, out = set(), []
    for item in items:
        if item[1].key not in seen:
            seen.add(item[1].key)
            out.append(item)
    return out


def _qualified(f: Entity, e: Entity) -> bool:
    """``f`` is ``e`` with a qualifier added or swapped ("Germany" -> "West Germany", "North Korea" -> "South Korea")."""
    tf, te = f.text.split(), e.text.split()
    core_f = tf[1:] if tf and tf[0].lower() in QUALIFIERS else tf
    core_e = te[1:] if te and te[0].lower() in QUALIFIERS else te
    return [w.lower() for w in core_f] == [w.lower() for w in core_e] and tf != te


def entity_changes(view: PairView) -> list[Change]:
    ents_a = [(i, e) for i in view.sentences("a") for e in view.entities("a", i)]
    ents_b = [(j, f) for j in view.sentences("b") for f in view.entities("b", j)]
    if not ents_a and not ents_b:
        return []
    keys_a = view.name_keys("a") | {e.key for _, e in ents_a}
    keys_b = view.name_keys("b") | {f.key for _, f in ents_b}
    other_a, other_b = view.other_text("a"), view.other_text("b")
    doc_a, doc_b = view.a, view.b

    def lenient(side: str, k: int) -> bool:
        return _title_case(view.doc(side).sentences[k].text)

    ents_a = [(i, e) for i, e in ents_a if not _generic(e)]
    ents_b = [(j, f) for j, f in ents_b if not _generic(f)]
    removed = _dedupe([(i, e, d) for i, e in ents_a if (d := mention_degree(e, other_b, keys_b)) < 1.0 and not (lenient("a", i) and d > 0)])
    added = _dedupe([(j, f, d) for j, f in ents_b if (d := mention_degree(f, other_a, keys_a)) < 1.0 and not (lenient("b", j) and d > 0)])

    # Swap candidates: a name of A gone from B (or, in a linked pair, from B's linked sentences:
    # "in London" -> "in Peru" while London stays elsewhere in B), against a new name of B.
    gone = {(i, e.key): (i, e, d) for i, e, d in removed}
    for i, e in ents_a:
        claim = view.claim_of("a", i)
        if claim is None or claim.basis != "linked" or (i, e.key) in gone:
            continue
        local = OtherText(" ".join(view.doc("b").sentences[j].text for j in claim.b))
        if mention_degree(e, local, set()) == 0:
            gone[(i, e.key)] = (i, e, 1.0)
    cands = []
    for ka, (i, e, de) in enumerate(gone.values()):
        for kb, (j, f, df) in enumerate(added):
            pairing = view.pairing(i, j)
            if _family(e.label) != _family(f.label) and "NAME" not in (e.label, f.label):
                continue
            if de >= 1.0 and pairing != "linked":
                continue  # the name is elsewhere in B: only a linked sentence shows it was replaced here
            if 0 < de < 1.0 and not different_names(e, f):
                continue  # "Saudi" for "Saudi Arabia": a partial mention, not a swap
            if _variant(e, f):
                continue  # "British" / "Britains": one name, spelt two ways
            overlap = len(view.context("a", i, e.start, e.end) & view.context("b", j, f.start, f.end))
            score = view.may_pair(i, j, overlap)
            if score is not None:
                cands.append((score, ka, kb))
    gone_list = list(gone.values())
    out: list[Change] = []
    matched_a, matched_b = greedy_pairs(cands)
    used_a, used_b = set(matched_a), set(matched_b)
    for ka, kb in zip(matched_a, matched_b):
        (i, e, de), (j, f, df) = gone_list[ka], added[kb]
        pairing = view.pairing(i, j) or "soft"
        context = len(view.context("a", i, e.start, e.end) & view.context("b", j, f.start, f.end))
        severity = "high" if (pairing == "linked" and e.label in _IMPORTANT and df == 0 and context >= HIGH_CONTEXT
                              and view.same_slot(i, (e.start, e.end), j, (f.start, f.end))) else "medium"
        if e.label == "PERSON" and len(e.text.split()) == 1 and len(f.text.split()) == 1:
            severity = "medium"  # "Saddam" / "Hussein": one word each may be two names of one person
        what = ", which A never mentions." if df == 0 else "."
        if nested_places(e.text, f.text):
            severity, what = "low", " (one place lies inside the other)."
        out.append(_change("entity_changed", severity, f"{_kind(e.label).capitalize()} “{e.text}” became “{f.text}”{what}",
                           "entities.changed.v2", view, i, e, j, f, pairing))
    # A qualified variant of a name A gives in the paired sentence ("Germany" -> "West Germany").
    for kb, (j, f, df) in enumerate(added):
        if kb in used_b:
            continue
        for i, e in ents_a + _cores_in_pairs(view, j, f):
            if view.pairing(i, j) and _qualified(f, e):
                used_b.add(kb)
                out.append(_renamed(view, i, e, j, f))
                break
    # The same, where the tagger missed B's qualified name ("Leaving West Hednesford was tough"
    # tags nothing): B writes a qualifier before a name A's paired sentence gives, and A never
    # writes the qualified name.
    reported = {(c.b, c.new) for c in out if c.type == "entity_changed"}
    a_lower = view.a.text.lower()
    for j in view.sentences("b"):
        text_b = view.b.sentences[j].text
        if not _QUALIFIED_NAME.search(text_b):
            continue
        for i in view.paired_with("b", j):
            for e in view.entities("a", i, tag=True):
                m = re.search(r"\b" + _QUALIFIER + r"\s+" + re.escape(e.text) + r"\b", text_b)
                if m is None or m.group(0).lower() in a_lower or ((j,), m.group(0)) in reported:
                    continue
                f = Entity(m.group(0), e.label, m.start(), m.end())
                reported.add(((j,), f.text))
                out.append(_renamed(view, i, e, j, f))
    # A name in the very place where the paired sentence of A has another of its kind, which B
    # still mentions elsewhere or in another form ("Canadian diplomatic staff" / "Peruvian
    # diplomatic representatives ... immigration to Canada"): a swap, medium.
    swapped_here: set[tuple[int, str]] = set()
    for kb, (j, f, df) in enumerate(added):
        if kb in used_b or df > 0:
            continue
        paired = [(i, e) for i in view.paired_with("b", j) for e in view.entities("a", i, tag=True) if not _generic(e)]
        for i, e in paired:
            pairing = view.pairing(i, j)
            if (pairing and _swappable(e, f) and not _variant(e, f)
                    and e.text.lower() not in view.b.sentences[j].text.lower()
                    and view.same_slot(i, (e.start, e.end), j, (f.start, f.end))):
                used_b.add(kb)
                swapped_here.add((i, e.key))
                out.append(_change("entity_changed", "medium", f"{_kind(e.label).capitalize()} “{e.text}” became “{f.text}” here.",
                                   "entities.changed.v2", view, i, e, j, f, pairing))
                break
    for kb, (j, f, df) in enumerate(added):
        if kb in used_b:
            continue
        claim = view.claim_of("b", j)
        basis = claim.basis if claim else "added"
        start = doc_b.sentences[j].start + f.start
        # A person or organisation A never names is news wherever B puts it; a new place or group
        # where a claim B restates is about it ("West Germany agreed to send", "in rural
        # Tasmania"), not where it modifies another name ("Columbus, Ohio", "India's Modi":
        # STS-B paraphrases are full of those).
        actor = f.label in _ACTORS or (basis in ("linked", "soft") and claim_role(doc_b.text, start, start + len(f.text)))
        severity = "medium" if df == 0 and actor else "low"
        if severity == "medium" and basis in ("linked", "soft") and f.label in ("PERSON", "ORG") and (
                _described(view, j, claim.a, f) or _description_replaced(view, j, claim.a, f)):
            severity = "low"  # A describes whom B names ("China's new PM" / "Premier Li", "atomic agency" / "IAEA")
        out.append(Change(
            "entity_added", severity, 0.0, f"B names {_kind(f.label)} “{f.text}” that A never mentions.", "entities.added.v2",
            None, f.text, None, (start, start + len(f.text)), a=claim.a if claim and basis != "added" else (), b=(j,), basis=basis,
            evidence={"label": f.label, "degree": df}))
    for ka, (i, e, de) in enumerate(gone_list):
        if ka in used_a or de >= 1.0 or (i, e.key) in swapped_here:
            continue
        claim = view.claim_of("a", i)
        basis = claim.basis if claim else "dropped"
        start = doc_a.sentences[i].start + e.start
        referred = claim is not None and basis == "linked" and _REFERRING.search(view.side("b", claim.b).text) is not None
        severity = "medium" if basis == "linked" and de == 0 and e.label in ("PERSON", "ORG", "NAME") and not referred else "low"
        out.append(Change(
            "entity_removed", severity, 0.0, f"A names {_kind(e.label)} “{e.text}” that B never mentions.", "entities.removed.v2",
            e.text, None, (start, start + len(e.text)), None, a=(i,), b=claim.b if claim and basis == "linked" else (), basis=basis,
            evidence={"label": e.label, "degree": de, "referred": referred}))
    return out


def _renamed(view: PairView, i: int, e: Entity, j: int, f: Entity) -> Change:
    """``f`` is ``e`` with a qualifier ("Germany" -> "West Germany"): another name, high on a link."""
    pairing = view.pairing(i, j) or "soft"
    return _change("entity_changed", "high" if pairing == "linked" else "medium",
                   f"{_kind(e.label).capitalize()} “{e.text}” became “{f.text}”, a different name.",
                   "entities.changed.v2", view, i, e, j, f, pairing)


def _change(kind: str, severity: str, explanation: str, rule: str, view: PairView, i: int, e: Entity, j: int, f: Entity,
            pairing: str) -> Change:
    sa, sb = view.a.sentences[i].start + e.start, view.b.sentences[j].start + f.start
    return Change(kind, severity, 0.0, explanation, rule, e.text, f.text, (sa, sa + len(e.text)), (sb, sb + len(f.text)),
                  a=(i,), b=(j,), basis=pairing, evidence={"sim": view.sim(i, j), "label": f.label})

