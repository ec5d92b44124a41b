"""Optional NLI cross-encoder plug-in (``--nli-model PATH``): a local folder, never a download.

unspun's own contradiction rules are lexical; a user with a 3-way NLI cross-encoder on
disk (a sentence-transformers CrossEncoder folder whose labels include
"contradiction") can add its judgement. Each aligned link is scored in both
directions; a contradiction probability above the threshold becomes a finding with
rule ``nli``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

from unspun.errors import InputError, MissingExtra

_MODELS: dict[str, "NliScorer"] = {}


class NliScorer:
    def __init__(self, path: str) -> None:
        p = Path(path)
        if not p.is_dir() or not (p / "config.json").exists():
            raise InputError(path, "is not a model folder (expected config.json and weights)")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import CrossEncoder
        except ImportError:
            raise MissingExtra("the NLI plug-in", "build", "sentence-transformers and torch") from None
        self.model = CrossEncoder(str(p), device="cpu", local_files_only=True)
        id2label = {int(k): v.lower() for k, v in self.model.model.config.id2label.items()}
        hits = [k for k, v in id2label.items() if "contradict" in v]
        if not hits:
            raise InputError(path, f"the model has no 'contradiction' label (labels: {sorted(id2label.values())})")
        self.index = hits[0]
        self.name = f"nli:{p.name}"

    def contradiction(self, pairs: list[tuple[str, str]]) -> list[float]:
        import numpy as np

        if not pairs:
            return []
        logits = np.asarray(self.model.predict(pairs, apply_softmax=False, convert_to_numpy=True), dtype=float)
        logits = logits - logits.max(axis=1, keepdims=True)
        probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        return [float(p[self.index]) for p in probs]


def scorer(path: str) -> NliScorer:
    if path not in _MODELS:
        _MODELS[path] = NliScorer(path)
    return _MODELS[path]


def nli_findings(doc_a, doc_b, alignment, options) -> Iterator:  # noqa: ANN001
    from unspun.drift.view import Change

    s = scorer(options.nli_model)
    links = [lk for lk in alignment.links if lk.similarity >= 0.45]
    texts = [(" ".join(doc_a.sentences[i].text for i in lk.a), " ".join(doc_b.sentences[j].text for j in lk.b)) for lk in links]
    forward = s.contradiction(texts)
    backward = s.contradiction([(b, a) for a, b in texts])
    for lk, f, bk in zip(links, forward, backward):
        p = max(f, bk)
        if p >= options.nli_threshold:
            yield Change("contradiction", "high" if p >= 0.9 else "medium", round(p, 3),
                         f"The NLI model ({s.name}) judges these sentences contradictory (p={p:.2f}).", "nli.v1",
                         a=lk.a, b=lk.b, basis="linked")
