"""Markdown to plain lines: headings, emphasis, links and images reduced to their text."""

from __future__ import annotations

import re

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPH = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_QUOTE = re.compile(r"^\s*>\s?")
_FENCE = re.compile(r"^\s*(```|~~~)")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")


def markdown_lines(text: str) -> tuple[list[str], str | None]:
    """Plain lines and the first top-level heading as title (removed from the lines)."""
    out: list[str] = []
    title: str | None = None
    in_code = False
    for line in text.split("\n"):
        if _FENCE.match(line):
            in_code = not in_code
            out.append("")
            continue
        if in_code or _RULE.match(line):
            out.append("")
            continue
        m = _HEADING.match(line)
        if m:
            heading = _inline(m.group(2))
            if title is None and len(m.group(1)) == 1 and not any(s.strip() for s in out):
                title = heading
                continue
            out.extend(["", heading, ""])
            continue
        line = _QUOTE.sub("", line)
        line = _LIST.sub("", line)
        out.append(_inline(line))
    return out, title


def _inline(s: str) -> str:
    s = _IMAGE.sub("", s)
    s = _LINK.sub(r"\1", s)
    prev = None
    while prev != s:
        prev, s = s, _EMPH.sub(r"\2", s)
    return s.strip()
