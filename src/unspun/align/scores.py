"""Pair scores: coverage of each document by the other, and ``same_story``.

``same_story`` is a logistic blend of document-level evidence. Its weights were
fitted on SemEval-2022 Task 8 (graded same-story ratings) and checked with 5-fold
cross-validation; ``bench/same_story_eval.py`` refits and prints them. A pair is
called the same story when ``same_story >= SAME_STORY_THRESHOLD``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from unspun.records import Link, Scores
from unspun.represent import SentenceFeatures

SAME_STORY_THRESHOLD = 0.5

# Fitted by `python bench/same_story_eval.py --fit` on the 151 SemEval-2022 Task 8 en-en
# pairs (soft targets (4 - overall) / 3); 5-fold cross-validated Pearson -0.83. Features
# not listed weigh 0. Fewer features generalise better on 151 pairs: the lead says which
# story an article tells, coverage says whether one version contains the other.
WEIGHTS = {"intercept": -1.614, "lead_cosine": 2.732, "coverage_max": 1.286}
# Without embeddings, lead_cosine falls back to the TF-IDF document cosine
# (fitted the same way with --lexical).
WEIGHTS_LEXICAL = {"intercept": -1.614, "lead_cosine": 2.732, "coverage_max": 1.286}


LEAD_WORDS = 100  # the lead is the title plus the first ~100 words (the encoder reads 128 tokens)


def lead_text(title: str | None, text: str) -> str:
    """Title and opening words: what a reader uses to tell which story an article is."""
    words = ((title + ". ") if title else "").split() + text.split()
    return " ".join(words[:LEAD_WORDS])


@dataclass(frozen=True)
class PairFeatures:
    lead_cosine: float
    doc_cosine: float
    coverage_a: float
    coverage_b: float
    name_overlap: float
    number_overlap: float
    link_mean: float
    names_min: int = 0
    numbers_min: int = 0

    def vector(self) -> dict[str, float]:
        return {
            "lead_cosine": self.lead_cosine,
            "doc_cosine": self.doc_cosine,
            "coverage_min": min(self.coverage_a, self.coverage_b),
            "coverage_max": max(self.coverage_a, self.coverage_b),
            "name_overlap": self.name_overlap,
            "number_overlap": self.number_overlap,
            "link_mean": self.link_mean,
            "names_min": float(self.names_min),
            "numbers_min": float(self.numbers_min),
        }


def coverage(weights: list[int], linked: set[int]) -> float:
    """Share of a document's words that sit in linked sentences."""
    total = sum(weights)
    if total == 0:
        return 0.0
    return sum(w for k, w in enumerate(weights) if k in linked) / total


def document_cosine(fa: SentenceFeatures, fb: SentenceFeatures, lexical: np.ndarray) -> float:
    """Cosine of mean sentence embeddings (or of summed TF-IDF when there are none)."""
    if fa.embeddings is not None and fb.embeddings is not None and len(fa.embeddings) and len(fb.embeddings):
        va, vb = fa.embeddings.mean(axis=0), fb.embeddings.mean(axis=0)
        denom = float(np.linalg.norm(va) * np.linalg.norm(vb))
        return max(0.0, float(va @ vb) / denom) if denom else 0.0
    a_terms = _bag([t for terms in fa.terms for t in terms])
    b_terms = _bag([t for terms in fb.terms for t in terms])
    num = sum(a_terms[t] * b_terms.get(t, 0.0) for t in a_terms)
    den = math.sqrt(sum(v * v for v in a_terms.values()) * sum(v * v for v in b_terms.values()))
    return num / den if den else 0.0


def _bag(terms: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for t in terms:
        out[t] = out.get(t, 0.0) + 1.0
    return {t: math.sqrt(v) for t, v in out.items()}


def _union(per_sentence: list[frozenset[str]] | tuple[frozenset[str], ...]) -> frozenset[str]:
    return frozenset().union(*per_sentence)


def _overlap(a: list[frozenset[str]], b: list[frozenset[str]]) -> float:
    return _set_overlap(_union(a), _union(b))


def _set_overlap(sa: frozenset[str], sb: frozenset[str]) -> float:
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


_NOT_NAMES = frozenset(
    """january february march april may june july august september october november december monday tuesday
    wednesday thursday friday saturday sunday inc corp co ltd plc group company bank ministry president minister
    government department university court party council agency office mr mrs ms dr""".split()
)


def name_set(sentences: list[str], title: str | None) -> frozenset[str]:
    """Names a document mentions (capitalised words, not sentence-initial, not months or company suffixes)."""
    from unspun.represent.text import name_tokens

    out: set[str] = set()
    for text in sentences:
        first = text.split()[0].lower().strip("\"'“‘(") if text.split() else ""
        out |= {t for t in name_tokens(text) if t not in _NOT_NAMES and t != first}
    if title:
        out |= {t for t in name_tokens(title) if t not in _NOT_NAMES}
    return frozenset(out)


def pair_features(
    fa: SentenceFeatures,
    fb: SentenceFeatures,
    links: tuple[Link, ...],
    lexical: np.ndarray,
    words_a: list[int],
    words_b: list[int],
    lead_cosine: float | None = None,
    names: tuple[frozenset[str], frozenset[str]] | None = None,
) -> PairFeatures:
    """``lead_cosine``: cosine of the embedded leads (see :func:`lead_text`); None without embeddings."""
    numbers_a, numbers_b = _union(fa.numbers), _union(fb.numbers)
    linked_a = {i for link in links for i in link.a}
    linked_b = {j for link in links for j in link.b}
    doc = document_cosine(fa, fb, lexical)
    return PairFeatures(
        lead_cosine=doc if lead_cosine is None else max(0.0, lead_cosine),
        doc_cosine=doc,
        coverage_a=coverage(words_a, linked_a),
        coverage_b=coverage(words_b, linked_b),
        name_overlap=(len(names[0] & names[1]) / min(len(names[0]), len(names[1])) if names and names[0] and names[1]
                      else _overlap(list(fa.names), list(fb.names))),
        names_min=min(len(names[0]), len(names[1])) if names else 0,
        number_overlap=_set_overlap(numbers_a, numbers_b),
        numbers_min=min(len(numbers_a), len(numbers_b)),
        link_mean=float(np.mean([link.similarity for link in links])) if links else 0.0,
    )


def same_story_score(features: PairFeatures, *, semantic: bool) -> float:
    w = WEIGHTS if semantic else WEIGHTS_LEXICAL
    z = w["intercept"] + sum(w.get(k, 0.0) * v for k, v in features.vector().items())
    return 1.0 / (1.0 + math.exp(-z))


def scores(features: PairFeatures, *, semantic: bool) -> Scores:
    s = same_story_score(features, semantic=semantic)
    return Scores(
        a_coverage=round(features.coverage_a, 4),
        b_coverage=round(features.coverage_b, 4),
        same_story=round(s, 4),
        is_same_story=s >= SAME_STORY_THRESHOLD,
        threshold=SAME_STORY_THRESHOLD,
        document_similarity=round(features.doc_cosine, 4),
        evidence={k: round(v, 4) for k, v in features.vector().items()},
    )
