"""Server time of `unspun serve` pages on a real store (a benchmark, not a test).

Every request goes through the whole app in-process (FastAPI routing, the store read, the
view, the Jinja2 template, the security middleware) with Starlette's test client, so the
figure is server time without the network. Pages read from the store are timed apart from
the first request of a pair or story whose findings are not stored yet (computed once, then
kept in memory), and those again apart from their repeat.

    python bench/web_speed.py --db /path/to/store.duckdb          # e.g. a store kept by
    python bench/corpus_eval.py --domains news --keep /tmp/news    # (17,999 documents)

Prints p50/p90 in milliseconds per page kind, and the store's size.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))] if xs else float("nan")


def _time(client, url: str, params: dict | None = None) -> float:
    t = time.perf_counter()
    r = client.get(url, params=params)
    ms = (time.perf_counter() - t) * 1000
    assert r.status_code == 200, (url, params, r.status_code, r.text[:200])
    return ms


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", required=True, help="a store built by `unspun ingest` (opened read-only)")
    p.add_argument("--samples", type=int, default=40, help="stories, pairs and documents sampled per page kind")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()

    from fastapi.testclient import TestClient

    from unspun.web import create_app

    t0 = time.perf_counter()
    app = create_app(args.db)
    startup = time.perf_counter() - t0
    site = app.state.site
    rng = random.Random(args.seed)
    results: dict[str, list[float]] = {}
    with TestClient(app, base_url="http://127.0.0.1") as client:
        def run(kind: str, url: str, params: dict | None = None) -> None:
            results.setdefault(kind, []).append(_time(client, url, params))

        for _ in range(3):  # warm the templates
            client.get("/stories")
        stories = list(site.rows)
        for k in range(args.samples):
            run("stories list (page 1)", "/stories")
            run("stories list (search)", "/stories", {"q": rng.choice(["bbc", "the", "minister", "police", "s1"])})
            run("stories list (filter + sort + page 3)", "/stories", {"sort": rng.choice(["newest", "severity", "title"]),
                                                                     "page": 3, "severity": "medium"})
            run("stories JSON", "/api/stories", {"page": k % 5 + 1})
        sample = rng.sample(stories, min(args.samples, len(stories)))
        stored = [sid for sid in sample if site.rows[sid].findings_known]
        for sid in sample:
            kind = "story page (findings stored)" if sid in stored else "story page, first view (findings computed)"
            run(kind, f"/stories/{sid}")
            run("story page (repeat)", f"/stories/{sid}")
        pairs = []
        for sid in sample:
            st = site.corpus.store.stories([sid])[0]
            if st.edges:
                e = rng.choice(st.edges)
                pairs.append((e.source, e.target))
        if pairs:  # load the encoder and the drift rules once, untimed (a server does it on its first pair)
            a, b = pairs[0]
            client.get("/api/pair", params={"a": b, "b": a})
        for a, b in pairs:
            run("pair page, first view (computed)", "/pair", {"a": a, "b": b})
            run("pair page (repeat, cached)", "/pair", {"a": a, "b": b})
        docs = [m for sid in sample for m in site.corpus.store.stories([sid])[0].members][: args.samples]
        for d in docs:
            run("document page", "/documents/" + d)

    out = {"store": args.db, "documents": site.corpus.store.count("documents"), "stories": len(stories),
           "startup_s": round(startup, 2),
           "pages": {k: {"n": len(v), "p50_ms": round(statistics.median(v), 1), "p90_ms": round(_pct(v, 0.9), 1)}
                     for k, v in results.items()}}
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(f"store {out['store']}: {out['documents']} documents, {out['stories']} stories; app start {out['startup_s']} s")
    print(f"{'page':48} {'n':>4} {'p50 ms':>8} {'p90 ms':>8}")
    for k, v in out["pages"].items():
        print(f"{k:48} {v['n']:>4} {v['p50_ms']:>8} {v['p90_ms']:>8}")


if __name__ == "__main__":
    main()
