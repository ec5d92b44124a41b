"""Stage 2: boilerplate removal, titles, Markdown and HTML extraction."""

from __future__ import annotations

import pytest

from unspun.errors import InputError
from unspun.extract import extract
from unspun.extract.boilerplate import classify_line, strip_shortcodes
from unspun.read import read_path, read_text


@pytest.mark.parametrize(
    "line, reason",
    [
        ("Your email address will not be published. Required fields are marked *", "comment-form"),
        ("Leave a Reply", "comment-form"),
        ("Save my name, email, and website in this browser for the next time I comment.", "comment-form"),
        ("Acme is a next generation WordPress theme. It's powerful and beautifully designed.", "theme-advert"),
        ("A customizable subscription slide-in box to promote your newsletter", "newsletter"),
        ("Sign up for our newsletter to get the latest updates", "newsletter"),
        ('[mc4wp_form id="314"]', "shortcode"),
        ("[/caption]", "shortcode"),
        ("Share this:", "share-bar"),
        ("Facebook Twitter WhatsApp Email", "share-bar"),
        ("Related Posts", "navigation"),
        ("© 2024 Example Media. All rights reserved.", "copyright"),
        ("ADVERTISEMENT", "advertisement"),
    ],
)
def test_boilerplate_rules(line, reason):
    assert classify_line(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        "The newspaper said its newsletter subscribers rose by 20 percent last year, a record for the group.",
        "Officials said the theme of the summit would be energy security.",
        "Share prices fell 3% on Tuesday after the announcement.",
        "He told reporters that the company would share more details in March.",
        "The [sic] error was corrected in a later edition.",
        "Comments from the minister drew criticism from the opposition.",
    ],
)
def test_article_sentences_are_not_boilerplate(line):
    assert classify_line(line) is None


def test_inline_shortcode_is_stripped():
    text, removed = strip_shortcodes('[caption id="attachment_5"]The mayor at the podium.[/caption]')
    assert text == "The mayor at the podium."
    assert [r.text for r in removed] == ['[caption id="attachment_5"]', "[/caption]"]


def test_rewrite_fixture_loses_its_boilerplate_tail(harbor):
    ex = extract(read_path(harbor[1]))
    assert ex.title == "Port Alder Greenlights Harbor Street Bridge Replacement"
    reasons = {r.reason for r in ex.removed}
    assert {"share-bar", "comment-form", "shortcode"} <= reasons
    assert "Your email address" not in ex.text
    assert "mc4wp" not in ex.text
    assert ex.text.rstrip().endswith("watch the project closely.")


def test_original_fixture_has_no_title_and_nothing_removed(harbor):
    ex = extract(read_path(harbor[0]))
    assert ex.title is None
    assert ex.removed == ()


def test_markdown():
    md = "# Storm hits coast\n\nThe **storm** hit the [coast](http://x.example) on *Monday*.\n\n- Power was cut.\n- Schools closed.\n"
    ex = extract(read_text(md, doc_id="s.md", format="markdown"))
    assert ex.title == "Storm hits coast"
    assert "The storm hit the coast on Monday." in ex.text
    assert "http" not in ex.text and "**" not in ex.text


def test_html_main_text_and_metadata():
    html = """<!doctype html><html><head><title>Dam opens | Valley News</title>
    <meta property="og:site_name" content="Valley News">
    <meta property="article:published_time" content="2024-05-02T10:00:00Z"></head>
    <body><nav><a href="/">Home</a> <a href="/about">About us</a></nav>
    <article><h1>Dam opens after delay</h1>
    <p>The new dam on the Red River opened on Thursday, two years later than planned, officials said.</p>
    <p>It cost 1.2 billion dollars and will supply water to 300,000 homes in the region.</p>
    <p>Engineers said the delay was caused by flooding in 2022 that damaged the site.</p></article>
    <footer>Copyright 2024 Valley News. All rights reserved.</footer></body></html>"""
    ex = extract(read_text(html, doc_id="dam.html"))
    assert ex.title == "Dam opens after delay"
    assert ex.meta.get("published", "").startswith("2024-05-02")
    assert "opened on Thursday" in ex.text
    assert "About us" not in ex.text and "Copyright" not in ex.text
    assert "Dam opens after delay" not in ex.text  # the headline is the title, not a sentence


def test_only_boilerplate_is_an_input_error():
    with pytest.raises(InputError, match="only boilerplate"):
        extract(read_text("Leave a Reply\nYour email address will not be published.\n", doc_id="x.txt"))


def test_media_player_placeholder_is_stripped_inline():
    """A video player's fallback text run into the next sentence is removed and reported; the
    sentence after it is kept whole."""
    text, removed = strip_shortcodes("Media playback is not supported on this device Okafor won the 400m final in Rome.")
    assert text == "Okafor won the 400m final in Rome."
    assert [(r.text, r.reason) for r in removed] == [("Media playback is not supported on this device", "media-placeholder")]
    same, none = strip_shortcodes("The app said playback is not supported on older phones.")
    assert none == [] and same == "The app said playback is not supported on older phones."
