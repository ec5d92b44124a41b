"""Render the README screenshots (SVG, from rich's own console recording) from the project's own
examples: `unspun compare` on examples/harbor_*.txt and `unspun story` on the test corpus.

    .venv/bin/python docs/make_screenshots.py
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

from rich.console import Console

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs"


def compare_shot() -> None:
    from unspun import compare
    from unspun.report.terminal import render

    result = compare(ROOT / "examples" / "harbor_original.txt", ROOT / "examples" / "harbor_rewrite.txt")
    console = Console(record=True, width=120, force_terminal=True, file=io.StringIO())
    render(result, console)
    (OUT / "compare.svg").write_text(console.export_svg(title="unspun compare harbor_original.txt harbor_rewrite.txt"))


def story_shot() -> None:
    from unspun.corpus import Corpus
    from unspun.report.terminal import render_story_tree, render_story_table

    with tempfile.TemporaryDirectory() as tmp, Corpus(Path(tmp) / "demo.duckdb") as corpus:
        corpus.ingest([str(ROOT / "tests" / "data" / "corpus.jsonl"), str(ROOT / "tests" / "data" / "related.jsonl")])
        items = corpus.stories()
        console = Console(record=True, width=140, force_terminal=True, file=io.StringIO())
        console.print(render_story_table(items, f"{len(items)} stories in demo.duckdb"))
        (OUT / "stories.svg").write_text(console.export_svg(title="unspun stories --db demo.duckdb"))
        flood = next(s for s in items if any(m["id"] == "flood-original" for m in s["members"]))
        console = Console(record=True, width=140, force_terminal=True, file=io.StringIO())
        console.print(render_story_tree(corpus.story(flood["id"])))
        (OUT / "story.svg").write_text(console.export_svg(title=f"unspun story {flood['id']} --db demo.duckdb"))
        json.dumps(items)  # the same items are what --json prints


if __name__ == "__main__":
    compare_shot()
    story_shot()
    print("wrote", ", ".join(str(p.relative_to(ROOT)) for p in sorted(OUT.glob("*.svg"))))
