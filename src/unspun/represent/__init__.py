"""Stage 4, represent: per-sentence lexical features and embeddings."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from unspun.records import Document, DocumentVectors
from unspun.represent.text import content_terms, name_tokens, normalized, number_tokens

__all__ = ["SentenceFeatures", "featurize", "document_vectors", "ALGORITHM"]

ALGORITHM = "unspun.represent.v2"  # v2: each lead and each document encoded on its own (batch-independent)


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


def document_vectors(docs: list[Document], lead_encoder, static_encoder) -> list[DocumentVectors]:  # noqa: ANN001
    """Kernel: the candidate-search vectors of documents (lead embedding, static vector, MinHash,
    names). Encoders are passed in (loaded once per process or Spark executor); the function is
    pure otherwise."""
    from unspun.align.scores import lead_text, name_set
    from unspun.represent.minhash import signature

    if not docs:
        return []
    from unspun.represent.embed import encode_groups

    # each lead alone: its vector must not depend on which documents share the batch
    lead = [m[0] for m in encode_groups(lead_encoder, [[lead_text(d.title, d.text)] for d in docs])]
    static = static_encoder.encode([((d.title + ". ") if d.title else "") + d.text for d in docs])
    return [DocumentVectors(d.id, lv, sv, signature(d.text), frozenset(name_set([s.text for s in d.sentences], d.title)), ALGORITHM)
            for d, lv, sv in zip(docs, lead, static)]
