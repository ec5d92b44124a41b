"""The JSON contracts (version 1): ``unspun compare`` and the story views. Names here are stable;
fields may be added. This module alone turns records into JSON; records never import it."""

from __future__ import annotations

from typing import Any

from unspun.records import Comparison, Document, Edge, Finding, Link, Match, Story, most_serious_first

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


def edge_to_dict(e: Edge) -> dict[str, Any]:
    """A provenance edge: ``from`` is the parent (closer to the origin), ``to`` the version derived
    from it; ``direction`` is "known" when the pair's own evidence says so, else "unknown"."""
    return {"from": e.source, "to": e.target, "kind": e.kind, "direction": "known" if e.directed else "unknown",
            "reason": e.reason, "evidence": dict(e.evidence)}


def _relation(e: Edge) -> dict[str, Any]:
    """An edge as the ``stories`` listing shows it: the edge contract without its evidence, plus same_story."""
    d = edge_to_dict(e)
    return {k: d[k] for k in ("from", "to", "kind", "direction")} | {"same_story": e.evidence.get("same_story")}


def member_to_dict(m: dict[str, Any]) -> dict[str, Any]:
    return {"id": m["id"], "title": m.get("title"), "source": m.get("source"), "published": m.get("published"),
            "url": m.get("url")}


def story_to_dict(story: Story, meta: dict[str, dict[str, Any]],
                  findings: dict[tuple[str, str], list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """The ``story`` contract: members once each, one origin (or null with the reason), the tree's
    edges (each with the findings of ``to`` against ``from`` when computed), cross-links, related stories."""
    edges = []
    for e in story.edges:
        d = edge_to_dict(e)
        if findings is not None:
            d["findings"] = findings.get((e.source, e.target), [])
        edges.append(d)
    return {
        "id": story.id,
        "members": [member_to_dict(meta[m]) for m in story.members],
        "origin": story.origin,
        "origin_reason": story.origin_reason,
        "root": story.root,
        "edges": edges,
        "cross_links": [edge_to_dict(e) for e in story.cross_links],
        "related": list(story.related),
        "related_documents": list(story.related_documents),
        "algorithm": story.algorithm,
    }


def batch_result_to_dict(item_id: Any, result: Comparison | Exception) -> dict[str, Any]:
    """One line of ``compare --pairs`` output: the comparison under its id, or the error that stopped it."""
    if isinstance(result, Comparison):
        return {"id": item_id, **comparison_to_dict(result)}
    return {"id": item_id, "error": {"message": str(result), "exit_code": getattr(result, "exit_code", 1)}}


def outlets_and_dates(members: list[dict[str, Any]]) -> tuple[list[str], list[str] | None]:
    """The outlets of a story's members (sorted) and the span of their publication dates (ISO,
    None when none is dated); ``members`` are member rows (``source``, ``published``)."""
    from unspun.stories import parse_date

    dates = sorted(d for d in (parse_date(m.get("published")) for m in members) if d)
    return (sorted({m["source"] for m in members if m.get("source")}),
            [dates[0].isoformat(), dates[-1].isoformat()] if dates else None)


def story_summary_to_dict(story: Story, meta: dict[str, dict[str, Any]],
                          findings: dict[tuple[str, str], list[dict[str, Any]]] | None, limit: int) -> dict[str, Any]:
    """One entry of the ``stories`` contract: members, origin, outlets, date span, tree relations,
    related coverage and the ``limit`` most serious (medium/high) findings along the tree."""
    members = list(story.members)
    found = [f for fs in (findings or {}).values() for f in fs if f["severity"] != "low"]
    found = sorted(found, key=lambda f: most_serious_first(f["severity"], f["confidence"]))[:limit]
    sources, date_span = outlets_and_dates([meta[m] for m in members])
    return {
        "id": story.id,
        "members": [member_to_dict(meta[m]) for m in members],
        "origin": story.origin,
        "origin_reason": story.origin_reason,
        "sources": sources,
        "date_span": date_span,
        "relations": [_relation(e) for e in story.edges],
        "related": list(story.related),
        "related_documents": list(story.related_documents),
        "findings": found,
    }


def match_to_dict(m: Match) -> dict[str, Any]:
    """The ``match --json`` contract: ``story`` (null for a lone stored document, then
    ``closest_document``), ``score``, ``members``, ``documents`` (ids, best first) and their scores."""
    out: dict[str, Any] = {"story": m.story, "score": round(m.score, 4), "documents": [d.id for d in m.documents],
                           "members": m.members}
    if m.story is None and m.documents:
        out["closest_document"] = m.documents[0].id
    out["document_scores"] = [{"id": d.id, "same_story": round(d.same_story, 4),
                               "coverage": {"stored": round(d.stored_coverage, 4), "new": round(d.new_coverage, 4)}}
                              for d in m.documents]
    return out


def to_dict(obj: Any) -> dict[str, Any]:
    """The JSON form of a record (a Comparison, Document, Link, Finding, Edge or Match)."""
    for kind, fn in ((Comparison, comparison_to_dict), (Document, document_to_dict), (Link, link_to_dict),
                     (Finding, finding_to_dict), (Edge, edge_to_dict), (Match, match_to_dict)):
        if isinstance(obj, kind):
            return fn(obj)
    raise TypeError(f"no JSON contract for {type(obj).__name__}")
