"""Anachronisms: a version names a state or body that did not exist at the story's date.

"West Germany" in a 2024 story is a tell-tale of machine rewriting (and a factual
error a reader may repeat). The table below lists former states and renamed or
abolished bodies with the year they ceased to exist and where that date comes from.
It is deliberately small and conservative: names still in common use for a living
entity ("Burma", "Twitter", "Macedonia" the Greek region) are left out.

The story's date is ``published`` (JSONL field, or the HTML page's date), else the
latest year either text states; without either the check is skipped with a warning.
Only names B introduces are reported (a name both versions give is the source's own
wording, often historical), and a sentence that marks the past ("former", "then",
"until 1990", "the collapse of") is not an anachronism.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from unspun.drift.quantities import dates
from unspun.drift.view import Change, PairView
from unspun.records import Document


@dataclass(frozen=True)
class Defunct:
    names: tuple[str, ...]
    ended: int  # the last year it existed under this name
    now: str  # what replaced it
    source: str  # where the date comes from
    kind: str = "state"  # "state", "body", or "renamed" (exists under another name: medium at most)


DEFUNCT: tuple[Defunct, ...] = (
    Defunct(("West Germany",), 1990, "Germany", "German reunification, 3 October 1990 (Unification Treaty)"),
    Defunct(("East Germany", "German Democratic Republic"), 1990, "Germany", "German reunification, 3 October 1990 (Unification Treaty)"),
    Defunct(("Soviet Union", "USSR", "U.S.S.R."), 1991, "Russia and 14 other states", "dissolution of the USSR, 26 December 1991 (Declaration 142-N)"),
    Defunct(("Czechoslovakia",), 1992, "the Czech Republic and Slovakia", "dissolution of Czechoslovakia, 1 January 1993"),
    Defunct(("Yugoslavia",), 2003, "Serbia and Montenegro (2003), then six states", "Constitutional Charter of Serbia and Montenegro, 4 February 2003"),
    Defunct(("Serbia and Montenegro",), 2006, "Serbia and Montenegro as two states", "Montenegrin independence, 3 June 2006"),
    Defunct(("Zaire",), 1997, "the Democratic Republic of the Congo", "renamed by Laurent-Désiré Kabila, 17 May 1997"),
    Defunct(("Rhodesia",), 1979, "Zimbabwe", "Zimbabwe Rhodesia (1979), Zimbabwe's independence 18 April 1980"),
    Defunct(("Netherlands Antilles",), 2010, "Curaçao, Sint Maarten and the Caribbean Netherlands", "dissolution, 10 October 2010"),
    Defunct(("Upper Volta",), 1984, "Burkina Faso", "renamed 4 August 1984", "renamed"),
    Defunct(("Dahomey",), 1975, "Benin", "renamed 30 November 1975", "renamed"),
    Defunct(("Ceylon",), 1972, "Sri Lanka", "Republic constitution, 22 May 1972", "renamed"),
    Defunct(("Swaziland",), 2018, "Eswatini", "renamed by King Mswati III, 19 April 2018", "renamed"),
    Defunct(("European Economic Community",), 1993, "the European Union", "Maastricht Treaty, in force 1 November 1993", "body"),
    Defunct(("Organisation of African Unity", "Organization of African Unity"), 2002, "the African Union",
            "African Union launched 9 July 2002", "body"),
    Defunct(("League of Nations",), 1946, "the United Nations", "dissolved 20 April 1946", "body"),
    Defunct(("Department for International Development",), 2020, "the Foreign, Commonwealth and Development Office",
            "merger of 2 September 2020", "body"),
    Defunct(("Foreign and Commonwealth Office",), 2020, "the Foreign, Commonwealth and Development Office",
            "merger of 2 September 2020", "body"),
    Defunct(("Public Health England",), 2021, "the UK Health Security Agency", "replaced 1 October 2021", "body"),
    Defunct(("Financial Services Authority",), 2013, "the Financial Conduct Authority and the Prudential Regulation Authority",
            "Financial Services Act 2012, in force 1 April 2013", "body"),
    Defunct(("UK Border Agency",), 2013, "UK Visas and Immigration and Border Force", "abolished 31 March 2013", "body"),
    Defunct(("Serious Organised Crime Agency",), 2013, "the National Crime Agency", "replaced 7 October 2013", "body"),
    Defunct(("Department of Energy and Climate Change",), 2016, "the Department for Business, Energy and Industrial Strategy",
            "merger of 14 July 2016", "body"),
    Defunct(("Immigration and Naturalization Service",), 2003, "USCIS, ICE and CBP", "Homeland Security Act, 1 March 2003", "body"),
)

_PAST = re.compile(
    r"\b(?:former|formerly|then-|ex-|until|historic|historical|history|collapse|fall of|dissolution|reunification|"
    r"reunified|break-?up|era|cold war|was known as|used to|in the (?:19|18)\d0s)\b",
    re.I,
)
_PATTERNS = tuple((d, re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in d.names) + r")(?![\w-])")) for d in DEFUNCT)
_ANY = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for d in DEFUNCT for n in d.names) + r")(?![\w-])")


def story_year(doc_a: Document, doc_b: Document) -> tuple[int | None, str]:
    """The story's year and where it came from: ``published`` of either version, else the latest
    year either text states (up to this year), else (None, "")."""
    for doc in (doc_a, doc_b):
        for key in ("published", "date"):
            m = re.match(r"\s*((?:19|20)\d\d)", str(doc.meta.get(key) or ""))
            if m:
                return int(m.group(1)), f"published {doc.meta.get(key)}"
    this_year = datetime.date.today().year
    years = [d.year for doc in (doc_a, doc_b) for d in dates(doc.text) if d.year and 1900 <= d.year <= this_year]
    if years:
        return max(years), "the latest year the texts state"
    return None, ""


def anachronisms(view: PairView) -> list[Change]:
    """Names B introduces of states and bodies that had ceased to exist by the story's date."""
    out: list[Change] = []
    if not _ANY.search(view.b.text):
        return out  # one scan for the usual case: B names nothing defunct
    a_text = view.a.text
    for d, rx in _PATTERNS:
        if rx.search(a_text) or not rx.search(view.b.text):
            continue  # the source's own wording, or a name B does not use
        for j in view.sentences("b"):
            sent = view.b.sentences[j]
            m = rx.search(sent.text)
            if not m:
                continue
            if _PAST.search(sent.text) or any(x.year and x.year <= d.ended for x in view.dates("b", j)):
                continue  # the sentence is about the past
            if view.story_year is None:
                view.warnings.append(f"B names “{m.group(0)}” ({d.source}), but the story has no date to check it "
                                     "against: give `published` to enable the anachronism check")
                return out
            if view.story_year <= d.ended:
                continue
            claim = view.claim_of("b", j)
            basis = claim.basis if claim and claim.basis in ("linked", "soft") else "added"
            severity = "medium" if d.kind == "renamed" else "high"
            what = "was renamed" if d.kind == "renamed" else "ceased to exist"
            start = sent.start + m.start()
            out.append(Change(
                "anachronism", severity, 0.0,
                f"B names “{m.group(0)}”, which {what} in {d.ended}: {d.source}; now {d.now}. "
                f"The story dates from {view.story_year} ({view.story_year_source}).",
                "anachronism.defunct.v1", None, m.group(0), None, (start, start + len(m.group(0))),
                a=claim.a if claim and basis != "added" else (), b=(j,), basis=basis,
                evidence={"ended": d.ended, "story_year": view.story_year, "sim": claim.sim if claim else 0.0}))
            break
    return out
