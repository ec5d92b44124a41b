"""Sentence segmentation: exact-match accuracy on pySBD's English cases, and speed.

Compares unspun's splitter with pySBD and nupunkt (and any other installed) on
``sbd_pysbd_english/cases.jsonl``: a case counts when the whole list of sentences
matches (whitespace-normalised). Speed is sentences per second over all cases x 20.

    python bench/segment_eval.py [--data DIR] [-v]
"""

from __future__ import annotations

import json
import re
import time

from common import data_dir, parser, read_jsonl, table

from unspun.segment import sentence_spans


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def segmenters() -> dict:
    out = {"unspun.segment.v1": lambda t: [t[s:e] for s, e in sentence_spans(t)]}
    try:
        import pysbd

        seg = pysbd.Segmenter(language="en", clean=False)
        out["pysbd 0.3.4"] = seg.segment
    except ImportError:
        pass
    try:
        import nupunkt

        out["nupunkt 0.8.0"] = nupunkt.sent_tokenize
    except ImportError:
        pass
    return out


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("-v", "--verbose", action="store_true", help="print unspun's failures")
    args = p.parse_args()
    cases = list(read_jsonl(data_dir(args.data) / "sbd_pysbd_english" / "cases.jsonl"))
    rows, result = [], {}
    for name, fn in segmenters().items():
        ok, golden_ok, golden_n = 0, 0, 0
        for c in cases:
            got = [_norm(x) for x in fn(c["text"]) if _norm(x)]
            exp = [_norm(x) for x in c["expected"] if _norm(x)]
            hit = got == exp
            ok += hit
            if c["id"].startswith("golden"):
                golden_n += 1
                golden_ok += hit
            if args.verbose and not hit and name.startswith("unspun"):
                print(f"FAIL {c['id']}: expected {exp}\n     got      {got}")
        n_sent = sum(len(c["expected"]) for c in cases)
        t0 = time.perf_counter()
        for _ in range(20):
            for c in cases:
                fn(c["text"])
        speed = 20 * n_sent / (time.perf_counter() - t0)
        rows.append([name, f"{ok}/{len(cases)}", ok / len(cases), f"{golden_ok}/{golden_n}", round(speed)])
        result[name] = {"correct": ok, "cases": len(cases), "accuracy": ok / len(cases), "sentences_per_s": speed}
    table("Sentence segmentation, sbd_pysbd_english (exact list match)", ["segmenter", "cases", "accuracy", "Golden Rules", "sentences/s"], rows)
    if args.json:
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
