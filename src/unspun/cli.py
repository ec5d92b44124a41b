"""The ``unspun`` command: a thin shell over the library.

Every command parses options into the library's options objects, calls the
library, and turns :class:`unspun.errors.UnspunError` into one line on stderr and a
documented exit code (see :mod:`unspun.errors`).
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import click

from unspun import config
from unspun.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_PARTIAL, InputError, UnspunError
from unspun.report.json import comparison_to_dict

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _fail(exc: UnspunError) -> None:
    click.echo(f"unspun: error: {one_line(str(exc))}", err=True)
    sys.exit(exc.exit_code)


def one_line(text: str) -> str:
    """A message that may quote hostile names (a file name with a newline, control characters)
    as one printable line: control characters are shown escaped (``\\n``)."""
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _emit_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False))


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="unspun", prog_name="unspun")
def main() -> None:
    """Find every rewrite of a news story and show what each one changed.

    \b
    Exit codes: 0 ok, 1 internal error, 2 usage error, 3 bad input file,
    4 missing optional extra or model, 5 batch finished with rejected items,
    6 store busy (another process is writing it), 130 interrupted.
    """


@main.command(context_settings=CONTEXT)
@click.option("--force", is_flag=True, help="Rebuild even if the files exist.")
def setup(force: bool) -> None:
    """Build the derived model files (ONNX encoder, static candidate model) from installed packages, offline.

    Writes to $UNSPUN_CACHE_DIR (default ~/.cache/unspun). Needs the 'embed' and
    'build' extras once; nothing is downloaded.
    """
    from unspun.config import cache_dir
    from unspun.represent.build import build_encoder
    from unspun.represent.static import STATIC_FILE, build_static

    log = lambda m: click.echo(m, err=True)  # noqa: E731
    try:
        built = build_encoder(force=force, log=log)
        static = cache_dir() / STATIC_FILE
        if force or not static.exists() or static.stat().st_mtime < built.stat().st_mtime:
            build_static(log=log)
        else:
            log(f"static candidate model already built: {static}")
    except UnspunError as exc:
        _fail(exc)


def _compare_options(no_embeddings: bool, require_embeddings: bool, no_findings: bool, max_bytes: int | None,
                     nli_model: str | None = None):
    from unspun.drift import DriftOptions
    from unspun.pipeline import CompareOptions

    mode = "off" if no_embeddings else ("require" if require_embeddings else "auto")
    return CompareOptions(embeddings=mode, findings=not no_findings, max_bytes=max_bytes, drift=DriftOptions(nli_model=nli_model))


@main.command(context_settings=CONTEXT)
@click.argument("a", required=False)
@click.argument("b", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (the contract in the README).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, writable=True), help="Write a self-contained HTML report.")
@click.option("--pairs", "pairs_path", type=click.Path(dir_okay=False), help="Batch mode: JSONL of {id, a, b} (or a_html/b_html, a_path/b_path); '-' for stdin.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Batch mode: write JSON lines here instead of stdout.")
@click.option("--no-embeddings", is_flag=True, help="Align on words only (no model).")
@click.option("--require-embeddings", is_flag=True, help="Fail (exit 4) instead of falling back when the model is missing.")
@click.option("--no-findings", is_flag=True, help="Skip the drift stage.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None, help="Largest input file accepted (default 50 MB or $UNSPUN_MAX_BYTES).")
@click.option("--nli-model", type=click.Path(), default=None, help="A local NLI cross-encoder folder to add contradiction judgements (never downloaded).")
@click.option("--db", "db", default=None, type=click.Path(dir_okay=False),
              help="A corpus store: A and B may then be stored document ids (as printed by stories/story/match).")
def compare(a, b, as_json, html_path, pairs_path, output, no_embeddings, require_embeddings, no_findings, max_bytes, nli_model, db) -> None:  # noqa: ANN001
    """Align two versions of a story (files, or '-' for stdin) and show what changed.

    \b
    unspun compare original.txt rewrite.html
    unspun compare a.txt b.txt --json > result.json
    unspun compare a.txt b.txt --html report.html
    unspun compare --pairs pairs.jsonl --json > results.jsonl
    unspun compare --db news.duckdb DOC_ID rewrite.txt
    """
    try:
        opts = _compare_options(no_embeddings, require_embeddings, no_findings, max_bytes, nli_model)
        if pairs_path:
            if a or b:
                raise click.UsageError("give either two documents or --pairs, not both")
            sys.exit(_batch(pairs_path, output, opts))
        if not a or not b:
            raise click.UsageError("compare needs two documents A and B (or --pairs FILE)")
        if a == "-" and b == "-":
            raise click.UsageError("only one of A and B can be read from stdin")
        from unspun.pipeline import Comparer

        comparer = Comparer(opts)
        if db:
            from unspun.store import stored_or_path

            result = comparer.compare(*stored_or_path(db, [a, b], _source))
        else:
            result = comparer.compare(_source(a), _source(b))
    except UnspunError as exc:
        _fail(exc)
        return
    if html_path:
        from unspun.report.html import render_html

        _atomic_write(Path(html_path), render_html(result))
    if as_json:
        _emit_json(comparison_to_dict(result))
    else:
        from unspun.report.terminal import render

        render(result)
        if html_path:
            click.echo(f"HTML report written to {html_path}", err=True)


def _source(arg: str):  # noqa: ANN202
    class _Stdin(os.PathLike):
        def __fspath__(self) -> str:
            return "-"

    return _Stdin() if arg == "-" else Path(arg)


def _count_lines(path: Path) -> int:
    """Lines of a file, read in 1 MB blocks (for the progress bar)."""
    n = 0
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            n += block.count(b"\n")
    return n


def _atomic_write(path: Path, text: str) -> None:
    """Write next to the target and rename, so a failure never leaves half a file."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(str(path), f"cannot write ({exc.strerror or exc})") from None


def _batch(pairs_path: str, output: str | None, opts) -> int:  # noqa: ANN001
    """One JSON result per input line; a bad line gets an error result and the batch goes on."""
    from rich.progress import Progress

    from unspun.pipeline import Comparer, compare_lines

    if pairs_path == "-":
        stream, total = sys.stdin.buffer, None
    else:
        p = Path(pairs_path)
        if not p.is_file():
            raise InputError(pairs_path, "no such file" if not p.exists() else "not a regular file")
        try:
            stream = p.open("rb")
            total = _count_lines(p)
        except OSError as exc:
            raise InputError(pairs_path, f"cannot be read ({exc.strerror or exc})") from None
    comparer = Comparer(opts)
    for w in comparer.warnings:
        click.echo(f"unspun: warning: {w}", err=True)
    out: Any = sys.stdout
    if output:
        try:
            out = open(output, "w", encoding="utf-8")
        except OSError as exc:
            raise InputError(output, f"cannot write the results ({exc.strerror or exc})") from None
    from unspun.report.json import batch_result_to_dict

    failed = done = 0
    base = Path(pairs_path).parent if pairs_path != "-" else Path.cwd()
    try:
        with Progress(transient=True, disable=not sys.stderr.isatty(), console=_stderr_console()) as progress:
            task = progress.add_task("comparing", total=total)
            for item_id, result in compare_lines(comparer, enumerate(stream, 1), pairs_path, base):
                progress.advance(task)
                done += 1
                failed += isinstance(result, UnspunError)
                out.write(json.dumps(batch_result_to_dict(item_id, result), ensure_ascii=False) + "\n")
                out.flush()
    finally:
        if output:
            out.close()
        if stream is not sys.stdin.buffer:
            stream.close()
    if failed:
        click.echo(f"unspun: {failed} of {done} pair(s) rejected; see their 'error' results", err=True)
    return EXIT_PARTIAL if failed else EXIT_OK


DB_OPTION = click.option("--db", default="unspun.duckdb", show_default=True, type=click.Path(dir_okay=False),
                         help="The corpus store (an embedded DuckDB file).")


ANN_OPTION = click.option("--ann", type=click.Choice(list(config.ANN_MODES)), default="auto", show_default=True,
                          help=f"Nearest-neighbour search: exact, HNSW (faiss), or auto (HNSW from {config.ANN_MIN_DOCS:,} documents).")


def _print_notes(notes: list[str]) -> None:
    for n in notes:
        click.echo(f"unspun: note: {n}", err=True)


def _corpus(db: str, *, create: bool, wait: float = 0.0, **options):  # noqa: ANN003, ANN202
    """The local engine over ``db``. ``wait``: seconds a writer (ingest, import) waits for a lock
    another process holds (``serve`` holds it only while it answers a request); readers fail at
    once with :class:`~unspun.errors.StoreBusy`."""
    import time

    from unspun.corpus import Corpus, CorpusOptions
    from unspun.errors import StoreBusy

    deadline = time.monotonic() + wait
    while True:
        try:
            return Corpus(db, CorpusOptions(**options), create=create)
        except StoreBusy:
            if time.monotonic() >= deadline:
                raise
            time.sleep(WRITER_RETRY)


# Seconds between a writer's attempts to take a busy store, and how long it keeps trying.
WRITER_RETRY = 0.2
WRITER_WAIT = 10.0


@main.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True)
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--no-stories", is_flag=True, help="Only store the documents; verify candidates later (`unspun ingest` again or `unspun stories`).")
@click.option("--batch-size", type=click.IntRange(min=1), default=config.INGEST_BATCH_SIZE, show_default=True, help="Documents per transaction.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None, help="Largest document accepted (default 50 MB).")
@ANN_OPTION
def ingest(paths, db, as_json, no_stories, batch_size, max_bytes, ann) -> None:  # noqa: ANN001
    """Add files, directories, globs, JSONL and WARC files to the store, and update the stories.

    \b
    Idempotent: the same id with the same content adds nothing; the same content under
    another id is a new document linked as a copy. Resumable: an interrupted ingest
    keeps every committed batch; run it again to finish.
    \b
    unspun ingest articles/ feed.jsonl crawl.warc.gz --db news.duckdb
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    try:
        corpus = _corpus(db, create=True, wait=WRITER_WAIT, batch_size=batch_size, max_bytes=max_bytes, ann=ann)
    except UnspunError as exc:
        _fail(exc)
        return
    console = _stderr_console()
    with corpus, Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          console=console, transient=True, disable=as_json or not console.is_terminal) as progress:
        tasks: dict[str, Any] = {}

        def report(phase: str, done: int, total: int | None) -> None:
            if phase not in tasks:
                label = {"documents": "reading documents", "stories": "finding stories", "summaries": "updating stories"}.get(phase, phase)
                tasks[phase] = progress.add_task(label, total=total)
            progress.update(tasks[phase], completed=done, total=total)

        try:
            summary = corpus.ingest(list(paths), stories=not no_stories, progress=report)
            totals = corpus.summary()
            _print_notes(corpus.notes())
        except UnspunError as exc:
            _fail(exc)
            return
    out = {**summary.to_dict(), "store": {"path": db, **totals}}
    if as_json:
        _emit_json(out)
    else:
        _print_ingest(out)
    sys.exit(EXIT_PARTIAL if summary.rejected else EXIT_OK)


def _print_ingest(out: dict) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    t = Table(title=escape(f"ingest into {out['store']['path']}"), show_header=False)
    for k in ("read", "added", "duplicates", "copies"):
        t.add_row(k, str(out[k]))
    t.add_row("rejected", str(len(out["rejected"])))
    t.add_row("pairs checked", str(out["pairs_checked"]))
    t.add_row("store", f"{out['store']['documents']} documents, {out['store']['stories']} stories")
    t.add_row("time", f"{out['seconds']['documents']} s documents, {out['seconds']['stories']} s stories")
    console.print(t)
    for r in out["rejected"][:20]:
        console.print(f"[yellow]rejected[/] {escape(one_line(r['source']))}: {escape(one_line(r['reason']))} ({r['stage']})")
    if len(out["rejected"]) > 20:
        console.print(f"... and {len(out['rejected']) - 20} more (use --json for all)")


@main.command(context_settings=CONTEXT)
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the stories as JSON.")
@click.option("--no-findings", is_flag=True, help="Skip drift findings (faster on a large store).")
def stories(db, as_json, no_findings) -> None:  # noqa: ANN001
    """List story clusters: members, sources, date span, relations and the most serious changes."""
    try:
        with _corpus(db, create=False) as corpus:
            items = corpus.stories(findings=not no_findings)
            _print_notes(corpus.notes())
    except UnspunError as exc:
        _fail(exc)
        return
    if as_json:
        _emit_json({"stories": items})
        return
    from rich.console import Console

    from unspun.report.terminal import render_story_table

    Console().print(render_story_table(items, f"{len(items)} stories in {db}"))


@main.command(context_settings=CONTEXT)
@click.argument("story_id")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the reuse graph as JSON.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, writable=True),
              help="Write a self-contained HTML report: reuse graph, changes along the way, versions.")
def story(story_id, db, as_json, html_path) -> None:  # noqa: ANN001
    """One story's reuse graph: the likely origin, who derived from whom, and the evidence.

    \b
    unspun story s1a2b3c4d5 --db news.duckdb
    unspun story s1a2b3c4d5 --db news.duckdb --html story.html
    """
    try:
        with _corpus(db, create=False) as corpus:
            item = corpus.story(story_id, findings=True if html_path else None)
            _print_notes(corpus.notes())
        if html_path and not item.get("merged_into"):
            from unspun.report.html import render_story_html

            _atomic_write(Path(html_path), render_story_html(item))
            click.echo(f"HTML report written to {html_path}", err=True)
    except UnspunError as exc:
        _fail(exc)
        return
    if as_json:
        _emit_json(item)
        return
    if item.get("merged_into"):
        click.echo(f"{item['id']} was merged into {item['merged_into']} (see `unspun story {item['merged_into']}`)")
        return
    if html_path:
        return
    from rich.console import Console

    from unspun.report.terminal import render_story_tree

    console = Console()
    console.print(render_story_tree(item))


@main.command(context_settings=CONTEXT)
@click.argument("file")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the matches as JSON.")
@click.option("--limit", type=click.IntRange(min=1), default=config.MATCH_LIMIT, show_default=True, help="Most stories to return.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None, help="Largest article accepted (default 50 MB or $UNSPUN_MAX_BYTES).")
@ANN_OPTION
def match(file, db, as_json, limit, max_bytes, ann) -> None:  # noqa: ANN001
    """Which stored stories does this new article (a file, or '-') rewrite? Best first."""
    try:
        with _corpus(db, create=False, ann=ann, max_bytes=max_bytes) as corpus:
            found = corpus.match(_source(file), limit=limit)
    except UnspunError as exc:
        _fail(exc)
        return
    if as_json:
        from unspun.report.json import match_to_dict

        _emit_json({"matches": [match_to_dict(m) for m in found]})
        return
    if not found:
        click.echo("no stored story matches this article")
        return
    for m in found:
        what = m.story if m.story else f"no story yet, closest document {one_line(m.documents[0].id)}"
        click.echo(f"{what}  score {m.score:.2f}  ({m.members} stored versions): {one_line(', '.join(d.id for d in m.documents[:5]))}")


@main.command(context_settings=CONTEXT)
@DB_OPTION
@click.option("--host", default=config.SERVE_HOST, show_default=True,
              help="Interface to listen on. Anything but 127.0.0.1/localhost exposes the store to your network.")
@click.option("--port", default=config.SERVE_PORT, show_default=True, type=click.IntRange(1, 65535))
def serve(db, host, port) -> None:  # noqa: ANN001
    """Browse a store in the browser (read-only): stories, reuse graphs, pairs with the changed
    words marked, documents; JSON twins under /api (see /api/docs).

    \b
    unspun serve --db news.duckdb            # then open http://127.0.0.1:8000
    """
    try:
        from unspun.web import create_app

        app = create_app(db, allowed_hosts=_served_names(host))
    except UnspunError as exc:
        _fail(exc)
        return
    import uvicorn

    click.echo(f"unspun: serving {db} read-only at http://{host if ':' not in host else f'[{host}]'}:{port} (Ctrl-C stops)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@main.command("spark", context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--out", "out", required=True, type=click.Path(file_okay=False),
              help="Output directory: one Parquet directory per stage (documents, candidates, vectors, pairs, stories).")
@click.option("--master", default="local[2]", show_default=True, help="Spark master URL (local[N], spark://..., yarn).")
@click.option("--partitions", type=click.IntRange(1, 100_000), default=None, help="Tasks per stage (default: 2 per local core).")
@click.option("--search", type=click.Choice(["auto", "exact", "blocked"]), default="auto", show_default=True,
              help="Candidate search: exact (one broadcast index), blocked (LSH buckets, for corpora too big to "
                   "broadcast), auto (exact up to 200,000 documents).")
@click.option("--add", "add", is_flag=True,
              help="Add PATHS to the complete run in --out: only the new documents are represented and only new "
                   "pairs verified; the result is the same as one run over all the inputs. Resumable.")
@click.option("--json", "as_json", is_flag=True, help="Print what each stage did as JSON.")
def spark_cmd(paths, out, master, partitions, search, add, as_json) -> None:  # noqa: ANN001
    """Run the corpus stages on Apache Spark (the `spark` extra): read, represent, find candidates,
    verify, group into stories. JSONL, Parquet (same fields as columns) or WARC. Resumes from the
    last complete stage.

    \b
    unspun spark crawl/*.jsonl --out run/ --master local[2]
    unspun spark crawl-tuesday.jsonl --out run/ --add   # new documents into the same run
    unspun import run/ --db news.duckdb     # then: unspun stories --db news.duckdb
    """
    try:
        from unspun.engines.spark import SparkOptions, run as spark_run

        report = spark_run(list(paths), out, SparkOptions(master=master, partitions=partitions, search=search), add=add,
                           progress=None if as_json else lambda stage, sec: click.echo(f"{stage}: done in {sec:.1f} s", err=True))
    except UnspunError as exc:
        _fail(exc)
        return
    if as_json:
        _emit_json(report)
        return
    for stage, what in report["stages"].items():
        click.echo(f"{stage:12} " + (what["skipped"] if "skipped" in what else f"{what['rows']} rows in {what['seconds']} s"))
    click.echo(f"rejected     {report['rejected']} records")
    click.echo(f"next: unspun import {out} --db FILE")


@main.command("import", context_settings=CONTEXT)
@click.argument("out", type=click.Path(file_okay=False))
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def import_cmd(out, db, as_json) -> None:  # noqa: ANN001
    """Load a Spark run (`unspun spark ... --out DIR`) into a store, with the stories the run built
    (or, into a store that already holds documents, rebuilt here), so `stories`, `story`, `match`
    and `serve` work on it."""
    try:
        from unspun.store import run_files

        run_files(out)  # a missing or incomplete run is refused before the store is touched
        with _corpus(db, create=True, wait=WRITER_WAIT) as corpus:
            added = corpus.store.import_run(out)
            if added.pop("stories_from_run"):
                counts = {"stories": corpus.store.count("stories"), "from_run": True}
            else:  # the run built no stories, or the store already held documents: the story kernels run here
                corpus.build_stories()
                counts = {**corpus.refresh_stories(), "from_run": False}
            result = {"added": added, "stories": counts, "store": corpus.summary()}
    except UnspunError as exc:
        _fail(exc)
        return
    if as_json:
        _emit_json(result)
        return
    a = result["added"]
    click.echo(f"imported {a['documents']} documents, {a['pairs']} pairs, {a['rejected']} rejected records into {db}; "
               f"{counts['stories']} stories")


def _served_names(host: str) -> list[str]:
    """Host names a browser may use for this server beyond the local ones (DNS-rebinding guard)."""
    if host in ("127.0.0.1", "localhost", "::1"):
        return []
    return ["*"] if host in ("0.0.0.0", "::") else [host]


def _stderr_console():  # noqa: ANN202
    from rich.console import Console

    return Console(stderr=True)


def run() -> None:  # pragma: no cover - console entry for unexpected errors
    """The console entry: click's own handling, except that Ctrl-C exits 130 (click would print
    "Aborted!" and exit 1) and an unexpected exception is one line, not a traceback."""
    try:
        main.main(standalone_mode=False)
    except click.exceptions.Abort:
        _interrupted()
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except UnspunError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        _interrupted()
    except BrokenPipeError:  # the reader went away (`unspun stories | head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_OK)
    except Exception as exc:  # a bug: say so in one line
        if type(exc).__name__ == "InterruptException" or str(exc).startswith("Query interrupted"):
            _interrupted()  # DuckDB turns Ctrl-C during a query into its own exception, keep the traceback for --debug users
        if os.environ.get("UNSPUN_DEBUG"):
            raise
        click.echo(f"unspun: internal error: {type(exc).__name__}: {one_line(str(exc))} (set UNSPUN_DEBUG=1 for a traceback)", err=True)
        sys.exit(EXIT_INTERNAL)


def _interrupted() -> None:
    click.echo("unspun: interrupted (nothing half-written is kept: committed batches stay, rerun to resume)", err=True)
    sys.exit(EXIT_INTERRUPTED)
