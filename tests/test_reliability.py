"""Hostile input, limits and concurrent use: one bad item is a rejection, never a crash, a hang or a
lost batch (the reliability issue). Our own generated inputs; readers are driven directly, the
CLI through the real console script."""

from __future__ import annotations

import gzip
import json
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import run_cli
from unspun.errors import EXIT_BUSY, EXIT_INPUT, EXIT_OK, EXIT_PARTIAL
from unspun.limits import MAX_ID_CHARS, MAX_SENTENCE_CHARS, MAX_SENTENCES
from unspun.read.sources import iter_sources, raw_from_record, record_from_line
from unspun.records import RawDocument, Rejected

GOOD = {"id": "ok-1", "text": "The council approved the harbour budget on Monday. It will cost five million pounds."}
GOOD2 = {"id": "ok-2", "text": "The mayor opened the new bridge on Tuesday. Thousands of residents attended."}
LIMIT = 1 << 20


def _read(*paths: Path, max_bytes: int = LIMIT) -> tuple[list[RawDocument], list[Rejected]]:
    items = list(iter_sources([str(p) for p in paths], max_bytes=max_bytes))
    return [i for i in items if isinstance(i, RawDocument)], [i for i in items if isinstance(i, Rejected)]


def _line(rec: dict) -> str:
    return json.dumps(rec) + "\n"


# --- readers: every bad record is a rejection naming file and line; the rest lands -----------------


@pytest.mark.parametrize("bad_line, reason", [
    ('{"id": "n", "text": "x", "big": ' + "7" * 5000 + "}", "too many digits"),
    ('{"id": "n", "text": "x", "deep": ' + "[" * 60_000 + "]" * 60_000 + "}", "nested too deeply"),
    ('{"id": "s\\ud800", "text": "A lone surrogate in the id. It cannot be stored."}', "not storable"),
    ('{"id": ["a"], "text": "An id that is a list. It is rejected."}', "string or a number"),
    ('{"id": "' + "x" * (MAX_ID_CHARS + 1) + '", "text": "An over-long id. It is rejected."}', "longer than"),
    ('{"id": "t", "title": "' + "T" * 20_000 + '", "text": "An over-long title. It is rejected."}', "'title' is longer"),
    ('{"id": "q", "text": "unterminated', "not valid JSON"),
    ("[1, 2, 3]", "not a JSON object"),
])
def test_a_bad_jsonl_record_is_one_rejection_and_the_file_goes_on(tmp_path, bad_line, reason):
    path = tmp_path / "in.jsonl"
    path.write_text(_line(GOOD) + bad_line + "\n" + _line(GOOD2))
    docs, rejected = _read(path)
    assert [d.id for d in docs] == ["ok-1", "ok-2"]
    assert len(rejected) == 1 and rejected[0].source == f"{path}:2" and reason in rejected[0].reason


def test_text_with_lone_surrogates_and_nuls_is_made_storable(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "s1", "title": "Bad \\udc00 title", "text": "Broken \\ud83d text.\\u0000 It is kept."}\n')
    docs, rejected = _read(path)
    assert not rejected
    assert docs[0].text == "Broken \ufffd text. It is kept." and docs[0].meta["title"] == "Bad \ufffd title"
    docs[0].text.encode("utf-8")  # storable


def test_truncated_or_corrupt_gzip_keeps_the_records_before_it_and_other_files(tmp_path):
    body = "".join(_line({"id": f"d{i}", "text": f"Record number {i} is here. It is a fine one."}) for i in range(400))
    data = gzip.compress(body.encode())
    other = tmp_path / "other.jsonl"
    other.write_text(_line(GOOD))
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(data[: len(data) // 2])  # an interrupted download
    docs, rejected = _read(bad, other)
    assert docs[-1].id == "ok-1" and [d.id for d in docs[:-1]] == [f"d{i}" for i in range(len(docs) - 1)] and len(docs) > 10
    assert len(rejected) == 1 and rejected[0].source == f"{bad}:{len(docs)}" and "truncated gzip" in rejected[0].reason
    bad.write_bytes(data[: len(data) // 2] + b"\x00garbage" * 50)  # damage: junk lines until the stream breaks
    docs, rejected = _read(bad, other)
    assert docs[-1].id == "ok-1" and all(r.source.startswith(f"{bad}:") for r in rejected)
    assert "gzip" in rejected[-1].reason and "the rest of the file is skipped" in rejected[-1].reason


def test_gzip_bomb_is_stopped_by_its_ratio(tmp_path):
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [comp.compress(_line(GOOD).encode())]
    parts += [comp.compress(b" " * (1 << 20)) for _ in range(48)]  # 48 MB of spaces on one line: ~50 KB compressed
    bomb = tmp_path / "bomb.jsonl.gz"
    bomb.write_bytes(b"".join(parts) + comp.flush())
    assert bomb.stat().st_size < 200_000
    docs, rejected = _read(bomb, max_bytes=64 << 20)
    assert [d.id for d in docs] == ["ok-1"]
    assert len(rejected) == 1 and "gzip bomb" in rejected[0].reason and rejected[0].source == f"{bomb}:2"


def test_a_line_over_the_size_limit_is_skipped_unread(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(_line(GOOD) + _line({"id": "huge", "text": "word " * 50_000}) + _line(GOOD2))
    docs, rejected = _read(path, max_bytes=10_000)
    assert [d.id for d in docs] == ["ok-1", "ok-2"]
    assert rejected[0].source == f"{path}:2" and "longer than the limit" in rejected[0].reason


def test_lines_split_only_at_newlines(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(_line({"id": "sep", "text": "One sentence\u2028with a line separator. And another."}) + _line(GOOD))
    docs, rejected = _read(path)
    assert [d.id for d in docs] == ["sep", "ok-1"] and not rejected


def test_warc_response_without_target_uri_is_a_rejection(tmp_path):
    pytest.importorskip("warcio")
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc.gz"
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        for n, uri in enumerate(["https://news.example/a", "https://news.example/b"]):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            html = f"<html><body><article><p>{GOOD['text']} Page {n}.</p></article></body></html>"
            rec = writer.create_warc_record(uri, "response", payload=BytesIO(html.encode()), http_headers=headers)
            if n == 0:
                rec.rec_headers.remove_header("WARC-Target-URI")
            writer.write_record(rec)
    docs, rejected = _read(path)
    assert [d.meta["url"] for d in docs] == ["https://news.example/b"]
    assert rejected[0].source == f"{path}#1" and "WARC-Target-URI" in rejected[0].reason


@given(st.text(max_size=300))
def test_any_jsonl_line_is_a_document_or_a_rejection(line):
    out = record_from_line(line, "f.jsonl:1", max_bytes=LIMIT)
    assert isinstance(out, (RawDocument, Rejected))
    if isinstance(out, RawDocument):
        out.id.encode("utf-8") and out.text.encode("utf-8")


@given(st.dictionaries(st.sampled_from(["id", "text", "html", "title", "url", "published", "source", "x"]),
                       st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=80),
                                 st.lists(st.integers(), max_size=3))))
def test_any_record_is_a_storable_document_or_a_rejection(rec):
    out = raw_from_record(rec, "f.jsonl:1", max_bytes=LIMIT)
    assert isinstance(out, (RawDocument, Rejected))
    if isinstance(out, RawDocument):
        for value in (out.id, out.text, *(str(v) for v in out.meta.values())):
            value.encode("utf-8")


# --- bounded work -------------------------------------------------------------------------------------

PATHOLOGICAL = {
    "dots": "." * 300_000,
    "titles": "Mr. " * 100_000,
    "dates": "Jan. 1, 2020 " * 25_000,
    "short lines": "x.\n" * 100_000,
    "one long line of prose": "The council met on Monday and Mr. Smith said the U.S. plan was late. " * 20_000,
}


def test_the_sentence_splitter_is_linear_on_degenerate_text():
    """Each input took minutes or never finished with the old quadratic splitter; a hang here is a
    failure (the subprocess timeout), not a timing assertion."""
    code = ("import sys, json; from unspun.segment import sentence_spans\n"
            "for t in json.load(sys.stdin).values(): sentence_spans(t)\nprint('done')")
    proc = subprocess.run([sys.executable, "-c", code], input=json.dumps(PATHOLOGICAL).encode(), capture_output=True, timeout=120)
    assert proc.stdout.strip() == b"done", proc.stderr.decode()[-500:]


def test_an_over_long_sentence_is_split_with_a_warning_and_too_many_sentences_rejected(lexical_comparer):
    from unspun.errors import InputError
    from unspun.pipeline import load

    long_text = "word " * (MAX_SENTENCE_CHARS // 2) + ". The end."
    c = lexical_comparer.compare(long_text, "The end. Nothing else.")
    assert all(len(s.text) <= MAX_SENTENCE_CHARS for s in c.a.sentences)
    assert "".join(s.text for s in c.a.sentences).replace(" ", "") == long_text.replace(" ", "")  # nothing lost
    assert any("were split" in w for w in c.warnings)
    with pytest.raises(InputError, match="too many sentences"):
        load("Short one. " * (MAX_SENTENCES + 1))


# --- the CLI: batches go on, messages are one line, rejections are stored once --------------------------


def test_ingest_keeps_the_good_documents_of_a_batch_with_bad_ones(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(GOOD2["text"])
    data = gzip.compress((_line(GOOD) * 1).encode())
    corrupt = tmp_path / "corrupt.jsonl.gz"
    corrupt.write_bytes(data[:-12] + b"garbage!")
    deep = tmp_path / "deep.jsonl"
    deep.write_text('{"id": "d", "text": "x", "y": ' + "[" * 50_000 + "]" * 50_000 + "}\n" + _line({**GOOD, "id": "ok-3"}))
    markup = tmp_path / "dir[x]"
    markup.mkdir()
    (markup / "many.txt").write_text("Short one. " * (MAX_SENTENCES + 1))
    db = tmp_path / "s.duckdb"
    args = ("ingest", str(good), str(corrupt), str(deep), str(markup), "--db", str(db), "--no-stories")
    proc = run_cli(*args, "--json")
    assert proc.returncode == EXIT_PARTIAL, proc.stderr.decode()
    out = json.loads(proc.stdout)
    assert out["store"]["documents"] == 2  # good.txt and ok-3
    reasons = {r["source"]: r["reason"] for r in out["rejected"]}
    assert any(s.startswith(str(corrupt)) for s in reasons) and f"{deep}:1" in reasons
    assert "too many sentences" in reasons[str(markup / "many.txt")]
    # terminal output shows the bracketed name as given (not read as markup); a rerun stores nothing twice
    proc = run_cli(*args)
    assert proc.returncode == EXIT_PARTIAL and "dir[x]" in proc.stdout.decode().replace("\n", "")
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM rejected").fetchone()[0] == len(out["rejected"])


def test_pairs_batch_survives_hostile_lines(tmp_path):
    lines = [
        json.dumps({"id": "ok", "a": GOOD["text"], "b": GOOD["text"].replace("five", "six")}),
        '{"id": "s\\ud800", "a": "Broken \\udc00 text. Fine.", "b": "Broken text. Fine."}',
        json.dumps({"id": "sep\u2028id", "a": "A line\u2028separator. Here.", "b": "A line separator. Here."}),
        json.dumps({"id": "big", "a": "word " * 5_000, "b": "x."}),
        json.dumps({"id": {"x": 1}, "a": "x.", "b": "y."}),
        "[" * 50_000,
    ]
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_bytes(("\n".join(lines) + "\n").encode("utf-8", "surrogatepass") + b'{"id": "latin", "a": "caf\xe9.", "b": "cafe."}\n')
    proc = run_cli("compare", "--pairs", str(pairs), "--json", "--no-embeddings", "--max-bytes", "10000")
    assert proc.returncode == EXIT_PARTIAL
    results = [json.loads(x) for x in proc.stdout.decode().split("\n") if x]
    assert [r["id"] for r in results] == ["ok", "s\ufffd", "sep\u2028id", "big", "line-5", "line-6", "line-7"]
    assert [("error" in r) for r in results] == [False, False, False, True, True, True, True]
    assert "too large" in results[3]["error"]["message"] and "UTF-8" in results[6]["error"]["message"]
    proc = run_cli("compare", "--pairs", str(pairs), "-o", str(tmp_path / "missing" / "out.jsonl"), "--no-embeddings")
    assert proc.returncode == EXIT_INPUT and "cannot write" in proc.stderr.decode()


def test_error_messages_are_one_line_even_for_hostile_names(tmp_path):
    odd = tmp_path / "two\nlines.txt"
    proc = run_cli("compare", str(odd), str(odd), "--no-embeddings")
    err = proc.stderr.decode()
    assert proc.returncode == EXIT_INPUT and err.count("\n") == 1 and "two\\nlines.txt" in err


# --- concurrency ----------------------------------------------------------------------------------------


def _hold_write_lock(db: Path) -> subprocess.Popen:
    """Another process holding the store for writing, as a running ingest does."""
    code = (f"import duckdb, sys, time\ncon = duckdb.connect({str(db)!r})\nprint('locked', flush=True)\n"
            "sys.stdin.read()\ncon.close()")
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout.readline().strip() == b"locked"
    return proc


@pytest.fixture()
def small_store(tmp_path) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text(_line(GOOD) + _line(GOOD2))
    db = tmp_path / "s.duckdb"
    assert run_cli("ingest", str(path), "--db", str(db), "--json").returncode == EXIT_OK
    return db


def test_readers_fail_at_once_while_a_writer_holds_the_store(small_store):
    holder = _hold_write_lock(small_store)
    try:
        for cmd in (("stories",), ("story", "x"), ("match", "-")):
            proc = run_cli(*cmd, "--db", str(small_store), input=GOOD["text"])
            err = proc.stderr.decode()
            assert proc.returncode == EXIT_BUSY, err
            assert f"being written by PID {holder.pid}" in err and err.count("\n") == 1
    finally:
        holder.communicate(b"")


def test_web_app_answers_busy_while_a_writer_holds_the_store(small_store):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from unspun.web import create_app

    client = TestClient(create_app(small_store), base_url="http://127.0.0.1")
    assert client.get("/stories").status_code == 200
    holder = _hold_write_lock(small_store)  # the app does not hold the store between requests
    try:
        busy = client.get("/stories")
        assert busy.status_code == 503 and busy.headers["Retry-After"] and "retry" in busy.text
        assert client.get("/api/stories").status_code == 503
    finally:
        holder.communicate(b"")
    assert client.get("/api/stories").status_code == 200


def test_ctrl_c_exits_130_and_leaves_a_store_that_opens(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("".join(_line({"id": f"d{i}", "text": f"Story {i} about the harbour budget. It costs {i} million."})
                            for i in range(3000)))
    db = tmp_path / "s.duckdb"
    exe = Path(sys.executable).parent / "unspun"
    proc = subprocess.Popen([str(exe), "ingest", str(path), "--db", str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not db.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err.decode()[-500:]
    out = run_cli("stories", "--db", str(db), "--json", "--no-findings")
    assert out.returncode == EXIT_OK
    again = run_cli("ingest", str(path), "--db", str(db), "--json", "--no-stories")
    assert json.loads(again.stdout)["store"]["documents"] == 3000


# --- crash safety ---------------------------------------------------------------------------------------


def _snapshot(db: Path) -> tuple[list[str], int, int, list[tuple]]:
    """(document ids with repeats, rejections, distinct rejections, stories as (members, origin))."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        ids = [r[0] for r in con.execute("SELECT doc_id FROM documents ORDER BY doc_id").fetchall()]
        rej = con.execute("SELECT count(*), count(DISTINCT (source, doc_id, stage, reason)) FROM rejected").fetchone()
    stories = json.loads(run_cli("stories", "--db", str(db), "--json", "--no-findings").stdout)["stories"]
    return ids, rej[0], rej[1], sorted((tuple(sorted(m["id"] for m in s["members"])), s["origin"]) for s in stories)


def test_a_store_file_killed_while_being_created_is_started_afresh(tmp_path):
    db = tmp_path / "s.duckdb"
    db.write_bytes(b"")  # what a SIGKILL between creating the file and writing its header leaves
    from unspun.errors import InputError
    from unspun.store import Store

    with pytest.raises(InputError, match="interrupted while creating it"):
        Store(db, read_only=True, create=False)
    path = tmp_path / "in.jsonl"
    path.write_text(_line(GOOD) + _line(GOOD2))
    out = json.loads(run_cli("ingest", str(path), "--db", str(db), "--json").stdout)
    assert out["store"]["documents"] == 2


def test_twenty_sigkills_at_random_points_lose_and_duplicate_nothing(tmp_path):
    """SIGKILL `ingest` (and story materialisation by `stories`) 20 times at random moments, then
    let it finish: every document and rejection is there exactly once and the stories are those
    of an uninterrupted run."""
    import random

    from tests.conftest import DATA

    corpus = tmp_path / "in.jsonl"
    corpus.write_text((DATA / "corpus.jsonl").read_text() + '{"id": "bad", "text": ""}\nnot json\n')
    ref = tmp_path / "ref.duckdb"
    run_cli("ingest", str(corpus), "--db", str(ref), "--batch-size", "2")
    expected = _snapshot(ref)
    assert len(expected[0]) == 17 and expected[1] == 2 and len(expected[3]) == 3

    exe = str(Path(sys.executable).parent / "unspun")
    ingest = [exe, "ingest", str(corpus), "--batch-size", "2"]
    rnd = random.Random(12)
    kills = rounds = cycle = 0
    db = tmp_path / "killed-0.duckdb"

    def finish_and_compare(db: Path) -> None:
        run_cli(*ingest[1:], "--db", str(db))
        ids, rejected, distinct, stories = _snapshot(db)
        assert ids == expected[0]  # nothing lost, nothing duplicated
        assert rejected == distinct == expected[1]
        assert stories == expected[3]

    while kills < 20:
        cycle += 1
        cmd = [exe, "stories", "--db", str(db), "--json"] if cycle % 5 == 0 and db.exists() else [*ingest, "--db", str(db)]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=rnd.uniform(0.3, 5.0))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
        if db.exists() and db.stat().st_size:  # the store opens after every kill (0 bytes: killed while creating it)
            from unspun.store import Store

            Store(db, read_only=True, create=False).close()
        if proc.returncode != -signal.SIGKILL and cmd[1] == "ingest":  # complete: compare, then a new store
            finish_and_compare(db)
            rounds += 1
            db = tmp_path / f"killed-{rounds}.duckdb"
    if db.exists():
        finish_and_compare(db)


# --- properties of every stage on arbitrary input ---------------------------------------------------------

_HOSTILE_TEXT = st.lists(st.one_of(
    st.sampled_from(list("aZ 9.!?,;:\"'()$%-\n\t") + ["Mr.", "U.S.", "not", "never", "Jan.", "2020", "5,000", "\u200b",
                                                        "\u202e", "\u2028", "\x00", "\ud800", "😀", "مرحبا", "<p>", "&amp;",
                                                        "Reuters", "said", "the", "million"]),
    st.characters()), max_size=120).map("".join)


@given(st.binary(max_size=2000))
def test_any_bytes_decode_to_text_or_a_clear_input_error(data):
    from unspun.errors import InputError
    from unspun.read import read_text

    try:
        raw = read_text(data, doc_id="x.txt")
    except InputError as exc:
        assert exc.source == "x.txt" and exc.problem
    else:
        assert isinstance(raw.text, str) and raw.text.strip()


@given(_HOSTILE_TEXT, st.sampled_from(["text", "html", "markdown"]))
def test_any_text_is_a_document_or_a_rejection_with_offsets_that_index_it(text, fmt):
    from unspun.pipeline import CompareOptions, document_or_rejection

    raw = RawDocument("doc", text, fmt, "utf-8", {"path": "f.txt"})  # type: ignore[arg-type]
    out = document_or_rejection(raw, CompareOptions(embeddings="off"), "f.txt")
    if isinstance(out, Rejected):
        assert out.source == "f.txt" and out.reason and "internal error" not in out.reason
    else:
        assert all(out.text[s.start:s.end] == s.text and s.text.strip() for s in out.sentences)


@given(_HOSTILE_TEXT, _HOSTILE_TEXT)
def test_any_two_texts_compare_or_fail_with_an_input_error(lexical_comparer, a, b):
    from unspun.errors import InputError
    from unspun.report.json import comparison_to_dict

    try:
        c = lexical_comparer.compare(a, b)
    except InputError as exc:
        assert exc.problem
        return
    out = json.dumps(comparison_to_dict(c), ensure_ascii=False)
    out.encode("utf-8")  # the JSON contract is always writable
    for f in c.findings:
        assert f.severity in ("high", "medium", "low")
