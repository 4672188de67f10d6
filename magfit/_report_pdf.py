"""report.pdf: every page A4 landscape; summary table pages, footnote pages, then per sample its
fit panels and a details page (verdict, numbers, candidates, flags, explanation, evidence,
provenance, with the window scan on the right) -- everything report.html shows.

The workers render each sample's figures once as vector PDF and its details page as PDF text in
the standard-14 fonts (:func:`core14_pages`, :mod:`magfit._report_core14`; with matplotlib when a
character needs a font of its own); the parent puts them on A4 pages in one pypdf pass, each
figure as a Form XObject (its content stream carried over unparsed, scaled, not re-drawn). Without
pypdf the figures travel as pickles and are drawn here at page size.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from . import _report_format as fmt

#: the one page size of report.pdf (inches)
PAGE_SIZE = (11.69, 8.27)  # A4 landscape
PAGE_PT = (PAGE_SIZE[0] * 72.0, PAGE_SIZE[1] * 72.0)
#: summary rows per page of report.pdf
ROWS_PER_SUMMARY_PAGE = 24
#: footnotes per footnote page
NOTES_PER_PAGE = 40
#: the window scan's place on a details page, as (left, bottom, right, top) fractions of the page
SCAN_BOX = (0.56, 0.05, 0.98, 0.93)
#: longest text kept per summary column before wrapping (numbers are never shortened)
_CELL_CHARS = [64, 48, 200, 200, 200, 200, 200, 24, 200, 40, 40]


def _page() -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=PAGE_SIZE)


def summary_pages(report: Any, ctx: Mapping[str, Any]) -> list[Any]:
    """Summary table pages, then the numbered flag footnotes, as matplotlib Figures."""
    from ._style import style

    notes = fmt.Footnotes()
    rows = report.samples
    n_pages = max(1, math.ceil(len(rows) / ROWS_PER_SUMMARY_PAGE))
    heads = [h for h, _ in fmt.DISPLAY_COLUMNS]
    pages = []
    with style():
        for page in range(n_pages):
            fig = _page()
            ax = fig.add_axes((0.03, 0.04, 0.94, 0.80))
            ax.axis("off")
            head = f"{ctx['title']} — summary" + (f" ({page + 1}/{n_pages})" if n_pages > 1 else "")
            fig.text(0.03, 0.95, head, fontsize=14, weight="bold", parse_math=False)
            fig.text(0.03, 0.915, f"magfit {ctx['version']} · {ctx['created']} · {len(report.summary)} "
                     f"result(s), {report.n_failed} failed, {len(report.skipped)} skipped · "
                     f"per-file options: {ctx['options_source']} · ± stat ± sys: 1σ fit error and "
                     "systematic error; flags: footnotes after the table", fontsize=7.5, parse_math=False)
            chunk = rows[page * ROWS_PER_SUMMARY_PAGE:(page + 1) * ROWS_PER_SUMMARY_PAGE]
            cells = [[_shorten(fmt.cell(it["row"], key, notes), n)
                      for (_, key), n in zip(fmt.DISPLAY_COLUMNS, _CELL_CHARS, strict=True)] for it in chunk]
            if cells:
                height = (len(cells) + 1) / (ROWS_PER_SUMMARY_PAGE + 1)
                cells, widths = _two_line_cells(cells, heads)
                tab = ax.table(cellText=cells, colLabels=heads, cellLoc="left",
                               bbox=(0, 1 - height, 1, height), colWidths=widths)
                tab.auto_set_font_size(False)
                tab.set_fontsize(6.5)
                for (r, _c), c in tab.get_celld().items():
                    c.set_linewidth(0.3)
                    c.get_text().set_parse_math(False)
                    if r == 0:
                        c.set_facecolor("#eeeeee")
                    elif chunk[r - 1]["row"].get("error"):
                        c.set_facecolor("#fff0ec")
            else:
                ax.text(0, 1, "no data files found", va="top")
            pages.append(fig)
        items = notes.items()
        if report.skipped:
            items = items + [(0, "skipped", ", ".join(f"{Path(p).name} ({r})" for p, r in report.skipped))]
        for start in range(0, len(items), NOTES_PER_PAGE):
            lines = [("Flags (footnotes of the summary table) and skipped files", 12, {"weight": "bold"})]
            for n, key, full in items[start:start + NOTES_PER_PAGE]:
                text = f"{n}. {fmt.footnote_text(key, full)}"
                if n == 0:
                    text = f"Skipped: {full}"
                lines += [(part, 8, {}) for part in textwrap.wrap(text, 190)]
            pages += _text_pages(lines, width=0.94)
    return pages


#: characters of the summary table's 6.5-pt DejaVu Sans that fit across the table (0.94 of the A4 width,
#: ~3.6 pt per character, 80 % of each cell inside matplotlib's cell padding)
_TABLE_CHARS = 195
#: summary columns holding numbers (split only at a '±', never shortened)
_NUMBER_KEYS = {"mu_eff", "theta_K", "chi0_emu_mol", "C_emu_K_mol", "window", "confidence"}


def _split_number(text: str) -> list[str]:
    """'a ± b ± c' on two lines, broken at the '±' nearest the middle (a number is never cut)."""
    cuts = [i for i in range(len(text)) if text.startswith(" ± ", i)]
    if not cuts:
        return [text]
    cut = min(cuts, key=lambda i: abs(2 * i - len(text)))
    return [text[:cut], text[cut + 1:]]


def _two_line_cells(cells: list[list[str]], heads: list[str]) -> tuple[list[list[str]], list[float]]:
    """Summary cells of at most two lines and column widths that hold them: every number in full (a
    clipped '×10⁻³' would change its value), the text columns (sample, basis, label, candidates, flags)
    wrapped into what is left and shortened with '…' only beyond two lines."""
    keys = [key for _, key in fmt.DISPLAY_COLUMNS]
    numeric = [k in _NUMBER_KEYS for k in keys]
    need = []
    for j in range(len(keys)):
        texts = [row[j] for row in cells]
        if numeric[j]:
            longest = max((max(map(len, _split_number(t)) if len(t) > 14 else [len(t)]) for t in texts),
                          default=1)
        else:
            longest = max((math.ceil(len(t) / 2) + 2 if len(t) > 12 else len(t) for t in texts), default=1)
        need.append(max(longest, min(len(heads[j]), 12), 4))
    spare = _TABLE_CHARS - sum(n for n, is_num in zip(need, numeric, strict=True) if is_num)
    text_need = sum(n for n, is_num in zip(need, numeric, strict=True) if not is_num)
    if text_need > spare > 0:   # the text columns share what the numbers leave, in proportion
        need = [n if is_num else max(6, n * spare / text_need)
                for n, is_num in zip(need, numeric, strict=True)]
    widths = [n / sum(need) for n in need]
    out = []
    for row in cells:
        new = []
        for j, text in enumerate(row):
            cap = max(4, int(widths[j] * _TABLE_CHARS))
            if len(text) <= cap:
                new.append(text)
            elif numeric[j]:
                new.append("\n".join(_split_number(text)))
            else:
                lines = textwrap.wrap(text, cap, break_long_words=True) or [""]
                if len(lines) > 2:
                    lines = [lines[0], _shorten(" ".join(lines[1:]), cap)]
                new.append("\n".join(lines))
        out.append(new)
    return out, widths


def _shorten(text: str, n: int) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


# ----------------------------------------------------------------------------- details page
def _detail_lines(it: Mapping[str, Any], chars: int) -> list[tuple[str, float, dict]]:
    """The lines of a sample's details page: everything its HTML section holds."""
    row = it["row"]
    lines: list[tuple[str, float, dict]] = []

    def para(text: str, size: float = 8.0, **kw: Any) -> None:
        # chars fit at 8 pt proportional; monospace glyphs are ~15 % wider
        width = int(chars * 8.0 / size / (1.15 if kw.get("family") == "monospace" else 1.0))
        for part in textwrap.wrap(str(text), width) or [""]:
            lines.append((part, size, kw))

    para(f"file {row['file']}" + (f" · {row['basis']}" if row.get("basis") else ""), 7.5, color="0.3")
    if row.get("error"):
        para(f"Failed: {row['error']}", 9, color="#a33", weight="bold")
    else:
        conf = fmt.cell(row, "confidence")
        para(f"{row.get('label') or 'not classified'}" + (f" (confidence {conf})" if conf else ""), 10,
             weight="bold")
        if row.get("candidates"):
            para(f"Top candidate(s): {row['candidates']}")
        for name, value in fmt.numbers(row):
            para(f"{name}: {value}")
    if row.get("flags"):
        para("Flags:", weight="bold")
        for flag in str(row["flags"]).split("; "):
            para(f"• {flag}")
    if it.get("explanation"):
        para("Explanation:", weight="bold")
        para(it["explanation"])
    if row.get("reasons"):
        para(f"Reasons: {row['reasons']}")
    for section in it.get("sections", []):
        para(section["title"], weight="bold")
        para(section.get("text", ""))
    if it.get("evidence"):
        para("Classification evidence:", weight="bold")
        for r in it["evidence"]:
            text = " · ".join(str(v) for v in r.values() if str(v).strip())
            para(text, 6.5, family="monospace")
    if it.get("provenance"):
        para("Provenance:", weight="bold")
        for key, value in fmt.flatten(it["provenance"]):
            para(f"{key}: {value}", 6.0, family="monospace")
    return lines


def _paginate(lines: Sequence[tuple[str, float, dict]], heading: str | None = None,
              top: float = 0.95) -> list[tuple[str | None, list[tuple[float, float, dict, list[str]]]]]:
    """``lines`` top to bottom, paginated: per page its heading and its blocks (top, size, style,
    lines), a block being consecutive lines of one style."""
    pages: list[tuple[str | None, list[tuple[float, float, dict, list[str]]]]] = []
    y = 0.0
    for text, size, kw in lines:
        step = size * 1.32 / 72.0 / PAGE_SIZE[1]
        if not pages or y - step < 0.03:
            y = top
            head = None
            if heading:
                head = heading + (" (continued)" if pages else "")
                y -= 26.0 / 72.0 / PAGE_SIZE[1]
            pages.append((head, []))
        blocks = pages[-1][1]
        if not blocks or blocks[-1][1:3] != (size, kw):
            blocks.append((y, size, kw, []))
        blocks[-1][3].append(text)
        y -= step
    return pages


def _text_pages(lines: Sequence[tuple[str, float, dict]], width: float, heading: str | None = None,
                top: float = 0.95) -> list[Any]:
    """Figures holding ``lines`` top to bottom in a column of ``width`` (page fraction), paginated.

    Consecutive lines of one style are drawn as one :class:`magfit._report_text.TextBlock` (text
    layout is most of the cost of a page).
    """
    from ._report_text import TextBlock

    pages: list[Any] = []
    for head, blocks in _paginate(lines, heading, top):
        fig = _page()
        pages.append(fig)
        if head:
            fig.text(0.03, top, head, fontsize=13, weight="bold", va="top")
        for block_top, size, kw, block in blocks:
            fig.add_artist(TextBlock((0.03, block_top), list(block), size, **kw))
    return pages or [_page()]


#: where the standard-14 details pages put their lines: line pitch and first baseline below a
#: block's top, in font sizes (TextBlock's pitch: 1.25 x DejaVu Sans's 1 em line height; a line's
#: box, ~0.76 em above and ~0.24 em below its baseline, centred in it)
CORE14_PITCH, CORE14_ASCENT = 1.25, 0.9


def core14_pages(it: Mapping[str, Any], heading: str, with_scan: bool) -> list[bytes] | None:
    """A sample's details page(s) as one-page PDFs in the standard-14 fonts (:mod:`magfit._report_core14`),
    the same lines where :func:`sample_pages` puts them; None if a character needs matplotlib."""
    from . import _report_core14 as core14

    heading_text = core14.plain_subscripts(heading)  # the heading is mathtext (formula subscripts)
    if heading_text is None:
        return None
    width = SCAN_BOX[0] - 0.05 if with_scan else 0.94
    chars = int(width * PAGE_SIZE[0] * 72.0 / (8.0 * 0.55))
    out = []
    for head, blocks in _paginate(_detail_lines(it, chars), heading_text) or [(None, [])]:
        if head:
            blocks = [(0.95, 13.0, {"weight": "bold"}, [head]), *blocks]
        content = core14.page_content(blocks, PAGE_PT, 0.03, CORE14_PITCH, CORE14_ASCENT)
        if content is None:
            return None
        out.append(core14.one_page_pdf(content, PAGE_PT))
    return out


def sample_pages(it: Mapping[str, Any], heading: str, with_scan: bool) -> list[Any]:
    """The details page(s) of one sample (room on the right of the first for the window scan)."""
    from ._style import style

    width = SCAN_BOX[0] - 0.05 if with_scan else 0.94
    chars = int(width * PAGE_SIZE[0] * 72.0 / (8.0 * 0.55))
    with style():
        return _text_pages(_detail_lines(it, chars), width, heading=heading)


# ----------------------------------------------------------------------------- page assembly
def _form_xobject(writer: Any, figure_pdf: bytes) -> tuple[Any, float, float, float, float]:
    """The first page of ``figure_pdf`` as a Form XObject in ``writer``: (reference, x0, y0, w, h).

    The page's content stream is carried over as it is (decoded and re-compressed, not parsed
    into operators) with its resources, so placing a figure costs next to nothing.
    """
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DecodedStreamObject, FloatObject, NameObject

    page = PdfReader(io.BytesIO(figure_pdf)).pages[0]
    box = page.mediabox
    contents = page.get_contents()
    form = DecodedStreamObject()
    form.set_data(contents.get_data() if contents is not None else b"")
    form = form.flate_encode()
    form.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                 NameObject("/BBox"): ArrayObject([FloatObject(float(v)) for v in
                                                   (box.left, box.bottom, box.right, box.top)]),
                 NameObject("/Resources"): page["/Resources"].get_object().clone(writer)})
    return (writer._add_object(form), float(box.left), float(box.bottom), float(box.width),
            float(box.height))


def _place(writer: Any, page: Any, figure_pdf: bytes, box: tuple[float, float, float, float],
           name: str) -> None:
    """Draw the rendered PDF figure into ``box`` (page fractions) of ``page``, scaled, aspect kept."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    ref, left, bottom, w, h = _form_xobject(writer, figure_pdf)
    x0, y0 = box[0] * PAGE_PT[0], box[1] * PAGE_PT[1]
    bw, bh = (box[2] - box[0]) * PAGE_PT[0], (box[3] - box[1]) * PAGE_PT[1]
    s = min(bw / w, bh / h)
    tx = x0 + (bw - s * w) / 2 - s * left
    ty = y0 + (bh - s * h) / 2 - s * bottom
    resources = page.setdefault(NameObject("/Resources"), DictionaryObject()).get_object()
    xobjects = resources.setdefault(NameObject("/XObject"), DictionaryObject()).get_object()
    xobjects[NameObject(name)] = ref

    def stream(data: bytes) -> Any:
        obj = DecodedStreamObject()
        obj.set_data(data)
        return writer._add_object(obj)

    draw = stream(f"q {s:.6f} 0 0 {s:.6f} {tx:.4f} {ty:.4f} cm {name} Do Q".encode("ascii"))
    old = page.get("/Contents")
    if old is None:
        page[NameObject("/Contents")] = draw
    else:  # the page's own drawing keeps its graphics state to itself
        old = old.get_object()
        parts = list(old) if isinstance(old, ArrayObject) else [page.raw_get("/Contents")]
        page[NameObject("/Contents")] = ArrayObject([stream(b"q"), *parts, stream(b"Q"), draw])


def render_pages(detail_figs: Sequence[Any]) -> list[bytes]:
    """The details page Figures as one-page PDFs (in the worker; the parent places them)."""
    from ._pdf_canvas import BACKEND
    from ._style import style

    out = []
    for fig in detail_figs:
        buf = io.BytesIO()
        # the page's size; Type 3 fonts: TrueType subsetting (fontTools) tripled the report's CPU time
        with style(**{"savefig.bbox": "standard", "pdf.fonttype": 3}):
            fig.savefig(buf, format="pdf", bbox_inches=None, backend=BACKEND)
        out.append(buf.getvalue())
    return out


def add_sample_pages(writer: Any, fit_pdf: bytes | None, scan_pdf: bytes | None,
                     detail_pdfs: Sequence[bytes]) -> None:
    """Append one sample's pages to ``writer``: its fit panels on a page, then its details with the scan.

    The figures, rendered once as vector PDF, are placed as Form XObjects (scaled, not re-drawn).
    """
    from pypdf import PdfReader

    if fit_pdf is not None:
        blank = writer.add_blank_page(width=PAGE_PT[0], height=PAGE_PT[1])
        _place(writer, blank, fit_pdf, (0.02, 0.02, 0.98, 0.98), "/MagfitFit")
    for k, blob in enumerate(detail_pdfs):
        page = writer.add_page(PdfReader(io.BytesIO(blob)).pages[0])
        if k == 0 and scan_pdf is not None:
            _place(writer, page, scan_pdf, SCAN_BOX, "/MagfitScan")


def at_page_size(fig: Any) -> Any:
    """A figure resized to the report's page size (fallback without pypdf)."""
    fig.set_size_inches(*PAGE_SIZE)
    return fig


def write(path: Path, report: Any, ctx: Mapping[str, Any], have_pypdf: bool) -> int:
    """Write report.pdf: summary pages then every sample's pages; returns the page count."""
    import pickle

    from matplotlib.backends.backend_pdf import PdfPages

    from ._style import style

    title, creator = str(ctx["title"]), f"magfit {ctx['version']}"
    summary_buf = io.BytesIO()
    n = 0
    rc = {"savefig.bbox": "standard", "pdf.fonttype": 3}
    with style(**rc), PdfPages(summary_buf if have_pypdf else path,
                               metadata={"Title": title, "Creator": creator}) as pdf:
        for fig in summary_pages(report, ctx):
            pdf.savefig(fig, bbox_inches=None)
            n += 1
        if not have_pypdf:
            for it in report.samples:
                for kind, blob in it.get("pages", []):
                    if kind == "pickle":
                        pdf.savefig(at_page_size(pickle.loads(blob)), bbox_inches=None)  # noqa: S301
                        n += 1
    if not have_pypdf:
        return n
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(summary_buf))
    for it in report.samples:
        for kind, blob in it.get("pages", []):
            if kind == "parts":  # figures and details pages rendered in the worker, placed here once
                add_sample_pages(writer, *blob)
            else:  # pickled figure from a worker without pypdf
                buf = io.BytesIO()
                at_page_size(pickle.loads(blob)).savefig(buf, format="pdf", bbox_inches=None)  # noqa: S301
                writer.append(PdfReader(buf))
    writer.add_metadata({"/Title": title, "/Creator": creator})
    with open(path, "wb") as fh:
        writer.write(fh)
    return len(writer.pages)
