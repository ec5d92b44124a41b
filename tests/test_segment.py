"""Stage 3: sentence splitting with offsets, on hard news cases and broken input."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unspun.segment import segment, sentence_spans


def sents(text: str) -> list[str]:
    return [" ".join(s.text.split()) for s in segment(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The U.S. economy grew. Prices fell.", ["The U.S. economy grew.", "Prices fell."]),
        ("Talks resume on Jan. 20 in Geneva. Both sides agreed.", ["Talks resume on Jan. 20 in Geneva.", "Both sides agreed."]),
        ("Sen. Amy Clark and Gov. Tom Reyes met Dr. Lee. They talked.", ["Sen. Amy Clark and Gov. Tom Reyes met Dr. Lee.", "They talked."]),
        ("The book by J. K. Rowling sold well. It was a hit.", ["The book by J. K. Rowling sold well.", "It was a hit."]),
        ('"We will not resign," she said. "Never." The crowd cheered.', ['"We will not resign," she said.', '"Never."', "The crowd cheered."]),
        ("He lives at No. 10 Downing Street. She does not.", ["He lives at No. 10 Downing Street.", "She does not."]),
        ("The plan—approved in March—costs $4.5 million. Work starts soon.", ["The plan—approved in March—costs $4.5 million.", "Work starts soon."]),
        ("Is it safe? Officials say yes! Residents disagree.", ["Is it safe?", "Officials say yes!", "Residents disagree."]),
        ("Shares of Acme Inc. rose 3.5%. The Nasdaq fell.", ["Shares of Acme Inc. rose 3.5%.", "The Nasdaq fell."]),
        ("WASHINGTON (Reuters) - The Senate voted 51-49 on Tuesday. The bill now goes to the House.",
         ["WASHINGTON (Reuters) - The Senate voted 51-49 on Tuesday.", "The bill now goes to the House."]),
        ("I live in the U.S. How about you?", ["I live in the U.S.", "How about you?"]),
    ],
)
def test_hard_news_cases(text, expected):
    assert sents(text) == expected


def test_rejoins_text_split_at_the_wrong_place():
    text = "Adding to the debate, former U.S.\nPresident Jane Doe said she would sell the jets.\nThe offer surprised allies."
    assert sents(text) == [
        "Adding to the debate, former U.S. President Jane Doe said she would sell the jets.",
        "The offer surprised allies.",
    ]


def test_one_sentence_per_line_and_headlines():
    text = "Storm hits coast\nThe storm arrived on Monday.\nPower was cut to 2,000 homes."
    assert sents(text) == ["Storm hits coast", "The storm arrived on Monday.", "Power was cut to 2,000 homes."]


def test_hard_wrapped_prose_is_joined():
    text = (
        "The council met on Monday to discuss the budget for the coming year, which\n"
        "includes new spending on roads and schools across the whole of the district\n"
        "and a small rise in local taxes. The vote is expected next week."
    )
    out = sents(text)
    assert len(out) == 2
    assert out[0].startswith("The council met") and out[0].endswith("local taxes.")


def test_paragraph_break_always_ends_a_sentence():
    assert sents("A line without a full stop\n\nAnother paragraph.") == ["A line without a full stop", "Another paragraph."]


def test_inline_list_items():
    assert sents("1) Roads closed 2) Schools shut") == ["1) Roads closed", "2) Schools shut"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abc XYZ.!?\n\"'U.S.Mr1)")), max_size=200))
def test_offsets_index_the_text_and_lose_nothing(text):
    spans = sentence_spans(text)
    last = 0
    for s, e in spans:
        assert 0 <= s < e <= len(text)
        assert s >= last  # ordered, non-overlapping
        assert text[s:e] == text[s:e].strip()
        assert not text[last:s].strip()  # only whitespace between sentences
        last = e
    assert not text[last:].strip()
    for i, sent in enumerate(segment(text)):
        assert sent.index == i and text[sent.start : sent.end] == sent.text


def test_all_non_space_characters_are_kept():
    text = "Mr. Smith went to Washington. He met the U.S. President on Jan. 5. \"Great,\" he said!"
    kept = "".join(s.text for s in segment(text))
    assert re.sub(r"\s", "", kept) == re.sub(r"\s", "", text)
