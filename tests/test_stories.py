"""Stage 8 grouping: stories grow from best partners and do not chain through weak links."""

from unspun.stories import components, is_story_edge, proposed_edges

PARAPHRASE = {"coverage_min": 0.6, "coverage_max": 0.9, "link_mean": 0.6}
COPY = {"coverage_min": 1.0, "coverage_max": 1.0, "link_mean": 0.98}


def clique(names: list[str], score: float) -> list[tuple[str, str, float, dict]]:
    return [(a, b, score, PARAPHRASE) for i, a in enumerate(names) for b in names[i + 1:]]


def test_two_dense_stories_joined_by_one_weak_edge_stay_apart() -> None:
    a, b = ["a1", "a2", "a3", "a4"], ["b1", "b2", "b3", "b4"]
    edges = clique(a, 0.9) + clique(b, 0.9) + [("a4", "b1", 0.55, PARAPHRASE)]
    groups = components(a + b, edges)
    assert sorted(map(sorted, groups)) == [a, b]


def test_groups_merge_only_when_dense_enough() -> None:
    # a4 knows only a1 and b1, so it proposes the weak cross edge; one member of four is too few
    a, b = ["a1", "a2", "a3"], ["b1", "b2", "b3", "b4"]
    edges = clique(a, 0.9) + clique(b, 0.9) + [("a1", "a4", 0.8, PARAPHRASE), ("a4", "b1", 0.6, PARAPHRASE)]
    assert ("a4", "b1", 0.6, PARAPHRASE) in proposed_edges(edges)
    assert sorted(map(sorted, components(a + ["a4"] + b, edges))) == [a + ["a4"], b]
    # ...while half of the smaller group linking across is enough (every edge proposed here)
    edges.append(("a2", "b2", 0.6, PARAPHRASE))
    assert len(components(a + ["a4"] + b, edges, neighbours=10)) == 1
    assert len(components(a + ["a4"] + b, edges[:-1], neighbours=10)) == 2


def test_single_linkage_would_chain_them() -> None:
    # the same edges with every edge proposed and no density rule: one story (the old behaviour)
    a, b = ["a1", "a2", "a3"], ["b1", "b2", "b3"]
    edges = clique(a, 0.9) + clique(b, 0.9) + [("a3", "b1", 0.55, PARAPHRASE)]
    assert len(components(a + b, edges, neighbours=10, density=0.0)) == 1
    assert len(components(a + b, edges)) == 2


def test_heavy_rewrite_joins_through_its_only_edge() -> None:
    story = ["orig", "copy1", "copy2"]
    edges = clique(story, 0.95) + [("orig", "gemini", 0.52, PARAPHRASE)]
    groups = components(story + ["gemini", "alone"], edges)
    assert groups == [story + ["gemini"]]


def test_many_copies_stay_one_story() -> None:
    # 12 verbatim copies: each document's two best partners are tied, but near-copies are always proposed
    docs = [f"c{i}" for i in range(12)]
    edges = [(x, y, 0.99, COPY) for i, x in enumerate(docs) for y in docs[i + 1:]]
    assert len(proposed_edges(edges)) == len(edges)
    assert components(docs, edges) == [docs]


def test_edges_to_unknown_documents_are_ignored() -> None:
    assert components(["x", "y"], [("x", "ghost", 0.9, PARAPHRASE), ("x", "y", 0.8, PARAPHRASE)]) == [["x", "y"]]


def test_story_edge_needs_sentence_overlap() -> None:
    assert is_story_edge(0.9, 0.8, 0.7, PARAPHRASE)
    assert not is_story_edge(0.9, 0.2, 0.1, {"names_min": 0})  # same topic, few shared sentences
    assert not is_story_edge(0.3, 0.9, 0.9, PARAPHRASE)  # below the same_story threshold


def test_templated_reports_with_different_figures_are_not_one_story() -> None:
    # same template, same coverage of "sentences", but none of the figures in common
    template = {**PARAPHRASE, "numbers_min": 9, "number_overlap": 0.1}
    assert not is_story_edge(0.8, 0.7, 0.7, template)
    assert is_story_edge(0.8, 0.7, 0.7, {**template, "number_overlap": 0.8})
    assert is_story_edge(0.8, 0.7, 0.7, {**template, "numbers_min": 2})  # two figures are too few to judge


HUMAN = ("The council said on Tuesday it would close the bridge for repairs. Officials said the work "
         "would take six weeks, and the mayor said buses would run a detour.")
MACHINE = ("In a significant development, the council underscored its unwavering commitment to safety, "
           "announcing a comprehensive closure of the bridge, highlighting a pivotal six-week repair endeavour.")


def test_machine_paraphrase_style_is_measurable() -> None:
    from unspun.stories import machine_style

    assert machine_style(MACHINE) > machine_style(HUMAN) + 1.0
    assert machine_style("") == 0.0


def test_origin_without_dates_prefers_the_version_that_reads_less_like_a_machine_paraphrase() -> None:
    from unspun.stories import machine_style, provenance

    members = ["rewrite", "original"]
    pair = {"a": "rewrite", "b": "original", "same_story": 0.8, "a_coverage": 0.7, "b_coverage": 0.7, "kind": "paraphrased"}
    style = {"rewrite": machine_style(MACHINE), "original": machine_style(HUMAN)}
    no_dates = {m: {} for m in members}
    assert provenance(members, [pair], no_dates).origin is None  # no evidence at all without style
    prov = provenance(members, [pair], no_dates, style)
    assert prov.origin == "original" and prov.edges[0].source == "original" and prov.edges[0].directed
    # publication dates outrank style
    dated = {"rewrite": {"published": "2024-03-01"}, "original": {"published": "2024-03-05"}}
    assert provenance(members, [pair], dated, style).origin == "rewrite"


def _pair(a: str, b: str, same: float, ca: float = 0.7, cb: float = 0.7) -> dict:
    return {"a": a, "b": b, "same_story": same, "a_coverage": ca, "b_coverage": cb, "kind": "paraphrased"}


def test_provenance_is_a_tree_with_one_root_and_every_member_once() -> None:
    from unspun.stories import provenance

    # dates say: orig first, then r1, then r2 and r3; r2 is closest to r1, r3 closest to orig
    members = ["r2", "orig", "r1", "r3"]
    meta = {"orig": {"published": "2024-01-01"}, "r1": {"published": "2024-01-02"},
            "r2": {"published": "2024-01-03"}, "r3": {"published": "2024-01-04"}}
    pairs = [_pair("r2", "orig", 0.6), _pair("r2", "r1", 0.9), _pair("orig", "r1", 0.8),
             _pair("orig", "r3", 0.85), _pair("r2", "r3", 0.7), _pair("r1", "r3", 0.6)]
    prov = provenance(members, pairs, meta)
    assert prov.origin == "orig" and prov.root == "orig"
    targets = [e.target for e in prov.edges]
    assert sorted(targets) == ["r1", "r2", "r3"]  # every member but the root once: one root
    parent = {e.target: e.source for e in prov.edges}
    assert parent == {"r1": "orig", "r2": "r1", "r3": "orig"}  # closest directed ancestor
    assert all(e.directed for e in prov.edges)
    # the pairs the tree does not use are cross-links, directed by their own evidence
    assert {(e.source, e.target) for e in prov.cross_links} == {("orig", "r2"), ("r2", "r3"), ("r1", "r3")}


def test_siblings_are_not_drawn_as_derived_without_evidence() -> None:
    from unspun.stories import machine_style, provenance

    # three machine rewrites of one human original, more similar to each other than to it:
    # each rewrite hangs under the original (directed by style), not under a sibling
    members = ["m1", "orig", "m2", "m3"]
    style = {"orig": machine_style(HUMAN), "m1": machine_style(MACHINE), "m2": machine_style(MACHINE),
             "m3": machine_style(MACHINE)}
    pairs = [_pair("m1", "orig", 0.6), _pair("orig", "m2", 0.6), _pair("orig", "m3", 0.55),
             _pair("m1", "m2", 0.95), _pair("m1", "m3", 0.95), _pair("m2", "m3", 0.95)]
    prov = provenance(members, pairs, {m: {} for m in members}, style)
    assert prov.origin == "orig"
    assert {e.target: e.source for e in prov.edges} == {"m1": "orig", "m2": "orig", "m3": "orig"}


def test_no_direction_means_no_origin_and_unknown_edges() -> None:
    from unspun.stories import NO_DIRECTION, provenance

    members = ["x", "y", "z"]
    pairs = [_pair("x", "y", 0.9), _pair("y", "z", 0.8)]
    prov = provenance(members, pairs, {m: {} for m in members})
    assert prov.origin is None and prov.origin_reason == NO_DIRECTION
    assert prov.root == "x" and len(prov.edges) == 2
    assert not any(e.directed for e in prov.edges) and all("direction unknown" in e.reason for e in prov.edges)
    assert prov.cross_links == ()


def test_reconcile_keeps_ids_and_says_what_was_merged() -> None:
    from unspun.stories import reconcile

    stored = {"s1": ("a", "b"), "s2": ("c", "d"), "s3": ("e", "f"), "s4": ("g", "h")}
    current = {"s1": ("a", "b", "c", "d", "x"), "s3": ("e", "f"), "s9": ("h", "y")}
    changed, removed = reconcile(stored, current)
    assert sorted(changed) == ["s1", "s9"]  # s3 unchanged is not rewritten
    assert removed == {"s2": "s1", "s4": "s9"}  # s2's members are all in s1 now; g left every story, h is in s9
    assert reconcile(stored, {})[1] == dict.fromkeys(stored)  # all dissolved


def test_same_outlet_pairs_are_rewrites_only_when_republished() -> None:
    from unspun.stories import CorpusStats, edge_relation

    stats = CorpusStats(1000, {})
    names = frozenset({"Harrow", "Eastwick", "Okafor"})
    follow_up = {"same_story": 0.84, "a_coverage": 0.58, "b_coverage": 0.57, "kind": "edited",
                 "evidence": {**PARAPHRASE, "lead_link": 0.55}}
    assert edge_relation(follow_up, names, names, stats) == "rewrite"  # outlets unknown: the pair's evidence decides
    assert edge_relation(follow_up, names, names, stats, ("Herald", "herald ")) == "follow-up"  # same outlet, new lead
    republished = {**follow_up, "evidence": {**PARAPHRASE, "lead_link": 0.97}}
    assert edge_relation(republished, names, names, stats, ("herald", "herald")) == "rewrite"
    unrelated = {**follow_up, "same_story": 0.2}
    assert edge_relation(unrelated, names, names, stats) is None


def test_related_coverage_explains_away_the_rewrite_of_its_source() -> None:
    from unspun.stories import explain_away

    # X is A's same-outlet follow-up; B rewrites A; X resembles B no more than A
    rel = {("a", "b"): "rewrite", ("a", "x"): "follow-up", ("b", "x"): "rewrite"}
    ss = {("a", "b"): 0.9, ("a", "x"): 0.84, ("b", "x"): 0.85}
    assert explain_away(rel, ss) == {("a", "b"): "rewrite", ("a", "x"): "follow-up", ("b", "x"): "related"}
    # ...but a version far closer to B than to A is B's own rewrite
    assert explain_away(rel, {**ss, ("b", "x"): 0.95})[("b", "x")] == "rewrite"
    # a heavy rewrite whose pair with A is merely weak ("related") still joins through its sibling B
    assert explain_away({**rel, ("a", "x"): "related"}, ss)[("b", "x")] == "rewrite"
