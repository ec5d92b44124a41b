"""``unspun serve``: a read-only browser over a store (the ``web`` extra: FastAPI + uvicorn).

A thin shell: the pages are :mod:`unspun.report.views` laid out by the templates of
:mod:`unspun.report.html` (the same ones as ``compare --html`` and ``story --html``), over the
local engine's reads (:class:`unspun.corpus.Corpus`). Every page has a JSON twin under
``/api/`` (listed at ``/api/docs``, described by ``/api/openapi.json``).

Security: article text, titles and URLs are hostile. Templates autoescape everything; pages
carry a strict Content-Security-Policy (no script at all, styles from this server only); only
http(s) URLs become links; the store is opened read-only; ids from the request are only ever
database keys, never paths; the ``Host`` header must name this machine (no DNS rebinding).
"""

from __future__ import annotations

import contextlib
import math
import threading
from pathlib import Path
from typing import Any, Iterator, Literal
from urllib.parse import urlencode

from unspun.errors import InputError, MissingExtra, StoreBusy

try:
    from fastapi import Depends, FastAPI, Query, Request
    from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
    from starlette.exceptions import HTTPException
    from starlette.middleware.trustedhost import TrustedHostMiddleware
except ImportError:  # pragma: no cover - exercised without the extra
    raise MissingExtra("the web app (`unspun serve`)", "web") from None

from unspun.report import views
from unspun.report.html import WebLinks, render_html, render_page, render_story_html, stylesheet
from unspun.report.json import comparison_to_dict, document_to_dict

# The policy of every response: nothing runs, nothing is fetched from elsewhere.
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]", "::1"]
MAX_QUERY = 200  # characters of a search or outlet filter
RETRY_AFTER = 5  # seconds a client is told to wait while an ingest holds the store
DATE = r"^(\d{4}-\d{2}-\d{2})?$"
Sort = Literal["members", "newest", "oldest", "severity", "title"]


class Site:
    """What the pages read, over one read-only corpus.

    The store is held only while a request is answered (DuckDB allows one writing process or
    many readers, not both): between requests ``unspun ingest`` can take it, and while it does,
    pages answer 503 "busy, retry" (:class:`~unspun.errors.StoreBusy`). When the file has
    changed since the last request, the corpus and the story list are read again. DuckDB
    connections are not shared between threads, so every read holds one lock; story rows are
    refreshed as stories get their findings computed."""

    def __init__(self, db: str | Path) -> None:
        self.db = Path(db)
        self.lock = threading.Lock()
        self.corpus: Any = None
        self.version: tuple[int, int] | None = None
        self.notes: list[str] = []
        self.rows: dict[str, views.StoryRow] = {}
        self.sources: list[str] = []
        with self.reading():
            pass

    @contextlib.contextmanager
    def reading(self) -> Iterator[Any]:
        """The corpus, open for one request (under the lock), released afterwards."""
        from unspun.corpus import Corpus

        with self.lock:
            try:
                stat = self.db.stat()
            except OSError:
                raise InputError(str(self.db), "no such store (run `unspun ingest` first, or pass --db)") from None
            version = (stat.st_mtime_ns, stat.st_size)
            if self.corpus is not None and version != self.version:
                self.corpus.close()
                self.corpus = None
            if self.corpus is None:
                corpus = Corpus(self.db, read_only=True, create=False)
                try:
                    self.notes = corpus.notes()
                    self.rows = {s["id"]: views.story_row(s) for s in corpus.story_summaries()}
                except BaseException:
                    corpus.close()
                    raise
                self.sources = sorted({s for r in self.rows.values() for s in r.sources})
                self.corpus, self.version = corpus, version
            else:
                self.corpus.store.reopen()
            try:
                yield self.corpus
            finally:
                self.corpus.store.release()

    def stories(self, query: views.StoryQuery) -> tuple[list[views.StoryRow], int]:
        with self.reading():
            rows = list(self.rows.values())
        return views.select_stories(rows, query)

    def story(self, story_id: str) -> dict[str, Any]:
        """The story contract with findings along the tree (computed once, then kept)."""
        with self.reading() as corpus:
            item = corpus.story(story_id, findings=True)
            if "merged_into" not in item:
                self.rows[item["id"]] = views.story_row_of(item)
        return item

    def pair(self, a: str, b: str) -> tuple[Any, str | None]:
        """The comparison of stored documents ``a`` (A) and ``b`` (B), and the direction of the
        story edge between them (:meth:`unspun.corpus.Corpus.edge_direction`)."""
        if a == b:
            raise InputError(a, "is the same document on both sides")
        with self.reading() as corpus:
            return corpus.compare_stored(a, b), corpus.edge_direction(a, b)

    def document(self, doc_id: str) -> tuple[Any, dict[str, Any], list[str]]:
        with self.reading() as corpus:
            return corpus.document_with_stories(doc_id)

    def close(self) -> None:
        if self.corpus is not None:
            self.corpus.close()


def story_query(q: str = Query("", max_length=MAX_QUERY), source: str = Query("", max_length=MAX_QUERY),
                severity: Literal["", "high", "medium"] = "", contradiction: bool = False,
                since: str = Query("", pattern=DATE), until: str = Query("", pattern=DATE),
                sort: Sort = "members", page: int = Query(1, ge=1, le=1_000_000)) -> views.StoryQuery:
    """The story list's query string, validated (one definition for the page and its JSON twin)."""
    return views.StoryQuery(q=q, source=source, severity=severity, contradiction=contradiction, since=since,
                            until=until, sort=sort, page=page)


def _page_url(query: views.StoryQuery, page: int) -> str:
    params = {k: v for k, v in query.__dict__.items() if v not in ("", False, None) and k != "page"}
    if params.get("contradiction"):
        params["contradiction"] = "1"
    params["page"] = page
    return "/stories?" + urlencode(params)


def create_app(db: str | Path, *, allowed_hosts: list[str] | None = None) -> FastAPI:
    """The ASGI app over the store ``db`` (opened read-only; an InputError when it is missing or
    not a store). ``allowed_hosts``: extra names the ``Host`` header may carry (when serving on
    another interface)."""
    site = Site(db)
    links = WebLinks()
    app = FastAPI(title="unspun", summary="Rewrites of news stories and what each version changed (read-only).",
                  docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")
    app.state.site = site
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=LOCAL_HOSTS + list(allowed_hosts or []))

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # noqa: ANN001, ANN202
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    def error(request: Request, message: str, status: int, title: str) -> Response:
        """An error as JSON under /api/, else as a page (the message is escaped like any text)."""
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message}, status_code=status)
        return HTMLResponse(render_page("error.html", standalone=False, links=links, title=f"unspun: {title}",
                                        message=message), status_code=status)

    @app.exception_handler(InputError)
    async def not_found(request: Request, exc: InputError) -> Response:
        if isinstance(exc, StoreBusy):
            response = error(request, f"{exc.problem} (this page reloads fine then)", 503, "busy, retry")
            response.headers["Retry-After"] = str(RETRY_AFTER)
            return response
        return error(request, str(exc), 404, "not found")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return error(request, str(exc.detail), exc.status_code, "error")

    def html(template: str, **context: Any) -> HTMLResponse:
        return HTMLResponse(render_page(template, standalone=False, links=links, **context))

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/stories")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/static/unspun.css", include_in_schema=False)
    def css() -> Response:
        return Response(stylesheet(), media_type="text/css", headers={"Cache-Control": "max-age=3600"})

    def story_list(query: views.StoryQuery) -> tuple[list[views.StoryRow], int, int]:
        rows, total = site.stories(query)
        return rows, total, max(1, math.ceil(total / views.PAGE_SIZE))

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(query: views.StoryQuery = Depends(story_query)) -> HTMLResponse:
        rows, total, pages = story_list(query)
        page = query.page
        return html("stories.html", title="unspun: stories", rows=rows, total=total, count=len(site.rows),
                    query=query, pages=pages, sources=site.sources, sorts=list(views.SORTS), notes=site.notes,
                    prev_url=_page_url(query, page - 1) if page > 1 else None,
                    next_url=_page_url(query, page + 1) if page < pages else None,
                    api_url="/api" + _page_url(query, page))

    @app.get("/api/stories", summary="Stories: search, filter, sort, page",
             description="Case-insensitive substring search on title, outlet and id; worst finding among "
                         "findings already computed (findings_computed says which).")
    def stories_api(query: views.StoryQuery = Depends(story_query)) -> dict[str, Any]:
        rows, total, pages = story_list(query)
        return {"stories": [views.story_row_to_dict(r) for r in rows], "total": total, "page": query.page,
                "pages": pages, "page_size": views.PAGE_SIZE, "count": len(site.rows), "notes": site.notes}

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: str) -> Response:
        item = site.story(story_id)
        if "merged_into" in item:
            return RedirectResponse(links.story(item["merged_into"]))
        return HTMLResponse(render_story_html(item, links=links, standalone=False, api_url="/api" + links.story(story_id)))

    @app.get("/api/stories/{story_id}", summary="One story: provenance tree, findings along it, changes along the way",
             description="The `unspun story --json` contract, plus `changes`: each changed fact and the first "
                         "version that carries it. A merged id answers {id, merged_into}.")
    def story_api(story_id: str) -> dict[str, Any]:
        item = site.story(story_id)
        if "merged_into" in item:
            return item
        return {**item, "changes": [ch.__dict__ for ch in views.changes_along_the_way(item)]}

    @app.get("/pair", response_class=HTMLResponse, include_in_schema=False)
    def pair_page(a: str = Query(..., max_length=1000), b: str = Query(..., max_length=1000)) -> HTMLResponse:
        c, direction = site.pair(a, b)
        return HTMLResponse(render_html(c, links=links, standalone=False, direction=direction,
                                        api_url=f"/api/pair?{urlencode({'a': a, 'b': b})}"))

    @app.get("/api/pair", summary="Compare two stored documents (A = a, B = b)",
             description="The `unspun compare --json` contract plus `top_changes` (at most 5, most serious first).")
    def pair_api(a: str = Query(..., max_length=1000), b: str = Query(..., max_length=1000)) -> dict[str, Any]:
        c, direction = site.pair(a, b)
        return {**comparison_to_dict(c), **views.pair_view_to_dict(views.pair_view(c, direction=direction))}

    @app.get("/documents/{doc_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(doc_id: str) -> HTMLResponse:
        doc, meta, stories = site.document(doc_id)
        return html("document.html", title=f"unspun: {doc.title or doc.id}", doc=doc, meta=meta, stories=stories,
                    api_url=links.document(doc_id).replace("/documents/", "/api/documents/", 1))

    @app.get("/api/documents/{doc_id:path}", summary="One stored document: text, sentences, metadata, stories")
    def document_api(doc_id: str) -> dict[str, Any]:
        doc, meta, stories = site.document(doc_id)
        out = document_to_dict(doc)
        out["meta"] = {**out["meta"], **{k: v for k, v in meta.items() if k in ("source", "url", "published", "copy_of")
                                         and v is not None}}
        return {**out, "stories": stories}

    @app.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return html("api_docs.html", title="unspun: API", spec=app.openapi())

    return app
