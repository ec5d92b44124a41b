"""Sentences B adds with no counterpart in A: claims (names, figures, dates, quotes) or filler."""

from __future__ import annotations

import re
from dataclasses import replace

from unspun.drift.entities import Entity
from unspun.drift.quantities import dates, quantities
from unspun.drift.view import Change, PairView, Side


# --- additions ---------------------------------------------------------------------------------

_QUOTE = re.compile(r"[\"“][^\"”]{12,}[\"”]")


def claim_evidence(text: str, names: list[Entity]) -> list[str]:
    """What makes a sentence a claim rather than filler: names, figures, dates, quotes."""
    why = []
    if names:
        why.append("names " + ", ".join(dict.fromkeys(e.text for e in names[:3])))
    qs = quantities(text)
    if qs:
        why.append("figures " + ", ".join(q.text for q in qs[:3]))
    ds = dates(text)
    if ds:
        why.append("dates " + ", ".join(d.text for d in ds[:2]))
    if _QUOTE.search(text):
        why.append("a quotation")
    return why


def addition(b: Side, names: list[Entity], best_sim: float) -> list[Change]:
    why = claim_evidence(b.text, names)
    if why:
        return [Change("unsupported_addition", "medium", 0.0,
                       f"B adds a claim with no counterpart in A ({'; '.join(why)}).", "addition.claim.v1",
                       None, b.text, None, None)]
    return [Change("unsupported_addition", "low", 0.0,
                   "B adds a sentence with no counterpart in A (no names, figures or quotes: likely filler).",
                   "addition.filler.v1", None, b.text, None, None)]


def additions(view: PairView) -> list[Change]:
    """Every sentence of B the aligner did not link: a claim (medium) or filler (low)."""
    out = []
    for j in view.sentences("b"):
        claim = view.claim_of("b", j)
        if claim is not None and claim.basis == "linked":
            continue
        best = max((view.sim(i, j) for i in view.sentences("a")), default=0.0)
        for c in addition(view.side("b", (j,)), view.entities("b", j), best):
            out.append(replace(c, a=(), b=(j,), basis="added", evidence={"sim": best}))
    return out
