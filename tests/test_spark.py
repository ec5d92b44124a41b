"""The Spark engine against the local engine: the same fixture corpus (our own, tests/data) plus
bad records, through `unspun ingest` and through Spark `local[2]` + `unspun import`, must give
the same documents, rejections, candidate pairs, pair scores, stories and origins. One Spark
session is shared by every test here (JVM start-up is the cost)."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import DATA, load_json_stdout, run_cli

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("no Java runtime (make test installs openjdk-17-jre-headless when run as root)", allow_module_level=True)

BAD = [
    "this line is not JSON",
    json.dumps({"id": "no-body", "title": "A record without text"}),
    json.dumps({"id": "flood-original", "text": "Same id as the first flood article, other words entirely."}),
]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[str]:
    """The fixture corpus as JSONL and as Parquet, a WARC with two pages, and bad records."""
    import duckdb

    from tests.conftest import write_warc

    where = tmp_path_factory.mktemp("inputs")
    bad = where / "bad.jsonl"
    bad.write_text("\n".join(BAD) + "\n")
    truncated = where / "truncated.jsonl.gz"  # read on a worker by the local reader: a rejection, not a failed job
    truncated.write_bytes(gzip.compress(("\n".join(BAD) + "\n").encode())[:15])
    related = where / "related.parquet"
    con = duckdb.connect()
    con.execute(f"COPY (SELECT * FROM read_json_auto('{DATA / 'related.jsonl'}')) TO '{related}' (FORMAT parquet)")
    con.close()
    warc = write_warc(where / "crawl.warc.gz", {
        "https://news.example/vote": "<html><head><title>Vote</title></head><body><article><p>The Harbor Street bridge plan "
                                     "passed 7-2 on Tuesday, officials said. Work starts in June.</p></article></body></html>",
        "https://broken.example/empty": "<html><body></body></html>",
    })
    return [str(DATA / "corpus.jsonl"), str(related), str(warc), str(bad), str(truncated)]


@pytest.fixture(scope="module")
def spark():
    from unspun.engines.spark import SparkOptions, session

    s = session(SparkOptions(master="local[2]", partitions=3))
    yield s
    s.stop()


@pytest.fixture(scope="module")
def local_store(inputs, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("local") / "local.duckdb"
    proc = run_cli("ingest", *inputs, "--db", str(db), "--json")
    assert proc.returncode == 5, proc.stderr.decode()  # 5: done, with rejected records
    assert len(json.loads(proc.stdout)["rejected"]) == 5
    return db


@pytest.fixture(scope="module")
def spark_run(inputs, spark, tmp_path_factory) -> tuple[Path, dict]:
    from unspun.engines.spark import SparkOptions, run

    out = tmp_path_factory.mktemp("spark") / "run"
    report = run(inputs, out, SparkOptions(master="local[2]", partitions=3), spark=spark)
    return out, report


@pytest.fixture(scope="module")
def spark_store(spark_run, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("imported") / "spark.duckdb"
    out = load_json_stdout(run_cli("import", str(spark_run[0]), "--db", str(db), "--json"))
    assert out["added"]["documents"] == 24 and out["added"]["rejected"] == 5
    assert out["stories"] == {"stories": 4, "from_run": True}  # built on Spark by the story kernels, taken as they are
    return db


def _read(db: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            "documents": {r[0]: r[1:] for r in con.execute(
                "SELECT doc_id, seq, copy_of, text_hash, title, source, text, spans, lead, static, minhash, names, verified"
                " FROM documents").fetchall()},
            "vectors": dict(con.execute("SELECT doc_id, vecs FROM sentence_vectors").fetchall()),
            "rejected": sorted(con.execute("SELECT source, doc_id, stage, reason FROM rejected").fetchall(), key=str),
            "pairs": {(r[0], r[1]): r[2:] for r in con.execute(
                "SELECT a, b, same_story, a_coverage, b_coverage, kind, links, evidence FROM pairs").fetchall()},
            "stories": {r[0]: (json.loads(r[1]), r[2], r[3]) for r in con.execute(
                "SELECT story_id, members, origin, edges FROM stories").fetchall()},
        }
    finally:
        con.close()


def test_spark_and_local_engines_build_the_same_store(local_store, spark_store):
    local, distributed = _read(local_store), _read(spark_store)
    assert distributed["documents"] == local["documents"]  # seq, copies, vectors, names: bit for bit
    assert distributed["vectors"] == local["vectors"] and local["vectors"]  # of every document that was compared
    assert distributed["rejected"] == local["rejected"] and len(local["rejected"]) == 5
    assert set(distributed["pairs"]) == set(local["pairs"]) and len(local["pairs"]) >= 20
    for key, row in local["pairs"].items():
        other = distributed["pairs"][key]
        assert all(abs(x - y) <= 1e-6 for x, y in zip(row[:3], other[:3])), key
        assert row[3:] == other[3:], key
    assert distributed["stories"] == local["stories"] and len(local["stories"]) == 4


def test_imported_stories_open_with_the_story_command(spark_store):
    stories = load_json_stdout(run_cli("stories", "--db", str(spark_store), "--json", "--no-findings"))["stories"]
    flood = next(s for s in stories if any(m["id"] == "flood-original" for m in s["members"]))
    item = load_json_stdout(run_cli("story", flood["id"], "--db", str(spark_store), "--json"))
    assert item["origin"] == "flood-original" and len(item["members"]) == 4


def test_a_run_resumes_from_the_first_incomplete_stage(spark_run, spark, inputs):
    from unspun.engines.spark import SparkOptions, run

    out, first = spark_run
    assert {k: v["rows"] for k, v in first["stages"].items()} == {"documents": 24, "candidates": 24, "pairs": 24, "stories": 4}
    assert (out / "vectors" / "_SUCCESS").exists()
    before = sorted(p.name for p in (out / "pairs").glob("*.parquet"))
    (out / "pairs" / "_SUCCESS").unlink()  # as if the job died while writing the last stage
    again = run(inputs, out, SparkOptions(master="local[2]", partitions=3), spark=spark)
    assert again["stages"]["documents"] == {"skipped": "complete"}
    assert again["stages"]["candidates"] == {"skipped": "complete"}
    assert again["stages"]["pairs"]["rows"] == 24 and (out / "pairs" / "_SUCCESS").exists()
    assert again["stages"]["stories"]["rows"] == 4  # a later stage is redone when an earlier one is
    # overwritten, not appended: every part file comes from the second write (the part count
    # itself varies with how Spark partitions 24 rows, so it is not compared)
    def writes(names: list[str]) -> set[str]:
        return {n.split("-", 2)[2].rsplit("-c000", 1)[0] for n in names}

    after = sorted(p.name for p in (out / "pairs").glob("*.parquet"))
    assert len(writes(after)) == 1 and writes(after) != writes(before)


def test_import_refuses_an_incomplete_run_without_writing(tmp_path, spark_run):
    out = tmp_path / "partial"
    shutil.copytree(spark_run[0], out)
    (out / "pairs" / "_SUCCESS").unlink()
    db = tmp_path / "x.duckdb"
    proc = run_cli("import", str(out), "--db", str(db))
    err = proc.stderr.decode().strip()
    assert proc.returncode == 3 and "pairs" in err and len(err.splitlines()) == 1
    assert not db.exists()  # nothing half-written


def test_blocked_search_finds_every_story_edge_of_the_fixture(spark, inputs, tmp_path, local_store):
    from unspun.engines.spark import SparkOptions, run

    out = tmp_path / "blocked"
    run(inputs, out, SparkOptions(master="local[2]", partitions=3, search="blocked"), spark=spark)
    db = tmp_path / "blocked.duckdb"
    load_json_stdout(run_cli("import", str(out), "--db", str(db), "--json"))
    local, blocked = _read(local_store), _read(db)
    assert blocked["stories"] == local["stories"]
    edges = {(a, b) for st in local["stories"].values() for e in json.loads(st[2]) for a, b in [(e["source"], e["target"])]}
    found = set(blocked["pairs"])
    assert all((a, b) in found or (b, a) in found for a, b in edges)


def test_connected_components_as_dataframe_iterations(spark):
    from unspun.engines.spark import connected_components

    edges = spark.createDataFrame([("d", "c"), ("c", "b"), ("b", "a"), ("x", "y"), ("q", "q")], "a string, b string")
    got = {r["doc_id"]: r["component"] for r in connected_components(spark, edges).collect()}
    assert got == {"a": "a", "b": "a", "c": "a", "d": "a", "x": "x", "y": "x", "q": "q"}


def test_documents_added_to_a_run_give_one_run_over_all_inputs(spark, inputs, tmp_path, spark_store):
    """`--add` represents only the new documents and verifies only new pairs, yet the run ends as
    one run over all the inputs would: the same documents and seqs, pairs and stories, bit for bit.
    An add killed after its first step resumes; until it finishes, import and a plain run refuse."""
    from unspun.engines.spark import SparkOptions, run
    from unspun.errors import InputError

    opts = SparkOptions(master="local[2]", partitions=3)
    with pytest.raises(InputError, match="no complete 'documents' stage"):
        run(inputs[1:], tmp_path / "empty", opts, spark=spark, add=True)
    out = tmp_path / "grown"
    first = run(inputs[:1], out, opts, spark=spark)
    assert first["stages"]["documents"]["rows"] < 24

    class Killed(Exception):
        pass

    def die_after_documents(stage: str, seconds: float) -> None:
        if stage == "documents":
            raise Killed

    with pytest.raises(Killed):
        run(inputs[1:], out, opts, spark=spark, add=True, progress=die_after_documents)
    proc = run_cli("import", str(out), "--db", str(tmp_path / "early.duckdb"))
    err = proc.stderr.decode().strip()
    assert proc.returncode == 3 and "--add" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "early.duckdb").exists()
    with pytest.raises(InputError, match="has not finished"):
        run(inputs, out, opts, spark=spark)
    with pytest.raises(InputError, match="has not finished"):
        run(inputs[2:], out, opts, spark=spark, add=True)  # other inputs: finish the first add first
    again = run(inputs[1:], out, opts, spark=spark, add=True)
    assert again["stages"]["documents"] == {"skipped": "complete"} and again["stages"]["stories"]["rows"] == 4
    assert not (out / "add.json").exists() and not list(out.glob("*.next")) and not list(out.glob("*.prev"))
    db = tmp_path / "grown.duckdb"
    load_json_stdout(run_cli("import", str(out), "--db", str(db), "--json"))
    assert _read(db) == _read(spark_store)
