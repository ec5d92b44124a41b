"""End to end through the real `unspun` command: terminal, JSON contract, HTML, batch, stdin, bad input."""

from __future__ import annotations

import json

import pytest

from unspun.errors import EXIT_INPUT, EXIT_PARTIAL

from .conftest import load_json_stdout, run_cli


def check_contract(out: dict) -> None:
    """The compare JSON contract (README): names that scripts rely on."""
    assert out["version"] == 1
    assert len(out["documents"]) == 2
    for doc in out["documents"]:
        assert {"id", "title", "text", "sentences", "removed"} <= set(doc)
        for s in doc["sentences"]:
            assert doc["text"][s["start"] : s["end"]] == s["text"]
        for r in doc["removed"]:
            assert set(r) >= {"text", "reason"}
    n_a, n_b = (len(d["sentences"]) for d in out["documents"])
    seen_a, seen_b = set(), set()
    for link in out["links"]:
        assert isinstance(link["a"], list) and isinstance(link["b"], list)
        assert link["a"] and link["b"]
        assert link["kind"] in {"copied", "edited", "paraphrased"}
        assert 0.0 <= link["similarity"] <= 1.0
        assert all(0 <= i < n_a for i in link["a"]) and all(0 <= j < n_b for j in link["b"])
        assert not (seen_a & set(link["a"])) and not (seen_b & set(link["b"]))
        seen_a |= set(link["a"])
        seen_b |= set(link["b"])
    assert set(out["unmatched"]["a"]) == set(range(n_a)) - seen_a
    assert set(out["unmatched"]["b"]) == set(range(n_b)) - seen_b
    assert {"a_coverage", "b_coverage", "same_story"} <= set(out["scores"])
    assert 0.0 <= out["scores"]["same_story"] <= 1.0
    assert isinstance(out["findings"], list)


def test_compare_json_contract(harbor):
    out = load_json_stdout(run_cli("compare", str(harbor[0]), str(harbor[1]), "--json"))
    check_contract(out)
    assert out["documents"][0]["id"] == str(harbor[0])
    assert out["documents"][1]["title"].startswith("Port Alder")
    assert {r["reason"] for r in out["documents"][1]["removed"]} >= {"comment-form", "shortcode"}
    assert out["scores"]["same_story"] >= 0.5
    assert len(out["links"]) >= 9


def test_compare_terminal_view(harbor):
    proc = run_cli("compare", str(harbor[0]), str(harbor[1]), env={"COLUMNS": "160"})
    assert proc.returncode == 0, proc.stderr.decode()
    text = proc.stdout.decode()
    assert "same story" in text and "paraphrased" in text and "added" in text


def test_compare_stdin(harbor):
    proc = run_cli("compare", "-", str(harbor[1]), "--json", input=harbor[0].read_bytes())
    out = load_json_stdout(proc)
    check_contract(out)
    assert out["documents"][0]["id"] == "-"


def test_compare_html_report_is_escaped(tmp_path):
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text('The mayor said <script>alert("x")</script> the vote passed 7-2 on Tuesday. {{data}} Work starts in June.')
    b.write_text("The vote passed 7-2 on Tuesday, the mayor said. <img src=x onerror=alert(1)> Work will start in June.")
    report = tmp_path / "r.html"
    proc = run_cli("compare", str(a), str(b), "--html", str(report), "--json")
    assert proc.returncode == 0, proc.stderr.decode()
    page = report.read_text()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert" in page
    assert page.count('<script type="application/json"') == 1
    data = page.split('<script type="application/json" id="unspun-data">')[1].split("</script>")[0]
    check_contract(json.loads(data))


def test_batch_mode_with_a_bad_line(tmp_path, harbor):
    pairs = tmp_path / "pairs.jsonl"
    lines = [
        {"id": "p1", "a": "The bridge will close in May. Ferries will run instead.", "b": "Ferries will replace the bridge, which closes in May."},
        {"id": "p2", "a_path": str(harbor[0]), "b_path": str(harbor[1])},
        {"id": "p3", "a": "", "b": "Some text here."},
        {"id": "p4", "a_html": "<html><body><article><p>The dam opened on Thursday after years of delay, officials said.</p></article></body></html>",
         "b": "Officials said the dam opened on Thursday, years late."},
    ]
    pairs.write_text("\n".join(json.dumps(x) for x in lines) + "\nnot json\n")
    proc = run_cli("compare", "--pairs", str(pairs), "--json")
    assert proc.returncode == EXIT_PARTIAL, proc.stderr.decode()
    results = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [r["id"] for r in results] == ["p1", "p2", "p3", "p4", "line-5"]
    for r in (results[0], results[1], results[3]):
        check_contract(r)
    assert results[1]["documents"][0]["id"] == str(harbor[0])
    assert "empty" in results[2]["error"]["message"]
    assert "not valid JSON" in results[4]["error"]["message"]
    assert "2 of 5" in proc.stderr.decode()


@pytest.mark.parametrize(
    "make, problem",
    [
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: d, "is a directory"),
        (lambda d: _write(d / "empty.txt", b""), "empty"),
        (lambda d: _write(d / "bin.txt", b"\x00\x01\x02binary\x00" * 50), "binary"),
        (lambda d: _write(d / "big.txt", b"word " * 300), "too large"),
    ],
)
def test_bad_input_gives_one_line_and_exit_code(tmp_path, harbor, make, problem):
    bad = make(tmp_path)
    proc = run_cli("compare", str(bad), str(harbor[0]), "--json", "--max-bytes", "1000")
    err = proc.stderr.decode().strip()
    assert proc.returncode == EXIT_INPUT
    assert proc.stdout == b""
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert str(bad) in err and problem in err


def test_html_write_failure_leaves_no_file(tmp_path, harbor):
    target = tmp_path / "no-such-dir" / "r.html"
    proc = run_cli("compare", str(harbor[0]), str(harbor[1]), "--html", str(target))
    assert proc.returncode != 0
    assert not target.exists()


def test_help_everywhere():
    for args in (["--help"], ["compare", "--help"], ["setup", "--help"]):
        proc = run_cli(*args)
        assert proc.returncode == 0 and b"Usage" in proc.stdout


def test_usage_errors_exit_2(harbor):
    assert run_cli("compare", str(harbor[0])).returncode == 2
    assert run_cli("compare", "-", "-").returncode == 2


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


def test_compare_prints_the_findings_first_and_fits_80_columns(harbor):
    proc = run_cli("compare", str(harbor[0]), str(harbor[1]), env={"COLUMNS": "80"})
    assert proc.returncode == 0, proc.stderr.decode()
    lines = proc.stdout.decode().splitlines()
    assert max(len(line) for line in lines) <= 80
    changed = next(k for k, line in enumerate(lines) if "What changed" in line)
    aligned = next(k for k, line in enumerate(lines) if "Sentence by sentence" in line)
    assert changed < 15 < aligned
    assert any("serious · date changed" in line for line in lines[changed: changed + 4])
