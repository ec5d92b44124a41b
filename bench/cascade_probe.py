"""Could static sentence vectors reject candidate pairs before MiniLM (issue 13's cascade)?

Reads a store built by ``bench/corpus_eval.py --keep DIR`` (or any store with verified pairs).
For every verified candidate pair it computes static sentence vectors of both documents
(:class:`unspun.represent.static.StaticEncoder`, no transformer) and, per relation the story rule
gives the pair (rewrite, follow-up, related, none), the distribution of cheap scores: the best
sentence cosine, the mean of the three best, and the mean best cosine of the shorter version's
sentences. A gate may only reject below the lowest score of any rewrite edge (a lost edge is a
lost rewrite); the table shows what share of the other pairs such a gate would reject.

    python bench/corpus_eval.py --domains news --keep /tmp/news
    python bench/cascade_probe.py --db /tmp/news/main.duckdb
"""

from __future__ import annotations

import json
import time
from collections import Counter

import numpy as np
from common import parser, table

from unspun.corpus import Corpus, CorpusOptions
from unspun.represent.static import StaticEncoder

SCORES = ("best sentence cosine", "mean of the 3 best", "shorter version's mean best")


def cheap_scores(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """The three cheap scores of a pair from its static sentence vectors (rows L2-normalised)."""
    if not len(a) or not len(b):
        return 0.0, 0.0, 0.0
    sims = a @ b.T
    best_a, best_b = sims.max(axis=1), sims.max(axis=0)
    shorter = best_a if len(best_a) <= len(best_b) else best_b
    top = np.sort(sims.ravel())[-3:]
    return float(sims.max()), float(top.mean()), float(shorter.mean())


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--db", required=True, help="a store with verified pairs (bench/corpus_eval.py --keep DIR)")
    args = p.parse_args()
    t0 = time.perf_counter()
    with Corpus(args.db, CorpusOptions(ann="exact")) as corpus:
        relation, _ = corpus._relations()
        pairs = corpus.store.candidate_edges(0.0, 0.0)
        docs = corpus.store.documents(sorted({x for q in pairs for x in (q.a, q.b)}))
    static = StaticEncoder()
    vectors = {d: static.encode([s.text for s in doc.sentences]) for d, doc in docs.items()}
    t1 = time.perf_counter()
    by_kind: dict[str, list[tuple[float, float, float]]] = {}
    for q in pairs:
        kind = relation.get((q.a, q.b)) or "none"
        by_kind.setdefault(kind, []).append(cheap_scores(vectors[q.a], vectors[q.b]))
    counts = Counter({k: len(v) for k, v in by_kind.items()})
    rewrite = np.array(by_kind.get("rewrite", [(0.0, 0.0, 0.0)]))
    rows, result = [], {"pairs": len(pairs), "relations": dict(counts), "static_seconds": round(t1 - t0, 1), "scores": {}}
    for k, name in enumerate(SCORES):
        floor = float(rewrite[:, k].min())
        rejected = {kind: float((np.array(v)[:, k] < floor).mean()) for kind, v in by_kind.items() if kind != "rewrite"}
        others = [s[k] for kind, v in by_kind.items() if kind != "rewrite" for s in v]
        share = float((np.array(others) < floor).mean()) if others else 0.0
        q = np.quantile(rewrite[:, k], [0.0, 0.01, 0.5])
        rows.append([name, f"{q[0]:.3f} / {q[1]:.3f} / {q[2]:.3f}", f"{share:.3f}",
                     ", ".join(f"{kind} {r:.3f}" for kind, r in sorted(rejected.items()))])
        result["scores"][name] = {"rewrite_min": q[0], "rewrite_p01": q[1], "rewrite_median": q[2],
                                  "rejectable_share": share, "rejectable_by_relation": rejected}
    table(f"Static-vector gate on {len(pairs):,} verified candidate pairs ({', '.join(f'{k} {v:,}' for k, v in counts.most_common())})",
          ["cheap score", "rewrite edges: min / 1% / median", "other pairs below the rewrite min", "by relation"], rows)
    if args.json:
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
