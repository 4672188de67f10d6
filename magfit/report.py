"""A folder of magnetometry files -> summary table, figures, HTML and PDF report.

:func:`build` fits every data file (through :func:`magfit.batch.analyse_file`, on any
executor), draws each sample's fit panels and window scan in the worker, and writes to
``out_dir``:

``summary.csv``
    One row per file/segment: the :data:`magfit.batch.SUMMARY_COLUMNS` (full precision, one
    column per quantity and per uncertainty, basis, candidates) plus added sections' columns and
    figure names.
``figures/<NNN>_<name>_fit.png|pdf|svg``, ``figures/<NNN>_<name>_scan.png|pdf|svg``
    Per-sample figures (:func:`magfit.plot.fit_panels`, :func:`magfit.plot.window_scan`), PNG at
    :data:`PNG_DPI` dpi; each figure is rendered once per requested format.
``report.html``
    One page with a table of contents, the sortable summary table (flags as numbered
    footnotes), per sample its numbers, verdict, candidates, evidence, figures and provenance.
    Figures are embedded (base64) for up to :data:`EMBED_MAX_SAMPLES` samples, else linked.
``report.pdf``
    A4 landscape throughout: summary pages, footnote pages, then per sample its fit panels and
    a details page (everything the HTML section holds, with the window scan).

How the figures are drawn (issue 12: a report's CPU time is almost all figure drawing):

* each figure is drawn once by matplotlib, as vector PDF; the PNG and the HTML thumbnail are that
  PDF rasterised by PDFium (``pypdfium2``, :mod:`magfit._report_raster`) at :data:`PNG_DPI`, which
  costs a few hundredths of a second where a second draw through Agg cost most of a second. The two
  rasters were compared side by side: same pixel size, same picture, text antialiased slightly
  differently. Without pypdfium2 the PNG is drawn by Agg as before. SVG, when asked for, is drawn
  by matplotlib;
* a worker keeps one figure per kind (fit panels, window scan) and draws every sample into it
  (``reuse=True`` of :func:`magfit.plot.fit_panels` / :func:`~magfit.plot.window_scan`): creating
  the axes and their ticks was a fifth of the drawing; the PDF is byte-identical to a new figure's;
* the figures' axes are :class:`magfit._ticks.BatchedTickAxes`: tick marks drawn one batch per
  axis side (matplotlib draws one Line2D per mark, ~300 per sample) and each axis's ticks and label
  boxes computed once per draw (matplotlib computed them ~4 times); the rasters are pixel-identical;
* PNGs are written by :func:`magfit._report_raster.png_bytes`, rows unfiltered + zlib: PIL's encoder
  tries five row filters per row, which cost half the encoding and made the files larger;
* PDFs are written by :mod:`magfit._pdf_canvas`, matplotlib's PDF backend with text measurements
  and mathtext parses kept for the process (the same tick labels, axis labels and legend entries
  recur in every sample): same bytes, about a fifth less time;
* Type 3 fonts in the figure PDFs (TrueType subsetting cost ~1 CPU s per file); report.pdf places
  the figure PDFs on its A4 pages as Form XObjects (vector, not re-drawn);
* a details page is written as PDF text in the standard-14 fonts (Helvetica, Courier, Symbol for
  Greek; :mod:`magfit._report_core14`), each line where matplotlib would put it, not laid out and
  embedded glyph by glyph by matplotlib (~0.2 CPU s a page); a page holding a character those fonts
  lack is drawn by matplotlib as before.

Output safety: the report is written into a temporary folder beside ``out_dir`` and renamed into
place when complete; a lock file beside ``out_dir`` keeps two runs from writing one folder
at once (the second fails with a clear error); an existing report is replaced only with
``force=True`` (``--force``), and never mixed with the new one; a folder holding anything else is
never touched.

Files that fail appear everywhere with their error. In a folder, files whose suffix is in
:data:`NON_DATA_SUFFIXES` (README.md, scripts, option files, images) and hidden files are
skipped, and the report lists them.

Other analyses add report sections by appending a builder to :data:`SECTION_BUILDERS`.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as _dt
import io
import os
import pickle
import platform
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .batch import (
    NON_DATA_SUFFIXES,
    SUMMARY_COLUMNS,
    FileResult,
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

__all__ = ["build", "Report", "collect_files", "NON_DATA_SUFFIXES", "ROWS_PER_SUMMARY_PAGE",
           "SECTION_BUILDERS", "Section"]

#: per-sample figure formats build() can write
FIGURE_FORMATS = ("png", "pdf", "svg")

#: summary rows per page of report.pdf
ROWS_PER_SUMMARY_PAGE = 24

#: resolution of the per-sample PNGs
PNG_DPI = 200

#: zlib level of the PNGs (1-9): 3 writes ~12 % larger files than PIL's default 6 in a fraction of the time
PNG_COMPRESS = 3

#: report.html embeds the figures (base64, compact palette PNG) up to this many samples, else links them
EMBED_MAX_SAMPLES = 12

#: files that mark a folder as a magfit report (what --force may replace)
REPORT_FILES = frozenset({"summary.csv", "report.html", "report.pdf", "figures", ".magfit-report"})


@dataclass
class Section:
    """An extra part of a sample's report (e.g. a cluster fit or an M(H) analysis).

    Attributes
    ----------
    title : str
        Heading in report.html and on the details page of report.pdf.
    text : str
        Plain text shown under it.
    columns : dict
        Extra summary.csv columns of this sample (name -> number or text).
    """

    title: str
    text: str = ""
    columns: dict[str, Any] = field(default_factory=dict)


#: callables ``f(result: FileResult) -> Section | None`` run in the worker for every analysed file
#: (register at import time of your module so process-pool workers have them too)
SECTION_BUILDERS: list[Callable[[FileResult], Section | None]] = []


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
        Per sample: row, figure names, evidence records, explanation, sections, provenance.
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


# ----------------------------------------------------------------------------- output folder
class _OutputFolder:
    """Lock beside the target, a temporary folder to write into, an atomic rename when complete."""

    def __init__(self, target: Path, force: bool) -> None:
        self.target = target
        self.force = force
        self.parent = target.absolute().parent
        self.lock = self.parent / f".{target.name}.magfit-lock"
        self.tmp: Path | None = None
        self._locked = False

    def __enter__(self) -> _OutputFolder:
        if self.target.exists() and not self.target.is_dir():
            raise MagfitError(f"report: the output {str(self.target)!r} is a file; give a new or existing "
                              "folder with -o / out_dir")
        try:
            self.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise MagfitError(f"report: cannot create the output folder {str(self.target)!r} "
                              f"({exc.strerror}); give a folder you may write into with -o / out_dir"
                              ) from None
        self._take_lock()
        try:
            self._check_target()
            self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.tmp-", dir=self.parent))
        except BaseException:
            self._release()
            raise
        return self

    def _take_lock(self) -> None:
        for _ in range(2):
            try:
                fd = os.open(self.lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                pid = _lock_pid(self.lock)
                if pid is not None and not _alive(pid):  # a run that died: its lock is stale
                    self.lock.unlink(missing_ok=True)
                    continue
                raise MagfitError(
                    f"report: another magfit report (pid {pid if pid is not None else '?'}) is writing "
                    f"{str(self.target)!r} right now (lock {self.lock}); wait for it to finish or choose "
                    "another output folder") from None
            except OSError as exc:
                raise MagfitError(f"report: cannot write beside {str(self.target)!r} ({exc.strerror}); give "
                                  "a folder you may write into with -o / out_dir") from None
            with os.fdopen(fd, "w") as fh:
                fh.write(str(os.getpid()))
            self._locked = True
            return

    def _check_target(self) -> None:
        if not self.target.is_dir():
            return
        entries = {p.name for p in self.target.iterdir()}
        if not entries:
            return
        other = sorted(entries - REPORT_FILES)
        if other:
            raise MagfitError(
                f"report: {str(self.target)!r} holds files that are not a magfit report "
                f"({', '.join(other[:5])}{' ...' if len(other) > 5 else ''}); give a new or empty folder")
        if not self.force:
            raise MagfitError(f"report: {str(self.target)!r} already holds a report; give a new folder, "
                              "or --force (force=True) to replace it")

    def commit(self) -> None:
        """Put the finished report in place of the target (the old report is removed, not mixed)."""
        assert self.tmp is not None
        (self.tmp / ".magfit-report").write_text("written by magfit report\n")
        os.chmod(self.tmp, 0o755)
        if self.target.exists():
            old = self.parent / f".{self.target.name}.old-{os.getpid()}"
            os.rename(self.target, old)
            os.rename(self.tmp, self.target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(self.tmp, self.target)
        self.tmp = None

    def _release(self) -> None:
        if self._locked:
            self.lock.unlink(missing_ok=True)
            self._locked = False

    def __exit__(self, *exc: Any) -> None:
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
        self._release()


def _lock_pid(lock: Path) -> int | None:
    try:
        return int(lock.read_text().strip())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ----------------------------------------------------------------------------- worker
def _report_task(index: int, path: str, options: dict[str, Any], fit_options: dict[str, Any],
                 fig_dir: str, formats: tuple[str, ...], pages_as: str, embed: bool,
                 defaults: dict[str, Any], read_options: dict[str, Any]) -> list[dict[str, Any]]:
    """Worker: analyse one file, draw and save its figures and PDF pages; return picklable results.

    ``pages_as``: how the sample's pages travel back for report.pdf -- "pdf" (the figures and the
    details page rendered here as PDF, placed on A4 pages by the parent with pypdf, not re-drawn),
    "pickle" (Figures for PdfPages) or "none" (no report.pdf).
    """
    out = []
    results = analyse_file(path, options, fit_options, defaults=defaults, read_options=read_options)
    for k, result in enumerate(results):
        row = dict(result.row)
        slug = _slug(index, path, row.get("segment") or ("" if k == 0 else str(k)))
        item: dict[str, Any] = {"row": row, "slug": slug, "figures": {}, "png_b64": {}, "pages": [],
                                "evidence": [], "explanation": "", "provenance": {}, "sections": []}
        if result.chi is not None:
            item["provenance"] = _jsonable({**(getattr(result.chi, "provenance", {}) or {}),
                                            "option_sources": result.extra.get("option_sources", {})})
        cls = result.classification
        if cls is not None:
            evidence = getattr(cls, "evidence", None)
            if isinstance(evidence, pd.DataFrame):
                item["evidence"] = [{str(k): _cell_text(v) for k, v in r.items()}
                                    for r in evidence.to_dict("records")]
            item["explanation"] = str(getattr(cls, "explanation", "") or "")
        _run_sections(result, item)
        _draw(result, item, Path(fig_dir), formats, pages_as, embed)
        out.append(item)
    return out


def _titled(fig: Any, title: str | None) -> Any:
    if title:
        fig.suptitle(title)
    return fig


def _mh_section(result: FileResult) -> Section | None:
    """Report section of an M(H) file: M_s, M_r, H_c of every isotherm (magfit.mh)."""
    analyses = result.extra.get("mh")
    if not analyses:
        return None
    text = "\n".join(a.summary() for a in analyses)
    return Section(title=f"M(H): {len(analyses)} isotherm(s), loop parameters", text=text)


SECTION_BUILDERS.append(_mh_section)


def _cell_text(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        return "" if not np.isfinite(value) else f"{float(value):.4g}"
    return "" if value is None else str(value)


def _run_sections(result: FileResult, item: dict[str, Any]) -> None:
    for builder in SECTION_BUILDERS:
        try:
            section = builder(result)
        except Exception as exc:  # noqa: BLE001 - a section failing must not lose the row
            name = getattr(builder, "__name__", "section")
            item["row"]["flags"] = "; ".join(filter(None, [item["row"].get("flags"), f"{name} failed: "
                                                           f"{_describe(exc)}"]))
            continue
        if section is not None:
            item["sections"].append({"title": section.title, "text": section.text})
            item["row"].update(section.columns)


def _draw(result: FileResult, item: dict[str, Any], fig_dir: Path, formats: tuple[str, ...], pages_as: str,
          embed: bool) -> None:
    """Each figure drawn once as PDF (the PNG and thumbnail rasterised from it) and as SVG if asked."""
    from . import _report_pdf, _report_raster, plot

    row = item["row"]
    rendered: dict[str, bytes] = {}
    figs: dict[str, Any] = {}
    drawers: list[tuple[str, Callable[[], Any]]] = []
    if result.fit is not None:
        # the figures of the previous sample, emptied and drawn into (creating axes and ticks is costly)
        heading = row.get("sample") or None
        drawers = [("fit", lambda: plot.fit_panels(result.fit, title=heading, reuse=True)),
                   ("scan", lambda: plot.window_scan(result.fit, title=heading, reuse=True))]
    elif result.extra.get("mh"):    # an M(H) file: its loops take the fit figure's place
        from .mh import plot as mh_plot

        drawers = [("fit", lambda: _titled(mh_plot.loops(result.extra["mh"]), row.get("sample")))]
    need = set(formats) | ({"pdf"} if pages_as == "pdf" else set()) | ({"png"} if embed else set())
    from_pdf = "png" in need and _report_raster.available()  # PNG = the PDF rasterised: one draw
    if from_pdf:
        need.add("pdf")
    for kind, draw in drawers:
        try:
            fig = draw()
        except Exception as exc:  # noqa: BLE001 - a figure failing must not lose the row
            row["flags"] = "; ".join(filter(None, [row.get("flags"), f"{kind} figure: {_describe(exc)}"]))
            continue
        figs[kind] = fig
        raster = None
        for fmt in ("pdf", "png", "svg"):  # the PDF first: the PNG may be made from it
            if fmt not in need:
                continue
            if fmt == "png" and from_pdf:
                raster = _report_raster.rasterise(rendered[f"{kind}_pdf"], PNG_DPI)
                if fmt not in formats:  # only the HTML thumbnail needs it
                    continue
                rendered[f"{kind}_png"] = _report_raster.png_bytes(raster, PNG_DPI, PNG_COMPRESS)
            else:
                rendered[f"{kind}_{fmt}"] = _savefig(fig, fmt)
            if fmt in formats:
                name = f"{item['slug']}_{kind}.{fmt}"
                (fig_dir / name).write_bytes(rendered[f"{kind}_{fmt}"])
                item["figures"][f"{kind}_{fmt}"] = name
        if embed:
            small = _compact_png(raster if raster is not None else rendered[f"{kind}_png"])
            item["png_b64"][kind] = base64.b64encode(small).decode("ascii")
    if pages_as == "none":
        return
    try:
        with_scan = "scan" in figs and pages_as == "pdf"
        # the details page as text in the standard-14 fonts; drawn by matplotlib if a character needs it
        core14 = _report_pdf.core14_pages(item, _page_heading(row), with_scan) if pages_as == "pdf" else None
        details = [] if core14 is not None else _report_pdf.sample_pages(item, _page_heading(row), with_scan)
        if pages_as == "pdf":  # placed on A4 pages by the parent, in one pypdf pass
            pdfs = core14 if core14 is not None else _report_pdf.render_pages(details)
            item["pages"].append(("parts", (rendered.get("fit_pdf"), rendered.get("scan_pdf"), pdfs)))
        else:
            ordered = [figs[k] for k in ("fit",) if k in figs] + details
            ordered += [figs[k] for k in ("scan",) if k in figs]
            item["pages"] += [("pickle", pickle.dumps(fig)) for fig in ordered]
    except Exception as exc:  # noqa: BLE001 - a page failing must not lose the row
        row["flags"] = "; ".join(filter(None, [row.get("flags"), f"PDF pages: {_describe(exc)}"]))


def _savefig(fig: Any, fmt: str) -> bytes:
    """``fig`` drawn by matplotlib as ``fmt`` (png at :data:`PNG_DPI`, pdf, svg), at its own size."""
    from ._pdf_canvas import BACKEND
    from ._style import style

    buf = io.BytesIO()
    # Type 3 fonts as before (TrueType subsetting cost ~1 s per file)
    with style(**{"savefig.bbox": "standard", "pdf.fonttype": 3}):
        if fmt == "png":  # zlib level 6 (PIL's default) spent ~0.1 s per 200-dpi figure
            fig.savefig(buf, format=fmt, dpi=PNG_DPI, pil_kwargs={"compress_level": PNG_COMPRESS})
        elif fmt == "pdf":  # text measured once per process, not once per figure
            fig.savefig(buf, format=fmt, backend=BACKEND)
        else:
            fig.savefig(buf, format=fmt)
    return buf.getvalue()


def _page_heading(row: Mapping[str, Any]) -> str:
    from .plot import formula_mathtext

    name = str(row.get("sample") or Path(str(row["file"])).stem).replace("$", r"\$")
    formula = str(row.get("formula") or "")
    seg = f" (segment {row['segment']})" if row.get("segment") else ""
    if formula and formula != name:
        return f"{name} — {formula_mathtext(formula)}{seg}"
    return name + seg


def _compact_png(png: Any, width: int = 1000) -> bytes:
    """A PNG for embedding in report.html: shrunk by a whole factor to at most ``width`` pixels wide
    (a box filter: a 200-dpi figure becomes 100 dpi, text stays legible), 256-colour palette (fast
    octree keeps the flat Okabe-Ito colours exact): ~10x smaller than the 200-dpi file.

    ``png`` is the encoded PNG or the raster itself (a PIL image: no decoding).
    """
    from PIL import Image

    with (Image.open(io.BytesIO(png)) if isinstance(png, bytes) else contextlib.nullcontext(png)) as im:
        rgb = im.convert("RGB")
        factor = -(-rgb.width // width)
        if factor > 1:
            rgb = rgb.reduce(factor)
        quantized = rgb.quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    quantized.save(out, format="PNG", compress_level=PNG_COMPRESS)
    return out.getvalue()


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
@contextlib.contextmanager
def _gc_frozen() -> Iterator[None]:
    """The objects alive now (modules, matplotlib's and magfit's caches) out of the garbage collector's
    scans while the per-file work runs (``gc.freeze``; forked pool workers inherit it), back after:
    the figures' many short-lived objects trigger collections that re-walked them every time."""
    import gc

    from . import _pdf_canvas, _report_pdf, _report_raster, plot  # noqa: F401 - imported before the freeze

    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def build(paths_or_dir: Any, out_dir: str | os.PathLike, options: Any = None, executor: Any = None, *,
          progress: bool = True, formats: Sequence[str] = ("png", "pdf"), html_report: bool = True,
          pdf_report: bool = True, title: str = "magfit report", force: bool = False,
          defaults: Mapping[str, Any] | None = None, read_options: Mapping[str, Any] | None = None,
          embed_figures: bool | None = None, **fit_options: Any) -> Report:
    """Fit every data file and write summary.csv, per-sample figures, report.html and report.pdf.

    Parameters
    ----------
    paths_or_dir : path, directory or iterable of them
        Data files; folders are scanned and their non-data files skipped (listed in the report).
    out_dir : path
        Output folder: new, empty, or (with ``force``) an earlier report, which is replaced whole.
    options : dict, DataFrame or CSV/YAML path, optional
        Per-file sample options (see :func:`magfit.batch.load_options`).
        Default: ``magfit_options.csv`` (or ``.yaml``) in a given folder, if present. A row with
        ``skip=yes`` leaves that file out (e.g. an empty-holder run used as a background).
    executor : Executor, int, "process", "serial" or None
        Where the per-file work (reading, fitting, figures) runs; see :func:`magfit.batch.run_tasks`.
    progress : bool
        tqdm progress bar (on stderr).
    formats : sequence of "png", "pdf", "svg"
        Per-sample figure files.
    html_report, pdf_report : bool
        Write report.html / report.pdf.
    title : str
        Report heading.
    force : bool
        Replace an existing report in ``out_dir`` (never a folder holding other files).
    defaults : dict, optional
        Options for every file (same keys as the options table: formula, mass_mg, per_ion, ...);
        a file's header values and its options-table row win (:func:`magfit.batch.merge_options`).
    read_options : dict, optional
        Keyword arguments of :func:`magfit.read` for every file (``columns``, ``units``).
    embed_figures : bool, optional
        Embed the PNGs in report.html (default: up to :data:`EMBED_MAX_SAMPLES` files) instead of
        linking ``figures/``.
    **fit_options
        Passed to :func:`magfit.fit_curie_weiss` for every file.

    Returns
    -------
    Report

    Raises
    ------
    MagfitError
        Bad input or options; the output folder holds other files, holds a report (without
        ``force``), or another run is writing it.
    """
    import magfit

    fit_options = {"scan": True, **fit_options}  # the window-scan figure needs the T_min scan
    if options is None:
        options = default_options(paths_or_dir)
    exclude = [options] if isinstance(options, (str, os.PathLike)) else []
    files, skipped = collect_files(paths_or_dir, exclude=exclude)  # bad input fails before any output
    table = load_options(options)
    defaults_table = load_options({"*": dict(defaults)}) if defaults else []
    files, skipped_by_options = drop_skipped(files, table)
    skipped += skipped_by_options
    formats = tuple(dict.fromkeys(f.lower().lstrip(".") for f in formats))
    unknown = [f for f in formats if f not in FIGURE_FORMATS]
    if unknown:
        raise MagfitError(f"report: figure formats {unknown} not supported; use any of {FIGURE_FORMATS}")
    embed = (len(files) <= EMBED_MAX_SAMPLES) if embed_figures is None else bool(embed_figures)
    if not embed and html_report and "png" not in formats:
        formats = ("png", *formats)  # linked from report.html
    pages_as = "none" if not pdf_report else ("pdf" if _have_pypdf() else "pickle")
    out = Path(out_dir)
    with _OutputFolder(out, force) as folder:
        assert folder.tmp is not None
        fig_dir = folder.tmp / "figures"
        fig_dir.mkdir()
        default_opts = defaults_table[0][1] if defaults_table else {}
        tasks = [(i, str(p), options_for(p, table), dict(fit_options), str(fig_dir), formats, pages_as, embed,
                  default_opts, dict(read_options or {})) for i, p in enumerate(files)]

        def lost(i: int, exc: BaseException) -> list[dict[str, Any]]:
            row = _empty_row(tasks[i][1], Path(tasks[i][1]).stem, None)
            row["error"] = f"worker: {_describe(exc)}"
            return [{"row": row, "slug": _slug(i, tasks[i][1], ""), "figures": {}, "png_b64": {},
                     "pages": [], "evidence": [], "explanation": "", "provenance": {}, "sections": []}]

        with _gc_frozen():
            results = run_tasks(_report_task, tasks, executor=executor, progress=progress, desc="report",
                                on_error=lost)
        items = [item for per_file in results for item in per_file]
        report = Report(summary=_summary(items), out_dir=out, skipped=skipped, samples=items)
        context = {
            "title": title, "version": magfit.__version__, "embed": embed,
            "created": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "inputs": [str(p) for p in ([paths_or_dir] if isinstance(paths_or_dir, (str, os.PathLike))
                                        else paths_or_dir)],
            "options_source": str(options) if isinstance(options, (str, os.PathLike)) else
            ("in-memory table" if options is not None else "none"),
            "options_table": table, "defaults": default_opts, "read_options": dict(read_options or {}),
            "fit_options": dict(fit_options),
            # rows that matched a file left out by skip=yes did match: not a typo
            "unmatched": unmatched_options([*files, *(p for p, _ in skipped_by_options)], table),
            "platform": f"Python {platform.python_version()}, numpy {np.__version__}, "
                        f"pandas {pd.__version__}",
        }
        _write_outputs(folder.tmp, report, context, html_report, pdf_report, pages_as)
        folder.commit()
    report.files = {k: out / v.name for k, v in report.files.items()}
    for it in items:  # figures are written; keep the Report light
        it.pop("pages", None)
    return report


def _summary(items: list[dict[str, Any]]) -> pd.DataFrame:
    extra = [k for it in items for k in it["row"] if k not in SUMMARY_COLUMNS]
    summary = pd.DataFrame([it["row"] for it in items], columns=SUMMARY_COLUMNS + list(dict.fromkeys(extra)))
    for kind in ("fit", "scan"):
        summary[f"figure_{kind}"] = [it["figures"].get(f"{kind}_png", it["figures"].get(f"{kind}_pdf", ""))
                                     for it in items]
    return summary


def _write_outputs(folder: Path, report: Report, ctx: Mapping[str, Any], html_report: bool, pdf_report: bool,
                   pages_as: str) -> None:
    from . import _report_html, _report_pdf

    csv_path = folder / "summary.csv"
    report.summary.to_csv(csv_path, index=False)
    report.files["summary_csv"] = csv_path
    if html_report:
        html_path = folder / "report.html"
        html_path.write_text(_report_html.render(report, ctx), encoding="utf-8")
        report.files["html"] = html_path
    if pdf_report:
        pdf_path = folder / "report.pdf"
        report.pdf_pages = _report_pdf.write(pdf_path, report, ctx, have_pypdf=pages_as == "pdf")
        report.files["pdf"] = pdf_path


def _have_pypdf() -> bool:
    try:
        import pypdf  # noqa: F401
    except ImportError:
        return False
    return True
