"""The typed values that flow between pipeline stages.

All records are frozen dataclasses. Sentences, links and findings keep character
offsets into their document's extracted ``text`` rather than copies, so every result
can be traced back to the exact span it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

LinkKind = Literal["copied", "edited", "paraphrased"]
Severity = Literal["high", "medium", "low"]
SEVERITY_RANK: dict[str, int] = {"high": 0, "medium": 1, "low": 2}


def most_serious_first(severity: str, confidence: float) -> tuple[int, float]:
    """Sort key for findings: high before medium before low, then the most confident."""
    return (SEVERITY_RANK[severity], -confidence)


@dataclass(frozen=True)
class RawDocument:
    """A document as read from its source, before extraction.

    ``text`` is decoded text (HTML source for ``format == "html"``).
    """

    id: str
    text: str
    format: Literal["text", "markdown", "html"]
    encoding: str = "utf-8"
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rejected:
    """A document that could not be taken, and why: a value, never a swallowed exception."""

    source: str
    stage: str
    reason: str
    doc_id: str | None = None


@dataclass(frozen=True)
class Removed:
    """A piece of the input that extraction dropped, and the rule that dropped it."""

    text: str
    reason: str


@dataclass(frozen=True)
class Sentence:
    """One sentence: ``text == document.text[start:end]``."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Document:
    """An extracted, segmented document ready to be represented and aligned."""

    id: str
    text: str
    title: str | None
    sentences: tuple[Sentence, ...]
    removed: tuple[Removed, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)

    def span(self, indices: tuple[int, ...] | list[int]) -> tuple[int, int] | None:
        """Character span covering the given sentences (None when empty)."""
        if not indices:
            return None
        sents = [self.sentences[i] for i in indices]
        return min(s.start for s in sents), max(s.end for s in sents)


@dataclass(frozen=True)
class Link:
    """Sentences ``a`` of document A correspond to sentences ``b`` of document B."""

    a: tuple[int, ...]
    b: tuple[int, ...]
    kind: LinkKind
    similarity: float
    semantic: float | None = None
    lexical: float = 0.0


@dataclass(frozen=True)
class Finding:
    """A typed change between the two versions, with the evidence on both sides."""

    type: str
    severity: Severity
    confidence: float
    a: tuple[int, ...]
    b: tuple[int, ...]
    a_text: str
    b_text: str
    a_span: tuple[int, int] | None
    b_span: tuple[int, int] | None
    explanation: str
    old: str | None = None
    new: str | None = None
    rule: str = ""
    old_span: tuple[int, int] | None = None  # where ``old`` sits in A's text
    new_span: tuple[int, int] | None = None  # where ``new`` sits in B's text
    basis: str = ""  # how the sentences were paired: "linked", "soft" (closest sentence), "added", "dropped"


@dataclass(frozen=True)
class Scores:
    """How much each document is covered by the other, and whether they are one story.

    ``same_story`` is in [0, 1]; ``is_same_story`` applies the documented threshold.
    """

    a_coverage: float
    b_coverage: float
    same_story: float
    is_same_story: bool
    threshold: float
    document_similarity: float | None = None
    evidence: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Comparison:
    """The result of :func:`unspun.compare`: alignment, scores and findings of A vs B."""

    a: Document
    b: Document
    links: tuple[Link, ...]
    unmatched_a: tuple[int, ...]
    unmatched_b: tuple[int, ...]
    scores: Scores
    findings: tuple[Finding, ...] = ()
    algorithms: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def documents(self) -> tuple[Document, Document]:
        return (self.a, self.b)


@dataclass(frozen=True)
class DocumentVectors:
    """What candidate search and the story rule need of one document (kernel
    :func:`unspun.represent.document_vectors`): the MiniLM lead embedding (title and first
    ~100 words), the static full-text vector, the MinHash signature and the document's names."""

    doc_id: str
    lead: Any  # numpy float32 (384,)
    static: Any  # numpy float32 (256,)
    minhash: Any  # numpy uint32 signature
    names: frozenset[str]
    algorithm: str = "unspun.represent.v2"


@dataclass(frozen=True)
class Pair:
    """A verified candidate pair (kernel :func:`unspun.stories.pair_from`): ``a`` was ingested
    before ``b``; scores, links and the evidence the story rule reads."""

    a: str
    b: str
    same_story: float
    a_coverage: float
    b_coverage: float
    kind: str
    links: tuple[Link, ...]
    evidence: dict[str, float]
    algorithm: str

    def __getitem__(self, key: str) -> Any:  # the story rule and provenance read pairs by field name
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key, default)


@dataclass(frozen=True)
class Edge:
    """One reuse edge of a story's provenance tree (kernel :func:`unspun.stories.provenance`).

    ``source`` is the version taken as the parent (closer to the origin), ``target`` the one
    derived from it. ``directed`` says whether the pair's own evidence (publication dates,
    coverage asymmetry, machine-paraphrase style, copy order) says so; when it is False the
    drawing follows the tree and the direction is unknown. ``kind`` is the rewrite kind
    (``copied`` / ``edited`` / ``paraphrased``) or ``related`` (same event, written apart)."""

    source: str
    target: str
    kind: str
    directed: bool
    reason: str
    same_story: float
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Story:
    """A story (kernel :func:`unspun.stories.summarize`): members in ingest order, at most one
    origin (``None`` with ``origin_reason`` when nothing gives a direction), the provenance tree
    (every member once: ``edges`` reach every member but the root), extra parents as
    ``cross_links``, and related coverage (same event, independently written): other stories'
    ids, and documents that are in no story."""

    id: str
    members: tuple[str, ...]
    origin: str | None
    origin_reason: str
    root: str
    edges: tuple[Edge, ...]
    cross_links: tuple[Edge, ...] = ()
    related: tuple[str, ...] = ()
    related_documents: tuple[str, ...] = ()  # related coverage that is in no story (a lone document)
    algorithm: str = "unspun.stories.v2"


@dataclass(frozen=True)
class MatchedDocument:
    """A stored version a new article rewrites (or is rewritten from), with the pair's scores."""

    id: str
    same_story: float
    stored_coverage: float  # share of the stored version the new article covers
    new_coverage: float  # share of the new article the stored version covers


@dataclass(frozen=True)
class Match:
    """One answer of ``match``: a stored story the new article belongs to (by the same story rule
    as story building), or ``story=None`` for a stored document with no rewrite yet (then
    ``documents[0]`` is the closest document). ``documents`` are best first."""

    story: str | None
    score: float
    members: int
    documents: tuple[MatchedDocument, ...]

