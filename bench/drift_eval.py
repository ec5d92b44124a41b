"""Drift findings: recall on typed changes, false findings on paraphrases, and document-level injections.

* MRPC + ETPC: for every non-sense-preserving ETPC relation, is there a finding of the
  matching type at medium or high severity on that pair? Named-entity substitutions
  are split by what changed (a figure, a date, a name).
* STS-B news pairs scored >= 4.6 (they mean the same): share of pairs with any medium
  or high finding (target <= 10%), and which types fire.
* SICK: contradiction precision and recall (medium/high contradiction findings vs the
  CONTRADICTION label).
* Injection: l2r news originals vs their LLM rewrites, with one known change injected
  into the rewrite (a number, a date, a named entity, a negation). Found = a finding
  of the matching type at medium or high severity whose B evidence covers the
  injected place. The same pairs without injection give the background rate.

    python bench/drift_eval.py [--data DIR] [--limit N]
"""

from __future__ import annotations

import json
import random
import re
import time
from collections import Counter, defaultdict

from common import data_dir, parser, prf, read_jsonl, table

from unspun.drift.quantities import dates, quantities
from unspun.errors import InputError
from unspun.pipeline import CompareOptions, Comparer

SERIOUS = {"high", "medium"}
_DATE_WORDS = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\b|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\b(19|20)\d\d\b", re.I)


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


EXPECTED = {
    "NE substitution: number": {"number_changed", "unsupported_addition"},
    "NE substitution: date": {"date_changed", "number_changed"},
    "NE substitution: name": {"entity_changed", "entity_added", "entity_removed"},
    "negation switching": {"contradiction"},
    "opposite polarity": {"contradiction"},
    "addition/deletion": {"unsupported_addition", "entity_added", "entity_removed", "number_changed", "date_changed"},
}


def safe_compare(comparer, a, b):  # noqa: ANN001, ANN201
    try:
        return comparer.compare(a, b)
    except InputError:
        return None


def etpc(comparer, data) -> list[list]:  # noqa: ANN001
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in read_jsonl(data / "mrpc_etpc" / "pairs.jsonl.gz"):
        cats = {c for c in (etpc_category(rel) for rel in r["etpc_relations"]) if c}
        if not cats:
            continue
        res = safe_compare(comparer, r["sentence1"], r["sentence2"])
        types = {f.type for f in res.findings if f.severity in SERIOUS} if res else set()
        for c in cats:
            hits[c][1] += 1
            hits[c][0] += bool(types & EXPECTED[c])
    return [[c, n, found / n if n else 0.0] for c, (found, n) in sorted(hits.items())]


def stsb(comparer, data) -> tuple[list[list], float, int]:  # noqa: ANN001
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


def sick(comparer, data, limit: int | None) -> tuple[float, float, float, int]:  # noqa: ANN001
    rows = list(read_jsonl(data / "sick_nli" / "pairs.jsonl.gz"))
    if limit:
        rows = rows[:limit]
    tp = fp = fn = 0
    for r in rows:
        res = safe_compare(comparer, r["sentence_a"], r["sentence_b"])
        pred = bool(res and any(f.type == "contradiction" and f.severity in SERIOUS for f in res.findings))
        gold = r["label"] == "CONTRADICTION"
        tp += pred and gold
        fp += pred and not gold
        fn += gold and not pred
    p, rc, f = prf(tp, fp, fn)
    return p, rc, f, len(rows)


# --- injection -----------------------------------------------------------------------------

_NAMES = ["Margaret Hollis", "Tobias Renner", "Anika Sørensen", "Victor Okafor", "Lucia Brandt", "Peru", "Norway",
          "Kenya", "the World Bank", "Siemens"]
_MONTHS = ["January", "February", "March", "April", "June", "July", "August", "September", "October", "November", "December"]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def inject(rewrite: str, original: str, kind: str, rng: random.Random, tagger) -> tuple[str, tuple[int, int], str] | None:  # noqa: ANN001
    """Return (new rewrite, span of the injected text in it, injected value) or None if impossible."""
    if kind == "number":
        qs = [q for q in quantities(rewrite) if q.unit != "score" and re.search(r"\d", q.text)]
        if not qs:
            return None
        q = rng.choice(qs)
        m = re.search(r"\d+(?:[.,]\d+)*", q.text)
        old = m.group(0)
        digits = old.replace(",", "")
        try:
            val = float(digits)
        except ValueError:
            return None
        new_val = val * rng.choice([2, 3]) + rng.choice([1, 3, 7])
        new = f"{new_val:.{len(digits.split('.')[1]) if '.' in digits else 0}f}"
        start = q.start + m.start()
        return rewrite[:start] + new + rewrite[start + len(old):], (start, start + len(new)), new
    if kind == "date":
        ds = dates(rewrite)
        if not ds:
            return None
        d = rng.choice(ds)
        if d.weekday:
            new = rng.choice([w for w in _WEEKDAYS if w.lower() != d.weekday])
            old = re.search(r"\b[A-Z][a-z]+day\b", d.text).group(0)
        elif d.month:
            mm = re.search(r"\b(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b", d.text)
            if not mm:
                return None
            old = mm.group(0)
            new = rng.choice([m for m in _MONTHS if not m.startswith(old[:3])])
        elif d.year:
            old = str(d.year)
            new = str(d.year + rng.choice([-3, -2, 2, 3]))
        else:
            return None
        i = d.start + d.text.index(old)
        return rewrite[:i] + new + rewrite[i + len(old):], (i, i + len(new)), new
    if kind == "entity":
        ents = [e for e in tagger.tag([rewrite])[0] if e.label in ("PERSON", "GPE", "ORG")]
        if not ents:
            return None
        e = rng.choice(ents)
        new = rng.choice([n for n in _NAMES if n.lower() not in original.lower()])
        return rewrite[:e.start] + new + rewrite[e.end:], (e.start, e.start + len(new)), new
    if kind == "negation":
        cands = list(re.finditer(r"\b(is|was|are|were|will|has|have|had|can|could|would|did|does)\b(?! not\b)", rewrite))
        if not cands:
            return None
        m = rng.choice(cands)
        new = m.group(0) + " not"
        return rewrite[:m.start()] + new + rewrite[m.end():], (m.start(), m.start() + len(new)), "not"
    raise ValueError(kind)


EXPECT_INJECT = {
    "number": {"number_changed", "unsupported_addition"},
    "date": {"date_changed"},
    "entity": {"entity_changed", "entity_added"},
    "negation": {"contradiction"},
}


def injection(comparer, data, limit: int, tagger) -> tuple[list[list], float]:  # noqa: ANN001
    rows = [r for r in read_jsonl(data / "l2r_llm_rewrites" / "pairs.jsonl.gz") if r["domain"] == "NewsArticle"]
    rng = random.Random(5)
    rng.shuffle(rows)
    rows = rows[:limit]
    results: dict[str, list[int]] = {k: [0, 0] for k in EXPECT_INJECT}
    by_model: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    background = []
    for r in rows:
        clean = comparer.compare(r["original"], r["rewrite"])
        background.append(sum(f.severity in SERIOUS for f in clean.findings))
        for kind in EXPECT_INJECT:
            inj = inject(r["rewrite"], r["original"], kind, rng, tagger)
            if inj is None:
                continue
            text, (s, e), value = inj
            res = comparer.compare(r["original"], text)
            # Map the injected span into the extracted text (extraction may shift offsets).
            pos = res.b.text.find(text[max(0, s - 20): e + 20][:40])
            lo = (pos + min(20, s)) if pos >= 0 else None
            ok = False
            for f in res.findings:
                if f.type not in EXPECT_INJECT[kind] or f.severity not in SERIOUS:
                    continue
                span = f.new_span or f.b_span
                if lo is not None and span and span[0] <= lo + (e - s) and span[1] >= lo:
                    ok = True
                elif f.new and value.lower() in f.new.lower():
                    ok = True
            results[kind][0] += ok
            results[kind][1] += 1
            by_model[(kind, r["model"])][0] += ok
            by_model[(kind, r["model"])][1] += 1
    out = [[k, n, found / n if n else 0.0] for k, (found, n) in results.items()]
    for (k, model), (found, n) in sorted(by_model.items()):
        out.append([f"  {k} / {model}", n, found / n if n else 0.0])
    return out, sum(background) / max(1, len(background))


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--limit", type=int, default=200, help="l2r pairs for the injection check")
    p.add_argument("--sick-limit", type=int, default=None)
    args = p.parse_args()
    data = data_dir(args.data)
    comparer = Comparer(CompareOptions(embeddings="require"))
    from unspun.drift.entities import default_tagger

    result = {}
    t0 = time.time()
    rows = etpc(comparer, data)
    table("MRPC/ETPC: recall of non-sense-preserving changes (finding of matching type, medium/high)", ["change", "pairs", "recall"], rows)
    result["etpc_recall"] = {r[0]: r[2] for r in rows}
    rows, rate, n = stsb(comparer, data)
    table(f"STS-B news pairs scored >= 4.6 ({n} pairs): pairs with a medium/high finding = {rate:.3f} (target <= 0.10)",
          ["type", "pairs", "share"], rows)
    result["stsb_false_rate"] = rate
    p_, r_, f_, n = sick(comparer, data, args.sick_limit)
    table("SICK: contradiction (medium/high contradiction finding vs label)", ["pairs", "precision", "recall", "F1"], [[n, p_, r_, f_]])
    result["sick"] = {"precision": p_, "recall": r_, "f1": f_}
    rows, bg = injection(comparer, data, args.limit, default_tagger())
    table(f"Injected changes in l2r news rewrites (background: {bg:.2f} medium/high findings per clean pair)",
          ["injected", "pairs", "found"], rows)
    result["injection"] = {r[0]: r[2] for r in rows if not r[0].startswith(" ")}
    result["background_findings_per_pair"] = bg
    print(f"({time.time() - t0:.0f} s)")
    if args.json:
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
