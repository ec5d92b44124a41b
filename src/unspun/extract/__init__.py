"""Stage 2, extract: raw documents to clean article text, title and metadata.

HTML goes through trafilatura (main text + metadata). Text and Markdown are cleaned
line by line with the boilerplate rules in :mod:`unspun.extract.boilerplate`; every
removed line is reported with its reason. The result's ``text`` is what later
stages index into: paragraphs are separated by a blank line, lines inside a
paragraph by a single newline (the segmenter decides whether that newline ends a
sentence).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from unspun.errors import InputError
from unspun.extract.boilerplate import BoilerplateOptions, remove_boilerplate
from unspun.records import RawDocument, Removed

__all__ = ["ExtractOptions", "Extracted", "extract", "normalize_text"]

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


@dataclass(frozen=True)
class ExtractOptions:
    """Options of the extract stage."""

    boilerplate: BoilerplateOptions = field(default_factory=BoilerplateOptions)
    detect_title: bool = True
    title_max_words: int = 30


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str | None
    removed: tuple[Removed, ...]
    meta: dict[str, Any]


def _fixer():  # noqa: ANN202
    """ftfy, told to repair mojibake only: quotes, ligatures, widths and HTML entities stay as written."""
    from ftfy import TextFixerConfig

    return TextFixerConfig(unescape_html=False, fix_latin_ligatures=False, fix_character_width=False, uncurl_quotes=False,
                           fix_line_breaks=False, remove_control_chars=False, normalization="NFC", explain=False)


def normalize_text(text: str) -> str:
    """Mojibake repaired ("Â£2.7bn" -> "£2.7bn", "NiÃ±o" -> "Niño"), NFC, no invisible characters,
    one space between words, no trailing spaces. Repair comes first: every later stage reads
    names and figures, and a mis-decoded "£" or "ñ" would be read as a different word."""
    import ftfy

    text = ftfy.fix_text(text, _fixer())
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines)


def extract(raw: RawDocument, options: ExtractOptions | None = None) -> Extracted:
    """Main text of ``raw``; raises :class:`InputError` when nothing article-like remains."""
    opts = options or ExtractOptions()
    meta: dict[str, Any] = dict(raw.meta)
    meta["format"] = raw.format
    meta["encoding"] = raw.encoding
    title: str | None = None
    if raw.format == "html":
        from unspun.extract.html import html_to_text

        body, html_meta = html_to_text(raw.text, url=raw.meta.get("url"), source=str(raw.meta.get("path") or raw.id))
        title = html_meta.pop("title", None)
        meta.update({k: v for k, v in html_meta.items() if v})
        lines = normalize_text(body).split("\n")
        lines = _blank_between(lines)  # trafilatura puts one block per line
    elif raw.format == "markdown":
        from unspun.extract.markdown import markdown_lines

        lines, title = markdown_lines(normalize_text(raw.text))
    else:
        lines = normalize_text(raw.text).split("\n")
    kept, removed = remove_boilerplate(lines, opts.boilerplate)
    if opts.detect_title and title is None and raw.format != "html":
        title = _take_title(kept, opts.title_max_words)
    elif title:
        _drop_leading_title(kept, title)
    text = _join(kept)
    if not text.strip():
        what = "only boilerplate" if removed else "no article text"
        raise InputError(str(raw.meta.get("path") or raw.id), f"{what} found after extraction")
    return Extracted(text=text, title=title, removed=tuple(removed), meta=meta)


def _blank_between(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if line.strip():
            if out:
                out.append("")
            out.append(line)
    return out


def _take_title(kept: list[str | None], max_words: int) -> str | None:
    """A first line that reads like a headline (short, no final period, more text follows)."""
    idx = [i for i, line in enumerate(kept) if line and line.strip()]
    if len(idx) < 2:
        return None
    first = kept[idx[0]].strip()  # type: ignore[union-attr]
    words = first.split()
    if not (2 <= len(words) <= max_words) or first[-1] in ".,;:\"”’'" or first.endswith(("…", "...")):
        return None
    following = kept[idx[0] + 1] if idx[0] + 1 < len(kept) else None
    # A headline stands alone: followed by a blank line, or by a line that is clearly prose.
    if following is not None and following.strip() and len(following.split()) < 12:
        return None
    kept[idx[0]] = None
    return first


def _drop_leading_title(kept: list[str | None], title: str) -> None:
    norm = _loose(title)
    for i, line in enumerate(kept):
        if line and line.strip():
            if _loose(line) == norm:
                kept[i] = None
            return


def _loose(s: str) -> str:
    return re.sub(r"\W+", " ", s.lower()).strip()


def _join(kept: list[str | None]) -> str:
    """Rebuild text: removed lines vanish, runs of blank lines become one paragraph break."""
    paras: list[list[str]] = [[]]
    for line in kept:
        if line is None:
            continue
        if not line.strip():
            if paras[-1]:
                paras.append([])
            continue
        paras[-1].append(line.strip())
    return "\n\n".join("\n".join(p) for p in paras if p)
