"""The local engine: a corpus of articles in a DuckDB store — ingest, find every story, infer who copied whom, match new articles.

This is the local engine: it calls the same stage functions as ``unspun compare``
(read, extract, segment, represent, align, drift) and keeps their results in the
DuckDB store (:mod:`unspun.store`).

Ingest runs in two resumable phases:

1. **documents**: read, extract, segment and represent each new document (lead
   embedding, static vector, MinHash), committed in batches;
2. **stories**: for each document not yet verified, find candidates (MinHash LSH for
   copies and light edits, nearest neighbours on the lead embedding and on the static
   vector for paraphrased rewrites), verify them with the aligner, and store the
   pairs; the document is marked verified in the same transaction.

Stories are grown from verified same-story pairs (``stories.components``: best
partners first, no chaining); they update incrementally because only new documents'
candidates are verified, and grouping the stored pairs again is cheap.
"""

from __future__ import annotations

import os
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import numpy as np

from unspun import candidates as candidate_stage
from unspun import config
from unspun import represent as represent_stage
from unspun import stories as story_stage
from unspun.align import AlignOptions
from unspun.align.scores import name_set
from unspun.errors import InputError, OptionsError
from unspun.pipeline import CompareOptions, Comparer, document_or_rejection, load
from unspun.read.sources import iter_sources
from unspun.records import Comparison, Document, Match, MatchedDocument, Pair, RawDocument, Rejected, Story
from unspun.report.json import finding_to_dict, story_summary_to_dict, story_to_dict
from unspun.represent.minhash import signature
from unspun.store import DEFAULT_DB, Store, content_hash, document_row, text_hash

Progress = Callable[[str, int, int | None], None]

# Comparisons of stored pairs kept in memory by one open corpus (the web app's pair pages): a
# comparison is ~100 KB with its documents, so 256 stay well under 50 MB.
PAIR_MEMO = 256
KERNELS = {"represent": represent_stage.ALGORITHM, "candidates": candidate_stage.ALGORITHM, "stories": story_stage.ALGORITHM}
"""The kernel versions this engine writes; rows made by older ones are reported by :meth:`Corpus.notes`."""


@dataclass(frozen=True)
class CorpusOptions:
    """Candidate search and verification settings.

    ``lead_k``/``lead_min``: nearest neighbours on the MiniLM lead embedding (title and
    first ~100 words); ``static_k``/``static_min``: on the static full-text vector;
    ``minhash_min``: estimated Jaccard of word 3-grams for an LSH candidate.
    ``ann``: nearest-neighbour search "exact", through a faiss HNSW graph ("hnsw"),
    or "auto": HNSW from ``ann_min_docs`` documents on, when faiss-cpu is installed.
    Tuned on bench/corpus_eval.py (see BENCHMARKS.md).
    """

    batch_size: int = config.INGEST_BATCH_SIZE
    lead_k: int = 8
    lead_min: float = 0.55
    static_k: int = 8
    static_min: float = 0.9
    minhash_min: float = 0.3
    max_candidates: int = 16
    findings: bool = True
    max_bytes: int | None = None
    ann: str = "auto"
    ann_min_docs: int = candidate_stage.ANN_MIN_DOCS

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise OptionsError("CorpusOptions.batch_size must be >= 1")
        if self.ann not in candidate_stage.ANN_MODES:
            raise OptionsError(f"CorpusOptions.ann must be one of {', '.join(candidate_stage.ANN_MODES)}")
        for name in ("lead_min", "static_min", "minhash_min"):
            if not -1.0 <= getattr(self, name) <= 1.0:
                raise OptionsError(f"CorpusOptions.{name} must be in [-1, 1]")


def compare_options_for(options: CorpusOptions) -> CompareOptions:
    """How every engine compares two documents of a corpus: embeddings required, no findings
    (computed later, along story trees), a lone sentence never linked on its own."""
    return CompareOptions(findings=False, embeddings="require", max_bytes=options.max_bytes,
                          align=AlignOptions(link_single_sentences=False))


STAGES = ("read", "extract_segment", "represent", "candidates", "sentence_vectors", "verify", "store", "stories")
"""The stages an ingest's time is split into: reading sources, extraction and segmentation,
document vectors, candidate search, MiniLM sentence vectors of verified documents, verification
(align + pair scores), store writes, story materialisation."""


@dataclass
class IngestSummary:
    read: int = 0
    added: int = 0
    duplicates: int = 0
    copies: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    verified: int = 0
    pairs: int = 0
    stories_updated: int = 0
    stories_merged: int = 0
    seconds_documents: float = 0.0
    seconds_stories: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    """Wall time per stage (:data:`STAGES`), for the profile ``bench/corpus_eval.py`` prints."""

    @contextmanager
    def clock(self, stage: str) -> Iterator[None]:
        """Add the time spent inside the block to ``stage``."""
        t = time.perf_counter()
        try:
            yield
        finally:
            self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + time.perf_counter() - t

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read, "added": self.added, "duplicates": self.duplicates, "copies": self.copies,
            "rejected": [{"source": r.source, "id": r.doc_id, "stage": r.stage, "reason": r.reason} for r in self.rejected],
            "verified_documents": self.verified, "pairs_checked": self.pairs,
            "stories_updated": self.stories_updated, "stories_merged_or_dissolved": self.stories_merged,
            "seconds": {"documents": round(self.seconds_documents, 2), "stories": round(self.seconds_stories, 2),
                        "stages": {k: round(self.stage_seconds[k], 2) for k in STAGES if k in self.stage_seconds}},
        }


class Corpus:
    """The corpus operations over one store file."""

    def __init__(self, db: str | os.PathLike = DEFAULT_DB, options: CorpusOptions | None = None, *,
                 read_only: bool = False, create: bool = True, compare_options: CompareOptions | None = None) -> None:
        self.options = options or CorpusOptions()
        self.store = Store(db, read_only=read_only, create=create)
        self._compare_options = compare_options or compare_options_for(self.options)
        self._comparer: Comparer | None = None
        self._static = None
        self._index_loaded = False
        self._components: list[list[str]] | None = None
        self._relation_cache: tuple[dict[tuple[str, str], str | None], list[dict[str, Any]]] | None = None
        self._sentvecs: OrderedDict[str, np.ndarray] = OrderedDict()  # sentence embeddings in memory (LRU)
        self._sentvec_limit = 50_000
        self._styles: dict[str, float] = {}
        self._findings_memo: dict[tuple[str, str], list[dict[str, Any]]] = {}  # (source, target): a read-only store's findings
        self._pair_memo: OrderedDict[tuple[str, str], Comparison] = OrderedDict()

    # --- lifecycle ----------------------------------------------------------------------

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Corpus":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def comparer(self) -> Comparer:
        if self._comparer is None:
            self._comparer = Comparer(self._compare_options)
        return self._comparer

    @property
    def static(self):  # noqa: ANN201
        if self._static is None:
            from unspun.represent.static import StaticEncoder

            self._static = StaticEncoder()
        return self._static

    # --- in-memory index --------------------------------------------------------------------

    def _load_index(self) -> None:
        if self._index_loaded:
            return
        ids, lead, static, sigs, verified, names, sources = self.store.vectors()
        self.names = [frozenset(n) for n in names]
        self.sources: list[str | None] = list(sources)
        self.name_df = Counter(n for ns in self.names for n in ns)
        self.ids = ids
        self.row = {d: i for i, d in enumerate(ids)}
        self.index = candidate_stage.Index.build(lead, static, sigs, ann=self.options.ann, ann_min_docs=self.options.ann_min_docs)
        self.verified = verified
        self._index_loaded = True

    def _append_index(self, doc_ids: list[str], lead: np.ndarray, static: np.ndarray, sigs: list[np.ndarray],
                      names: list[frozenset[str]], sources: list[str | None]) -> None:
        base = len(self.ids)
        self.names.extend(names)
        self.sources.extend(sources)
        self.name_df.update(n for ns in names for n in ns)
        self.ids.extend(doc_ids)
        for k, d in enumerate(doc_ids):
            self.row[d] = base + k
        self.index.append(lead, static, sigs)
        self.verified = np.concatenate([self.verified, np.zeros(len(doc_ids), dtype=bool)])

    # --- phase 1: documents -------------------------------------------------------------------

    def ingest(self, paths: list[str], *, stories: bool = True, progress: Progress | None = None) -> IngestSummary:
        """Add the documents under ``paths``; then (``stories``) verify their candidates."""
        self._load_index()
        summary = IngestSummary()
        t0 = time.perf_counter()
        batch: list[tuple[RawDocument, Document]] = []
        rejected: list[Rejected] = []
        seen: dict[str, str] = {}
        crash_after = int(os.environ.get("UNSPUN_TEST_CRASH_AFTER_BATCHES", "0") or 0)
        batches = 0
        items = iter(iter_sources(paths, max_bytes=self.options.max_bytes))
        while True:
            with summary.clock("read"):
                item = next(items, None)
            if item is None:
                break
            summary.read += 1
            if progress:
                progress("documents", summary.read, None)
            if isinstance(item, Rejected):
                rejected.append(item)
                continue
            raw_hash = content_hash(item.text)
            known = seen.get(item.id) or self.store.hash_of(item.id)
            if known is not None:
                if known == raw_hash:
                    summary.duplicates += 1
                else:
                    rejected.append(Rejected(item.meta.get("path", item.id), "read",
                                             "an id already in the store with different content", item.id))
                continue
            with summary.clock("extract_segment"):
                doc = document_or_rejection(item, self._compare_options, item.meta.get("path", item.id))
            if isinstance(doc, Rejected):
                rejected.append(doc)
                continue
            seen[item.id] = raw_hash
            batch.append((item, doc))
            if len(batch) >= self.options.batch_size:
                batches += 1
                self._flush(batch, rejected, summary, crash=crash_after and batches > crash_after)
                batch, rejected = [], []
        self._flush(batch, rejected, summary, crash=False)
        summary.seconds_documents = time.perf_counter() - t0
        if stories:
            t1 = time.perf_counter()
            self.build_stories(summary, progress=progress)
            with summary.clock("stories"):
                counts = self.refresh_stories(progress=progress)
            summary.stories_updated, summary.stories_merged = counts["updated"], counts["merged_or_dissolved"]
            summary.seconds_stories = time.perf_counter() - t1
        return summary

    def _flush(self, batch: list[tuple[RawDocument, Document]], rejected: list[Rejected], summary: IngestSummary, *, crash: bool) -> None:
        if not batch and not rejected:
            return
        docs = [d for _, d in batch]
        with summary.clock("represent"):
            dvs = represent_stage.document_vectors(docs, self.comparer.encoder, self.static) if docs else []
        lead = np.array([v.lead for v in dvs], dtype=np.float32).reshape(-1, 384)
        static = np.array([v.static for v in dvs], dtype=np.float32).reshape(-1, 256)
        sigs = [v.minhash for v in dvs]
        names = [v.names for v in dvs]
        seq = self.store.next_seq()
        rows = []
        copies_in_batch: dict[str, str] = {}
        for k, (raw, doc) in enumerate(batch):
            th = text_hash(doc)
            copy_of = copies_in_batch.get(th) or self.store.first_with_text(th)
            copies_in_batch.setdefault(th, doc.id)
            summary.copies += copy_of is not None
            rows.append(document_row(raw, doc, dvs[k], seq + k, copy_of))
        with summary.clock("store"), self.store.transaction():
            self.store.add_documents(rows)
            if crash:
                os._exit(137)  # test hook: die mid-transaction, as a killed process would
            self.store.add_rejected(rejected)
        summary.added += len(rows)
        summary.rejected.extend(rejected)
        self._append_index([d.id for d in docs], lead, static.astype(np.float16).astype(np.float32), sigs, names,
                           [r["source"] for r in rows])
        self._components = self._relation_cache = None

    # --- phase 2: candidates and verification ----------------------------------------------------

    def candidates(self, row: int | None, lead: np.ndarray, static: np.ndarray, sig: np.ndarray) -> list[int]:
        """Rows worth verifying against one document (its own row excluded), best first."""
        return self.candidates_many([row], lead[None, :], static[None, :], [sig])[0]

    def candidates_many(self, rows: list[int | None], lead: np.ndarray, static: np.ndarray, sigs: list[np.ndarray]) -> list[list[int]]:
        o = self.options
        return candidate_stage.search(self.index, rows, lead, static, sigs, lead_k=o.lead_k, lead_min=o.lead_min,
                                      static_k=o.static_k, static_min=o.static_min, minhash_min=o.minhash_min,
                                      max_candidates=o.max_candidates)

    def build_stories(self, summary: IngestSummary | None = None, *, progress: Progress | None = None, chunk: int = 32) -> IngestSummary:
        """Verify the candidates of every document not yet verified (resumable)."""
        self._load_index()
        summary = summary or IngestSummary()
        todo = [i for i in range(len(self.ids)) if not self.verified[i]]
        for start in range(0, len(todo), chunk):
            rows = todo[start: start + chunk]
            ids = [self.ids[i] for i in rows]
            with summary.clock("candidates"):
                known = self.store.known_pairs(ids)
                wanted: list[tuple[str, str]] = []
                found = self.candidates_many(rows, self.index.lead[rows], self.index.static[rows], [self.index.sigs[i] for i in rows])
                for i, j in story_stage.worth_verifying(rows, found, self.names, self.stats()):
                    a, b = self.ids[i], self.ids[j]
                    if (a, b) not in known:
                        known.add((a, b))
                        wanted.append((a, b))
            pair_rows, new_vectors = self._verify(wanted, summary)
            with summary.clock("store"), self.store.transaction():
                self.store.add_sentence_vectors(new_vectors)
                self.store.add_pairs(pair_rows)
                self.store.mark_verified(ids)
                if pair_rows:
                    self.store.mark_stories_stale()
            self.verified[rows] = True
            summary.verified += len(rows)
            summary.pairs += len(pair_rows)
            if progress:
                progress("stories", summary.verified, len(todo))
        self._components = self._relation_cache = None
        return summary

    def _vectors(self, docs: dict[str, Document]) -> tuple[dict[str, tuple], dict[str, np.ndarray]]:
        """(sentence matrix, lead vector) per document: from memory, else the store, else the encoder.

        Returns the vectors and the newly computed matrices (to be stored with the batch).
        """
        found = {d: self._sentvecs[d] for d in docs if d in self._sentvecs}
        missing = [d for d in docs if d not in found]
        if missing:
            found.update({d: v for d, v in self.store.sentence_vectors(missing).items() if len(v) == len(docs[d].sentences)})
        todo = [d for d in docs if d not in found]
        new: dict[str, np.ndarray] = {}
        if todo:
            from unspun.represent.embed import encode_groups

            # one group per document: its vectors depend on its own sentences alone
            new = dict(zip(todo, encode_groups(self.comparer.encoder, [[s.text for s in docs[d].sentences] for d in todo])))
            # Use what will be stored (float16), so a rerun from the store gives the same answer.
            found.update({d: v.astype(np.float16).astype(np.float32) for d, v in new.items()})
        for d, v in found.items():
            self._sentvecs[d] = v
            self._sentvecs.move_to_end(d)
        while len(self._sentvecs) > self._sentvec_limit:
            self._sentvecs.popitem(last=False)
        return {d: (found[d], self.index.lead[self.row[d]] if d in self.row else None) for d in docs}, new

    def _verify(self, wanted: list[tuple[str, str]], summary: IngestSummary) -> tuple[list, dict[str, np.ndarray]]:
        if not wanted:
            return [], {}
        with summary.clock("store"):
            docs = self.store.documents(sorted({x for p in wanted for x in p}))
        with summary.clock("sentence_vectors"):
            vectors, new = self._vectors(docs)
        with summary.clock("verify"):
            pairs = [story_stage.pair_from(self.comparer.compare_documents(docs[a], docs[b], vectors_a=vectors[a], vectors_b=vectors[b]), a, b)
                     for a, b in wanted]
        return pairs, new

    # --- stories ----------------------------------------------------------------------------------

    def components(self) -> list[list[str]]:
        if self._components is None:
            rel, pairs = self._relations()
            self._components = story_stage.group(self.ids, pairs, rel)
        return self._components

    def _relations(self) -> tuple[dict[tuple[str, str], str | None], list[Pair]]:
        """Every stored pair at the related floor with its relation ("rewrite", "related", None),
        after :func:`unspun.stories.explain_away`; computed once per corpus state."""
        if self._relation_cache is None:
            self._load_index()
            pairs = self.store.candidate_edges(story_stage.RELATED_MIN_SAME_STORY, 0.0)
            names = {d: self.names[self.row[d]] for p in pairs for d in (p.a, p.b)}
            sources = {d: self.sources[self.row[d]] for d in names}
            self._relation_cache = (story_stage.relations(pairs, names, sources, self.stats()), pairs)
        return self._relation_cache

    def stats(self) -> story_stage.CorpusStats:
        """The corpus statistics the story rule reads (name document frequencies)."""
        self._load_index()
        return story_stage.CorpusStats(len(self.ids), self.name_df)

    def _is_edge(self, p: Pair) -> bool:
        """A stored pair is a story edge: its relation, after explain-away, is "rewrite"."""
        return self._relations()[0].get((p.a, p.b)) == "rewrite"


    def refresh_stories(self, *, progress: Progress | None = None) -> dict[str, int]:
        """Materialise the stories in the store: group the stored pairs again (cheap), then
        summarise only the stories whose members changed, record ids that were merged into
        another story (or dissolved), and update the related-story lists. Returns counts."""
        current = {story_stage.story_id(m): tuple(m) for m in self.components()}
        changed_ids, removed = story_stage.reconcile(self.store.stored_memberships(), current)
        if self.store.stories_rebuild():
            changed_ids = list(current)  # migrated or re-kerneled: summarise every story again
        owner = {d: sid for sid, members in current.items() for d in members}
        changed = []
        for start in range(0, len(changed_ids), 256):
            part = changed_ids[start: start + 256]
            self._style([d for sid in part for d in current[sid]])
            changed.extend(self._summarize(list(current[sid]))[1] for sid in part)
            if progress:
                progress("summaries", min(start + 256, len(changed_ids)), len(changed_ids))
        related = self._related(owner)
        with self.store.transaction():
            self.store.save_stories(changed, removed)
            self.store.set_related(related)
        return {"stories": len(current), "updated": len(changed), "merged_or_dissolved": len(removed)}

    def _related(self, owner: dict[str, str]) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        """Per story: the other stories and the lone documents joined to it only by related coverage
        (same event, written independently; see :func:`unspun.stories.edge_relation`)."""
        rel, pairs = self._relations()
        return story_stage.related_lists(owner, pairs, rel)

    def _stored_stories_ready(self) -> None:
        """Stories are read from the store; build them first when it has none yet (a migrated
        store, or documents ingested with --no-stories and verified since). A read-only store is
        read as it is: :meth:`notes` says when its stories are out of date."""
        self._load_index()
        if self.store.read_only:
            return
        if not self.verified.all():
            self.build_stories()
        if self.store.stories_stale():
            self.refresh_stories()

    def stories_outdated(self) -> bool:
        """True when documents or pairs were added since the stored stories were last updated
        (only a writable open, e.g. ``unspun stories``, brings them up to date)."""
        self._load_index()
        return bool(not self.verified.all() or self.store.stories_stale())

    def story_summaries(self, *, limit_findings: int = 5) -> list[dict[str, Any]]:
        """Every stored story as the ``stories`` contract gives it, with the findings already
        known (cached in the store, or computed by this open corpus); ``"findings": None`` for a
        story with a tree edge whose findings were never computed. One read of the store;
        computes nothing."""
        self._stored_stories_ready()
        items = self.store.stories()
        meta = self.store.metadata([d for st in items for d in st.members])
        cached = self.store.cached_findings()
        out = []
        for st in items:
            found: dict[tuple[str, str], list[dict[str, Any]]] | None = {}
            for e in st.edges:
                if e.kind == "unlinked":
                    continue
                fs = self._known_findings(e.source, e.target, cached.get(self._pair_key(e.source, e.target)))
                if fs is None:
                    found = None
                    break
                found[(e.source, e.target)] = _along(fs, e.source, e.target)
            d = story_summary_to_dict(st, meta, found, limit_findings)
            if found is None:
                d["findings"] = None
            out.append(d)
        out.sort(key=lambda s: (-len(s["members"]), s["id"]))
        return out

    def compare_stored(self, a: str, b: str) -> Comparison:
        """Compare two stored documents (A = ``a``) with findings, from the stored sentence vectors
        (new ones are kept when the store is writable); computed once per open corpus and kept in
        memory (``PAIR_MEMO`` pairs): a story's tree findings and its pair pages share it."""
        key = (a, b)
        if key in self._pair_memo:
            self._pair_memo.move_to_end(key)
            return self._pair_memo[key]
        docs = self.store.documents([a, b])
        for d in (a, b):
            if d not in docs:
                raise InputError(d, "no such document in this store")
        self._load_index()
        vectors, new = self._vectors(docs)
        if not self.store.read_only:
            self.store.add_sentence_vectors(new)
        c = self._drift_comparer().compare_documents(docs[a], docs[b], vectors_a=vectors[a], vectors_b=vectors[b])
        self._pair_memo[key] = c
        while len(self._pair_memo) > PAIR_MEMO:
            self._pair_memo.popitem(last=False)
        return c

    def edge_direction(self, a: str, b: str) -> str | None:
        """How the story edge between stored documents ``a`` and ``b`` runs, seen from ``a``:
        "known" / "unknown" when ``a`` is the parent (with or without evidence of direction),
        "reversed" when ``b`` is; None when they are no edge (or cross-link) of one story."""
        owner = self.store.story_of([a, b])
        if not owner.get(a) or owner.get(a) != owner.get(b):
            return None
        for st in self.store.stories([owner[a]]):
            for e in st.edges + st.cross_links:
                if {e.source, e.target} == {a, b}:
                    return ("known" if e.directed else "unknown") if e.source == a else "reversed"
        return None

    def document_with_stories(self, doc_id: str) -> tuple[Document, dict[str, Any], list[str]]:
        """A stored document, its metadata row and the ids of the stories it is in."""
        doc = self.store.document(doc_id)
        if doc is None:
            raise InputError(doc_id, "no such document in this store")
        meta = self.store.metadata([doc_id]).get(doc_id, {})
        return doc, meta, sorted(set(self.store.story_of([doc_id]).values()))

    def stories(self, *, findings: bool | None = None, limit_findings: int = 5) -> list[dict[str, Any]]:
        """Every stored story (documents with at least one rewrite in the corpus), largest first."""
        self._stored_stories_ready()
        want = self.options.findings if findings is None else findings
        items = self.store.stories()
        meta = self.store.metadata([d for st in items for d in st.members])
        out = [self._story_summary(st, meta, want, limit_findings) for st in items]
        out.sort(key=lambda s: (-len(s["members"]), s["id"]))
        return out

    def story(self, story_id: str, *, findings: bool | None = None) -> dict[str, Any]:
        """One story's provenance tree: origin, members (each once), edges with evidence, cross-links.

        An id that was merged into another story returns ``{"id", "merged_into"}``; an id never
        seen (or dissolved) is an InputError."""
        self._stored_stories_ready()
        found = self.store.stories([story_id])
        if not found:
            known, merged_into = self.store.story_fate(story_id)
            if known and merged_into:
                return {"id": story_id, "merged_into": merged_into}
            if known:
                raise InputError(story_id, "is no longer a story: its documents are no longer joined to a rewrite")
            raise InputError(story_id, "no such story in this store (see `unspun stories`)")
        st = found[0]
        want = self.options.findings if findings is None else findings
        return story_to_dict(st, self.store.metadata(list(st.members)), self._tree_findings(st) if want else None)

    def _story_summary(self, st: Story, meta: dict[str, dict[str, Any]], want_findings: bool, limit: int) -> dict[str, Any]:
        return story_summary_to_dict(st, meta, self._tree_findings(st) if want_findings else None, limit)

    def _summarize(self, members: list[str]) -> tuple[dict[str, dict[str, Any]], Story]:
        """(metadata, Story record) of one story, from its stored pairs."""
        meta = self.store.metadata(members)
        pairs = [p for p in self.store.pairs_among(members) if self._is_edge(p)]
        return meta, story_stage.summarize(members, pairs, meta, self._style(members))

    def _tree_findings(self, st: Story) -> dict[tuple[str, str], list[dict[str, Any]]]:
        """Findings along the tree only: each version against its parent (closest ancestor toward
        the origin), never against a sibling; on an edge of unknown direction they say so."""
        out = {}
        for e in st.edges:
            if e.kind == "unlinked":
                continue
            direction = "known" if e.directed else "unknown"
            out[(e.source, e.target)] = [{**f, "pair": {**f["pair"], "direction": direction}}
                                         for f in self._edge_findings(e.source, e.target)]
        return out

    def _style(self, members: list[str]) -> dict[str, float]:
        """Machine-paraphrase style of each member (a provenance signal when dates are missing).

        A document's text never changes under its id, so each is read and scored once.
        """
        missing = [d for d in members if d not in self._styles]
        if missing:
            self._styles.update({d: story_stage.machine_style(doc.text) for d, doc in self.store.documents(missing).items()})
        return {d: self._styles[d] for d in members if d in self._styles}

    def _pair_key(self, x: str, y: str) -> tuple[str, str]:
        """The stored pair's (a, b): the earlier-ingested document first."""
        return (x, y) if self.row.get(x, 0) < self.row.get(y, 0) else (y, x)

    def _known_findings(self, src: str, dst: str, stored: dict[str, list[dict[str, Any]]] | None) -> list[dict[str, Any]] | None:
        """Findings of ``dst`` against ``src`` already at hand: cached on the stored pair
        (``stored``: its findings by source), or computed by this open corpus; None otherwise."""
        if stored and src in stored:
            return stored[src]
        return self._findings_memo.get((src, dst))

    def _edge_findings(self, src: str, dst: str) -> list[dict[str, Any]]:
        """Drift findings of ``dst`` (B) against its source ``src`` (A), computed once and kept in
        the store (or, read-only, in memory)."""
        a, b = self._pair_key(src, dst)
        stored = self.store.pair_findings(a, b)
        found = self._known_findings(src, dst, stored)
        if found is None:
            found = [finding_to_dict(f) for f in self.compare_stored(src, dst).findings]
            self._findings_memo[(src, dst)] = found
            if stored is not None and not self.store.read_only:
                self.store.set_findings(a, b, {**stored, src: found})
        return _along(found, src, dst)

    def _drift_comparer(self) -> Comparer:
        if not hasattr(self, "_dc"):
            from dataclasses import replace

            self._dc = Comparer(replace(self._compare_options, findings=True))
            self._dc.encoder = self.comparer.encoder
        return self._dc

    # --- match ---------------------------------------------------------------------------------------

    def match(self, source: str | os.PathLike | Document, *, limit: int = config.MATCH_LIMIT) -> list[Match]:
        """Which stored stories does this article rewrite? Best first.

        ``source`` is article text (``str``), a file (``pathlib.Path``) or a loaded Document.
        A candidate counts only when it passes the story rule (``stories.is_edge``), so every
        story returned can be opened with ``story``.
        """
        self._stored_stories_ready()
        doc = load(source, doc_id="query", options=self._compare_options)
        vec = self.comparer.sentence_vectors(doc)
        static = self.static.encode([((doc.title + ". ") if doc.title else "") + doc.text])[0]
        cands = self.candidates(None, vec[1], static, signature(doc.text))
        if not cands:
            return []
        others = self.store.documents([self.ids[j] for j in cands])
        vectors, _ = self._vectors(others)
        story_of = self.store.story_of(list(others))
        query_names = frozenset(name_set([s.text for s in doc.sentences], doc.title))
        stats = self.stats()
        found: dict[tuple[str | None, str | None], list[MatchedDocument]] = {}  # (story, or None and the lone document)
        for d, other in others.items():
            c = self.comparer.compare_documents(other, doc, vectors_a=vectors[d], vectors_b=vec)
            pair = {"same_story": c.scores.same_story, "a_coverage": c.scores.a_coverage, "b_coverage": c.scores.b_coverage,
                    "evidence": c.scores.evidence}
            if not story_stage.is_edge(pair, self.names[self.row[d]], query_names, stats,
                                       (self.sources[self.row[d]], doc.meta.get("source") or doc.meta.get("site"))):
                continue  # the same rule as story building: what match returns, `story` can open
            key = (story_of[d], None) if d in story_of else (None, d)
            found.setdefault(key, []).append(MatchedDocument(d, c.scores.same_story, c.scores.a_coverage, c.scores.b_coverage))
        ranked = sorted(found.items(), key=lambda kv: -max(x.same_story for x in kv[1]))[:limit]
        sizes = {st.id: len(st.members) for st in self.store.stories([story for (story, _), _ in ranked if story])}
        out = []
        for (story, _), docs in ranked:
            docs = sorted(docs, key=lambda x: -x.same_story)
            # a stored document with no rewrite yet has no story to open, only the document
            out.append(Match(story, docs[0].same_story, 1 if story is None else sizes.get(story, 0), tuple(docs)))
        return out

    def notes(self) -> list[str]:
        """Plain-words notes about the store: rows made by older kernel versions than this unspun's,
        and (read-only) stories not yet updated for the latest documents."""
        notes = self.store.outdated(KERNELS)
        if self.store.read_only and self.stories_outdated():
            notes.append("the stored stories are older than the latest documents: run `unspun stories` once to update them")
        return notes

    def summary(self) -> dict[str, Any]:
        return {"documents": self.store.count("documents"), "pairs": self.store.count("pairs"),
                "rejected": self.store.count("rejected"), "stories": self.store.count("stories")}


def _along(findings: list[dict[str, Any]], src: str, dst: str) -> list[dict[str, Any]]:
    """Findings as shown on a tree edge: each says which pair it compares."""
    return [{**f, "pair": {"from": src, "to": dst}} for f in findings]
