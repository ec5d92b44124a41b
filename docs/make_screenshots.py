"""Render the README screenshots from the project's own examples: the terminal views (SVG, from
rich's own console recording) of `unspun compare` on examples/harbor_*.txt and `unspun story` on
the test corpus, and the web app's pages (PNG, Debian's Chromium via Playwright) over a store of
examples/newsroom.jsonl.

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


def web_shots() -> None:
    import threading
    import time

    import uvicorn
    from playwright.sync_api import sync_playwright

    from unspun.corpus import Corpus
    from unspun.web import create_app

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "newsroom.duckdb"
        with Corpus(db) as corpus:
            corpus.ingest([str(ROOT / "examples" / "newsroom.jsonl")])
            items = corpus.stories()  # computes and stores the findings
        harbor = next(s["id"] for s in items if any(m["id"] == "harbor-original" for m in s["members"]))
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.time() + 30
        while not server.started:
            if not thread.is_alive() or time.time() > deadline:
                raise SystemExit("the web app did not start")
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        shots = [("web-stories.png", "/stories", 1200), ("web-story.png", f"/stories/{harbor}", 1200),
                 ("web-pair.png", "/pair?a=harbor-original&b=harbor-rewrite", 1200),
                 ("web-pair-400px.png", "/pair?a=harbor-original&b=harbor-rewrite", 400)]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            for name, path, width in shots:
                page = browser.new_page(viewport={"width": width, "height": 900 if width > 500 else 1400})
                page.goto(base + path)
                page.screenshot(path=str(OUT / name))
                page.close()
            browser.close()
        server.should_exit = True


if __name__ == "__main__":
    compare_shot()
    story_shot()
    web_shots()
    print("wrote", ", ".join(str(p.relative_to(ROOT)) for p in sorted(OUT.glob("*.*")) if p.suffix in (".svg", ".png")))
