"""report.html: one page, a table of contents, the summary table with flag footnotes, the options
used, and per sample its numbers, verdict, candidates, evidence, figures and provenance.

The page is self-contained (inline CSS and a small sorting script). Figures are embedded as
compact base64 PNGs for small reports and linked (``figures/...png``, lazy-loaded) for large
ones, so a 200-file report stays a few hundred kB. The layout fits a laptop screen without
horizontal scrolling: the summary table wraps its cells, wide tables scroll inside their own box.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import _report_format as fmt

_CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:1.2em auto;max-width:1150px;
color:#222;line-height:1.4;padding:0 1em;overflow-wrap:break-word}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:.85em;margin:.6em 0;max-width:100%}
.scroll{max-width:100%;overflow-x:auto}
th,td{border-bottom:1px solid #ddd;padding:.25em .45em;text-align:left;vertical-align:top}
#summary-table{width:100%;table-layout:auto}
#summary-table td,#summary-table th{overflow-wrap:break-word;hyphens:auto}
table.sortable th{cursor:pointer;background:#f3f3f3;user-select:none}
tr.failed td{background:#fff0ec}.error{color:#a33;font-weight:600}.flags{color:#8a5a00}
img{max-width:100%;height:auto;border:1px solid #eee}code{font-size:.9em;overflow-wrap:anywhere}
.meta{color:#555;font-size:.9em}.figs img{display:block;margin:.5em 0}
nav.toc ol{columns:3 16em;font-size:.9em}ol.notes{font-size:.88em}
details{margin:.5em 0}pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.8em}
"""

_JS = """
document.querySelectorAll('table.sortable').forEach(function(table){
  table.querySelectorAll('th').forEach(function(th, col){
    th.addEventListener('click', function(){
      var body = table.tBodies[0], rows = Array.from(body.rows);
      var asc = th.dataset.order !== 'asc'; th.dataset.order = asc ? 'asc' : 'desc';
      rows.sort(function(a, b){
        var x = a.cells[col].dataset.sort, y = b.cells[col].dataset.sort;
        var nx = parseFloat(x), ny = parseFloat(y);
        var r = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : String(x).localeCompare(String(y));
        if (x === '' && y !== '') return 1; if (y === '' && x !== '') return -1;
        return asc ? r : -r;
      });
      rows.forEach(function(r){ body.appendChild(r); });
    });
  });
});
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def render(report: Any, ctx: Mapping[str, Any]) -> str:
    """The whole report.html for a :class:`magfit.report.Report` and its context."""
    notes = fmt.Footnotes()
    n_files = len({it["row"]["file"] for it in report.samples})
    parts: list[str] = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(ctx['title'])}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(ctx['title'])}</h1>",
        f'<p class="meta">magfit {_e(ctx["version"])} · {_e(ctx["created"])} · {_e(ctx["platform"])}<br>'
        f"{len(report.summary)} result(s) from {n_files} file(s), "
        f"{report.n_failed} failed, {len(report.skipped)} skipped.</p>",
        _toc(report),
        '<h2 id="summary">Summary</h2><p class="meta">Click a column heading to sort. μ_eff, χ₀ and C '
        "are per mole of what the basis column says; ± stat is the 1σ fit error, ± sys the systematic "
        "error where the fit estimates one. Flags are numbered footnotes below the table.</p>",
        '<table class="sortable" id="summary-table"><thead><tr>',
        "".join(f"<th>{_e(head)}</th>" for head, _ in fmt.DISPLAY_COLUMNS), "</tr></thead><tbody>",
    ]
    for it in report.samples:
        row = it["row"]
        cls = ' class="failed"' if row.get("error") else ""
        cells = []
        for _, key in fmt.DISPLAY_COLUMNS:
            text = fmt.cell(row, key, notes)
            if key == "sample":
                seg = f" ({row['segment']})" if row.get("segment") else ""
                text_html = f'<a href="#{_e(it["slug"])}">{_e(text)}{_e(seg)}</a>'
            elif key == "flags" and text:
                text_html = f'<span class="{"error" if row.get("error") else "flags"}">{_e(text)}</span>'
            else:
                text_html = _e(text)
            cells.append(f'<td data-sort="{_e(fmt.sort_key(row, key))}">{text_html}</td>')
        parts.append(f"<tr{cls}>{''.join(cells)}</tr>")
    parts.append("</tbody></table>")
    if notes.keys:
        parts.append('<ol class="notes" id="footnotes">' + "".join(
            f'<li value="{n}"><b>{_e(key)}</b>' + _e(fmt.footnote_text(key, full)[len(key):]) + "</li>"
            for n, key, full in notes.items()) + "</ol>")
    if report.skipped:
        parts.append('<h3 id="skipped">Skipped files</h3><ul>')
        parts += [f"<li><code>{_e(Path(p).name)}</code>: {_e(reason)}</li>" for p, reason in report.skipped]
        parts.append("</ul>")
    parts.append(_options_html(ctx))
    for it in report.samples:
        parts.append(_sample_html(it, ctx.get("embed", True)))
    parts.append(f"<script>{_JS}</script></body></html>")
    return "\n".join(parts)


def _toc(report: Any) -> str:
    items = "".join(f'<li><a href="#{_e(it["slug"])}">{_e(it["row"].get("sample") or "")}'
                    + (f" ({_e(it['row']['segment'])})" if it["row"].get("segment") else "")
                    + ("" if not it["row"].get("error") else " — failed") + "</a></li>"
                    for it in report.samples)
    return ('<nav class="toc" id="contents"><h2>Contents</h2><p><a href="#summary">Summary</a> · '
            + ('<a href="#skipped">Skipped files</a> · ' if report.skipped else "")
            + f'<a href="#options">Options used</a></p><ol>{items}</ol></nav>')


def _options_html(ctx: Mapping[str, Any]) -> str:
    out = ['<h2 id="options">Options used</h2>',
           f"<p>Inputs: {', '.join(f'<code>{_e(p)}</code>' for p in ctx['inputs'])}<br>"
           f"Per-file options from: <code>{_e(ctx['options_source'])}</code><br>"
           f"Defaults for every file: <code>{_e(ctx.get('defaults') or '{}')}</code><br>"
           f"Read options: <code>{_e(ctx.get('read_options') or '{}')}</code><br>"
           f"Fit options for every file: <code>{_e(ctx['fit_options'] or '{}')}</code></p>"]
    table = ctx["options_table"]
    if table:
        keys = sorted({k for _, opts in table for k in opts})
        out.append('<div class="scroll"><table><thead><tr><th>file</th>'
                   + "".join(f"<th>{_e(k)}</th>" for k in keys) + "</tr></thead><tbody>")
        for pattern, opts in table:
            out.append(f"<tr><td><code>{_e(pattern)}</code></td>"
                       + "".join(f"<td>{_e(opts.get(k, ''))}</td>" for k in keys) + "</tr>")
        out.append("</tbody></table></div>")
    if ctx["unmatched"]:
        out.append(f'<p class="error">Option rows matching no file: {_e(", ".join(ctx["unmatched"]))}</p>')
    return "\n".join(out)


def _sample_html(it: Mapping[str, Any], embed: bool) -> str:
    row = it["row"]
    name = row.get("sample") or Path(str(row["file"])).stem
    seg = f" (segment {row['segment']})" if row.get("segment") else ""
    formula = f" — {row['formula']}" if row.get("formula") and row["formula"] != name else ""
    out = [f'<section class="sample" id="{_e(it["slug"])}">',
           f"<h2>{_e(name)}{_e(formula)}{_e(seg)}</h2>",
           f'<p class="meta">file <code>{_e(row["file"])}</code>'
           + (f" · {_e(row['basis'])}" if row.get("basis") else "") + "</p>"]
    if row.get("error"):
        out.append(f'<p class="error">Failed: {_e(row["error"])}</p>')
    else:
        label = row.get("label") or "not classified"
        conf = fmt.cell(row, "confidence")
        cands = f" · top candidate(s): {_e(row['candidates'])}" if row.get("candidates") else ""
        out.append(f"<p><b>{_e(label)}</b>" + (f" (confidence {_e(conf)})" if conf else "") + cands + "</p>")
        out.append("<table><tbody>" + "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>"
                                              for k, v in fmt.numbers(row)) + "</tbody></table>")
    if row.get("flags"):
        flags = [f for f in str(row["flags"]).split("; ") if f]
        out.append('<p>Flags:</p><ul class="flags">' + "".join(f"<li>{_e(f)}</li>" for f in flags) + "</ul>")
    if it.get("explanation"):
        out.append(f"<p>{_e(it['explanation'])}</p>")
    if row.get("reasons"):
        out.append(f"<p>Reasons: {_e(row['reasons'])}</p>")
    for section in it.get("sections", []):
        out.append(f"<h3>{_e(section['title'])}</h3><p>{_e(section.get('text', ''))}</p>")
    if it.get("evidence"):
        keys = list(it["evidence"][0])
        out.append('<details open><summary>Classification evidence</summary><div class="scroll"><table>'
                   "<thead><tr>" + "".join(f"<th>{_e(k)}</th>" for k in keys) + "</tr></thead><tbody>"
                   + "".join("<tr>" + "".join(f"<td>{_e(r.get(k, ''))}</td>" for k in keys) + "</tr>"
                             for r in it["evidence"]) + "</tbody></table></div></details>")
    figs = []
    for kind, alt in (("fit", "Curie-Weiss fit panels"), ("scan", "fit window scan")):
        if embed and kind in it.get("png_b64", {}):
            data = it["png_b64"][kind]
            figs.append(f'<img alt="{_e(alt)} of {_e(name)}" src="data:image/png;base64,{data}">')
        elif f"{kind}_png" in it.get("figures", {}):
            src = "figures/" + it["figures"][f"{kind}_png"]
            figs.append(f'<a href="{_e(src)}"><img alt="{_e(alt)} of {_e(name)}" loading="lazy" '
                        f'src="{_e(src)}"></a>')
    links = [f'<a href="figures/{_e(f)}">{_e(f)}</a>' for k, f in sorted(it.get("figures", {}).items())
             if not k.endswith("_png")]
    if figs:
        out.append('<div class="figs">' + "".join(figs) + "</div>")
    if links:
        out.append('<p class="meta">Vector figures: ' + " · ".join(links) + "</p>")
    if it.get("provenance"):
        out.append("<details><summary>Provenance</summary><pre>"
                   + _e(json.dumps(it["provenance"], indent=1, ensure_ascii=False, default=str))
                   + "</pre></details>")
    out.append("</section>")
    return "\n".join(out)
