"""Stage 1 for corpora: walk paths, directories, globs, JSONL and WARC files.

:func:`iter_sources` yields a :class:`RawDocument` per document, or a
:class:`Rejected` with the reason when one cannot be read; one bad record never
stops a batch.

Document ids: the JSONL ``id`` when given, else the path as given (for files), else
(WARC) the record's target URI plus its record id.
"""

from __future__ import annotations

import contextlib
import glob
import gzip
import io
import json
import os
import zlib
from pathlib import Path
from typing import Any, Iterator

from unspun.errors import InputError, brief
from unspun.limits import GZIP_SLACK, MAX_GZIP_RATIO, MAX_ID_CHARS, MAX_META_CHARS
from unspun.read import max_bytes_default, read_path, read_text, size_text
from unspun.read.decode import storable
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
    """One record per line: ``id``, ``text`` or ``html``, optional url, title, published, source.

    Read as a stream (a ``.jsonl.gz`` is never decompressed whole): memory is bounded by the
    longest line accepted (``max_bytes``); a longer line is rejected and skipped unread. A
    ``.gz`` that expands past :data:`~unspun.limits.MAX_GZIP_RATIO` times its size (a gzip bomb)
    or breaks off (corrupt, truncated) becomes one rejection naming the line it stopped at; the
    records before it are kept.
    """
    gz = path.lower().endswith(".gz")
    try:
        raw = open(path, "rb")
    except OSError as exc:
        yield Rejected(path, "read", f"cannot be read ({exc.strerror or exc})")
        return
    with raw:
        stream: Any = gzip.GzipFile(fileobj=raw, mode="rb") if gz else raw
        n = 0
        expanded = 0
        try:
            while True:
                line = stream.readline(max_bytes + 1)
                if not line:
                    return
                n += 1
                expanded += len(line)
                if len(line) > max_bytes and not line.endswith(b"\n"):
                    while (more := stream.readline(_SKIP_CHUNK)) and not more.endswith(b"\n"):
                        expanded += len(more)
                        _check_ratio(gz, expanded, raw)
                    expanded += len(more)
                    yield Rejected(f"{path}:{n}", "read", f"line is longer than the limit ({size_text(max_bytes)}; set --max-bytes to raise it)")
                    continue
                _check_ratio(gz, expanded, raw)
                if line.strip():
                    yield record_from_line(line, f"{path}:{n}", max_bytes=max_bytes)
        except _Bomb:
            yield Rejected(f"{path}:{n}", "read", f"expands to more than {MAX_GZIP_RATIO}x its compressed size "
                           f"(a gzip bomb?); stopped at line {n}, the rest of the file is skipped")
        except (OSError, EOFError, zlib.error) as exc:
            what = "corrupt or truncated gzip data" if gz else "read error"
            kind = "zlib" if isinstance(exc, zlib.error) else type(exc).__name__
            yield Rejected(f"{path}:{n + 1}", "read", f"{what} after line {n} ({kind}: {brief(exc)}); "
                           "the rest of the file is skipped")


# Bytes read at a time while skipping an over-long line.
_SKIP_CHUNK = 1 << 20


class _Bomb(Exception):
    """A compressed input expanding past MAX_GZIP_RATIO."""


def _check_ratio(gz: bool, expanded: int, raw: Any) -> None:
    if gz and expanded > MAX_GZIP_RATIO * max(raw.tell(), 1) + GZIP_SLACK:
        raise _Bomb


def record_from_line(line: bytes | str, where: str, *, max_bytes: int) -> RawDocument | Rejected:
    """One JSONL line as a RawDocument, or a rejection saying why not (never an exception).
    Bytes that are not UTF-8 become U+FFFD, as in any text file read here."""
    if isinstance(line, bytes):
        line = line.decode("utf-8-sig" if line.startswith(b"\xef\xbb\xbf") else "utf-8", errors="replace")
    rec, problem = parse_json(line)
    if problem:
        return Rejected(where, "read", problem)
    return raw_from_record(rec, where, max_bytes=max_bytes)


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


def parse_json(text: str) -> tuple[Any, str | None]:
    """``(value, None)``, or ``(None, why not)`` for text that is not JSON or that Python will not
    read (nesting deeper than its recursion limit, an integer of more than 4,300 digits). One
    reading for JSONL records and ``compare --pairs`` lines."""
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON ({exc.msg})"
    except RecursionError:
        return None, "not usable JSON (nested too deeply)"
    except ValueError as exc:  # Python refuses integers of more than 4,300 digits
        return None, f"not usable JSON ({'a number has too many digits' if 'digits' in str(exc) else brief(exc)})"


def raw_from_record(rec: Any, where: str, *, max_bytes: int) -> RawDocument | Rejected:
    """One JSONL record (or Parquet row) as a RawDocument: ``id``, ``text`` or ``html``, optional
    ``url``, ``title``, ``published``, ``source``; ``where`` ("file:line") names it in a rejection
    and stands in for a missing id. Shared by the local reader and the Spark engine.

    Untrusted values are checked here: an id is a string or a number, at most
    :data:`~unspun.limits.MAX_ID_CHARS` long, with no lone surrogate; text and metadata are made
    storable (:func:`~unspun.read.decode.storable`); an over-long metadata field rejects the record.
    """
    if not isinstance(rec, dict):
        return Rejected(where, "read", "record is not a JSON object")
    doc_id, problem = record_id(rec.get("id"), where)
    if problem:
        return Rejected(where, "read", problem)
    body, fmt = (rec.get("html"), "html") if rec.get("html") else (rec.get("text"), None)
    if not isinstance(body, str) or not body.strip():
        return Rejected(where, "read", "record has no 'text' or 'html'", doc_id)
    meta: dict[str, str] = {}
    for k in ("url", "title", "published", "source"):
        v = rec.get(k)
        if v is None or v == "":
            continue
        text = storable(v if isinstance(v, str) else str(v))
        if len(text) > MAX_META_CHARS:
            return Rejected(where, "read", f"'{k}' is longer than {MAX_META_CHARS:,} characters", doc_id)
        meta[k] = text
    try:
        doc = read_text(storable(body), doc_id=doc_id, format=fmt, max_bytes=max_bytes)
    except InputError as exc:
        return Rejected(where, "read", exc.problem, doc_id)
    meta["path"] = where
    return RawDocument(doc.id, doc.text, doc.format, doc.encoding, meta)


def record_id(value: Any, where: str) -> tuple[str, str | None]:
    """``(id, problem)``: a record's id as stored text, or why it cannot be one. A missing or
    empty id becomes ``where``."""
    if value is None or value == "":
        return where, None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return where, f"'id' must be a string or a number, not {type(value).__name__}"
    text = value if isinstance(value, str) else str(value)
    if len(text) > MAX_ID_CHARS:
        return where, f"'id' is longer than {MAX_ID_CHARS:,} characters"
    if storable(text) != text:
        return where, "'id' is not storable text (a lone surrogate or NUL character)"
    if not text.strip():
        return where, "'id' is only whitespace"
    return text, None


def read_warc(path: str, *, max_bytes: int) -> Iterator[RawDocument | Rejected]:
    """HTML responses of a WARC/WARC.gz file; a broken record becomes a rejection naming it.

    warcio's own warnings (written to stderr) are kept off the user's terminal. A response
    without ``WARC-Target-URI`` (warcio itself fails on one) is a rejection. When the archive
    itself breaks (truncated, corrupt), the records before are kept and the rest of the file is
    one rejection.
    """
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        yield Rejected(path, "read", "reading WARC files needs the optional extra 'corpus' (pip install 'unspun[corpus]')")
        return
    try:
        stream = open(path, "rb")
    except OSError as exc:
        yield Rejected(path, "read", f"cannot be read ({exc.strerror or exc})")
        return
    with stream:
        records = ArchiveIterator(stream, arc2warc=True)
        parse_http = records.loader.load_http_headers
        # warcio calls uri.startswith() on a missing WARC-Target-URI; treat it as no URI instead.
        records.loader.load_http_headers = lambda rec_type, uri, *rest: parse_http(rec_type, uri or "", *rest)
        n = 0
        while True:
            try:
                with contextlib.redirect_stderr(io.StringIO()):
                    record = next(records, None)
            except Exception as exc:  # noqa: BLE001 - warcio raises many types on broken archives
                yield Rejected(path, "read", f"broken or truncated WARC after {n} record(s) ({type(exc).__name__}: "
                               f"{brief(exc, 80)}); the rest of the file is skipped")
                return
            if record is None:
                return
            n += 1
            if record.rec_type != "response":
                continue
            try:
                with contextlib.redirect_stderr(io.StringIO()):
                    item = _warc_response(record, f"{path}#{n}", path, max_bytes)
            except Exception as exc:  # noqa: BLE001 - a broken body, header or encoding in one record
                item = Rejected(f"{path}#{n}", "read", f"broken WARC record ({type(exc).__name__}: {brief(exc, 80)})")
            if item is not None:
                yield item


def _warc_response(record: Any, where: str, path: str, max_bytes: int) -> RawDocument | Rejected | None:
    """One WARC response record as a document, a rejection, or None when it is not HTML."""
    uri = storable(record.rec_headers.get_header("WARC-Target-URI") or "")
    if not uri:
        return Rejected(where, "read", "WARC response record without WARC-Target-URI")
    rid = storable(record.rec_headers.get_header("WARC-Record-ID") or where.rsplit("#", 1)[-1])
    doc_id = f"{uri} {rid}".strip()
    if len(doc_id) > MAX_ID_CHARS:
        return Rejected(where, "read", f"WARC-Target-URI is longer than {MAX_ID_CHARS:,} characters")
    ctype = (record.http_headers.get_header("Content-Type") or "") if record.http_headers else ""
    if "html" not in ctype.lower():
        return None
    body = record.content_stream().read(max_bytes + 1)
    if len(body) > max_bytes:
        return Rejected(where, "read", "record body is too large", doc_id)
    try:
        doc = read_text(body, doc_id=doc_id, format="html", max_bytes=max_bytes)
    except InputError as exc:
        return Rejected(where, "read", exc.problem, doc_id)
    date = storable(record.rec_headers.get_header("WARC-Date") or "") or None
    return RawDocument(doc.id, doc.text, "html", doc.encoding, {"url": uri, "crawled": date, "path": path})
