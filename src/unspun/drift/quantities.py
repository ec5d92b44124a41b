"""Numbers and dates in sentences, normalised so that different spellings compare equal.

"two" = 2, "$2.5 billion" = "2.5bn dollars", "11 percent" = "11%" = "11 per cent",
"January 20, 2025" = "20 Jan 2025" = "2025-01-20". Each mention keeps its character
span in the sentence so findings can point at the exact value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD_NUMS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12, "pair": 2, "couple": 2,
    "one": 1, "a": 1, "an": 1,
}
_SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6, "billion": 1e9, "bn": 1e9,
           "b": 1e9, "trillion": 1e12, "tn": 1e12, "hundred": 100}
_CUR_SYM = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "c$": "CAD", "a$": "AUD",
            "au$": "AUD", "$a": "AUD", "nz$": "NZD", "hk$": "HKD", "s$": "SGD"}
_CUR_WORD = {"dollar": "USD", "dollars": "USD", "usd": "USD", "euro": "EUR", "euros": "EUR", "eur": "EUR",
             "pound": "GBP", "pounds": "GBP", "sterling": "GBP", "gbp": "GBP", "yen": "JPY", "yuan": "CNY",
             "rupees": "INR", "rupee": "INR", "cents": "USD_cent", "cent": "USD_cent", "pence": "GBP_pence", "p": "GBP_pence"}
_PCT = {"percent", "per cent", "%", "pct"}
_APPROX = re.compile(r"\b(about|around|roughly|nearly|almost|approximately|some|over|more than|less than|up to|at least|close to|just over|just under|an estimated|estimated|under|fewer than|at most|upwards of)\s*$", re.I)
_BOUND = {"over": "over", "more than": "over", "at least": "over", "just over": "over", "upwards of": "over",
          "less than": "under", "up to": "under", "just under": "under", "under": "under", "fewer than": "under",
          "at most": "under", "nearly": "under", "almost": "under"}
APPROX_SLACK = 0.05
"""Relative difference within which "about 300" and "302" are one figure (MRPC/ETPC: at 0.10,
"about $5,247" and "$4,794" passed as the same tuition)."""


def _approx_slack(q: "Quantity") -> float:
    """How far a hedged figure may be from another and still be it: :data:`APPROX_SLACK` for a
    round figure ("about 300", "around 2.8 billion"), less for one given to more digits — "about
    $5,247" is precise to the dollar, "around 1.5292" to the ten-thousandth (ETPC: "around 1.5292"
    had passed for "1.5261", and "about $5,247" for "$5,019")."""
    digits = f"{abs(q.value):.{q.decimals}f}".replace(".", "").strip("0")
    return min(APPROX_SLACK, 10.0 ** (1 - max(1, len(digits))))


BOUND_SLACK = 1.25
"""How far past a bound a figure may go and still agree with it ("more than 100" / "112")."""

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ](?:one|two|three|four|five|six|seven|eight|nine)"
_TENS_ORDINAL = re.compile(r"[- ](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)\b", re.I)
_WORDNUM = r"(?:" + _TENS + "|" + "|".join(sorted((w for w in _WORD_NUMS if w not in ("a", "an", "one")), key=len, reverse=True)) + r")"
_QTY = re.compile(
    r"(?P<cur>US\$|AU\$|NZ\$|HK\$|S\$|C\$|A\$|\$A(?=\d)|[$€£¥₹])?\s?"
    r"(?:(?P<num>(?<![A-Za-z\d.,])(?:" + _NUM + r"))|(?P<word>\b" + _WORDNUM + r"\b|\b(?:a|an|one)\b(?=\s?(?:thousand|million|billion|trillion|hundred|percent|per cent)\b)))"
    r"(?:(?:\s?|-)(?P<scale>thousand|million|billion|trillion|mln|mn|bn|tn|[kmb])\b)?"
    r"(?:\s?(?P<pct>%|per ?cent\b|percent\b|pct\b|percentage points?\b))?"
    r"(?:\s(?P<unit>[A-Za-z][a-z]+))?",
    re.I,
)
# A score ("38-20", "102-1"), not a range ("200-500 people", "10-15 years"): two small numbers,
# or a total and a count of wickets, and no counted noun after it ("as", "was" are no nouns).
_SCORE = re.compile(r"\b(\d{1,2}|\d{3}(?=[-–]\d\b))\s?[-–]\s?(\d{1,2})\b(?![/\-–]\d)(?!\s?(?:percent|%|million|billion|(?!(?:as|is|was|has|its|his|this|thus|plus)\b)[a-z]+s\b))")

MONTHS = {m: i + 1 for i, m in enumerate("january february march april may june july august september october november december".split())}
_MON_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12}
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_MONTH_RE = r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
# A bare year is a date unless a unit or count follows ("2012 people"); a year ending a
# sentence ("in 2012.") is a date too.
_NOT_YEAR_AFTER = r"(?![\d]|[,.]\d|\s?(?:%|percent|per cent|million|billion|bn|m\b|people|homes|jobs|units|votes|tonnes|km|miles|metres|feet|points))"
_TIME_RE = (r"(?<![\d:.])(?P<hh>[01]?\d|2[0-3])(?::(?P<mm>[0-5]\d)|(?=\s?[ap]\.?m\b))\s?(?P<ap>[ap]\.?m\b\.?)?"
            r"(?:\s?(?P<tz>GMT|BST|UTC|CET|CEST|EST|EDT|CST|CDT|PST|PDT|ET|PT|local time))?(?![\d:])")
RELATIVE_DAYS = {
    "yesterday": "yesterday", "today": "today", "tomorrow": "tomorrow", "last night": "last night", "tonight": "tonight",
    "this morning": "this morning", "this week": "this week", "last week": "last week", "next week": "next week",
    "this month": "this month", "last month": "last month", "next month": "next month", "earlier this month": "this month",
    "later this month": "this month", "this year": "this year", "last year": "last year", "next year": "next year",
    "earlier this year": "this year", "later this year": "this year", "last weekend": "last weekend",
    "this weekend": "this weekend", "next weekend": "next weekend",
}
_RELATIVE_RE = r"\b(?P<rel>" + "|".join(sorted((re.escape(k) for k in RELATIVE_DAYS), key=len, reverse=True)) + r")\b"
_DATE_PATTERNS = (
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
    re.compile(r"\b(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>(?:19|20)\d{2})\b"),
    re.compile(_MONTH_RE + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:\s?[-–]\s?\d{1,2}(?:st|nd|rd|th)?)?(?:,?\s+(?P<y>\d{4}))?\b"),
    re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:\s?[-–]\s?\d{1,2}(?:st|nd|rd|th)?)?\s+(?:of\s+)?" + _MONTH_RE + r"(?:,?\s+(?P<y>\d{4}))?\b"),
    re.compile(r"\b(?:the\s+)?(?P<d>[1-9]|[12]\d|3[01])(?:st|nd|rd|th)\b(?=\s+of\s+" + _MONTH_RE.replace("?P<mon>", "?:") + ")"),
    re.compile(_MONTH_RE + r"(?:\s+of)?\s+(?P<y>\d{4})\b"),
    re.compile(r"\b(?i:in|since|by|until|from|during|last|next|this|early|late|mid|of|before|after|(?:planned|scheduled|set|due|slated|expected|booked) for)[\s-](?P<mon>May)\b"),
    re.compile(r"\b(?P<mon>January|February|March|April|June|July|August|September|October|November|December)\b"),
    re.compile(r"\b(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)s?\b"),
    re.compile(_TIME_RE, re.I),
    # a 24-hour time without a colon, known by its zone or "hrs" ("1800 GMT", "0630 hrs"); never a year
    re.compile(r"(?<![\d:.,])(?P<hh>[01]\d|2[0-3])(?P<mm>[0-5]\d)\s?(?P<tz>GMT|BST|UTC|CET|CEST|hrs|hours)\b"),
    re.compile(_RELATIVE_RE, re.I),
    re.compile(r"\b(?i:in|since|by|until|from|of|during|before|after|early|late|mid-?)\s+(?:AD\s+)?(?P<y>1\d{3}|20\d{2})\b" + _NOT_YEAR_AFTER),
    re.compile(r"(?<![\d,.$€£])\b(?P<y>(?:19|20)\d{2})\b" + _NOT_YEAR_AFTER),
)


@dataclass(frozen=True)
class Quantity:
    """A number with its unit: ``value`` is scaled (48 million -> 48e6); ``unit`` is a currency, "%", or None."""

    value: float
    unit: str | None
    noun: str | None
    text: str
    start: int
    end: int
    approx: bool = False
    decimals: int = 0
    bound: str | None = None  # "about", "over" (more than, at least) or "under" (up to, less than)
    context: frozenset[str] = frozenset()  # stems of the words that follow ("three new hotels" -> new, hotel)

    def same_value(self, other: "Quantity") -> bool:
        if self.unit != other.unit and self.unit and other.unit:
            return False
        a, b = self.value, other.value
        if a == b:
            return True
        converted = _in_one_time_unit(self, other)
        if converted is not None:  # "48 hours" / "two days", "18 months" / "a year and a half"
            return abs(converted[0] - converted[1]) <= 1e-9 * max(abs(converted[0]), abs(converted[1]))
        if max(abs(a), abs(b)) == 0:
            return False
        # A bound holds the other figure ("more than 100" / "112", "up to 40" / "35").
        for x, y in ((self, other), (other, self)):
            if x.bound == "over" and y.bound != "over" and x.value < y.value <= x.value * BOUND_SLACK:
                return True
            if x.bound == "under" and y.bound != "under" and x.value / BOUND_SLACK <= y.value < x.value:
                return True
        # Rounded figures ("about 300" / "302", "1,514.77" / "1,515") match within their precision;
        # two figures hedged alike ("at least 40" / "at least 42") are compared as given.
        if (self.approx or other.approx) and self.bound != other.bound:
            slack = max(_approx_slack(q) for q in (self, other) if q.approx)
            return abs(a - b) / max(abs(a), abs(b)) <= slack
        d = min(self.decimals, other.decimals)
        return round(a, d) == round(b, d) and self.decimals != other.decimals

    def comparable(self, other: "Quantity") -> bool:
        """Could one be a changed version of the other (same kind of thing)?

        Like units only: a percentage or a score never stands for a count ("2,300" vs
        "93%"); an amount of money may drop its currency ("$3m" vs "3 million"); two
        counts of named things must count the same thing ("18 months" vs "18 people")."""
        if self.unit != other.unit:
            if {self.unit, other.unit} & {"%", "pp", "score"}:
                return False
            if self.unit and other.unit:
                return False
            bare = other if self.unit else self
            if bare.noun is not None:
                return False
        if self.noun and other.noun:
            # "three new hotels" vs "ten remarkable new hotels": the same thing is counted
            return (_noun_stem(self.noun) == _noun_stem(other.noun) or bool(self.context & other.context)
                    or _in_one_time_unit(self, other) is not None)
        return True


@dataclass(frozen=True)
class DateMention:
    """A date with whatever parts the text gives (year, month, day, weekday)."""

    year: int | None
    month: int | None
    day: int | None
    weekday: str | None
    text: str
    start: int
    end: int
    time: str | None = None  # "17:30" (24-hour clock)
    relative: str | None = None  # "yesterday", "last week", ...
    event: str | None = None  # the name a year belongs to ("london" in "London 2012"): compared only with the same event

    def parts(self) -> dict[str, object]:
        return {k: v for k, v in (("year", self.year), ("month", self.month), ("day", self.day), ("weekday", self.weekday),
                                  ("time", self.time), ("relative", self.relative)) if v is not None}

    def agrees(self, other: "DateMention") -> bool:
        """All parts both mention are equal, and they mention at least one in common."""
        mine, theirs = self.parts(), other.parts()
        shared = set(mine) & set(theirs)
        return bool(shared) and all(_same_part(k, mine[k], theirs[k]) for k in shared)

    def conflicts(self, other: "DateMention") -> bool:
        if self.event != other.event:
            return False  # "Tokyo 2020" (held in 2021) against "in 2021", or against "Euro 2016": no one date
        mine, theirs = self.parts(), other.parts()
        shared = set(mine) & set(theirs)
        return bool(shared) and any(not _same_part(k, mine[k], theirs[k]) for k in shared)

    def normalized(self) -> str:
        p = self.parts()
        bits = []
        if "year" in p:
            bits.append(f"{p['year']:04d}")
        if "month" in p:
            bits.append(f"{p['month']:02d}")
        if "day" in p:
            bits.append(f"{p['day']:02d}")
        out = "-".join(bits) if bits else ""
        if "time" in p:
            out = f"{out} {p['time']}".strip()
        if "weekday" in p:
            out = f"{out} ({p['weekday']})".strip()
        if "relative" in p:
            out = f"{out} {p['relative']}".strip()
        return out


def _same_part(kind: str, x: object, y: object) -> bool:
    """Equal parts; a clock time written without am/pm ("~05:00") matches either half of the day."""
    if kind != "time" or x == y:
        return x == y
    tx, ty = str(x).lstrip("~"), str(y).lstrip("~")
    if tx == ty:
        return True
    hx, mx = int(tx[:2]), tx[3:]
    hy, my = int(ty[:2]), ty[3:]
    if mx != my:
        return False
    return (str(x).startswith("~") and (hx + 12) % 24 == hy) or (str(y).startswith("~") and (hy + 12) % 24 == hx)


_NOUN_ABBREVIATIONS = {"sec": "second", "secs": "second", "min": "minute", "mins": "minute", "hr": "hour", "hrs": "hour",
                       "yr": "year", "yrs": "year", "wk": "week", "wks": "week", "mo": "month", "mos": "month"}


def _noun_stem(w: str) -> str:
    """A counted noun's comparable form: singular, abbreviations spelt out ("14.57 secs" / "14.57 seconds")."""
    w = w.lower().rstrip(".")
    w = _NOUN_ABBREVIATIONS.get(w, w)
    return w[:-1] if w.endswith("s") and len(w) > 3 else w


# Lengths of time that convert exactly, in two families: clock time (in hours) and calendar time
# (in months). Months are never converted to days or weeks (28-31 days): "a month" / "30 days"
# stays a difference for a reader to check.
_CLOCK_HOURS = {"second": 1 / 3600, "minute": 1 / 60, "hour": 1.0, "day": 24.0, "week": 168.0, "fortnight": 336.0}
_CALENDAR_MONTHS = {"month": 1.0, "year": 12.0, "decade": 120.0}
_MEASURES = frozenset("per percent cent km kilometre kilometer metre meter mile feet foot kg kilo pound tonne ton".split())


def is_unit_word(word: str) -> bool:
    """A word that names a unit of time or measure ("minutes", "km", "per cent"), not what is counted."""
    w = _noun_stem(word)
    return w in _CLOCK_HOURS or w in _CALENDAR_MONTHS or w in _MEASURES


def _in_one_time_unit(x: "Quantity", y: "Quantity") -> tuple[float, float] | None:
    """Both figures as one unit of time when both count time of one family and the units differ."""
    if x.unit or y.unit or not x.noun or not y.noun:
        return None
    nx, ny = _noun_stem(x.noun), _noun_stem(y.noun)
    if nx == ny:
        return None
    for table in (_CLOCK_HOURS, _CALENDAR_MONTHS):
        if nx in table and ny in table:
            return x.value * table[nx], y.value * table[ny]
    return None


_UNIT_STOP = {"of", "and", "or", "to", "in", "on", "the", "a", "an", "at", "for", "from", "by", "with", "than", "as",
              "points", "point", "that", "who", "which", "was", "were", "is", "are", "had", "has", "have", "will"}


_CITATION = re.compile(r"\((?:see\s+)?[A-Z][^()]{0,80}?[,\s]\s*(?:(?:19|20)\d{2}[a-z]?|\d{1,4})(?:,\s*p+\.?\s*\d+(?:[-–]\d+)?)?\)")
_DECIMAL_COMMA = re.compile(r"(?<![\d,])(\d+),(\d{1,2})(?=\s?(?:bn|mn|m|k|tn|million|billion|trillion|%|percent|per cent)\b)")


def citation_spans(text: str) -> list[tuple[int, int]]:
    """Spans of academic citations ("(Covach and Bell 28)", "(Kim, 2020)"): their page numbers and
    years are references, not facts of the story."""
    return [m.span() for m in _CITATION.finditer(text)]


def dates(text: str) -> list[DateMention]:
    """Date and time mentions, longest first where they overlap (citations left out)."""
    found: list[DateMention] = []
    citations = citation_spans(text)
    taken = bytearray(len(text) + 1)  # characters already read as part of a date or a citation (linear, not pairwise)
    for ts, te in citations:
        taken[ts:te] = b"\x01" * (te - ts)
    for pat in _DATE_PATTERNS:
        for m in pat.finditer(text):
            s, e = m.span()
            if any(taken[s:e]):
                continue
            g = m.groupdict()
            mon = g.get("mon")
            month = int(g["m"]) if g.get("m") else (_month(mon) if mon else None)
            if mon and mon.lower().startswith("may") and not g.get("d") and not g.get("y"):
                if m.start("mon") == s:
                    continue  # "may" is a modal verb far more often than a month ("in May" is matched with its preposition)
                s = m.start("mon")
            if mon == "March" and not g.get("d") and not g.get("y") and re.search(r"\bmarch(ed|es|ing)?\b\s+(on|to|through|against)", text[s : e + 12], re.I):
                continue
            day = int(g["d"]) if g.get("d") else None
            if day is not None and not 1 <= day <= 31:
                continue
            if month is not None and not 1 <= month <= 12:
                continue
            year = int(g["y"]) if g.get("y") else None
            wd = g.get("wd")
            time_ = _clock(g) if g.get("hh") is not None else None
            if g.get("hh") is not None and time_ is None:
                continue
            rel = RELATIVE_DAYS[g["rel"].lower()] if g.get("rel") else None
            event = None
            ys = m.start("y") if "y" in pat.groupindex and g.get("y") else s  # the name must stand right before the year digits
            named = re.search(r"(?<![.!?]\s)\b([A-Z][a-z]+)\s$", text[max(0, ys - 20): ys])
            if len(pat.groupindex) == 1 and "y" in pat.groupindex and named \
                    and not re.search(r"\b(?:In|Since|By|Until|From|During|Before|After)\s$", text[max(0, ys - 8): ys]):
                event = named.group(1).lower()  # an event's year is part of its name: "Tokyo 2020", "Euro 2016"
            if "y" in pat.groupindex and len(pat.groupindex) == 1 or (g.get("d") and not mon and not g.get("m")):
                s, e = m.span("y")  # a bare year: keep only the year digits as the span
            found.append(DateMention(year, month, day, wd.lower() if wd else None, text[s:e], s, e, time_, rel, event))
            taken[s:e] = b"\x01" * (e - s)
    found = [d for d in found if not _inside((d.start, d.end), citations)]
    found.sort(key=lambda d: d.start)
    return found


def _clock(g: dict) -> str | None:
    """ "5:30 pm" -> "17:30"; a bare hour needs am/pm ("5pm"); "05:30" stays."""
    hh, mm, ap = int(g["hh"]), g.get("mm"), (g.get("ap") or "").lower().replace(".", "")
    if mm is None and not ap:
        return None
    if ap == "pm" and hh < 12:
        hh += 12
    elif ap == "am" and hh == 12:
        hh = 0
    ambiguous = not ap and not g.get("tz") and 1 <= hh <= 12
    return f"{'~' if ambiguous else ''}{hh:02d}:{mm or '00'}"


def _month(name: str) -> int | None:
    n = name.lower().rstrip(".")
    return MONTHS.get(n) or _MON_ABBR.get(n)


def quantities(text: str, date_spans: list[tuple[int, int]] | None = None) -> list[Quantity]:
    """Numbers in ``text`` outside the given date spans, with units and scales applied."""
    spans = date_spans if date_spans is not None else [(d.start, d.end) for d in dates(text)]
    spans = spans + citation_spans(text)
    # "2,7 bn" (a decimal comma) is 2.7 billion; same length, so offsets hold
    text = _DECIMAL_COMMA.sub(lambda m: f"{m.group(1)}.{m.group(2)}", text)
    out: list[Quantity] = []
    for m in _SCORE.finditer(text):
        if _inside(m.span(), spans):
            continue
        out.append(Quantity(int(m.group(1)) * 1000.0 + int(m.group(2)), "score", None, m.group(0), m.start(), m.end()))
    score_spans = [(q.start, q.end) for q in out]
    covered = -1
    for m in _QTY.finditer(text):
        if m.start() < covered:
            continue  # "twenty" of "one hundred twenty" is read already
        num, word = m.group("num"), m.group("word")
        s = m.start("cur") if m.group("cur") else (m.start("num") if num else m.start("word"))
        e = m.end()
        if _inside((m.start("num") if num else m.start("word"), m.end("num") if num else m.end("word")), spans + score_spans):
            continue
        scale, pct, unit_word, cur = m.group("scale"), m.group("pct"), m.group("unit"), m.group("cur")
        if word:
            w = word.lower()
            if w == "pair" or w == "couple":
                if not re.match(r"\s+of\b", text[m.end("word") :]):
                    continue
            parts = re.split(r"[- ]", w)
            if len(parts) == 1 and w.endswith("ty") and _TENS_ORDINAL.match(text, m.end("word")):
                continue  # "thirty eighth", "twenty-first": an ordinal, not an amount
            value = float(sum(_WORD_NUMS[x] for x in parts)) if len(parts) == 2 else float(_WORD_NUMS[w])
            decimals = 0
            hundred = re.match(r"\s+hundred(?:\s+(?:and\s+)?(" + _TENS + r"|" + "|".join(k for k in _WORD_NUMS if len(k) > 2) + r"))?\b",
                               text[m.end("word"):], re.I) if w not in ("hundred", "dozen") else None
            if hundred:
                rest = (hundred.group(1) or "").lower()
                value = value * 100 + (sum(_WORD_NUMS[x] for x in re.split(r"[- ]", rest)) if rest else 0)
                covered = m.end("word") + hundred.end()
                out.append(Quantity(value, None, None, text[s:covered], s, covered, decimals=0,
                                    context=_following(text, covered)))
                continue
        else:
            if scale and len(scale) == 1 and scale.lower() in "mkb" and not cur and not _MONEY_AFTER.match(text, m.end()):
                scale = None  # "5 m" is metres, "5 k" unclear: only with a currency ("$48m", "155.7m ringgit")
            value = float(num.replace(",", ""))
            decimals = len(num.split(".")[1]) if "." in num else 0
        if scale:
            value *= _SCALES[scale.lower()]
        unit = _CUR_SYM.get(cur.lower()) if cur else None
        noun = None
        if pct:
            unit = "pp" if "point" in pct.lower() else "%"
            e = m.end("pct")
        elif unit_word:
            lw = unit_word.lower()
            if lw in _CUR_WORD and not unit:
                unit = _CUR_WORD[lw]
            else:
                if lw not in _UNIT_STOP:
                    noun = lw  # context ("18 months"), compared but not part of the value
                e = m.end("scale") if scale else (m.end("num") if num else m.end("word"))
        if word and w in ("pair", "couple"):
            e = m.end("word")
        if num and (_LEGAL.search(text, max(0, m.start("num") - 14), min(len(text), m.end("num") + 14))
                    or re.match(r"\s*(?:\*\*)?\d+\.\s", text[max(0, m.start("num") - 3): m.end("num") + 2]) and not text[: m.start("num")].strip(" *-•")):
            continue  # a case citation ("473 U.S. 531, 537-40") or a list number ("8. Go live")
        if num and re.search(r"[A-Za-z]-$", text[max(0, m.start("num") - 2): m.start("num")]):
            continue  # part of a name: "Under-20", "G-20", "COVID-19"
        if num and re.match(r"(st|nd|rd|th)\b", text[m.end("num"):]):
            continue  # ordinals ("2nd quarter") are not amounts
        first = re.search(r"(?<![\d.,])(\d{2,4})[-–]$", text[max(0, m.start("num") - 8): m.start("num")]) if num else None
        if first and "." not in num and "," not in num and len(num) <= 2 and len(num) < len(first.group(1)):
            head = first.group(1)[: len(first.group(1)) - len(num)]
            value = float(int(head + num))  # an abbreviated range end: "1346–53" is 1353, "pp. 170-71" is 171
        if num and re.match(r"[-–]\d[-–]\d|/\d", text[m.end("num"): m.end("num") + 4]):
            continue  # "9-1-1", "1-1/2": a number written in parts
        if num and re.search(r"\d[-–]$", text[max(0, m.start("num") - 2): m.start("num")]) and re.match(r"[-–]\d", text[m.end("num"):]):
            continue
        # Years written as bare numbers are dates, not quantities; so are decades ("the 1750s", "60s").
        if not unit and not scale and num and re.fullmatch(r"1\d{3}|20\d{2}", num) and (noun is None or noun in ("ad", "bc", "bce", "ce")):
            continue
        if num and re.match(r"'?s\b", text[m.end("num"):]) and num.endswith("0"):
            continue
        qualifier = _APPROX.search(text[: m.start()])
        bound = _BOUND.get(re.sub(r"\s+", " ", qualifier.group(1).lower()), "about") if qualifier else None
        out.append(Quantity(value, unit, noun, text[s:e].strip(), s, e, approx=bool(qualifier), decimals=decimals,
                            context=_following(text, e), bound=bound))
    out.sort(key=lambda q: q.start)
    return out


_LEGAL = re.compile(r"\b(?:U\.\s?S\.|S\.\s?Ct\.|L\.\s?Ed\.|F\.\s?(?:2d|3d|4th|Supp\.)|N\.\s?[EW]\.\s?\dd|S\.\s?[EW]\.\s?\dd|"
                    r"SE\dd|So\.\s?\dd|P\.\s?\dd|A\.\s?\dd|Ill\.|App\.|Cal\.|U\.S\.C\.|§|Dec\.\s\d)")
_MONEY_AFTER = re.compile(r"\s+(?:[A-Z][a-z]+\s+)?(?:ringgit|dollars?|pounds?|euros?|yen|yuan|rupees?|francs?|won|rand|pesos?|"
                          r"people|users|viewers|customers|shares|barrels|tonnes|votes|subscribers|passengers)\b", re.I)
_FOLLOW = re.compile(r"[^\W\d_][\w'’-]*|[,.;:()]")


def _following(text: str, pos: int, n: int = 3) -> frozenset[str]:
    """Stems of up to ``n`` content words after a figure, within its clause."""
    out = []
    for m in _FOLLOW.finditer(text, pos, min(len(text), pos + 60)):
        w = m.group(0).lower()
        if not w[0].isalpha():
            break
        if w not in _UNIT_STOP:
            out.append(_noun_stem(w))
        if len(out) >= n:
            break
    return frozenset(out)


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    s, e = span
    return any(s >= ts and e <= te for ts, te in spans)
