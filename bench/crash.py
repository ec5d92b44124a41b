"""Crash safety: SIGKILL `ingest` and story materialisation at random moments, resume, compare.

A corpus (l2r news originals and their LLM rewrites among BBC distractors from ``../shared/data``,
plus a few bad records so rejections are exercised) is ingested once without interruption (the
reference). Then ``--cycles`` times a fresh ``unspun ingest`` (every fifth cycle ``unspun
stories``, which materialises stories) is started on another store and SIGKILLed after a random
delay (uniform between 1 s and the uninterrupted run's time); after each kill the store must open.
When an ingest finishes, that store is compared with the reference and the next cycles start a
new store; the loop runs until ``--cycles`` kills have landed, and the last store is finished
and compared too. Printed: cycles, kills, stores compared (rounds), documents lost, documents
duplicated, rejections recorded more than once or missing, stories that differ from the
reference (membership or origin), summed over all stores. Target: all 0.

    python bench/crash.py [--docs 400] [--cycles 25] [--seed 3] [--json]
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from common import data_dir, parser, read_jsonl, table

from unspun.errors import UnspunError
from unspun.store import Store

EXE = str(Path(sys.executable).parent / "unspun")


def corpus(data: Path, n: int, out: Path) -> int:
    """``n`` documents: news originals and one rewrite each, then BBC distractors; two bad records."""
    rows = []
    for r in read_jsonl(data / "l2r_llm_rewrites" / "pairs.jsonl.gz"):
        if r["domain"] == "NewsArticle" and len(rows) < n * 0.6:
            k = len(rows)
            rows += [{"id": f"orig-{k}", "text": r["original"]}, {"id": f"rw-{k}", "text": r["rewrite"]}]
    for k, r in enumerate(read_jsonl(data / "bbc_news_corpus" / "articles.jsonl.gz")):
        if len(rows) >= n:
            break
        rows.append({"id": f"bbc-{k}", "text": r["text"]})
    with out.open("w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
        f.write('{"id": "empty", "text": ""}\nnot json\n')
    return len(rows)


def snapshot(db: Path) -> tuple[list[str], int, int, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        ids = [r[0] for r in con.execute("SELECT doc_id FROM documents ORDER BY doc_id").fetchall()]
        total, distinct = con.execute("SELECT count(*), count(DISTINCT (source, doc_id, stage, reason)) FROM rejected").fetchone()
    out = subprocess.run([EXE, "stories", "--db", str(db), "--json", "--no-findings"], capture_output=True, check=True)
    stories = sorted((tuple(sorted(m["id"] for m in s["members"])), s["origin"]) for s in json.loads(out.stdout)["stories"])
    return ids, total, distinct, stories


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--docs", type=int, default=400)
    p.add_argument("--cycles", type=int, default=25)
    p.add_argument("--seed", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=16)
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="unspun-crash-"))
    src = work / "corpus.jsonl"
    n = corpus(data_dir(args.data), args.docs, src)
    ingest = [EXE, "ingest", str(src), "--batch-size", str(args.batch_size)]

    t0 = time.perf_counter()
    ref = work / "ref.duckdb"
    subprocess.run([*ingest, "--db", str(ref)], capture_output=True)
    full = time.perf_counter() - t0
    expected = snapshot(ref)

    rnd = random.Random(args.seed)
    totals = {"kills": 0, "rounds": 0, "store_did_not_open": 0, "documents_lost": 0, "documents_duplicated": 0,
              "rejections_repeated": 0, "rejections_missing": 0, "story_differences": 0}

    def check(db: Path) -> None:
        """One store after its last, uninterrupted ingest, against the reference."""
        subprocess.run([*ingest, "--db", str(db)], capture_output=True)
        ids, total, distinct, stories = snapshot(db)
        totals["rounds"] += 1
        totals["documents_lost"] += len(set(expected[0]) - set(ids))
        totals["documents_duplicated"] += len(ids) - len(set(ids))
        totals["rejections_repeated"] += total - distinct
        totals["rejections_missing"] += expected[2] - distinct
        totals["story_differences"] += len(set(expected[3]) ^ set(stories))

    db = work / "killed-0.duckdb"
    cycle = 0
    while totals["kills"] < args.cycles:
        cycle += 1
        cmd = [EXE, "stories", "--db", str(db), "--json"] if cycle % 5 == 0 and db.exists() else [*ingest, "--db", str(db)]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=rnd.uniform(1.0, full))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            totals["kills"] += 1
        if db.exists() and db.stat().st_size:  # opens as a store (0 bytes: killed while creating it; ingest starts it afresh)
            try:
                Store(db, read_only=True, create=False).close()
            except UnspunError:
                totals["store_did_not_open"] += 1
        killed = proc.returncode == -signal.SIGKILL
        print(f"cycle {cycle}: {' '.join(cmd[1:2])} {'killed' if killed else 'finished'}", file=sys.stderr)
        if not killed and cmd[1] == "ingest":  # this store is complete: check it, start another
            check(db)
            db = work / f"killed-{totals['rounds']}.duckdb"
    if db.exists():
        check(db)
    out = {"documents": n, "uninterrupted_seconds": round(full, 1), "cycles": cycle, **totals,
           "stories_reference": len(expected[3])}
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        table("crash safety: SIGKILL at random points, then resume", list(out), [list(out.values())])


if __name__ == "__main__":
    main()
