"""Confidence and severity of a finding, from a calibration fitted on labelled data.

Every rule records its evidence (the similarity of the sentences, how they were paired,
whether the negated word itself is in the other version, whether two figures count
the same thing, ...). :func:`features` turns it into a small vector; a logistic model
per rule family (``numbers.changed``, ``contradiction.negation``, ...) turns that into
the probability that the finding is right. The coefficients are fitted by
``bench/drift_calibrate.py`` on findings whose truth is known — injected changes in
l2r rewrites (right), ETPC changes (right where the annotated type matches), STS-B
same-meaning pairs (wrong), SICK (right on CONTRADICTION, wrong on ENTAILMENT) — and
shipped in ``unspun/data/drift_calibration.json``.

Severity is the rule's own (what kind of change it is: a new hedge is low whatever
the evidence) capped by the confidence (and at medium for a family with no fitted model): ``high`` needs :data:`HIGH_MIN`, ``medium``
:data:`MEDIUM_MIN`. Both thresholds are in the calibration file, chosen there so that
out-of-fold, high findings are right at least 90% of the time.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import replace
from importlib import resources

from unspun.drift.view import Change

FEATURES = ("bias", "sim", "soft", "unpaired", "strong", "same_kind", "main")
SEVERITY_ORDER = ("low", "medium", "high")


def family(rule: str) -> str:
    """ "numbers.changed.v2" -> "numbers.changed"; "contradiction.antonym.v2:rose/fell" -> "contradiction.antonym"."""
    parts = rule.split(":")[0].split(".")
    return ".".join(p for p in parts if not (p.startswith("v") and p[1:].isdigit()))


def features(c: Change) -> list[float]:
    ev = c.evidence
    return [1.0, float(ev.get("sim", 0.5)), float(c.basis == "soft"), float(c.basis in ("added", "dropped")),
            float(bool(ev.get("strong"))), float(bool(ev.get("same_kind"))), float(bool(ev.get("main")))]


@functools.lru_cache(maxsize=1)
def model() -> dict:
    """The shipped calibration (empty when the file is missing: the prior below is used)."""
    try:
        text = resources.files("unspun").joinpath("data/drift_calibration.json").read_text()
    except (FileNotFoundError, ModuleNotFoundError, OSError):
        return {}
    return json.loads(text)


def probability(c: Change) -> float:
    """P(finding is right) from the fitted model of its rule family, else a prior on the similarity."""
    m = model()
    coef = m.get("families", {}).get(family(c.rule))
    x = features(c)
    if coef is None:
        sim = x[1]
        return min(0.95, 0.5 + 0.4 * sim) * (0.85 if c.basis == "soft" else 1.0)
    z = sum(w * v for w, v in zip(coef["w"], x))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def thresholds() -> tuple[float, float]:
    m = model()
    return float(m.get("high_min", HIGH_MIN)), float(m.get("medium_min", MEDIUM_MIN))


HIGH_MIN = 0.75
"""Default confidence a finding needs to be high (overridden by the calibration file)."""
MEDIUM_MIN = 0.35
"""Default confidence a finding needs to be medium (overridden by the calibration file)."""


UNMEASURED_CAN_BE_HIGH = frozenset({"anachronism"})
"""Families that may be high without a fitted calibration: an anachronism is a fact from a dated
table, not a judgement on two wordings."""


def calibrate(c: Change) -> Change:
    """Set ``confidence`` from the calibration (a rule that computed its own keeps it) and cap the
    rule's severity by it.

    High promises a measured precision of at least 0.9, so a family the calibration has no
    fitted model for (hedges and sources dropped, exception vs permission, pending vs done:
    no labelled right findings to fit on) is medium at most. On the labelled high findings
    of clean l2r rewrites (``bench/labels/drift_high.jsonl``) dropped hedges were right 3
    times in 7: B had mostly dropped the hedged clause, not stated it as fact."""
    p = c.confidence if c.confidence else probability(c)
    high_min, medium_min = thresholds()
    level = "high" if p >= high_min else "medium" if p >= medium_min else "low"
    if level == "high" and family(c.rule) not in model().get("families", {}) and c.type not in UNMEASURED_CAN_BE_HIGH:
        level = "medium"
    severity = min(c.severity, level, key=SEVERITY_ORDER.index)
    return replace(c, confidence=round(min(1.0, max(0.0, p)), 3), severity=severity)
