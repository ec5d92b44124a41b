"""Claims inside a sentence: which predicates are negated, which sit in a condition or a question.

Built on spaCy's dependency parse (the ``ner`` extra ships en_core_web_sm, which has a
parser). A negation belongs to the word it attaches to — its *target* ("did not
**approve**", "**no** evidence", "**failed** to win" -> win) — so two versions can be
compared claim by claim instead of counting "not"s over whole sentences:

* explicit negations: ``not``/``n't``/``never`` (dependency ``neg``), ``no``/``none``/
  ``nobody``/``nothing``/``neither``/``nor``/``without``, "no longer", "has yet to";
* *absorbers*: words that say the same thing without a "not" — implicit negatives
  ("failed to", "refused to", "declined to", "denied", "unable to", "lack") and
  negative-prefix adjectives ("unbeaten", "illegal"). They never raise a finding
  themselves; they stand for a negation the other version wrote out ("have not lost"
  = "are unbeaten");
* idioms are no negation ("not only", "no doubt", "don't miss", "not-for-profit").

Without spaCy a regular-expression fallback finds the cues but no targets; rules then
only report flips whose negated word is found, un-negated, in the other version.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from unspun.represent.text import stem

NEG_WORDS = frozenset({"not", "n't", "never", "no", "none", "nobody", "nothing", "neither", "nor", "without", "cannot", "nowhere"})
IMPLICIT = frozenset({"fail", "refuse", "decline", "deny", "reject", "lack", "unable", "inability", "neglect", "avoid", "refute", "dismiss",
                      "rarely", "hardly", "seldom", "barely", "scarcely", "doubt",
                      "prohibit", "ban", "forbid", "bar", "prevent", "absent", "cease", "halt", "abandon", "scrap"})
_IMPLICIT_XCOMP = frozenset({"fail", "refuse", "decline", "neglect", "unable"})
IDIOMS = re.compile(
    r"\b(?:not only|not just|not least|not to mention|no doubt|no wonder|no matter|nothing but|none other than|"
    r"(?:do|does|did)(?: not|n't) miss|don't miss|never mind|no-one|not-for-profit|non-profit|no-go|no-fly|no-nonsense|"
    r"not yet|can(?:no|')t help but|could(?: not|n't) help but|no less than|no more than|not until|never before|"
    r"not surprisingly|fear not|more often th[ae]n not|can'?t help but|cannot help but|can'?t recommend [^.]{0,40}enough|"
    r"cannot recommend [^.]{0,40}enough|not once|not twice|why (?:don't|do not|doesn't|does not|didn't|not)\b|"
    r"(?:can(?:no|')t|can not|could(?: not|n't)) wait|"  # "can't wait for the season": eager, not a denial
    r"(?:could|can)(?:n't| not|not) (?:be|have been) (?:any )?(?:more|happier|better|prouder|easier)\b|"  # "couldn't be more friendly"
    r"\w+n't (?:just|only)\b|"  # "isn't just cheap" = "not only cheap"
    r"no stranger to|nothing short of|no small (?:feat|part|measure|amount)|not a little|not unlike|not without)\b"
    # tag questions ("didn't we, Duncan."): they end in punctuation, so outside the closing \b
    r"|\b(?:didn't|don't|doesn't|isn't|aren't|wasn't|weren't|won't|can't|haven't|hasn't) (?:we|you|they|it|he|she|i|there)\b"
    r"[^.?!]{0,20}[?.!,]",
    re.I,
)
_NEG_PREFIX = re.compile(r"^(?:un|non-?|dis)[a-z]{4,}$|^(?:il|im|in|ir)(?:legal|possible|adequate|sufficient|valid|complete|accurate|eligible|"
                         r"regular|relevant|capable|conclusive|effective|proper|moral|precise|decisive|consistent|correct|appropriate|secure|"
                         r"active|ability|accessible|competent|credible|responsible|mature|balanced)$")
_NEG_SUFFIX = re.compile(r"^[a-z]{3,}(?:-free|less)$")
_NOT_NEG_PREFIX = frozenset(
    """united unique uniform universal union unit units university universities unanimous understand understood under
    underway undergo underlying undertaking uniformed unilateral unprecedented distinct distinctive distinguished
    dismal disastrous discrete display distant district diverse dismissed discussed unless nevertheless regardless
    bless unbless""".split()
)
_CONDITIONAL_MARKS = frozenset({"if", "unless", "whether", "lest"})
REPORTING = frozenset({"say", "tell", "claim", "add", "state", "report", "announce", "insist", "argue", "write", "note",
                       "explain", "warn", "suggest", "believe", "think", "confirm", "reveal", "admit", "acknowledge"})


class Tok(NamedTuple):
    """One word of a parsed sentence."""

    text: str
    lemma: str
    pos: str
    idx: int  # offset in the sentence
    head: int  # token index of the head
    in_scope: bool  # inside a negation's scope
    conditional: bool  # inside an if/unless/whether clause
    dep: str
    i: int
    scopes: int = 0  # how many negations it is inside ("not suggesting it shouldn't be allowed": 2)


@dataclass(frozen=True)
class Negation:
    cue: str
    span: tuple[int, int]  # offsets of ``phrase`` in the sentence
    phrase: str  # the cue with its verb ("did not approve"), or the cue alone
    target: str  # lemma of the negated word ("" when unknown)
    target_i: int  # token index of the target (-1 when unknown)
    main: bool  # the target is the sentence's main claim (root, its conjunct, or what a source said)
    conditional: bool
    absorber: bool  # implicit or prefixed negative: stands for a negation, never reported
    until: str = ""  # "not ... until October": the word after "until" (the claim is "only from then", see negation_flips)


@dataclass(frozen=True)
class Polarity:
    """One sentence: its negations and, per content lemma, whether it is said plainly somewhere."""

    negations: tuple[Negation, ...]
    plain: frozenset[str]  # lemmas (and stems) that occur outside any negation's scope
    negated: frozenset[str]  # lemmas (and stems) that occur inside a negation's scope
    main_negated: bool  # the main claim is negated (or absorbed)
    question: bool
    parsed: bool
    prep_heads: dict = field(default_factory=dict)  # preposition index -> its head index
    tokens: tuple["Tok", ...] = ()
    held: tuple[Negation, ...] = ()  # "not ... until X" negations, left out of everything else

    def held_against(self, other: str) -> tuple[Negation, ...]:
        """The held "not ... until X" negations whose "until X" the other version states too: "would be
        closed until October" / "won't be closed until October" is a flip."""
        low = other.lower()
        return tuple(n for n in self.held if re.search(r"\b(?:until|till) (?:\w+ ){0,2}?" + re.escape(n.until) + r"\b", low))

    def words(self) -> frozenset[str]:
        return self.plain | self.negated


def _keys(lemma: str, text: str) -> set[str]:
    return {lemma.lower(), stem(text.lower()), stem(lemma.lower())}


def idiom_spans_of(text: str) -> list[tuple[int, int]]:
    """Where the idioms of :data:`IDIOMS` sit ("can’t wait" with a typographic apostrophe too)."""
    return [m.span() for m in IDIOMS.finditer(text.replace("’", "'"))]


def analyse(doc) -> Polarity:  # noqa: ANN001
    """Polarity of one parsed sentence (a spaCy ``Doc``)."""
    text = doc.text
    idiom_spans = idiom_spans_of(text)

    def in_idiom(tok) -> bool:  # noqa: ANN001
        return any(s <= tok.idx < e for s, e in idiom_spans)

    # The heads of a condition's "if"/"unless" or of a "why" (found once; ``conditional`` is asked per token).
    marked = {c.head.i for c in doc if c.head is not c and ((c.dep_ == "mark" and c.lower_ in _CONDITIONAL_MARKS)
                                                          or (c.dep_ == "advmod" and c.lower_ == "why"))}

    def conditional(tok) -> bool:  # noqa: ANN001
        for anc in [tok, *tok.ancestors]:
            if anc.i in marked:
                return True  # a condition or a "why" question is no claim
            if anc.dep_ in ("advcl", "ROOT") and anc is not tok:
                break
        return False

    def is_main(tok) -> bool:  # noqa: ANN001
        if tok.dep_ == "ROOT":
            return True
        if tok.dep_ == "conj" and tok.head.dep_ == "ROOT":
            return True
        head = tok.head
        return tok.dep_ in ("ccomp", "xcomp") and head.dep_ in ("ROOT", "conj") and head.lemma_.lower() in REPORTING

    negs: list[Negation] = []
    for tok in doc:
        low = tok.lower_
        if in_idiom(tok):
            continue
        target = None
        absorber = False
        if low == "no" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "longer":
            longer = doc[tok.i + 1]
            target = longer.head if longer.head is not longer else tok.head
            if target is tok or target is longer:
                target = tok.head.head
        elif tok.dep_ == "neg" or low in ("not", "n't", "never", "cannot"):
            target = tok.head
            if target.dep_ in ("aux", "auxpass") and target.head is not target:
                target = target.head  # "is" + "n't" attached to the auxiliary: the claim is the verb
            if target.pos_ in ("ADV", "ADP", "SCONJ") and target.head is not target:
                target = target.head  # "erected not directly after the war": the claim is the erecting
        elif low in ("no", "none", "nobody", "nothing", "neither", "nor", "nowhere"):
            target = tok.head if tok.dep_ in ("det", "advmod", "preconj", "cc") else tok
            if target.dep_ in ("nsubj", "nsubjpass") and target.head is not target:
                target = target.head  # "No Americans were reported", "None of them was": the whole clause is negated
        elif low == "without":
            kids = [c for c in tok.children if c.dep_ in ("pobj", "pcomp")]
            target = kids[0] if kids else tok
        elif low == "yet" and tok.i >= 1 and doc[tok.i - 1].lemma_ == "have" and tok.i + 2 < len(doc) and doc[tok.i + 1].lower_ == "to":
            target = doc[tok.i + 2]
        elif tok.lemma_.lower() in IMPLICIT and tok.pos_ in ("VERB", "ADJ", "NOUN", "ADV"):
            xcomp = [c for c in tok.children if c.dep_ == "xcomp"]
            target = xcomp[0] if xcomp and tok.lemma_.lower() in _IMPLICIT_XCOMP else tok
            absorber = True
        elif tok.pos_ == "ADJ" and (_NEG_PREFIX.match(low) or _NEG_SUFFIX.match(low)) and low not in _NOT_NEG_PREFIX:
            target = tok
            absorber = True
        elif ((low == "far" or low == "free") and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ in ("from", "of")) or (
                tok.lemma_ == "fall" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "short"):
            target = tok  # "far from funny", "free from anger", "fall short of": a negation in other words
            absorber = True
        elif low in ("rather", "instead") and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ in ("than", "then", "of"):
            target = tok
            absorber = True
        elif tok.lemma_.lower() in ("absence", "lack", "loss", "shortage") and tok.pos_ == "NOUN":
            target = tok
            absorber = True
        if target is None:
            continue
        until = ""
        if not absorber:
            marks = [c for c in target.subtree if c.lower_ in ("until", "till")]
            if marks:
                after = [c for c in doc[marks[0].i + 1: marks[0].i + 4] if c.is_alpha or c.like_num]
                until = after[0].lower_ if after else "?"  # "not be considered until X" is "only after X"
        if target.lemma_ == "be" and not absorber:
            # "is not happy", "is not the owner": the claim is what the copula says
            preds = [c for c in target.children if c.dep_ in ("acomp", "attr") and c.lower_ not in ("there",)]
            if preds:
                target = preds[0]
        if target.pos_ in ("NOUN", "PROPN") and not absorber:
            # "there is no man screaming": the claim is the screaming, not the man
            verbs = [c for c in target.children if c.dep_ in ("acl", "relcl") and c.pos_ in ("VERB", "AUX")]
            if verbs:
                target = verbs[0]
        lo, hi = (tok.i, target.i) if 0 < target.i - tok.i <= 3 else (tok.i, tok.i)
        if lo > 0 and doc[lo - 1].dep_ in ("aux", "auxpass") and tok.dep_ == "neg":
            lo -= 1  # "did not approve", "has not been"
        span = doc[lo: hi + 1]
        negs.append(Negation(tok.text, (span.start_char, span.end_char), span.text, target.lemma_.lower(), target.i,
                             is_main(target) or is_main(tok), conditional(target), absorber, until))

    # "won't be closed until October" says when, not whether: held apart, judged against the other
    # version only where it has the same "until" (see polarity.negation_flips).
    held = tuple(n for n in negs if n.until)
    negs = [n for n in negs if not n.until]
    # An implicit negative is not itself negated ("rejected" states a rejection); what it governs is.
    targets = {n.target_i for n in negs if n.target_i >= 0 and not (n.absorber and n.target_i == _cue_index(doc, n))}
    self_absorbed = {n.target_i for n in negs if n.absorber and n.target_i == _cue_index(doc, n)}
    target_count = Counter(n.target_i for n in negs if n.target_i in targets)
    plain: set[str] = set()
    negated: set[str] = set()
    toks = []
    for tok in doc:
        if not tok.is_alpha and not tok.pos_ == "PRON":
            continue
        scopes = sum(target_count.get(a.i, 0) for a in [tok, *tok.ancestors]) + sum(1 for a in tok.ancestors if a.i in self_absorbed)
        scope = scopes > 0
        cond = conditional(tok)
        toks.append(Tok(tok.text, tok.lemma_.lower(), tok.pos_, tok.idx, tok.head.i, scope, cond, tok.dep_, tok.i, scopes))
        if tok.is_stop and not (tok.pos_ == "VERB" and tok.lemma_ not in ("be", "have")):
            continue
        (negated if scope else plain).update(_keys(tok.lemma_, tok.text))
    main_neg = any(n.main and not n.conditional for n in negs)
    preps = {t.i: t.head.i for t in doc if t.dep_ in ("prep", "agent")}
    return Polarity(tuple(negs), frozenset(plain), frozenset(negated), main_neg, text.rstrip().endswith("?"), True, preps,
                    tuple(toks), held)


def _cue_index(doc, n: Negation) -> int:  # noqa: ANN001
    return next((t.i for t in doc if t.idx >= n.span[0] and t.text == n.cue), -1)


_CUE = re.compile(r"\b(not|never|no|none|nobody|nothing|neither|nor|without|cannot)\b|n't\b", re.I)
CUE_RE = re.compile(r"\b(?:not|never|no|none|nobody|nothing|neither|nor|without|cannot|yet to)\b|n't\b", re.I)
"""Cheap test before parsing: a sentence pair with no negation cue on either side needs no parse."""


def analyse_text(text: str) -> Polarity:
    """The fallback without a parser: cues, no targets (rules then need the negated word on the other side)."""
    idiom_spans = idiom_spans_of(text)
    negs = []
    for m in _CUE.finditer(text):
        if any(s <= m.start() < e for s, e in idiom_spans):
            continue
        after = re.findall(r"[A-Za-z]+", text[m.end(): m.end() + 30])
        target = next((w.lower() for w in after if len(w) > 3), "")
        phrase = text[m.start(): m.end() + 1 + len(target)].strip() if target and text[m.end():].lstrip().lower().startswith(target) else m.group(0)
        negs.append(Negation(m.group(0), (m.start(), m.start() + len(phrase)), phrase, stem(target) if target else "", -1, False, False, False))
    words_ = {stem(w.lower()) for w in re.findall(r"[A-Za-z]+", text)}
    negated = {n.target for n in negs if n.target}
    return Polarity(tuple(negs), frozenset(words_ - negated), frozenset(negated), False, text.rstrip().endswith("?"), False, {})


OBJECT_DEPS = frozenset({"dobj", "attr", "dative", "oprd", "pobj", "obj"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})


def arguments(pol: Polarity, i: int, deps: frozenset[str], via: frozenset[str] | None = None) -> list[str]:
    """Lemmas of the nouns a predicate (token index ``i``) takes in the given roles; objects of its
    prepositions count as objects ("playing **on** a stage")."""
    by_i = {t.i: t for t in pol.tokens}
    return [by_i[k].lemma for k in argument_indices(pol, i, deps, via)]


def argument_indices(pol: Polarity, i: int, deps: frozenset[str], via: frozenset[str] | None = None) -> list[int]:
    """Token indices of the nouns :func:`arguments` returns."""
    by_i = {t.i: t for t in pol.tokens}
    out = []
    if deps is SUBJECT_DEPS:
        i = subject_holder(pol, i, via)
    pred = by_i.get(i)
    if deps is SUBJECT_DEPS and pred is not None and pred.dep in ("acl", "relcl") and pred.head in by_i:
        head = by_i[pred.head]
        if head.pos in ("NOUN", "PROPN"):
            out.append(head.i)  # "no man riding a horse": the man rides
    if deps is SUBJECT_DEPS and pred is not None and pred.pos == "NOUN" and pred.text.lower().endswith("ing"):
        # "there is no clown singing", parsed as the noun "singing" with "clown" its compound: the clown sings
        out.extend(t.i for t in pol.tokens if t.head == i and t.dep in ("compound", "amod") and t.i < i)
    for t in pol.tokens:
        if t.pos not in ("NOUN", "PROPN"):
            continue
        head = t.head
        if t.dep == "pobj":
            head = _prep_head(pol, head)
        if t.dep in deps and head == i:
            out.append(t.i)
    return out


_TAKES_HEAD_SUBJECT = frozenset({"conj", "attr", "acomp", "xcomp"})


def subject_holder(pol: Polarity, i: int, via: frozenset[str] | None = None) -> int:
    """The predicate whose subject ``i`` takes: a conjoined verb with no subject of its own shares its
    first conjunct's ("it has provided the data and did not cooperate": *it* did not cooperate); a
    complement shares its verb's ("the man is kick boxing", parsed with "kick" an attribute of "is").
    ``via``: the dependency labels climbed (default :data:`_TAKES_HEAD_SUBJECT`)."""
    via = _TAKES_HEAD_SUBJECT if via is None else via
    by_i = {t.i: t for t in pol.tokens}
    seen = set()
    while i in by_i and i not in seen:
        seen.add(i)
        t = by_i[i]
        if t.dep not in via or t.head not in by_i or any(u.head == i and u.dep in SUBJECT_DEPS for u in pol.tokens):
            break
        i = t.head
    return i


def _prep_head(pol: Polarity, prep_i: int) -> int:
    """The head of a preposition (prepositions are not kept as tokens: find it through the raw parse)."""
    return pol.prep_heads.get(prep_i, -1)
