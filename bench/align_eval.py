"""Alignment quality: precision/recall/F1 of sentence links against gold alignments.

Three kinds of gold, printed side by side:

* hand-written gold files (``tests/data/*_gold.json`` and any ``--gold FILE``): real
  heavy rewrites with boilerplate, splits and merges;
* MRPC synthetic documents: 12 MRPC paraphrase pairs per document, the B side
  locally reordered, two pairs dropped and two unrelated sentences added;
* ``l2r_llm_rewrites`` news pairs, which have no sentence gold: the share of the
  original's sentences linked (a recall proxy) next to links made between an
  original and the rewrite of a *different* article (false links per pair).

    python bench/align_eval.py [--data DIR] [--gold FILE ...] [--lexical]
"""

from __future__ import annotations

import json
import random
import statistics
from pathlib import Path

from common import ROOT, data_dir, parser, prf, read_jsonl, table

from unspun.pipeline import CompareOptions, Comparer


def gold_pairs(doc, prefixes: list[str]) -> list[int]:
    out = []
    for p in prefixes:
        hits = [s.index for s in doc.sentences if " ".join(s.text.split()).startswith(p)]
        if not hits:
            raise SystemExit(f"gold prefix not found in {doc.id}: {p!r}")
        out.append(hits[0])
    return out


def score_gold_file(comparer: Comparer, path: Path) -> tuple[int, int, int, list[str]]:
    g = json.loads(path.read_text())
    a = Path(g["a"]) if Path(g["a"]).is_absolute() else ROOT / g["a"]
    b = Path(g["b"]) if Path(g["b"]).is_absolute() else ROOT / g["b"]
    r = comparer.compare(a, b)
    gold, optional = set(), set()
    for link in g["links"]:
        ia, ib = gold_pairs(r.a, link["a"]), gold_pairs(r.b, link["b"])
        gold |= {(i, j) for i in ia for j in ib}
        optional |= {(i, j) for i in ia for j in gold_pairs(r.b, link.get("optional_b", []))}
    for pa, pb in g.get("optional", []):
        optional |= {(gold_pairs(r.a, [pa])[0], gold_pairs(r.b, [pb])[0])}
    pred = {(i, j) for link in r.links for i in link.a for j in link.b}
    errors = []
    for i, j in sorted(pred - gold - optional):
        errors.append(f"FP A{i}-B{j}: {r.a.sentences[i].text[:60]!r} ~ {r.b.sentences[j].text[:60]!r}")
    for i, j in sorted(gold - pred):
        errors.append(f"FN A{i}-B{j}: {r.a.sentences[i].text[:60]!r} ~ {r.b.sentences[j].text[:60]!r}")
    return len(pred & gold), len(pred - gold - optional), len(gold - pred), errors


def mrpc_docs(data: Path, n_docs: int = 40, per_doc: int = 12, seed: int = 7):
    rows = [r for r in read_jsonl(data / "mrpc_etpc" / "pairs.jsonl.gz") if r["mrpc_label"] == 1]
    rng = random.Random(seed)
    rng.shuffle(rows)
    k = 0
    for _ in range(n_docs):
        chunk = rows[k : k + per_doc + 2]
        k += per_doc + 2
        if len(chunk) < per_doc + 2:
            break
        kept = chunk[:per_doc]
        a = [r["sentence1"] for r in kept]
        dropped = set(rng.sample(range(per_doc), 2))
        b_items = [(r["sentence2"], i) for i, r in enumerate(kept) if i not in dropped]
        b_items += [(r["sentence2"], None) for r in chunk[per_doc:]]
        b_items.sort(key=lambda x: (x[1] if x[1] is not None else rng.randrange(per_doc)) + rng.uniform(-1.6, 1.6))
        gold = {(i, jb) for jb, (_, i) in enumerate(b_items) if i is not None}
        yield "\n\n".join(a), "\n\n".join(t for t, _ in b_items), gold


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--gold", nargs="*", default=[], help="extra gold files")
    p.add_argument("--lexical", action="store_true", help="align without embeddings")
    p.add_argument("--verbose", "-v", action="store_true", help="print every wrong link")
    p.add_argument("--l2r-limit", type=int, default=120)
    args = p.parse_args()
    opts = CompareOptions(embeddings="off" if args.lexical else "require", findings=False)
    comparer = Comparer(opts)
    rows = []
    results = {}
    files = sorted((ROOT / "tests" / "data").glob("*_gold.json")) + [Path(x) for x in args.gold]
    tot = [0, 0, 0]
    for f in files:
        tp, fp, fn, errors = score_gold_file(comparer, f)
        tot = [tot[0] + tp, tot[1] + fp, tot[2] + fn]
        rows.append([f.name, tp, fp, fn, *prf(tp, fp, fn)])
        if args.verbose:
            print("\n".join(errors))
    rows.append(["all gold files", *tot, *prf(*tot)])
    results["gold"] = dict(zip(["tp", "fp", "fn", "precision", "recall", "f1"], [*tot, *prf(*tot)]))

    data = data_dir(args.data)
    tp = fp = fn = 0
    for text_a, text_b, gold in mrpc_docs(data):
        r = comparer.compare(text_a, text_b)
        pred = {(i, j) for link in r.links for i in link.a for j in link.b}
        tp, fp, fn = tp + len(pred & gold), fp + len(pred - gold), fn + len(gold - pred)
    rows.append(["MRPC synthetic docs (40)", tp, fp, fn, *prf(tp, fp, fn)])
    results["mrpc_synthetic"] = dict(zip(["tp", "fp", "fn", "precision", "recall", "f1"], [tp, fp, fn, *prf(tp, fp, fn)]))
    table("Alignment against gold links (sentence pairs)", ["gold", "TP", "FP", "FN", "precision", "recall", "F1"], rows)

    l2r = [r for r in read_jsonl(data / "l2r_llm_rewrites" / "pairs.jsonl.gz") if r["domain"] == "NewsArticle"]
    by_model: dict[str, list] = {}
    for r in l2r:
        by_model.setdefault(r["model"], []).append(r)
    rng = random.Random(3)
    l2r_rows = []
    for model, items in sorted(by_model.items()):
        items = items[: args.l2r_limit]
        cov, false_links, sents = [], [], []
        for k, r in enumerate(items):
            res = comparer.compare(r["original"], r["rewrite"])
            cov.append(len({i for link in res.links for i in link.a}) / max(1, len(res.a.sentences)))
            other = items[(k + 1 + rng.randrange(len(items) - 1)) % len(items)]
            wrong = comparer.compare(r["original"], other["rewrite"])
            false_links.append(len(wrong.links))
            sents.append(len(res.a.sentences))
        l2r_rows.append([model, len(items), statistics.mean(sents), statistics.mean(cov), statistics.mean(false_links),
                         sum(x > 0 for x in false_links) / len(false_links)])
        results.setdefault("l2r", {})[model] = {"original_linked": statistics.mean(cov), "false_links_per_pair": statistics.mean(false_links)}
    table("l2r news rewrites: share of original sentences linked vs links to a different article's rewrite",
          ["model", "pairs", "sentences", "linked (true pair)", "links (wrong pair)", "wrong pairs with any link"], l2r_rows)
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
