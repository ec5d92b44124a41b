"""Corpus: do rewrites land in their original's story, and how fast does it scale?

The corpus: l2r_llm_rewrites originals and rewrites (news domain, or --domains all)
among bbc_news_corpus and reuters21578 distractors. A held-out sample of rewrites is
kept out of the store and used as `match` queries.

Printed, in the same run on the same corpus:
* recall: share of rewrites in the same story as their original, by rewriting model;
* Adjusted Rand Index against the known stories (l2r originals with their rewrites;
  every distractor alone), with Reuters-only clusters (natural near-duplicates in 1987
  wire copy: corrections, repeats) reported separately and not counted as errors;
* false merges: stories that mix different originals or pull in a distractor;
* datasketch MinHashLSH and rensa (if installed) on the same documents: recall of the
  rewrite -> original pair as an LSH candidate, and their time;
* speed: documents/second for ingest and for story building, peak memory, match
  latency (warm) and a growth curve with --curve.

    python bench/corpus_eval.py [--data DIR] [--domains news|all] [--distractors N] [--curve 1000,5000,20000]
"""

from __future__ import annotations

import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from common import data_dir, parser, read_jsonl, table

from unspun.corpus import Corpus, CorpusOptions
from unspun.engines.local import STAGES
from unspun.stories import story_id
from unspun.represent.minhash import jaccard


def build_corpus(data: Path, domains: str, distractors: int | None, holdout: int, seed: int = 1):
    l2r = [r for r in read_jsonl(data / "l2r_llm_rewrites" / "pairs.jsonl.gz") if domains == "all" or r["domain"] == "NewsArticle"]
    rng = random.Random(seed)
    docs, gold, model_of = [], {}, {}
    originals = {}
    for r in l2r:
        originals.setdefault(r["source_id"], r["original"])
    for sid, text in originals.items():
        docs.append({"id": f"orig:{sid}", "text": text})
        gold[f"orig:{sid}"] = sid
    rewrites = [r for r in l2r]
    rng.shuffle(rewrites)
    held = rewrites[:holdout]
    for r in rewrites[holdout:]:
        docs.append({"id": f"rw:{r['id']}", "text": r["rewrite"]})
        gold[f"rw:{r['id']}"] = r["source_id"]
        model_of[f"rw:{r['id']}"] = r["model"]
    extra = []
    for r in read_jsonl(data / "bbc_news_corpus" / "articles.jsonl.gz"):
        extra.append({"id": r["id"], "text": (r.get("title") or "") + "\n\n" + r["text"], "source": "BBC News"})
    for r in read_jsonl(data / "reuters21578" / "articles.jsonl.gz"):
        if r.get("body"):
            extra.append({"id": f"reuters:{r['newid']}", "text": ((r.get("title") or "").title() + "\n\n" + r["body"]),
                          "published": r.get("date"), "source": "Reuters"})
    rng.shuffle(extra)
    if distractors is not None:
        extra = extra[:distractors]
    docs.extend(extra)
    rng.shuffle(docs)
    return docs, gold, model_of, held


def ari(labels_true: list, labels_pred: list) -> float:
    """Adjusted Rand Index (Hubert & Arabie), from the contingency table."""
    def comb2(x):
        return x * (x - 1) / 2

    cont = Counter(zip(labels_true, labels_pred))
    a = Counter(labels_true)
    b = Counter(labels_pred)
    n = len(labels_true)
    sum_ij = sum(comb2(v) for v in cont.values())
    sum_a = sum(comb2(v) for v in a.values())
    sum_b = sum(comb2(v) for v in b.values())
    expected = sum_a * sum_b / comb2(n)
    maximum = (sum_a + sum_b) / 2
    return (sum_ij - expected) / (maximum - expected) if maximum != expected else 1.0


def peak_mb() -> float:
    """Peak resident memory of this process (VmHWM; unlike ru_maxrss it is not inherited across exec)."""
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def baselines(docs, gold, model_of) -> list[list]:
    """datasketch MinHashLSH and rensa on word 5-gram shingles: is the original a candidate of each rewrite?"""
    from unspun.represent.text import words

    def shingles(text: str, k: int = 5) -> set[bytes]:
        ws = words(text)
        return {" ".join(ws[i: i + k]).encode() for i in range(max(1, len(ws) - k + 1))}

    origin_of = {d: f"orig:{sid}" for d, sid in gold.items() if d.startswith("rw:")}
    rows = []
    try:
        from datasketch import MinHash, MinHashLSH

        t0 = time.perf_counter()
        lsh = MinHashLSH(threshold=0.5, num_perm=128)
        mh = {}
        for d in docs:
            m = MinHash(num_perm=128)
            m.update_batch(list(shingles(d["text"])))
            mh[d["id"]] = m
            lsh.insert(d["id"], m)
        found = sum(origin_of[d] in lsh.query(mh[d]) for d in origin_of)
        rows.append(["datasketch MinHashLSH (5-grams, threshold 0.5)", found / len(origin_of), len(docs) / (time.perf_counter() - t0)])
    except ImportError:
        rows.append(["datasketch (not installed)", float("nan"), float("nan")])
    try:
        from rensa import RMinHash, RMinHashLSH

        t0 = time.perf_counter()
        lsh = RMinHashLSH(threshold=0.5, num_perm=128, num_bands=16)
        mh = {}
        keys = {d["id"]: k for k, d in enumerate(docs)}
        for d in docs:
            m = RMinHash(num_perm=128, seed=42)
            m.update([s.decode() for s in shingles(d["text"])])
            mh[d["id"]] = m
            lsh.insert(keys[d["id"]], m)
        found = sum(keys[origin_of[d]] in lsh.query(mh[d]) for d in origin_of)
        rows.append(["rensa RMinHashLSH (5-grams, threshold 0.5)", found / len(origin_of), len(docs) / (time.perf_counter() - t0)])
    except ImportError:
        rows.append(["rensa (not installed)", float("nan"), float("nan")])
    return rows


def run(docs, gold, model_of, held, options: CorpusOptions, workdir: Path, label: str) -> dict:
    src = workdir / f"{label}.jsonl"
    src.write_text("".join(json.dumps(d) + "\n" for d in docs))
    db = workdir / f"{label}.duckdb"
    corpus = Corpus(db, options)
    t0 = time.perf_counter()
    summary = corpus.ingest([str(src)], stories=False)
    t_docs = time.perf_counter() - t0
    t1 = time.perf_counter()
    corpus.build_stories(summary)
    with summary.clock("stories"):
        corpus.refresh_stories()  # materialise them in the store, as `unspun ingest` does
    t_stories = time.perf_counter() - t1
    comps = corpus.components()
    story_of = {d: k for k, members in enumerate(comps) for d in members}
    result = {"docs": len(docs), "ingest_s": t_docs, "stories_s": t_stories, "pairs": summary.pairs, "stages": dict(summary.stage_seconds),
              "peak_mb": peak_mb(), "comps": comps, "story_of": story_of, "corpus": corpus}
    # match latency on held-out rewrites (warm: models loaded, store open)
    corpus.match(held[0]["rewrite"]) if held else None
    lat, hits = [], 0
    for r in held:
        t = time.perf_counter()
        m = corpus.match(r["rewrite"])
        lat.append((time.perf_counter() - t) * 1000)
        hits += bool(m) and any(d == f"orig:{r['source_id']}" or gold.get(d) == r["source_id"] for d in (x.id for x in m[0].documents))
    result["match_ms"] = statistics.median(lat) if lat else float("nan")
    result["match_p90"] = sorted(lat)[int(0.9 * len(lat))] if lat else float("nan")
    result["match_recall"] = hits / len(held) if held else float("nan")
    return result


def evaluate(res: dict, docs, gold, model_of) -> dict:
    story_of = res["story_of"]
    by_model: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    present = {d["id"] for d in docs}
    for d, sid in gold.items():
        if d.startswith("rw:") and f"orig:{sid}" in present:
            ok = story_of.get(d) is not None and story_of.get(d) == story_of.get(f"orig:{sid}")
            by_model[model_of[d]][0] += ok
            by_model[model_of[d]][1] += 1
    reuters_only, bbc_only, mixed, with_distractor, distractor_mix = 0, 0, 0, 0, 0
    corpus = res["corpus"]
    near_dup = 0
    for members in res["comps"]:
        labels = {gold.get(m) for m in members}
        known = {x for x in labels if x is not None}
        if not known:
            sigs = [corpus.index.sigs[corpus.row[m]] for m in members]
            if all(max(jaccard(sigs[i], sigs[j]) for j in range(len(sigs)) if j != i) >= 0.5 for i in range(len(sigs))):
                near_dup += 1
            if all(m.startswith("reuters:") for m in members):
                reuters_only += 1
            elif all(m.startswith("bbc:") for m in members):
                bbc_only += 1  # the BBC corpus has exact duplicate bodies under different ids
            else:
                distractor_mix += 1
            continue
        if len(known) > 1:
            mixed += 1
        if None in labels:
            with_distractor += 1
    ids = [d["id"] for d in docs]
    truth = [gold.get(d, d) for d in ids]
    pred = [story_of.get(d, f"single:{d}") for d in ids]
    # Distractor-only clusters (Reuters near-duplicates, BBC duplicate bodies) are real copies in the
    # source data, not errors of the l2r task: one variant of the ARI scores them as correct.
    truth_r = list(truth)
    for k, (d, p) in enumerate(zip(ids, pred)):
        if isinstance(p, int) and all(gold.get(m) is None for m in res["comps"][p]):
            truth_r[k] = f"distractor-cluster:{p}"
    total = [sum(v[0] for v in by_model.values()), max(1, sum(v[1] for v in by_model.values()))]
    # The l2r task alone: every l2r document, plus any distractor that joined an l2r story.
    l2r_story = {p for d, p in zip(ids, pred) if d in gold and isinstance(p, int)}
    task = [(t, p) for d, t, p in zip(ids, truth, pred) if d in gold or p in l2r_story]
    # Provenance: in l2r stories holding exactly one original, is it named as the origin?
    # (No publication dates in l2r, so this measures the date-free signals.)
    origin_ok = origin_n = 0
    for members in res["comps"]:
        origs = [m for m in members if m.startswith("orig:")]
        if len(origs) == 1:
            origin_n += 1
            origin_ok += corpus.story(story_id(members), findings=False)["origin"] == origs[0]
    new = new_measures(res, gold)
    return {
        **new,
        "origin_accuracy": origin_ok / max(1, origin_n),
        "recall_by_model": {m: v[0] / v[1] for m, v in sorted(by_model.items())},
        "recall": total[0] / total[1],
        "ari_strict": ari(truth, pred),
        "ari_l2r": ari([t for t, _ in task], [p for _, p in task]),
        "ari_reuters_copies_ok": ari(truth_r, pred),
        "stories": len(res["comps"]),
        "reuters_only_stories": reuters_only,
        "bbc_only_stories": bbc_only,
        "distractor_mixed_stories": distractor_mix,
        "distractor_near_duplicate_stories": near_dup,
        "mixed_originals": mixed,
        "with_distractors": with_distractor,
    }


LABELS = Path(__file__).parent / "labels" / "bbc_joined.jsonl"


def new_measures(res: dict, gold: dict) -> dict:
    """Wrong joins the l2r labels cannot see, and whether findings compare versions with ancestors.

    * different originals on one subject: each l2r original's 5 nearest other originals by static
      vector; a pair in one story is a wrong join;
    * distinct BBC articles: the joined BBC pairs read by hand (bench/labels/bbc_joined.jsonl,
      'related' = a different report on the same story); one in one story is a wrong join;
    * directed edges (and their medium/high findings) of the stored l2r stories: does each compare
      a version with its true ancestor (the original is the only ancestor in l2r)?
    """
    corpus = res["corpus"]
    story_of = res["story_of"]
    origs = [d for d in gold if d.startswith("orig:") and d in corpus.row]
    rows = np.array([corpus.row[d] for d in origs])
    vecs = corpus.index.static[rows]
    vecs = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)
    sims = vecs @ vecs.T
    np.fill_diagonal(sims, -1)
    near = {tuple(sorted((origs[i], origs[j]))) for i in range(len(origs)) for j in np.argsort(-sims[i])[:5]}
    near_joined = sum(story_of.get(a) is not None and story_of.get(a) == story_of.get(b) for a, b in near)
    labels = [json.loads(x) for x in LABELS.read_text().splitlines()] if LABELS.exists() else []
    present = [r for r in labels if r["a"] in corpus.row and r["b"] in corpus.row]
    joined = [r for r in present if story_of.get(r["a"]) is not None and story_of.get(r["a"]) == story_of.get(r["b"])]
    bbc_pairs_joined = sum(1 for members in res["comps"] for i, a in enumerate(members) for b in members[i + 1:]
                           if a.startswith("bbc:") and b.startswith("bbc:"))
    edges_ok = edges_n = find_ok = find_n = 0
    for members in res["comps"]:
        if not any(m.startswith("orig:") for m in members):
            continue
        st = corpus.story(story_id(members), findings=True)
        for e in st["edges"]:
            if e["direction"] != "known":
                continue
            ok = e["from"].startswith("orig:") and gold.get(e["from"]) == gold.get(e["to"])
            edges_n += 1
            edges_ok += ok
            serious = [f for f in e.get("findings", []) if f["severity"] != "low"]
            find_n += len(serious)
            find_ok += ok * len(serious)
    return {
        "near_originals_pairs": len(near), "near_originals_joined": near_joined,
        "bbc_labelled_present": len(present), "bbc_related_joined": sum(r["label"] == "related" for r in joined),
        "bbc_rewrites_joined": sum(r["label"] == "rewrite" for r in joined),
        "bbc_rewrites_labelled": sum(r["label"] == "rewrite" for r in present),
        "bbc_pairs_in_one_story": bbc_pairs_joined,
        "directed_edges": edges_n, "directed_edges_to_ancestor": edges_ok / max(1, edges_n),
        "directed_findings": find_n, "directed_findings_to_ancestor": find_ok / max(1, find_n),
    }


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--domains", choices=["news", "all"], default="news")
    p.add_argument("--distractors", type=int, default=None, help="cap on BBC + Reuters distractors (default: all)")
    p.add_argument("--holdout", type=int, default=50, help="rewrites kept out of the store, used as match queries")
    p.add_argument("--curve", default="", help="comma-separated corpus sizes for the growth curve, e.g. 1000,5000,20000")
    p.add_argument("--no-baselines", action="store_true")
    p.add_argument("--limit-docs", type=int, default=None, help="use only the first N documents of the shuffled corpus")
    p.add_argument("--ann", choices=["auto", "exact", "hnsw"], default="auto",
                   help="nearest-neighbour search (CorpusOptions.ann): auto = exact below 50k documents, HNSW above")
    p.add_argument("--curve-only", action="store_true", help="skip the main run, print only the growth curve")
    p.add_argument("--keep", default=None, help="keep the store in this directory (for inspection) instead of a temporary one")
    args = p.parse_args()
    data = data_dir(args.data)
    docs, gold, model_of, held = build_corpus(data, args.domains, args.distractors, args.holdout)
    if args.limit_docs:
        docs = docs[: args.limit_docs]
        keep = {d["id"] for d in docs}
        gold = {k: v for k, v in gold.items() if k in keep}
    options = CorpusOptions(ann=args.ann)
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        if not args.curve_only:
            out = main_run(args, docs, gold, model_of, held, options, tmp)
        if args.curve:
            out["curve"] = growth_curve(args)
    if args.json:
        print(json.dumps(out, indent=2, default=str))


def main_run(args, docs, gold, model_of, held, options: CorpusOptions, tmp: str) -> dict:  # noqa: ANN001
    if args.keep:
        tmp = args.keep
        Path(tmp).mkdir(parents=True, exist_ok=True)
    res = run(docs, gold, model_of, held, options, Path(tmp), "main")
    ev = evaluate(res, docs, gold, model_of)
    n = res["docs"]
    rows = [[f"rewrite in its original's story ({m})", round(v, 4)] for m, v in ev["recall_by_model"].items()]
    rows += [["rewrite in its original's story (all)", round(ev["recall"], 4)],
             ["ARI over the l2r stories (a distractor joining one counts against)", round(ev["ari_l2r"], 4)],
             ["ARI (distractor-only clusters counted as real copies)", round(ev["ari_reuters_copies_ok"], 4)],
             ["ARI (strict: every distractor alone)", round(ev["ari_strict"], 4)],
             ["stories", ev["stories"]],
             ["  Reuters-only (natural near-duplicates, reported apart)", ev["reuters_only_stories"]],
             ["  BBC-only (the corpus's duplicate bodies)", ev["bbc_only_stories"]],
             ["  BBC mixed with Reuters", ev["distractor_mixed_stories"]],
             ["  distractor-only stories whose members are near-copies (3-gram Jaccard >= 0.5)", ev["distractor_near_duplicate_stories"]],
             ["  l2r stories mixing different originals", ev["mixed_originals"]],
             ["  l2r stories pulling in a distractor", ev["with_distractors"]],
             ["match: held-out rewrite finds its story", round(res["match_recall"], 4)],
             ["origin: the original is named as its story's origin (no dates)", round(ev["origin_accuracy"], 4)],
             ["different originals on one subject (5 nearest by static vector) joined",
              f"{ev['near_originals_joined']} of {ev['near_originals_pairs']} pairs"],
             ["distinct BBC articles (hand-labelled 'related') joined",
              f"{ev['bbc_related_joined']} of {ev['bbc_labelled_present'] - ev['bbc_rewrites_labelled']}"],
             ["BBC republications (hand-labelled 'rewrite') joined", f"{ev['bbc_rewrites_joined']} of {ev['bbc_rewrites_labelled']}"],
             ["BBC pairs in one story (any, incl. identical bodies)", ev["bbc_pairs_in_one_story"]],
             ["directed l2r edges comparing a version with its ancestor", f"{ev['directed_edges_to_ancestor']:.3f} of {ev['directed_edges']}"],
             ["medium/high findings on those edges comparing with the ancestor",
              f"{ev['directed_findings_to_ancestor']:.3f} of {ev['directed_findings']}"]]
    table(f"Stories on {n} documents ({args.domains} l2r + distractors)", ["measure", "value"], rows)
    speed = [["ingest (read, extract, segment, represent)", f"{n / res['ingest_s']:.0f} docs/s", f"{res['ingest_s']:.1f} s"],
             ["story building (candidates + verification)", f"{n / res['stories_s']:.0f} docs/s", f"{res['stories_s']:.1f} s, {res['pairs']} pairs"],
             ["match, warm (median / p90)", f"{res['match_ms']:.0f} ms", f"{res['match_p90']:.0f} ms"],
             ["peak memory (RSS)", f"{res['peak_mb']:.0f} MB", ""]]
    table("Speed (same run)", ["step", "rate", "time"], speed)
    total = res["ingest_s"] + res["stories_s"]
    stages = res["stages"]
    profile = [[k, f"{stages[k]:.1f} s", f"{stages[k] / total:.1%}"] for k in STAGES if k in stages]
    profile.append(["other (progress, index, loops)", f"{total - sum(stages.values()):.1f} s", f"{(total - sum(stages.values())) / total:.1%}"])
    table("Where the time goes (ingest + story building, same run)", ["stage", "time", "share"], profile)
    out = {**ev, "docs": n, "pairs": res["pairs"], "ingest_docs_per_s": n / res["ingest_s"], "stories_docs_per_s": n / res["stories_s"],
           "ingest_s": res["ingest_s"], "stories_s": res["stories_s"], "match_ms": res["match_ms"], "peak_mb": res["peak_mb"],
           "stage_seconds": {k: round(v, 2) for k, v in res["stages"].items()}}
    res["corpus"].close()
    if not args.no_baselines:
        base = baselines(docs, gold, model_of)
        base.insert(0, ["unspun (LSH + lead/static NN + aligner)", ev["recall"], n / (res["ingest_s"] + res["stories_s"])])
        table("Rewrite -> original found, same corpus", ["tool", "recall", "docs/s (end to end)"], base)
        out["baselines"] = {r[0]: r[1] for r in base}
    return out


def growth_curve(args) -> list:  # noqa: ANN001
    """Story building time at each size, each in a fresh process; fits and projects t(N)."""
    curve = []
    for size in [int(x) for x in args.curve.split(",")]:
        # A fresh process per size: cold caches and a peak memory of that size alone.
        cmd = [sys.executable, __file__, "--domains", args.domains, "--limit-docs", str(size), "--holdout", "0",
               "--no-baselines", "--json", "--ann", args.ann] + (["--data", args.data] if args.data else [])
        proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
        r = json.loads(proc.stdout[proc.stdout.index("\n{") + 1:] if not proc.stdout.startswith("{") else proc.stdout)
        curve.append([r["docs"], round(r["ingest_s"], 1), round(r["stories_s"], 1), round(r["docs"] / r["stories_s"]),
                      round(r["pairs"] / r["docs"], 2), round(r["peak_mb"]), round(r["recall"], 4)])
    table("Growth curve (each size in a fresh process)",
          ["documents", "ingest s", "story building s", "story docs/s", "pairs/doc", "peak MB", "rewrite recall"], curve)
    xs = np.array([float(c[0]) for c in curve])
    ys = np.array([float(c[2]) for c in curve])
    if len(xs) >= 2:
        # Per-document cost grows with N: denser neighbourhoods give more candidates to verify
        # (and exact search is O(N) per query). Three projections: the quadratic fit (as if
        # pairs/doc kept growing), today's cost per document, and the cap (every document
        # with CorpusOptions.max_candidates verified pairs, at today's cost per pair).
        coef, *_ = np.linalg.lstsq(np.stack([xs, xs ** 2], axis=1), ys, rcond=None)
        last = curve[-1]
        per_doc = last[2] / last[0]
        per_pair = last[2] / max(1.0, last[4] * last[0])
        cap = CorpusOptions().max_candidates
        for target in (100_000, 1_000_000):
            print(f"projected story building for {target:,} documents: quadratic fit {coef[0] * target + coef[1] * target ** 2:,.0f} s "
                  f"(t = {coef[0]:.2e}*N + {coef[1]:.2e}*N^2); at today's {per_doc * 1000:.1f} ms/doc {per_doc * target:,.0f} s; "
                  f"at the {cap}-pairs/doc cap {per_pair * cap * target:,.0f} s")
    return curve


if __name__ == "__main__":
    main()
