"""Rich terminal rendering of a comparison: scores, side-by-side alignment, findings."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from unspun.records import Comparison

_KIND_STYLE = {"copied": "green", "edited": "cyan", "paraphrased": "yellow", "dropped": "red", "added": "magenta"}
_SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "dim"}
_SEVERITY_MARK = {"high": "▲", "medium": "●", "low": "○"}
_PIECE_STYLE = {"del": "strike red", "ins": "underline green"}
# From this many columns the alignment is a side-by-side table; below it, A is printed above B
# (at 80 columns a three-column table leaves ~30 characters per sentence).
WIDE_TERMINAL = 140


def _pieces(pieces) -> Text:  # noqa: ANN001 - report.diff.Piece
    """Marked pieces as rich Text: never parsed as markup (article text is hostile)."""
    out = Text()
    for p in pieces:
        style = _PIECE_STYLE.get(p.tag or "", "")
        if p.findings:
            style = (style + " bold black on yellow").strip()
        out.append(" ".join(p.text.split("\n")), style=style or None)
    return out


def alignment_rows(c: Comparison) -> list[tuple[str, list[int], list[int], float | None]]:
    """Links and unmatched sentences in reading order of A (B-only sentences where they fall in B)."""
    rows: list[tuple[str, list[int], list[int], float | None]] = []
    for link in c.links:
        rows.append((link.kind, list(link.a), list(link.b), link.similarity))
    for i in c.unmatched_a:
        rows.append(("dropped", [i], [], None))
    for j in c.unmatched_b:
        rows.append(("added", [], [j], None))

    def key(row: tuple[str, list[int], list[int], float | None]) -> tuple[float, float]:
        _, a, b, _ = row
        if b:
            return (b[0], a[0] if a else -1)
        # A dropped sentence sits after the B position of the link before it.
        prev = [lk for lk in c.links if lk.a and lk.a[0] < a[0]]
        pos = max((lk.b[-1] for lk in prev), default=-1) + 0.5
        return (pos, a[0])

    rows.sort(key=key)
    return rows


def render(c: Comparison, console: Console | None = None) -> None:
    console = console or Console()
    s = c.scores
    verdict = "[bold green]same story[/]" if s.is_same_story else "[bold]not the same story[/]"
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    head.add_row("A", _doc_label(c.a))
    head.add_row("B", _doc_label(c.b))
    head.add_row(
        "verdict",
        f"{verdict}  same_story={s.same_story:.2f} (threshold {s.threshold})  "
        f"A covered {s.a_coverage:.0%}  B covered {s.b_coverage:.0%}",
    )
    counts: dict[str, int] = {}
    for link in c.links:
        counts[link.kind] = counts.get(link.kind, 0) + 1
    head.add_row(
        "links",
        ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) + f"; {len(c.unmatched_a)} dropped, {len(c.unmatched_b)} added",
    )
    if c.findings:
        sev: dict[str, int] = {}
        for f in c.findings:
            sev[f.severity] = sev.get(f.severity, 0) + 1
        head.add_row("findings", ", ".join(f"{sev.get(k, 0)} {k}" for k in ("high", "medium", "low")))
    console.print(Panel(head, title="unspun compare", expand=False))
    for w in c.warnings:
        console.print(f"[yellow]warning:[/] {w}")

    from unspun.report.views import SEVERITY_WORDS, pair_view

    view = pair_view(c)
    if view.findings:
        console.print(Rule("What changed", style="bold"))
        for k, f in enumerate(view.findings, 1):
            head_line = Text(f"{k}. ")
            head_line.append(f"{_SEVERITY_MARK[f.severity]} {SEVERITY_WORDS[f.severity]} · {f.label}", style=_SEVERITY_STYLE[f.severity])
            head_line.append(" " + " ".join(f.explanation.split()))
            console.print(head_line)
            for side, pieces in (("A", f.a_pieces), ("B", f.b_pieces)):
                line = Text(f"   {side}: ", style="bold")
                line.append_text(_pieces(pieces) if pieces else Text("(no sentence)", style="dim"))
                console.print(line)
        console.print()
    if view.minor:
        console.print(f"[dim]{len(view.minor)} minor finding(s) (filler additions, minor attribution changes) "
                      "not shown: see --json or --html[/]")

    console.print(Rule("Sentence by sentence"))
    console.print("[dim]struck: only in A · underlined: only in B · highlighted: a change listed above[/]")
    if console.width >= WIDE_TERMINAL:
        table = Table(show_lines=True, expand=True)
        table.add_column("A", ratio=5)
        table.add_column("", justify="center", min_width=11, no_wrap=True)
        table.add_column("B", ratio=5)
        for r in view.rows:
            label = Text(r.kind_label, style=_KIND_STYLE.get(r.kind, ""))
            if r.similarity is not None:
                label.append(f"\n{r.similarity:.2f}", style="dim")
            table.add_row(_pieces(r.a_pieces), label, _pieces(r.b_pieces))
        console.print(table)
    else:  # narrow (80 columns, or piped): A above B, full width, no squeezed columns
        for r in view.rows:
            label = Text(f"[{r.kind_label}" + (f" {r.similarity:.2f}]" if r.similarity is not None else "]"),
                         style=_KIND_STYLE.get(r.kind, ""))
            console.print(label)
            if r.a_pieces:
                console.print(Text("A ", style="bold").append_text(_pieces(r.a_pieces)))
            if r.b_pieces:
                console.print(Text("B ", style="bold").append_text(_pieces(r.b_pieces)))
    for label, doc in (("A", c.a), ("B", c.b)):
        if doc.removed:
            reasons: dict[str, int] = {}
            for r in doc.removed:
                reasons[r.reason] = reasons.get(r.reason, 0) + 1
            console.print(
                f"[dim]{label}: removed {len(doc.removed)} boilerplate piece(s): "
                + ", ".join(f"{n} {k}" for k, n in sorted(reasons.items()))
                + "[/]"
            )


def _doc_label(doc) -> Text:  # noqa: ANN001
    t = Text(doc.id, style="bold")
    if doc.title:
        t.append(f"  {doc.title}", style="italic")
    t.append(f"  ({len(doc.sentences)} sentences)", style="dim")
    return t


def render_story_tree(item: dict[str, Any]) -> Group:
    """A ``story`` JSON as a rich tree: one root, every member once, cross-links and related stories
    listed after it. Ids and reasons are article-derived text: escaped, never read as markup."""
    from rich.markup import escape
    from rich.tree import Tree

    origin = item.get("origin")
    head = Text.from_markup(f"[bold]{escape(item['id'])}[/]: {len(item['members'])} versions, origin: ")
    head.append(origin or f"unknown ({item.get('origin_reason', '')})", style="bold" if origin else "dim")
    children: dict[str, list[dict[str, Any]]] = {}
    for e in item["edges"]:
        children.setdefault(e["from"], []).append(e)
    root_id = item.get("root") or item["members"][0]["id"]
    tree = Tree(Text(root_id + ("  (origin)" if origin == root_id else "  (shown first; direction unknown)"), style="bold"))

    def grow(node: Tree, doc_id: str) -> None:
        for e in children.get(doc_id, []):
            ev = e.get("evidence", {})
            label = Text(e["to"])
            same = ev.get("same_story")
            label.append(f"  {e['kind']}" + (f", same_story {same:.2f}" if isinstance(same, (int, float)) else ""), style="dim")
            if e.get("direction") == "unknown":
                label.append("  direction unknown", style="yellow")
            label.append(f"  ({e.get('reason', ev.get('reason', ''))})", style="dim")
            serious = [f for f in e.get("findings", []) if f["severity"] != "low"]
            if serious:
                label.append(f"  {len(serious)} change(s)", style="yellow")
            grow(node.add(label), e["to"])

    grow(tree, root_id)
    parts: list[Any] = [head, tree]
    for e in item.get("cross_links", []):
        parts.append(Text(f"also: {e['from']} -> {e['to']} ({e.get('reason', '')})", style="dim"))
    if item.get("related"):
        parts.append(Text("related stories (same event, written independently): " + ", ".join(item["related"]), style="dim"))
    return Group(*parts)


def render_story_table(items: list[dict[str, Any]], title: str) -> Table:
    """The ``stories`` listing as a table (text cells are plain Text: article content is never markup)."""
    t = Table(title=title)
    for col in ("story", "members", "origin", "sources", "dates", "top findings"):
        t.add_column(col)
    for st in items:
        t.add_row(Text(st["id"]), str(len(st["members"])), Text(st["origin"] or "?"), Text(", ".join(st["sources"][:3])),
                  " – ".join(d[:10] for d in st["date_span"]) if st["date_span"] else "",
                  Text("\n".join(f"{f['severity']} {f['type']}: {f['explanation'][:70]}" for f in st["findings"][:3])))
    return t
