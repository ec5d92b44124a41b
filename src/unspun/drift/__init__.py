"""Stage 7, drift: typed findings on what B changed relative to A, each with evidence from both versions.

Every sentence of B is judged: a linked sentence against its link, a sentence the
aligner left unpaired against its closest sentence of A (a *soft* counterpart, see
:mod:`unspun.drift.view`), figures, dates and names over the whole pair. The rules
live in one table (:data:`unspun.drift.table.RULES`) with one signature; ``run`` and
:func:`rederive` read the same table.

Each finding carries ``a_text``/``b_text`` (the sentences, exactly
``document.text[span]``), the old/new values and their spans, the rule name, how the
sentences were paired (``basis``) and an explanation for a journalist.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from unspun.drift.calibration import calibrate
from unspun.drift.entities import EntityTagger, default_tagger
from unspun.drift.table import RULES, rule_of
from unspun.drift.view import SOFT_MIN, Change, Claim, PairView
from unspun.records import SEVERITY_RANK, Document, Finding, most_serious_first
from unspun.represent.text import content_terms

__all__ = ["ALGORITHM", "DriftOptions", "run", "rederive", "TYPES", "RULES"]

ALGORITHM = "unspun.drift.v2"
TYPES = (
    "contradiction", "number_changed", "date_changed", "entity_added", "entity_removed", "entity_changed",
    "certainty_changed", "attribution_changed", "unsupported_addition", "anachronism",
)


@dataclass(frozen=True)
class DriftOptions:
    """``entities``: run NER-based entity findings; ``nli_model``: a local cross-encoder folder (optional);
    ``soft_links``: judge a sentence of B the aligner left unpaired against its closest sentence of A
    when their similarity is at least ``soft_link_min``."""

    entities: bool = True
    nli_model: str | None = None
    nli_threshold: float = 0.8
    soft_links: bool = True
    soft_link_min: float = SOFT_MIN


def claims_of(alignment, options: DriftOptions) -> list[Claim]:  # noqa: ANN001
    """The sentence pairs to judge: links, a soft counterpart for each unpaired sentence of B, and the rest."""
    claims = [Claim(link.a, link.b, link.similarity, "linked") for link in alignment.links]
    sim = alignment.similarity
    for j in alignment.unmatched_b:
        if options.soft_links and sim.size:
            i = int(sim[:, j].argmax())
            if float(sim[i, j]) >= options.soft_link_min:
                claims.append(Claim((i,), (j,), float(sim[i, j]), "soft"))
                continue
        claims.append(Claim((), (j,), float(sim[:, j].max()) if sim.size else 0.0, "added"))
    claims += [Claim((i,), (), 0.0, "dropped") for i in alignment.unmatched_a]
    return claims


def run(doc_a: Document, doc_b: Document, alignment, options: DriftOptions | None = None,  # noqa: ANN001
        tagger: EntityTagger | None = None) -> tuple[tuple[Finding, ...], str, tuple[str, ...]]:
    """Findings for an alignment of ``doc_a`` and ``doc_b``; returns (findings, algorithm, warnings)."""
    opts = options or DriftOptions()
    warnings: list[str] = []
    tagger = (tagger or default_tagger()) if opts.entities else None
    view = PairView(doc_a, doc_b, claims_of(alignment, opts), alignment.similarity, tagger)
    changes: list[Change] = []
    for rule in RULES.values():
        changes.extend(rule.run(view))
    warnings.extend(view.warnings)
    if tagger is not None and tagger.warning:
        warnings.append(tagger.warning)
    if opts.nli_model:
        from unspun.drift.nli import nli_findings

        changes.extend(nli_findings(doc_a, doc_b, alignment, opts))
    return _dedupe([_finding(doc_a, doc_b, calibrate(_gate_high(view, c))) for c in changes]), ALGORITHM, tuple(warnings)


HIGH_OVERLAP = 0.5
"""Share of content words (of the shorter side) the two sentences of a high finding must have in
common, apart from the change itself: a high finding says "this sentence says the same as
A's but for X". Set on the labelled high findings of clean l2r rewrites
(bench/labels/drift_high.jsonl): below it, most were two differently worded claims."""


def _gate_high(view: PairView, c: Change) -> Change:
    """High only where the rest of the claim is worded alike (anachronisms are judged on their own)."""
    if c.severity != "high" or c.type == "anachronism" or not c.a or not c.b:
        return c
    ta = set(content_terms(view.side("a", tuple(c.a)).text))
    tb = set(content_terms(view.side("b", tuple(c.b)).text))
    changed = set(content_terms(" ".join(x for x in (c.old, c.new) if x)))
    ta, tb = ta - changed, tb - changed
    if not ta or not tb or len(ta & tb) / min(len(ta), len(tb)) < HIGH_OVERLAP:
        return replace(c, severity="medium", evidence={**c.evidence, "reworded": True})
    return c


def _finding(doc_a: Document, doc_b: Document, c: Change) -> Finding:
    a, b = tuple(c.a or ()), tuple(c.b or ())
    a_span, b_span = doc_a.span(a), doc_b.span(b)
    return Finding(
        type=c.type,
        severity=c.severity,  # type: ignore[arg-type]
        confidence=min(1.0, max(0.0, c.confidence)),
        a=a,
        b=b,
        a_text=doc_a.text[a_span[0]: a_span[1]] if a_span else "",
        b_text=doc_b.text[b_span[0]: b_span[1]] if b_span else "",
        a_span=a_span,
        b_span=b_span,
        explanation=c.explanation,
        old=c.old,
        new=c.new,
        rule=c.rule,
        old_span=c.old_span,
        new_span=c.new_span,
        basis=c.basis,
    )


def _dedupe(findings: list[Finding]) -> tuple[Finding, ...]:
    """One finding per change: the same name added twice is reported once; a sentence of B whose
    change was found on its soft counterpart is not also reported as an addition."""
    best: dict[tuple, Finding] = {}
    explained_b = {j for f in findings if f.basis == "soft" and f.type != "unsupported_addition" for j in f.b}
    for f in findings:
        if f.rule.startswith("addition.") and set(f.b) & explained_b:
            continue
        if f.type.startswith("entity_"):
            key = (f.type, (f.old or "").lower(), (f.new or "").lower())
        else:
            key = (f.type, f.rule, f.old, f.new, f.old_span, f.new_span, f.a if not f.new_span else (), f.b if not f.new_span else ())
        cur = best.get(key)
        if cur is None or most_serious_first(f.severity, f.confidence) < most_serious_first(cur.severity, cur.confidence):
            best[key] = f
    return tuple(sorted(best.values(), key=lambda f: (f.a[0] if f.a else 1e9, f.b[0] if f.b else 1e9, SEVERITY_RANK[f.severity])))


def rederive(finding: Finding, doc_a: Document, doc_b: Document, tagger: EntityTagger | None = None) -> list[Change]:
    """Re-run the finding's rule on its stored evidence (its sentences) and return what the rule finds.

    Used by tests and by users who want to check a finding: the evidence alone must
    reproduce it. The rule comes from the same table :func:`run` uses.
    """
    rule = rule_of(finding.rule)
    if rule.name == "nli":
        return []
    basis = finding.basis or ("linked" if finding.a and finding.b else "added" if finding.b else "dropped")
    view = PairView(doc_a, doc_b, [Claim(finding.a, finding.b, 0.5, basis)], None, tagger or default_tagger(), restricted=True)
    return rule.run(view)
