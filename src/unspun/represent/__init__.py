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
    dense: tuple[bool, ...] = ()  # sentences that read like table rows (mostly figures)


def featurize(doc: Document, embeddings: np.ndarray | None = None) -> SentenceFeatures:
    texts = [s.text for s in doc.sentences]
    terms = tuple(tuple(content_terms(t)) for t in texts)
    return SentenceFeatures(
        terms=terms,
        dense=tuple(_dense(t) for t in terms),
        numbers=tuple(number_tokens(t) for t in texts),
        names=tuple(name_tokens(t) for t in texts),
        normalized=tuple(normalized(t) for t in texts),
        embeddings=embeddings,
    )


def _dense(terms: tuple[str, ...]) -> bool:
    """A table row rather than prose: figures make up a quarter or more of the content words."""
    figures = sum(any(ch.isdigit() for ch in t) for t in terms)
    return figures >= 1 and figures >= 0.25 * len(terms)
