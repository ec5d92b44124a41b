"""Rules that recognise web-page boilerplate in plain-text lines.

Content farms copy articles together with the page furniture around them: comment
forms, theme adverts, newsletter boxes, share bars and WordPress shortcodes. Left in,
these lines become "added" sentences and pollute alignment and drift. Each rule has a
name that is reported with every line it removes, so users can see what was dropped
and why. The rules are deliberately specific (phrases, shapes), because dropping a
real article sentence is worse than keeping a line of furniture.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from unspun.records import Removed

SHORTCODE = re.compile(r"\[/?[a-z][a-z0-9_-]*(?:\s+[a-z0-9_-]+\s*=\s*(?:\"[^\"\]]*\"|'[^'\]]*'|[^\s\]]+))*\s*/?\]", re.I)

_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "comment-form",
        re.compile(
            r"your email address will not be published|required fields are marked|^leave a (reply|comment)\b"
            r"|save my name,? email|^post comment$|^cancel reply$|must be logged in to post a comment"
            r"|notify me of (follow-up comments|new posts)|^(\d+\s+)?comments?:?$|^add comment$",
            re.I,
        ),
    ),
    (
        "theme-advert",
        re.compile(r"wordpress theme|powered by wordpress|proudly powered by|\btheme by\b|next generation (wordpress|theme)", re.I),
    ),
    (
        "newsletter",
        re.compile(
            r"(subscribe|sign up|signup)\b.{0,40}\b(newsletter|our|updates|inbox)|promote your newsletter"
            r"|subscription (box|slide-in|form)|slide-in box|get the latest news delivered"
            r"|enter your email|join our mailing list",
            re.I,
        ),
    ),
    (
        "navigation",
        re.compile(
            r"^(related (posts|articles|stories)|read more|continue reading|previous (article|post)|next (article|post)"
            r"|you may also like|recommended for you|more from|trending now|popular posts)\b.{0,40}$"
            r"|^(tags|filed under|categories|category)\s*:",
            re.I,
        ),
    ),
    ("cookie-notice", re.compile(r"we use cookies|cookie (policy|settings)|accept (all )?cookies", re.I)),
    ("copyright", re.compile(r"^(copyright\s*)?©|all rights reserved\.?$|^copyright \d{4}", re.I)),
    ("advertisement", re.compile(r"^(advertisement|sponsored( content)?|ad|ads by \w+|scroll to continue.*)$", re.I)),
)

_SHARE_WORDS = {
    "share", "shares", "tweet", "facebook", "twitter", "x", "whatsapp", "email", "e-mail", "pinterest",
    "linkedin", "reddit", "telegram", "print", "copy", "link", "this", "on", "via", "messenger", "pocket",
    "tumblr", "flipboard", "sms", "mail", "save", "comment", "comments", "|", "·", "-",
}


@dataclass(frozen=True)
class BoilerplateOptions:
    """Which rules run. ``sweep_furniture`` also drops short unpunctuated lines next to boilerplate."""

    enabled: bool = True
    sweep_furniture: bool = True
    furniture_max_words: int = 6


def classify_line(line: str) -> str | None:
    """The name of the rule that marks ``line`` as boilerplate, or None for content."""
    s = line.strip()
    if not s:
        return None
    if not SHORTCODE.sub("", s).strip():
        return "shortcode"
    for name, pattern in _RULES:
        if pattern.search(s):
            if name in ("newsletter", "theme-advert", "cookie-notice") and len(s.split()) > 45:
                continue  # a long line is more likely an article sentence quoting the phrase
            return name
    words = re.findall(r"[\w|·-]+", s.lower())
    if 0 < len(words) <= 12 and sum(w in _SHARE_WORDS for w in words) >= max(2, 0.7 * len(words)):
        return "share-bar"
    return None


MEDIA_PLACEHOLDER = re.compile(r"\bMedia playback is (?:not supported|unsupported) on (?:this|your) device\b[.:]?", re.I)
"""A video player's fallback text, which news pages (the BBC's among them) leave inline in the
article text, often run into the next sentence ("...on this device Walkden became...")."""


def strip_shortcodes(line: str) -> tuple[str, list[Removed]]:
    """Remove inline shortcodes (``[caption id="1"]``) and media-player placeholders from a content line."""
    found = [Removed(m.group(0), "shortcode") for m in SHORTCODE.finditer(line) if _looks_like_shortcode(m.group(0))]
    found += [Removed(m.group(0), "media-placeholder") for m in MEDIA_PLACEHOLDER.finditer(line)]
    if not found:
        return line, []
    out = SHORTCODE.sub(lambda m: "" if _looks_like_shortcode(m.group(0)) else m.group(0), line)
    out = MEDIA_PLACEHOLDER.sub(" ", out)
    return re.sub(r"[ \t]{2,}", " ", out).strip(), found


def _looks_like_shortcode(tok: str) -> bool:
    # "[1]" or "[sic]" or "[Reuters]" are not shortcodes; "[mc4wp_form id=1]" and "[/caption]" are.
    inner = tok[1:-1].strip()
    return "=" in inner or inner.startswith("/") or "_" in inner or inner.endswith("/")


def remove_boilerplate(lines: list[str], options: BoilerplateOptions | None = None) -> tuple[list[str | None], list[Removed]]:
    """Mark boilerplate lines; returns the lines (None where removed) and what was removed.

    Blank lines are kept as they are (they carry paragraph structure).
    """
    opts = options or BoilerplateOptions()
    if not opts.enabled:
        return list(lines), []
    out: list[str | None] = []
    reasons: list[str | None] = []
    removed_inline: dict[int, list[Removed]] = {}
    for i, line in enumerate(lines):
        reason = classify_line(line)
        reasons.append(reason)
        if reason is None and line.strip():
            cleaned, found = strip_shortcodes(line)
            if found:
                removed_inline[i] = found
                line = cleaned
        out.append(None if reason else line)
    if opts.sweep_furniture:
        _sweep(out, reasons, lines, opts.furniture_max_words)
    removed: list[Removed] = []
    for i, line in enumerate(lines):
        removed.extend(removed_inline.get(i, []))
        if reasons[i]:
            removed.append(Removed(line.strip(), reasons[i]))  # type: ignore[arg-type]
    return out, removed


def _sweep(out: list[str | None], reasons: list[str | None], lines: list[str], max_words: int) -> None:
    """Short unpunctuated lines touching a boilerplate line ("Zeen Subscribe") are furniture too."""
    changed = True
    while changed:
        changed = False
        for i, line in enumerate(lines):
            if reasons[i] or not line.strip():
                continue
            s = line.strip()
            if len(s.split()) > max_words or s[-1] in ".!?\"'”’:;)":
                continue
            if _near_boilerplate(reasons, lines, i):
                reasons[i] = "page-furniture"
                out[i] = None
                changed = True


def _near_boilerplate(reasons: list[str | None], lines: list[str], i: int) -> bool:
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(lines) and not lines[j].strip():
            j += step
        if 0 <= j < len(lines) and reasons[j]:
            return True
    return False
