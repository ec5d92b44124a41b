"""Stage 7, drift: typed findings on aligned links, each with evidence from both versions.

For every link the rules in :mod:`unspun.drift.rules` compare the A sentences with
the B sentences: numbers and dates (normalised), named entities (with aliases),
hedges, attribution, and contradictions (negation, antonyms, exception vs permission,
pending vs done). Sentences B adds with no counterpart become ``unsupported_addition``
(medium when they carry names, figures, dates or quotes; low for filler).

Each finding carries ``a_text``/``b_text`` (the linked sentences, exactly
``document.text[span]``), the old/new values and their spans, the rule name and an
explanation. :func:`rederive` re-runs a finding's rule on that evidence alone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from unspun.drift import rules as R
from unspun.drift.entities import Entity, EntityTagger, candidate_names, default_tagger, normalize
from unspun.records import SEVERITY_RANK, Document, Finding, most_serious_first

__all__ = ["ALGORITHM", "DriftOptions", "run", "rederive", "TYPES"]

ALGORITHM = "unspun.drift.v1"
TYPES = (
    "contradiction", "number_changed", "date_changed", "entity_added", "entity_removed", "entity_changed",
    "certainty_changed", "attribution_changed", "unsupported_addition",
)


@dataclass(frozen=True)
class DriftOptions:
    """``entities``: run NER-based entity findings; ``nli_model``: a local cross-encoder folder (optional);
    ``soft_links``: test an unaligned sentence of B against its closest sentence of A (similarity
    >= ``soft_link_min``) for negation and antonym flips."""

    entities: bool = True
    nli_model: str | None = None
    nli_threshold: float = 0.8
    soft_links: bool = True
    soft_link_min: float = 0.4


def _side(doc: Document, idx: tuple[int, ...]) -> R.Side:
    return R.Side(tuple(doc.sentences[i].text for i in idx), tuple(doc.sentences[i].start for i in idx), doc.text)


def _needs_ner(sentence: str, other_text_lower: str) -> bool:
    """Only a sentence with a capitalised word the other version lacks can yield an entity finding."""
    for name, _, _ in candidate_names(sentence):
        for part in (name.lower(), name.split()[-1].lower()):
            if part.rstrip("'’s") not in other_text_lower:
                return True
    return False


def _entities(doc: Document, other: Document, tagger: EntityTagger | None) -> tuple[dict[int, list[Entity]], set[str]]:
    """Entities per sentence index (only where needed) and the document's set of known names."""
    other_lower = other.text.lower().replace("’", "'")
    need = [s.index for s in doc.sentences if _needs_ner(s.text, other_lower)]
    per: dict[int, list[Entity]] = {}
    if tagger is not None and need:
        for i, ents in zip(need, tagger.tag([doc.sentences[i].text for i in need])):
            per[i] = ents
    keys = {normalize(n) for s in doc.sentences for n, _, _ in candidate_names(s.text)}
    keys |= {e.key for ents in per.values() for e in ents}
    return per, keys


def run(doc_a: Document, doc_b: Document, alignment, options: DriftOptions | None = None,  # noqa: ANN001
        tagger: EntityTagger | None = None) -> tuple[tuple[Finding, ...], str, tuple[str, ...]]:
    """Findings for an alignment of ``doc_a`` and ``doc_b``; returns (findings, algorithm, warnings)."""
    opts = options or DriftOptions()
    warnings: list[str] = []
    tagger = (tagger or default_tagger()) if opts.entities else None
    ents_a, keys_a = _entities(doc_a, doc_b, tagger)
    ents_b, keys_b = _entities(doc_b, doc_a, tagger)
    if tagger is not None and tagger.warning:
        warnings.append(tagger.warning)

    found: list[tuple[Finding, R.Change]] = []
    for link in alignment.links:
        a, b = _side(doc_a, link.a), _side(doc_b, link.b)
        sim = link.similarity
        changes = (
            R.numbers(a, b, sim) + R.date_changes(a, b, sim) + R.certainty(a, b, sim) + R.attribution(a, b, sim)
            + R.negation(a, b, sim) + R.antonyms(a, b, sim) + R.pending_done(a, b, sim) + R.exception_permission(a, b, sim)
        )
        if tagger is not None:
            ea = [(e, doc_a.sentences[i].start) for i in link.a for e in ents_a.get(i, [])]
            eb = [(e, doc_b.sentences[j].start) for j in link.b for e in ents_b.get(j, [])]
            changes += R.entity_changes(a, b, ea, eb, keys_a, keys_b, sim, aligned=True)
        found.extend((_finding(doc_a, doc_b, link.a, link.b, c), c) for c in changes)

    # Claims about the same thing in sentences the aligner did not pair (reordered, split).
    linked_pairs = {(i, j) for link in alignment.links for i in link.a for j in link.b}
    for sa in doc_a.sentences:
        if not R.L.EXCLUDE_RE.search(sa.text) and not R.L.PERMIT_RE.search(sa.text):
            continue
        for sb in doc_b.sentences:
            if (sa.index, sb.index) in linked_pairs:
                continue
            for c in R.exception_permission(_side(doc_a, (sa.index,)), _side(doc_b, (sb.index,)), 0.5):
                found.append((_finding(doc_a, doc_b, (sa.index,), (sb.index,), c), c))

    sim = alignment.similarity
    # Heavy rewrites leave sentences unaligned that still restate one sentence of A: test the
    # closest one for flipped claims (medium at most: the pairing is a guess).
    if opts.soft_links and sim.size:
        for j in alignment.unmatched_b:
            i = int(sim[:, j].argmax())
            if float(sim[i, j]) < opts.soft_link_min:
                continue
            a, b = _side(doc_a, (i,)), _side(doc_b, (j,))
            for c in R.negation(a, b, float(sim[i, j])) + R.antonyms(a, b, float(sim[i, j])):
                c = replace(c, severity="medium", confidence=round(c.confidence * 0.8, 2), rule=c.rule + "+soft")
                found.append((_finding(doc_a, doc_b, (i,), (j,), c), c))
    for j in alignment.unmatched_b:
        b = _side(doc_b, (j,))
        best = float(sim[:, j].max()) if sim.size else 0.0
        names = ents_b.get(j, [])
        for c in R.addition(b, names, best):
            found.append((_finding(doc_a, doc_b, (), (j,), c), c))
        if tagger is not None and names:
            for c in R.entity_changes(R.Side((), (), doc_a.text), b, [], [(e, doc_b.sentences[j].start) for e in names],
                                      keys_a, keys_b, 0.0, aligned=False):
                found.append((_finding(doc_a, doc_b, (), (j,), c), c))
    for i in alignment.unmatched_a:
        names = ents_a.get(i, [])
        if tagger is not None and names:
            a = _side(doc_a, (i,))
            for c in R.entity_changes(a, R.Side((), (), doc_b.text), [(e, doc_a.sentences[i].start) for e in names], [],
                                      keys_a, keys_b, 0.0, aligned=False):
                found.append((_finding(doc_a, doc_b, (i,), (), c), c))

    if opts.nli_model:
        from unspun.drift.nli import nli_findings

        found.extend((_finding(doc_a, doc_b, lk.a, lk.b, c), c) for lk, c in nli_findings(doc_a, doc_b, alignment, opts))

    return _dedupe([f for f, _ in found]), ALGORITHM, tuple(warnings)


def _finding(doc_a: Document, doc_b: Document, a: tuple[int, ...], b: tuple[int, ...], c: R.Change) -> Finding:
    a_span = doc_a.span(a)
    b_span = doc_b.span(b)
    return Finding(
        type=c.type,
        severity=c.severity,  # type: ignore[arg-type]
        confidence=min(1.0, max(0.0, c.confidence)),
        a=tuple(a),
        b=tuple(b),
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
    )


def _dedupe(findings: list[Finding]) -> tuple[Finding, ...]:
    """One finding per (type, old, new, place); the same entity added twice is reported once."""
    best: dict[tuple, Finding] = {}
    for f in findings:
        key = (f.type, (f.old or "").lower(), (f.new or "").lower()) if f.type.startswith("entity_") else (f.type, f.rule, f.old, f.new, f.a, f.b)
        cur = best.get(key)
        if cur is None or most_serious_first(f.severity, f.confidence) < most_serious_first(cur.severity, cur.confidence):
            best[key] = f
    return tuple(sorted(best.values(), key=lambda f: (f.a[0] if f.a else 1e9, f.b[0] if f.b else 1e9, SEVERITY_RANK[f.severity])))


def rederive(finding: Finding, doc_a: Document, doc_b: Document, tagger: EntityTagger | None = None) -> list[R.Change]:
    """Re-run the finding's rule on its stored evidence (its sentences) and return what the rule finds.

    Used by tests and by users who want to check a finding: the evidence alone must
    reproduce it.
    """
    a, b = _side(doc_a, finding.a), _side(doc_b, finding.b)
    rule = finding.rule.split(".")[0]
    sim = 0.5
    if rule == "numbers":
        return R.numbers(a, b, sim)
    if rule == "dates":
        return R.date_changes(a, b, sim)
    if rule == "certainty":
        return R.certainty(a, b, sim)
    if rule == "attribution":
        return R.attribution(a, b, sim)
    if rule == "addition":
        ents = (tagger or default_tagger()).tag([b.text])[0] if finding.b else []
        return R.addition(b, ents, 0.0)
    if rule == "contradiction":
        kind = finding.rule.split(".")[1]
        fn = {"negation": R.negation, "antonym": R.antonyms, "exception": R.exception_permission, "pending_done": R.pending_done}[kind]
        return fn(a, b, sim)
    if rule == "entities":
        t = tagger or default_tagger()
        ea = [(e, s) for text, s in a.each() for e in t.tag([text])[0]]
        eb = [(e, s) for text, s in b.each() for e in t.tag([text])[0]]
        keys_a = {normalize(n) for s in doc_a.sentences for n, _, _ in candidate_names(s.text)}
        keys_b = {normalize(n) for s in doc_b.sentences for n, _, _ in candidate_names(s.text)}
        return R.entity_changes(a, b, ea, eb, keys_a, keys_b, sim, aligned=bool(finding.a and finding.b))
    if rule == "nli":
        return []
    raise ValueError(f"unknown rule {finding.rule!r}")
