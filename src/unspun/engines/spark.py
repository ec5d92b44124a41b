"""The Spark engine (the ``spark`` extra): the corpus stages of the local engine on Apache Spark,
calling the same kernels — it batches, distributes and writes; it decides nothing itself.

Stages, each written as Parquet under ``OUT/<stage>/`` (Spark's ``_SUCCESS`` marks a complete
stage; a re-run skips complete stages and resumes from the first incomplete one):

1. ``documents`` (and ``rejected``) — records (JSONL lines, Parquet rows with the same fields as
   columns, WARC responses) in input order (``seq``) → :func:`unspun.read.sources.raw_from_record`
   → :func:`unspun.pipeline.document_or_rejection` → :func:`unspun.represent.document_vectors`, in
   ``mapPartitions`` with the models loaded once per Python worker from the locally built files.
   Rows are :func:`unspun.store.document_row`. Then, as DataFrame operations: a repeated id keeps
   its first record (a later one with other content is rejected, as locally); ``copy_of`` names the
   first document with the same extracted text.
2. ``candidates`` — corpus statistics (name document frequencies) as an aggregate; exact search
   (the candidate index broadcast, each task searching a slice of the documents with
   :func:`unspun.candidates.search`) or blocked search (LSH buckets, see ``BLOCK_TABLES``); then
   :func:`unspun.stories.worth_verifying`, exactly as the local engine does.
3. ``vectors`` and ``pairs`` — the sentence embeddings of the documents in candidate pairs
   (:func:`unspun.represent.embed.encode_groups`, one group per document: batch-independent), then
   each pair joined with both documents and verified in ``mapPartitions``
   (:meth:`unspun.pipeline.Comparer.compare_documents` → :func:`unspun.stories.pair_from` →
   :func:`unspun.store.pair_row`).

4. ``stories`` — each pair's relation (:func:`unspun.stories.edge_relation`), connected components
   of the documents that relations join (:func:`connected_components`: min-label propagation as
   DataFrame iterations), then per component the local engine's story kernels
   (:func:`unspun.stories.relations`, :func:`~unspun.stories.group`,
   :func:`~unspun.stories.summarize`, :func:`~unspun.stories.related_lists`): stories never span
   components, so the result is the local engine's.

``--add`` (:func:`_add`) puts new inputs into a complete run: the new records are numbered after
the run's last one, only they are represented, and only candidate pairs without a verified row
are verified; candidates and stories are computed again. The run then equals one run over all
the inputs. Each rewritten stage is built beside the old one (``*.next``) and swapped in, with a
journal (``add.json``) of the steps done, so a killed add resumes.

``unspun import OUT --db FILE`` (:func:`unspun.store.Store.import_run`, no Spark needed) loads the
output into a store (with the run's stories when the store was empty), so ``stories``, ``story``,
``match`` and ``serve`` work on Spark results.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

from unspun.errors import InputError, MissingExtra

STAGES = ("documents", "candidates", "pairs", "stories")
# Rounds of label propagation before giving up on connected components (a story graph's
# diameter is a handful of edges; a chain of this length would be a runaway join).
MAX_CC_ROUNDS = 64
# Documents represented per encoder call inside one Spark task (the local engine's batch size).
TASK_BATCH = 64
# Candidate queries per search call (the local engine's verification chunk).
SEARCH_CHUNK = 32
# Blocked search (corpora whose vectors do not fit one broadcast): documents meet only in the
# buckets they share — random-hyperplane LSH on the lead and the static vector (BLOCK_TABLES
# tables of BLOCK_BITS bits each, seeded, so every worker draws the same planes) and the MinHash
# bands — and what each document finds in its buckets is merged and selected with the local
# kernels. On bench/spark_scale.py's news corpus (17,999 documents) 16 tables of 8 bits found
# 0.998 of the exact search's story edges (2 Gemini rewrites lost: recall -0.006); 24 tables find
# 0.9995 and give the exact search's stories (recall and ARI equal), at ~0.4 of its comparisons.
# Bucket sizes grow with the corpus: see BENCHMARKS.md.
BLOCK_TABLES = 24
BLOCK_BITS = 8
BLOCK_SEED = 20261206
# "auto" searches exactly up to this many documents (the broadcast index is ~2.6 KB a document).
EXACT_UP_TO = 200_000
DOCUMENT_FIELDS = ("doc_id", "seq", "content_hash", "text_hash", "copy_of", "title", "source", "url", "published", "path",
                   "format", "text", "spans", "removed", "lead", "static", "minhash", "names", "algorithm")


def _spark():  # noqa: ANN202
    try:
        import pyspark  # noqa: F401
        from pyspark.sql import SparkSession
    except ImportError:
        raise MissingExtra("the Spark engine", "spark") from None
    return SparkSession


@dataclass(frozen=True)
class SparkOptions:
    """Where and how to run. ``master``: a Spark master URL (``local[2]``, ``spark://host:7077``,
    ``yarn``); ``partitions``: tasks per stage (default: 2 per core of a local master, else 200);
    the candidate settings are the local engine's (:class:`unspun.corpus.CorpusOptions`)."""

    master: str = "local[2]"
    partitions: int | None = None
    search: str = "auto"  # "exact" (broadcast index), "blocked" (LSH buckets) or "auto" (exact up to EXACT_UP_TO)
    driver_memory: str = "2g"
    corpus: dict[str, Any] = field(default_factory=dict)  # CorpusOptions fields

    def task_count(self) -> int:
        if self.partitions:
            return self.partitions
        if self.master.startswith("local["):
            inner = self.master[6:-1]
            cores = (os.cpu_count() or 2) if inner == "*" else int(inner or 1)
            return max(2, 2 * cores)
        return 200


def session(options: SparkOptions):  # noqa: ANN201
    """A Spark session for this engine (UI off, Python workers on this interpreter)."""
    SparkSession = _spark()
    if options.master.startswith("local[") and "UNSPUN_THREADS" not in os.environ:
        # one inference thread per task slot: N local slots already keep N cores busy
        os.environ["UNSPUN_THREADS"] = "1"
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    spark = (SparkSession.builder.master(options.master).appName("unspun")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", str(options.task_count()))
             .config("spark.driver.memory", options.driver_memory)
             .config("spark.sql.execution.arrow.pyspark.enabled", "false")
             .config("spark.executorEnv.UNSPUN_THREADS", os.environ.get("UNSPUN_THREADS", "1"))
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# --- per-worker models --------------------------------------------------------------------------

_MODELS: dict[str, Any] = {}


def _models(corpus: dict[str, Any]):  # noqa: ANN202
    """(comparer, static encoder, compare options) loaded once per Python worker process, with the
    local engine's compare options (:func:`unspun.engines.local.compare_options_for`)."""
    if "comparer" not in _MODELS:
        from unspun.engines.local import CorpusOptions, compare_options_for
        from unspun.pipeline import Comparer
        from unspun.represent.static import StaticEncoder

        compare_options = compare_options_for(CorpusOptions(**corpus))
        _MODELS.update(comparer=Comparer(compare_options), static=StaticEncoder(), compare_options=compare_options)
    return _MODELS["comparer"], _MODELS["static"], _MODELS["compare_options"]


# --- stage 1: documents --------------------------------------------------------------------------


def _documents_partition(rows: Iterator[Any], corpus: dict[str, Any]) -> Iterator[dict[str, Any]]:
    from unspun.pipeline import document_or_rejection
    from unspun.read import max_bytes_default
    from unspun.read.sources import record_from_line
    from unspun.records import RawDocument, Rejected
    from unspun.represent import document_vectors
    from unspun.store import document_row

    comparer, static, compare_options = _models(corpus)
    limit = corpus.get("max_bytes") or max_bytes_default()
    batch: list[tuple[int, Any, Any]] = []

    def flush() -> Iterator[dict[str, Any]]:
        docs = [d for _, _, d in batch]
        dvs = document_vectors(docs, comparer.encoder, static)
        for (seq, raw, doc), dv in zip(batch, dvs):
            yield document_row(raw, doc, dv, seq, None)
        batch.clear()

    for r in rows:
        seq, where = r["seq"], r["where"]
        if r["kind"] == "raw":
            raw = RawDocument(**json.loads(r["record"]))
        elif r["kind"] == "rejected":
            raw = Rejected(**json.loads(r["record"]))
        else:
            raw = record_from_line(r["record"], where, max_bytes=limit)
        if not isinstance(raw, Rejected):
            doc = document_or_rejection(raw, compare_options, where)
            if isinstance(doc, Rejected):
                raw = doc
            else:
                batch.append((seq, raw, doc))
        if isinstance(raw, Rejected):
            yield {"doc_id": raw.doc_id, "seq": seq, "where": raw.source, "stage": raw.stage, "reason": raw.reason}
        if len(batch) >= TASK_BATCH:
            yield from flush()
    if batch:
        yield from flush()


def _file_rows(path: str, max_bytes: int | None) -> Iterator[tuple[str, str, str]]:
    """A WARC or ``.jsonl.gz`` file read by the local reader (:func:`unspun.read.sources.read_warc`,
    :func:`~unspun.read.sources.read_jsonl`: bounded decompression, a corrupt or truncated file is a
    rejection, not a failed job) on a worker (the path must be readable there: a shared file
    system), as (where, kind, payload) rows. Neither format can be split between tasks anyway."""
    from unspun.read import max_bytes_default
    from unspun.read.sources import kind_of, read_jsonl, read_warc
    from unspun.records import Rejected

    reader = read_warc if kind_of(path) == "warc" else read_jsonl
    for item in reader(path, max_bytes=max_bytes or max_bytes_default()):
        if isinstance(item, Rejected):
            yield item.source, "rejected", json.dumps(asdict(item))
        else:
            yield item.meta.get("path", path), "raw", json.dumps(asdict(item))


def _records(spark, inputs: list[str], max_bytes: int | None = None, seq_from: int = 0):  # noqa: ANN001, ANN202
    """Every input record as (seq, where, kind, payload), in input order from ``seq_from``: JSONL
    lines (``file:line``), Parquet rows (``file#row``) — kind "record", a JSON object — and WARC
    responses, read on a worker into documents or rejections (kind "raw" / "rejected")."""
    from pyspark.sql import Row

    from unspun.read.sources import kind_of

    parts = []
    for path in inputs:
        p = Path(path)
        if not p.exists():
            raise InputError(path, "no such file or directory")
        if kind_of(str(p)) == "parquet" or (p.is_dir() and any(p.glob("*.parquet"))):
            df = spark.read.parquet(str(p))
            rdd = df.rdd.zipWithIndex().map(
                lambda x, name=str(p): (f"{name}#{x[1] + 1}", "record", json.dumps(x[0].asDict(), default=str)))
        elif kind_of(str(p)) == "warc" or str(p).lower().endswith(".gz"):
            rdd = spark.sparkContext.parallelize([str(p)], 1).flatMap(lambda name: _file_rows(name, max_bytes))
        else:
            rdd = (spark.sparkContext.textFile(str(p)).zipWithIndex()
                   .filter(lambda x: x[0].strip())
                   .map(lambda x, name=str(p): (f"{name}:{x[1] + 1}", "record", x[0])))
        parts.append(rdd)
    everything = parts[0]
    for more in parts[1:]:
        everything = everything.union(more)
    return everything.zipWithIndex().map(lambda x: Row(seq=x[1] + seq_from, where=x[0][0], kind=x[0][1], record=x[0][2]))


def _document_schema():  # noqa: ANN202
    from pyspark.sql.types import BinaryType, LongType, StringType, StructField, StructType

    binary = {"spans", "lead", "static", "minhash"}
    fields = [StructField(f, LongType() if f == "seq" else BinaryType() if f in binary else StringType(), True)
              for f in DOCUMENT_FIELDS + ("where", "stage", "reason")]
    return StructType(fields)


def _stage_documents(spark, inputs: list[str], out: Path, options: SparkOptions, *,  # noqa: ANN001
                     add_from: int | None = None) -> int:
    """Read, extract, segment and represent the inputs; returns the seq the next input would get.

    ``add_from``: add the inputs to the run's documents, their records numbered from there; the
    union is deduplicated as one run over all the inputs would be, and written to
    ``documents.next`` / ``rejected.next`` (swapped in by :func:`_swap`)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    corpus = options.corpus
    records = _records(spark, inputs, corpus.get("max_bytes"), add_from or 0).repartition(options.task_count())
    schema = _document_schema()
    names = [f.name for f in schema.fields]
    rows = records.mapPartitions(lambda it: (tuple(r.get(k) for k in names) for r in _documents_partition(it, corpus)))
    df = spark.createDataFrame(rows, schema).cache()
    top = df.agg(F.max("seq")).first()[0]
    next_seq = (add_from or 0) if top is None else top + 1
    good = df.where(F.col("reason").isNull())
    suffix = ""
    if add_from is not None:
        suffix = ".next"
        good = spark.read.parquet(str(out / "documents")).unionByName(good, allowMissingColumns=True)
    first = Window.partitionBy("doc_id").orderBy("seq")
    ranked = good.withColumn("_rank", F.row_number().over(first)).withColumn("_first_hash", F.first("content_hash").over(first))
    kept = ranked.where(F.col("_rank") == 1)
    clashes = (ranked.where((F.col("_rank") > 1) & (F.col("content_hash") != F.col("_first_hash")))
               .select("doc_id", "seq", F.col("path").alias("where"), F.lit("read").alias("stage"),
                       F.lit("an id already in the store with different content").alias("reason")))
    same_text = Window.partitionBy("text_hash").orderBy("seq")
    kept = kept.withColumn("_copy", F.first("doc_id").over(same_text))
    kept = kept.withColumn("copy_of", F.when(F.col("_copy") != F.col("doc_id"), F.col("_copy")))
    kept = kept.drop("_rank", "_first_hash", "_copy", "where", "stage", "reason")
    kept.write.mode("overwrite").parquet(str(out / ("documents" + suffix)))
    rejected = df.where(F.col("reason").isNotNull()).select("doc_id", "seq", "where", "stage", "reason").unionByName(clashes)
    if add_from is not None:
        rejected = spark.read.parquet(str(out / "rejected")).unionByName(rejected)
    rejected.write.mode("overwrite").parquet(str(out / ("rejected" + suffix)))
    df.unpersist()
    return next_seq


# --- stage 2: candidates -------------------------------------------------------------------------


def _search_slice(bounds: Iterator[tuple[int, int]], shared: Any, corpus: dict[str, Any]) -> Iterator[tuple[str, str]]:
    from unspun import candidates as candidate_stage
    from unspun import stories as story_stage
    from unspun.corpus import CorpusOptions

    data = shared.value
    if _MODELS.get("index_of") != data["token"]:  # one index per worker and broadcast
        _MODELS.update(index_of=data["token"], index=candidate_stage.Index.build(data["lead"], data["static"], data["sigs"], ann="exact"))
    index = _MODELS["index"]
    o = CorpusOptions(**corpus)
    ids = data["ids"]
    for lo, hi in bounds:
        rows = list(range(lo, hi))
        found = candidate_stage.search(index, rows, data["lead"][lo:hi], data["static"][lo:hi], data["sigs"][lo:hi],
                                       lead_k=o.lead_k, lead_min=o.lead_min, static_k=o.static_k, static_min=o.static_min,
                                       minhash_min=o.minhash_min, max_candidates=o.max_candidates)
        for a, b in story_stage.worth_verifying(rows, found, data["names"], data["stats"]):
            yield ids[a], ids[b]


def _stats(docs: Any, n: int) -> Any:  # noqa: ANN401
    """Name document frequencies of the whole corpus, as a group-by (the story rule's input)."""
    from pyspark.sql import functions as F

    from unspun import stories as story_stage

    names_df = docs.select(F.explode(F.from_json("names", "array<string>")).alias("name")).groupBy("name").count()
    return story_stage.CorpusStats(n, {r["name"]: int(r["count"]) for r in names_df.collect()})


def _stage_candidates(spark, out: Path, options: SparkOptions) -> None:  # noqa: ANN001
    from unspun.store import stacked_vectors

    docs = spark.read.parquet(str(out / "documents"))
    n = docs.count()
    stats = _stats(docs, n)
    if options.search == "blocked" or (options.search == "auto" and n > EXACT_UP_TO):
        found = _blocked_pairs(spark, docs, stats, options)
    else:
        rows = docs.select("seq", "doc_id", "lead", "static", "minhash", "names").orderBy("seq").collect()
        lead, static, sigs = stacked_vectors(rows)
        shared = spark.sparkContext.broadcast({
            "token": os.urandom(8).hex(), "ids": [r["doc_id"] for r in rows], "lead": lead, "static": static, "sigs": sigs,
            "names": [frozenset(json.loads(r["names"] or "[]")) for r in rows], "stats": stats,
        })
        corpus = options.corpus
        slices = [(lo, min(lo + SEARCH_CHUNK, n)) for lo in range(0, n, SEARCH_CHUNK)]
        found = (spark.sparkContext.parallelize(slices, max(1, min(len(slices), options.task_count())))
                 .mapPartitions(lambda it: _search_slice(it, shared, corpus)))
    spark.createDataFrame(found, "a string, b string").distinct().write.mode("overwrite").parquet(str(out / "candidates"))


def _planes(dim: int) -> np.ndarray:
    return np.random.default_rng(BLOCK_SEED + dim).standard_normal((BLOCK_TABLES, BLOCK_BITS, dim)).astype(np.float32)


def _bucket_keys(rows: Iterator[Any]) -> Iterator[tuple[str, int]]:
    """(bucket, seq) for every bucket a document falls in: per table, the sign pattern of its
    lead and static vectors against seeded random hyperplanes; and its MinHash band keys."""
    from unspun.represent.minhash import band_keys
    from unspun.store import from_blob

    planes = {384: _planes(384), 256: _planes(256)}
    weights = (1 << np.arange(BLOCK_BITS)).astype(np.int64)
    for r in rows:
        for kind, vec in (("lead", from_blob(r["lead"])), ("static", from_blob(r["static"], "<f2").astype(np.float32))):
            bits = (planes[len(vec)] @ vec > 0).astype(np.int64) @ weights
            for t, key in enumerate(bits.tolist()):
                yield f"{kind}:{t}:{key}", r["seq"]
        for key in band_keys(from_blob(r["minhash"], "<u4")):
            yield f"mh:{key}", r["seq"]


def _search_buckets(groups: Iterator[Any], corpus: dict[str, Any]) -> Iterator[tuple[int, str]]:
    """What each document finds in each of its buckets (:func:`unspun.candidates.ranked`, exact
    within the bucket), as (seq, JSON of the ranked lists with seqs for rows)."""
    from unspun import candidates as candidate_stage
    from unspun.engines.local import CorpusOptions
    from unspun.store import stacked_vectors

    o = CorpusOptions(**corpus)
    for g in groups:
        members = sorted(g["members"], key=lambda m: m["seq"])
        if len(members) < 2:
            continue
        seqs = [m["seq"] for m in members]
        lead, static, sigs = stacked_vectors(members)
        index = candidate_stage.Index.build(lead, static, sigs, ann="exact")
        for lo in range(0, len(members), SEARCH_CHUNK):
            rows = list(range(lo, min(lo + SEARCH_CHUNK, len(members))))
            found = candidate_stage.ranked(index, rows, lead[lo: rows[-1] + 1], static[lo: rows[-1] + 1], sigs[lo: rows[-1] + 1],
                                           lead_k=o.lead_k, static_k=o.static_k, minhash_min=o.minhash_min)
            for i, (by_lead, by_static, by_minhash) in zip(rows, found):
                yield seqs[i], json.dumps([[(v, seqs[j]) for v, j in by_lead], [(v, seqs[j]) for v, j in by_static],
                                           [seqs[j] for j in by_minhash]])


def _select_merged(rows: Iterator[Any], corpus: dict[str, Any]) -> Iterator[tuple[int, int]]:
    """Per document, the candidates the local kernel selects from everything its buckets found."""
    from unspun import candidates as candidate_stage
    from unspun.engines.local import CorpusOptions

    o = CorpusOptions(**corpus)
    for r in rows:
        merged: tuple[list, list, list] = ([], [], [])
        for part in r["found"]:
            lead, static, minhash = json.loads(part)
            merged[0].extend((v, j) for v, j in lead)
            merged[1].extend((v, j) for v, j in static)
            merged[2].extend(j for j in minhash if j not in merged[2])
        for j in candidate_stage.select(merged, lead_k=o.lead_k, lead_min=o.lead_min, static_k=o.static_k,
                                        static_min=o.static_min, max_candidates=o.max_candidates):
            yield (r["seq"], j) if r["seq"] < j else (j, r["seq"])


def _name_filter(rows: Iterator[Any], stats: Any) -> Iterator[tuple[str, str]]:
    from unspun import stories as story_stage

    for r in rows:
        if story_stage.share_distinctive_name(frozenset(json.loads(r["a_names"] or "[]")),
                                              frozenset(json.loads(r["b_names"] or "[]")), stats):
            yield r["a"], r["b"]


def _blocked_pairs(spark, docs: Any, stats: Any, options: SparkOptions) -> Any:  # noqa: ANN001, ANN401
    """Candidate pairs without a global index: bucket keys → group by bucket → the ranked lists of
    each member within each bucket → merged per document → the local kernel's selection → the
    distinctive-name rule. Equal to exact search wherever a document shares a bucket with its
    true neighbours."""
    from pyspark.sql import functions as F

    corpus = options.corpus
    keys = docs.select("seq", "lead", "static", "minhash").rdd.mapPartitions(_bucket_keys)
    buckets = spark.createDataFrame(keys, "bucket string, seq long")
    sizes = buckets.groupBy("bucket").count().where(F.col("count") >= 2)
    members = (buckets.join(sizes.select("bucket"), "bucket")
               .join(docs.select("seq", "lead", "static", "minhash"), "seq")
               .groupBy("bucket")
               .agg(F.collect_list(F.struct("seq", "lead", "static", "minhash")).alias("members")))
    found = spark.createDataFrame(members.rdd.mapPartitions(lambda it: _search_buckets(it, corpus)), "seq long, found string")
    merged = found.groupBy("seq").agg(F.collect_list("found").alias("found"))
    pairs = spark.createDataFrame(merged.rdd.mapPartitions(lambda it: _select_merged(it, corpus)), "sa long, sb long").distinct()
    side = docs.select("seq", "doc_id", "names")
    named = (pairs.join(side.select(F.col("seq").alias("sa"), F.col("doc_id").alias("a"), F.col("names").alias("a_names")), "sa")
             .join(side.select(F.col("seq").alias("sb"), F.col("doc_id").alias("b"), F.col("names").alias("b_names")), "sb"))
    shared = spark.sparkContext.broadcast(stats)
    return named.rdd.mapPartitions(lambda it: _name_filter(it, shared.value))


# --- stage 3: pairs ------------------------------------------------------------------------------

_SIDE = ("doc_id", "text", "title", "spans", "removed", "source", "url", "published", "path", "format", "lead")


def _vectors_partition(rows: Iterator[Any], corpus: dict[str, Any]) -> Iterator[tuple[str, bytes]]:
    """Sentence embeddings of the documents in candidate pairs (each document one group:
    batch-independent), stored as float16 as the local engine stores them."""
    from unspun.represent.embed import encode_groups
    from unspun.store import document_from_row, to_blob

    comparer, _, _ = _models(corpus)
    docs = (document_from_row({k: r[k] for k in _SIDE}) for r in rows)
    while batch := list(islice(docs, TASK_BATCH)):
        mats = encode_groups(comparer.encoder, [[s.text for s in d.sentences] for d in batch])
        yield from ((d.id, to_blob(np.asarray(m), "<f2")) for d, m in zip(batch, mats))


def _verify_partition(rows: Iterator[Any], corpus: dict[str, Any]) -> Iterator[tuple]:
    from unspun import stories as story_stage
    from unspun.store import document_from_row, from_blob, pair_row

    comparer, _, _ = _models(corpus)
    for r in rows:
        sides = []
        for prefix in ("a_", "b_"):
            row = {k: r[prefix + k] for k in _SIDE + ("sentvecs",)}
            mat = from_blob(row["sentvecs"], "<f2", 384).astype(np.float32)
            sides.append((document_from_row(row), (mat, from_blob(row["lead"]))))
        (da, va), (db, vb) = sides
        c = comparer.compare_documents(da, db, vectors_a=va, vectors_b=vb)
        yield tuple(pair_row(story_stage.pair_from(c, da.id, db.id)))


def _stage_pairs(spark, out: Path, options: SparkOptions, *, add: bool = False) -> None:  # noqa: ANN001
    """Sentence vectors of every document in a candidate pair (``vectors/``, what the local engine
    computes and stores for the documents it compares), then each pair verified (``pairs/``).

    ``add``: the run's vectors and verified pairs are kept for the candidates that still have them
    (both are functions of the two documents alone) and only the rest computed: the result is
    what one run over all the inputs gives, written to ``vectors.next`` / ``pairs.next``."""
    from pyspark.sql import functions as F

    from unspun.store import PAIR_COLUMNS

    corpus = options.corpus
    suffix = ".next" if add else ""
    docs = spark.read.parquet(str(out / "documents")).select(*_SIDE)
    cands = spark.read.parquet(str(out / "candidates"))
    needed = cands.select(F.col("a").alias("doc_id")).union(cands.select(F.col("b").alias("doc_id"))).distinct()
    kept_vectors = kept_pairs = None
    if add:
        kept_vectors = spark.read.parquet(str(out / "vectors")).join(needed, "doc_id", "left_semi")
        needed = needed.join(kept_vectors.select("doc_id"), "doc_id", "left_anti")
        kept_pairs = spark.read.parquet(str(out / "pairs")).join(cands, ["a", "b"], "left_semi")
        cands = cands.join(kept_pairs.select("a", "b"), ["a", "b"], "left_anti")
    todo = needed.join(docs, "doc_id").repartition(options.task_count())
    vectors = spark.createDataFrame(todo.rdd.mapPartitions(lambda it: _vectors_partition(it, corpus)), "doc_id string, sentvecs binary")
    if kept_vectors is not None:
        vectors = kept_vectors.unionByName(vectors)
    vectors.write.mode("overwrite").parquet(str(out / ("vectors" + suffix)))
    docs = docs.join(spark.read.parquet(str(out / ("vectors" + suffix))), "doc_id")
    side = _SIDE + ("sentvecs",)
    a = docs.select(*[F.col(k).alias("a_" + k) for k in side])
    b = docs.select(*[F.col(k).alias("b_" + k) for k in side])
    joined = cands.repartition(options.task_count()).join(a, F.col("a") == F.col("a_doc_id")).join(b, F.col("b") == F.col("b_doc_id"))
    verified = joined.rdd.mapPartitions(lambda it: _verify_partition(it, corpus))
    schema = ("a string, b string, same_story double, a_coverage double, b_coverage double, kind string, links string, "
              "findings string, algorithm string, evidence string")
    assert tuple(c.split()[0] for c in schema.split(", ")) == PAIR_COLUMNS
    pairs = spark.createDataFrame(verified, schema)
    if kept_pairs is not None:
        pairs = kept_pairs.unionByName(pairs)
    pairs.write.mode("overwrite").parquet(str(out / ("pairs" + suffix)))


# --- stage 4: stories ---------------------------------------------------------------------------


def _relation_partition(rows: Iterator[Any], stats: Any) -> Iterator[tuple[str, str]]:
    """Pairs whose relation (before explain-away, which only turns a rewrite into related coverage)
    joins their documents: the edges of the connected components."""
    from unspun import stories as story_stage
    from unspun.store import pair_from_row

    for r in rows:
        p = pair_from_row(r.asDict(), keep_links=False)
        names_a = frozenset(json.loads(r["a_names"] or "[]"))
        names_b = frozenset(json.loads(r["b_names"] or "[]"))
        if story_stage.edge_relation(p, names_a, names_b, stats, (r["a_source"], r["b_source"])) is not None:
            yield p.a, p.b


def connected_components(spark, edges: Any) -> Any:  # noqa: ANN001, ANN401
    """Connected components of an undirected graph given as a DataFrame of (a, b) string edges:
    iterative min-label propagation as DataFrame joins (GraphFrames needs a jar from a Maven
    repository). Returns (doc_id, component), the component named by its smallest id."""
    from pyspark.sql import functions as F

    both = edges.select(F.col("a").alias("src"), F.col("b").alias("dst")).union(
        edges.select(F.col("b").alias("src"), F.col("a").alias("dst"))).distinct().localCheckpoint()
    labels = both.select(F.col("src").alias("doc_id")).distinct().withColumn("component", F.col("doc_id")).localCheckpoint()
    for _ in range(MAX_CC_ROUNDS):
        spread = both.join(labels, both.src == labels.doc_id).select(F.col("dst").alias("doc_id"), "component")
        new = spread.union(labels).groupBy("doc_id").agg(F.min("component").alias("component")).localCheckpoint()
        changed = new.alias("n").join(labels.alias("o"), "doc_id").where(F.col("n.component") != F.col("o.component")).count()
        labels = new
        if changed == 0:
            return labels
    raise RuntimeError(f"connected components did not converge in {MAX_CC_ROUNDS} rounds")


def _stories_partition(groups: Iterator[Any], stats: Any) -> Iterator[tuple]:
    """The local engine's story kernels on one connected component: relations (with explain-away),
    grouping, summaries and related lists. Stories never span components, so this is exact."""
    from unspun import stories as story_stage
    from unspun.store import STORY_COLUMNS, pair_from_row, story_row

    for g in groups:
        docs = sorted(g["docs"], key=lambda d: d["seq"])
        ids = [d["doc_id"] for d in docs]
        names = {d["doc_id"]: frozenset(json.loads(d["names"] or "[]")) for d in docs}
        sources = {d["doc_id"]: d["source"] for d in docs}
        meta = {d["doc_id"]: {"id": d["doc_id"], "title": d["title"], "source": d["source"], "published": d["published"],
                              "url": d["url"], "seq": d["seq"], "copy_of": d["copy_of"]} for d in docs}
        style = {d["doc_id"]: d["style"] for d in docs}
        pairs = [pair_from_row(p.asDict()) for p in g["pairs"]]
        rel = story_stage.relations(pairs, names, sources, stats)
        members_of = story_stage.group(ids, pairs, rel)
        owner = {d: story_stage.story_id(m) for m in members_of for d in m}
        related = story_stage.related_lists(owner, pairs, rel)
        for members in members_of:
            inside = set(members)
            edges = [p for p in pairs if p.a in inside and p.b in inside and rel.get((p.a, p.b)) == "rewrite"]
            sid = story_stage.story_id(members)
            st = story_stage.summarize(members, edges, {m: meta[m] for m in members}, {m: style[m] for m in members},
                                       *related.get(sid, ((), ())))
            row = story_row(st)
            yield tuple(row[c] for c in STORY_COLUMNS)


def _style_partition(rows: Iterator[Any]) -> Iterator[tuple]:
    from unspun import stories as story_stage

    for r in rows:
        yield (r["doc_id"], r["seq"], r["names"], r["source"], r["title"], r["published"], r["url"], r["copy_of"],
               story_stage.machine_style(r["text"]))


def _stage_stories(spark, out: Path, options: SparkOptions) -> None:  # noqa: ANN001
    """Stories from the verified pairs: each pair's relation (the story rule), connected components
    of the related-or-rewrite graph as DataFrame iterations, then the story kernels per component."""
    from pyspark.sql import functions as F

    from unspun import stories as story_stage
    from unspun.store import STORY_COLUMNS

    docs = spark.read.parquet(str(out / "documents"))
    stats = _stats(docs, docs.count())
    shared = spark.sparkContext.broadcast(stats)
    pairs = spark.read.parquet(str(out / "pairs")).where(F.col("same_story") >= story_stage.RELATED_MIN_SAME_STORY)
    side = docs.select("doc_id", "names", "source")
    joined = (pairs.join(side.select(F.col("doc_id").alias("a"), F.col("names").alias("a_names"), F.col("source").alias("a_source")), "a")
              .join(side.select(F.col("doc_id").alias("b"), F.col("names").alias("b_names"), F.col("source").alias("b_source")), "b"))
    linked = spark.createDataFrame(joined.rdd.mapPartitions(lambda it: _relation_partition(it, shared.value)), "a string, b string")
    component = connected_components(spark, linked)
    styled = spark.createDataFrame(
        docs.join(component, "doc_id").select("doc_id", "seq", "names", "source", "title", "published", "url", "copy_of", "text")
        .rdd.mapPartitions(_style_partition),
        "doc_id string, seq long, names string, source string, title string, published string, url string, copy_of string, style double")
    by_doc = styled.join(component, "doc_id")
    doc_groups = by_doc.groupBy("component").agg(F.collect_list(F.struct(*[c for c in styled.columns])).alias("docs"))
    pair_groups = (pairs.join(component.select(F.col("doc_id").alias("a"), F.col("component")), "a")
                   .join(component.select(F.col("doc_id").alias("b"), F.col("component").alias("cb")), "b")
                   .where(F.col("component") == F.col("cb")).drop("cb")
                   .groupBy("component").agg(F.collect_list(F.struct(*[c for c in pairs.columns])).alias("pairs")))
    grouped = doc_groups.join(pair_groups, "component").repartition(options.task_count())
    rows = grouped.rdd.mapPartitions(lambda it: _stories_partition(it, shared.value))
    schema = ", ".join(f"{c} {'string'}" for c in STORY_COLUMNS)
    spark.createDataFrame(rows, schema).write.mode("overwrite").parquet(str(out / "stories"))


# --- the job -------------------------------------------------------------------------------------


def stage_done(out: Path, stage: str) -> bool:
    return (out / stage / "_SUCCESS").exists()


ADD_JOURNAL = "add.json"
"""What an unfinished ``--add`` was adding and which of its steps are done (removed when it finishes)."""


def _swap(out: Path, name: str) -> None:
    """Replace ``name/`` by a complete ``name.next/``. Safe to repeat after a crash at any point:
    each step checks what the previous attempt left."""
    import shutil

    new, cur, old = out / f"{name}.next", out / name, out / f"{name}.prev"
    if (new / "_SUCCESS").exists():
        if cur.exists():
            if old.exists():
                shutil.rmtree(old)
            cur.rename(old)
        new.rename(cur)
    if old.exists():
        shutil.rmtree(old)


def _next_seq(spark, out: Path) -> int:  # noqa: ANN001
    """The seq the run's next record gets: from ``job.json``, else after the highest stored one."""
    job = json.loads((out / "job.json").read_text()) if (out / "job.json").exists() else {}
    if "next_seq" in job:
        return int(job["next_seq"])
    seqs = [r[0] for stage in ("documents", "rejected") for r in spark.read.parquet(str(out / stage)).agg({"seq": "max"}).collect()]
    return max((x for x in seqs if x is not None), default=-1) + 1


def _write_job(out: Path, **fields: Any) -> None:
    path = out / "job.json"
    job = json.loads(path.read_text()) if path.exists() else {}
    job.update(fields)
    path.write_text(json.dumps(job, indent=1))


def _add(spark, inputs: list[str], out: Path, options: SparkOptions, report: dict[str, Any],  # noqa: ANN001
         progress: Callable[[str, float], None] | None) -> None:
    """Add ``inputs`` to a complete run: the result is what one run over the run's inputs and these
    gives (the same documents, seqs, pairs and stories). Only the new documents are represented and
    only pairs not verified before are verified; candidates and stories are computed again (new
    documents change the corpus statistics and the components). Resumable: the journal
    (:data:`ADD_JOURNAL`) records the steps done, and every stage is written beside the old one
    and swapped in (:func:`_swap`)."""
    journal = out / ADD_JOURNAL
    if journal.exists():
        state = json.loads(journal.read_text())
        if state["inputs"] != inputs:
            raise InputError(str(out), f"an earlier --add of {', '.join(state['inputs'])} has not finished: "
                                       "run that command again to finish it first")
    else:
        missing = [stage for stage in STAGES if not stage_done(out, stage)]
        if missing:
            raise InputError(str(out), f"has no complete '{missing[0]}' stage: finish the run (the same "
                                       "command without --add) before adding documents to it")
        state = {"inputs": inputs, "seq_from": _next_seq(spark, out), "done": []}
        journal.write_text(json.dumps(state, indent=1))
    # Until the add has finished, the stories on disk do not describe the run: `unspun import`
    # refuses it while the journal exists (store.run_files).
    for step in STAGES:
        if step in state["done"]:
            report["stages"][step] = {"skipped": "complete"}
            continue
        t0 = time.perf_counter()
        if step in ("documents", "pairs"):
            # Built beside the old directories, recorded, then swapped in: a crash before the record
            # leaves the old ones whole (built again on resume), after it only the swap is repeated.
            if f"{step}.built" not in state["done"]:
                if step == "documents":
                    state["next_seq"] = _stage_documents(spark, inputs, out, options, add_from=state["seq_from"])
                else:
                    _stage_pairs(spark, out, options, add=True)
                state["done"].append(f"{step}.built")
                journal.write_text(json.dumps(state, indent=1))
            for name in (("rejected", "documents") if step == "documents" else ("vectors", "pairs")):
                _swap(out, name)
        elif step == "candidates":
            _stage_candidates(spark, out, options)
        else:
            _stage_stories(spark, out, options)
        seconds = time.perf_counter() - t0
        report["stages"][step] = {"rows": spark.read.parquet(str(out / step)).count(), "seconds": round(seconds, 2)}
        state["done"].append(step)
        journal.write_text(json.dumps(state, indent=1))
        if progress:
            progress(step, seconds)
    job = json.loads((out / "job.json").read_text()) if (out / "job.json").exists() else {}
    _write_job(out, inputs=list(job.get("inputs", [])) + inputs, next_seq=state.get("next_seq", state["seq_from"]))
    journal.unlink()


def run(inputs: list[str], out: str | os.PathLike, options: SparkOptions | None = None, *,
        progress: Callable[[str, float], None] | None = None, spark: Any = None, add: bool = False) -> dict[str, Any]:
    """Run the stages not yet complete under ``out``; returns what each stage did and took.

    A stage is complete when its Parquet directory has Spark's ``_SUCCESS`` marker; a failed or
    killed job resumes from the first incomplete stage. Running a stage again clears the later
    ones (their input changed). ``add``: add ``inputs`` to a complete run instead (see
    :func:`_add`). ``spark``: an existing session to use (left running); by default one is started
    for the job and stopped after it."""
    options = options or SparkOptions()
    out = Path(out)
    if not add and (out / ADD_JOURNAL).exists():
        state = json.loads((out / ADD_JOURNAL).read_text())
        raise InputError(str(out), f"an --add of {', '.join(state['inputs'])} has not finished: run it again (with --add) first")
    out.mkdir(parents=True, exist_ok=True)
    own = spark is None
    spark = spark or session(options)
    report: dict[str, Any] = {"out": str(out), "master": options.master, "stages": {}, "added": add}
    try:
        if add:
            _add(spark, inputs, out, options, report, progress)
            report["rejected"] = spark.read.parquet(str(out / "rejected")).count()
            return report
        _write_job(out, inputs=inputs, options=asdict(options))
        for stage in STAGES:
            if stage_done(out, stage):
                report["stages"][stage] = {"skipped": "complete"}
                continue
            for later in STAGES[STAGES.index(stage) + 1:]:
                marker = out / later / "_SUCCESS"
                if marker.exists():
                    marker.unlink()
            t0 = time.perf_counter()
            if stage == "documents":
                _write_job(out, next_seq=_stage_documents(spark, inputs, out, options))
            elif stage == "candidates":
                _stage_candidates(spark, out, options)
            elif stage == "pairs":
                _stage_pairs(spark, out, options)
            else:
                _stage_stories(spark, out, options)
            seconds = time.perf_counter() - t0
            rows = spark.read.parquet(str(out / stage)).count()
            report["stages"][stage] = {"rows": rows, "seconds": round(seconds, 2)}
            if progress:
                progress(stage, seconds)
        report["rejected"] = spark.read.parquet(str(out / "rejected")).count()
    finally:
        if own:
            spark.stop()
    return report
