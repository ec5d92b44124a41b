"""The rule table: every drift rule, by the name its findings carry (``rule`` = "<name>.<what>.v<N>").

:func:`unspun.drift.run` runs every rule of this table on a view of the whole pair;
:func:`unspun.drift.rederive` looks a finding's rule up here and runs it on a view of
the finding's evidence alone. One table, one signature: ``rule(view) -> list[Change]``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from unspun.drift import additions, anachronism, framing, names, polarity, values
from unspun.drift.view import Change, PairView, Side

ClaimRule = Callable[[Side, Side, float], list[Change]]


@dataclass(frozen=True)
class Rule:
    name: str
    types: tuple[str, ...]
    run: Callable[[PairView], list[Change]]
    what: str


def per_claim(*fns: ClaimRule, bases: tuple[str, ...] = ("linked",)) -> Callable[[PairView], list[Change]]:
    """A rule over one claim at a time (its A sentences against its B sentences).

    On a soft claim (the pairing is a guess) a finding is medium at most.
    """

    def run(view: PairView) -> list[Change]:
        out = []
        for claim in view.judged(bases):
            a, b = view.side("a", claim.a), view.side("b", claim.b)
            for fn in fns:
                for ch in fn(a, b, claim.sim):
                    if claim.basis == "soft" and ch.severity == "high":
                        ch = replace(ch, severity="medium")
                    out.append(replace(ch, a=claim.a, b=claim.b, basis=claim.basis, evidence={**ch.evidence, "sim": claim.sim}))
        return out

    return run


RULES: dict[str, Rule] = {r.name: r for r in (
    Rule("numbers", ("number_changed", "unsupported_addition"), values.numbers,
         "figures matched over the whole pair; a figure replaced by another of the same kind, or added"),
    Rule("dates", ("date_changed",), values.date_changes, "dates and times matched over the whole pair"),
    Rule("entities", ("entity_changed", "entity_added", "entity_removed"), names.entity_changes,
         "people, organisations and places swapped, added or dropped"),
    Rule("certainty", ("certainty_changed",), per_claim(framing.certainty), "hedges removed or added"),
    Rule("attribution", ("attribution_changed",), per_claim(framing.attribution), "sources dropped, swapped, weakened"),
    Rule("contradiction", ("contradiction",), polarity.contradictions,
         "negation, opposite words, exception vs permission, pending vs done"),
    Rule("addition", ("unsupported_addition",), additions.additions, "sentences of B with no counterpart in A"),
    Rule("anachronism", ("anachronism",), anachronism.anachronisms,
         "states and bodies B names that no longer existed at the story's date"),
)}


def rule_of(finding_rule: str) -> Rule:
    """The table entry of a finding's ``rule`` string ("numbers.changed.v2" -> RULES["numbers"])."""
    name = finding_rule.split(".")[0].split(":")[0]
    if name not in RULES:
        raise ValueError(f"unknown rule {finding_rule!r}")
    return RULES[name]
