"""Self-contained HTML side-by-side report. Every piece of article text is escaped.

The page has no external resources (no scripts or fonts fetched), so it can be
mailed to a colleague or archived with a case file. The same fragments are used by
the web app.
"""

from __future__ import annotations

import json
import re
from html import escape
from importlib import resources

from unspun.records import Comparison, most_serious_first
from unspun.report.terminal import alignment_rows


def _e(s: object) -> str:
    return escape(str(s), quote=True)


def _template(name: str) -> str:
    return resources.files("unspun.report").joinpath("templates", name).read_text(encoding="utf-8")


def comparison_fragment(c: Comparison) -> str:
    """The report body (no <html> shell), reused by the web app."""
    s = c.scores
    out = ['<section class="summary">']
    out.append(f"<h1>{'Same story' if s.is_same_story else 'Not the same story'}</h1>")
    out.append("<dl>")
    for label, doc in (("A", c.a), ("B", c.b)):
        title = f" — <i>{_e(doc.title)}</i>" if doc.title else ""
        out.append(f"<dt>{label}</dt><dd><b>{_e(doc.id)}</b>{title} ({len(doc.sentences)} sentences)</dd>")
    out.append(
        f"<dt>same_story</dt><dd>{s.same_story:.2f} (threshold {s.threshold})</dd>"
        f"<dt>coverage</dt><dd>A covered by B: {s.a_coverage:.0%}; B covered by A: {s.b_coverage:.0%}</dd>"
    )
    out.append("</dl>")
    for w in c.warnings:
        out.append(f'<p class="warning">{_e(w)}</p>')
    out.append("</section>")

    if c.findings:
        out.append('<section class="findings"><h2>What changed</h2><table><thead><tr>'
                   "<th>severity</th><th>type</th><th>explanation</th><th>A</th><th>B</th></tr></thead><tbody>")
        for k, f in enumerate(sorted(c.findings, key=lambda f: most_serious_first(f.severity, f.confidence))):
            out.append(
                f'<tr class="sev-{_e(f.severity)}" id="finding-{k}"><td>{_e(f.severity)}</td><td>{_e(f.type)}</td>'
                f"<td>{_e(f.explanation)}</td><td>{_e(f.a_text)}</td><td>{_e(f.b_text)}</td></tr>"
            )
        out.append("</tbody></table></section>")

    out.append('<section class="alignment"><h2>Sentence by sentence</h2><table><thead><tr>'
               "<th>A</th><th></th><th>B</th></tr></thead><tbody>")
    flagged_a = {i for f in c.findings if f.severity != "low" for i in f.a}
    flagged_b = {j for f in c.findings if f.severity != "low" for j in f.b}
    for kind, a, b, sim in alignment_rows(c):
        a_html = " ".join(_sentence(c.a.sentences[i].text, "a", i, i in flagged_a) for i in a)
        b_html = " ".join(_sentence(c.b.sentences[j].text, "b", j, j in flagged_b) for j in b)
        sim_html = f"<br><small>{sim:.2f}</small>" if sim is not None else ""
        out.append(f'<tr class="{_e(kind)}"><td>{a_html}</td><td class="kind">{_e(kind)}{sim_html}</td><td>{b_html}</td></tr>')
    out.append("</tbody></table></section>")

    for label, doc in (("A", c.a), ("B", c.b)):
        if doc.removed:
            out.append(f'<section class="removed"><h3>Removed from {label} as boilerplate</h3><ul>')
            for r in doc.removed:
                out.append(f"<li><span class=\"reason\">{_e(r.reason)}</span> {_e(r.text)}</li>")
            out.append("</ul></section>")
    return "\n".join(out)


def _sentence(text: str, side: str, idx: int, flagged: bool) -> str:
    cls = "s flagged" if flagged else "s"
    return f'<span class="{cls}" id="{side}{idx}">{_e(" ".join(text.split()))}</span>'


def embedded_json(obj: object) -> str:
    """JSON safe inside <script type="application/json">: no raw <, > or & from article text."""
    return json.dumps(obj, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_html(c: Comparison) -> str:
    """A complete, self-contained HTML page."""
    from unspun.report.json import comparison_to_dict

    page = _template("page.html")
    data = embedded_json(comparison_to_dict(c))
    values = {"title": _e(f"unspun: {c.a.id} vs {c.b.id}"), "body": comparison_fragment(c), "data": data}
    # One pass over the template: article text that happens to contain "{{data}}" stays text.
    return re.sub(r"\{\{(title|body|data)\}\}", lambda m: values[m.group(1)], page)
