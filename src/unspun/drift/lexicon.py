"""Word lists behind the drift rules: hedges, attribution verbs, negation, antonyms, status cues.

Kept in one place so a reviewer can read, in a minute, exactly which words trigger
which finding.
"""

from __future__ import annotations

import functools
import re

# --- certainty -------------------------------------------------------------------------
# Reportive hedges mark a claim as second-hand; modal hedges as possible, not certain.
HEDGES_REPORTIVE = (
    "reportedly", "allegedly", "purportedly", "supposedly", "apparently", "seemingly", "rumored", "rumoured",
    "unconfirmed", "is said to", "are said to", "was said to", "were said to", "is believed to", "are believed to",
    "was believed to", "is thought to", "are thought to", "is understood to", "according to reports",
    "reports suggest", "it is claimed", "it was claimed", "it is alleged", "believed to be", "thought to be",
    "said to be", "reported to be", "understood to be",
)
HEDGES_MODAL = (
    "could", "may", "might", "possibly", "probably", "perhaps", "likely", "unlikely", "potentially",
    "is expected to", "are expected to", "was expected to", "were expected to", "appears to", "appear to",
    "seems to", "seem to", "suggests", "suggest", "is set to", "are set to",
    "is considered", "are considered", "is regarded as", "are regarded as", "is seen as", "are seen as", "is thought",
    "it seems", "it appears", "seemingly",
)
HEDGE_RE = re.compile(r"\b(" + "|".join(re.escape(h) for h in sorted(HEDGES_REPORTIVE + HEDGES_MODAL, key=len, reverse=True)) + r")\b", re.I)

# Words by which a rewrite keeps its distance from a claim without a hedge word.
DISTANCE_RE = re.compile(r"\b(?:under the guise of|claim(?:s|ed|ing)?|argu(?:e|es|ed|ing)|citing|so-called|purported|posit(?:s|ed)?|"
                         r"considered (?:as|to be)|theory|traditionally|"
                         r"according to|accus(?:e|es|ed|ation|ations)|alleg(?:e|es|ed|ation|ations))\b", re.I)

# --- attribution -----------------------------------------------------------------------
SAY_NEUTRAL = ("said", "says", "say", "told", "tells", "stated", "added", "noted", "found", "finds", "showed",
               "estimated", "warned", "predicted", "announced", "announces", "explained", "wrote", "according to",
               "citing", "quoted", "with a reference to", "with reference to", "in a statement", "reported by",
               "first reported", "it was reported", "acknowledged", "admitted",
               # other neutral reporting verbs rewrites put for "said" ("Dr X said" -> "Dr X revealed")
               "saying", "adding", "noting", "revealed", "reveals", "disclosed", "explains", "recalled", "described",
               "remarked", "commented", "observed", "pointed out", "indicated", "emphasised", "emphasized",
               "stressed", "highlighted", "mentioned", "reiterated", "replied", "responded", "recounted",
               "testified", "conceded", "maintained", "maintains")
SAY_WEAK = ("claimed", "alleged", "alleges", "insisted", "insists", "suggested", "purported",
            "asserted", "asserts", "contended", "argued", "argues", "speculated", "rumored", "rumoured")
SAY_STRONG = ("confirmed", "confirms", "verified", "verifies", "verifying", "established", "proved", "proven",
              "proves", "demonstrated")
ATTRIBUTION_RE = re.compile(
    r"\b(" + "|".join(re.escape(w) for w in sorted(SAY_NEUTRAL + SAY_WEAK + SAY_STRONG, key=len, reverse=True)) + r")\b",
    re.I,
)


def say_strength(verb: str) -> str:
    v = verb.lower()
    if v in SAY_STRONG:
        return "strong"
    if v in SAY_WEAK:
        return "weak"
    return "neutral"


# --- negation and polarity -------------------------------------------------------------
NEGATION_RE = re.compile(
    r"\b(not|no|never|none|nobody|nothing|neither|nor|without|cannot|n't|hardly|failed to|fails to|fail to"
    r"|refused to|refuses to|declined to|denied|denies|rejected|rejects|voted against|voted down|turned down"
    r"|ruled out|opposed|opposes|prohibits|prohibited|forbids|forbidden|barred|unable to|lacks|lacked)\b|n't\b",
    re.I,
)

# Opposite-polarity word groups: a word of one side in A and of the other in B (and
# neither side's word in the other sentence) flips the claim. Exact word forms, not
# prefixes ("los" would catch "Los Angeles").
def _g(words: str) -> frozenset[str]:
    return frozenset(words.split())


ANTONYM_GROUPS: tuple[tuple[str, frozenset[str], frozenset[str]], ...] = (
    # Verbs and market phrases in one group: "rose" vs "closed down" is the same flip.
    ("rose/fell",
     _g("rose rise rises risen rising increased increases increasing grew grow grows gained gains climbed climbs climb jumped "
        "jumps jump surged surges surge soared soars soar rallied rally rallies advanced higher rebounded rebound")
     | frozenset({"was up", "were up", "closed up", "ended up", "inched up", "edged up", "is up", "are up", "moved up",
                  "trading up", "traded up"}),
     _g("fell fall falls fallen falling decreased decreases decreasing declined declines decline declining dropped drops drop "
        "slipped slips slip eased eases plunged plunges plunge tumbled tumbles tumble slumped slumps slump sank sink sinks "
        "shrank shrinks shrink lower retreated dipped dips dipping dip lost loses shed sheds")
     | frozenset({"was down", "were down", "closed down", "ended down", "inched down", "edged down", "is down", "are down",
                  "was off", "were off", "closed off", "moved down", "gave up", "trading down", "traded down"})),
    ("beat/missed expectations",
     _g("beat beats exceeded exceeds exceeding topped surpassed outperformed better") | frozenset({"better than", "ahead of"}),
     _g("missed misses underperformed worse disappointed") | frozenset({"fell short", "falls short", "short of", "worse than",
                                                                       "below expectations", "behind", "came up short",
                                                                       "come up short", "comes up short"})),
    ("satisfied/disappointed", _g("satisfied pleased delighted"), _g("disappointed dissatisfied displeased")),
    ("complied/violated", _g("complied comply complies obeyed respected"), _g("violated violates breached breaches broke flouted")),
    ("good/bad", _g("good positive"), _g("bad flawed poor negative")),
    ("ignored/heeded", _g("ignored ignore ignores disregarded"), _g("heeded heed heeds followed obeyed")),
    ("full/empty", _g("full crowded packed"), _g("empty deserted")),
    ("near/far", _g("near nearby"), _g("far distant")),
    ("open/closed", _g("open opened reopened"), _g("closed shut")),
    ("alive/dead", _g("alive"), _g("dead")),
    ("added/removed", _g("adding inserting"), _g("removing extracting")),
    ("granted/denied", _g("granted grants granting"), _g("denied denies denying refused")),
    ("speaking/silent", _g("speaking talking singing shouting"), _g("silent quiet")),
    ("top/bottom", _g("top"), _g("bottom")),
    ("awake/asleep", _g("awake"), _g("asleep sleeping")),
    ("present/absent", _g("present attended"), _g("absent missed")),
    ("included/excluded", _g("included includes including"), _g("excluded excludes excluding")),
    ("northern/southern", _g("northern"), _g("southern")),
    ("eastern/western", _g("eastern"), _g("western")),
    ("approved/rejected",
     _g("approved approve approves accepted accepts backed endorsed endorses passed greenlit greenlighted ratified"),
     _g("rejected reject rejects refused refuses vetoed vetoes blocked blocks")),
    ("allowed/banned",
     _g("allowed allow allows permitted permit permits legalised legalized"),
     _g("banned ban bans prohibited prohibit prohibits forbade forbidden forbids barred outlawed")),
    ("won/lost", _g("won win wins winning victory"), _g("lost lose loses losing defeat defeated")),
    ("confirmed/denied", _g("confirmed confirm confirms"), _g("denied deny denies")),
    ("supports/opposes", _g("support supports supported supporting favours favors"), _g("oppose opposes opposed opposing")),
    ("guilty/innocent", _g("guilty convicted"), _g("innocent acquitted cleared")),
    ("legal/illegal", _g("legal lawful"), _g("illegal unlawful")),
    ("more/fewer", _g("more"), _g("fewer less")),
    ("above/below", _g("above"), _g("below")),
    ("majority/minority", _g("majority"), _g("minority")),
    ("profit/loss", _g("profit profits"), _g("loss losses")),
    ("hired/fired", _g("hired hire hires"), _g("fired fire fires sacked laid")),
    ("success/failure", _g("succeeded success successful"), _g("failed failure unsuccessful")),
    # Opposite prefixes, one pair per group (hyperthermia is no opposite of hypotension).
    ("hyperthermia/hypothermia", _g("hyperthermia"), _g("hypothermia")),
    ("hypertension/hypotension", _g("hypertension hypertensive"), _g("hypotension hypotensive")),
    ("hyperglycaemia/hypoglycaemia", _g("hyperglycaemia hyperglycemia hyperglycaemic hyperglycemic"),
     _g("hypoglycaemia hypoglycemia hypoglycaemic hypoglycemic")),
    ("overestimated/underestimated", _g("overestimated overestimates overestimate overestimating"),
     _g("underestimated underestimates underestimate underestimating")),
    ("overvalued/undervalued", _g("overvalued"), _g("undervalued")),
)

# --- exception vs permission, pending vs done -----------------------------------------
EXCLUDE_RE = re.compile(
    r"\b(?:with the exception of|the exception (?:for|of)|an exception (?:for|of)|except(?:ing)?(?: for)?|excluding|other than"
    r"|barring|(?:a )?ban on|bans?|banned|prohibit(?:s|ed|ing)?|forbid(?:s|den)?|not (?:be )?(?:allowed|permitted|authori[sz]ed))\b",
    re.I,
)
PERMIT_RE = re.compile(
    r"\b(?:(?:is|are|was|were|be|being|been) (?:now )?(?:permitted|allowed|authori[sz]ed|approved|cleared)|permit(?:s|ted)?|allow(?:s|ed)?"
    r"|authori[sz](?:es|ed)|green-?lit|greenlit|green-?lighted|including|includes|cleared the use of)\b",
    re.I,
)
PENDING_RE = re.compile(
    r"\b(?:would (?:still )?(?:require|need|have to)|will (?:still )?(?:require|need|have to)|requires?|needs? (?:a |an |the )?(?:approval|decision|vote|sign-off)"
    r"|ha(?:s|ve) yet to|still ha(?:s|ve) to|must (?:still )?(?:approve|sign|decide|vote)|pending|proposed|propos(?:es|ing)"
    r"|plans? to|is considering|are considering|under consideration|awaiting|awaits|could take|would take|not yet"
    r"|close to (?:conclud|complet|finish|reach|agree|sign)\w*|nearing|on the verge of|poised to|ha(?:s|ve) offered to|offered to"
    r"|under review|in talks|is weighing|are weighing|seeking to)\b",
    re.I,
)
DONE_RE = re.compile(
    r"\b(?:ha(?:s|ve|d) (?:already |now |officially |formally )?(?:agreed|approved|signed|sent|delivered|completed|decided|finali[sz]ed|authori[sz]ed|passed|ratified)"
    r"|already (?:approved|agreed|signed|sent|delivered|completed|decided)|agreed to|signed off|approved the"
    r"|ha(?:s|ve|d) (?:now |finally |officially )?(?:concluded|finished|reached|settled|paid))\b",
    re.I,
)


@functools.lru_cache(maxsize=256)
def group_keys(group: frozenset[str]) -> frozenset[str]:
    """The group's words and their stems (single words only), for matching lemmas and stems."""
    from unspun.represent.text import stem

    return frozenset(k for w in group if " " not in w for k in (w, stem(w)))


ANTONYM_WORDS = frozenset(w for _, left, right in ANTONYM_GROUPS for w in left | right)
_ANTONYM_SINGLE = frozenset(w for w in ANTONYM_WORDS if " " not in w)
_ANTONYM_PHRASES = tuple(w for w in ANTONYM_WORDS if " " in w)
_WORD = re.compile(r"[a-z]+")


def has_antonym_word(low: str) -> bool:
    """Does this lower-cased text hold a word of any opposite-word group?"""
    return bool(set(_WORD.findall(low)) & _ANTONYM_SINGLE) or any(p in low for p in _ANTONYM_PHRASES)


@functools.lru_cache(maxsize=256)
def group_re(group: frozenset[str]) -> re.Pattern:
    """One pattern for all words of a group side, longest first, whole words only."""
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in sorted(group, key=len, reverse=True)) + r")(?![\w-])")
