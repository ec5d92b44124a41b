"""Bounds on input size and work, in one place (the README's "Limits" table lists them).

Users point unspun at whatever a crawler produced; every stage has a bound, so one degenerate
document is rejected (or, for one over-long sentence, split with a warning) and never stalls a
batch. A document over a bound is rejected with the bound named in the reason; nothing is cut
silently. The numbers are far above what news needs (the largest of the 18,994 BBC and Reuters
articles in ``../shared/data`` has 4,428 words, 247 sentences and a 1,063-character sentence) and far
below what makes a stage slow: each was chosen so that the slowest stage on a document at the
bound still finishes in seconds on one core.
"""

from __future__ import annotations

MAX_ID_CHARS = 1_000
"""Characters of a document id (JSONL ``id``, WARC URI + record id, a path)."""

MAX_META_CHARS = 10_000
"""Characters of a record's ``title``, ``url``, ``published`` or ``source``."""

MAX_DOCUMENT_CHARS = 2_000_000
"""Characters of a document's text (~300,000 words): of plain text and Markdown as read, of HTML
after extraction."""

MAX_SENTENCES = 5_000
"""Sentences in one document: alignment compares every sentence of A with every sentence of B,
so 5,000 x 5,000 is the largest similarity matrix (100 MB) a pair can need."""

MAX_SENTENCE_CHARS = 3_000
"""Characters of one sentence; a longer one (a table or list flattened into one line, text
with no punctuation) is split at the last space before the bound, with a warning."""

MAX_GZIP_RATIO = 100
"""A ``.jsonl.gz`` may expand to at most this many times its compressed size (plus
:data:`GZIP_SLACK`). News JSONL compresses 3-5x; 100x only happens for degenerate content,
such as a gzip bomb (1 MB expanding to 1 GB)."""

GZIP_SLACK = 16 * 1024 * 1024
"""Bytes a small ``.jsonl.gz`` may expand to whatever its ratio."""

MAX_VALUE_PAIRS = 250_000
"""Figures (or dates) of A times those of B that the drift rules pair up; above it (500 x 500: a
data table, not prose) that kind of value is not compared, with a warning."""

MAX_PARSE_CHARS = 1_500
"""Characters of a sentence the drift rules parse (spaCy) to find what a negation applies to; a
longer one is checked by its words only, with a warning. The polarity analysis of a parse grows
faster than linearly with the sentence (a 3,000-character run of negations took 17 s); the
longest of 18,994 news articles' sentences has 1,063 characters."""
