"""Stage 5 candidate search: exact and HNSW nearest neighbours agree, and the index grows in place."""

import numpy as np
import pytest

from unspun.candidates import Index, search
from unspun.represent.minhash import signature

pytest.importorskip("faiss")


def unit_rows(n: int, dim: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def sigs(n: int) -> list[np.ndarray]:
    return [signature(f"document number {i} about topic {i % 7} and more words here") for i in range(n)]


def run(index: Index, rows, lead, static, s) -> list[list[int]]:
    return search(index, rows, lead, static, s, lead_k=5, lead_min=0.3, static_k=5, static_min=0.3,
                  minhash_min=0.99, max_candidates=10)


def test_hnsw_finds_what_exact_search_finds() -> None:
    lead, static, s = unit_rows(2000, 48, 1), unit_rows(2000, 32, 2), sigs(2000)
    # queries: noisy copies of stored rows, so each has a clear nearest neighbour
    qi = list(range(0, 2000, 40))
    noise = np.random.default_rng(3)
    ql = lead[qi] + 0.05 * noise.normal(size=(len(qi), 48)).astype(np.float32)
    qs = static[qi] + 0.05 * noise.normal(size=(len(qi), 32)).astype(np.float32)
    exact = run(Index.build(lead, static, s, ann="exact"), [None] * len(qi), ql, qs, [s[i] for i in qi])
    approx = run(Index.build(lead, static, s, ann="hnsw"), [None] * len(qi), ql, qs, [s[i] for i in qi])
    assert all(e[0] == i for e, i in zip(exact, qi))
    overlap = np.mean([len(set(a) & set(e)) / max(1, len(e)) for a, e in zip(approx, exact)])
    assert overlap >= 0.95
    assert all(a[0] == i for a, i in zip(approx, qi))


def test_own_row_is_never_a_candidate_and_appended_rows_are_found() -> None:
    lead, static, s = unit_rows(300, 16, 4), unit_rows(300, 16, 5), sigs(300)
    for ann in ("exact", "hnsw"):
        index = Index.build(lead[:200], static[:200], s[:200], ann=ann)
        index.append(lead[200:], static[200:], s[200:])
        assert len(index) == 300 and index.lead.shape == (300, 16)
        found = run(index, [250, None], lead[[250, 250]], static[[250, 250]], [s[250], s[250]])
        assert 250 not in found[0]
        assert found[1][0] == 250  # a query that is not stored finds its twin, appended late


def test_auto_switches_to_hnsw_at_the_threshold() -> None:
    lead, s = unit_rows(50, 8, 6), sigs(50)
    assert not Index.build(lead, lead, s, ann="auto", ann_min_docs=51).approximate()
    assert Index.build(lead, lead, s, ann="auto", ann_min_docs=50).approximate()
    assert not Index.build(lead, lead, s, ann="exact", ann_min_docs=1).approximate()
    with pytest.raises(ValueError):
        Index.build(lead, lead, s, ann="faiss")


def test_auto_mode_answers_a_single_query_exactly_until_a_batch_built_the_graph() -> None:
    lead, s = unit_rows(120, 8, 7), sigs(120)
    index = Index.build(lead, lead, s, ann="auto", ann_min_docs=100)
    run(index, [None], lead[:1], lead[:1], s[:1])
    assert index._graphs == {}  # one query: exact, no graph built
    assert not index.use_graph("lead", 1)
    run(index, [None, None], lead[:2], lead[:2], s[:2])
    assert set(index._graphs) == {"lead", "static"}
    assert index.use_graph("lead", 1)  # once built, even a lone query uses it
