"""Stage 7, drift: typed findings on aligned links (filled in by the drift issue)."""

from __future__ import annotations

ALGORITHM = "unspun.drift.v0"


def run(doc_a, doc_b, alignment):  # noqa: ANN001, ANN201
    """Findings, algorithm name, warnings. Not implemented yet: no findings."""
    return (), ALGORITHM, ()
