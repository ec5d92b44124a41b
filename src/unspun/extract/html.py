"""HTML to main text and metadata with trafilatura."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from unspun.errors import InputError


def html_to_text(html: str, *, url: str | None = None, source: str = "") -> tuple[str, dict[str, Any]]:
    """Main article text (one block per line) and metadata: title, published, site, url."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False, favor_precision=False
        )
    except Exception as exc:  # trafilatura/lxml raise many types on broken markup
        raise InputError(source or "html", f"HTML could not be parsed ({type(exc).__name__})") from None
    if doc is None or not (doc.text or "").strip():
        raise InputError(source or "html", "no article text found in the HTML")
    page_url = doc.url or url
    site = doc.sitename or (urlparse(page_url).hostname if page_url else None)
    meta = {"title": doc.title, "published": doc.date, "site": site, "url": page_url, "author": doc.author}
    return doc.text, meta
