"""Stage 1: reading files, encodings, and bad input."""

from __future__ import annotations

import json

import pytest

from unspun.errors import EXIT_INPUT, InputError
from unspun.read import read_path, read_text, sniff_format


def test_reads_utf8_text(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("The mayor spoke on Monday.\n", encoding="utf-8")
    raw = read_path(p)
    assert raw.id == str(p)
    assert raw.format == "text"
    assert raw.text.startswith("The mayor")


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_legacy_encodings_are_read_not_rejected(tmp_path, encoding):
    text = "The café’s owner said prices rose 5% in “early” 2024 — a record.\n" * 3
    if encoding == "latin-1":
        text = "The café owner in Zürich said prices rose 5% – señor Muñoz agreed.\n" * 3
        text = text.replace("–", "-")
    p = tmp_path / "legacy.txt"
    p.write_bytes(text.encode(encoding))
    raw = read_path(p)
    assert "café" in raw.text
    assert raw.text.strip() == text.strip()


def test_utf16_with_bom(tmp_path):
    p = tmp_path / "u16.txt"
    p.write_bytes("The council met on Friday.".encode("utf-16"))
    assert read_path(p).text == "The council met on Friday."


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"", "empty"),
        (b"   \n\n\t ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(1, 32)) * 20, "binary"),
    ],
)
def test_bad_content_is_a_clear_input_error(tmp_path, content, problem):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(InputError) as exc:
        read_path(p)
    assert problem in str(exc.value)
    assert str(p) in str(exc.value)
    assert exc.value.exit_code == EXIT_INPUT


def test_missing_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_path(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a directory"):
        read_path(tmp_path)


def test_size_limit(tmp_path):
    p = tmp_path / "big.txt"
    p.write_text("word " * 1000)
    with pytest.raises(InputError, match="too large"):
        read_path(p, max_bytes=100)
    assert read_path(p, max_bytes=10_000).text.startswith("word")


def test_size_limit_from_environment(tmp_path, monkeypatch):
    p = tmp_path / "big.txt"
    p.write_text("word " * 100)
    monkeypatch.setenv("UNSPUN_MAX_BYTES", "50")
    with pytest.raises(InputError, match="too large"):
        read_path(p)


def test_format_sniffing():
    assert sniff_format("<!DOCTYPE html><html><body>x</body></html>") == "html"
    assert sniff_format("  <html><p>x</p></html>") == "html"
    assert sniff_format("Plain text about <b> tags.") == "text"
    assert sniff_format("anything", "story.md") == "markdown"
    assert sniff_format("anything", "story.HTM") == "html"


def test_read_text_checks_too():
    with pytest.raises(InputError, match="empty"):
        read_text("   ", doc_id="x")
    assert read_text("<html><body><p>Hi there.</p></body></html>", doc_id="x").format == "html"


def test_parquet_rows_read_like_jsonl_records(tmp_path):
    import duckdb

    from unspun.read.sources import iter_sources

    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in [
        {"id": "a1", "text": "The mayor resigned on Monday. Her deputy takes over.", "source": "wire.example", "published": "2024-05-06"},
        {"id": "a2", "title": "no body"},
        {"id": "a3", "html": "<html><body><article><p>The dam opened on Thursday, officials said.</p></article></body></html>"},
    ]) + "\n")
    pq = tmp_path / "in.parquet"
    con = duckdb.connect()
    con.execute(f"COPY (SELECT * FROM read_json_auto('{src}')) TO '{pq}' (FORMAT parquet)")
    con.close()
    from_jsonl, from_parquet = list(iter_sources([str(src)])), list(iter_sources([str(pq)]))
    assert [type(x).__name__ for x in from_parquet] == ["RawDocument", "Rejected", "RawDocument"]
    assert [(x.id, x.text, x.format) for x in from_parquet if hasattr(x, "text")] == \
        [(x.id, x.text, x.format) for x in from_jsonl if hasattr(x, "text")]
    assert from_parquet[0].meta["published"] == "2024-05-06" and from_parquet[0].meta["source"] == "wire.example"
    assert from_parquet[1].source == f"{pq}#2" and "no 'text' or 'html'" in from_parquet[1].reason


def test_a_file_that_is_not_parquet_is_rejected_in_one_line(tmp_path):
    from unspun.read.sources import iter_sources

    bad = tmp_path / "broken.parquet"
    bad.write_bytes(b"PAR1 this is not a parquet file")
    (item,) = list(iter_sources([str(bad)]))
    assert item.source == str(bad) and "Parquet" in item.reason and "\n" not in item.reason
