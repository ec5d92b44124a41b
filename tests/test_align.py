"""Stages 4-6: features, alignment quality on hand-made gold, labels and scores."""

from __future__ import annotations

import json

import pytest

from unspun.align import AlignOptions, label_link
from unspun.errors import OptionsError

from .conftest import DATA, ROOT


def _indices(doc, prefixes):
    out = []
    for p in prefixes:
        hits = [s.index for s in doc.sentences if " ".join(s.text.split()).startswith(p)]
        assert hits, f"gold prefix not found: {p}"
        out.append(hits[0])
    return out


def _gold_pairs(result, gold):
    pairs = set()
    for link in gold["links"]:
        pairs |= {(i, j) for i in _indices(result.a, link["a"]) for j in _indices(result.b, link["b"])}
    return pairs


def test_heavy_rewrite_alignment_meets_floor(comparer):
    gold = json.loads((DATA / "harbor_gold.json").read_text())
    result = comparer.compare(ROOT / gold["a"], ROOT / gold["b"])
    pred = {(i, j) for link in result.links for i in link.a for j in link.b}
    expected = _gold_pairs(result, gold)
    precision = len(pred & expected) / len(pred)
    recall = len(pred & expected) / len(expected)
    # Floors, not exact values: measured 1.00 / 0.92 (bench/align_eval.py).
    assert precision >= 0.9, sorted(pred - expected)
    assert recall >= 0.8, sorted(expected - pred)
    added = {" ".join(result.b.sentences[j].text.split())[:30] for j in result.unmatched_b}
    for prefix in gold["unmatched_b"]:
        assert any(a.startswith(prefix[:30]) for a in added), prefix


def test_alignment_supports_one_to_many(comparer):
    a = "The mayor said the bridge would open in 2027, but the state must still approve the design, which could take a year."
    b = "The mayor said the bridge would open in 2027.\n\nThe state must still approve the design, a process that could take a year."
    result = comparer.compare(a, b)
    assert len(result.links) == 1
    assert result.links[0].a == (0,) and result.links[0].b == (0, 1)


def test_reordering_is_allowed(comparer):
    a = ("The factory in Milton will close in May, the company said. About 300 workers will lose their jobs. "
         "The union called the decision a betrayal. Production will move to a plant in Poland.")
    b = ("Production is moving to Poland. The company said its Milton factory would shut in May. "
         "Some 300 jobs will be lost. Union leaders described the move as a betrayal.")
    result = comparer.compare(a, b)
    pairs = {(link.a[0], link.b[0]) for link in result.links}
    assert pairs == {(0, 1), (1, 2), (2, 3), (3, 0)}


def test_identical_documents_are_all_copied(comparer, harbor):
    result = comparer.compare(harbor[0], harbor[0])
    assert result.links and all(link.kind == "copied" for link in result.links)
    assert result.unmatched_a == () and result.unmatched_b == ()
    assert result.scores.a_coverage == 1.0 and result.scores.same_story > 0.9


def test_unrelated_documents(comparer, harbor):
    other = ("The national football team won its opening match 3-0 on Saturday. The coach praised the young "
             "striker, who scored twice. Fans celebrated in the capital until late at night. The next game is in Lyon.")
    result = comparer.compare(harbor[0], other)
    assert len(result.links) <= 1
    assert result.scores.same_story < 0.3
    assert not result.scores.is_same_story


def test_same_story_separates_rewrite_from_same_topic_story(comparer, harbor):
    same_topic = ("The town of Eastwick will repair its old railway bridge next spring, the county said on Monday. "
                  "The 1958 bridge has been closed to heavy vehicles since January. "
                  "Repairs are expected to cost $6 million and take about eight months.")
    rewrite = comparer.compare(*harbor).scores.same_story
    other = comparer.compare(harbor[0], same_topic).scores.same_story
    assert rewrite > 0.6 and other < rewrite - 0.2


def test_lexical_fallback_still_aligns_light_edits(lexical_comparer, harbor):
    result = lexical_comparer.compare(*harbor)
    assert result.algorithms["embeddings"].startswith("none")
    kinds = {link.kind for link in result.links}
    assert "edited" in kinds
    assert len(result.links) >= 5


@pytest.mark.parametrize(
    "a, b, kind",
    [
        ("the mayor spoke on monday", "the mayor spoke on monday", "copied"),
        ("the mayor spoke on monday", "the mayor spoke on monday night", "edited"),
        ("the mayor spoke on monday", "on monday the city's leader gave a speech", "paraphrased"),
    ],
)
def test_link_labels(a, b, kind):
    assert label_link(a, b) == kind


def test_options_are_validated():
    with pytest.raises(OptionsError, match="strict"):
        AlignOptions(strict=1.5)
    with pytest.raises(OptionsError, match="contextual"):
        AlignOptions(strict=0.3, contextual=0.5)


def test_sentence_vectors_do_not_depend_on_the_batch(comparer):
    """A document's vectors are a function of the document alone (dynamic int8 quantisation
    would otherwise scale them by whatever else shares the batch)."""
    import numpy as np

    from unspun.pipeline import load

    texts = ["Flood barriers failed on Sunday night, forcing 1,200 residents to leave.",
             "The council said the water rose 2.3 metres. Repairs will take weeks.",
             "A chipmaker picked the Kestrel area for a huge new plant, its boss said on a long call with investors today."]
    docs = [load(t, doc_id=f"d{k}") for k, t in enumerate(texts)]
    alone = comparer.sentence_vectors(docs[0])
    comparer.encoder._groups.clear()  # force a fresh encoding, this time next to other documents
    together = comparer.sentence_vectors_many([docs[2], docs[0], docs[1]])[1]
    assert np.array_equal(alone[0], together[0]) and np.array_equal(alone[1], together[1])
