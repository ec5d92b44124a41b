"""Rich terminal rendering of a comparison: scores, side-by-side alignment, findings."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from unspun.records import Comparison, most_serious_first

_KIND_STYLE = {"copied": "green", "edited": "cyan", "paraphrased": "yellow", "dropped": "red", "added": "magenta"}
_SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "dim"}


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

    table = Table(show_lines=True, expand=True)
    table.add_column("A", ratio=5)
    table.add_column("", justify="center", min_width=11, no_wrap=True)
    table.add_column("B", ratio=5)
    for kind, a, b, sim in alignment_rows(c):
        a_text = " ".join(" ".join(c.a.sentences[i].text.split()) for i in a)
        b_text = " ".join(" ".join(c.b.sentences[j].text.split()) for j in b)
        label = Text(kind, style=_KIND_STYLE.get(kind, ""))
        if sim is not None:
            label.append(f"\n{sim:.2f}", style="dim")
        table.add_row(Text(a_text), label, Text(b_text))
    console.print(table)

    if c.findings:
        ft = Table(title="What changed", expand=True, show_lines=True)
        ft.add_column("severity")
        ft.add_column("type")
        ft.add_column("explanation", ratio=3)
        ft.add_column("A", ratio=2)
        ft.add_column("B", ratio=2)
        shown = [f for f in c.findings if f.severity != "low"]
        for f in sorted(shown, key=lambda f: most_serious_first(f.severity, f.confidence)):
            ft.add_row(
                Text(f.severity, style=_SEVERITY_STYLE[f.severity]),
                f.type,
                Text(f.explanation),
                Text(" ".join(f.a_text.split())),
                Text(" ".join(f.b_text.split())),
            )
        if shown:
            console.print(ft)
        low = len(c.findings) - len(shown)
        if low:
            console.print(f"[dim]{low} low-severity finding(s) (filler additions, minor attribution changes) "
                          "not shown: see --json or --html[/]")
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
