"""Turn bytes of unknown encoding into text, or say clearly why not.

News files in the wild are not all UTF-8: legacy Windows (cp1252) and Latin-1 files
are common, and are read rather than rejected. Binary content (images, archives,
PDFs) is rejected early: it would otherwise produce garbage sentences.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from unspun.errors import InputError

# Share of control characters (other than whitespace) above which text is binary.
_MAX_CONTROL_SHARE = 0.05
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


_UNSTORABLE = re.compile("[\ud800-\udfff\x00]")


def storable(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD and NULs removed: what JSON can carry
    (``"\\ud800"``) but UTF-8, DuckDB and Parquet cannot store."""
    if not _UNSTORABLE.search(text):
        return text
    return _UNSTORABLE.sub(lambda m: "" if m.group(0) == "\x00" else "\ufffd", text)


def decode_bytes(data: bytes, source: str) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise :class:`InputError` for empty or binary data."""
    if not data.strip():
        raise InputError(source, "file is empty")
    text, encoding = _decode(data, source)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(source, "file is empty (whitespace only)")
    _reject_binary_text(text, source)
    return text, encoding


def _decode(data: bytes, source: str) -> tuple[str, str]:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc.replace("-sig", "")
            except UnicodeDecodeError:
                raise InputError(source, f"starts with a {enc} byte-order mark but is not valid {enc}") from None
    if b"\x00" in data:
        raise InputError(source, "binary content (NUL bytes), not a text or HTML document")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guess = _guess_encoding(data)
    if guess:
        return data.decode(guess, errors="replace"), guess
    # cp1252 decodes every byte except five; latin-1 decodes everything.
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _guess_encoding(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - core dependency
        return None
    best = from_bytes(data[:200_000]).best()
    if best is None:
        return None
    enc = best.encoding
    # charset-normalizer sometimes names a close sibling of cp1252 for Western text;
    # cp1252 is what such files almost always are.
    if enc in {"cp1250", "cp1254", "cp1257", "latin_1", "iso8859_15"} and _decodes(data, "cp1252"):
        return "cp1252"
    return enc


def _decodes(data: bytes, enc: str) -> bool:
    try:
        data.decode(enc)
    except UnicodeDecodeError:
        return False
    return True


def _reject_binary_text(text: str, source: str) -> None:
    sample = text[:100_000]
    control = sum(
        1 for ch in sample if ch not in "\n\t\f\v" and unicodedata.category(ch) in ("Cc", "Cs", "Co")
    )
    if control > _MAX_CONTROL_SHARE * len(sample):
        raise InputError(source, "binary content (mostly control characters), not a text or HTML document")
