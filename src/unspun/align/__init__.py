"""Stage 6, align: sentence links between two versions of a story.

The aligner is built for heavy rewrites, where "cosine above a threshold" links
many wrong sentences (a rewrite of a 30-sentence article has dozens of sentences
about the same topic that are not the same claim). It ranks pairs on a blend of
embedding cosine, content-word TF-IDF cosine and shared names/numbers, then:

1. **competitive linking**: the best-scoring pair whose two sentences are both free
   is linked first, so each sentence goes to its best counterpart (mutual best
   matches win); strong links may cross (reordering is allowed);
2. **context**: a weaker pair is accepted only where its position agrees with
   the links around it (rewrites mostly keep the order of the original);
3. **fact-tolerant links**: a free pair that sits between its neighbours' links
   (``sandwich``), or whose two sentences are each other's best counterpart next to
   links already made (``gap_best`` / ``mutual_best``), is linked from a lower score —
   a changed name, figure or negation lowers every scorer, and it is what drift reports,
   not a reason to unlink; the lexical score also counts the wording without names and
   figures;
4. **merges** (1:n and n:1): a free sentence next to a link joins it when it
   covers content of the other side that the link did not cover yet (a long
   sentence split in two, or two merged into one).

Each link is labelled ``copied`` (same words), ``edited`` (mostly the same words)
or ``paraphrased``; sentences left over are ``unmatched`` (dropped from A / added in B).
Thresholds were tuned on ``bench/align_eval.py`` (see BENCHMARKS.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from unspun.align.similarity import anchor_matrix, lexical_matrix, semantic_matrix
from unspun.errors import OptionsError
from unspun.records import Link
from unspun.represent import SentenceFeatures

__all__ = ["ALGORITHM", "AlignOptions", "Alignment", "align", "label_link", "blend"]

ALGORITHM = "unspun.align.v1"


@dataclass(frozen=True)
class AlignOptions:
    """Thresholds of the aligner (similarities are the blended score in [0, 1]).

    ``strict``: a link anywhere (reordering allowed); ``contextual``: a link whose
    position agrees with its neighbours; ``merge``: a sentence joining a neighbour's
    link. ``*_lexical`` are the same thresholds when no embeddings are available.
    ``sandwich``: a free sentence pair that sits exactly between two links, in order
    (A i-1 ~ B j-1 and A i+1 ~ B j+1), is linked from this score: its position is the
    evidence, so a changed name or figure, which lowers every scorer, does not unlink
    it (chosen on the dev fold of ``bench/drift_eval.py``: link survival 0.91 -> see
    BENCHMARKS.md, with no new false link on the align bench).
    ``gap_best``: a free A sentence and a free B sentence that are each other's best
    counterpart in the whole of the other document, and sit in the same gap between
    links (their link would cross none), are linked from this score. Mutual best and
    order are the evidence; a changed name, figure or negation lowers every scorer of
    exactly such a pair (chosen on the dev fold of ``bench/drift_eval.py``, link
    survival, with ``bench/align_eval.py`` checked for new false links: see BENCHMARKS.md).
    ``link_single_sentences``: two one-sentence documents are linked whenever they
    score ``single_pair`` (someone comparing two sentences wants their diff); the
    corpus turns this off, where one-line notices are not rewrites of each other.
    """

    strict: float = 0.56
    contextual: float = 0.40
    merge: float = 0.36
    merge_gain: float = 0.12
    strict_lexical: float = 0.40
    contextual_lexical: float = 0.26
    merge_lexical: float = 0.2
    w_semantic: float = 0.60
    w_lexical: float = 0.40
    w_anchor: float = 0.10
    single_pair: float = 0.25
    link_single_sentences: bool = True
    sandwich: float = 0.28
    sandwich_lexical: float = 0.18
    gap_best: float = 0.25
    gap_best_lexical: float = 0.17
    mutual_best: float = 0.36
    mutual_best_lexical: float = 0.24

    def __post_init__(self) -> None:
        for name in ("strict", "contextual", "merge", "strict_lexical", "contextual_lexical", "merge_lexical"):
            v = getattr(self, name)
            if not 0.0 < v <= 1.0:
                raise OptionsError(f"AlignOptions.{name} must be in (0, 1], got {v}")
        if self.contextual > self.strict or self.contextual_lexical > self.strict_lexical:
            raise OptionsError("AlignOptions: the contextual threshold must not exceed the strict one")


@dataclass(frozen=True)
class Alignment:
    links: tuple[Link, ...]
    unmatched_a: tuple[int, ...]
    unmatched_b: tuple[int, ...]
    similarity: np.ndarray
    lexical: np.ndarray
    semantic: np.ndarray | None


def blend(lex: np.ndarray, sem: np.ndarray | None, anc: np.ndarray, opts: AlignOptions) -> np.ndarray:
    """The ranking score: semantic + lexical, plus a bonus for shared names and numbers."""
    if sem is None:
        score = 0.85 * lex + 0.15 * anc
    else:
        score = opts.w_semantic * sem + opts.w_lexical * lex + opts.w_anchor * anc
    return np.clip(score, 0.0, 1.0)


def align(fa: SentenceFeatures, fb: SentenceFeatures, options: AlignOptions | None = None) -> Alignment:
    """Align the sentences of two documents (features from :func:`unspun.represent.featurize`)."""
    opts = options or AlignOptions()
    n, m = len(fa.terms), len(fb.terms)
    lex = lexical_matrix(fa, fb)
    sem = semantic_matrix(fa, fb)
    anc = anchor_matrix(fa, fb)
    # A changed name or figure is what drift reports, not a reason to unlink: the wording
    # around it is scored on its own too, and the better of the two counts.
    raw = blend(np.maximum(lex, lexical_matrix(fa, fb, without_facts=True)), sem, anc, opts)
    score = raw * _number_clash(fa, fb)
    # Verbatim copies are certain whatever the scorers say.
    index_b: dict[str, list[int]] = {}
    for j, t in enumerate(fb.normalized):
        if t:
            index_b.setdefault(t, []).append(j)
    for i, t in enumerate(fa.normalized):
        for j in index_b.get(t, ()):
            score[i, j] = 1.0
    if sem is None:
        strict, contextual, merge = opts.strict_lexical, opts.contextual_lexical, opts.merge_lexical
    else:
        strict, contextual, merge = opts.strict, opts.contextual, opts.merge

    pair_of_a: dict[int, int] = {}
    pair_of_b: dict[int, int] = {}
    if opts.link_single_sentences and n == 1 and m == 1 and raw[0, 0] >= opts.single_pair:
        # Two single sentences: the user asserts they correspond; show how they differ.
        pair_of_a[0] = pair_of_b[0] = 0
    _monotone(score, contextual, pair_of_a, pair_of_b)
    _competitive(score, strict, pair_of_a, pair_of_b)
    _sandwiched(raw, opts.sandwich if sem is not None else opts.sandwich_lexical, pair_of_a, pair_of_b)
    gap_best, mutual_best = (opts.gap_best, opts.mutual_best) if sem is not None else (opts.gap_best_lexical, opts.mutual_best_lexical)
    _mutual_best(raw, gap_best, mutual_best, pair_of_a, pair_of_b)
    groups = _merge(score, fa, fb, pair_of_a, pair_of_b, merge, opts.merge_gain)

    links = []
    for a_idx, b_idx in groups:
        sim = float(np.mean([score[i, j] for i in a_idx for j in b_idx if score[i, j] > 0] or [0.0]))
        sim = max(sim, float(max(score[i, j] for i in a_idx for j in b_idx)))
        a_text = " ".join(fa.normalized[i] for i in a_idx)
        b_text = " ".join(fb.normalized[j] for j in b_idx)
        sem_v = None if sem is None else float(max(sem[i, j] for i in a_idx for j in b_idx))
        lex_v = float(max(lex[i, j] for i in a_idx for j in b_idx))
        links.append(Link(a_idx, b_idx, label_link(a_text, b_text), round(sim, 4), None if sem_v is None else round(sem_v, 4), round(lex_v, 4)))
    links.sort(key=lambda link: (link.a[0], link.b[0]))
    linked_a = {i for link in links for i in link.a}
    linked_b = {j for link in links for j in link.b}
    return Alignment(
        links=tuple(links),
        unmatched_a=tuple(i for i in range(n) if i not in linked_a),
        unmatched_b=tuple(j for j in range(m) if j not in linked_b),
        similarity=score,
        lexical=lex,
        semantic=sem,
    )


def _number_clash(fa: SentenceFeatures, fb: SentenceFeatures) -> np.ndarray:
    """Cut the score of sentence pairs whose figures disagree.

    Templated reports ("Shr 24 cts vs 31 cts, Net 2.2 mln vs 2.9 mln") look alike to
    every scorer but say different things. Two sentences that each give several
    figures and share none are cut to 0.3x; two sentences made mostly of figures (table
    rows) that share fewer than half of them, to 0.2x. A rewrite that changes one
    figure of a normal sentence still shares the others and keeps its score; a short
    sentence whose one figure changed ("we'll have 500 trestles" / "you'll see 1503
    trestles") is no table row and is not cut.
    Both sentences must give figures for any cut.
    """
    out = np.ones((len(fa.numbers), len(fb.numbers)), dtype=np.float32)
    dense_a, dense_b = fa.dense, fb.dense
    for i, na in enumerate(fa.numbers):
        if not na:
            continue
        for j, nb in enumerate(fb.numbers):
            if not nb:
                continue
            shared = len(na & nb)
            if dense_a[i] and dense_b[j] and shared < 0.5 * min(len(na), len(nb)):
                out[i, j] = 0.2
            elif len(na) >= 2 and len(nb) >= 2 and not shared:
                out[i, j] = 0.3
    return out


def label_link(a_norm: str, b_norm: str) -> str:
    """``copied``, ``edited`` or ``paraphrased``, from word-level overlap of normalised text."""
    if a_norm == b_norm:
        return "copied"
    char = fuzz.ratio(a_norm, b_norm) / 100.0
    if char >= 0.95:
        return "copied"
    wa, wb = a_norm.split(), b_norm.split()
    # Share of words kept in order (edit operations on word sequences).
    seq = fuzz.ratio(wa, wb) / 100.0 if wa and wb else 0.0
    if seq >= 0.6 or char >= 0.8:
        return "edited"
    return "paraphrased"


def _monotone(score: np.ndarray, threshold: float, pair_of_a: dict[int, int], pair_of_b: dict[int, int]) -> None:
    """The in-order links of greatest total margin above ``threshold`` (dynamic programming).

    Rewrites mostly keep the original's order, so an in-order set of links is strong
    evidence: a pair that scores well but would cut across many other good pairs
    (a topical look-alike further down the article) loses to the in-order ones.
    """
    n, m = score.shape
    if n == 0 or m == 0:
        return
    gain = np.where(score >= threshold, score - threshold + 1e-6, 0.0)
    best = np.zeros((n + 1, m + 1), dtype=np.float64)
    for i in range(1, n + 1):
        row_gain = gain[i - 1]
        prev = best[i - 1]
        cur = best[i]
        for j in range(1, m + 1):
            v = prev[j] if prev[j] >= cur[j - 1] else cur[j - 1]
            g = row_gain[j - 1]
            if g > 0.0 and prev[j - 1] + g > v:
                v = prev[j - 1] + g
            cur[j] = v
    i, j = n, m
    while i > 0 and j > 0:
        g = gain[i - 1, j - 1]
        if g > 0.0 and abs(best[i, j] - (best[i - 1, j - 1] + g)) < 1e-9:
            pair_of_a[i - 1] = j - 1
            pair_of_b[j - 1] = i - 1
            i, j = i - 1, j - 1
        elif best[i - 1, j] >= best[i, j - 1]:
            i -= 1
        else:
            j -= 1


def _sandwiched(score: np.ndarray, threshold: float, pair_of_a: dict[int, int], pair_of_b: dict[int, int]) -> None:
    """Link a free A sentence and a free B sentence that sit between the same two links, in order.

    Rewrites keep the order of the original: when A i-1 is linked to B j-1 and A i+1 to
    B j+1 (or the pair opens or closes both documents next to a link), A i and B j are
    the same place in the story. A changed fact lowers the embedding and word scores of
    exactly such a pair; their position still says they correspond.
    """
    n, m = score.shape
    if n == 0 or m == 0:
        return
    for i in range(n):
        if i in pair_of_a:
            continue
        before = pair_of_a.get(i - 1, -1 if i == 0 else None)
        after = pair_of_a.get(i + 1, m if i == n - 1 else None)
        if before is None or after is None:
            continue
        j = before + 1
        if j >= m or j in pair_of_b or after != j + 1 or (before == -1 and after == m):
            continue
        if score[i, j] >= threshold:
            pair_of_a[i] = j
            pair_of_b[j] = i


def _mutual_best(score: np.ndarray, in_gap: float, anywhere: float, pair_of_a: dict[int, int], pair_of_b: dict[int, int]) -> None:
    """Link free sentences that are each other's best counterpart in the whole other document.

    The evidence is the ranking (neither sentence scores better with any other sentence)
    and, for the weakest of them (``in_gap``), order: the link crosses no other link. Not
    the score itself, which a changed name, figure or negation lowers. Only next to links
    already made: two unrelated articles, which have none, get none this way.
    """
    n, m = score.shape
    if n == 0 or m == 0 or not pair_of_a:
        return
    best_of_a = np.argmax(score, axis=1)
    best_of_b = np.argmax(score, axis=0)
    for i in range(n):
        j = int(best_of_a[i])
        if i in pair_of_a or j in pair_of_b or int(best_of_b[j]) != i or score[i, j] < in_gap:
            continue
        before = max((pair_of_a[k] for k in pair_of_a if k < i), default=-1)
        after = min((pair_of_a[k] for k in pair_of_a if k > i), default=m)
        if before < j < after or score[i, j] >= anywhere:
            pair_of_a[i] = j
            pair_of_b[j] = i


def _competitive(score: np.ndarray, threshold: float, pair_of_a: dict[int, int], pair_of_b: dict[int, int]) -> None:
    """Link still-free pairs best-first (reordered sentences); each sentence goes to its best free counterpart."""
    n, m = score.shape
    if n == 0 or m == 0:
        return
    cand = np.argwhere(score >= threshold)
    if len(cand) == 0:
        return
    order = np.argsort(-score[cand[:, 0], cand[:, 1]], kind="stable")
    for k in order:
        i, j = int(cand[k, 0]), int(cand[k, 1])
        if i in pair_of_a or j in pair_of_b:
            continue
        pair_of_a[i] = j
        pair_of_b[j] = i


def _merge(
    score: np.ndarray,
    fa: SentenceFeatures,
    fb: SentenceFeatures,
    pair_of_a: dict[int, int],
    pair_of_b: dict[int, int],
    threshold: float,
    gain: float,
) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Grow 1:1 links into 1:n / n:1 where a free neighbour adds coverage."""
    groups: list[tuple[list[int], list[int]]] = [([i], [j]) for i, j in sorted(pair_of_a.items())]
    group_of_a = {g[0][0]: k for k, g in enumerate(groups)}
    group_of_b = {g[1][0]: k for k, g in enumerate(groups)}
    for side in ("b", "a"):
        free = [j for j in range(score.shape[1]) if j not in pair_of_b] if side == "b" else [
            i for i in range(score.shape[0]) if i not in pair_of_a
        ]
        for k in free:
            best = None
            for neighbour in (k - 1, k + 1):
                gid = (group_of_b if side == "b" else group_of_a).get(neighbour)
                if gid is None:
                    continue
                a_idx, b_idx = groups[gid]
                # The new sentence must match the other side of the group...
                other = a_idx if side == "b" else b_idx
                if len(other) != 1:
                    continue
                s = score[other[0], k] if side == "b" else score[k, other[0]]
                if s < threshold:
                    continue
                # ...and cover content of it that the group did not cover yet.
                if side == "b":
                    before = _coverage(fa.terms[other[0]], [fb.terms[x] for x in b_idx])
                    after = _coverage(fa.terms[other[0]], [fb.terms[x] for x in (*b_idx, k)])
                else:
                    before = _coverage(fb.terms[other[0]], [fa.terms[x] for x in a_idx])
                    after = _coverage(fb.terms[other[0]], [fa.terms[x] for x in (*a_idx, k)])
                # ...or be a sentence whose best counterpart overall is this one.
                own_best = int(np.argmax(score[:, k])) == other[0] if side == "b" else int(np.argmax(score[k])) == other[0]
                if (after - before >= gain or (own_best and s >= threshold + 0.1)) and (best is None or s > best[0]):
                    best = (s, gid)
            if best is not None:
                gid = best[1]
                if side == "b":
                    groups[gid][1].append(k)
                    groups[gid][1].sort()
                    group_of_b[k] = gid
                else:
                    groups[gid][0].append(k)
                    groups[gid][0].sort()
                    group_of_a[k] = gid
    return [(tuple(a), tuple(b)) for a, b in groups]


def _coverage(terms: tuple[str, ...], others: list[tuple[str, ...]]) -> float:
    if not terms:
        return 0.0
    pool = set().union(*others) if others else set()
    return sum(t in pool for t in terms) / len(terms)
