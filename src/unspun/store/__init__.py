"""The corpus store: one embedded DuckDB file (default ``unspun.duckdb``), no server.

One writer at a time (DuckDB's own rule); every batch is one transaction, so a crash
leaves the store as it was after the last complete batch. Vectors are stored as
little-endian float32/float16 BLOBs and searched in numpy (DuckDB extensions that
download at run time are not used).

Schema (version 2; a version-1 store is migrated in place when opened for writing, see
``_MIGRATIONS``):

* ``documents``  one row per document: id, metadata, extracted text, sentence spans,
  removed boilerplate, the candidate vectors (lead, static, MinHash), ``seq`` (ingest
  order) and ``verified`` (its candidates have been checked).
* ``rejected``   documents that could not be taken, with stage and reason.
* ``sentence_vectors``  per-document MiniLM sentence embeddings (float16), computed
  the first time a document is verified against another.
* ``pairs``      verified candidate pairs (a before b in ingest order): scores, links,
  and drift findings once computed; ``algorithm`` names the kernels that made them.
* ``stories``    the materialised stories (updated after each ingest): members, origin,
  provenance tree, cross-links, related stories; ``story_members`` maps documents to them;
  ``story_history`` remembers ids that were merged into another story (or dissolved).

Every document row records the represent kernel that made its vectors (``algorithm``), every
pair the align and stories kernels; ``Store.outdated()`` says when rows come from older kernels.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np

from unspun.errors import InputError, MissingExtra, StoreBusy
from unspun.records import Document, DocumentVectors, Edge, Link, Pair, RawDocument, Rejected, Removed, Sentence, Story
from unspun.report.json import link_to_dict

SCHEMA_VERSION = 2
DEFAULT_DB = "unspun.duckdb"

_STORIES = """
CREATE TABLE IF NOT EXISTS stories (
    story_id TEXT PRIMARY KEY, members TEXT NOT NULL, origin TEXT, origin_reason TEXT, root TEXT,
    edges TEXT, cross_links TEXT, related TEXT, related_documents TEXT, algorithm TEXT, updated_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS story_members (doc_id TEXT PRIMARY KEY, story_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS story_history (old_id TEXT PRIMARY KEY, merged_into TEXT, changed_at TIMESTAMP);
"""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    content_hash TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    copy_of TEXT,
    title TEXT, source TEXT, url TEXT, published TEXT, path TEXT, format TEXT,
    text TEXT NOT NULL,
    spans BLOB NOT NULL,
    removed TEXT,
    lead BLOB, static BLOB, minhash BLOB, names TEXT,
    verified BOOLEAN DEFAULT FALSE,
    added_at TIMESTAMP,
    algorithm TEXT
);
CREATE TABLE IF NOT EXISTS rejected (source TEXT, doc_id TEXT, stage TEXT, reason TEXT, rejected_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS sentence_vectors (doc_id TEXT PRIMARY KEY, vecs BLOB);
CREATE TABLE IF NOT EXISTS pairs (
    a TEXT NOT NULL, b TEXT NOT NULL,
    same_story DOUBLE, a_coverage DOUBLE, b_coverage DOUBLE,
    kind TEXT, links TEXT, findings TEXT, algorithm TEXT, evidence TEXT,
    PRIMARY KEY (a, b)
);
""" + _STORIES



def _migrate_1_to_2(con) -> None:  # noqa: ANN001
    """v2 adds kernel versions on document rows (NULL = made by the v1 kernels) and the stored
    stories; they are built from the existing pairs the next time the corpus is opened."""
    con.execute("ALTER TABLE documents ADD COLUMN algorithm TEXT")
    con.execute(_STORIES)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('stories_stale', '1')")
    con.execute("INSERT OR REPLACE INTO meta VALUES ('stories_rebuild', '1')")


# version -> step to the next version (sqlite-utils style: each step small, run in order, in one transaction)
_MIGRATIONS = {1: _migrate_1_to_2}


def _insert_many(con, sql_head: str, rows: list[list[Any]], width: int, chunk: int = 256) -> None:  # noqa: ANN001
    """Multi-row INSERT ... VALUES (...), (...): much faster in DuckDB than executemany."""
    one = "(" + ", ".join(["?"] * width) + ")"
    for start in range(0, len(rows), chunk):
        part = rows[start: start + chunk]
        con.execute(f"{sql_head} VALUES " + ", ".join([one] * len(part)), [v for r in part for v in r])


def _connect(path: Path, read_only: bool):  # noqa: ANN202 - a duckdb connection
    """Open the DuckDB file; a lock held by another process is :class:`StoreBusy` naming its PID."""
    import duckdb

    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        msg = str(exc).splitlines()[0]
        if "lock" in msg.lower():
            pid = re.search(r"PID (\d+)", msg)
            raise StoreBusy(str(path), int(pid.group(1)) if pid else None) from None
        raise InputError(str(path), f"cannot be opened as a DuckDB store ({msg[:120]})") from None
    except duckdb.Error as exc:
        raise InputError(str(path), f"is not a DuckDB store ({str(exc).splitlines()[0][:120]})") from None


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def to_blob(arr: np.ndarray, dtype: str = "<f4") -> bytes:
    return np.ascontiguousarray(arr, dtype=dtype).tobytes()


def from_blob(blob: bytes | None, dtype: str = "<f4", width: int | None = None) -> np.ndarray | None:
    if blob is None:
        return None
    arr = np.frombuffer(blob, dtype=dtype)
    return arr.reshape(-1, width) if width else arr


class Store:
    """A DuckDB corpus file. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | os.PathLike = DEFAULT_DB, *, read_only: bool = False, create: bool = True) -> None:
        try:
            import duckdb  # noqa: F401 - checked here, used in _connect
        except ImportError:  # pragma: no cover - core dependency
            raise MissingExtra("the corpus store", "corpus") from None
        self.path = Path(path)
        self.read_only = read_only
        self._with_vectors: set[str] | None = None
        if not create and not self.path.exists():
            raise InputError(str(path), "no such store (run `unspun ingest` first, or pass --db)")
        if self.path.exists() and self.path.is_dir():
            raise InputError(str(path), "is a directory, expected a DuckDB file")
        if self.path.is_file() and self.path.stat().st_size == 0:
            # A process killed between creating the file and writing DuckDB's header leaves 0
            # bytes: nothing to lose, so a writer starts the store afresh; a reader says so.
            if read_only:
                raise InputError(str(path), "is an empty store file (an ingest was interrupted while creating it): "
                                            "run `unspun ingest` again")
            self.path.unlink()
            Path(f"{self.path}.wal").unlink(missing_ok=True)
        self.con = _connect(self.path, read_only)
        version = self._version()
        if version is not None and version > SCHEMA_VERSION:
            raise InputError(str(path), f"was written by a newer unspun (schema version {version}; this one reads up to {SCHEMA_VERSION})")
        if not read_only:
            if version is not None and version < SCHEMA_VERSION:
                self._migrate(version)
            self.con.execute(_SCHEMA)
            self.con.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        elif version is not None and version < SCHEMA_VERSION:
            raise InputError(str(path), f"has schema version {version}; open it once for writing (e.g. `unspun stories --db {path}`) to migrate it to {SCHEMA_VERSION}")

    def release(self) -> None:
        """Close the connection but keep the object: another process may then write the file
        (``serve`` holds the store only while it answers a request). :meth:`reopen` resumes."""
        if self.con is not None:
            self.con.close()
            self.con = None

    def reopen(self) -> None:
        """Open the connection again after :meth:`release` (:class:`StoreBusy` while another
        process writes the file)."""
        if self.con is None:
            self.con = _connect(self.path, self.read_only)

    def _version(self) -> int | None:
        try:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except Exception:  # noqa: BLE001 - a new, empty file has no meta table yet
            return None
        return int(row[0]) if row else None

    def _migrate(self, version: int) -> None:
        """Run the migration steps from ``version`` up to SCHEMA_VERSION, all in one transaction."""
        with self.transaction():
            while version < SCHEMA_VERSION:
                _MIGRATIONS[version](self.con)
                version += 1
                self.con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version)])

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            if self.con is not None:
                self.con.close()
        except Exception:  # noqa: BLE001 - closing twice is harmless
            pass

    # --- transactions -------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """``with store.transaction(): ...`` — everything inside is committed together, or, on any
        error (a killed process included: DuckDB never sees the COMMIT), not at all."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # --- documents ----------------------------------------------------------------------

    def next_seq(self) -> int:
        return int(self.con.execute("SELECT coalesce(max(seq), -1) + 1 FROM documents").fetchone()[0])

    def hash_of(self, doc_id: str) -> str | None:
        row = self.con.execute("SELECT content_hash FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
        return row[0] if row else None

    def first_with_text(self, text_hash: str) -> str | None:
        row = self.con.execute("SELECT doc_id FROM documents WHERE text_hash = ? ORDER BY seq LIMIT 1", [text_hash]).fetchone()
        return row[0] if row else None

    def add_documents(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        now = _now()
        _insert_many(
            self.con,
            "INSERT INTO documents (doc_id, seq, content_hash, text_hash, copy_of, title, source, url, published, path, format,"
            " text, spans, removed, lead, static, minhash, names, added_at, algorithm)",
            [[r["doc_id"], r["seq"], r["content_hash"], r["text_hash"], r.get("copy_of"), r.get("title"), r.get("source"), r.get("url"),
              r.get("published"), r.get("path"), r.get("format"), r["text"], r["spans"], r.get("removed"),
              r.get("lead"), r.get("static"), r.get("minhash"), r.get("names"), now, r.get("algorithm")] for r in rows],
            20,
        )

    def add_rejected(self, items: Iterable[Rejected]) -> None:
        """Record rejections once: a rerun over the same inputs rejects them again, but a
        (source, id, stage, reason) already recorded is not added twice."""
        fresh: dict[tuple, list] = {}
        for r in items:
            fresh.setdefault((r.source, r.doc_id, r.stage, r.reason), [r.source, r.doc_id, r.stage, r.reason, _now()])
        if not fresh:
            return
        sources = sorted({k[0] for k in fresh})
        for start in range(0, len(sources), 256):
            part = sources[start: start + 256]
            for key in self.con.execute("SELECT source, doc_id, stage, reason FROM rejected WHERE source IN ("
                                        + ", ".join("?" * len(part)) + ")", part).fetchall():
                fresh.pop(tuple(key), None)
        if fresh:
            _insert_many(self.con, "INSERT INTO rejected", list(fresh.values()), 5)

    def count(self, table: str) -> int:
        assert table in {"documents", "rejected", "pairs", "sentence_vectors", "stories"}
        return int(self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def document(self, doc_id: str) -> Document | None:
        rows = self._rows(f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE doc_id = ?", [doc_id])
        return document_from_row(rows[0]) if rows else None

    def documents(self, ids: list[str]) -> dict[str, Document]:
        if not ids:
            return {}
        rows = self._rows(f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE doc_id IN (SELECT unnest(?))", [ids])
        return {r["doc_id"]: document_from_row(r) for r in rows}

    def metadata(self, ids: list[str] | None = None) -> dict[str, dict[str, Any]]:
        sql = "SELECT doc_id AS id, title, source, published, url, seq, copy_of FROM documents"
        rows = self._rows(sql + (" WHERE doc_id IN (SELECT unnest(?))" if ids is not None else ""), [ids] if ids is not None else [])
        return {r["id"]: r for r in rows}

    def vectors(self) -> tuple[list[str], np.ndarray, np.ndarray, list[np.ndarray], np.ndarray, list[list[str]], list[str | None]]:
        """All documents' ids, lead vectors, static vectors, MinHash signatures, verified flags, names and sources, in seq order."""
        rows = self._rows("SELECT doc_id, lead, static, minhash, verified, names, source FROM documents ORDER BY seq")
        ids = [r["doc_id"] for r in rows]
        lead, static, sigs = stacked_vectors(rows)
        verified = np.array([bool(r["verified"]) for r in rows], dtype=bool)
        names = [json.loads(r["names"]) if r["names"] else [] for r in rows]
        return ids, lead, static, sigs, verified, names, [r["source"] for r in rows]

    def mark_verified(self, ids: list[str]) -> None:
        if ids:
            self.con.execute("UPDATE documents SET verified = TRUE WHERE doc_id IN (SELECT unnest(?))", [ids])

    # --- sentence vectors ------------------------------------------------------------------

    def sentence_vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        """Stored sentence embeddings of these documents (only ids known to have some are looked up)."""
        if self._with_vectors is None:
            self._with_vectors = {r["doc_id"] for r in self._rows("SELECT doc_id FROM sentence_vectors")}
        wanted = [i for i in ids if i in self._with_vectors]
        if not wanted:
            return {}
        rows = self._rows("SELECT doc_id, vecs FROM sentence_vectors WHERE doc_id IN (SELECT unnest(?))", [wanted])
        return {r["doc_id"]: from_blob(r["vecs"], "<f2", 384).astype(np.float32) for r in rows}

    def add_sentence_vectors(self, items: dict[str, np.ndarray]) -> None:
        if items:
            _insert_many(self.con, "INSERT OR IGNORE INTO sentence_vectors", [[k, to_blob(v, "<f2")] for k, v in items.items()], 2)
            if self._with_vectors is not None:
                self._with_vectors.update(items)

    # --- pairs -------------------------------------------------------------------------------

    def add_pairs(self, pairs: list[Pair]) -> None:
        """Store verified pairs (records), by column name."""
        if pairs:
            _insert_many(self.con, f"INSERT OR REPLACE INTO pairs ({', '.join(PAIR_COLUMNS)})", [pair_row(p) for p in pairs],
                         len(PAIR_COLUMNS))

    def known_pairs(self, ids: list[str]) -> set[tuple[str, str]]:
        rows = self.con.execute(
            "SELECT a, b FROM pairs WHERE a IN (SELECT unnest(?)) OR b IN (SELECT unnest(?))", [ids, ids]
        ).fetchall()
        return {(a, b) for a, b in rows}

    def candidate_edges(self, threshold: float, min_coverage: float) -> list[Pair]:
        """Pairs that pass the score and coverage floors (the caller applies the full edge rule), as
        :class:`~unspun.records.Pair` records without their links (the story rule reads scores and
        evidence only; :meth:`pairs_among` gives links).

        Pairs verified before ``lead_link`` was part of their evidence get it from their links here."""
        rows = self._rows(
            "SELECT a, b, same_story, a_coverage, b_coverage, evidence, kind, algorithm,"
            " CASE WHEN contains(evidence, '\"lead_link\"') THEN NULL ELSE links END AS links FROM pairs"
            " WHERE same_story >= ? AND greatest(a_coverage, b_coverage) >= ?", [threshold, min_coverage])
        return [pair_from_row(r, keep_links=False) for r in rows]

    def pairs_among(self, ids: list[str]) -> list[Pair]:
        """Every stored pair between two of these documents, with its links."""
        rows = self._rows(
            "SELECT a, b, same_story, a_coverage, b_coverage, kind, links, evidence, algorithm FROM pairs"
            " WHERE a IN (SELECT unnest(?)) AND b IN (SELECT unnest(?))", [ids, ids])
        return [pair_from_row(r) for r in rows]

    def pair_findings(self, a: str, b: str) -> dict[str, list[dict[str, Any]]] | None:
        """The findings cached on a stored pair, keyed by the id of the version taken as the source
        (``{}`` when none are cached yet; None when the pair is not stored)."""
        row = self.con.execute("SELECT findings FROM pairs WHERE a = ? AND b = ?", [a, b]).fetchone()
        if row is None:
            return None
        found = json.loads(row[0]) if row[0] else {}
        return found if isinstance(found, dict) else {}

    def cached_findings(self) -> dict[tuple[str, str], dict[str, list[dict[str, Any]]]]:
        """Every pair's cached findings in one read: (a, b) -> {source id: findings} (pairs without
        cached findings are absent). The story list reads this instead of computing findings."""
        rows = self.con.execute("SELECT a, b, findings FROM pairs WHERE findings IS NOT NULL AND findings <> '{}'").fetchall()
        out = {}
        for a, b, found in rows:
            found = json.loads(found)
            if isinstance(found, dict) and found:
                out[(a, b)] = found
        return out

    def set_findings(self, a: str, b: str, findings: dict[str, list[dict[str, Any]]]) -> None:
        """Findings of the pair, keyed by the id of the version taken as the source (A)."""
        self.con.execute("UPDATE pairs SET findings = ? WHERE a = ? AND b = ?", [json.dumps(findings), a, b])

    # --- stories ------------------------------------------------------------------------------

    def _flag(self, key: str) -> bool:
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return bool(row and row[0] == "1")

    def stories_stale(self) -> bool:
        """True when pairs were added (or the store migrated) since the stories were last saved."""
        return self._flag("stories_stale")

    def stories_rebuild(self) -> bool:
        """True after a migration: every story must be summarised again, not only changed ones."""
        return self._flag("stories_rebuild")

    def mark_stories_stale(self) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES ('stories_stale', '1')")

    def stored_memberships(self) -> dict[str, tuple[str, ...]]:
        """story id -> members (ingest order) of every stored story."""
        return {r["story_id"]: tuple(json.loads(r["members"])) for r in self._rows("SELECT story_id, members FROM stories")}

    def save_stories(self, changed: list[Story], removed: dict[str, str | None]) -> None:
        """Write changed stories (replacing their rows and memberships) and drop ``removed`` ids,
        remembering what each was merged into (None: dissolved). Call inside a transaction."""
        gone = list(removed) + [st.id for st in changed]
        if gone:
            self.con.execute("DELETE FROM stories WHERE story_id IN (SELECT unnest(?))", [gone])
            self.con.execute("DELETE FROM story_members WHERE story_id IN (SELECT unnest(?))", [gone])
        members = [m for st in changed for m in st.members]
        if members:
            self.con.execute("DELETE FROM story_members WHERE doc_id IN (SELECT unnest(?))", [members])
        now = _now()
        if changed:
            _insert_many(self.con, f"INSERT INTO stories ({', '.join(STORY_COLUMNS)}, updated_at)",
                         [[story_row(st)[c] for c in STORY_COLUMNS] + [now] for st in changed], len(STORY_COLUMNS) + 1)
            _insert_many(self.con, "INSERT INTO story_members (doc_id, story_id)", [[m, st.id] for st in changed for m in st.members], 2)
        if removed:
            _insert_many(self.con, "INSERT OR REPLACE INTO story_history (old_id, merged_into, changed_at)",
                         [[old, new, now] for old, new in removed.items()], 3)
        # an id that is a story again is no longer "merged"
        if changed:
            self.con.execute("DELETE FROM story_history WHERE old_id IN (SELECT unnest(?))", [[st.id for st in changed]])
        self.con.execute("INSERT OR REPLACE INTO meta VALUES ('stories_stale', '0')")
        self.con.execute("INSERT OR REPLACE INTO meta VALUES ('stories_rebuild', '0')")

    def set_related(self, related: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]) -> None:
        """Replace the related lists, story id -> (related story ids, related lone documents): they
        change whenever any story does, so all are rewritten in one statement."""
        self.con.execute("UPDATE stories SET related = '[]', related_documents = '[]'")
        rows = [[sid, json.dumps(list(st)), json.dumps(list(docs))] for sid, (st, docs) in related.items()]
        if rows:
            self.con.execute("CREATE TEMP TABLE IF NOT EXISTS _related (story_id TEXT, related TEXT, related_documents TEXT)")
            self.con.execute("DELETE FROM _related")
            _insert_many(self.con, "INSERT INTO _related", rows, 3)
            self.con.execute("UPDATE stories SET related = r.related, related_documents = r.related_documents"
                             " FROM _related r WHERE stories.story_id = r.story_id")

    def stories(self, ids: list[str] | None = None) -> list[Story]:
        sql = "SELECT * FROM stories"
        rows = self._rows(sql + (" WHERE story_id IN (SELECT unnest(?))" if ids is not None else ""), [ids] if ids is not None else [])
        return [Story(r["story_id"], tuple(json.loads(r["members"])), r["origin"], r["origin_reason"] or "", r["root"],
                      tuple(_edge_from(x) for x in json.loads(r["edges"] or "[]")),
                      tuple(_edge_from(x) for x in json.loads(r["cross_links"] or "[]")),
                      tuple(json.loads(r["related"] or "[]")), tuple(json.loads(r["related_documents"] or "[]")),
                      r["algorithm"] or "") for r in rows]

    def story_of(self, ids: list[str]) -> dict[str, str]:
        rows = self.con.execute("SELECT doc_id, story_id FROM story_members WHERE doc_id IN (SELECT unnest(?))", [ids]).fetchall()
        return dict(rows)

    def story_fate(self, story_id: str) -> tuple[bool, str | None]:
        """(known, merged_into) of an id that is no longer a story: merged into another, or dissolved (None)."""
        row = self.con.execute("SELECT merged_into FROM story_history WHERE old_id = ?", [story_id]).fetchone()
        return (row is not None, row[0] if row else None)

    def outdated(self, current: dict[str, str]) -> list[str]:
        """Plain-words notes on rows made by kernels older than ``current`` (kind -> algorithm name)."""
        notes = []
        old_docs = self.con.execute("SELECT count(*) FROM documents WHERE algorithm IS DISTINCT FROM ?", [current["represent"]]).fetchone()[0]
        if old_docs:
            notes.append(f"{old_docs} document(s) were represented by an older kernel than {current['represent']}: "
                         "their candidate vectors may differ slightly from a fresh ingest (re-ingest into a new store to refresh)")
        old_pairs = self.con.execute("SELECT count(*) FROM pairs WHERE NOT contains(algorithm, ?)", [current["stories"]]).fetchone()[0]
        if old_pairs:
            notes.append(f"{old_pairs} pair(s) were verified by older kernels than {current['stories']}")
        return notes

    def import_run(self, out: str | os.PathLike) -> dict[str, int]:
        """Load the output of the Spark engine (``unspun spark ... --out DIR``) in one transaction:
        documents (with their vectors and sentence embeddings), rejected records and verified pairs.

        Into an empty store the documents arrive verified (the run checked every candidate pair);
        into a store that already holds documents they arrive unverified, so the next story build
        checks them against the documents already there (pairs the run verified are kept). An id
        already in the store is skipped. Into an empty store, the stories the run built (its
        ``stories`` stage) are taken as they are; otherwise stories are marked stale and rebuilt
        by the story kernels on the next read. Counts added per table, and ``stories_from_run``."""
        parts = run_files(out)
        verified = self.count("documents") == 0
        offset = self.next_seq()
        before = {t: self.count(t) for t in ("documents", "pairs", "rejected", "stories")}
        now = _now()
        with self.transaction():
            if parts["documents"]:
                self.con.execute("CREATE TEMP TABLE _incoming AS SELECT * FROM read_parquet(?)"
                                 " WHERE doc_id NOT IN (SELECT doc_id FROM documents)", [parts["documents"]])
                self.con.execute(
                    "INSERT INTO documents (doc_id, seq, content_hash, text_hash, copy_of, title, source, url, published, path,"
                    " format, text, spans, removed, lead, static, minhash, names, verified, added_at, algorithm)"
                    " SELECT doc_id, seq + ?, content_hash, text_hash, copy_of, title, source, url, published, path, format,"
                    " text, spans, removed, lead, static, minhash, names, ?, ?, algorithm FROM _incoming ORDER BY seq",
                    [offset, verified, now])
                if parts["vectors"]:
                    self.con.execute("INSERT OR IGNORE INTO sentence_vectors SELECT doc_id, sentvecs FROM read_parquet(?)"
                                     " WHERE doc_id IN (SELECT doc_id FROM _incoming)", [parts["vectors"]])
                self.con.execute("DROP TABLE _incoming")
            if parts["rejected"]:
                self.con.execute("INSERT INTO rejected (source, doc_id, stage, reason, rejected_at)"
                                 " SELECT \"where\", doc_id, stage, reason, ? FROM read_parquet(?) ORDER BY seq", [now, parts["rejected"]])
            if parts["pairs"]:
                cols = ", ".join(PAIR_COLUMNS)
                self.con.execute(f"INSERT OR IGNORE INTO pairs ({cols}) SELECT {cols} FROM read_parquet(?)"
                                 " WHERE a IN (SELECT doc_id FROM documents) AND b IN (SELECT doc_id FROM documents)",
                                 [parts["pairs"]])
            stories = sorted(str(f) for f in (Path(out) / "stories").glob("*.parquet")) \
                if (Path(out) / "stories" / "_SUCCESS").exists() else None
            if verified and stories is not None:
                # built by the run with the story kernels over the whole corpus: taken as they are
                if stories:
                    cols = ", ".join(STORY_COLUMNS)
                    self.con.execute(f"INSERT INTO stories ({cols}, updated_at) SELECT {cols}, ? FROM read_parquet(?)",
                                     [now, stories])
                    self.con.execute("INSERT INTO story_members (doc_id, story_id) SELECT unnest(from_json(members,"
                                     " '[\"VARCHAR\"]')), story_id FROM read_parquet(?)", [stories])
                self.con.execute("INSERT OR REPLACE INTO meta VALUES ('stories_stale', '0')")
            else:
                self.mark_stories_stale()
        self._with_vectors = None
        out_counts = {t: self.count(t) - n for t, n in before.items()}
        out_counts["stories_from_run"] = int(verified and stories is not None)
        return out_counts

    def rejected(self) -> list[dict[str, Any]]:
        return self._rows("SELECT source, doc_id, stage, reason FROM rejected ORDER BY rejected_at")

    def _rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """Rows as dicts keyed by column name (never by position)."""
        cur = self.con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]


_DOCUMENT_COLUMNS = "doc_id, text, title, spans, removed, source, url, published, path, format"


def document_from_row(row: dict[str, Any]) -> Document:
    text, removed = row["text"], row["removed"]
    arr = from_blob(row["spans"], "<i4", 2)
    sentences = tuple(Sentence(i, int(s), int(e), text[int(s): int(e)]) for i, (s, e) in enumerate(arr if arr is not None else []))
    rem = tuple(Removed(x["text"], x["reason"]) for x in json.loads(removed)) if removed else ()
    meta = {k: row[k] for k in ("source", "url", "published", "path", "format") if row[k]}
    return Document(id=row["doc_id"], text=text, title=row["title"], sentences=sentences, removed=rem, meta=meta)


def stacked_vectors(rows: list[Any]) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """The candidate vectors of document rows (anything indexable by ``lead``, ``static``,
    ``minhash``), as the candidate index takes them: lead and static matrices (float32; static is
    stored as float16) and the MinHash signatures."""
    lead = np.stack([from_blob(r["lead"]) for r in rows]) if rows else np.zeros((0, 384), np.float32)
    static = np.stack([from_blob(r["static"], "<f2").astype(np.float32) for r in rows]) if rows else np.zeros((0, 256), np.float32)
    return lead, static, [from_blob(r["minhash"], "<u4") for r in rows]


def run_files(out: str | os.PathLike) -> dict[str, list[str]]:
    """The Parquet files of a complete Spark run, per stage; an InputError naming the first
    incomplete stage (checked before anything is opened or written)."""
    out = Path(out)
    if not out.is_dir():
        raise InputError(str(out), "no such run directory (the --out of `unspun spark`)")
    if (out / "add.json").exists():  # engines.spark.ADD_JOURNAL (not imported: the store needs no Spark)
        raise InputError(str(out), "documents are being added to this run (`unspun spark ... --add`): "
                                   "finish that command before importing")
    parts = {}
    for stage in ("documents", "rejected", "vectors", "pairs"):
        if not (out / stage / "_SUCCESS").exists():
            raise InputError(str(out), f"has no complete '{stage}' stage (run or resume `unspun spark` into it first)")
        parts[stage] = sorted(str(f) for f in (out / stage).glob("*.parquet"))
    return parts


def content_hash(text: str) -> str:
    """The hash that tells a re-sent document (same id, same bytes) from a conflicting one."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def text_hash(doc: Document) -> str:
    """The hash of a document's extracted text: equal hashes are exact copies (``copy_of``)."""
    return content_hash(doc.text)


def _site(doc: Document, meta: dict[str, Any]) -> str | None:
    site = doc.meta.get("site")
    if site:
        return site
    url = meta.get("url")
    if url:
        from urllib.parse import urlparse

        return urlparse(url).hostname
    return None


def document_row(raw: RawDocument, doc: Document, vectors: DocumentVectors, seq: int, copy_of: str | None) -> dict[str, Any]:
    """The ``documents`` row of one ingested document (every engine writes this shape)."""
    meta = raw.meta
    return {
        "doc_id": doc.id, "seq": seq, "content_hash": content_hash(raw.text), "text_hash": text_hash(doc), "copy_of": copy_of,
        "title": doc.title or meta.get("title"), "source": meta.get("source") or _site(doc, meta),
        "url": meta.get("url") or doc.meta.get("url"), "published": meta.get("published") or doc.meta.get("published"),
        "path": meta.get("path"), "format": raw.format, "text": doc.text,
        "spans": to_blob(np.array([[s.start, s.end] for s in doc.sentences], dtype=np.int32).reshape(-1, 2), "<i4"),
        "removed": json.dumps([{"text": r.text, "reason": r.reason} for r in doc.removed]),
        "lead": to_blob(np.asarray(vectors.lead, dtype=np.float32)), "static": to_blob(np.asarray(vectors.static), "<f2"),
        "minhash": to_blob(vectors.minhash, "<u4"), "names": json.dumps(sorted(vectors.names)), "algorithm": vectors.algorithm,
    }


def pair_row(p: Pair) -> list[Any]:
    """The ``pairs`` row of a verified pair, in :data:`PAIR_COLUMNS` order (findings not computed yet)."""
    return [p.a, p.b, p.same_story, p.a_coverage, p.b_coverage, p.kind, json.dumps([link_to_dict(lk) for lk in p.links]),
            None, p.algorithm, json.dumps(p.evidence or {})]


PAIR_COLUMNS = ("a", "b", "same_story", "a_coverage", "b_coverage", "kind", "links", "findings", "algorithm", "evidence")


def stored_or_path(db: str | os.PathLike, args: list[str], as_path: Any) -> list[Any]:
    """Resolve each argument to a stored Document (when the store has that id) or, failing that,
    ``as_path(arg)`` when it names an existing file ('-' is stdin). An argument that is neither is
    an InputError naming it, so a typo never silently compares the wrong thing."""
    with Store(db, read_only=True, create=False) as store:
        found = store.documents([x for x in args if x != "-"])
    out = []
    for x in args:
        if x in found:
            out.append(found[x])
        elif x == "-" or Path(x).is_file():
            out.append(as_path(x))
        else:
            raise InputError(x, f"is neither a document id in {db} nor a file")
    return out


STORY_COLUMNS = ("story_id", "members", "origin", "origin_reason", "root", "edges", "cross_links", "related",
                 "related_documents", "algorithm")


def story_row(st: Story) -> dict[str, Any]:
    """The ``stories`` row of a story record (every engine writes this shape)."""
    return {"story_id": st.id, "members": json.dumps(list(st.members)), "origin": st.origin,
            "origin_reason": st.origin_reason, "root": st.root, "edges": json.dumps([_edge_row(e) for e in st.edges]),
            "cross_links": json.dumps([_edge_row(e) for e in st.cross_links]), "related": json.dumps(list(st.related)),
            "related_documents": json.dumps(list(st.related_documents)), "algorithm": st.algorithm}


def _edge_row(e: Edge) -> dict[str, Any]:
    return {"source": e.source, "target": e.target, "kind": e.kind, "directed": e.directed, "reason": e.reason,
            "same_story": e.same_story, "evidence": e.evidence}


def _edge_from(d: dict[str, Any]) -> Edge:
    return Edge(d["source"], d["target"], d["kind"], bool(d["directed"]), d["reason"], float(d["same_story"]), d.get("evidence") or {})


def _link(d: dict[str, Any]) -> Link:
    return Link(tuple(d["a"]), tuple(d["b"]), d["kind"], float(d["similarity"]), d.get("semantic"), float(d.get("lexical", 0.0)))


def pair_from_row(r: dict[str, Any], keep_links: bool = True) -> Pair:
    """A stored pair row (by column name) as a record; ``lead_link`` derived from the links for rows
    verified before it was stored."""
    links = tuple(_link(d) for d in json.loads(r["links"])) if r.get("links") else ()
    evidence = json.loads(r["evidence"]) if r["evidence"] else {}
    if "lead_link" not in evidence:
        from unspun.stories import lead_link

        evidence["lead_link"] = round(lead_link(links), 4)
    return Pair(r["a"], r["b"], float(r["same_story"]), float(r["a_coverage"]), float(r["b_coverage"]), r["kind"],
                links if keep_links else (), evidence, r.get("algorithm") or "")
