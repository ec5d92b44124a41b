"""Speed of `compare`: warm pair latency, cold CLI time, embedding throughput.

* warm latency: the model is loaded, the texts have never been seen (no cache hits).
  Pairs are ~800-word articles made of consecutive l2r news originals against their
  GPT-3.5 rewrites; the encoder cache is cleared before every pair.
* cold CLI: wall time of a fresh `unspun compare A B --json` process (median of 5).
* sentences embedded per second, on unseen news sentences.

    python bench/speed.py [--data DIR] [--pairs 30] [--findings]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, data_dir, parser, read_jsonl, table

from unspun.pipeline import CompareOptions, Comparer


def article_pairs(data: Path, n: int, model: str = "GPT-3-Turbo", words: int = 800) -> list[tuple[str, str]]:
    """Articles of ~``words`` words: consecutive l2r news originals joined, against their rewrites."""
    rows = [r for r in read_jsonl(data / "l2r_llm_rewrites" / "pairs.jsonl.gz") if r["domain"] == "NewsArticle" and r["model"] == model]
    out, cur = [], []
    for r in rows:
        cur.append(r)
        if sum(len(x["original"].split()) for x in cur) >= words * 0.95:
            out.append(("\n\n".join(x["original"] for x in cur), "\n\n".join(x["rewrite"] for x in cur)))
            cur = []
    return out[:n]


def pctl(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--pairs", type=int, default=30)
    p.add_argument("--findings", action="store_true", help="also time compare with drift findings")
    args = p.parse_args()
    data = data_dir(args.data)
    pairs = article_pairs(data, args.pairs)
    words = statistics.mean((len(a.split()) + len(b.split())) / 2 for a, b in pairs)
    rows, result = [], {}
    for label, findings in [("align only", False)] + ([("align + findings", True)] if args.findings else []):
        comparer = Comparer(CompareOptions(findings=findings, embeddings="require"))
        comparer.compare("Warm-up sentence one. Another one here.", "Warm-up text. Yet another sentence.")
        lat, parts = [], {}
        for a, b in pairs:
            comparer.encoder.clear_cache()
            t0 = time.perf_counter()
            r = comparer.compare(a, b)
            lat.append((time.perf_counter() - t0) * 1000)
            for k, v in r.timings.items():
                parts.setdefault(k, []).append(v)
        split = ", ".join(f"{k} {statistics.median(v):.0f}" for k, v in parts.items() if k != "total")
        rows.append([f"warm pair latency, {label} (ms)", len(pairs), f"{statistics.median(lat):.0f}", f"{pctl(lat, 0.9):.0f}", split])
        result[label] = {"median_ms": statistics.median(lat), "p90_ms": pctl(lat, 0.9), "split_ms": {k: statistics.median(v) for k, v in parts.items()}}

    a, b = pairs[0]
    with tempfile.TemporaryDirectory() as tmp:
        pa, pb = Path(tmp) / "a.txt", Path(tmp) / "b.txt"
        pa.write_text(a)
        pb.write_text(b)
        exe = str(Path(sys.executable).parent / "unspun")
        cold = []
        for _ in range(5):
            t0 = time.perf_counter()
            subprocess.run([exe, "compare", str(pa), str(pb), "--json"], check=True, capture_output=True, cwd=ROOT, env=os.environ)
            cold.append(time.perf_counter() - t0)
    rows.append(["cold CLI, one pair (s)", 5, f"{statistics.median(cold):.2f}", f"{max(cold):.2f}", ""])
    result["cold_cli_s"] = statistics.median(cold)

    comparer = Comparer(CompareOptions(findings=False, embeddings="require"))
    enc = comparer.encoder
    sents = []
    for r in read_jsonl(data / "l2r_llm_rewrites" / "pairs.jsonl.gz"):
        if r["domain"] == "NewsArticle" and r["model"] == "GPT-4o":
            sents.extend(s.strip() for s in r["rewrite"].split(". ") if len(s.split()) > 5)
    sents = sents[:1500]
    enc.clear_cache()
    t0 = time.perf_counter()
    enc.encode(sents)
    sps = len(sents) / (time.perf_counter() - t0)
    rows.append(["sentences embedded per second", len(sents), f"{sps:.0f}", "", f"mean {statistics.mean(len(s.split()) for s in sents):.0f} words"])
    result["sentences_per_s"] = sps
    table(f"compare speed (articles of ~{words:.0f} words per side, {os.cpu_count()} cores)", ["measure", "n", "median", "p90 / max", "split (ms)"], rows)
    if args.json:
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
