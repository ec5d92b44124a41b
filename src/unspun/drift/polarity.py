"""Contradictions: negation, opposite words, exception vs permission, pending vs done."""

from __future__ import annotations

import re
from dataclasses import replace

from unspun.drift import lexicon as L
from unspun.drift.clauses import IMPLICIT, OBJECT_DEPS, SUBJECT_DEPS, _prep_head, argument_indices, arguments, subject_holder
from unspun.drift.view import SOFT_MIN, Change, PairView, Side
from unspun.represent.text import content_terms, stem


# --- negation ----------------------------------------------------------------------------

HIGH_LINK_MIN = 0.6
"""Link similarity a contradiction needs to be high. On labelled high findings of clean l2r
rewrites (bench/labels/drift_high.jsonl), flips on looser links were mostly restated
negations; injected flips in news rewrites link above it."""
HIGH_ANTONYM_MIN = 0.7
"""Link similarity opposite words need to be high: two sentences that say nearly the same thing
except for one word ("Profits slump 27%" / "Profits rise 27%"). Same labelled data."""
ONE_WORD_FLIP_REST = 0.9
"""Share (Jaccard) of content words two sentences must have in common outside the opposite words
for the flip to be high whatever their link similarity: "Shares rose 5 percent on Monday" /
"Shares fell 5 percent on Monday" differ in that word alone, yet the encoder puts the pair at
0.67 (opposite verbs move the embedding). At most one word in ten may differ."""
WEAK_FLIP_MIN = 0.55
"""Link similarity above which a negation of A's main claim that B paraphrased away ("did not
comply" vs "complied") is reported (medium). Clean LLM rewrites often drop a "not" by
rewording ("have not lost" -> "unbeaten"), so this side needs a confident link; a
negation *B* adds is judged on any link or soft pair (:data:`~unspun.drift.view.SOFT_MIN`):
on the dev fold of ``bench/drift_eval.py`` that found 0.81 of injected negations instead
of 0.47, for +0.07 medium findings per clean pair."""

from unspun.drift.clauses import CUE_RE as _CUE_RE  # noqa: E402


def _pair_negations(na: list, nb: list, plain: dict[str, frozenset[str]], pol) -> tuple[list, list]:  # noqa: ANN001
    """Negations of the two sides that say the same thing: the same words ("no chance") or the same
    negated word first; then the main claim with the main claim, a subordinate clause with a
    subordinate clause, then any with any (two versions rarely negate two different things in one
    pair of sentences). A negation whose word the other side states plainly is left out of the
    later steps (it is a flip: "would not comment" / "has not awarded" where A "awarded") unless
    the two negations share a subject or object ("children do not face" / "children do not
    encounter")."""
    left_a, left_b = list(na), list(nb)

    def stated(x, y, other: str) -> bool:  # noqa: ANN001
        """x's word is said plainly on the other side, and y is no implicit negative that could
        be its paraphrase ("could not contact" / "were unable to get through")."""
        return bool({x.target, stem(x.target)} - {""} & plain[other]) and not x.absorber and not y.absorber

    def free(xa, yb) -> bool:  # noqa: ANN001
        x, y = xa[1], yb[1]
        if not stated(x, y, "b") and not stated(y, x, "a"):
            return True
        return _share_argument(pol("a", xa[0]), x, pol("b", yb[0]), y)

    for test in (lambda xa, yb: _norm(xa[1].phrase) == _norm(yb[1].phrase),
                 lambda xa, yb: xa[1].target and (xa[1].target == yb[1].target or stem(xa[1].target) == stem(yb[1].target)),
                 lambda xa, yb: xa[1].main and yb[1].main and free(xa, yb),
                 lambda xa, yb: not xa[1].main and not yb[1].main and xa[1].conditional == yb[1].conditional and free(xa, yb),
                 lambda xa, yb: xa[1].conditional == yb[1].conditional and free(xa, yb)):
        for x in list(left_a):
            # of the candidates, the one whose clause says most of the same things ("should not be
            # permitted to carry a gun" goes with "should not be allowed to carry a gun", not with
            # "hadn't warned" earlier in the sentence)
            words_x = _clause_words(pol("a", x[0]), x[1])
            y = max((y for y in left_b if test(x, y)), default=None,
                    key=lambda y: len(words_x & _clause_words(pol("b", y[0]), y[1])))
            if y is not None:
                left_a.remove(x)
                left_b.remove(y)
    return left_a, left_b


_OWN_CLAUSE_ENDS = frozenset({"ccomp", "advcl", "relcl", "acl", "conj", "parataxis"})


def _clause_words(pol, n) -> set[str]:  # noqa: ANN001
    """Stems of the content words of a negated predicate's clause (its target's subtree)."""
    if not pol.parsed or n.target_i < 0:
        return set()
    sub = _subtree(pol, n.target_i)
    for t in pol.tokens:  # the clause's own words: not those of clauses inside it
        if t.i in sub and t.i != n.target_i and t.dep in _OWN_CLAUSE_ENDS:
            sub -= _subtree(pol, t.i)
    return _content_stems(pol, sub)


_CONTENT_POS = frozenset({"NOUN", "PROPN", "NUM", "ADJ", "VERB"})


def _content_stems(pol, indices: set[int]) -> set[str]:  # noqa: ANN001
    """Stems of the content words (nouns, names, numbers, adjectives, verbs) among these tokens."""
    return {stem(t.text.lower()) for t in pol.tokens if t.i in indices and t.pos in _CONTENT_POS}


def _share_argument(px, x, py, y) -> bool:  # noqa: ANN001
    """The two negated predicates share a subject or an object lemma."""
    if not px.parsed or not py.parsed or x.target_i < 0 or y.target_i < 0:
        return False
    # "received no special treatment" / "hasn't received any special treatment": one negation's word
    # is the other's object
    ax = {x.target} | _args_with_pronouns(px, x.target_i, OBJECT_DEPS) | _args_with_pronouns(px, x.target_i, SUBJECT_DEPS)
    ay = {y.target} | _args_with_pronouns(py, y.target_i, OBJECT_DEPS) | _args_with_pronouns(py, y.target_i, SUBJECT_DEPS)
    return bool({stem(w) for w in ax} & {stem(w) for w in ay})


def _norm(phrase: str) -> str:
    return " ".join(stem(w) for w in re.findall(r"[a-z']+", phrase.lower().replace("’", "'")))


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
        na = [(i, n) for i, p in zip(claim.a, pa) for n in (*p.negations, *p.held_against(tb))]
        nb = [(j, n) for j, p in zip(claim.b, pb) for n in (*p.negations, *p.held_against(ta))]
        words = {"a": _union(pa), "b": _union(pb)}
        left_a, left_b = _pair_negations(na, nb, {"a": words["a"][0], "b": words["b"][0]}, view.polarity)
        for side, left, other_left, other in (("a", left_a, left_b, "b"), ("b", left_b, left_a, "a")):
            plain, negated = words[other]
            other_pols = pb if other == "b" else pa
            for k, n in left:
                if n.absorber or n.conditional or view.polarity(side, k).question:
                    continue
                keys = {n.target, stem(n.target)} - {""}
                strong = bool(keys & plain) and not (keys & negated and not keys & plain)
                if strong and not _same_claim(view.polarity(side, k), n, [view.polarity(other, x) for x in (claim.b if other == "b" else claim.a)], keys):
                    continue  # "not playing a guitar" / "playing a keyboard": the same verb, another claim
                if strong and _only_asked(other_pols, keys):
                    continue  # "almost never cry" / "was asked if I cry often": a question states nothing
                if not strong and (_opposite(keys, plain) or _opposite(keys, negated)):
                    continue  # "not ignore" ~ "heed": negation plus opposite word says the same thing
                # The other version negates nothing that is not accounted for: a negation both versions
                # state ("was not in the public interest" on both sides) does not hide a new one.
                other_clear = not other_left and view.polarity(side, k).parsed and (
                    not any(p.main_negated for p in other_pols) or (side == "b" and _paired_mains_only(other_pols, left_a, na)))
                if side == "b":
                    # B negates a claim A states plainly, in other words: any clause, linked or soft-paired.
                    weak = not strong and other_clear and claim.sim >= SOFT_MIN
                else:
                    # A negation B paraphrased away is common in clean rewrites ("not lost" -> "unbeaten",
                    # "did not comply" -> "violated"): only the main claim of a confident link.
                    weak = not strong and other_clear and n.main and claim.basis == "linked" and claim.sim >= WEAK_FLIP_MIN
                pol_x = view.polarity(side, k)
                sentence, other_text = view.doc(side).sentences[k].text, (tb if other == "b" else ta)
                if _uniqueness_restated(sentence, n, other_text):
                    continue  # "no other candidate stood" / "the only candidate to stand"
                if _comparison_restated(sentence, n, other_text):
                    continue  # "is not as harmful as" / "is less harmful": one comparison, said two ways
                if _double_negative(pol_x, n, plain):
                    continue  # "cannot examine X while neglecting Y": a negative inside the negated claim
                if _complement_opposite(pol_x, n, other_pols):
                    continue  # "did not seem like a good one" / "seemed flawed"
                noun = _target_pos(pol_x, n) in ("NOUN", "PROPN")
                if noun and n.target and {n.target + "less", n.target + "-free"} & plain:
                    continue  # "a man with no shirt" / "a shirtless man": one thing said two ways
                if noun and (other_left or any(p.negations for p in other_pols)):
                    continue  # "no trust" / "trust would be compromised": a thing denied is restated in many ways
                if not (strong or weak):
                    continue
                shared_subject = strong and _subjects_shared(pol_x, n, other_pols, keys)
                # High: the same verb, the same subject, a confident link (clean rewrites of informal
                # text restate negations in too many ways for anything less).
                severity = "high" if (strong and shared_subject and claim.basis == "linked" and not noun and not n.until
                                      and claim.sim >= HIGH_LINK_MIN and not other_left
                                      and not any(p.negations for p in other_pols)) else "medium"
                base = view.doc(side).sentences[k].start
                span = (base + n.span[0], base + n.span[1])
                plain_word = _plain_counterpart(other_pols, keys) if strong else None
                said = f" (“{plain_word}”)" if plain_word else ""
                if side == "a":
                    ch = Change("contradiction", severity, 0.0,
                                f"A says “{n.phrase}”; B states the claim without the negation{said}.",
                                "contradiction.negation.v2", n.phrase, None, span, None)
                else:
                    ch = Change("contradiction", severity, 0.0, f"B says “{n.phrase}” where A states the claim plainly{said}.",
                                "contradiction.negation.v2", None, n.phrase, None, span)
                out.append(replace(ch, a=claim.a, b=claim.b, basis=claim.basis,
                                   evidence={"sim": claim.sim, "strong": strong, "main": n.main}))
    return out


ARG_MIN = {"object": 0.6, "subject": 0.35}
"""Static-vector cosine above which two differing arguments count as the same (synonyms: bike /
bicycle 0.87, woman / lady 0.67; words of one kind: guitar / keyboard 0.23, man / woman 0.15).
Set on SICK, where neutral pairs negate the same verb about another object."""


def _same_claim(px, n, pols_y: list, keys: set[str]) -> bool:  # noqa: ANN001
    """The negated predicate's subject and object agree with those of its counterpart in the other
    version (tolerant of synonyms); True when the parse cannot tell."""
    if not px.parsed or n.target_i < 0:
        return True
    target = next((t for t in px.tokens if t.i == n.target_i), None)
    kind = _kind_of(target) if target is not None else "other"
    counterparts = [(py, t.i) for py in pols_y if py.parsed for t in py.tokens
                    if (t.lemma in keys or stem(t.text.lower()) in keys) and not t.in_scope]
    if not counterparts:
        return True
    # "would not benefit" is not contradicted by "economic benefits": a verb needs a verb
    counterparts = [(py, i) for py, i in counterparts if _kind_of(next(t for t in py.tokens if t.i == i)) == kind]
    # ...said of the same subject or object: a clean rewrite keeps a negation in other words
    # ("has received no special treatment" / "hasn't received any"), so the word alone is no proof.
    # A denied thing ("there is no man on a bicycle") is its own argument: the thing itself is shared.
    return any(_args_agree(px, n.target_i, py, i) and (kind == "thing" or _args_shared(px, n.target_i, py, i))
               for py, i in counterparts)


def _subjects_shared(px, n, pols_y: list, keys: set[str]) -> bool:  # noqa: ANN001
    """The negated predicate and its plain counterpart have the same (present) subject. For high,
    a complement's subject is not borrowed from its verb ("the withdrawal is not tax free" /
    "withdrawals ... are tax-free" may be said of two kinds of withdrawal); a conjunct's is."""
    sx = _args_with_pronouns(px, n.target_i, SUBJECT_DEPS, _CONJ_ONLY)
    for py in pols_y:
        for t in py.tokens:
            if (t.lemma in keys or stem(t.text.lower()) in keys) and not t.in_scope:
                sy = _args_with_pronouns(py, t.i, SUBJECT_DEPS, _CONJ_ONLY)
                if sx and sy and ({stem(x) for x in sx} & {stem(y) for y in sy} or any(_same_word(x, y) for x in sx for y in sy)):
                    return True
    return False


_CONJ_ONLY = frozenset({"conj"})
_THIRD_PERSON = frozenset({"he", "him", "she", "her", "they", "them"})


def _pronoun_for_noun(px, i_x: int, py, i_y: int) -> bool:  # noqa: ANN001
    """One predicate takes a third-person pronoun where the other takes a name or a noun ("**they**
    did not say" / "the **family** said"): the pronoun may stand for it."""
    def roles(pol, i: int) -> tuple[bool, bool]:  # noqa: ANN001
        deps = SUBJECT_DEPS | OBJECT_DEPS
        pron = any(t.pos == "PRON" and t.text.lower() in _THIRD_PERSON and t.dep in deps and t.head == i for t in pol.tokens)
        by_i = {t.i: t for t in pol.tokens}
        name = any(by_i[k].pos in ("PROPN", "NOUN") for k in argument_indices(pol, i, SUBJECT_DEPS) + argument_indices(pol, i, OBJECT_DEPS))
        return pron, name

    (pron_x, name_x), (pron_y, name_y) = roles(px, i_x), roles(py, i_y)
    return (pron_x and name_y) or (name_x and pron_y)


def _args_shared(px, i_x: int, py, i_y: int) -> bool:  # noqa: ANN001
    """The two predicates share a subject or an object (pronouns count), or neither has any. The
    counterpart's nouns next to it count too: the small parser often attaches a verb oddly
    ("have secured investment" parsed with "secured" modifying "investment")."""
    ax = _args_with_pronouns(px, i_x, SUBJECT_DEPS) | _args_with_pronouns(px, i_x, OBJECT_DEPS)
    ay = _args_with_pronouns(py, i_y, SUBJECT_DEPS) | _args_with_pronouns(py, i_y, OBJECT_DEPS) | _neighbours(py, i_y)
    if not ax and not (ay - _neighbours(py, i_y)):
        return True
    if ax & _ANYONE and ay & _ANYONE:
        return True  # "there is no one typing" / "someone is typing"
    return bool({stem(x) for x in ax} & {stem(y) for y in ay}) or _pronoun_for_noun(px, i_x, py, i_y)


def _neighbours(pol, i: int) -> set[str]:  # noqa: ANN001
    """Lemmas of the nouns directly attached to a word, or that it attaches to."""
    tok = next((t for t in pol.tokens if t.i == i), None)
    if tok is None:
        return set()
    return {t.lemma for t in pol.tokens if t.pos in ("NOUN", "PROPN", "PRON") and (t.head == i or t.i == tok.head)}


def _args_with_pronouns(pol, i: int, deps, via: frozenset[str] | None = None) -> set[str]:  # noqa: ANN001
    out = set(arguments(pol, i, deps, via))
    holder = subject_holder(pol, i, via) if deps is SUBJECT_DEPS else i
    out |= {t.lemma for t in pol.tokens if t.pos == "PRON" and t.dep in deps and t.head == holder}
    return out


_POS_KIND = {"VERB": "pred", "AUX": "pred", "ADJ": "pred", "NOUN": "thing", "PROPN": "thing"}


_ARGUMENT_ROLES = SUBJECT_DEPS | (OBJECT_DEPS - {"attr"})  # an -ing noun in these roles is a thing ("the singing was loud")


def _kind_of(tok) -> str:  # noqa: ANN001
    """"pred" for what is said of something, "thing" for what exists. An -ing word the small parser
    tags as a noun after a denied thing ("there is no clown **singing**") is said of it."""
    if tok.pos == "NOUN" and tok.text.lower().endswith("ing") and tok.dep not in _ARGUMENT_ROLES:
        return "pred"
    return _POS_KIND.get(tok.pos, "other")


_ANYONE = frozenset({"person", "people", "someone", "somebody", "one", "anyone", "anybody", "individual", "nobody", "none"})


_PERSON = {**dict.fromkeys(("i", "me", "we", "us"), 1), **dict.fromkeys(("you",), 2),
           **dict.fromkeys(("he", "him", "she", "her", "it", "they", "them"), 3)}


def _pronoun_persons(pol, i: int, deps) -> set[int]:  # noqa: ANN001
    """Grammatical persons of the pronouns a predicate takes in the given roles ("applies to **you**": 2)."""
    out = set()
    if deps is SUBJECT_DEPS:
        i = subject_holder(pol, i)
    for t in pol.tokens:
        if t.pos == "PRON" and t.dep in deps and t.text.lower() in _PERSON:
            head = _prep_head(pol, t.head) if t.dep == "pobj" else t.head
            if head == i:
                out.add(_PERSON[t.text.lower()])
    return out


def _passive(pol, i: int) -> bool:  # noqa: ANN001
    return any(t.head == i and t.dep == "nsubjpass" for t in pol.tokens)


def _agents(pol, i: int) -> list[str]:  # noqa: ANN001
    """Lemmas of the "by" nouns of a passive predicate ("peeled **by a woman**")."""
    agent_preps = {t.i for t in pol.tokens if t.head == i and t.dep == "agent"}
    return [t.lemma for t in pol.tokens if t.dep == "pobj" and t.head in agent_preps and t.pos in ("NOUN", "PROPN")]


def _role_arguments(pol, i: int, role: str, deps) -> list[str]:  # noqa: ANN001
    """Arguments by meaning, not by grammar: in the passive, the grammatical subject is what the
    verb acts on and the "by" noun is who acts ("the potato is peeled by a woman" = "a woman
    peels the potato")."""
    if not _passive(pol, i):
        return arguments(pol, i, deps)
    agents = _agents(pol, i)
    if role == "subject":
        return agents
    patients = arguments(pol, i, SUBJECT_DEPS)
    others = list(arguments(pol, i, OBJECT_DEPS))
    for a in agents:
        if a in others:
            others.remove(a)
    return patients + others


def _args_agree(px, i_x: int, py, i_y: int) -> bool:  # noqa: ANN001
    from unspun.represent.static import word_similarity

    for role, deps in (("object", OBJECT_DEPS), ("subject", SUBJECT_DEPS)):
        persons_x, persons_y = _pronoun_persons(px, i_x, deps), _pronoun_persons(py, i_y, deps)
        if persons_x and persons_y and not persons_x & persons_y:
            return False  # "does not apply to you" / "applies to them": said of someone else
        if _passive(px, i_x) != _passive(py, i_y):
            ax, ay = _role_arguments(px, i_x, role, deps), _role_arguments(py, i_y, role, deps)
        else:
            ax, ay = arguments(px, i_x, deps), arguments(py, i_y, deps)
        if (persons_x == {3} and ay) or (persons_y == {3} and ax):
            continue  # "did not recruit **them**" / "recruited his **victims**": the pronoun may stand for the noun
        if not ax or not ay:
            continue
        if any(x == y or stem(x) == stem(y) for x in ax for y in ay) or set(ax + ay) & _ANYONE:
            continue
        if role == "subject" and _passive(px, i_x) == _passive(py, i_y) and _name_and_description(px, i_x, py, i_y):
            continue  # "Shaun Maloney has signed" / "the 32-year-old midfielder has signed": one person
            # (not across voices: "not required by the State" / "your bank may require" are two actors)
        sims = [word_similarity(x, y) for x in ax for y in ay]
        if any(s is None or s >= ARG_MIN[role] for s in sims):
            continue
        if _phrases_overlap(px, i_x, py, i_y, deps):
            continue  # "the first Briton to defend the title" / "the first British athlete to defend the title"
        if role == "subject" and _rest_shared(px, i_x, py, i_y):
            continue  # "both men were not apprehended during the incident on A wing on 27 May" / "both offenders were ..."
        return False
    return True


REST_SHARED_MIN = 3
"""Content words of the rest of the clause (outside the subject) two predicates must share for
differently named subjects to count as one subject described two ways. News rewrites rename the
subject ("both men" / "both offenders") and keep the circumstances (the incident, the place, the
time); SICK's neutral pairs change the subject of a short clause ("a man" / "a woman is not
playing a guitar") and share one or two words besides. Chosen on the dev fold of
``bench/drift_eval.py`` and SICK TRAIN."""


def _rest_shared(px, i_x: int, py, i_y: int) -> bool:  # noqa: ANN001
    def rest(pol, i: int) -> set[str]:  # noqa: ANN001
        subject: set[int] = set()
        for k in argument_indices(pol, i, SUBJECT_DEPS):
            subject |= _subtree(pol, k)
        return _content_stems(pol, _subtree(pol, i) - subject - {i})

    return len(rest(px, i_x) & rest(py, i_y)) >= REST_SHARED_MIN


def _name_and_description(px, i_x: int, py, i_y: int) -> bool:  # noqa: ANN001
    """One subject is a name and the other a common noun: a description may refer to the name."""
    def kinds(pol, i: int) -> set[str]:  # noqa: ANN001
        by_i = {t.i: t for t in pol.tokens}
        return {by_i[k].pos for k in argument_indices(pol, i, SUBJECT_DEPS)}

    kx, ky = kinds(px, i_x), kinds(py, i_y)
    return (kx == {"PROPN"} and ky == {"NOUN"}) or (kx == {"NOUN"} and ky == {"PROPN"})


ARG_PHRASE_MIN = 0.5
"""Two argument noun phrases whose head words differ still name the same thing when this share of
the shorter phrase's content words (at least two) recur in the other, or when the shorter is one
word that recurs in the other."""


def _phrases_overlap(px, i_x: int, py, i_y: int, deps) -> bool:  # noqa: ANN001
    def phrases(pol, i: int) -> list[set[str]]:  # noqa: ANN001
        return [_content_stems(pol, _subtree(pol, k)) for k in argument_indices(pol, i, deps)]

    for x in phrases(px, i_x):
        for y in phrases(py, i_y):
            small = min(len(x), len(y))
            if small >= 2 and len(x & y) >= ARG_PHRASE_MIN * small:
                return True
            if small == 1 and x & y:
                return True  # "the panda" / "a panda bear": a one-word phrase inside the other
    return False


_ONLY = re.compile(r"\b(?:only|sole|lone)\b", re.I)


def _uniqueness_restated(sentence: str, n, other: str) -> bool:  # noqa: ANN001
    """"no other X" where the other version says "the only X": one fact, said two ways."""
    return bool(re.match(r"\s*other\b", sentence[n.span[1]:], re.I)) and bool(_ONLY.search(other))


_NOT_AS = re.compile(r"(?:\bnot|n't)\s+(?:\w+\s+){0,2}?(?:quite\s+)?(?:as|so)\s+(?:\w+\s+){1,2}?as\b", re.I)
_LESSER = re.compile(r"\b(?:less|fewer|lower|smaller|worse|shorter|weaker|slower|cheaper)\b|\b\w{3,}er\s+than\b|(?:\bnot|n't)\s+(?:\w+\s+){0,2}?(?:as|so)\b", re.I)


def _comparison_restated(sentence: str, n, other: str) -> bool:  # noqa: ANN001
    """"not as X as" (or "doesn't eat as much as") denies equality, not X: where the other version
    says "less X", "X-er than" or "not as", both state one comparison."""
    window = sentence[n.span[0]: n.span[1] + 40]
    m = _NOT_AS.search(window)
    return m is not None and m.start() < n.span[1] - n.span[0] and _LESSER.search(other) is not None


def _double_negative(pol, n, other_plain: frozenset[str] = frozenset()) -> bool:  # noqa: ANN001
    """An implicit negative or a negative-prefixed word inside what a negation negates — unless
    the other version states that same word plainly ("not deemed unfit" / "deemed unfit" is a
    flip; "not deemed unfit" / "deemed fit" says the same)."""
    if not pol.parsed or n.target_i < 0:
        return False
    kids = _subtree(pol, n.target_i)
    # a negative word with a subject of its own is another claim ("has not set a deadline for the
    # Church to cease operations": the Church ceasing is not what is denied)
    own_subject = {t.head for t in pol.tokens if t.dep in SUBJECT_DEPS}
    return any((t.lemma in IMPLICIT or (t.pos == "ADJ" and t.text.lower().startswith("un")))
               and not ({t.lemma, t.text.lower(), stem(t.text.lower())} & other_plain)
               and not (t.pos in ("VERB", "AUX") and t.i in own_subject)
               for t in pol.tokens if t.i in kids and t.i != n.target_i)


_DESCRIPTIVE = frozenset({"higher", "lower", "upper", "above", "below", "more", "fewer", "less", "top", "bottom",
                          "northern", "southern", "eastern", "western", "near", "far"})


def _complement_opposite(pol, n, others: list) -> bool:  # noqa: ANN001
    """A word of the negated claim has its opposite in the other version (negation plus opposite = same claim)."""
    if not pol.parsed or n.target_i < 0:
        return False
    kids = _subtree(pol, n.target_i)
    # comparatives describe ("pumping water from the lower reservoir"), they do not evaluate the claim
    kids = {t.i for t in pol.tokens if t.i in kids and t.text.lower() not in _DESCRIPTIVE}
    words_ = {t.lemma for t in pol.tokens if t.i in kids} | {t.text.lower() for t in pol.tokens if t.i in kids}
    other = set()
    for p in others:
        other |= {t.lemma for t in p.tokens} | {t.text.lower() for t in p.tokens}
    # words both versions use are no substitution ("lost her ski on a jump" on both sides)
    mine = {t.lemma for t in pol.tokens} | {t.text.lower() for t in pol.tokens}
    return _opposite(words_ - other, frozenset(other - mine))


def _subtree(pol, i: int) -> set[int]:  # noqa: ANN001
    kids = {i}
    changed = True
    while changed:
        changed = False
        for t in pol.tokens:
            if t.head in kids and t.i not in kids:
                kids.add(t.i)
                changed = True
    return kids


def _target_pos(pol, n) -> str:  # noqa: ANN001
    return next((t.pos for t in pol.tokens if t.i == n.target_i), "")


def _paired_mains_only(pols: list, left: list, all_negs: list) -> bool:
    """Every main-claim negation of these sentences was paired with a negation of the other version."""
    unpaired = {id(n) for _, n in left}
    return all(id(n) not in unpaired for _, n in all_negs if n.main and not n.conditional)


def _only_asked(pols: list, keys: set[str]) -> bool:
    """Every plain occurrence of the negated word in the other version sits in a condition or an
    indirect question ("asked if I cry"), or the sentence is a question."""
    found = [(p, t) for p in pols if p.parsed for t in p.tokens
             if (t.lemma in keys or stem(t.text.lower()) in keys) and not t.in_scope]
    return bool(found) and all(t.conditional or p.question for p, t in found)


def _plain_counterpart(pols: list, keys: set[str]) -> str | None:
    """The word of the other version that states the negated claim plainly ("approved")."""
    for p in pols:
        for t in p.tokens:
            if (t.lemma in keys or stem(t.text.lower()) in keys) and not t.in_scope:
                return t.text
    return None


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

def _occurrences(side: Side, group: frozenset[str]) -> list[tuple[str, int]]:
    """(word or phrase, offset in the document) of the group's words in the side's sentences."""
    rx = L.group_re(group)
    return [(m.group(1), start + m.start()) for text, start in side.each() for m in rx.finditer(text.lower())]


def _token_at(view: PairView, side: str, idx: tuple[int, ...], offset: int):  # noqa: ANN202
    """(polarity, token tuple) of the token at a document offset, when the sentence is parsed."""
    for k in idx:
        sent = view.doc(side).sentences[k]
        if sent.start <= offset < sent.end:
            pol = view.polarity(side, k)
            for tok in pol.tokens:
                if tok.idx == offset - sent.start:
                    return pol, tok
            return pol, None
    return None, None


def antonym_flips(view: PairView) -> list[Change]:
    """Opposite words in the two versions of a claim ("rose" / "fell", "approved" / "rejected",
    "beat expectations" / "fell short of").

    Words of a group are counted per side and what both versions say alike cancels out
    ("rose ... fell" / "climbed ... dropped" is no flip; "fell ... rose" / "dropped ...
    dropped" is one). The two words left must say opposite things with the same polarity
    ("did not fall" ~ "rose" is no flip); words inside a condition or a question ("if they
    win") are not claims; a change of subject makes a converse ("A beat B" / "B lost to A").
    """
    out = []
    for claim in view.judged(("linked", "soft")):
        a, b = view.side("a", claim.a), view.side("b", claim.b)
        la, lb = a.text.lower(), b.text.lower()
        if not (L.has_antonym_word(la) and L.has_antonym_word(lb)):
            continue
        for name, left, right in L.ANTONYM_GROUPS:
            rl, rr = L.group_re(left), L.group_re(right)
            if not ((rl.search(la) and rr.search(lb)) or (rr.search(la) and rl.search(lb))):
                continue  # the sentences' joined text has each match of their own texts
            occ = {(sd, pole): _occurrences(side, group) for sd, side in (("a", a), ("b", b))
                   for pole, group in (("l", left), ("r", right))}
            if not ((occ["a", "l"] and occ["b", "r"]) or (occ["a", "r"] and occ["b", "l"])):
                continue
            # What both versions say alike cancels out, each word against the other version's word
            # at the nearest place in its sentence ("up ... having shed" / "down ... having slipped":
            # "shed" cancels "slipped", and "up" / "down" is the flip).
            rest = {k: list(v) for k, v in occ.items()}
            for pole in ("l", "r"):
                rest["a", pole], rest["b", pole] = _cancel_alike(view, claim, rest["a", pole], rest["b", pole], a, b)
            found = None
            for xa, yb in ((rest["a", "l"], rest["b", "r"]), (rest["a", "r"], rest["b", "l"])):
                for old, oa in xa:
                    for new, ob in yb:
                        verdict = _opposed(view, claim, oa, ob, a, b, name)
                        if verdict:
                            found = (old, oa, new, ob, verdict == "strong")
                            break
                    if found:
                        break
                if found:
                    break
            if not found:
                continue
            old, oa, new, ob, same_subject = found
            close = claim.sim >= HIGH_ANTONYM_MIN or _rest_alike(a.text, b.text, old, new) >= ONE_WORD_FLIP_REST
            ch = Change("contradiction", "high" if claim.basis == "linked" and same_subject and close else "medium", 0.0,
                        f"Opposite claims: A says “{old}”, B says “{new}”.", f"contradiction.antonym.v2:{name}",
                        old, new, (oa, oa + len(old)), (ob, ob + len(new)))
            out.append(replace(ch, a=claim.a, b=claim.b, basis=claim.basis, evidence={"sim": claim.sim, "strong": same_subject}))
            break
    return out


def _rest_alike(ta: str, tb: str, old: str, new: str) -> float:
    """Jaccard of the two texts' content words outside the opposite words themselves."""
    xa = set(content_terms(ta)) - set(content_terms(old))
    xb = set(content_terms(tb)) - set(content_terms(new))
    return len(xa & xb) / len(xa | xb) if xa and xb else 0.0


def _cancel_alike(view: PairView, claim, xs: list[tuple[str, int]], ys: list[tuple[str, int]],  # noqa: ANN001
                  a: Side, b: Side) -> tuple[list, list]:
    """The words of one pole left in each version once each of the fewer is cancelled against the
    other version's word nearest to its relative place in its sentence — a noun only against a noun
    ("gained" is not cancelled by "a string of gains")."""
    if not xs or not ys:
        return xs, ys
    pa, pb = [_relative(a, o) for _, o in xs], [_relative(b, o) for _, o in ys]
    na, nb = [_is_noun(view, "a", claim.a, o) for _, o in xs], [_is_noun(view, "b", claim.b, o) for _, o in ys]
    pairs = sorted((abs(pa[i] - pb[j]), i, j) for i in range(len(xs)) for j in range(len(ys)) if na[i] == nb[j])
    gone_x: set[int] = set()
    gone_y: set[int] = set()
    for _, i, j in pairs:
        if i not in gone_x and j not in gone_y:
            gone_x.add(i)
            gone_y.add(j)
    return [x for i, x in enumerate(xs) if i not in gone_x], [y for j, y in enumerate(ys) if j not in gone_y]


def _is_noun(view: PairView, side: str, idx: tuple[int, ...], offset: int) -> bool:
    _, tok = _token_at(view, side, idx, offset)
    return tok is not None and tok.pos == "NOUN"


def _relative(side: Side, offset: int) -> float:
    """Where a document offset falls in the side's sentences, from 0 (first word) to 1 (last)."""
    for text, start in side.each():
        if start <= offset <= start + len(text):
            k = side.starts.index(start)
            return (k + (offset - start) / max(1, len(text))) / len(side.texts)
    return 0.0


_COMPARATIVES = frozenset({"higher", "lower"})
_RELATIONAL = frozenset({"won/lost", "beat/missed expectations", "hired/fired"})
"""Groups whose two words can describe one event from two sides ("A beat B" / "B lost to A")."""


def _opposed(view: PairView, claim, oa: int, ob: int, a: Side, b: Side, group: str) -> bool:  # noqa: ANN001
    """The two opposite words are claims of the same polarity about the same subject."""
    pol_a, tok_a = _token_at(view, "a", claim.a, oa)
    pol_b, tok_b = _token_at(view, "b", claim.b, ob)
    if pol_a is not None and pol_b is not None and pol_a.parsed and pol_b.parsed:
        if tok_a is None or tok_b is None:
            return True
        if tok_a.scopes % 2 != tok_b.scopes % 2:
            # one of the two is negated: "did not fall" ~ "rose"; "not suggesting it shouldn't be
            # allowed" ~ "not saying it should be banned" (two negations against one)
            return False
        if tok_a.conditional or tok_b.conditional or pol_a.question or pol_b.question:
            return False  # "if they win" is no claim
        if any(t.text.lower() in _COMPARATIVES and t.dep != "advmod" for t in (tok_a, tok_b)):
            return False  # "one reservoir higher than the other" describes, "shares closed higher" moves
        sa, sb = _subject(pol_a, tok_a), _subject(pol_b, tok_b)
        if sa and sb and not _same_subject(sa, sb):
            return False  # "its dominance ended" / "Art Deco lost prominence"; "Celtic beat Rangers" / "Rangers lost"
        return "strong" if sa and sb else True
    parity_a = sum(1 for _ in _CUE_RE.finditer(a.text)) % 2
    parity_b = sum(1 for _ in _CUE_RE.finditer(b.text)) % 2
    return parity_a == parity_b


def _same_word(x: str, y: str) -> bool:
    """One subject in two words: the same lemma or stem, a pronoun, or a synonym by static vectors."""
    from unspun.represent.static import word_similarity

    if x == y or stem(x) == stem(y) or not _is_name(x) or not _is_name(y):
        return True
    sim = word_similarity(x, y)
    return sim is None or sim >= ARG_MIN["subject"]


def _is_name(lemma: str) -> bool:
    return lemma not in ("it", "they", "he", "she", "we", "i", "you", "which", "that", "who")


def _same_subject(x: tuple[str, ...], y: tuple[str, ...]) -> bool:
    """Two subjects (see :func:`_subject`) are one: their heads are one word (as lemma or as written:
    "shares" / "stock" are synonyms where "share" / "stock" are not), or one's head is a name word of
    the other ("the Dow" / "the Dow Jones industrial average"; "oil prices" / "oil production" share
    a modifier, not a subject)."""
    if _same_word(x[0], y[0]) or _same_word(x[1], y[1]):
        return True
    return bool(set(x[2:]) & set(y[:2])) or bool(set(y[2:]) & set(x[:2]))


def _subject(pol, tok) -> tuple[str, ...] | None:  # noqa: ANN001
    """The subject of the word's clause ("was up": the subject of "was") as (lemma, word as written,
    lemmas of its compound words...), None when none."""
    heads = {tok.i, tok.head}
    for t in pol.tokens:
        if t.dep in ("nsubj", "nsubjpass") and t.head in heads:
            parts, grew = {t.i}, True
            while grew:  # "Dow" -> "Jones" -> "average" (nmod: how the parser attaches a name in a noun phrase)
                more = {c.i for c in pol.tokens if c.dep in ("compound", "nmod") and c.head in parts} - parts
                parts |= more
                grew = bool(more)
            return (t.lemma, t.text.lower(), *(c.lemma for c in pol.tokens if c.i in parts and c.i != t.i))
    return None


def _key_terms(text: str, m: re.Match, width: int = 50) -> list[str]:
    terms = content_terms(text[m.end(): m.end() + width])
    return terms[:3]


_CLAUSE_END = re.compile(r"[,.;:()\"“”]|\s(?:is|are|was|were|will|would|can|could|has|have|had|and|but|which|that|who|"
                         r"said|says|suggests|according)\b")


def _phrase_after(text: str, pos: int, max_words: int = 6) -> str:
    """The words after a cue up to the end of their phrase, as written ("long-range missiles")."""
    rest = text[pos: pos + 80]
    m = _CLAUSE_END.search(rest)
    phrase = rest[: m.start()] if m else rest
    return " ".join(phrase.split()[:max_words]).strip()


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
                    what = _phrase_after(text, m.end())
                    xs, ys = (start + m.start(), start + m.end()), (ystart + pm.start(), ystart + pm.end())
                    old, new = (m.group(0), pm.group(0)) if side == "a" else (pm.group(0), m.group(0))
                    spans = (xs, ys) if side == "a" else (ys, xs)
                    return [Change(
                        "contradiction", "high", 0.0,
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
                if not dm or L.PENDING_RE.search(yt) or _CUE_RE.search(yt[max(0, dm.start() - 12): dm.end()]):
                    continue  # "has not approved" is not done
                shared = (set(content_terms(xt)) & set(content_terms(yt))) - {"would", "require", "agre", "approv"}
                if len(shared) < 2:
                    continue
                xs = (xs0 + pm.start(), xs0 + pm.end())
                ys = (ys0 + dm.start(), ys0 + dm.end())
                if side == "a":
                    return [Change("contradiction", "high" if sim >= 0.5 else "medium", 0.0,
                                   f"A reports a step as still pending (“{pm.group(0)}”); B says it is done (“{dm.group(0)}”).",
                                   "contradiction.pending_done.v1", pm.group(0), dm.group(0), xs, ys)]
                return [Change("contradiction", "medium", 0.0,
                               f"A says it is done (“{dm.group(0)}”); B reports it as still pending (“{pm.group(0)}”).",
                               "contradiction.pending_done.v1", dm.group(0), pm.group(0), ys, xs)]
    return []


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
