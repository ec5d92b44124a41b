"""HTML pages from one set of Jinja2 templates: the self-contained reports (``compare --html``,
``story --html``) and the web app's pages (``unspun serve``).

Every piece of article text, title and URL is hostile: templates autoescape everything, only
http(s) URLs become links (with ``rel="noopener noreferrer"``), and pages carry a strict
Content-Security-Policy. A *standalone* page inlines its stylesheet (allowed by its sha256 hash,
no ``unsafe-inline``) and its SVG, and fetches nothing, so it can be mailed to a colleague,
archived with a case file or printed to PDF. The web app links the same stylesheet instead.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import quote, urlsplit

from unspun.records import Comparison

STYLESHEET = "unspun.css"


def _resource(name: str) -> str:
    return resources.files("unspun.report").joinpath("templates", name).read_text(encoding="utf-8")


def stylesheet() -> str:
    """The one stylesheet of every page (served at /static/unspun.css, inlined in reports)."""
    return _resource(STYLESHEET)


def style_hash(css: str) -> str:
    """The CSP source that allows exactly this inline stylesheet."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii") + "'"


def safe_url(url: Any) -> str | None:
    """``url`` when it is an http(s) URL with a host, else None (``javascript:``, ``data:`` and
    relative URLs from article metadata are never rendered as links)."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def embedded_json(obj: object) -> str:
    """JSON safe inside <script type="application/json">: no raw <, > or & from article text."""
    return json.dumps(obj, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class Links:
    """Where a page may link to. The web app links every id to its page; a standalone report has
    no server behind it, so its ids are plain text (every method returns None)."""

    def story(self, story_id: str) -> str | None:
        return None

    def document(self, doc_id: str) -> str | None:
        return None

    def pair(self, a: str, b: str) -> str | None:
        return None


class WebLinks(Links):
    """Links of the web app (ids are quoted: they are article ids, not paths)."""

    def story(self, story_id: str) -> str:
        return "/stories/" + quote(story_id, safe="")

    def document(self, doc_id: str) -> str:
        return "/documents/" + quote(doc_id, safe="")

    def pair(self, a: str, b: str) -> str:
        return f"/pair?a={quote(a, safe='')}&b={quote(b, safe='')}"


@lru_cache(maxsize=1)
def environment():  # noqa: ANN201 - jinja2 is imported lazily (import unspun stays light)
    """The Jinja2 environment: autoescape on for every template, undefined names are errors."""
    import jinja2

    from unspun.report import views

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("unspun.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(safe_url=safe_url, SEVERITY_WORDS=views.SEVERITY_WORDS, KIND_LABELS=views.KIND_LABELS,
                       finding_label=views.finding_label)
    return env


def render_page(template: str, *, standalone: bool, links: Links | None = None, data: object = None,
                api_url: str | None = None, **context: Any) -> str:
    """Render one page. ``standalone`` inlines the stylesheet (CSP-hashed) for a report file;
    otherwise the page links /static/unspun.css and the server sends the CSP header."""
    from markupsafe import Markup

    css = stylesheet()
    return environment().get_template(template).render(
        standalone=standalone,
        css=Markup(css),  # our own file, not content
        csp=f"default-src 'none'; style-src {style_hash(css)}; img-src data:; base-uri 'none'; form-action 'none'",
        links=links or Links(),
        api_url=api_url,
        data=Markup(embedded_json(data)) if data is not None else None,  # <, >, & escaped: cannot close the script
        **context,
    )


def render_html(c: Comparison, *, links: Links | None = None, standalone: bool = True, direction: str | None = None,
                api_url: str | None = None) -> str:
    """The pair report: top changes, every change, the alignment with word-level differences."""
    from unspun.report.json import comparison_to_dict
    from unspun.report.views import pair_view

    return render_page("pair.html", standalone=standalone, links=links, data=comparison_to_dict(c), api_url=api_url,
                       title=f"unspun: {c.a.id} vs {c.b.id}", view=pair_view(c, direction=direction))


def render_story_html(story: dict[str, Any], *, links: Links | None = None, standalone: bool = True,
                      api_url: str | None = None) -> str:
    """The story report: reuse graph, what changed along the way, versions and edges (``story``
    is the ``story`` JSON contract, with findings)."""
    from unspun.report.views import changes_along_the_way, story_graph, story_row_of

    row = story_row_of(story)
    return render_page("story.html", standalone=standalone, links=links, data=story, api_url=api_url,
                       title=f"unspun: {row.title}", story=story, row=row, graph=story_graph(story),
                       changes=changes_along_the_way(story), members={m["id"]: m for m in story["members"]})
