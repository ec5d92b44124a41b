"""Stage 1 for corpora: walk paths, directories, globs, JSONL and WARC files.

:func:`iter_sources` yields a :class:`RawDocument` per document, or a
:class:`Rejected` with the reason when one cannot be read; one bad record never
stops a batch.

Document ids: the JSONL ``id`` when given, else the path as given (for files), else
(WARC) the record's target URI plus its record id.
"""

from __future__ import annotations

import glob
import gzip
import io
import json
import os
from pathlib import Path
from typing import Any, Iterator

from unspun.errors import InputError
from unspun.read import max_bytes_default, read_path, read_text
from unspun.records import RawDocument, Rejected

TEXT_EXT = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml"}
JSONL_EXT = (".jsonl", ".jsonl.gz", ".ndjson")
WARC_EXT = (".warc", ".warc.gz", ".arc", ".arc.gz")
PARQUET_EXT = (".parquet",)
# Rows read from a Parquet file at a time (DuckDB streams the file; memory stays bounded).
PARQUET_BATCH = 1024


def kind_of(path: str) -> str | None:
    low = path.lower()
    if low.endswith(JSONL_EXT):
        return "jsonl"
    if low.endswith(WARC_EXT):
        return "warc"
    if low.endswith(PARQUET_EXT):
        return "parquet"
    if Path(low).suffix in TEXT_EXT:
        return "file"
    return None


def expand(paths: list[str]) -> Iterator[str | Rejected]:
    """Files named, found in directories (recursively, sorted) or matched by globs."""
    for p in paths:
        if any(ch in p for ch in "*?[") and not Path(p).exists():
            hits = sorted(glob.glob(p, recursive=True))
            if not hits:
                yield Rejected(p, "read", "no file matches this pattern")
            for h in hits:
                if Path(h).is_file():
                    yield h
            continue
        path = Path(p)
        if path.is_dir():
            found = False
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for f in sorted(files):
                    full = os.path.join(root, f)
                    if kind_of(full) and not f.startswith("."):
                        found = True
                        yield full
            if not found:
                yield Rejected(p, "read", "directory holds no .txt/.md/.html/.jsonl/.warc/.parquet files")
        elif path.exists():
            yield p
        else:
            yield Rejected(p, "read", "no such file")


def iter_sources(paths: list[str], *, max_bytes: int | None = None) -> Iterator[RawDocument | Rejected]:
    limit = max_bytes if max_bytes is not None else max_bytes_default()
    for item in expand(paths):
        if isinstance(item, Rejected):
            yield item
            continue
        kind = kind_of(item) or "file"
        if kind == "jsonl":
            yield from read_jsonl(item, max_bytes=limit)
        elif kind == "warc":
            yield from read_warc(item, max_bytes=limit)
        elif kind == "parquet":
            yield from read_parquet(item, max_bytes=limit)
        else:
            try:
                yield read_path(item, max_bytes=limit)
            except InputError as exc:
                yield Rejected(item, "read", exc.problem)


def read_jsonl(path: str, *, max_bytes: int) -> Iterator[RawDocument | Rejected]:
    """One record per line: ``id``, ``text`` or ``html``, optional url, title, published, source."""
    try:
        raw = Path(path).read_bytes()
        if path.endswith(".gz"):
            raw = gzip.decompress(raw)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        yield Rejected(path, "read", f"cannot be read ({exc})")
        return
    for n, line in enumerate(io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8", errors="replace"), 1):
        where = f"{path}:{n}"
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Rejected(where, "read", f"not valid JSON ({exc.msg})")
            continue
        yield raw_from_record(rec, where, max_bytes=max_bytes)


def read_parquet(path: str, *, max_bytes: int) -> Iterator[RawDocument | Rejected]:
    """One record per row, the JSONL fields as columns (``id``, ``text`` or ``html``, ``url``,
    ``title``, ``published``, ``source``; other columns are ignored). ``file#row`` names a row."""
    import duckdb

    try:
        con = duckdb.connect()
        cur = con.execute("SELECT * FROM read_parquet(?)", [path])
    except duckdb.Error as exc:
        yield Rejected(path, "read", f"cannot be read as Parquet ({str(exc).splitlines()[0][:120]})")
        return
    names = [d[0] for d in cur.description]
    n = 0
    try:
        while rows := cur.fetchmany(PARQUET_BATCH):
            for row in rows:
                n += 1
                yield raw_from_record(dict(zip(names, row)), f"{path}#{n}", max_bytes=max_bytes)
    except duckdb.Error as exc:
        yield Rejected(f"{path}#{n + 1}", "read", f"unreadable Parquet row ({str(exc).splitlines()[0][:120]})")
    finally:
        con.close()


def raw_from_record(rec: Any, where: str, *, max_bytes: int) -> RawDocument | Rejected:
    """One JSONL record (or Parquet row) as a RawDocument: ``id``, ``text`` or ``html``, optional
    ``url``, ``title``, ``published``, ``source``; ``where`` ("file:line") names it in a rejection
    and stands in for a missing id. Shared by the local reader and the Spark engine."""
    if not isinstance(rec, dict):
        return Rejected(where, "read", "record is not a JSON object")
    doc_id = str(rec.get("id") or where)
    body, fmt = (rec.get("html"), "html") if rec.get("html") else (rec.get("text"), None)
    if not isinstance(body, str) or not body.strip():
        return Rejected(where, "read", "record has no 'text' or 'html'", doc_id)
    try:
        doc = read_text(body, doc_id=doc_id, format=fmt, max_bytes=max_bytes)
    except InputError as exc:
        return Rejected(where, "read", exc.problem, doc_id)
    meta = {k: (v if isinstance(v, str) else str(v)) for k in ("url", "title", "published", "source") if (v := rec.get(k))}
    meta["path"] = where
    return RawDocument(doc.id, doc.text, doc.format, doc.encoding, meta)


def read_warc(path: str, *, max_bytes: int) -> Iterator[RawDocument | Rejected]:
    """HTML responses of a WARC/WARC.gz file; broken records become rejections."""
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError:
        yield Rejected(path, "read", "reading WARC files needs the optional extra 'corpus' (pip install 'unspun[corpus]')")
        return
    try:
        stream = open(path, "rb")
    except OSError as exc:
        yield Rejected(path, "read", f"cannot be read ({exc.strerror or exc})")
        return
    with stream:
        n = 0
        try:
            for record in ArchiveIterator(stream, arc2warc=True):
                n += 1
                if record.rec_type != "response":
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                rid = record.rec_headers.get_header("WARC-Record-ID") or f"#{n}"
                doc_id = f"{uri} {rid}".strip()
                ctype = (record.http_headers.get_header("Content-Type") or "") if record.http_headers else ""
                if "html" not in ctype.lower():
                    continue
                try:
                    body = record.content_stream().read(max_bytes + 1)
                except Exception as exc:  # noqa: BLE001 - warcio raises many types on broken bodies
                    yield Rejected(f"{path}#{n}", "read", f"broken WARC record body ({type(exc).__name__})", doc_id)
                    continue
                if len(body) > max_bytes:
                    yield Rejected(f"{path}#{n}", "read", "record body is too large", doc_id)
                    continue
                try:
                    doc = read_text(body, doc_id=doc_id, format="html", max_bytes=max_bytes)
                except InputError as exc:
                    yield Rejected(f"{path}#{n}", "read", exc.problem, doc_id)
                    continue
                date = record.rec_headers.get_header("WARC-Date")
                yield RawDocument(doc.id, doc.text, "html", doc.encoding, {"url": uri, "crawled": date, "path": path})
        except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
            yield Rejected(path, "read", f"broken or truncated WARC after {n} record(s) ({type(exc).__name__}: {str(exc)[:80]})")
