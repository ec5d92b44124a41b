"""Stage 1, read: sources (files, stdin, in-memory strings) to :class:`RawDocument`.

Each document gets a stable id: the path as given, ``-`` for stdin, or the id the
caller supplies. Formats are chosen by extension and, for stdin or unknown
extensions, by sniffing for HTML markup.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import BinaryIO

from unspun.errors import InputError, OptionsError
from unspun.read.decode import decode_bytes
from unspun.records import RawDocument

__all__ = ["DEFAULT_MAX_BYTES", "max_bytes_default", "read_path", "read_stream", "read_text", "size_text", "sniff_format"]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
_HTML_EXT = {".html", ".htm", ".xhtml"}
_MD_EXT = {".md", ".markdown"}
_HTML_SNIFF = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)


def max_bytes_default() -> int:
    """The size limit: ``UNSPUN_MAX_BYTES`` if set, else 50 MB."""
    raw = os.environ.get("UNSPUN_MAX_BYTES")
    if not raw:
        return DEFAULT_MAX_BYTES
    try:
        value = int(raw)
    except ValueError:
        raise OptionsError(f"UNSPUN_MAX_BYTES must be a whole number of bytes, got {raw!r}") from None
    if value <= 0:
        raise OptionsError("UNSPUN_MAX_BYTES must be positive")
    return value


def sniff_format(text: str, name: str = "") -> str:
    """``html``, ``markdown`` or ``text``, from the extension first, then the content."""
    ext = Path(name).suffix.lower() if name and name != "-" else ""
    if ext in _HTML_EXT:
        return "html"
    if ext in _MD_EXT:
        return "markdown"
    if _HTML_SNIFF.match(text[:4096]):
        return "html"
    return "text"


def read_path(path: str | os.PathLike[str], *, max_bytes: int | None = None, doc_id: str | None = None) -> RawDocument:
    """Read one file (or ``-`` for stdin) and decode it."""
    name = os.fspath(path)
    limit = max_bytes if max_bytes is not None else max_bytes_default()
    if name == "-":
        return read_stream(sys.stdin.buffer, name="-", max_bytes=limit, doc_id=doc_id)
    p = Path(name)
    if not p.exists():
        raise InputError(name, "no such file")
    if p.is_dir():
        raise InputError(name, "is a directory, expected a file")
    if not p.is_file():
        raise InputError(name, "not a regular file")
    try:
        size = p.stat().st_size
        if size > limit:
            raise InputError(name, f"file is too large ({size_text(size)}; the limit is {size_text(limit)}, set --max-bytes to raise it)")
        data = p.read_bytes()
    except PermissionError:
        raise InputError(name, "permission denied") from None
    except OSError as exc:
        raise InputError(name, f"cannot be read ({exc.strerror or exc})") from None
    return _raw(data, name, doc_id)


def read_stream(stream: BinaryIO, *, name: str = "-", max_bytes: int | None = None, doc_id: str | None = None) -> RawDocument:
    """Read a binary stream (stdin) with the same checks as a file."""
    limit = max_bytes if max_bytes is not None else max_bytes_default()
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(name, f"input is too large (more than {size_text(limit)}; set --max-bytes to raise it)")
    return _raw(data, name, doc_id)


def read_text(text: str | bytes, *, doc_id: str, format: str | None = None, max_bytes: int | None = None) -> RawDocument:
    """Wrap in-memory text (library calls, JSONL records) with the same checks as a file."""
    limit = max_bytes if max_bytes is not None else max_bytes_default()
    if isinstance(text, str):
        data = text.encode("utf-8", errors="surrogatepass")
    elif isinstance(text, bytes):
        data = text
    else:
        raise InputError(doc_id, f"expected text, got {type(text).__name__}")
    if len(data) > limit:
        raise InputError(doc_id, f"text is too large ({size_text(len(data))}; the limit is {size_text(limit)})")
    raw = _raw(data, doc_id, doc_id)
    if format is None:
        return raw
    return RawDocument(raw.id, raw.text, format, raw.encoding, raw.meta)  # type: ignore[arg-type]


def _raw(data: bytes, name: str, doc_id: str | None) -> RawDocument:
    text, encoding = decode_bytes(data, name)
    fmt = sniff_format(text, name)
    return RawDocument(id=doc_id or name, text=text, format=fmt, encoding=encoding, meta={"path": name})  # type: ignore[arg-type]


def size_text(n: int) -> str:
    """A size for a message: "1.4 MB", or "1717 bytes" below a megabyte."""
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n} bytes"
