"""Stages 1-8 over a corpus, end to end through the CLI with a real DuckDB file."""

from __future__ import annotations

import json
import shutil

import pytest

from unspun.errors import EXIT_INPUT, EXIT_PARTIAL

from .conftest import DATA, load_json_stdout, run_cli

CORPUS = DATA / "corpus.jsonl"
STORIES = {"flood", "chip", "strike"}


def groups(stories_json: dict) -> dict[str, set[str]]:
    return {s["id"]: {m["id"] for m in s["members"]} for s in stories_json["stories"]}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = tmp_path_factory.mktemp("store") / "news.duckdb"
    proc = run_cli("ingest", str(CORPUS), "--db", str(db), "--json")
    out = load_json_stdout(proc)
    assert out["added"] == 17 and out["copies"] == 3 and out["rejected"] == []
    return db


def test_stories_are_exactly_the_written_ones(store):
    out = load_json_stdout(run_cli("stories", "--db", str(store), "--json"))
    found = sorted(sorted(g) for g in groups(out).values())
    expected = sorted(sorted(f"{s}-{v}" for v in ("original", "copy", "edit", "rewrite")) for s in STORIES)
    assert found == expected  # distractors and same-topic near misses are in no story
    for s in out["stories"]:
        name = s["members"][0]["id"].split("-")[0]
        assert s["origin"] == f"{name}-original"  # published first
        assert {"id", "title", "source", "published"} <= set(s["members"][0])
        assert isinstance(s["findings"], list)
        kinds = {(r["from"], r["to"]): r["kind"] for r in s["relations"]}
        assert kinds.get((f"{name}-original", f"{name}-copy")) == "copied"


def test_story_reuse_graph(store):
    listing = load_json_stdout(run_cli("stories", "--db", str(store), "--json", "--no-findings"))
    sid = next(s["id"] for s in listing["stories"] if any(m["id"] == "flood-rewrite" for m in s["members"]))
    out = load_json_stdout(run_cli("story", sid, "--db", str(store), "--json"))
    assert out["id"] == sid and out["origin"] == "flood-original"
    assert len(out["edges"]) == 3  # a tree over four versions
    ids = [m["id"] for m in out["members"]]
    assert len(ids) == len(set(ids)) == 4  # every member once
    targets = [e["to"] for e in out["edges"]]
    assert len(targets) == len(set(targets)) and set(ids) - set(targets) == {out["root"]} == {"flood-original"}  # one root
    assert out["origin_reason"] and isinstance(out["cross_links"], list) and out["related"] == []
    for e in out["edges"]:
        assert e["direction"] in ("known", "unknown")
        assert all(f["pair"] == {"from": e["from"], "to": e["to"], "direction": e["direction"]} for f in e["findings"])
    for e in out["edges"]:
        assert {"from", "to", "kind", "evidence"} <= set(e)
        assert e["evidence"]["same_story"] >= 0.5
        assert e["to"] != "flood-original"
    assert run_cli("story", "s0000000000", "--db", str(store), "--json").returncode == EXIT_INPUT


def test_match_new_rewrite(store, tmp_path):
    new = tmp_path / "chip-new.txt"
    new.write_text(
        "A chipmaker has picked the Kestrel area for a huge new plant, the company said on Tuesday.\n\n"
        "Solvane Technologies plans to spend 4.5 billion dollars on the factory, which could employ 3,000 people from 2028.\n\n"
        "Its boss, Marcus Ilves, praised the region's water and workers. The government is adding 600 million dollars in aid."
    )
    out = load_json_stdout(run_cli("match", str(new), "--db", str(store), "--json"))
    assert out["matches"], out
    best = out["matches"][0]
    assert {"story", "score", "documents"} <= set(best)
    assert any(d.startswith("chip-") for d in best["documents"])
    assert best["score"] >= 0.5
    # every id match prints can be opened: a story with `story`, else the closest stored document
    for m in out["matches"]:
        if m["story"] is not None:
            opened = load_json_stdout(run_cli("story", m["story"], "--db", str(store), "--json"))
            assert set(m["documents"]) <= {x["id"] for x in opened["members"]}
        else:
            assert m["closest_document"] in m["documents"]
    unrelated = tmp_path / "other.txt"
    unrelated.write_text("A new bakery opened on Elm Street on Friday. It sells sourdough bread and pastries. Queues formed early.")
    assert load_json_stdout(run_cli("match", str(unrelated), "--db", str(store), "--json"))["matches"] == []


def test_ingest_is_idempotent(store):
    pairs_before = _count(store, "pairs")
    out = load_json_stdout(run_cli("ingest", str(CORPUS), "--db", str(store), "--json"))
    assert out["added"] == 0 and out["duplicates"] == 17 and out["pairs_checked"] == 0
    assert out["stories_updated"] == 0  # nothing changed: no story is recomputed
    assert _count(store, "documents") == 17 and _count(store, "pairs") == pairs_before


def test_interrupted_ingest_resumes(tmp_path):
    db = tmp_path / "crash.duckdb"
    proc = run_cli("ingest", str(CORPUS), "--db", str(db), "--batch-size", "5", env={"UNSPUN_TEST_CRASH_AFTER_BATCHES": "1"})
    assert proc.returncode == 137  # died inside the second batch's transaction
    assert _count(db, "documents") == 5  # only the committed batch is there
    out = load_json_stdout(run_cli("ingest", str(CORPUS), "--db", str(db), "--json", "--batch-size", "5"))
    assert out["duplicates"] == 5 and out["added"] == 12
    stories = load_json_stdout(run_cli("stories", "--db", str(db), "--json", "--no-findings"))
    assert len(stories["stories"]) == 3


def test_stories_do_not_depend_on_ingest_order(store, tmp_path):
    """The same corpus ingested in reverse order in two runs gives the same stories (as member
    sets: ids follow the first-ingested member) and the same scores for the same pairs."""
    lines = CORPUS.read_text().splitlines()[::-1]
    first, later = tmp_path / "first.jsonl", tmp_path / "later.jsonl"
    first.write_text("\n".join(lines[:9]) + "\n")
    later.write_text("\n".join(lines[9:]) + "\n")
    db = tmp_path / "reversed.duckdb"
    load_json_stdout(run_cli("ingest", str(first), "--db", str(db), "--json", "--batch-size", "4"))
    load_json_stdout(run_cli("ingest", str(later), "--db", str(db), "--json", "--batch-size", "4"))
    one = load_json_stdout(run_cli("stories", "--db", str(store), "--json", "--no-findings"))
    two = load_json_stdout(run_cli("stories", "--db", str(db), "--json", "--no-findings"))
    assert sorted(map(sorted, groups(one).values())) == sorted(map(sorted, groups(two).values()))
    a, b = _scores(store), {tuple(sorted(k)): v for k, v in _scores(db).items()}
    common = {tuple(sorted(k)) for k in a} & set(b)
    assert len(common) >= 12 and all(a.get(k, a.get(k[::-1])) == b[k] for k in common)


def test_stories_do_not_depend_on_batch_size_or_interruption(store, tmp_path):
    """The same corpus, ingested in batches of 3 after an interruption, gives the same pair scores
    and the same stories as one uninterrupted ingest: embeddings do not depend on the batch."""
    db = tmp_path / "other.duckdb"
    run_cli("ingest", str(CORPUS), "--db", str(db), "--batch-size", "3", env={"UNSPUN_TEST_CRASH_AFTER_BATCHES": "2"})
    load_json_stdout(run_cli("ingest", str(CORPUS), "--db", str(db), "--json", "--batch-size", "3"))
    assert _scores(db) == _scores(store)
    one = load_json_stdout(run_cli("stories", "--db", str(store), "--json", "--no-findings"))
    two = load_json_stdout(run_cli("stories", "--db", str(db), "--json", "--no-findings"))
    assert one["stories"] == two["stories"]


def test_incremental_ingest_updates_stories_without_recomputing(tmp_path):
    lines = CORPUS.read_text().splitlines()
    first = tmp_path / "first.jsonl"
    later = tmp_path / "later.jsonl"
    first.write_text("\n".join(x for x in lines if "-rewrite" not in x) + "\n")
    later.write_text("\n".join(x for x in lines if "-rewrite" in x) + "\n")
    db = tmp_path / "inc.duckdb"
    load_json_stdout(run_cli("ingest", str(first), "--db", str(db), "--json"))
    pairs_before = _pairs(db)
    out = load_json_stdout(run_cli("ingest", str(later), "--db", str(db), "--json"))
    assert out["added"] == 3 and out["verified_documents"] == 3
    assert out["stories_updated"] == 3 and out["stories_merged_or_dissolved"] == 0  # each story gained its rewrite
    pairs_after = _pairs(db)
    assert pairs_before <= pairs_after  # nothing recomputed or dropped
    assert all("rewrite" in a + b for a, b in pairs_after - pairs_before)  # only the new documents were verified
    stories = load_json_stdout(run_cli("stories", "--db", str(db), "--json", "--no-findings"))
    assert all(len(s["members"]) == 4 for s in stories["stories"]) and len(stories["stories"]) == 3


def test_directories_globs_and_bad_files(tmp_path):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    shutil.copy(DATA.parent.parent / "examples" / "harbor_original.txt", src / "a.txt")
    shutil.copy(DATA.parent.parent / "examples" / "harbor_rewrite.txt", src / "sub" / "b.md")
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.html").write_bytes(b"\x00\x01\x02" * 100)
    db = tmp_path / "d.duckdb"
    proc = run_cli("ingest", str(src), str(tmp_path / "nothing-*.txt"), "--db", str(db), "--json")
    assert proc.returncode == EXIT_PARTIAL
    out = json.loads(proc.stdout)
    assert out["added"] == 2
    reasons = {r["source"].split("/")[-1]: r["reason"] for r in out["rejected"]}
    assert "empty" in reasons["empty.txt"] and "binary" in reasons["binary.html"]
    assert "no file matches" in reasons["nothing-*.txt"]
    stories = load_json_stdout(run_cli("stories", "--db", str(db), "--json", "--no-findings"))
    assert {m["id"] for m in stories["stories"][0]["members"]} == {str(src / "a.txt"), str(src / "sub" / "b.md")}


def test_warc_input(tmp_path):
    pytest.importorskip("warcio")
    from tests.conftest import write_warc

    pages = {
        "https://news.example/flood": "<html><head><title>Flood</title></head><body><article><p>" + json.loads(CORPUS.read_text().splitlines()[0])["text"] + "</p></article></body></html>",
        "https://farm.example/flood": "<html><body><article><p>" + json.loads(CORPUS.read_text().splitlines()[3])["text"] + "</p></article></body></html>",
    }
    path = write_warc(tmp_path / "crawl.warc.gz", pages)
    db = tmp_path / "w.duckdb"
    out = load_json_stdout(run_cli("ingest", str(path), "--db", str(db), "--json"))
    assert out["added"] == 2
    stories = load_json_stdout(run_cli("stories", "--db", str(db), "--json", "--no-findings"))
    ids = {m["id"] for m in stories["stories"][0]["members"]}
    assert all(i.split(" ")[0] in pages and "<urn:uuid:" in i for i in ids)
    assert {m["source"] for m in stories["stories"][0]["members"]} == {"news.example", "farm.example"}


def test_truncated_warc_is_a_rejection_not_a_crash(tmp_path):
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00garbage-not-really-gzip" * 3)
    proc = run_cli("ingest", str(bad), "--db", str(tmp_path / "b.duckdb"), "--json")
    assert proc.returncode == EXIT_PARTIAL
    out = json.loads(proc.stdout)
    assert out["added"] == 0 and out["rejected"] and "WARC" in out["rejected"][0]["reason"]


def test_store_errors_are_clear(tmp_path):
    notdb = tmp_path / "not.duckdb"
    notdb.write_text("hello")
    proc = run_cli("stories", "--db", str(notdb))
    assert proc.returncode == EXIT_INPUT and b"Traceback" not in proc.stderr
    proc = run_cli("stories", "--db", str(tmp_path / "missing.duckdb"))
    assert proc.returncode == EXIT_INPUT and b"no such store" in proc.stderr


def test_library_corpus_object(tmp_path):
    from unspun.corpus import Corpus

    with Corpus(tmp_path / "lib.duckdb") as corpus:
        summary = corpus.ingest([str(CORPUS)])
        assert summary.added == 17
        assert len(corpus.stories(findings=False)) == 3
        # the per-stage profile covers every stage an ingest with stories runs, within its wall time
        stages = summary.to_dict()["seconds"]["stages"]
        assert set(stages) == {"read", "extract_segment", "represent", "candidates", "sentence_vectors", "verify", "store", "stories"}
        assert all(v >= 0 for v in stages.values())
        assert sum(summary.stage_seconds.values()) <= summary.seconds_documents + summary.seconds_stories + 0.01
        flood = json.loads(CORPUS.read_text().splitlines()[2])["text"]  # the light edit of the flood story
        probe = tmp_path / "probe.txt"
        probe.write_text(flood.replace("Sunday", "Sunday evening"))
        matches = corpus.match(probe)
        assert matches and any(d.id.startswith("flood-") for d in matches[0].documents)
        assert matches[0].story is not None and corpus.story(matches[0].story) is not None


def test_hnsw_search_builds_the_same_stories(tmp_path):
    pytest.importorskip("faiss")
    from unspun.corpus import Corpus, CorpusOptions

    found = {}
    for ann in ("exact", "hnsw"):
        with Corpus(tmp_path / f"{ann}.duckdb", CorpusOptions(ann=ann)) as corpus:
            corpus.ingest([str(CORPUS)])
            assert corpus.index.approximate() == (ann == "hnsw")
            found[ann] = sorted(sorted(m) for m in corpus.components())
    assert len(found["exact"]) == 3 and found["hnsw"] == found["exact"]


def _count(db, table):
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _scores(db):
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return {(a, b): round(x, 9) for a, b, x in con.execute("SELECT a, b, same_story FROM pairs").fetchall()}


def _pairs(db):
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return set(con.execute("SELECT a, b FROM pairs").fetchall())


def test_compare_accepts_stored_ids(store, tmp_path):
    out = load_json_stdout(run_cli("compare", "--db", str(store), "flood-original", "flood-rewrite", "--json"))
    assert [d["id"] for d in out["documents"]] == ["flood-original", "flood-rewrite"]
    assert out["scores"]["is_same_story"]
    # a stored id against a file
    f = tmp_path / "mine.txt"
    f.write_text(next(json.loads(x)["text"] for x in CORPUS.read_text().splitlines() if '"flood-copy"' in x))
    mixed = load_json_stdout(run_cli("compare", "--db", str(store), "flood-original", str(f), "--json"))
    assert mixed["scores"]["a_coverage"] > 0.9
    # an id that is neither stored nor a file: one clear line, input exit code
    bad = run_cli("compare", "--db", str(store), "flood-original", "no-such-doc", "--json")
    err = bad.stderr.decode()
    assert bad.returncode == EXIT_INPUT and "no-such-doc" in err and "neither a document id" in err


def test_version_1_store_is_migrated_and_outdated_rows_are_named(store, tmp_path):
    """A store written by schema 1 (no kernel versions on documents, no stored stories) is
    migrated in place on open, gets the same stories, and says its rows come from older kernels."""
    import duckdb

    old = tmp_path / "v1.duckdb"
    shutil.copy(store, old)
    with duckdb.connect(str(old)) as con:  # turn it back into what schema 1 was
        for t in ("stories", "story_members", "story_history"):
            con.execute(f"DROP TABLE {t}")
        con.execute("ALTER TABLE documents DROP COLUMN algorithm")
        con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
        con.execute("DELETE FROM meta WHERE key LIKE 'stories_%'")
        for a, b, ev in con.execute("SELECT a, b, evidence FROM pairs").fetchall():  # pairs verified before lead_link
            ev = json.loads(ev)
            ev.pop("lead_link", None)
            con.execute("UPDATE pairs SET evidence = ? WHERE a = ? AND b = ?", [json.dumps(ev), a, b])
    proc = run_cli("stories", "--db", str(old), "--json", "--no-findings")
    migrated = load_json_stdout(proc)
    fresh = load_json_stdout(run_cli("stories", "--db", str(store), "--json", "--no-findings"))
    assert migrated["stories"] == fresh["stories"]
    assert "older kernel" in proc.stderr.decode()  # 17 documents represented by the v1 kernel
    from unspun.records import Link, Pair
    from unspun.store import Store

    with Store(store, read_only=True) as s_new, Store(old, read_only=True) as s_old:
        ids = [r["doc_id"] for r in s_new._rows("SELECT doc_id FROM documents")]
        now, before = s_new.pairs_among(ids), s_old.pairs_among(ids)
        assert now and all(isinstance(p, Pair) and all(isinstance(lk, Link) for lk in p.links) for p in now)
        # the lead link of rows that lack it is derived from their links, and equals the stored one
        assert {(p.a, p.b): p.evidence["lead_link"] for p in before} == {(p.a, p.b): p.evidence["lead_link"] for p in now}
    with duckdb.connect(str(old), read_only=True) as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "2"
        assert con.execute("SELECT count(*) FROM stories").fetchone()[0] == 3
    # a store from a newer unspun is refused with a clear line
    with duckdb.connect(str(old)) as con:
        con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    newer = run_cli("stories", "--db", str(old), "--json")
    assert newer.returncode == EXIT_INPUT and "newer unspun" in newer.stderr.decode()


def test_merged_story_id_still_opens(store, tmp_path):
    """An id that was merged into another story says so instead of 'no such story'."""
    from unspun.store import Store

    db = tmp_path / "merged.duckdb"
    shutil.copy(store, db)
    listing = load_json_stdout(run_cli("stories", "--db", str(db), "--json", "--no-findings"))
    target = listing["stories"][0]["id"]
    with Store(db) as s, s.transaction():
        s.save_stories([], {"s00000gone0": target})
    out = load_json_stdout(run_cli("story", "s00000gone0", "--db", str(db), "--json"))
    assert out == {"id": "s00000gone0", "merged_into": target}
    assert target in run_cli("story", "s00000gone0", "--db", str(db)).stdout.decode()


RELATED = DATA / "related.jsonl"


@pytest.fixture(scope="module")
def related_store(tmp_path_factory):
    db = tmp_path_factory.mktemp("related") / "related.duckdb"
    load_json_stdout(run_cli("ingest", str(CORPUS), str(RELATED), "--db", str(db), "--json"))
    return db


def test_follow_up_and_same_outlet_coverage_are_related_not_rewrites(related_store):
    """A follow-up from the same outlet (new news, reused background) and three different match
    articles on one club stay out of the story; the follow-up is listed as related coverage."""
    out = load_json_stdout(run_cli("stories", "--db", str(related_store), "--json", "--no-findings"))
    by_member = {m["id"]: s for s in out["stories"] for m in s["members"]}
    mayor = by_member["mayor-original"]
    assert {m["id"] for m in mayor["members"]} == {"mayor-original", "mayor-rewrite"}
    assert "mayor-followup" not in by_member
    assert "mayor-followup" in mayor["related_documents"]
    assert not any(d in by_member for d in ("rovers-injury", "rovers-draw", "rovers-report"))
    assert groups(out).keys() >= {s["id"] for s in out["stories"]}  # the original three stories are still there
    assert len(out["stories"]) == 4
