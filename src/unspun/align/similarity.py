"""Sentence-pair similarity matrices: lexical, semantic, anchors, and their blend.

Each scorer returns an ``n x m`` matrix in [0, 1] (all pairs at once, RapidFuzz
``cdist`` style). The blend is what the aligner ranks on.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from unspun.represent import SentenceFeatures
from unspun.represent.text import stem


def lexical_matrix(a: SentenceFeatures, b: SentenceFeatures, without_facts: bool = False) -> np.ndarray:
    """TF-IDF cosine over content stems; IDF from the sentences of both documents.

    Pair-local IDF is enough here: a term in every sentence of the story ("Ukraine")
    says little about which sentence matches which. ``without_facts``: names and
    figures left out, so the wording around a changed fact is compared on its own (a
    swapped name is a rare, heavily weighted term on each side).
    """
    n, m = len(a.terms), len(b.terms)
    if n == 0 or m == 0:
        return np.zeros((n, m), dtype=np.float32)
    if without_facts:
        rows_a, rows_b = _wording(a), _wording(b)
    else:
        rows_a = [list(t) for t in a.terms]
        rows_b = [list(t) for t in b.terms]
    df: Counter[str] = Counter()
    for terms in (*rows_a, *rows_b):
        df.update(set(terms))
    total = n + m
    vocab = {t: k for k, t in enumerate(df)}
    idf = np.array([math.log((total + 1) / (df[t] + 0.5)) for t in vocab], dtype=np.float32)
    va = _tfidf(rows_a, vocab, idf)
    vb = _tfidf(rows_b, vocab, idf)
    return np.clip(va @ vb.T, 0.0, 1.0)


def _wording(f: SentenceFeatures) -> list[list[str]]:
    """Content stems without the sentence's names and figures."""
    out = []
    for terms, names in zip(f.terms, f.names):
        facts = {stem(w) for w in names}
        out.append([t for t in terms if t not in facts and not any(ch.isdigit() for ch in t)])
    return out


def _tfidf(rows: list[list[str]], vocab: dict[str, int], idf: np.ndarray) -> np.ndarray:
    mat = np.zeros((len(rows), len(vocab)), dtype=np.float32)
    for r, terms in enumerate(rows):
        for t in terms:
            mat[r, vocab[t]] += 1.0
    mat = np.sqrt(mat) * idf  # sublinear tf
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    return mat / np.maximum(norms, 1e-9)


def semantic_matrix(a: SentenceFeatures, b: SentenceFeatures) -> np.ndarray | None:
    """Cosine of sentence embeddings, clipped to [0, 1]; None without embeddings."""
    if a.embeddings is None or b.embeddings is None:
        return None
    if len(a.embeddings) == 0 or len(b.embeddings) == 0:
        return np.zeros((len(a.terms), len(b.terms)), dtype=np.float32)
    return np.clip(a.embeddings @ b.embeddings.T, 0.0, 1.0)


def anchor_matrix(a: SentenceFeatures, b: SentenceFeatures) -> np.ndarray:
    """Share of names and numbers the two sentences have in common (Dice), 0 when neither has any."""
    out = np.zeros((len(a.terms), len(b.terms)), dtype=np.float32)
    for i, (na, ma) in enumerate(zip(a.names, a.numbers)):
        left = na | ma
        if not left:
            continue
        for j, (nb, mb) in enumerate(zip(b.names, b.numbers)):
            right = nb | mb
            if right:
                shared = len(left & right)
                if shared:
                    out[i, j] = 2.0 * shared / (len(left) + len(right))
    return out
