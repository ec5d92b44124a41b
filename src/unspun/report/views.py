"""What a page shows, built once for the web app, the HTML reports and their JSON twins.

These are pure functions over records (a ``Comparison``) and the JSON contracts (a story as
``report.json.story_to_dict`` gives it): no store, no engine, no HTML. The templates under
``report/templates`` only lay the views out, so ``compare --html``, ``story --html`` and
``unspun serve`` show the same thing the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from unspun.records import SEVERITY_RANK, Comparison, Document, Finding, most_serious_first
from unspun.report.diff import Piece, marked_pieces, word_diff
from unspun.report.terminal import alignment_rows

# At most this many changes in the "top changes" box above everything else: an editor reads
# five; the full list follows.
TOP_CHANGES = 5

# Plain-English names of the finding types (the JSON keeps the stable type names).
FINDING_LABELS: dict[str, str] = {
    "contradiction": "contradiction",
    "number_changed": "number changed",
    "date_changed": "date changed",
    "entity_changed": "name changed",
    "entity_added": "new name",
    "entity_removed": "name dropped",
    "attribution_changed": "source changed",
    "certainty_changed": "certainty changed",
    "unsupported_addition": "claim added without support",
    "anachronism": "out-of-date claim",
}
SEVERITY_WORDS = {"high": "serious", "medium": "worth checking", "low": "minor"}
KIND_LABELS = {"copied": "copied", "edited": "edited", "paraphrased": "paraphrased", "dropped": "only in A",
               "added": "only in B", "related": "related coverage", "unlinked": "no link"}


def finding_label(kind: str) -> str:
    return FINDING_LABELS.get(kind, kind.replace("_", " "))


@dataclass(frozen=True)
class FindingView:
    anchor: str  # "finding-3": the permalink of this finding on the page
    type: str
    label: str
    severity: str
    confidence: float
    explanation: str
    old: str | None
    new: str | None
    a_pieces: tuple[Piece, ...]  # A's sentences with the old words marked
    b_pieces: tuple[Piece, ...]
    row: str | None  # anchor of the alignment row it sits in
    basis: str


@dataclass(frozen=True)
class RowView:
    anchor: str
    kind: str
    kind_label: str
    a_ids: tuple[int, ...]
    b_ids: tuple[int, ...]
    a_pieces: tuple[Piece, ...]
    b_pieces: tuple[Piece, ...]
    similarity: float | None
    findings: tuple[FindingView, ...]  # medium/high findings at this row


@dataclass(frozen=True)
class PairView:
    a: Document
    b: Document
    same_story: float
    is_same_story: bool
    threshold: float
    a_coverage: float
    b_coverage: float
    top: tuple[FindingView, ...]
    findings: tuple[FindingView, ...]  # medium and high, most serious first
    minor: tuple[FindingView, ...]  # low: folded on the page
    rows: tuple[RowView, ...]
    warnings: tuple[str, ...]
    direction: str | None = None  # "known" / "unknown" when the pair is a story edge


def _joined(doc: Document, ids: list[int] | tuple[int, ...]) -> tuple[str, list[int]]:
    """Sentences ``ids`` joined by spaces, and where each starts in the joined text."""
    offsets, pos = [], 0
    for i in ids:
        offsets.append(pos)
        pos += len(doc.sentences[i].text) + 1
    return " ".join(doc.sentences[i].text for i in ids), offsets


def _side(doc: Document, ids: list[int] | tuple[int, ...], tagged: list[tuple[int, int]] | None, tag: str,
          marks: list[tuple[int, int, str]], joined: tuple[str, list[int]] | None = None) -> tuple[Piece, ...]:
    """Pieces of sentences ``ids`` joined by spaces (``joined`` when already at hand); ``tagged``
    ranges are in joined-text offsets, ``marks`` in document offsets (mapped here)."""
    text, offsets = joined or _joined(doc, ids)
    local = []
    for s, e, fid in marks:
        for k, i in enumerate(ids):
            sent = doc.sentences[i]
            lo, hi = max(s, sent.start), min(e, sent.end)
            if lo < hi:
                local.append((offsets[k] + lo - sent.start, offsets[k] + hi - sent.start, fid))
    return tuple(marked_pieces(text, tagged or [], tag, local))


def _marks(findings: list[tuple[str, Finding]], side: str) -> list[tuple[int, int, str]]:
    out = []
    for fid, f in findings:
        span = f.old_span if side == "a" else f.new_span
        if span and span[1] > span[0]:
            out.append((span[0], span[1], fid))
    return out


def pair_view(c: Comparison, *, direction: str | None = None) -> PairView:
    """The pair page: top changes first, then every change, then the sentence-by-sentence
    alignment with word-level differences inside linked sentences and the changed words marked."""
    ordered = sorted(c.findings, key=lambda f: most_serious_first(f.severity, f.confidence))
    anchored = [(f"finding-{k + 1}", f) for k, f in enumerate(ordered)]
    serious = [(fid, f) for fid, f in anchored if f.severity != "low"]
    marks_a, marks_b = _marks(serious, "a"), _marks(serious, "b")

    laid_out = []  # (anchor, kind, a_ids, b_ids, a_pieces, b_pieces, similarity, finding ids at the row)
    row_of: dict[str, str] = {}
    for k, (kind, a_ids, b_ids, sim) in enumerate(alignment_rows(c)):
        anchor = f"row-{k + 1}"
        ja, jb = _joined(c.a, a_ids), _joined(c.b, b_ids)
        dels, ins = word_diff(ja[0], jb[0]) if a_ids and b_ids and kind != "copied" else (None, None)
        here = [fid for fid, f in serious if set(f.a) & set(a_ids) or set(f.b) & set(b_ids)]
        for fid in here:
            row_of.setdefault(fid, anchor)
        laid_out.append((anchor, kind, a_ids, b_ids, _side(c.a, a_ids, dels, "del", marks_a, ja),
                         _side(c.b, b_ids, ins, "ins", marks_b, jb), sim, here))

    views = {fid: _finding_view(c, fid, f, row_of.get(fid)) for fid, f in anchored}
    rows = [RowView(anchor, kind, KIND_LABELS.get(kind, kind), tuple(a_ids), tuple(b_ids), a_p, b_p, sim,
                    tuple(views[fid] for fid in here))
            for anchor, kind, a_ids, b_ids, a_p, b_p, sim, here in laid_out]
    findings = tuple(views[fid] for fid, _ in serious)
    s = c.scores
    return PairView(c.a, c.b, s.same_story, s.is_same_story, s.threshold, s.a_coverage, s.b_coverage,
                    findings[:TOP_CHANGES], findings, tuple(views[fid] for fid, f in anchored if f.severity == "low"),
                    tuple(rows), tuple(c.warnings), direction)


def _finding_view(c: Comparison, fid: str, f: Finding, row: str | None) -> FindingView:
    a_pieces = _side(c.a, f.a, None, "del", _marks([(fid, f)], "a")) if f.a else ()
    b_pieces = _side(c.b, f.b, None, "ins", _marks([(fid, f)], "b")) if f.b else ()
    return FindingView(fid, f.type, finding_label(f.type), f.severity, f.confidence, f.explanation, f.old, f.new,
                       a_pieces, b_pieces, row, f.basis)


def pair_view_to_dict(v: PairView) -> dict[str, Any]:
    """The JSON twin of the pair page's summary: top changes by anchor (the full comparison is
    ``report.json.comparison_to_dict``)."""
    return {"top_changes": [{"anchor": f.anchor, "type": f.type, "label": f.label, "severity": f.severity,
                             "old": f.old, "new": f.new, "explanation": f.explanation, "row": f.row} for f in v.top],
            "direction": v.direction}


# --- stories -------------------------------------------------------------------------------------


def _date(value: Any) -> datetime | None:
    from unspun.stories import parse_date

    return parse_date(value)


def worst_finding(findings: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The most serious medium/high finding of a list (JSON findings), or None."""
    found = [f for f in findings if f.get("severity") != "low"]
    return min(found, key=lambda f: most_serious_first(f["severity"], f["confidence"])) if found else None


def describe_finding(f: dict[str, Any] | None, *, label: bool = True) -> str:
    """One line in plain words: 'number changed: 76% → 67%' (no markup); without the type's
    name when a badge already shows it (``label=False``)."""
    if not f:
        return ""
    what = f"{f['old']} → {f['new']}" if f.get("old") and f.get("new") else " ".join(f["explanation"].split())
    return f"{finding_label(f['type'])}: {what}" if label else what


@dataclass(frozen=True)
class StoryRow:
    """One line of the story list."""

    id: str
    title: str
    origin: str | None
    sources: tuple[str, ...]
    members: int
    first: str | None  # ISO date of the earliest dated member
    last: str | None
    worst: dict[str, Any] | None  # None: no medium/high finding (or not computed yet)
    worst_text: str
    findings_known: bool


# The list's orders: (key, descending). Ties keep id order (the sorts are stable).
SORTS = {
    "members": (lambda r: r.members, True),
    "newest": (lambda r: r.last or "", True),  # undated stories last
    "oldest": (lambda r: (r.first is None, r.first or ""), False),
    "severity": (lambda r: most_serious_first(r.worst["severity"], r.worst["confidence"]) if r.worst else (9, 0.0), False),
    "title": (lambda r: r.title.casefold(), False),
}
PAGE_SIZE = 25


def story_row(summary: dict[str, Any]) -> StoryRow:
    """A story list row from a ``stories`` contract entry (``report.json.story_summary_to_dict``);
    ``summary["findings"]`` is None when the story's findings were not computed yet."""
    members = summary["members"]
    by_id = {m["id"]: m for m in members}
    origin = summary.get("origin")
    head = by_id.get(origin) or members[0]
    title = head.get("title") or next((m["title"] for m in members if m.get("title")), None) or head["id"]
    span = summary.get("date_span") or [None, None]
    worst = worst_finding(summary.get("findings") or [])
    return StoryRow(summary["id"], title, origin, tuple(summary.get("sources") or ()), len(members),
                    span[0][:10] if span[0] else None, span[1][:10] if span[1] else None, worst, describe_finding(worst, label=False),
                    summary.get("findings") is not None)


def story_row_of(story: dict[str, Any]) -> StoryRow:
    """A story list row from a full ``story`` contract (with findings along its edges, or none)."""
    from unspun.report.json import outlets_and_dates

    sources, date_span = outlets_and_dates(story["members"])
    edges = story.get("edges", [])
    computed = all("findings" in e for e in edges)
    return story_row({**story, "sources": sources, "date_span": date_span,
                      "findings": [f for e in edges for f in e.get("findings", [])] if computed else None})


@dataclass(frozen=True)
class StoryQuery:
    """The story list's search, filters, order and page (all from the query string, validated)."""

    q: str = ""
    source: str = ""
    severity: str = ""  # "", "high", "medium": at least this serious
    contradiction: bool = False
    since: str = ""  # ISO date, inclusive
    until: str = ""
    sort: str = "members"
    page: int = 1


def select_stories(rows: list[StoryRow], query: StoryQuery) -> tuple[list[StoryRow], int]:
    """Filter, sort and page the story list: (rows of this page, number of matching rows).
    Search is a case-insensitive substring of the title, an outlet or the id."""
    needle = query.q.casefold().strip()
    out = []
    for r in rows:
        if needle and needle not in r.title.casefold() and needle not in r.id.casefold() \
                and not any(needle in s.casefold() for s in r.sources):
            continue
        if query.source and query.source not in r.sources:
            continue
        if query.severity and (not r.worst or SEVERITY_RANK[r.worst["severity"]] > SEVERITY_RANK[query.severity]):
            continue
        if query.contradiction and not (r.worst and r.worst["type"] == "contradiction"):
            continue
        if query.since and (r.last is None or r.last < query.since):
            continue
        if query.until and (r.first is None or r.first > query.until):
            continue
        out.append(r)
    key, descending = SORTS.get(query.sort, SORTS["members"])
    out.sort(key=lambda r: r.id)
    out.sort(key=key, reverse=descending)
    start = (max(1, query.page) - 1) * PAGE_SIZE
    return out[start: start + PAGE_SIZE], len(out)



def story_row_to_dict(r: StoryRow) -> dict[str, Any]:
    return {"id": r.id, "title": r.title, "origin": r.origin, "sources": list(r.sources), "members": r.members,
            "date_span": [r.first, r.last] if r.first else None, "worst_finding": r.worst,
            "worst_finding_text": describe_finding(r.worst), "findings_computed": r.findings_known}


@dataclass(frozen=True)
class Change:
    """One changed fact along a story's tree: where it first appears, and where else it arose."""

    type: str
    label: str
    severity: str
    old: str | None
    new: str | None
    explanation: str
    first: str  # the first version that carries it (the edge's target)
    parent: str  # the version it was compared with
    also: tuple[str, ...]


def _norm(value: str | None) -> str:
    return " ".join((value or "").casefold().split())


def changes_along_the_way(story: dict[str, Any]) -> list[Change]:
    """For each changed fact (same type and same normalised new value) on the story's tree edges,
    the first version that carries it (nearest the root, then earliest published) and the other
    versions where the same change arose independently. Only medium/high findings."""
    depth = _depths(story)
    dates = {m["id"]: _date(m.get("published")) for m in story["members"]}
    order = {m["id"]: k for k, m in enumerate(story["members"])}
    edges = sorted(story.get("edges", []), key=lambda e: (depth.get(e["to"], 0), dates.get(e["to"]) or datetime.max,
                                                          order.get(e["to"], 0)))
    seen: dict[tuple[str, str], Change] = {}
    for e in edges:
        for f in e.get("findings") or []:
            if f.get("severity") == "low":
                continue
            key = (f["type"], _norm(f.get("new")) or _norm(f.get("explanation")))
            if key in seen:
                ch = seen[key]
                if e["to"] != ch.first and e["to"] not in ch.also:
                    seen[key] = Change(**{**ch.__dict__, "also": ch.also + (e["to"],)})
                continue
            seen[key] = Change(f["type"], finding_label(f["type"]), f["severity"], f.get("old"), f.get("new"),
                               f["explanation"], e["to"], e["from"], ())
    return sorted(seen.values(), key=lambda ch: (SEVERITY_RANK[ch.severity], depth.get(ch.first, 0)))


def _depths(story: dict[str, Any]) -> dict[str, int]:
    children: dict[str, list[str]] = {}
    for e in story.get("edges", []):
        children.setdefault(e["from"], []).append(e["to"])
    root = story.get("root") or (story["members"][0]["id"] if story["members"] else None)
    depth = {root: 0}
    todo = [root]
    while todo:
        node = todo.pop()
        for child in children.get(node, []):
            if child not in depth:
                depth[child] = depth[node] + 1
                todo.append(child)
    return depth


# --- the reuse graph -----------------------------------------------------------------------------

NODE_W, NODE_H, GAP_X, GAP_Y, MARGIN = 160, 44, 60, 22, 16
NODE_CHARS = 22  # characters of a label that fit a box at 12 px
ARC = 34  # how far below the boxes an edge that skips a column dips, so it never crosses a box


@dataclass(frozen=True)
class GraphNode:
    id: str
    x: float
    y: float
    label: str  # outlet, else title (clipped), else id
    sub: str  # date, else id
    origin: bool


@dataclass(frozen=True)
class GraphEdge:
    path: str  # SVG path data, from the parent's box to the derived version's box
    kind: str
    directed: bool
    cross: bool = False


@dataclass(frozen=True)
class Graph:
    width: float
    height: float
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    axis: str  # "time" when columns are publication dates, else "tree depth"
    ticks: tuple[tuple[float, str], ...] = field(default_factory=tuple)


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _edge_path(start: tuple[float, float], end: tuple[float, float]) -> tuple[str, float]:
    """A cubic curve from one box to another, and how far it dips below the lowest box. Edges
    between neighbouring columns run side to side; an edge that skips columns, or stays in its
    column, leaves and enters through the bottom of the boxes and dips under the ones between."""
    (x1, y1), (x2, y2) = start, end
    if abs(x2 - x1) <= NODE_W + GAP_X and x1 != x2:
        sx, ex = (x1 + NODE_W, x2) if x2 > x1 else (x1, x2 + NODE_W)
        sy, ey = y1 + NODE_H / 2, y2 + NODE_H / 2
        mx = (sx + ex) / 2
        return f"M{sx:.1f},{sy:.1f} C{mx:.1f},{sy:.1f} {mx:.1f},{ey:.1f} {ex:.1f},{ey:.1f}", 0.0
    sx, ex = x1 + NODE_W / 2, x2 + NODE_W / 2 + (12 if x1 == x2 else 0)
    sy, ey = y1 + NODE_H, y2 + NODE_H
    low = max(sy, ey) + ARC
    return f"M{sx:.1f},{sy:.1f} C{sx:.1f},{low:.1f} {ex:.1f},{low:.1f} {ex:.1f},{ey:.1f}", ARC


def story_graph(story: dict[str, Any]) -> Graph:
    """Lay out a story's reuse graph: one column per publication date when every member is dated
    (a time axis), else per depth in the provenance tree; edges point from parent to derived version."""
    members = story["members"]
    dates = {m["id"]: _date(m.get("published")) for m in members}
    depth = _depths(story)
    timed = bool(members) and all(dates.values())
    if timed:
        days = sorted({d.date() for d in dates.values()})  # type: ignore[union-attr]
        column = {m["id"]: days.index(dates[m["id"]].date()) for m in members}  # type: ignore[union-attr]
        ticks = tuple((MARGIN + k * (NODE_W + GAP_X) + NODE_W / 2, day.isoformat()) for k, day in enumerate(days))
    else:
        column = {m["id"]: depth.get(m["id"], max(depth.values(), default=0) + 1) for m in members}
        ticks = ()
    lanes: dict[int, int] = {}
    pos: dict[str, tuple[float, float]] = {}
    nodes = []
    top = 28 if ticks else MARGIN
    for m in members:
        col = column[m["id"]]
        lane = lanes.get(col, 0)
        lanes[col] = lane + 1
        x, y = MARGIN + col * (NODE_W + GAP_X), top + lane * (NODE_H + GAP_Y)
        pos[m["id"]] = (x, y)
        label = _clip(m.get("source") or m.get("title") or m["id"], NODE_CHARS - (2 if m["id"] == story.get("origin") else 0))
        sub = dates[m["id"]].date().isoformat() if dates[m["id"]] else _clip(m["id"], NODE_CHARS)
        nodes.append(GraphNode(m["id"], x, y, label, sub, m["id"] == story.get("origin")))
    edges = []
    arcs = 0.0
    for e, cross in [(e, False) for e in story.get("edges", [])] + [(e, True) for e in story.get("cross_links", [])]:
        if e["from"] not in pos or e["to"] not in pos:
            continue
        path, dip = _edge_path(pos[e["from"]], pos[e["to"]])
        arcs = max(arcs, dip)
        edges.append(GraphEdge(path, e["kind"], e.get("direction") == "known", cross))
    width = MARGIN * 2 + (max(column.values(), default=0) + 1) * (NODE_W + GAP_X) - GAP_X
    height = top + max(lanes.values(), default=1) * (NODE_H + GAP_Y) - GAP_Y + MARGIN + arcs
    return Graph(width, height, tuple(nodes), tuple(edges), "time" if timed else "tree depth", ticks)
