"""Same-story detection: correlation with human ratings, accuracy on LLM rewrites.

* SemEval-2022 Task 8 (151 en-en pairs): Pearson and Spearman of ``same_story`` with
  the human ``overall`` rating (1 = very similar ... 4 = very dissimilar, so a good
  score correlates negatively), next to the MiniLM mean-of-sentences cosine baseline.
  ``--fit`` refits the logistic weights on these pairs and reports the 5-fold
  cross-validated correlation (out-of-fold predictions), which is the honest figure.
* l2r_llm_rewrites news pairs (positives) against mismatched pairs (negatives):
  random different-article pairs, and SemEval pairs rated 3-4 (same topic or
  region, different story). Accuracy at the documented threshold.

    python bench/same_story_eval.py [--data DIR] [--fit]
"""

from __future__ import annotations

import json
import random

import numpy as np
from common import data_dir, parser, read_jsonl, table

from unspun.align import scores as S
from unspun.errors import InputError
from unspun.extract import ExtractOptions
from unspun.extract.boilerplate import BoilerplateOptions
from unspun.pipeline import CompareOptions, Comparer



def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.01, steps: int = 4000, lr: float = 0.5) -> np.ndarray:
    """Logistic regression on soft targets in [0, 1] (cross-entropy, gradient descent, L2)."""
    xb = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xb.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(xb @ w)))
        grad = xb.T @ (p - y) / len(y) + l2 * np.r_[0, w[1:]]
        w -= lr * grad
    return w


def predict(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(np.hstack([np.ones((len(x), 1)), x]) @ w)))


def pearson(a, b) -> float:
    return float(np.corrcoef(a, b)[0, 1])


def spearman(a, b) -> float:
    from scipy.stats import spearmanr

    return float(spearmanr(a, b).statistic)


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--fit", action="store_true", help="refit the weights and print them with 5-fold CV figures")
    p.add_argument("--lexical", action="store_true", help="without embeddings (the fallback path)")
    p.add_argument("--features", default="lead_cosine,coverage_max", help="features to fit (comma-separated; the shipped model uses the default)")
    p.add_argument("--neg", type=int, default=300, help="random mismatched l2r pairs")
    args = p.parse_args()
    data = data_dir(args.data)
    features = args.features.split(",")
    mode = "off" if args.lexical else "require"
    comparer = Comparer(CompareOptions(findings=False, embeddings=mode))
    raw_comparer = Comparer(CompareOptions(findings=False, embeddings=mode, extract=ExtractOptions(boilerplate=BoilerplateOptions(enabled=False))))

    def compare(a: str, b: str):
        try:
            return comparer.compare(a, b)
        except InputError:  # a scraped cookie banner with no article: compare what is there
            return raw_comparer.compare(a, b)

    sem = list(read_jsonl(data / "semeval2022_task8_news_similarity" / "pairs.jsonl.gz"))
    feats, ratings, score, base = [], [], [], []
    for r in sem:
        c = compare(r["text1"], r["text2"])
        feats.append([c.scores.evidence[k] for k in features])
        ratings.append(r["overall"])
        score.append(c.scores.same_story)
        base.append(c.scores.evidence["doc_cosine"])
    x, ratings_a = np.array(feats), np.array(ratings)
    soft = (4.0 - ratings_a) / 3.0
    rows = [
        ["MiniLM mean-of-sentences cosine (baseline)", len(sem), pearson(base, ratings_a), spearman(base, ratings_a)],
        ["unspun same_story (shipped weights)", len(sem), pearson(score, ratings_a), spearman(score, ratings_a)],
    ]
    result = {"semeval": {"baseline_pearson": rows[0][2], "pearson": rows[1][2], "spearman": rows[1][3]}}
    if args.fit:
        rng = np.random.default_rng(0)
        oof = np.zeros(len(sem))
        for rep in range(5):  # 5 shuffles x 5 folds; averaged out-of-fold predictions
            folds = np.array_split(rng.permutation(len(sem)), 5)
            for k in range(5):
                test = folds[k]
                train = np.setdiff1d(np.arange(len(sem)), test)
                w = fit_logistic(x[train], soft[train])
                oof[test] += predict(w, x[test]) / 5
        rows.append(["refit, 5-fold cross-validated (out-of-fold)", len(sem), pearson(oof, ratings_a), spearman(oof, ratings_a)])
        w = fit_logistic(x, soft)
        print("fitted weights:", json.dumps({"intercept": round(float(w[0]), 3), **{f: round(float(v), 3) for f, v in zip(features, w[1:])}}))
        result["semeval"]["cv_pearson"] = rows[-1][2]
        result["semeval"]["cv_spearman"] = rows[-1][3]
    table("SemEval-2022 Task 8: correlation with human 'overall' (lower = more similar)", ["score", "pairs", "Pearson r", "Spearman rho"], rows)

    l2r = [r for r in read_jsonl(data / "l2r_llm_rewrites" / "pairs.jsonl.gz") if r["domain"] == "NewsArticle"]
    rng2 = random.Random(11)
    pos_by_model: dict[str, list[float]] = {}
    for r in l2r:
        pos_by_model.setdefault(r["model"], []).append(compare(r["original"], r["rewrite"]).scores.same_story)
    neg_random = []
    for _ in range(args.neg):
        r1, r2 = rng2.sample(l2r, 2)
        if r1["source_id"] != r2["source_id"]:
            neg_random.append(compare(r1["original"], r2["rewrite"]).scores.same_story)
    neg_topic = [score[k] for k, r in enumerate(sem) if r["overall"] >= 3.0]
    pos_semeval = [score[k] for k, r in enumerate(sem) if r["overall"] <= 1.5]
    t = S.SAME_STORY_THRESHOLD
    acc_rows = []
    for model, vals in sorted(pos_by_model.items()):
        acc_rows.append([f"l2r rewrite ({model})", "same", len(vals), float(np.mean(np.array(vals) >= t))])
    allpos = [v for vals in pos_by_model.values() for v in vals]
    acc_rows.append(["l2r mismatched articles", "different", len(neg_random), float(np.mean(np.array(neg_random) < t))])
    acc_rows.append(["SemEval rated 3-4 (same topic, other story)", "different", len(neg_topic), float(np.mean(np.array(neg_topic) < t))])
    acc_rows.append(["SemEval rated <= 1.5", "same", len(pos_semeval), float(np.mean(np.array(pos_semeval) >= t))])
    balanced = (np.mean(np.array(allpos) >= t) + np.mean(np.array(neg_random + neg_topic) < t)) / 2
    acc_rows.append(["balanced accuracy, l2r rewrites vs all negatives", "", len(allpos) + len(neg_random) + len(neg_topic), float(balanced)])
    table(f"Same-story decisions at threshold {t}", ["pairs", "truth", "n", "accuracy"], acc_rows)
    sweep = []
    for th in np.arange(0.3, 0.76, 0.05):
        tpr = float(np.mean(np.array(allpos) >= th))
        tnr_r = float(np.mean(np.array(neg_random) < th))
        tnr_t = float(np.mean(np.array(neg_topic) < th))
        sweep.append([round(float(th), 2), tpr, tnr_r, tnr_t, (tpr + (tnr_r + tnr_t) / 2) / 2])
    table("Threshold sweep (l2r rewrites vs negatives)", ["threshold", "rewrites found", "random rejected", "same-topic rejected", "balanced"], sweep)
    result["decisions"] = {r[0]: r[3] for r in acc_rows}
    if args.json:
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
