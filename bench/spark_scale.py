"""Spark engine against the local engine on the same corpus: stage times on local[1] and
local[2], parity of pairs and stories, rewrite recall and ARI (a benchmark, not a test).

The corpus is bench/corpus_eval.py's (l2r news originals and rewrites among BBC and Reuters
distractors), cut to N documents: every l2r document, then distractors.

    python bench/spark_scale.py --sizes 5000 [--masters local[1],local[2]] [--data DIR]

Per size and engine: documents/s of each stage, where the time goes, Parquet bytes each stage
wrote, and — after `unspun import` — rewrite recall, ARI over the l2r stories, and whether the
pairs and stories equal the local engine's (both use exact neighbour search).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import data_dir, parser, table
from corpus_eval import ari, build_corpus

from unspun.corpus import Corpus, CorpusOptions


class _Memory:
    """Peak resident memory, sampled every 0.5 s: the largest Python worker, and the JVM."""

    def __init__(self) -> None:
        import threading

        self.worker_mb = self.jvm_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.wait(0.5):
            for child in me.children(recursive=True):
                try:
                    name, rss = " ".join(child.cmdline()[:3]), child.memory_info().rss / 1e6
                except psutil.Error:
                    continue
                if "java" in name:
                    self.jvm_mb = max(self.jvm_mb, rss)
                elif "python" in name:
                    self.worker_mb = max(self.worker_mb, rss)

    def __enter__(self) -> "_Memory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*.parquet"))


def _edges(db: Path) -> set[tuple[str, str]]:
    """Every pair that is an edge of a stored story's tree (or a cross-link), unordered."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT edges, cross_links FROM stories").fetchall()
    con.close()
    return {tuple(sorted((e["source"], e["target"]))) for r in rows for col in r for e in json.loads(col or "[]")}


def _quality(db: Path, docs: list[dict], gold: dict) -> tuple[dict, set, dict]:
    with Corpus(db, CorpusOptions(ann="exact")) as corpus:
        comps = corpus.components()
        pairs = {(p.a, p.b): round(p.same_story, 6) for p in corpus.store.pairs_among([d["id"] for d in docs])}
    story_of = {d: k for k, members in enumerate(comps) for d in members}
    present = {d["id"] for d in docs}
    hits = total = 0
    for d, sid in gold.items():
        if d.startswith("rw:") and d in present and f"orig:{sid}" in present:
            total += 1
            hits += story_of.get(d) is not None and story_of.get(d) == story_of.get(f"orig:{sid}")
    ids = [d["id"] for d in docs]
    pred = [story_of.get(d, f"single:{d}") for d in ids]
    l2r_story = {p for d, p in zip(ids, pred) if d in gold and isinstance(p, int)}
    task = [(gold.get(d, d), p) for d, p in zip(ids, pred) if d in gold or p in l2r_story]
    memberships = sorted(tuple(sorted(m)) for m in comps)
    return ({"recall": hits / max(1, total), "ari_l2r": ari([t for t, _ in task], [p for _, p in task]),
             "stories": len(comps)}, set(map(tuple, memberships)), pairs)


def _grown(work: Path, docs: list[dict], gold: dict, master: str, share: float, local_pairs: dict, local_stories) -> dict:  # noqa: ANN001
    """A run over the first documents, then the rest added with ``--add``: what the add costs
    against a whole run, and whether it ends with the whole run's pairs and stories."""
    from unspun.engines.spark import SparkOptions, run as spark_run
    from unspun.store import Store

    cut = int(len(docs) * (1 - share))
    first, rest = work / "first.jsonl", work / "rest.jsonl"
    first.write_text("".join(json.dumps(d) + "\n" for d in docs[:cut]))
    rest.write_text("".join(json.dumps(d) + "\n" for d in docs[cut:]))
    out = work / f"run-grown-{master.replace('[', '').replace(']', '')}"
    shutil.rmtree(out, ignore_errors=True)
    options = SparkOptions(master=master, corpus={"ann": "exact"}, driver_memory="4g", search="exact")
    t0 = time.perf_counter()
    spark_run([str(first)], out, options)
    t1 = time.perf_counter()
    report = spark_run([str(rest)], out, options, add=True)
    t2 = time.perf_counter()
    sdb = work / f"spark-grown-{master}.duckdb"
    sdb.unlink(missing_ok=True)
    with Store(sdb) as store:
        store.import_run(out)
    quality, stories, pairs = _quality(sdb, docs, gold)
    st = report["stages"]
    return {"size": len(docs), "engine": f"spark {master} exact, {cut} then --add {len(docs) - cut}", "first_run_s": t1 - t0,
            "add_s": t2 - t1, "add_stages_s": {k: v.get("seconds") for k, v in st.items()}, "total_s": t2 - t0,
            "documents_s": st["documents"]["seconds"], "candidates_pairs_s": st["candidates"]["seconds"] + st["pairs"]["seconds"],
            "candidate_pairs": st["candidates"]["rows"], "story_edges_found": 1.0, **quality,
            "same_pairs": set(pairs) == set(local_pairs) and all(abs(pairs[k] - local_pairs[k]) <= 1e-6 for k in pairs),
            "same_stories": stories == local_stories}


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--sizes", default="5000", help="comma-separated corpus sizes")
    p.add_argument("--masters", default="local[1],local[2]")
    p.add_argument("--keep", default=None, help="keep the work directory here")
    p.add_argument("--searches", default="exact,blocked", help="Spark candidate searches to run (exact on every master, "
                   "blocked on the last)")
    p.add_argument("--add-share", type=float, default=0.0, help="also run on the first (1 - SHARE) of the documents, add "
                   "the rest with `--add` (exact search, last master), and compare with the whole run")
    p.add_argument("--reuse-local", action="store_true", help="reuse the local engine's store kept in --keep (its times are "
                   "then not measured again)")
    args = p.parse_args()
    data = data_dir(args.data)
    from unspun.engines.spark import SparkOptions, run as spark_run
    from unspun.store import Store

    results = []
    for size in [int(x) for x in args.sizes.split(",")]:
        all_docs, gold, _, _ = build_corpus(data, "news", None, 50)
        l2r = [d for d in all_docs if d["id"] in gold]
        docs = l2r + [d for d in all_docs if d["id"] not in gold][: max(0, size - len(l2r))]
        work = Path(args.keep or tempfile.mkdtemp(prefix="spark_scale_")) / str(size)
        work.mkdir(parents=True, exist_ok=True)
        src = work / "corpus.jsonl"
        src.write_text("".join(json.dumps(d) + "\n" for d in docs))

        db = work / "local.duckdb"
        reuse = args.reuse_local and db.exists()
        if not reuse:
            db.unlink(missing_ok=True)
        t0 = time.perf_counter()
        with Corpus(db, CorpusOptions(ann="exact")) as corpus:
            summary = corpus.ingest([str(src)], stories=False)
            t1 = time.perf_counter()
            corpus.build_stories(summary)
            corpus.refresh_stories()
            t2 = time.perf_counter()
        if reuse:
            t0 = t1 = t2 = float("nan")
        quality, local_stories, local_pairs = _quality(db, docs, gold)
        results.append({"size": len(docs), "engine": "local (1 process)", "documents_s": t1 - t0, "candidates_pairs_s": t2 - t1,
                        "candidate_pairs": len(local_pairs), "story_edges_found": 1.0,
                        "total_s": t2 - t0, **quality, "same_pairs": True, "same_stories": True})

        local_edges = _edges(db)
        searches = args.searches.split(",")
        runs = ([(m, "exact") for m in args.masters.split(",")] if "exact" in searches else []) + \
            ([(args.masters.split(",")[-1], "blocked")] if "blocked" in searches else [])
        for master, search in runs:
            out = work / f"run-{master.replace('[', '').replace(']', '')}-{search}"
            shutil.rmtree(out, ignore_errors=True)
            t0 = time.perf_counter()
            with _Memory() as memory:
                report = spark_run([str(src)], out, SparkOptions(master=master, corpus={"ann": "exact"}, driver_memory="4g",
                                                                 search=search))
            total = time.perf_counter() - t0
            sdb = work / f"spark-{master}-{search}.duckdb"
            sdb.unlink(missing_ok=True)
            ti = time.perf_counter()
            with Store(sdb) as store:
                store.import_run(out)
            with Corpus(sdb, CorpusOptions(ann="exact")) as corpus:
                corpus.build_stories()
                corpus.refresh_stories()
            t_import = time.perf_counter() - ti
            quality, stories, pairs = _quality(sdb, docs, gold)
            st = report["stages"]
            found = {tuple(sorted(k)) for k in pairs}
            results.append({
                "size": len(docs), "engine": f"spark {master} {search}", "documents_s": st["documents"]["seconds"],
                "candidate_pairs": st["candidates"]["rows"],
                "story_edges_found": sum(e in found for e in local_edges) / max(1, len(local_edges)), "story_edges": len(local_edges),
                "candidates_s": st["candidates"]["seconds"], "pairs_s": st["pairs"]["seconds"],
                "candidates_pairs_s": st["candidates"]["seconds"] + st["pairs"]["seconds"], "total_s": total,
                "import_s": t_import, "peak_python_worker_mb": round(memory.worker_mb), "peak_jvm_mb": round(memory.jvm_mb),
                "parquet_mb": {s: round(_bytes(out / s) / 1e6, 1) for s in ("documents", "candidates", "pairs")},
                **quality, "same_pairs": set(pairs) == set(local_pairs) and all(abs(pairs[k] - local_pairs[k]) <= 1e-6 for k in pairs),
                "same_stories": stories == local_stories,
            })
        if args.add_share > 0:
            results.append(_grown(work, docs, gold, args.masters.split(",")[-1], args.add_share, local_pairs, local_stories))
    if args.json:
        print(json.dumps(results, indent=1))
        return
    rows = []
    for r in results:
        rows.append([r["size"], r["engine"], f"{r['size'] / r['documents_s']:.0f}", f"{r['size'] / r['candidates_pairs_s']:.0f}",
                     f"{r['total_s']:.0f}", f"{r['recall']:.3f}", f"{r['ari_l2r']:.3f}", r["candidate_pairs"],
                     f"{r['story_edges_found']:.3f}", str(r["same_pairs"]), str(r["same_stories"])])
    table("Spark engine vs local engine",
          ["docs", "engine", "docs/s: documents", "docs/s: candidates+pairs", "total s", "recall", "ARI l2r",
           "pairs verified", "story edges found", "same pairs", "same stories"], rows)


if __name__ == "__main__":
    sys.exit(main())
