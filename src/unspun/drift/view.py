"""What a drift rule sees: the two versions, the sentence pairs to judge, and facts read once.

Every rule in :data:`unspun.drift.table.RULES` has one signature,
``rule(view: PairView) -> list[Change]``. ``run`` gives the rules a view of the whole
pair (every link, and a *soft* counterpart for every sentence of B the aligner left
unpaired); ``rederive`` gives them a view restricted to one finding's evidence. The
same code therefore produces a finding and re-checks it.

A :class:`Claim` is one judgement unit: sentences of A against sentences of B, with
how they were paired (``basis``):

* ``linked`` — the aligner linked them;
* ``soft`` — a sentence of B the aligner left unpaired, against its closest sentence
  of A (the pairing is a guess, so findings on it are medium at most);
* ``added`` / ``dropped`` — one side has no counterpart at all.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np

from unspun.drift.clauses import CUE_RE, Polarity, analyse, analyse_text
from unspun.drift.entities import Entity, EntityTagger, OtherText, candidate_names, normalize
from unspun.drift.lexicon import has_antonym_word
from unspun.drift.quantities import DateMention, Quantity, dates, is_unit_word, quantities
from unspun.records import Document
from unspun.limits import MAX_PARSE_CHARS
from unspun.represent.text import STOPWORDS, content_terms, stem

SOFT_MIN = 0.35
"""Blended similarity a B sentence's closest A sentence needs to be judged against it as a soft
counterpart. Chosen on the dev fold of ``bench/drift_eval.py``: at 0.4 a quarter of the
injected changes in unlinked sentences had no counterpart; below 0.3 soft pairs of
unrelated sentences start to raise value findings on clean pairs."""

VALUE_PAIR_MIN = 0.25
CONTEXT_PAIR_MIN = 0.1
"""With two or more content words shared around the value ("killed 189 people" / "killed 574
people"), sentences this little alike may still hold the same value in two versions."""
"""Similarity two sentences need for a figure, date or name that disappeared from one to be
paired with a new one in the other (outside links and soft counterparts, e.g. a rewrite
that moved a figure into another sentence). Same tuning as :data:`SOFT_MIN`."""


@dataclass(frozen=True)
class Side:
    """Sentences of one side of a claim, with their offsets in the document."""

    texts: tuple[str, ...]
    starts: tuple[int, ...]
    doc_text: str  # the whole document (for "anywhere in this version" checks)
    indices: tuple[int, ...] = ()

    @property
    def text(self) -> str:
        return " ".join(self.texts)

    def each(self) -> Iterator[tuple[str, int]]:
        return zip(self.texts, self.starts)


@dataclass(frozen=True)
class Claim:
    a: tuple[int, ...]
    b: tuple[int, ...]
    sim: float
    basis: str  # "linked" | "soft" | "added" | "dropped"


@dataclass(frozen=True)
class Change:
    """What a rule found. ``a``/``b``: the sentences it is about (None: the claim's own)."""

    type: str
    severity: str
    confidence: float
    explanation: str
    rule: str
    old: str | None = None
    new: str | None = None
    old_span: tuple[int, int] | None = None
    new_span: tuple[int, int] | None = None
    a: tuple[int, ...] | None = None
    b: tuple[int, ...] | None = None
    basis: str = "linked"
    evidence: dict = field(default_factory=dict)  # features the calibration reads


def side_of(doc: Document, idx: tuple[int, ...]) -> Side:
    return Side(tuple(doc.sentences[i].text for i in idx), tuple(doc.sentences[i].start for i in idx), doc.text, tuple(idx))


class PairView:
    """The pair as the rules see it; facts (figures, dates, names, parses) are read once per sentence."""

    def __init__(self, doc_a: Document, doc_b: Document, claims: list[Claim], sim: np.ndarray | None,
                 tagger: EntityTagger | None, restricted: bool = False) -> None:
        self.a, self.b = doc_a, doc_b
        self.claims = claims
        self._sim = sim
        self.tagger = tagger
        self.restricted = restricted
        self.warnings: list[str] = []
        self._q: dict[tuple[str, int], list[Quantity]] = {}
        self._d: dict[tuple[str, int], list[DateMention]] = {}
        self._ents: dict[str, dict[int, list[Entity]]] = {}
        self._pol: dict[tuple[str, int], Polarity] = {}
        self._prepared = False
        self._claim_of: dict[tuple[str, int], Claim] = {}
        for c in claims:
            for i in c.a:
                self._claim_of.setdefault(("a", i), c)
            for j in c.b:
                self._claim_of.setdefault(("b", j), c)
        self.linked_pairs = {(i, j) for c in claims if c.basis == "linked" for i in c.a for j in c.b}
        self.soft_pairs = {(i, j) for c in claims if c.basis == "soft" for i in c.a for j in c.b}

    # --- documents and sentences ---------------------------------------------------------
    def doc(self, side: str) -> Document:
        return self.a if side == "a" else self.b

    def sentences(self, side: str) -> tuple[int, ...]:
        """The sentences rules may look at: all of them, or a finding's evidence when restricted."""
        if self.restricted:
            return tuple(sorted({i for c in self.claims for i in (c.a if side == "a" else c.b)}))
        return tuple(range(len(self.doc(side).sentences)))

    def side(self, which: str, idx: tuple[int, ...]) -> Side:
        return side_of(self.doc(which), idx)

    def sim(self, i: int, j: int) -> float:
        if self._sim is None or self._sim.size == 0:
            return 0.5
        return float(self._sim[i, j])

    def claim_of(self, side: str, k: int) -> Claim | None:
        return self._claim_of.get((side, k))

    def pairing(self, i: int, j: int) -> str | None:
        """How sentence i of A and sentence j of B are paired: "linked", "soft", or None."""
        if (i, j) in self.linked_pairs:
            return "linked"
        if (i, j) in self.soft_pairs:
            return "soft"
        return None

    def context(self, side: str, k: int, start: int, end: int, width: int = 60) -> set[str]:
        """Content stems around a mention (sentence offsets), for pairing a value with its counterpart."""
        text = self.doc(side).sentences[k].text
        return set(content_terms(text[max(0, start - width): start] + " " + text[end: end + width]))

    def same_slot(self, i: int, a_span: tuple[int, int], j: int, b_span: tuple[int, int]) -> bool:
        """The two mentions (sentence offsets) sit in the same place of their sentences: the word
        right before them or the word right after them is the same ("858 **likes**" / "850
        **likes**", "counseling sessions seemed to work **and** Susie ..." / "... **and** Emmy").
        A value or name swapped in place keeps its neighbours; one of two different facts
        ("**Six more** athletes" / "a total **of 24** athletes") rarely does."""
        ta, tb = self.a.sentences[i].text, self.b.sentences[j].text
        before = _edge_word(ta[: a_span[0]], last=True), _edge_word(tb[: b_span[0]], last=True)
        after = _edge_word(ta[a_span[1]:], last=False), _edge_word(tb[b_span[1]:], last=False)
        return any(x is not None and x == y for x, y in (before, after))

    def may_pair(self, i: int, j: int, overlap: int) -> float | None:
        """Score for pairing a value of sentence i (A) with one of sentence j (B), or None when they are too far apart."""
        pairing = self.pairing(i, j)
        sim = self.sim(i, j)
        if pairing is None and sim < VALUE_PAIR_MIN and not (overlap >= 2 and sim >= CONTEXT_PAIR_MIN):
            return None
        return {"linked": 2.0, "soft": 1.0}.get(pairing or "", 0.0) + sim + 0.1 * min(overlap, 3)

    def judged(self, bases: tuple[str, ...] = ("linked", "soft")) -> list[Claim]:
        return [c for c in self.claims if c.basis in bases]

    @functools.cached_property
    def _story_year(self) -> tuple[int | None, str]:
        from unspun.drift.anachronism import story_year  # here: anachronism imports this module

        return story_year(self.a, self.b)

    @property
    def story_year(self) -> int | None:
        """The story's year (read on first use: only a defunct name B introduces needs it)."""
        return self._story_year[0]

    @property
    def story_year_source(self) -> str:
        """Where :attr:`story_year` came from ("published 2013-05-01", "the latest year the texts state")."""
        return self._story_year[1]

    # --- facts ---------------------------------------------------------------------------
    def quantities(self, side: str, k: int) -> list[Quantity]:
        key = (side, k)
        if key not in self._q:
            self._q[key] = quantities(self.doc(side).sentences[k].text, [(d.start, d.end) for d in self.dates(side, k)])
        return self._q[key]

    def dates(self, side: str, k: int) -> list[DateMention]:
        key = (side, k)
        if key not in self._d:
            self._d[key] = dates(self.doc(side).sentences[k].text)
        return self._d[key]

    def other_text(self, side: str) -> OtherText:
        """The index of ``side``'s document text (for "is this name in there?")."""
        return OtherText.of(self.doc(side).text)

    def name_keys(self, side: str) -> set[str]:
        return name_keys(self.doc(side))

    def prepare(self) -> None:
        """Run spaCy once for the pair: NER on the sentences that can yield an entity finding, the
        parse on the sentences of claims that carry a negation or opposite words."""
        if self.tagger is None or self._prepared:
            return
        self._prepared = True
        want: dict[tuple[str, int], list[bool]] = {}
        for side in ("a", "b"):
            for k in self._ner_needed(side):
                want.setdefault((side, k), [False, False])[0] = True
        for claim in self.judged(("linked", "soft")):
            ta, tb = self.side("a", claim.a).text, self.side("b", claim.b).text
            if CUE_RE.search(ta) or CUE_RE.search(tb) or (has_antonym_word(ta.lower()) and has_antonym_word(tb.lower())):
                for side, idx in (("a", claim.a), ("b", claim.b)):
                    for k in idx:
                        want.setdefault((side, k), [False, False])[1] = True
        long = [key for key, (_, parse) in want.items() if parse and len(self.doc(key[0]).sentences[key[1]].text) > MAX_PARSE_CHARS]
        for key in long:  # the polarity analysis of a parse grows faster than linearly with sentence length
            want[key][1] = False
            self._pol[key] = analyse_text(self.doc(key[0]).sentences[key[1]].text)
        if long:
            self.warnings.append(f"{len(long)} sentence(s) longer than {MAX_PARSE_CHARS:,} characters were checked for "
                                 "negation by their words only (not parsed)")
        keys = sorted(k for k, (ner, parse) in want.items() if ner or parse)
        for side in ("a", "b"):
            self._ents.setdefault(side, {})
        if not keys:
            return  # nothing to tag or parse: spaCy is not even loaded
        results = self.tagger.analyse([self.doc(side).sentences[k].text for side, k in keys],
                                      [want[key][0] for key in keys], [want[key][1] for key in keys])
        for side in ("a", "b"):
            self._ents.setdefault(side, {})
        for key, (ents, doc) in zip(keys, results):
            if ents is not None:
                self._ents[key[0]][key[1]] = ents
            if doc is not None:
                self._pol[key] = analyse(doc)

    def polarity(self, side: str, k: int) -> Polarity:
        """Negations and their targets in one sentence (parsed on first use)."""
        key = (side, k)
        if key not in self._pol:
            text = self.doc(side).sentences[k].text
            docs = self.tagger.parse([text]) if self.tagger is not None and len(text) <= MAX_PARSE_CHARS else None
            self._pol[key] = analyse(docs[0]) if docs else analyse_text(text)
        return self._pol[key]

    def polarities(self, side: str, idx: tuple[int, ...]) -> list[Polarity]:
        """Polarity of several sentences, parsed in one batch."""
        self.prepare()
        todo = [k for k in idx if (side, k) not in self._pol]
        if todo and self.tagger is not None:
            docs = self.tagger.parse([self.doc(side).sentences[k].text for k in todo])
            if docs:
                for k, d in zip(todo, docs):
                    self._pol[(side, k)] = analyse(d)
        return [self.polarity(side, k) for k in idx]

    def _ner_needed(self, side: str) -> list[int]:
        """Sentences with a capitalised name the other version lacks anywhere, or that its paired
        sentence lacks while the paired sentence has a name this one lacks (a possible swap)."""
        other_side = "b" if side == "a" else "a"
        other = self.doc(other_side).text.lower().replace("’", "'")
        sents = self.doc(side).sentences
        out = []
        for k in self.sentences(side):
            text = sents[k].text
            if needs_ner(text, other):
                out.append(k)
                continue
            local = self._counterpart(side, k)
            if local and needs_ner(text, local) and any(needs_ner(self.doc(other_side).sentences[x].text, text.lower())
                                                        for x in self.paired_with(side, k)):
                out.append(k)
        return out

    def paired_with(self, side: str, k: int) -> tuple[int, ...]:
        """The other version's sentences linked or soft-paired with sentence k of ``side``."""
        claim = self.claim_of(side, k)
        if claim is None or claim.basis not in ("linked", "soft"):
            return ()
        return claim.b if side == "a" else claim.a

    def _counterpart(self, side: str, k: int) -> str:
        """The lower-cased text of the sentences paired with sentence k ("" when none)."""
        other_side = "b" if side == "a" else "a"
        return " ".join(self.doc(other_side).sentences[x].text for x in self.paired_with(side, k)).lower().replace("’", "'")

    def entities(self, side: str, k: int, *, tag: bool = False) -> list[Entity]:
        """Named entities of a sentence — only for sentences that can yield an entity finding
        (:meth:`_ner_needed`), tagged in one batch; ``tag=True`` tags any other sentence on demand."""
        if self.tagger is None:
            return []
        self.prepare()
        if tag and k not in self._ents[side]:
            self._ents[side][k] = self.tagger.tag([self.doc(side).sentences[k].text])[0]
        return self._ents[side].get(k, [])


_SLOT_SKIP = frozenset({"the", "a", "an"})
_SLOT_WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")


def _edge_word(text: str, last: bool) -> str | None:
    """The word next to a mention (articles skipped), lower-cased and stemmed; None when a clause
    boundary comes first."""
    part = text[-60:] if last else re.sub(r"^['’]s?\b", "", text[:60])  # "Russia's justice": the word is "justice"
    stop = re.search(r"[.;:!?()\[\]]", part[::-1] if last else part)
    if stop:
        part = part[len(part) - stop.start():] if last else part[: stop.start()]
    words = [w.lower() for w in _SLOT_WORD.findall(part) if w.lower() not in _SLOT_SKIP]
    if not last and len(words) > 1 and is_unit_word(words[0]):
        words = words[1:]  # "a 20 minute drive" / "10 minutes to spare": the unit is no slot, what it measures is
    if not words:
        return None
    return stem(words[-1] if last else words[0])


_TITLE_WORDS = frozenset("mr mrs ms miss dr prof sir dame lord lady st".split())


def needs_ner(sentence: str, other_text_lower: str) -> bool:
    """Only a sentence with a name (a word of one) the other version lacks can yield an entity finding.

    Titles do not count ("Mr Bates" / "Mr. Bates"), nor a lone capitalised word opening the
    sentence that is a plain word elsewhere ("Following", "Obviously")."""
    for name, start, _ in candidate_names(sentence):
        words = [w.strip(".,'’").lower() for w in name.split()]
        words = [w.removesuffix("'s").removesuffix("’s") for w in words if w and w not in _TITLE_WORDS]
        if not words:
            continue
        other_words = _words_of(other_text_lower)
        if start == 0 and len(words) == 1 and (words[0].endswith(("ly", "ing", "ed")) or words[0] in other_words
                                               or (not name.isupper() and re.split(r"['’]", words[0])[0] in STOPWORDS)):
            continue  # "Despite", "I'm", "There" open a sentence; "US" may be a name
        if any(w not in other_words for w in words):
            return True
    return False


@functools.lru_cache(maxsize=512)
def _words_of(text_lower: str) -> frozenset[str]:
    """Whole words of a text ("west" is not in "western"), possessives also without their "'s"."""
    ws = re.findall(r"[^\W_][\w'’.-]*[^\W_]|[^\W_]", text_lower)
    return frozenset(ws) | {w.removesuffix("'s").removesuffix("’s").rstrip(".") for w in ws}


_KEYS: dict[str, set[str]] = {}


def name_keys(doc: Document) -> set[str]:
    """Normalised capitalised names of a document (cached by text: a corpus compares one document many times)."""
    hit = _KEYS.get(doc.text)
    if hit is None:
        hit = {normalize(n) for s in doc.sentences for n, _, _ in candidate_names(s.text)}
        if len(_KEYS) > 256:
            _KEYS.clear()
        _KEYS[doc.text] = hit
    return hit
