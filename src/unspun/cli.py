"""The ``unspun`` command: a thin shell over the library.

Every command parses options into the library's options objects, calls the
library, and turns :class:`unspun.errors.UnspunError` into one line on stderr and a
documented exit code (see :mod:`unspun.errors`).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from unspun.errors import EXIT_INTERNAL, EXIT_OK, EXIT_PARTIAL, InputError, UnspunError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _fail(exc: UnspunError) -> None:
    click.echo(f"unspun: error: {exc}", err=True)
    sys.exit(exc.exit_code)


def _emit_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False))


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="unspun", prog_name="unspun")
def main() -> None:
    """Find every rewrite of a news story and show what each one changed.

    \b
    Exit codes: 0 ok, 1 internal error, 2 usage error, 3 bad input file,
    4 missing optional extra or model, 5 batch finished with rejected items.
    """


@main.command(context_settings=CONTEXT)
@click.option("--force", is_flag=True, help="Rebuild even if the files exist.")
def setup(force: bool) -> None:
    """Build the derived model files (ONNX encoder) from installed packages, offline.

    Writes to $UNSPUN_CACHE_DIR (default ~/.cache/unspun). Needs the 'embed' and
    'build' extras once; nothing is downloaded.
    """
    from unspun.represent.build import build_encoder

    try:
        build_encoder(force=force, log=lambda m: click.echo(m, err=True))
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
def compare(a, b, as_json, html_path, pairs_path, output, no_embeddings, require_embeddings, no_findings, max_bytes, nli_model) -> None:  # noqa: ANN001
    """Align two versions of a story (files, or '-' for stdin) and show what changed.

    \b
    unspun compare original.txt rewrite.html
    unspun compare a.txt b.txt --json > result.json
    unspun compare a.txt b.txt --html report.html
    unspun compare --pairs pairs.jsonl --json > results.jsonl
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
        result = comparer.compare(_source(a), _source(b))
    except UnspunError as exc:
        _fail(exc)
        return
    if html_path:
        from unspun.report.html import render_html

        _atomic_write(Path(html_path), render_html(result))
    if as_json:
        _emit_json(result.to_dict())
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


def _atomic_write(path: Path, text: str) -> None:
    """Write next to the target and rename, so a failure never leaves half a file."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(str(path), f"cannot write ({exc.strerror or exc})")


def _batch(pairs_path: str, output: str | None, opts) -> int:  # noqa: ANN001
    """One JSON result per input line; a bad line gets an error result and the batch goes on."""
    from rich.progress import Progress

    from unspun.pipeline import Comparer, batch_item_sources

    if pairs_path == "-":
        lines = sys.stdin.read().splitlines()
    else:
        p = Path(pairs_path)
        if not p.is_file():
            raise InputError(pairs_path, "no such file" if not p.exists() else "not a regular file")
        try:
            lines = p.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            raise InputError(pairs_path, "is not UTF-8 JSON Lines")
    comparer = Comparer(opts)
    for w in comparer.warnings:
        click.echo(f"unspun: warning: {w}", err=True)
    out = open(output, "w", encoding="utf-8") if output else sys.stdout
    failed = 0
    try:
        with Progress(transient=True, disable=not sys.stderr.isatty(), console=_stderr_console()) as progress:
            task = progress.add_task("comparing", total=len(lines))
            for n, line in enumerate(lines, 1):
                progress.advance(task)
                if not line.strip():
                    continue
                item_id: Any = f"line-{n}"
                try:
                    try:
                        item = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise InputError(f"{pairs_path}:{n}", f"not valid JSON ({exc.msg})")
                    if not isinstance(item, dict):
                        raise InputError(f"{pairs_path}:{n}", "each line must be a JSON object")
                    item_id = item.get("id", item_id)
                    a, b = batch_item_sources(item, f"{pairs_path}:{n}", base=Path(pairs_path).parent if pairs_path != "-" else Path.cwd())
                    result = {"id": item_id, **comparer.compare(a, b).to_dict()}
                except UnspunError as exc:
                    failed += 1
                    result = {"id": item_id, "error": {"message": str(exc), "exit_code": exc.exit_code}}
                out.write(json.dumps(result, ensure_ascii=False) + "\n")
                out.flush()
    finally:
        if output:
            out.close()
    if failed:
        click.echo(f"unspun: {failed} of {len(lines)} pair(s) rejected; see their 'error' results", err=True)
    return EXIT_PARTIAL if failed else EXIT_OK


def _stderr_console():  # noqa: ANN202
    from rich.console import Console

    return Console(stderr=True)


def run() -> None:  # pragma: no cover - console entry for unexpected errors
    try:
        main()
    except UnspunError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        click.echo("unspun: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: say so in one line, keep the traceback for --debug users
        if os.environ.get("UNSPUN_DEBUG"):
            raise
        click.echo(f"unspun: internal error: {type(exc).__name__}: {exc} (set UNSPUN_DEBUG=1 for a traceback)", err=True)
        sys.exit(EXIT_INTERNAL)
