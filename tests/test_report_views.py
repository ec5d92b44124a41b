"""The page views and the HTML layer: word-level differences, marks, graph layout, the story
list's filters, and the escaping and CSP of the self-contained reports."""

from __future__ import annotations

import html
import re

import pytest

from unspun.report.diff import marked_pieces, word_diff
from unspun.report.html import render_story_html, safe_url, style_hash, stylesheet
from unspun.report.views import (StoryQuery, changes_along_the_way, select_stories, story_graph, story_row,
                                 story_row_of)


def _words(text: str, ranges: list[tuple[int, int]]) -> list[str]:
    return [text[s:e] for s, e in ranges]


def test_word_diff_isolates_a_changed_figure_and_a_changed_verb():
    a = "Support for the plan rose to 76% after the council sanctioned the budget."
    b = "Support for the plan rose to 67% after the council greenlit the budget."
    dels, ins = word_diff(a, b)
    assert _words(a, dels) == ["76%", "sanctioned"]
    assert _words(b, ins) == ["67%", "greenlit"]


def test_word_diff_of_identical_texts_is_empty_and_long_texts_are_skipped():
    assert word_diff("Same words here.", "Same words here.") == ([], [])
    long_a = " ".join(f"w{i}" for i in range(500))
    assert word_diff(long_a, long_a + " extra") == ([], [])


def test_marked_pieces_keep_the_text_and_nest_marks_inside_diff_ranges():
    text = "The council did not approve the toll."
    pieces = marked_pieces(text, [(12, 19)], "del", [(12, 27, "finding-1")])
    assert "".join(p.text for p in pieces) == text
    tagged = [p for p in pieces if p.tag == "del"]
    assert [p.text for p in tagged] == ["did not"]
    assert tagged[0].findings == ("finding-1",)
    assert [p.text for p in pieces if p.findings] == ["did not", " approve"]


@pytest.mark.parametrize("url,ok", [
    ("https://example.org/a?b=1", True), ("http://x.example", True), ("javascript:alert(1)", False),
    (" JAVASCRIPT:alert(1)", False), ("data:text/html,<script>", False), ("/relative/path", False),
    ("//evil.example/x", False), ("https:///nohost", False), (None, False), (42, False),
])
def test_only_http_urls_with_a_host_become_links(url, ok):
    assert (safe_url(url) is not None) is ok


def _member(i: str, published: str | None = None, source: str | None = None, title: str | None = None) -> dict:
    return {"id": i, "title": title, "source": source, "published": published, "url": None}


def _finding(kind: str, severity: str, old: str | None, new: str | None) -> dict:
    return {"type": kind, "severity": severity, "confidence": 0.9, "old": old, "new": new,
            "explanation": f"{old} became {new}"}


def _story() -> dict:
    """o -> a -> c, o -> b: 'a' introduces 76% -> 67%, which 'b' also introduces on its own."""
    return {
        "id": "s1", "origin": "o", "origin_reason": "published earlier", "root": "o",
        "members": [_member("o", "2024-01-01", "wire.example", "Plan approved"), _member("a", "2024-01-02", "a.example"),
                    _member("b", "2024-01-03", "b.example"), _member("c", "2024-01-03", "c.example")],
        "edges": [
            {"from": "o", "to": "a", "kind": "edited", "direction": "known", "findings": [_finding("number_changed", "high", "76%", "67%")]},
            {"from": "o", "to": "b", "kind": "paraphrased", "direction": "unknown",
             "findings": [_finding("number_changed", "high", "76 %", "67 %"), _finding("entity_added", "low", None, "X")]},
            {"from": "a", "to": "c", "kind": "copied", "direction": "known", "findings": []},
        ],
        "cross_links": [], "related": [], "related_documents": [],
    }


def test_changes_along_the_way_name_the_first_version_and_where_else_it_arose():
    changes = changes_along_the_way(_story())
    assert [(ch.new, ch.first, ch.parent, ch.also) for ch in changes] == [("67%", "a", "o", ()), ("67 %", "b", "o", ())]
    assert all(ch.type == "number_changed" for ch in changes)  # the low finding is left out


def test_changes_along_the_way_group_the_same_new_value():
    st = _story()
    st["edges"][1]["findings"][0] = _finding("number_changed", "high", "76%", "67%")
    ch = changes_along_the_way(st)[0]
    assert ch.first == "a" and ch.also == ("b",)


def test_story_graph_uses_a_time_axis_when_every_member_is_dated():
    g = story_graph(_story())
    assert g.axis == "time" and [t[1] for t in g.ticks] == ["2024-01-01", "2024-01-02", "2024-01-03"]
    xs = {n.id: n.x for n in g.nodes}
    assert xs["o"] < xs["a"] < xs["b"] == xs["c"]
    assert len(g.nodes) == 4 and len(g.edges) == 3
    assert sum(n.origin for n in g.nodes) == 1
    assert [e.directed for e in g.edges] == [True, False, True]


def test_story_graph_falls_back_to_tree_depth_without_dates():
    st = _story()
    for m in st["members"]:
        m["published"] = None
    g = story_graph(st)
    assert g.axis == "tree depth" and not g.ticks
    xs = {n.id: n.x for n in g.nodes}
    assert xs["o"] < xs["a"] == xs["b"] < xs["c"]


def test_story_rows_filter_sort_and_page():
    rows = [story_row_of(_story())]
    other = dict(_story(), id="s2", members=[_member("z", "2023-05-01", "z.example", "Harbor bridge")], edges=[])
    rows.append(story_row_of(other))
    assert rows[0].worst["severity"] == "high" and rows[1].worst is None and rows[1].findings_known
    assert [r.id for r in select_stories(rows, StoryQuery(q="HARBOR"))[0]] == ["s2"]
    assert [r.id for r in select_stories(rows, StoryQuery(q="wire.EX"))[0]] == ["s1"]
    assert [r.id for r in select_stories(rows, StoryQuery(severity="high"))[0]] == ["s1"]
    assert select_stories(rows, StoryQuery(contradiction=True)) == ([], 0)
    assert [r.id for r in select_stories(rows, StoryQuery(since="2024-01-02"))[0]] == ["s1"]
    assert [r.id for r in select_stories(rows, StoryQuery(until="2023-12-31"))[0]] == ["s2"]
    assert [r.id for r in select_stories(rows, StoryQuery(sort="oldest"))[0]] == ["s2", "s1"]
    assert [r.id for r in select_stories(rows, StoryQuery(sort="newest"))[0]] == ["s1", "s2"]
    assert select_stories(rows, StoryQuery(page=2)) == ([], 2)


def test_a_story_whose_findings_were_not_computed_says_so():
    summary = {"id": "s3", "members": [_member("q")], "origin": None, "findings": None, "sources": [], "date_span": None}
    row = story_row(summary)
    assert row.worst is None and not row.findings_known and row.title == "q"


def test_story_report_is_self_contained_escaped_and_its_style_is_allowed_by_hash():
    st = _story()
    st["members"][0]["title"] = "<script>alert(1)</script>Plan"
    st["members"][1]["url"] = "javascript:alert(2)"
    st["members"][2]["source"] = '"><svg onload=alert(3)>'
    page = render_story_html(st)
    assert "<script>alert" not in page and "<svg onload" not in page and '"><svg onload' not in page
    assert 'href="javascript:' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Plan" in page
    assert re.findall(r"https?://[^\s\"'<]*", page) == ["http://www.w3.org/2000/svg"]  # nothing fetched, only the SVG namespace
    csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    assert style_hash(stylesheet()) in csp and "unsafe-inline" not in csp and "script-src" not in csp
    assert f"<style>{stylesheet()}</style>" in page
    assert page.count("<svg") == 1 and "<script type=\"application/json\"" in page
