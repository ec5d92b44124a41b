"""`unspun serve`: the JSON twins and headers through FastAPI's test client, and the pages in a
real Chromium (Debian's /usr/bin/chromium driven by Playwright) against a real uvicorn server
over a real DuckDB store built by `unspun ingest` from our own fixtures (tests/data), including
articles whose title, outlet, URL and text are hostile (tests/data/hostile.jsonl)."""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import DATA, load_json_stdout, run_cli

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("web") / "web.duckdb"
    out = load_json_stdout(run_cli("ingest", str(DATA / "corpus.jsonl"), str(DATA / "hostile.jsonl"), "--db", str(db), "--json"))
    assert out["rejected"] == []
    load_json_stdout(run_cli("stories", "--db", str(db), "--json"))  # computes and caches the findings, as a user would
    return db


@pytest.fixture(scope="module")
def client(store):
    from unspun.web import create_app

    digest = hashlib.sha256(store.read_bytes()).hexdigest()
    with TestClient(create_app(store), base_url="http://127.0.0.1") as c:
        yield c
    c.app.state.site.close()
    assert hashlib.sha256(store.read_bytes()).hexdigest() == digest, "serving must never write to the store"


def _tollgate(client) -> dict:
    found = client.get("/api/stories", params={"q": "tollgate"}).json()["stories"]
    assert len(found) == 1
    return found[0]


def test_story_list_api_searches_filters_and_reports_the_worst_change(client):
    listing = client.get("/api/stories").json()
    assert listing["count"] == listing["total"] == 4 and listing["page"] == 1 and listing["pages"] == 1
    st = _tollgate(client)
    assert st["members"] == 2 and st["findings_computed"]
    assert st["worst_finding"]["type"] == "contradiction" and st["worst_finding"]["severity"] == "high"
    assert [s["id"] for s in client.get("/api/stories", params={"contradiction": "true"}).json()["stories"]] == [st["id"]]
    assert client.get("/api/stories", params={"q": "TOLLGATE"}).json()["total"] == 1  # case-insensitive
    assert client.get("/api/stories", params={"q": "copy.example"}).json()["total"] == 1  # outlet
    assert client.get("/api/stories", params={"q": st["id"]}).json()["total"] == 1  # id
    assert client.get("/api/stories", params={"until": "2024-03-31"}).json()["total"] == 1  # tollgate: March, the rest: May
    assert client.get("/api/stories", params={"since": "2024-05-01"}).json()["total"] == 3
    assert client.get("/api/stories", params={"severity": "high"}).json()["total"] == 1
    assert client.get("/api/stories", params={"page": 2}).json()["stories"] == []


def test_story_api_is_the_story_contract_with_changes_along_the_way(client):
    st = _tollgate(client)
    item = client.get(f"/api/stories/{st['id']}").json()
    assert item["origin"] == "tollgate-original" and item["root"] == "tollgate-original"
    assert sorted(m["id"] for m in item["members"]) == ["tollgate-original", "tollgate-rewrite"]
    assert [(e["from"], e["to"]) for e in item["edges"]] == [("tollgate-original", "tollgate-rewrite")]
    change = item["changes"][0]
    assert change["type"] == "contradiction" and change["first"] == "tollgate-rewrite" and change["parent"] == "tollgate-original"


def test_pair_api_is_the_compare_contract_with_top_changes(client):
    out = client.get("/api/pair", params={"a": "tollgate-original", "b": "tollgate-rewrite"}).json()
    assert [d["id"] for d in out["documents"]] == ["tollgate-original", "tollgate-rewrite"]
    top = out["top_changes"][0]
    assert top["type"] == "contradiction" and top["label"] == "contradiction" and top["old"] == "did not approve"
    assert out["direction"] == "known" and len(out["top_changes"]) <= 5
    backwards = client.get("/api/pair", params={"a": "tollgate-rewrite", "b": "tollgate-original"}).json()
    assert backwards["direction"] == "reversed"


def test_document_api_lists_its_stories(client):
    st = _tollgate(client)
    doc = client.get("/api/documents/tollgate-rewrite").json()
    assert doc["stories"] == [st["id"]] and doc["meta"]["source"] == "copy.example"
    assert len(doc["sentences"]) >= 6


def test_errors_are_clear_and_escaped(client):
    r = client.get("/api/stories/no-such-story")
    assert r.status_code == 404 and "no such story" in r.json()["detail"]
    r = client.get("/stories/<img src=x onerror=alert(1)>")
    assert r.status_code == 404 and "<img" not in r.text and "&lt;img src=x onerror=alert(1)&gt;" in r.text
    r = client.get("/stories/a/<b>")  # no such page at all
    assert r.status_code == 404 and "Not Found" in r.text and "<b>" not in r.text
    assert client.get("/api/documents/nope").status_code == 404
    assert client.get("/api/pair", params={"a": "nope", "b": "tollgate-rewrite"}).status_code == 404
    assert client.get("/api/stories", params={"severity": "critical"}).status_code == 422
    assert client.get("/api/stories", params={"since": "yesterday"}).status_code == 422
    assert client.get("/api/stories", params={"q": "x" * 201}).status_code == 422


@pytest.mark.parametrize("path", [
    "/documents/../../../etc/passwd", "/api/documents/..%2F..%2F..%2Fetc%2Fpasswd", "/documents/%00", "/stories/%2e%2e",
    "/static/../pyproject.toml", "/static/..%2f..%2fpyproject.toml", "/api/stories/" + "x" * 20_000,
    "/documents/" + "%F0%9F%92%A5" * 2000, "/pair?a=" + "x" * 5000 + "&b=y", "/pair?a=%ud800&b=%00", "/api/pair?a=x",
    "/stories?page=0", "/stories?page=99999999999999999999", "/stories?sort=../../etc",
    "/documents/%ED%A0%80", "/stories/\u202e", "/api/stories/%5B%2F%5D",
])
def test_hostile_paths_get_a_4xx_never_a_5xx(client, path):
    r = client.get(path)
    assert 400 <= r.status_code < 500, (path, r.status_code)
    assert "root:" not in r.text and "[project]" not in r.text  # nothing from the file system


def test_hostile_search_text_is_only_a_search(client):
    r = client.get("/api/stories", params={"q": "\x00\ufffd'; DROP TABLE stories; --", "source": "../../etc"})
    assert r.status_code == 200 and r.json()["total"] == 0 and client.get("/api/stories").json()["total"] > 0


def test_every_response_carries_the_security_headers_and_foreign_hosts_are_refused(client):
    for path in ("/stories", "/api/stories", "/static/unspun.css", "/api/docs", "/api/openapi.json"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert "default-src 'none'" in r.headers["content-security-policy"] and "script-src" not in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get("/stories", headers={"host": "attacker.example"}).status_code == 400  # DNS rebinding


def test_openapi_lists_a_json_twin_for_every_page(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/stories", "/api/stories/{story_id}", "/api/pair", "/api/documents/{doc_id}"} <= set(paths)
    page = client.get("/api/docs").text
    assert "/api/pair" in page and "cdn" not in page.lower()


# --- in the browser -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(store):
    import uvicorn

    from unspun.web import create_app

    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not srv.started:
        assert time.time() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (make test installs it when run as root)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    context.close()


def test_browse_from_the_story_list_to_a_marked_contradiction_and_its_json(server, page):
    page.goto(server + "/stories")
    assert page.locator("table.stories tbody tr").count() == 4
    page.fill("input[name=q]", "tollgate")
    page.click("form.filters button")
    rows = page.locator("table.stories tbody tr")
    assert rows.count() == 1 and "contradiction" in rows.first.inner_text()
    rows.first.locator("a").first.click()
    assert page.locator("svg.graph g.node").count() == 2
    assert page.locator("svg.graph g.node.origin").count() == 1
    page.locator("table a", has_text="compare").first.click()
    top = page.locator(".top-changes li").first
    assert "contradiction" in top.inner_text()
    marked = page.locator(".rows mark").all_inner_texts()
    assert any("did not approve" in m or "not" in m for m in marked), marked
    assert page.locator(".rows del").count() >= 1  # the words only A has are struck
    page.click("text=this page as JSON")
    data = json.loads(page.locator("body").inner_text())
    assert data["top_changes"][0]["type"] == "contradiction"


def test_pages_fit_a_400px_screen(server, browser, store):
    ctx = browser.new_context(viewport={"width": 400, "height": 800})
    pg = ctx.new_page()
    sid = json.loads(pg.goto(server + "/api/stories?q=tollgate").text())["stories"][0]["id"]
    for path in ("/stories", f"/stories/{sid}", "/pair?a=tollgate-original&b=tollgate-rewrite",
                 "/documents/tollgate-original", "/api/docs"):
        pg.goto(server + path)
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, f"{path} overflows: {width}px"
    pg.goto(server + "/pair?a=tollgate-original&b=tollgate-rewrite")
    box = pg.locator(".top-changes .evidence").first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 400
    ctx.close()


def test_hostile_titles_text_and_urls_render_inert(server, page):
    sid = json.loads(page.goto(server + "/api/stories?q=tollgate").text())["stories"][0]["id"]
    for path in ("/stories?q=tollgate", f"/stories/{sid}", "/pair?a=tollgate-original&b=tollgate-rewrite",
                 "/documents/tollgate-original", "/documents/tollgate-rewrite"):
        page.goto(server + path)
        assert page.evaluate("document.querySelectorAll('script:not([type=\"application/json\"])').length") == 0, path
        assert page.evaluate("[...document.querySelectorAll('*')].some(e => [...e.attributes].some(a => a.name.startsWith('on')))") is False, path
        assert page.evaluate("[...document.querySelectorAll('a[href]')].every(a => /^(https?:|\\/|#)/.test(a.getAttribute('href')))"), path
        assert page.locator("img").count() == 0, path
    page.goto(server + "/documents/tollgate-original")
    text = page.locator("main").inner_text()
    assert "<script>alert('title')</script>" in text and "<img src=x onerror=alert('img')>" in text
    assert "</textarea><script>alert('text')</script>" in text
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.dialogs == []


def test_a_standalone_report_is_styled_under_its_own_csp(browser, tmp_path, harbor):
    report = tmp_path / "pair.html"
    proc = run_cli("compare", str(harbor[0]), str(harbor[1]), "--html", str(report))
    assert proc.returncode == 0, proc.stderr.decode()
    ctx = browser.new_context(viewport={"width": 1000, "height": 800}, offline=True)
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.goto(report.as_uri())
    assert pg.evaluate("getComputedStyle(document.querySelector('.top-changes')).borderTopWidth") == "2px"
    assert errors == [] and requests == [report.as_uri()]
    assert "date changed" in pg.locator(".top-changes").inner_text()
    ctx.close()


# --- the shells ----------------------------------------------------------------------------------


def test_story_html_report_shows_the_graph_and_the_change(store, tmp_path):
    import shutil

    store = Path(shutil.copy(store, tmp_path / "copy.duckdb"))  # the served store is held open read-only by this process
    stories = load_json_stdout(run_cli("stories", "--db", str(store), "--json"))["stories"]
    sid = next(s["id"] for s in stories if any(m["id"] == "tollgate-original" for m in s["members"]))
    out = tmp_path / "story.html"
    proc = run_cli("story", sid, "--db", str(store), "--html", str(out))
    assert proc.returncode == 0, proc.stderr.decode()
    page = out.read_text()
    assert page.count('class="node') == 2 and "contradiction" in page and "<script>alert" not in page


def test_serve_refuses_a_missing_store_in_one_line(tmp_path):
    proc = run_cli("serve", "--db", str(tmp_path / "none.duckdb"))
    err = proc.stderr.decode().strip()
    assert proc.returncode == 3 and len(err.splitlines()) == 1 and "none.duckdb" in err and "no such store" in err
