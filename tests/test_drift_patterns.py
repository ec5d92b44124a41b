"""The findings issue's patterns, one sentence pair each, in both directions where the change is symmetric.

Each case says what must be found (``expect``: a type at medium or high) or what must
not be raised (``forbid``: no medium/high finding of these types). Sentences are our
own, written for these tests.
"""

from __future__ import annotations

import json

import pytest

from unspun.drift import TYPES, rederive

from .conftest import DATA

PATTERNS = json.loads((DATA / "drift_patterns.json").read_text())
SERIOUS = {"high", "medium"}


def _cases():
    for case in PATTERNS:
        yield pytest.param(case["a"], case["b"], case, id=case["comment"])
        if case.get("both"):
            yield pytest.param(case["b"], case["a"], case, id=case["comment"] + " (reversed)")


@pytest.mark.parametrize("a,b,case", list(_cases()))
def test_pattern(comparer, a, b, case):
    result = comparer.compare(a, b)
    serious = [(f.type, f.old, f.new, f.rule) for f in result.findings if f.severity in SERIOUS]
    if "expect" in case:
        assert any(t == case["expect"] for t, *_ in serious), (case["expect"], serious)
    if "expect_words" in case:  # the finding quotes these words (old and new, either direction)
        assert any(t == case["expect"] and {o, n} == set(case["expect_words"]) for t, o, n, _ in serious), serious
    for t in case.get("forbid", []):
        assert not any(x == t for x, *_ in serious), (t, serious)
    high = [(f.type, f.old, f.new, f.rule) for f in result.findings if f.severity == "high"]
    if "expect_high" in case:
        assert any(t == case["expect_high"] for t, *_ in high), (case["expect_high"], serious)
    for t in case.get("forbid_high", []):
        assert not any(x == t for x, *_ in high), (t, high)


def test_findings_name_whole_phrases_and_never_cut_words(comparer):
    """Explanations quote whole words and phrases (a hyphenated adjective stays whole)."""
    a = "Kyiv may use the weapons on Russian soil, with the exception of long-range missiles, officials said."
    b = "Kyiv may use the weapons on Russian soil, and the use of long-range missiles is permitted, officials said."
    result = comparer.compare(a, b)
    contra = [f for f in result.findings if f.type == "contradiction"]
    assert contra, [(f.type, f.explanation) for f in result.findings]
    for f in contra:
        assert "long-range missiles" in f.explanation, f.explanation
        assert "suggests" not in f.explanation


def test_negation_names_the_claim(comparer):
    result = comparer.compare("The council approved the new parking charges on Monday.",
                              "The council did not approve the new parking charges on Monday.")
    f = next(f for f in result.findings if f.type == "contradiction")
    assert "did not approve" in f.explanation and f.new == "did not approve"
    assert result.b.text[f.new_span[0]: f.new_span[1]] == "did not approve"


def test_one_swap_is_one_finding(comparer):
    result = comparer.compare("Mayor Ines Albrecht opened the new harbour bridge on Saturday.",
                              "Mayor Tomas Gruber opened the new harbour bridge on Saturday.")
    kinds = [f.type for f in result.findings if f.type.startswith("entity_")]
    assert kinds.count("entity_changed") == 1
    assert "entity_removed" not in kinds and "entity_added" not in kinds


def test_a_changed_fact_does_not_unlink_its_sentence(comparer):
    """The changed sentence keeps its link (its neighbours are linked in order) and the change is high."""
    a = ("The harbour authority met on Monday to discuss the dredging plan. "
         "Chairwoman Greta Olsen said the work would start in the spring. "
         "The project will cost about 40 million euros over three years.")
    b = ("The harbour authority met on Monday to discuss the dredging plan. "
         "Chairwoman Beatrix Kowalczyk said the work would start in the spring. "
         "The project will cost about 40 million euros over three years.")
    result = comparer.compare(a, b)
    assert any(1 in link.b and 1 in link.a for link in result.links)
    swap = [f for f in result.findings if f.type == "entity_changed"]
    assert swap and swap[0].severity == "high" and swap[0].new == "Beatrix Kowalczyk"


def test_an_unlinked_sentence_is_still_judged(comparer):
    """A figure changed in a sentence the aligner leaves unpaired is a medium number_changed, not only an addition."""
    a = ("The festival drew more than 90,000 visitors to the showground last year. "
         "Organisers said the music stage would move to the north field.")
    b = ("Organisers plan to move the music stage to the north field. "
         "A record 45,000 people came through the gates of the showground last year, it was said.")
    result = comparer.compare(a, b)
    changed = [f for f in result.findings if f.type == "number_changed" and f.new == "45,000"]
    assert changed and changed[0].severity in SERIOUS, [(f.type, f.severity, f.old, f.new) for f in result.findings]


def test_a_new_person_with_no_counterpart_is_medium(comparer):
    a = "The school will reopen next week after the repairs, the council said."
    b = "The school will reopen next week after the repairs, council spokesman Dermot Quayle said."
    result = comparer.compare(a, b)
    added = [f for f in result.findings if f.type == "entity_added" and "Quayle" in (f.new or "")]
    assert added and added[0].severity == "medium"


def test_anachronism_is_found_with_a_date_and_explained():
    import unspun

    a = "Germany and the United States have agreed to send two air defence systems in 2024, the ministry said."
    b = "West Germany and the United States have agreed to send two air defence systems in 2024, the ministry said."
    result = unspun.compare(a, b)
    ana = [f for f in result.findings if f.type == "anachronism"]
    assert ana and ana[0].severity == "high" and ana[0].new == "West Germany"
    assert "1990" in ana[0].explanation and "2024" in ana[0].explanation
    depth, deepest = 0, 0  # read aloud: no parenthesis inside a parenthesis
    for ch in ana[0].explanation:
        depth += (ch == "(") - (ch == ")")
        deepest = max(deepest, depth)
    assert deepest == 1 and depth == 0, ana[0].explanation
    assert "anachronism" in TYPES
    again = rederive(ana[0], result.a, result.b)
    assert any(c.type == "anachronism" and c.new == "West Germany" for c in again)


def test_anachronism_is_skipped_with_a_warning_without_a_date():
    import unspun

    a = "Germany and the United States have agreed to send two air defence systems, the ministry said."
    b = "West Germany and the United States have agreed to send two air defence systems, the ministry said."
    result = unspun.compare(a, b)
    assert not [f for f in result.findings if f.type == "anachronism"]
    assert any("anachronism check" in w for w in result.warnings)


def test_a_historical_mention_is_no_anachronism():
    import unspun

    a = "The wall fell in 1989 and the city was reunited a year later, the museum said in 2024."
    b = "The wall fell in 1989, a year before the reunification of West Germany and East Germany, the museum said in 2024."
    result = unspun.compare(a, b)
    assert not [f for f in result.findings if f.type == "anachronism"]


def test_severity_is_capped_by_the_calibrated_confidence():
    from unspun.drift.calibration import calibrate, thresholds
    from unspun.drift.view import Change

    high_min, medium_min = thresholds()
    weak = Change("contradiction", "high", 0.0, "x", "contradiction.negation.v2", basis="soft", evidence={"sim": 0.0})
    out = calibrate(weak)
    assert 0.0 <= out.confidence <= 1.0
    expected = "high" if out.confidence >= high_min else "medium" if out.confidence >= medium_min else "low"
    assert out.severity == expected
    # a rule's severity is a ceiling: a low rule stays low whatever the confidence
    assert calibrate(Change("certainty_changed", "low", 0.99, "x", "certainty.added.v1")).severity == "low"


def test_a_figure_pairs_with_the_one_in_its_place(comparer):
    """Of two figures B could have changed, the one between the same words is paired ("Hale, 31," / "Hale, 24,")."""
    a = "Joan Hale, 31, and Peter Voss, 45, were repairing the roof of the chapel on Monday when the scaffold gave way."
    b = "The scaffold gave way on Monday, injuring two roofers, Joan Hale, 24, and Peter Voss, 45, who were repairing the chapel."
    changed = [(f.old, f.new) for f in comparer.compare(a, b).findings if f.type == "number_changed"]
    assert ("31", "24") in changed, changed


def test_an_age_moved_to_another_sentence_is_compared(comparer):
    """A person's age given in another sentence of B is still that person's age."""
    a = ("The rowing club has signed the Dutch sculler Anouk Verbeek from Utrecht. "
         "Verbeek, 23, trained with the national squad last winter.")
    b = ("Meet Anouk Verbeek, the 36-year-old Dutch sculler who is joining the rowing club. "
         "She trained with the national squad last winter.")
    changed = [f for f in comparer.compare(a, b).findings if f.type == "number_changed"]
    assert any(f.old == "23" and f.new == "36" and f.severity == "medium" for f in changed), changed
    same = b.replace("36-year-old", "23-year-old")
    assert not [f for f in comparer.compare(a, same).findings if f.type in ("number_changed", "unsupported_addition")]


def test_a_swapped_name_keeps_the_link_of_a_sentence_out_of_order(comparer):
    """A sentence whose only name was swapped, moved out of its place: the two sentences are still
    each other's best counterpart, so they stay linked and the swap is reported on the link."""
    a = ("Work on the new lifeboat station began in January. "
         "The building was designed by the architect Helga Brandvold. "
         "It has room for two boats and a training centre. "
         "The station will open to visitors in the autumn.")
    b = ("The station will open to visitors in the autumn. "
         "Work on the new lifeboat station began in January. "
         "It has room for two boats and a training centre. "
         "The building was designed by the architect Oskar Vikstrom.")
    result = comparer.compare(a, b)
    assert any(link.a == (1,) and link.b == (3,) for link in result.links), [(lk.a, lk.b, lk.similarity) for lk in result.links]
    assert any(f.type == "entity_changed" and f.severity in SERIOUS for f in result.findings)


def test_two_negations_pair_by_what_their_clauses_say(comparer):
    """B adds a negation before one both versions state: the restated one pairs with A's (same
    clause words), and the added one is the flip."""
    a = "The inspector said the clinic had previously sent a letter stating that the surgeon should not be permitted to operate alone."
    b = "The clinic hadn't previously warned that the surgeon should not be allowed to operate alone."
    result = comparer.compare(a, b)
    flips = [f.new for f in result.findings if f.type == "contradiction" and f.severity in SERIOUS]
    assert flips and all("hadn't" in x for x in flips), flips


@pytest.mark.parametrize("a,b,age", [
    ("Veteran jazz pianist Orla Brennick dies", "Jazz pianist Orla Brennick dies at 81", "81"),
    ("Film star Teodor Marsh killed in avalanche", "Teodor Marsh dead: film star, 52, killed in avalanche", "52"),
])
def test_an_added_age_is_shown_not_flagged(comparer, a, b, age):
    result = comparer.compare(a, b)
    added = [f for f in result.findings if f.new == age]
    assert added and all(f.severity == "low" for f in added), [(f.type, f.severity, f.new) for f in result.findings]


def test_an_added_figure_is_named_with_its_noun_only(comparer):
    result = comparer.compare("The ferry carried passengers across the bay.", "The ferry carried 40 passengers across the bay.")
    added = [f for f in result.findings if f.type == "unsupported_addition" and f.new == "40"]
    assert added and added[0].severity == "medium"
    assert "“40 passengers”" in added[0].explanation, added[0].explanation


def test_a_unit_is_no_shared_slot(comparer):
    """Two durations in different roles ("a 20 minute drive" / "10 minutes to spare") are not one
    figure changed in place: medium at most. The same duration changed in place stays high."""
    result = comparer.compare("I needed to be at the office in 40 minutes and it was a 25 minute walk.",
                              "I locked the door and walked off, reaching the office with 5 minutes to spare.")
    assert not any(f.type == "number_changed" and f.severity == "high" for f in result.findings)
    result = comparer.compare("The bridge repairs will take 20 minutes longer each night.",
                              "The bridge repairs will take 45 minutes longer each night.")
    assert any(f.type == "number_changed" and f.severity == "high" for f in result.findings)


def test_a_new_name_is_not_excused_by_a_common_word_in_its_span():
    """A tagger span such as "Marriott hotels" takes a common word along; "hotels" in the other
    version does not mention Marriott."""
    from unspun.drift.entities import Entity, mention_degree

    other = "One of the two hotels on the Kings Road will be a budget hotel."
    assert mention_degree(Entity("Marriott hotels", "ORG", 0, 15), other, set()) == 0.0
    assert mention_degree(Entity("Marriott hotels", "ORG", 0, 15), "The Marriott chain said so.", set()) == 1.0
    assert mention_degree(Entity("Ludwig van Beethoven", "PERSON", 0, 20), "A Beethoven sonata.", set()) == 1.0
