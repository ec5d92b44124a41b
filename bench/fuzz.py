"""Fuzzing the CLI with hostile inputs: no crash, no hang, no undocumented exit code, and every
error names its input.

Generates ``--inputs`` hostile documents and batch lines (random bytes, truncated gzip and WARC,
wrong and mixed encodings, UTF-16 without BOM, NULs, lone surrogates, 10 MB single lines,
100k-deep HTML, zero-width/bidi characters, emoji, RTL scripts, whitespace or boilerplate only,
degenerate punctuation, JSONL with wrong types, huge ids and numbers, XSS payloads) and drives
the real console script with them:

* ``compare --pairs``: one process per ~500 lines (inline text, HTML and paths to generated files);
* ``ingest``: one process per ~500 inputs (files of every reader kind, and JSONL records);
* ``--singles`` single ``compare A B`` runs.

It counts a **crash** (exit 1 or a traceback), a **hang** (one input taking more than 30 s: for
``--pairs``, no result line for 30 s; for ``ingest``, a batch over 30 s plus 1 s per input), an
**undocumented exit code** (not 0, 2, 3, 4, 5, 6), and a **message that does not name its input**
(a batch error without ``FILE:LINE``, a rejection whose source is not the file, a single run's
error without the file name). Target: 0 / 0 / 0 / 0.

    python bench/fuzz.py [--inputs 10000] [--singles 300] [--seed 7] [--keep DIR] [--json]
    python bench/fuzz.py --only ingest      # one kind of process, on the same generated inputs
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from common import parser, table

EXE = str(Path(sys.executable).parent / "unspun")
DOCUMENTED = {0, 2, 3, 4, 5, 6}
HANG_SECONDS = 30.0
BATCH = 500
NEWS = ("The city council approved a budget of $4.5 million on Tuesday, officials said. "
        "Mayor Ana Ruiz, 52, told reporters the vote was not unanimous. Critics said the plan would fail.")
BOILERPLATE = "Subscribe to our newsletter. Accept cookies. Share on Facebook. Read more. Advertisement.\n" * 5
XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "javascript:alert(1)", "[bold]x[/]", "[/]", "{{7*7}}"]


# --- generators: each returns bytes (a document body) ----------------------------------------------


def _text(rnd: random.Random) -> str:
    """Hostile text: a mix of news, odd scripts, control and invisible characters, degenerate shapes."""
    pieces = [
        lambda: NEWS,
        lambda: "مرحبا بالعالم. هذا نص عربي. " * rnd.randint(1, 20),
        lambda: "שלום עולם. זה טקסט. " * rnd.randint(1, 20),
        lambda: "😀🔥💥 " * rnd.randint(1, 200),
        lambda: "\u200b\u200c\u200d\u2060\ufeff" * rnd.randint(1, 200),
        lambda: "\u202e\u202d\u2066\u2067\u2069 reversed" * rnd.randint(1, 50),
        lambda: "." * rnd.choice([rnd.randint(1, 5_000), 300_000]),
        lambda: "Mr. " * rnd.randint(1, 5_000),
        lambda: "Jan. 1, 2020 " * rnd.randint(1, 2_000),
        lambda: "x.\n" * rnd.choice([rnd.randint(1, 3_000), 60_000]),
        lambda: "1" * rnd.randint(1, 20_000) + " people died.",
        lambda: " ".join(str(rnd.randint(0, 10**9)) for _ in range(rnd.randint(1, 1000))),
        lambda: "$" * rnd.randint(1, 5000) + "%" * rnd.randint(1, 5000),
        lambda: "not " * rnd.randint(1, 1000) + "true.",
        lambda: "\u2028\u2029\x0b\x0c\x1c\x1d" * rnd.randint(1, 100),
        lambda: " \t\n" * rnd.randint(1, 1000),
        lambda: BOILERPLATE,
        lambda: rnd.choice(XSS) * rnd.randint(1, 50),
        lambda: "".join(chr(rnd.randint(32, 0x2FFFF)) for _ in range(rnd.randint(1, 1000))),
        lambda: "(" * rnd.randint(1, 5_000) + ")" * rnd.randint(1, 5_000),
        lambda: '"' * rnd.randint(1, 5_000),
    ]
    return "".join(rnd.choice(pieces)() for _ in range(rnd.randint(1, 4)))


def _html(rnd: random.Random) -> str:
    kind = rnd.randrange(5)
    if kind == 0:
        return "<html><body>" + "<div>" * 100_000 + NEWS + "</div>" * 100_000 + "</body></html>"
    if kind == 1:
        return "<html><body><article><p>" + _text(rnd) + "</p></article></body></html>"
    if kind == 2:
        return "<html><head><title>" + rnd.choice(XSS) + "</title></head><body>" + "<p>" * rnd.randint(1, 50_000) + NEWS
    if kind == 3:
        return "<!doctype html><html><body><script>" + "x" * 100_000 + "</script><p>" + NEWS + "</p>"
    return "<" * rnd.randint(1, 100_000)


def document(rnd: random.Random) -> bytes:
    kind = rnd.randrange(14)
    if kind == 0:
        return os.urandom(rnd.choice([1, 10, 1000, 100_000]))
    if kind == 1:
        return _text(rnd).encode("utf-16-le", "surrogatepass")  # UTF-16 without BOM
    if kind == 2:
        return _text(rnd).encode("utf-16", "surrogatepass")
    if kind == 3:
        return NEWS.encode("cp1252") + "é ü ñ".encode("utf-8") + "ö".encode("latin-1")  # mixed encodings
    if kind == 4:
        return _text(rnd).encode("utf-8", "surrogatepass") + b"\xed\xa0\x80"  # an encoded lone surrogate
    if kind == 5:
        return NEWS.encode() + b"\x00" * rnd.randint(1, 1000) + NEWS.encode()
    if kind == 6:
        return ("word " * 2_000_000).encode()  # a 10 MB single line
    if kind == 7:
        return _html(rnd).encode("utf-8", "surrogatepass")
    if kind == 8:
        return b""
    if kind == 9:
        return "日本語のテキスト。東京で会議が開かれた。".encode("shift_jis") * rnd.randint(1, 50)
    return _text(rnd).encode("utf-8", "surrogatepass")


def batch_line(rnd: random.Random, files: list[Path]) -> str:
    kind = rnd.randrange(12)
    if kind == 0:
        return os.urandom(rnd.randint(1, 300)).decode("latin-1").replace("\n", " ")
    if kind == 1:
        return "[" * rnd.randint(1, 100_000)
    if kind == 2:
        return json.dumps({"id": rnd.choice([None, 1.5, True, [1], {"a": 1}, "x" * 100_000, "\ud800"]), "a": NEWS, "b": NEWS})
    if kind == 3:
        return '{"id": ' + "9" * rnd.randint(4000, 20_000) + ', "a": "x", "b": "y"}'
    if kind == 4:
        return json.dumps({"id": "p", "a": rnd.choice([1, None, [], {}]), "b": NEWS})
    if kind == 5:
        return json.dumps({"a_path": str(rnd.choice(files)), "b_path": str(rnd.choice(files))})
    if kind == 6:
        return json.dumps({"a_path": "../" * 20 + "etc/passwd", "b": NEWS})
    if kind == 7:
        return json.dumps({"a_html": _html(rnd), "b": NEWS})
    return json.dumps({"id": f"t{rnd.randrange(10**6)}", "a": _text(rnd), "b": rnd.choice([NEWS, _text(rnd)])},
                      ensure_ascii=rnd.random() < 0.5)


def jsonl_record(rnd: random.Random) -> str:
    kind = rnd.randrange(10)
    if kind == 0:
        return json.dumps({"id": rnd.choice([None, 3, 2.5, True, ["x"], "\ud800", "y" * 5000]), "text": _text(rnd)})
    if kind == 1:
        return '{"id": "n", "text": "x", "v": ' + "[" * 100_000 + "]" * 100_000 + "}"
    if kind == 2:
        return '{"id": "n", "text": "' + NEWS + '", "v": ' + "7" * 10_000 + "}"
    if kind == 3:
        return json.dumps({"id": f"h{rnd.randrange(10**6)}", "html": _html(rnd), "title": rnd.choice(XSS), "url": rnd.choice(XSS)})
    if kind == 4:
        return os.urandom(rnd.randint(1, 200)).decode("latin-1").replace("\n", " ")
    if kind == 5:
        return json.dumps({"id": f"w{rnd.randrange(10**6)}", "text": rnd.choice([None, 5, [], {"a": 1}, ""])})
    return json.dumps({"id": f"r{rnd.randrange(10**9)}-{rnd.choice(XSS)}", "text": _text(rnd), "published": rnd.choice(["2020-01-01", "x", "9" * 50])})


def warc_bytes(rnd: random.Random) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=rnd.random() < 0.7)
    for n in range(rnd.randint(1, 6)):
        headers = StatusAndHeaders("200 OK", [("Content-Type", rnd.choice(["text/html", "text/html; charset=utf-16", "image/png"]))],
                                   protocol="HTTP/1.1")
        rec = writer.create_warc_record(f"https://fuzz.example/{n}", "response", payload=io.BytesIO(document(rnd)[:200_000]),
                                        http_headers=headers)
        if rnd.random() < 0.2:
            rec.rec_headers.remove_header("WARC-Target-URI")
        writer.write_record(rec)
    data = buf.getvalue()
    return data[: rnd.randint(1, len(data))] if rnd.random() < 0.5 else data


# --- runners -----------------------------------------------------------------------------------------


class Tally:
    def __init__(self) -> None:
        self.inputs = self.crashes = self.hangs = self.undocumented = self.unnamed = 0
        self.examples: list[str] = []
        self.lock = threading.Lock()

    def bad(self, kind: str, what: str) -> None:
        with self.lock:
            setattr(self, kind, getattr(self, kind) + 1)
            if len(self.examples) < 20:
                self.examples.append(f"{kind}: {what[:300]}")

    def count(self, n: int, what: str, t0: float) -> None:
        with self.lock:
            self.inputs += n
            print(f"{what}: {self.inputs} inputs, {time.perf_counter() - t0:.0f} s", file=sys.stderr)

    def exit(self, rc: int | None, err: str, what: str) -> None:
        if rc == 1 or "Traceback" in err:
            self.bad("crashes", f"{what}: rc={rc} {err.strip()[-200:]}")
        elif rc not in DOCUMENTED:
            self.bad("undocumented", f"{what}: rc={rc} {err.strip()[-200:]}")


def run_pairs(path: Path, n_lines: int, tally: Tally) -> None:
    """One ``compare --pairs`` process; a hang is 30 s without a result line."""
    proc = subprocess.Popen([EXE, "compare", "--pairs", str(path), "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    last = [time.monotonic()]
    results: list[dict[str, Any]] = []

    def read() -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            last[0] = time.monotonic()
            results.append(json.loads(line))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    while reader.is_alive():
        reader.join(1.0)
        if time.monotonic() - last[0] > HANG_SECONDS:
            proc.kill()
            tally.bad("hangs", f"{path}: no result for {HANG_SECONDS:.0f} s after line {len(results)}")
            break
    err = proc.stderr.read().decode(errors="replace")  # type: ignore[union-attr]
    proc.wait()
    tally.exit(proc.returncode, err, str(path))
    for r in results:
        msg = (r.get("error") or {}).get("message")
        if msg is not None and f"{path}:" not in msg:
            tally.bad("unnamed", f"{path}: {msg}")
    if proc.returncode in DOCUMENTED and len(results) < n_lines:
        tally.bad("crashes", f"{path}: {len(results)} results for {n_lines} lines")


def run_ingest(inputs: list[Path], count: int, db: Path, tally: Tally) -> None:
    """One ``ingest`` process over ``inputs`` (files holding ``count`` documents and records)."""
    budget = HANG_SECONDS + count
    try:
        proc = subprocess.run([EXE, "ingest", *map(str, inputs), "--db", str(db), "--json"], capture_output=True, timeout=budget)
    except subprocess.TimeoutExpired:
        tally.bad("hangs", f"ingest of {len(inputs)} files ({count} inputs) ran past {budget:.0f} s")
        return
    err = proc.stderr.decode(errors="replace")
    tally.exit(proc.returncode, err, f"ingest {inputs[0].parent}")
    if proc.returncode in (0, 5):
        out = json.loads(proc.stdout)
        names = {str(p) for p in inputs}
        for r in out["rejected"]:
            src = r["source"]
            if not any(src == n or src.startswith((n + ":", n + "#")) for n in names):
                tally.bad("unnamed", f"rejection source {src!r}: {r['reason']}")


def run_single(a: Path, b: Path, tally: Tally) -> None:
    try:
        proc = subprocess.run([EXE, "compare", str(a), str(b), "--json"], capture_output=True, timeout=HANG_SECONDS + 10)
    except subprocess.TimeoutExpired:
        tally.bad("hangs", f"compare {a} {b}")
        return
    err = proc.stderr.decode(errors="replace")
    tally.exit(proc.returncode, err, f"compare {a.name} {b.name}")
    if proc.returncode == 3 and a.name not in err and b.name not in err:
        tally.bad("unnamed", f"compare {a.name} {b.name}: {err.strip()}")


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--inputs", type=int, default=10_000, help="hostile inputs for the batch runs")
    p.add_argument("--singles", type=int, default=300, help="single `compare A B` runs")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--keep", help="keep the generated inputs in this directory")
    p.add_argument("--jobs", type=int, default=max(1, len(os.sched_getaffinity(0))),
                   help="CLI processes run at a time (default: the CPUs this process may use)")
    p.add_argument("--only", choices=["pairs", "ingest", "singles"], help="run one kind of process only (same inputs)")
    args = p.parse_args()
    rnd = random.Random(args.seed)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="unspun-fuzz-"))
    work.mkdir(parents=True, exist_ok=True)
    tally = Tally()
    t0 = time.perf_counter()

    docs_dir = work / "docs"
    docs_dir.mkdir(exist_ok=True)
    exts = [".txt", ".html", ".md", ".txt"]
    files = []
    for i in range(400):
        f = docs_dir / f"d{i}{rnd.choice(exts)}"
        f.write_bytes(document(rnd))
        files.append(f)

    n_pairs = args.inputs // 2
    pair_jobs = []
    for k in range(0, n_pairs, BATCH):
        n = min(BATCH, n_pairs - k)
        path = work / f"pairs{k // BATCH}.jsonl"
        path.write_bytes(("\n".join(batch_line(rnd, files) for _ in range(n)) + "\n").encode("utf-8", "surrogatepass"))
        pair_jobs.append((path, n))
    ingest_jobs = []
    n_ingest = args.inputs - n_pairs
    for k in range(0, n_ingest, BATCH):
        d = work / f"ingest{k // BATCH}"
        d.mkdir(exist_ok=True)
        inputs: list[Path] = []
        count = 0
        while count < min(BATCH, n_ingest - k):
            kind = rnd.randrange(5)
            if kind == 0:  # a JSONL file of records, maybe gzipped, maybe truncated
                recs = [jsonl_record(rnd) for _ in range(rnd.randint(5, 40))]
                raw = ("\n".join(recs) + "\n").encode("utf-8", "surrogatepass")
                if rnd.random() < 0.5:
                    raw = gzip.compress(raw)
                    raw = raw[: rnd.randint(1, len(raw))] if rnd.random() < 0.3 else raw
                    f = d / f"r{len(inputs)}.jsonl.gz"
                else:
                    f = d / f"r{len(inputs)}.jsonl"
                f.write_bytes(raw)
                count += len(recs)
            elif kind == 1:
                f = d / f"w{len(inputs)}.warc.gz"
                f.write_bytes(warc_bytes(rnd))
                count += 3
            else:
                f = d / f"f{len(inputs)}{rnd.choice(exts)}"
                f.write_bytes(document(rnd))
                count += 1
            inputs.append(f)
        ingest_jobs.append((inputs, count))
    singles = [(rnd.choice(files), rnd.choice(files)) for _ in range(args.singles)]

    runs = {args.only} if args.only else {"pairs", "ingest", "singles"}
    pair_jobs = pair_jobs if "pairs" in runs else []
    ingest_jobs = ingest_jobs if "ingest" in runs else []
    singles = singles if "singles" in runs else []
    def pairs_job(job: tuple[Path, int]) -> None:
        path, n = job
        run_pairs(path, n, tally)
        tally.count(n, f"pairs {path.name}", t0)

    def ingest_job(job: tuple[int, tuple[list[Path], int]]) -> None:
        k, (inputs, count) = job
        run_ingest(inputs, count, work / f"store{k}.duckdb", tally)
        tally.count(count, f"ingest {k}", t0)

    # --jobs processes at a time (one per core by default): each batch process is mostly one
    # Python thread (spaCy, extraction), so two share a 2-core machine without slowing each other
    # much, and a hang is still judged per process (no result line for 30 s / budget per input).
    with ThreadPoolExecutor(args.jobs) as pool:
        list(pool.map(pairs_job, pair_jobs))
        list(pool.map(ingest_job, enumerate(ingest_jobs)))
        list(pool.map(lambda ab: run_single(*ab, tally), singles))
    tally.inputs += len(singles)

    out = {"inputs": tally.inputs, "batches": len(pair_jobs) + len(ingest_jobs), "singles": len(singles),
           "crashes": tally.crashes, "hangs": tally.hangs, "undocumented_exit_codes": tally.undocumented,
           "unnamed_messages": tally.unnamed, "seconds": round(time.perf_counter() - t0, 1), "examples": tally.examples}
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        table("fuzz: hostile inputs through compare, compare --pairs and ingest",
              ["inputs", "batches", "singles", "crashes", "hangs", "undocumented exits", "unnamed messages", "seconds"],
              [[out["inputs"], out["batches"], out["singles"], out["crashes"], out["hangs"], out["undocumented_exit_codes"],
                out["unnamed_messages"], out["seconds"]]])
        for e in tally.examples:
            print(e)


if __name__ == "__main__":
    main()
