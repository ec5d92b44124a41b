"""Stage 5, find candidates: which stored documents are worth aligning with a new one.

Three complementary signals, each cheap, recall first:

* MinHash LSH over word 3-grams (:mod:`unspun.represent.minhash`) for copies and
  light edits;
* nearest neighbours on the MiniLM lead embedding (title + first ~100 words), which
  finds paraphrased rewrites: recall@5 1.00 on l2r news rewrites among ~18k documents,
  against 0.97 for the static vector alone (bench/corpus_eval.py);
* nearest neighbours on the static full-text vector (:mod:`unspun.represent.static`),
  for rewrites that restyle the lead.

Nearest neighbours are exact (numpy, one matrix product per batch of queries: ~10 ms
for 32 queries at 20k documents) until the corpus reaches ``ann_min_docs`` (default
50,000), then approximate with a faiss HNSW graph per vector kind, built lazily and
extended as documents arrive; a lone query (``match``) stays exact unless a graph is
already built (``CorpusOptions.ann``: "auto", "exact" or "hnsw"; faiss-cpu
is in the ``corpus`` extra). Exact search costs O(N) per document, so O(N^2) for a
corpus; HNSW costs O(log N) per document. (usearch was tried first: importing it before
onnxruntime crashes the interpreter.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from unspun.represent.minhash import LSHIndex, jaccard

ALGORITHM = "unspun.candidates.v1"
from unspun.config import ANN_MIN_DOCS, ANN_MODES  # noqa: F401 - shared with the CLI; re-exported here


class _Rows:
    """A float32 matrix that grows by appending rows (amortised O(1), no full copy per batch)."""

    def __init__(self, data: np.ndarray) -> None:
        data = np.asarray(data, dtype=np.float32)
        self._buf = data.copy() if len(data) else np.zeros((0, data.shape[1] if data.ndim == 2 else 0), np.float32)
        self._n = len(data)

    def append(self, rows: np.ndarray) -> None:
        rows = np.asarray(rows, dtype=np.float32)
        if not len(rows):
            return
        if self._buf.shape[1] == 0:
            self._buf = np.zeros((0, rows.shape[1]), np.float32)
        need = self._n + len(rows)
        if need > len(self._buf):
            grown = np.zeros((max(need, 2 * len(self._buf), 1024), rows.shape[1]), np.float32)
            grown[: self._n] = self._buf[: self._n]
            self._buf = grown
        self._buf[self._n: need] = rows
        self._n = need

    @property
    def view(self) -> np.ndarray:
        return self._buf[: self._n]


def hnsw_available() -> bool:
    try:
        import faiss  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass
class Index:
    """The in-memory candidate index of a corpus (rows in ingest order)."""

    _lead: _Rows
    _static: _Rows
    sigs: list[np.ndarray]
    lsh: LSHIndex
    ann: str = "auto"
    ann_min_docs: int = ANN_MIN_DOCS
    _graphs: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, lead: np.ndarray, static: np.ndarray, sigs: list[np.ndarray], *, ann: str = "auto",
              ann_min_docs: int = ANN_MIN_DOCS) -> "Index":
        if ann not in ANN_MODES:
            raise ValueError(f"ann must be one of {', '.join(ANN_MODES)}, not {ann!r}")
        lsh = LSHIndex()
        for i, s in enumerate(sigs):
            lsh.add(i, s)
        return cls(_Rows(lead), _Rows(static), list(sigs), lsh, ann, ann_min_docs)

    @property
    def lead(self) -> np.ndarray:
        return self._lead.view

    @property
    def static(self) -> np.ndarray:
        return self._static.view

    def __len__(self) -> int:
        return len(self.sigs)

    def append(self, lead: np.ndarray, static: np.ndarray, sigs: list[np.ndarray]) -> None:
        base = len(self.sigs)
        for k, s in enumerate(sigs):
            self.lsh.add(base + k, s)
        self.sigs.extend(sigs)
        self._lead.append(lead)
        self._static.append(static)

    def approximate(self) -> bool:
        """Whether nearest-neighbour search goes through the HNSW graphs."""
        if self.ann == "exact":
            return False
        if self.ann == "hnsw":
            return True
        return len(self) >= self.ann_min_docs and hnsw_available()

    def use_graph(self, kind: str, queries: int) -> bool:
        """Search ``kind`` through its HNSW graph? A single query (``unspun match``) is cheaper
        exact than building a graph for it: in "auto" mode graphs are built by batch searches
        (story building) and reused after."""
        return self.approximate() and (self.ann == "hnsw" or queries > 1 or kind in self._graphs)

    def graph(self, kind: str) -> Any:  # noqa: ANN401 - a faiss index
        """The HNSW graph over one vector kind ("lead" or "static"), brought up to date.
        Rows are added in order, so faiss's sequential ids are the corpus rows."""
        import faiss

        mat = getattr(self, kind)
        g = self._graphs.get(kind)
        if g is None:
            g = self._graphs[kind] = faiss.IndexHNSWFlat(mat.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
            g.hnsw.efConstruction = 80
            g.hnsw.efSearch = 96
        if g.ntotal < len(mat):
            g.add(np.ascontiguousarray(mat[g.ntotal:]))
        return g


def _neighbours(index: Index, kind: str, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, similarities) of the k nearest stored vectors for each query, -1 where fewer."""
    n = len(index)
    if index.use_graph(kind, len(q)):
        sims, keys = index.graph(kind).search(np.ascontiguousarray(q, dtype=np.float32), min(k, n))
        return keys.astype(np.int64), sims
    mat = getattr(index, kind)
    sims = q @ mat.T
    kk = min(k, n) - 1
    top = np.argpartition(-sims, kk, axis=1)[:, : kk + 1] if n > 1 else np.zeros((len(q), 1), dtype=np.int64)
    return top, np.take_along_axis(sims, top, axis=1)


Ranked = tuple[list[tuple[float, int]], list[tuple[float, int]], list[int]]
"""What one query found: (lead neighbours, static neighbours) as (similarity, row), and MinHash hits."""


def ranked(index: Index, rows: list[int | None], lead: np.ndarray, static: np.ndarray, sigs: list[np.ndarray], *,
           lead_k: int, static_k: int, minhash_min: float) -> list[Ranked]:
    """Kernel: each query's nearest rows per signal (its own row excluded), before any floor."""
    if len(index) == 0:
        return [([], [], []) for _ in rows]
    found: list[Ranked] = [([], [], []) for _ in rows]
    for slot, kind, q, k in ((0, "lead", lead, lead_k), (1, "static", static, static_k)):
        top, sims = _neighbours(index, kind, q, k + 2)  # k + 1 others, and the query itself may be stored
        for qi, row in enumerate(rows):
            found[qi][slot].extend((v, j) for j, v in zip(top[qi].tolist(), sims[qi].tolist()) if j >= 0 and j != row)
    for qi, (row, sig) in enumerate(zip(rows, sigs)):
        found[qi][2].extend(j for j in index.lsh.query(sig) if j != row and jaccard(sig, index.sigs[j]) >= minhash_min)
    return found


def select(found: Ranked, *, lead_k: int, lead_min: float, static_k: int, static_min: float,
           max_candidates: int) -> list[int]:
    """Kernel: the candidates of one query, best first: the ``k + 1`` nearest per vector above its
    floor, and every MinHash hit (scored 1.0). Rows are any comparable ids (corpus rows, or the
    ``seq`` of a document when a distributed engine merges what several buckets found)."""
    out: dict[int, float] = {}
    for hits, k, floor in ((found[0], lead_k, lead_min), (found[1], static_k, static_min)):
        best: dict[int, float] = {}
        for v, j in hits:
            best[j] = max(best.get(j, -2.0), v)
        for v, j in sorted(((v, j) for j, v in best.items()), reverse=True)[: k + 1]:
            if v >= floor:
                out[j] = max(out.get(j, -1.0), v)
    for j in found[2]:
        out[j] = max(out.get(j, -1.0), 1.0)
    return sorted(out, key=lambda j: -out[j])[:max_candidates]


def search(index: Index, rows: list[int | None], lead: np.ndarray, static: np.ndarray, sigs: list[np.ndarray], *,
           lead_k: int, lead_min: float, static_k: int, static_min: float, minhash_min: float,
           max_candidates: int) -> list[list[int]]:
    """Candidate rows for each query (its own row, when given, excluded), best first."""
    return [select(f, lead_k=lead_k, lead_min=lead_min, static_k=static_k, static_min=static_min, max_candidates=max_candidates)
            for f in ranked(index, rows, lead, static, sigs, lead_k=lead_k, static_k=static_k, minhash_min=minhash_min)]
