"""Stage 4, represent: per-sentence lexical features and embeddings."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from unspun.records import Document
from unspun.represent.text import content_terms, name_tokens, normalized, number_tokens

__all__ = ["SentenceFeatures", "featurize"]


@dataclass(frozen=True)
class SentenceFeatures:
    """What the aligner needs of a document's sentences."""

    terms: tuple[tuple[str, ...], ...]
    numbers: tuple[frozenset[str], ...]
    names: tuple[frozenset[str], ...]
    normalized: tuple[str, ...]
    embeddings: np.ndarray | None


def featurize(doc: Document, embeddings: np.ndarray | None = None) -> SentenceFeatures:
    texts = [s.text for s in doc.sentences]
    return SentenceFeatures(
        terms=tuple(tuple(content_terms(t)) for t in texts),
        numbers=tuple(number_tokens(t) for t in texts),
        names=tuple(name_tokens(t) for t in texts),
        normalized=tuple(normalized(t) for t in texts),
        embeddings=embeddings,
    )
