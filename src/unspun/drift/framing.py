"""How a claim is framed: hedged or stated as fact, and whom it is attributed to.

``certainty_changed``: hedges ("reportedly", "allegedly", "could", "is expected to")
removed (medium; high for reportive hedges) or added (low). ``attribution_changed``: a
source dropped, swapped, or a claim weakened or strengthened ("reported by X" vs "X
verified"). Both judge linked sentences only: framing is a property of one claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from unspun.drift import lexicon as L
from unspun.drift.entities import Entity, OtherText, mentioned_in
from unspun.drift.view import Change, Side
from unspun.represent.text import STOPWORDS, content_terms


# --- certainty ---------------------------------------------------------------------------


def _hedges(side: Side) -> list[tuple[str, tuple[int, int]]]:
    out = []
    for text, start in side.each():
        for m in L.HEDGE_RE.finditer(text):
            if m.group(0).lower() == "may" and re.match(r"\s+\d", text[m.end():]):
                continue  # "May 5" is a date
            out.append((m.group(0), (start + m.start(), start + m.end())))
    return out


def certainty(a: Side, b: Side, sim: float) -> list[Change]:
    ha, hb = _hedges(a), _hedges(b)
    if bool(ha) == bool(hb):
        return []
    conf = 0.0  # set by the calibration (unspun.drift.calibration)
    if ha:
        # B must restate the hedged claim: a rewrite that drops the whole clause ("allegedly
        # erroneous interpretation" gone) or keeps its distance in other words ("under the guise
        # of", "they argue", "citing") removes no hedge.
        restated = [h for h in ha if _claim_restated(a.doc_text, h[1], b.text)]
        if not restated or L.DISTANCE_RE.search(b.text):
            return []
        words_ = ", ".join(dict.fromkeys(h.lower() for h, _ in restated))
        reportive = any(h.lower() in L.HEDGES_REPORTIVE for h, _ in restated)
        return [Change(
            "certainty_changed", "high" if reportive else "medium", conf,
            f"A hedges this claim (“{words_}”); B states it as fact.", "certainty.removed.v1",
            words_, None, restated[0][1], None, evidence={"strong": reportive})]
    words_ = ", ".join(dict.fromkeys(h.lower() for h, _ in hb))
    return [Change(
        "certainty_changed", "low", conf,
        f"B hedges a claim (“{words_}”) that A states as fact.", "certainty.added.v1",
        None, words_, None, hb[0][1])]


def _claim_restated(doc_text: str, span: tuple[int, int], other: str) -> bool:
    """The content words the hedge governs (the next few words) are in the other version: two of
    them, or the only one there is."""
    after = content_terms(doc_text[span[1]: span[1] + 50])[:4]
    mine = set(content_terms(other))
    return len(set(after) & mine) >= min(2, len(after)) and bool(after)


# --- attribution ---------------------------------------------------------------------------

_NAME_AFTER = re.compile(r"\s*(?:the\s+)?((?:[A-Z][\w’'.-]*\s*){1,5})")
_SOURCE_AFTER = ("said", "says", "added", "according to", "citing", "reported by", "with a reference to",
                 "with reference to", "first reported", "quoted")
_NAME_BEFORE = re.compile(r"((?:[A-Z][\w’'.-]*\s*){1,5})(?:,[^,]{0,40},)?\s*$")
_FORMAL = ("according to", "citing", "reported by", "with a reference to", "with reference to", "first reported", "quoted")


@dataclass(frozen=True)
class _Attribution:
    cue: str
    strength: str
    sources: tuple[str, ...]
    span: tuple[int, int]


def _attributions(side: Side) -> list[_Attribution]:
    """Reporting cues and the names right next to them ("X said", "said X", "according to X")."""
    out = []
    for text, start in side.each():
        for m in L.ATTRIBUTION_RE.finditer(text):
            cue = m.group(0)
            names = []
            after = _NAME_AFTER.match(text, m.end()) if cue.lower() in _SOURCE_AFTER else None
            if after:
                names.append(after.group(1))
            if cue.lower() not in _FORMAL:
                before = _NAME_BEFORE.search(text[max(0, m.start() - 80): m.start()])
                if before:
                    names.append(before.group(1))
            names = tuple(n.strip(" .,") for n in names if n.strip(" .,").lower() not in STOPWORDS and len(n.strip()) > 2)
            out.append(_Attribution(cue.lower(), L.say_strength(cue), names, (start + m.start(), start + m.end())))
    return out


def _name_in(name: str, other: Side) -> bool:
    return mentioned_in(Entity(name, "NAME", 0, len(name)), OtherText.of(other.doc_text), set())


def attribution(a: Side, b: Side, sim: float) -> list[Change]:
    aa, ab = _attributions(a), _attributions(b)
    conf = 0.0  # set by the calibration (unspun.drift.calibration)
    if aa and not ab:
        named = [s for at in aa for s in at.sources if not _name_in(s, b)]
        formal = any(at.cue in _FORMAL for at in aa)
        severity = "medium" if (named or formal) else "low"
        src = f" ({named[0]})" if named else ""
        return [Change(
            "attribution_changed", severity, conf,
            f"A attributes this to a source (“{aa[0].cue}”{src}); B drops the attribution.", "attribution.dropped.v1",
            aa[0].cue, None, aa[0].span, None)]
    if ab and not aa:
        strong = [at for at in ab if at.strength == "strong"]
        if strong:
            # Low: A states the claim as fact, so "X confirms" adds a source, not certainty ("North
            # Korea conducts test" / "North Korea confirms test": same meaning to STS-B raters).
            return [Change(
                "attribution_changed", "low", conf,
                f"B presents the claim as confirmed (“{strong[0].cue}”), A gives no such source.", "attribution.strengthened.v1",
                None, strong[0].cue, None, strong[0].span)]
        return [Change(
            "attribution_changed", "low", conf, f"B adds an attribution (“{ab[0].cue}”).", "attribution.added.v1",
            None, ab[0].cue, None, ab[0].span)]
    if not aa:
        return []
    out: list[Change] = []
    sa = {at.strength for at in aa}
    sb = {at.strength for at in ab}
    change = None
    if "strong" in sb - sa:
        change = ("strengthened", aa[0], next(at for at in ab if at.strength == "strong"))
    elif "weak" in sb - sa:
        change = ("weakened", aa[0], next(at for at in ab if at.strength == "weak"))
    elif "strong" in sa - sb:
        change = ("weakened", next(at for at in aa if at.strength == "strong"), ab[0])
    elif "weak" in sa - sb:
        change = ("strengthened", next(at for at in aa if at.strength == "weak"), ab[0])
    if change:
        verb, old, new = change
        same_source = any(_name_in(x, b) for x in old.sources) and bool(old.sources)
        out.append(Change(
            "attribution_changed", "low" if same_source else "medium", conf,
            f"The attribution was {verb}: “{old.cue}” became “{new.cue}”.", f"attribution.{verb}.v1",
            old.cue, new.cue, old.span, new.span))
    names_a = {s for at in aa for s in at.sources}
    names_b = {s for at in ab for s in at.sources}
    gone = [s for s in names_a if not _name_in(s, b)]
    new = [s for s in names_b if not _name_in(s, a)]
    if gone and new:
        out.append(Change(
            "attribution_changed", "medium", conf,
            f"The source changed: A cites “{gone[0]}”, B cites “{new[0]}”.", "attribution.swapped.v1",
            gone[0], new[0], aa[0].span, ab[0].span))
    return out


