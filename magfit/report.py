"""A folder of magnetometry files -> summary table, figures, HTML and PDF report.

:func:`build` fits every data file (through :func:`magfit.batch.analyse_file`, on any
executor), draws each sample's fit panels and window scan in the worker, and writes to
``out_dir``:

``summary.csv``
    One row per file/segment: the :data:`magfit.batch.SUMMARY_COLUMNS` plus figure names.
``figures/<NNN>_<name>_fit.png|pdf``, ``figures/<NNN>_<name>_scan.png|pdf``
    Per-sample figures (:func:`magfit.plot.fit_panels`, :func:`magfit.plot.window_scan`).
``report.html``
    Self-contained: figures embedded as base64 PNG, a sortable summary table (small inline
    script), per sample its numbers, classification evidence, flags and errors, and the
    magfit version and options used.
``report.pdf``
    Summary page(s) (:data:`ROWS_PER_SUMMARY_PAGE` rows each) then, per fitted sample, the
    fit-panel page and the window-scan page.

Files that fail appear everywhere with their error. In a folder, files whose suffix is in
:data:`NON_DATA_SUFFIXES` (README.md, scripts, option files, images) and hidden files are
skipped, and the report lists them.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
import math
import os
import pickle
import platform
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .batch import (
    NON_DATA_SUFFIXES,
    SUMMARY_COLUMNS,
    _describe,
    _empty_row,
    analyse_file,
    collect_files,
    default_options,
    drop_skipped,
    load_options,
    options_for,
    run_tasks,
    unmatched_options,
)
from .errors import MagfitError

__all__ = ["build", "Report", "collect_files", "NON_DATA_SUFFIXES", "ROWS_PER_SUMMARY_PAGE"]

#: per-sample figure formats build() can write
FIGURE_FORMATS = ("png", "pdf", "svg")

#: summary rows per page of report.pdf
ROWS_PER_SUMMARY_PAGE = 30

#: resolution of the per-sample PNGs (also the ones embedded in report.html)
PNG_DPI = 110


@dataclass
class Report:
    """What :func:`build` wrote.

    Attributes
    ----------
    summary : DataFrame
        The summary table (also ``summary.csv``).
    out_dir : Path
    files : dict
        Output name -> path: "summary_csv", "html", "pdf".
    skipped : list of (path, reason)
        Files in the folder that were not data.
    pdf_pages : int
        Pages written to report.pdf.
    samples : list of dict
        Per sample: row, figure paths, evidence HTML, explanation.
    """

    summary: pd.DataFrame
    out_dir: Path
    files: dict[str, Path] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    pdf_pages: int = 0
    samples: list[dict[str, Any]] = field(default_factory=list)

    @property
    def n_failed(self) -> int:
        """Number of summary rows whose file or segment could not be analysed."""
        return int(self.summary["error"].notna().sum())


def _slug(index: int, path: str, segment: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(path).stem).strip("_")[:60] or "file"
    seg = re.sub(r"[^A-Za-z0-9._-]+", "_", segment).strip("_")
    return f"{index:03d}_{stem}" + (f"_{seg}" if seg else "")


# ----------------------------------------------------------------------------- worker
def _report_task(index: int, path: str, options: dict[str, Any], fit_options: dict[str, Any],
                 fig_dir: str, formats: tuple[str, ...], pages_as: str = "pdf") -> list[dict[str, Any]]:
    """Worker: analyse one file, draw and save its figures; return picklable results.

    ``pages_as``: how the figures travel back for report.pdf -- "pdf" (rendered PDF bytes, merged
    by pypdf in the parent: no second rendering) or "pickle" (pickled Figures for PdfPages).
    """
    from . import plot

    out = []
    for k, result in enumerate(analyse_file(path, options, fit_options)):
        row = dict(result.row)
        slug = _slug(index, path, row.get("segment") or ("" if k == 0 else str(k)))
        item: dict[str, Any] = {"row": row, "slug": slug, "figures": {}, "png_b64": {}, "pages": [],
                                "evidence_html": "", "explanation": "", "provenance": {}}
        if result.chi is not None:
            item["provenance"] = _jsonable(getattr(result.chi, "provenance", {}))
        cls = result.classification
        if cls is not None:
            evidence = getattr(cls, "evidence", None)
            if isinstance(evidence, pd.DataFrame):
                item["evidence_html"] = evidence.to_html(index=False, classes="evidence", na_rep="",
                                                         border=0, float_format=lambda v: f"{v:.4g}")
            item["explanation"] = str(getattr(cls, "explanation", "") or "")
        if result.fit is not None:
            for kind, draw in (("fit", plot.fit_panels), ("scan", plot.window_scan)):
                try:
                    fig = draw(result.fit)
                except Exception as exc:  # noqa: BLE001 - a figure failing must not lose the row
                    note = f"{kind} figure: {_describe(exc)}"
                    row["flags"] = "; ".join(filter(None, [row.get("flags"), note]))
                    continue
                for fmt in formats:
                    target = Path(fig_dir) / f"{slug}_{kind}.{fmt}"
                    fig.savefig(target, dpi=PNG_DPI if fmt == "png" else None)
                    item["figures"][f"{kind}_{fmt}"] = target.name
                if "png" in formats:  # the file written above
                    png = (Path(fig_dir) / f"{slug}_{kind}.png").read_bytes()
                else:
                    buf = io.BytesIO()
                    fig.savefig(buf, format="png", dpi=PNG_DPI)
                    png = buf.getvalue()
                item["png_b64"][kind] = base64.b64encode(_compact_png(png)).decode("ascii")
                if pages_as == "pickle":
                    item["pages"].append(("pickle", pickle.dumps(fig)))
                elif "pdf" in formats:  # the file written above
                    item["pages"].append(("pdf", (Path(fig_dir) / f"{slug}_{kind}.pdf").read_bytes()))
                else:
                    buf = io.BytesIO()
                    fig.savefig(buf, format="pdf")
                    item["pages"].append(("pdf", buf.getvalue()))
        out.append(item)
    return out


def _compact_png(png: bytes) -> bytes:
    """The PNG reduced to a 256-colour palette (fast octree keeps the flat Okabe-Ito colours exact
    and the anti-aliasing smooth): ~3.5x smaller, for embedding in report.html."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        quantized = im.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    quantized.save(out, format="PNG", optimize=True)
    return out.getvalue() if out.tell() < len(png) else png


def _jsonable(obj: Any, depth: int = 0) -> Any:
    """Provenance as plain, printable data (arrays summarised)."""
    if depth > 6:
        return repr(obj)
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v, depth + 1) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v, depth + 1) for v in obj]
    if isinstance(obj, np.ndarray):
        return f"array(shape={obj.shape})"
    if isinstance(obj, (str, int, float, bool)) or obj is None:
        return obj
    if isinstance(obj, np.generic):
        return obj.item()
    return str(obj)


# ----------------------------------------------------------------------------- build
def build(paths_or_dir: Any, out_dir: str | os.PathLike, options: Any = None, executor: Any = None, *,
          progress: bool = True, formats: Sequence[str] = ("png", "pdf"), html_report: bool = True,
          pdf_report: bool = True, title: str = "magfit report", **fit_options: Any) -> Report:
    """Fit every data file and write summary.csv, per-sample figures, report.html and report.pdf.

    Parameters
    ----------
    paths_or_dir : path, directory or iterable of them
        Data files; folders are scanned and their non-data files skipped (listed in the report).
    out_dir : path
        Output folder (created).
    options : dict, DataFrame or CSV/YAML path, optional
        Per-file sample options (see :func:`magfit.batch.load_options`).
        Default: ``magfit_options.csv`` (or ``.yaml``) in a given folder, if present. A row with
        ``skip=yes`` leaves that file out (e.g. an empty-holder run used as a background).
    executor : Executor, int, "process", "serial" or None
        Where the per-file work (reading, fitting, figures) runs; see :func:`magfit.batch.run_tasks`.
    progress : bool
        tqdm progress bar.
    formats : sequence of "png", "pdf", "svg"
        Per-sample figure files.
    html_report, pdf_report : bool
        Write report.html / report.pdf.
    title : str
        Report heading.
    **fit_options
        Passed to :func:`magfit.fit_curie_weiss` for every file.

    Returns
    -------
    Report
    """
    import magfit

    # the window-scan figure needs the T_min scan also when a window is given (--tmin)
    fit_options = {"scan": True, **fit_options}
    if options is None:
        options = default_options(paths_or_dir)
    exclude = [options] if isinstance(options, (str, os.PathLike)) else []
    files, skipped = collect_files(paths_or_dir, exclude=exclude)  # bad input fails before any output
    table = load_options(options)
    files, skipped_by_options = drop_skipped(files, table)
    skipped += skipped_by_options
    formats = tuple(dict.fromkeys(f.lower().lstrip(".") for f in formats))
    unknown = [f for f in formats if f not in FIGURE_FORMATS]
    if unknown:
        raise MagfitError(f"report: figure formats {unknown} not supported; use any of {FIGURE_FORMATS}")
    out = Path(out_dir)
    fig_dir = out / "figures"
    try:
        fig_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # out is an existing file, or a folder we may not write into
        raise MagfitError(f"report: cannot create the output folder {str(out)!r} ({exc.strerror}); "
                          "give a new or existing folder with -o / out_dir") from None
    pages_as = "pdf" if _have_pypdf() else "pickle"
    tasks = [(i, str(p), options_for(p, table), dict(fit_options), str(fig_dir), formats, pages_as)
             for i, p in enumerate(files)]

    def lost(i: int, exc: BaseException) -> list[dict[str, Any]]:
        row = _empty_row(tasks[i][1], Path(tasks[i][1]).stem, None)
        row["error"] = f"worker: {_describe(exc)}"
        return [{"row": row, "slug": _slug(i, tasks[i][1], ""), "figures": {}, "png_b64": {},
                 "pages": [], "evidence_html": "", "explanation": "", "provenance": {}}]

    results = run_tasks(_report_task, tasks, executor=executor, progress=progress, desc="report",
                        on_error=lost)
    items = [item for per_file in results for item in per_file]
    summary = pd.DataFrame([it["row"] for it in items], columns=SUMMARY_COLUMNS)
    for kind in ("fit", "scan"):
        summary[f"figure_{kind}"] = [it["figures"].get(f"{kind}_png", it["figures"].get(f"{kind}_pdf", ""))
                                     for it in items]
    report = Report(summary=summary, out_dir=out, skipped=skipped, samples=items)
    csv_path = out / "summary.csv"
    summary.to_csv(csv_path, index=False)
    report.files["summary_csv"] = csv_path
    context = {
        "title": title,
        "version": magfit.__version__,
        "created": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "inputs": [str(p) for p in ([paths_or_dir] if isinstance(paths_or_dir, (str, os.PathLike))
                                    else paths_or_dir)],
        "options_source": str(options) if isinstance(options, (str, os.PathLike)) else
        ("in-memory table" if options is not None else "none"),
        "options_table": table,
        "fit_options": dict(fit_options),
        "unmatched": unmatched_options(files, table),
        "platform": f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}",
    }
    if html_report:
        html_path = out / "report.html"
        html_path.write_text(_render_html(report, context), encoding="utf-8")
        report.files["html"] = html_path
    if pdf_report:
        pdf_path = out / "report.pdf"
        report.pdf_pages = _write_pdf(pdf_path, report, context)
        report.files["pdf"] = pdf_path
    for it in items:  # figures are written; keep the Report light
        it.pop("pages", None)
    return report


# ----------------------------------------------------------------------------- formatting
def _fmt_value(value: Any, err: Any = None, digits: int = 4) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return ""
    if not math.isfinite(v):
        return ""
    from .plot import format_ufloat

    try:
        e = float(err)
    except (TypeError, ValueError):
        e = float("nan")
    if math.isfinite(e) and e > 0:
        return format_ufloat((v, e))
    return f"{v:.{digits}g}"


_TABLE_COLUMNS = [
    ("sample", "sample", None), ("file", "file", None), ("label", "label", None),
    ("confidence", "confidence", None), ("μ_eff (μB)", "mu_eff", "mu_eff_err"),
    ("θ (K)", "theta_K", "theta_K_err"), ("χ₀ (emu/mol)", "chi0_emu_mol", "chi0_emu_mol_err"),
    ("window (K)", "tmin_K", None), ("n", "n_points", None), ("χ²ν", "redchi", None),
    ("flags / error", "flags", None),
]


def _cell(row: Mapping[str, Any], key: str, err_key: str | None) -> tuple[str, str]:
    """(display text, sort key) of one summary cell."""
    value = row.get(key)
    if key == "file":
        return Path(str(value)).name, Path(str(value)).name
    if key == "tmin_K":
        lo, hi = row.get("tmin_K"), row.get("tmax_K")
        if lo is None or not np.isfinite(float(lo)):
            return "", ""
        return f"{float(lo):.4g}–{float(hi):.4g}", f"{float(lo):.6g}"
    if key == "flags":
        text = row.get("error") or row.get("flags") or ""
        return str(text), str(text)
    if key in {"sample", "label"}:
        return str(value or ""), str(value or "")
    text = _fmt_value(value, row.get(err_key) if err_key else None)
    if key == "confidence" and text:
        text = f"{float(value):.2f}"
    if key == "n_points" and text:
        text = str(int(float(value)))
    try:
        sort = f"{float(value):.10g}" if value is not None and math.isfinite(float(value)) else ""
    except (TypeError, ValueError):
        sort = ""
    return text, sort


# ----------------------------------------------------------------------------- HTML
_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:1.5em auto;max-width:1150px;
color:#222;line-height:1.4;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:.88em;margin:.6em 0}
th,td{border-bottom:1px solid #ddd;padding:.25em .55em;text-align:left;vertical-align:top}
table.sortable th{cursor:pointer;background:#f3f3f3;user-select:none;white-space:nowrap}
table.sortable th:after{content:' \\2195';color:#999;font-size:.8em}
tr.failed td{background:#fff0ec}.error{color:#a33;font-weight:600}.flags{color:#8a5a00}
img{max-width:100%;height:auto;border:1px solid #eee}code{font-size:.9em}
.meta{color:#555;font-size:.9em}.figs img{display:block;margin:.5em 0}
details{margin:.5em 0}
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


def _render_html(report: Report, ctx: Mapping[str, Any]) -> str:
    parts: list[str] = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(ctx['title'])}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(ctx['title'])}</h1>",
        f'<p class="meta">magfit {_e(ctx["version"])} · {_e(ctx["created"])} · {_e(ctx["platform"])}<br>'
        f"{len(report.summary)} result(s) from {len({it['row']['file'] for it in report.samples})} file(s), "
        f"{report.n_failed} failed, {len(report.skipped)} skipped.</p>",
        '<h2 id="summary">Summary</h2><p class="meta">Click a column heading to sort.</p>',
        '<table class="sortable" id="summary-table"><thead><tr>',
        "".join(f"<th>{_e(head)}</th>" for head, _, _ in _TABLE_COLUMNS), "</tr></thead><tbody>",
    ]
    for it in report.samples:
        row = it["row"]
        cls = ' class="failed"' if row.get("error") else ""
        cells = []
        for _, key, err_key in _TABLE_COLUMNS:
            text, sort = _cell(row, key, err_key)
            if key == "sample":
                text_html = f'<a href="#{_e(it["slug"])}">{_e(text)}</a>'
            elif key == "flags" and row.get("error"):
                text_html = f'<span class="error">{_e(text)}</span>'
            else:
                text_html = _e(text)
            cells.append(f'<td data-sort="{_e(sort)}">{text_html}</td>')
        parts.append(f"<tr{cls}>{''.join(cells)}</tr>")
    parts.append("</tbody></table>")
    if report.skipped:
        parts.append("<h3>Skipped files</h3><ul>")
        parts += [f"<li><code>{_e(Path(p).name)}</code>: {_e(reason)}</li>" for p, reason in report.skipped]
        parts.append("</ul>")
    parts.append(_options_html(ctx))
    for it in report.samples:
        parts.append(_sample_html(it))
    parts.append(f"<script>{_JS}</script></body></html>")
    return "\n".join(parts)


def _options_html(ctx: Mapping[str, Any]) -> str:
    out = ['<h2 id="options">Options used</h2>',
           f"<p>Inputs: {', '.join(f'<code>{_e(p)}</code>' for p in ctx['inputs'])}<br>"
           f"Per-file options from: <code>{_e(ctx['options_source'])}</code><br>"
           f"Fit options for every file: <code>{_e(ctx['fit_options'] or '{}')}</code></p>"]
    table = ctx["options_table"]
    if table:
        keys = sorted({k for _, opts in table for k in opts})
        out.append('<table><thead><tr><th>file</th>' + "".join(f"<th>{_e(k)}</th>" for k in keys)
                   + "</tr></thead><tbody>")
        for pattern, opts in table:
            out.append(f"<tr><td><code>{_e(pattern)}</code></td>"
                       + "".join(f"<td>{_e(opts.get(k, ''))}</td>" for k in keys) + "</tr>")
        out.append("</tbody></table>")
    if ctx["unmatched"]:
        out.append(f'<p class="error">Option rows matching no file: {_e(", ".join(ctx["unmatched"]))}</p>')
    return "\n".join(out)


def _sample_html(it: Mapping[str, Any]) -> str:
    row = it["row"]
    name = row.get("sample") or Path(str(row["file"])).stem
    seg = f" (segment {row['segment']})" if row.get("segment") else ""
    out = [f'<section class="sample" id="{_e(it["slug"])}">',
           f"<h2>{_e(name)}{_e(seg)}</h2>",
           f'<p class="meta">file <code>{_e(row["file"])}</code>'
           + (f" · χ per mole of {_e(row['per'])}" if row.get("per") else "") + "</p>"]
    if row.get("error"):
        out.append(f'<p class="error">Failed: {_e(row["error"])}</p>')
    else:
        label = row.get("label") or "not classified"
        conf = _cell(row, "confidence", None)[0]
        out.append(f"<p><b>{_e(label)}</b>" + (f" (confidence {_e(conf)})" if conf else "") + "</p>")
        out.append("<table><tbody>")
        for head, key, err_key in _TABLE_COLUMNS[4:10]:
            out.append(f"<tr><th>{_e(head)}</th><td>{_e(_cell(row, key, err_key)[0])}</td></tr>")
        curie = _fmt_value(row.get("C_emu_K_mol"), row.get("C_emu_K_mol_err"))
        out.append(f"<tr><th>C (emu K/mol)</th><td>{_e(curie)}</td></tr></tbody></table>")
    if row.get("flags"):
        flags = [f for f in str(row["flags"]).split("; ") if f]
        out.append('<p>Flags:</p><ul class="flags">' + "".join(f"<li>{_e(f)}</li>" for f in flags) + "</ul>")
    if it.get("explanation"):
        out.append(f"<p>{_e(it['explanation'])}</p>")
    if it.get("evidence_html"):
        out.append("<details open><summary>Classification evidence</summary>" + it["evidence_html"]
                   + "</details>")
    if it.get("png_b64"):
        out.append('<div class="figs">')
        for kind, alt in (("fit", "Curie-Weiss fit panels"), ("scan", "fit window scan")):
            if kind in it["png_b64"]:
                out.append(f'<img alt="{_e(alt)} of {_e(name)}" '
                           f'src="data:image/png;base64,{it["png_b64"][kind]}">')
        out.append("</div>")
    if it.get("provenance"):
        out.append("<details><summary>Provenance</summary><pre>" + _e(_pretty(it["provenance"]))
                   + "</pre></details>")
    out.append("</section>")
    return "\n".join(out)


def _pretty(obj: Any) -> str:
    import json

    return json.dumps(obj, indent=1, ensure_ascii=False, default=str)


# ----------------------------------------------------------------------------- PDF
def _summary_pages(report: Report, ctx: Mapping[str, Any]) -> list[Any]:
    from matplotlib.figure import Figure

    from ._style import style

    rows = report.samples
    n_pages = max(1, math.ceil(len(rows) / ROWS_PER_SUMMARY_PAGE))
    heads = ["sample", "label", "μ_eff (μB)", "θ (K)", "χ₀ (emu/mol)", "window (K)", "χ²ν", "flags / error"]
    keys = [("sample", None), ("label", None), ("mu_eff", "mu_eff_err"), ("theta_K", "theta_K_err"),
            ("chi0_emu_mol", "chi0_emu_mol_err"), ("tmin_K", None), ("redchi", None), ("flags", None)]
    pages = []
    with style():
        for page in range(n_pages):
            fig = Figure(figsize=(11.69, 8.27))  # A4 landscape
            ax = fig.add_axes((0.03, 0.04, 0.94, 0.80))
            ax.axis("off")
            head = f"{ctx['title']} — summary" + (f" ({page + 1}/{n_pages})" if n_pages > 1 else "")
            fig.text(0.03, 0.95, head, fontsize=14, weight="bold")
            fig.text(0.03, 0.91, f"magfit {ctx['version']} · {ctx['created']} · "
                     f"{len(report.summary)} result(s), "
                     f"{report.n_failed} failed, {len(report.skipped)} skipped · per-file options: "
                     f"{ctx['options_source']}", fontsize=8.5)
            if report.skipped and page == 0:
                skipped = ", ".join(Path(p).name for p, _ in report.skipped)
                fig.text(0.03, 0.885, _shorten(f"skipped: {skipped}", 190), fontsize=8)
            chunk = rows[page * ROWS_PER_SUMMARY_PAGE:(page + 1) * ROWS_PER_SUMMARY_PAGE]
            cells = [[_shorten(_cell(it["row"], k, e)[0], 58 if k == "flags" else 30) for k, e in keys]
                     for it in chunk]
            if cells:
                height = (len(cells) + 1) / (ROWS_PER_SUMMARY_PAGE + 1)  # fixed row height
                tab = ax.table(cellText=cells, colLabels=heads, cellLoc="left",
                               bbox=(0, 1 - height, 1, height),
                               colWidths=[0.17, 0.08, 0.09, 0.09, 0.12, 0.08, 0.05, 0.32])
                tab.auto_set_font_size(False)
                tab.set_fontsize(7.5)
                for (r, _c), cell in tab.get_celld().items():
                    cell.set_linewidth(0.3)
                    if r == 0:
                        cell.set_facecolor("#eeeeee")
                    elif chunk[r - 1]["row"].get("error"):
                        cell.set_facecolor("#fff0ec")
            else:
                ax.text(0, 1, "no data files found", va="top")
            pages.append(fig)
    return pages


def _shorten(text: str, n: int) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def _have_pypdf() -> bool:
    try:
        import pypdf  # noqa: F401
    except ImportError:
        return False
    return True


def _write_pdf(path: Path, report: Report, ctx: Mapping[str, Any]) -> int:
    """Summary pages (matplotlib PdfPages) followed by every sample's figure pages.

    The workers send their figures as rendered PDF pages, appended here with pypdf (no second
    rendering, so the parent stays cheap); without pypdf they send pickled figures, drawn here
    into the same PdfPages.
    """
    from matplotlib.backends.backend_pdf import PdfPages

    title, creator = str(ctx["title"]), f"magfit {ctx['version']}"
    pages = [page for it in report.samples for page in it.get("pages", [])]
    summary_buf = io.BytesIO()
    n = 0  # pages written by PdfPages
    with PdfPages(summary_buf if _have_pypdf() else path,
                  metadata={"Title": title, "Creator": creator}) as pdf:
        for fig in _summary_pages(report, ctx):
            pdf.savefig(fig)
            n += 1
        if not _have_pypdf():
            for kind, blob in pages:
                if kind == "pickle":
                    pdf.savefig(pickle.loads(blob))  # noqa: S301 - our own worker's figures
                    n += 1
    if not _have_pypdf():
        return n
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(summary_buf))
    for kind, blob in pages:
        if kind == "pdf":
            writer.append(PdfReader(io.BytesIO(blob)))
        else:  # a pickled figure (e.g. from a worker without pypdf)
            buf = io.BytesIO()
            pickle.loads(blob).savefig(buf, format="pdf")  # noqa: S301
            writer.append(PdfReader(buf))
    writer.add_metadata({"/Title": title, "/Creator": creator})
    with open(path, "wb") as fh:
        writer.write(fh)
    return len(writer.pages)
