"""The JSON contract of ``unspun compare`` (version 1). Names here are stable; fields may be added."""

from __future__ import annotations

from typing import Any

from unspun.records import Comparison, Document, Finding, Link

JSON_VERSION = 1


def document_to_dict(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id,
        "title": doc.title,
        "text": doc.text,
        "sentences": [{"text": s.text, "start": s.start, "end": s.end} for s in doc.sentences],
        "removed": [{"text": r.text, "reason": r.reason} for r in doc.removed],
        "meta": {k: v for k, v in doc.meta.items() if v is not None},
    }


def link_to_dict(link: Link) -> dict[str, Any]:
    out: dict[str, Any] = {"a": list(link.a), "b": list(link.b), "kind": link.kind, "similarity": link.similarity}
    if link.semantic is not None:
        out["semantic"] = link.semantic
    out["lexical"] = link.lexical
    return out


def finding_to_dict(f: Finding) -> dict[str, Any]:
    return {
        "type": f.type,
        "severity": f.severity,
        "confidence": f.confidence,
        "a": list(f.a),
        "b": list(f.b),
        "a_text": f.a_text,
        "b_text": f.b_text,
        "a_span": list(f.a_span) if f.a_span else None,
        "b_span": list(f.b_span) if f.b_span else None,
        "old": f.old,
        "new": f.new,
        "old_span": list(f.old_span) if f.old_span else None,
        "new_span": list(f.new_span) if f.new_span else None,
        "explanation": f.explanation,
        "rule": f.rule,
        "basis": f.basis,
    }


def comparison_to_dict(c: Comparison) -> dict[str, Any]:
    s = c.scores
    return {
        "version": JSON_VERSION,
        "documents": [document_to_dict(c.a), document_to_dict(c.b)],
        "links": [link_to_dict(link) for link in c.links],
        "unmatched": {"a": list(c.unmatched_a), "b": list(c.unmatched_b)},
        "scores": {
            "a_coverage": s.a_coverage,
            "b_coverage": s.b_coverage,
            "same_story": s.same_story,
            "is_same_story": s.is_same_story,
            "same_story_threshold": s.threshold,
            "document_similarity": s.document_similarity,
            "evidence": dict(s.evidence),
        },
        "findings": [finding_to_dict(f) for f in c.findings],
        "algorithms": dict(c.algorithms),
        "warnings": list(c.warnings),
        "timings_ms": dict(c.timings),
    }
