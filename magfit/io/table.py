"""CSV / TSV / whitespace tables, spreadsheet sheets and Lake Shore VSM CSV exports.

Columns are recognised from their name and unit (:mod:`magfit.io.names`, units through pint in
:mod:`magfit.unit_parse`): ``T (K)``, ``T / K``, ``Temp, °C``, ``chi (emu/mol)``,
``χM / cm3 mol−1``, ``χMT / cm3 K mol−1``, ``chiT_emu_K_mol``, ``1/chi (mol/emu)``,
``mu_eff (μB)``, ``chi_g (m^3/kg)``, ``M (emu)``, ``μ0H (T)`` ... A column without a unit gets
its quantity's default (K, Oe, emu, emu/mol, emu K/mol, mol/emu, μB, s). Explicit
``read(..., columns={...}, units={...})`` wins; a column may be given by name or 1-based index.

Layouts: comma, semicolon, tab or whitespace delimited; decimal comma (told apart from a comma
delimiter by the field counts of header and rows); the header line may start with ``#``; Origin
exports with a long-name row, a units row and a comments row above the data (the units are
appended to the names, the comments row is recorded and ignored). A table without a header is
an error that shows the first row and how to name the columns (or read it with 1-based
column indices). Tables written by ``ChiT.to_frame()`` read back as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import FormatError, UnitsError
from . import Source, _open_text, register
from ._parse import _TextStream, clean_names, count_lines, finish, parse_data, split_fields
from .names import match_names, split_name

__all__ = ["TableReader", "LakeShoreReader", "match_table_columns", "split_name"]

_NUMERIC_TOKEN = re.compile(r"^[-+]?(\d+(?:\.\d*)?|\.\d+)([eEdD][-+]?\d+)?$|^[-+]?(nan|inf)$", re.IGNORECASE)
_DECIMAL_COMMA = re.compile(r"^[-+]?\d*,\d+([eE][-+]?\d+)?$")
_COMMENT = ("#", "%", "!", "//", ";")
#: cells that mark a missing value (a data row, not text): counted as non-numeric when read
_MISSING = frozenset({"--", "-", "---", "n/a", "na", "#n/a", "nan", "null", "none", "*", "?", "#value!",
                      "#div/0!", "inf", "-inf", "+inf"})
#: (delimiter, decimal mark) tried in this order
_LAYOUTS = (("\t", "."), ("\t", ","), (";", "."), (";", ","), (",", "."), (r"\s+", "."), (r"\s+", ","),
            (",", ","))     # the last: a comma-separated file of quoted decimal-comma numbers ("2,5","1,25")
_DELIMITER_NAMES = {"\t": "tab", ",": "comma", ";": "semicolon"}
#: families that hold a susceptibility-like quantity (their unit errors are reported first)
_CHI_FAMILIES = ("chi", "chi_mass", "chi_volume", "chiT", "inverse_chi", "mu_eff")
_CHI_LIKE = ("chi_emu_mol", "chi_emu_g", "chi_volume_cgs", "chiT_emu_K_mol", "inverse_chi_mol_emu",
             "mu_eff_muB", "chi_sample_emu_Oe")
_QUANTITY_CANONICAL = (*_CHI_LIKE, "moment_emu", "moment_muB_fu", "magnetization_emu_g",
                       "magnetization_emu_mol")


def match_table_columns(names: list[str], path: str | None = None, units: dict[str, str] | None = None
                        ) -> tuple[dict[str, str], dict[str, tuple[float, float, str]], list[str]]:
    """Canonical mapping of table columns by name and unit.

    Parameters
    ----------
    names : list of str
        Column names as written.
    path : str, optional
        File name (unused; kept for compatibility).
    units : dict, optional
        Units of some columns, keyed by original name (replace the unit in the name).

    Returns
    -------
    (columns, conversions, notes)
        canonical -> original, canonical -> (factor, offset, unit), and notes on conventions
        applied and on columns that look like a known quantity but have a unit not understood.
    """
    m = match_names(names, units)
    return m.columns, m.conversions, m.notes


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith(_COMMENT)


def _fields(line: str, sep: str) -> list[str]:
    if sep == r"\s+":
        return line.split()
    out = split_fields(line, sep)
    while out and not out[-1].strip():
        out.pop()
    return out


def _numeric_fields(line: str, sep: str, decimal: str) -> int | None:
    """Number of fields when ``line`` is a data row under (sep, decimal), else None."""
    if sep != r"\s+" and sep not in line:
        return None
    f = [x.strip() for x in _fields(line, sep)]
    filled = [x for x in f if x and x.lower() not in _MISSING]
    if not filled and len(f) >= 2 and any(f):
        return len(f)          # a row of missing-value marks ('--,N/A') is a data row without data
    commas = any(_DECIMAL_COMMA.match(x) for x in filled)
    if decimal == ",":
        if not commas:
            return None
        filled = [x.replace(",", ".") for x in filled]
    elif commas and sep != ",":
        return None    # '1,5' cells: a decimal comma, tried next
    nums = sum(bool(_NUMERIC_TOKEN.match(x)) for x in filled)
    if len(f) >= 2 and nums >= max(1, (len(filled) + 1) // 2):
        return len(f)
    return None


def _numeric_line(line: str, sep: str) -> bool:
    return _numeric_fields(line, sep, ".") is not None or _numeric_fields(line, sep, ",") is not None


@dataclass
class Layout:
    """Where the names, units and data of a table are, and how its rows are split."""

    data_index: int
    sep: str
    decimal: str
    width: int
    header_rows: list[int] = field(default_factory=list)   # 0-based line indices, top to bottom


def _data_layout(lines: list[str], i: int) -> tuple[str, str, int] | None:
    """(sep, decimal, width) when line ``i`` starts a block of data rows."""
    candidates = [ln for ln in lines[i + 1:i + 9] if ln.strip() and not _is_comment(ln)]
    for sep, decimal in _LAYOUTS:
        width = _numeric_fields(lines[i], sep, decimal)
        if width is None:
            continue
        # rows of empty cells (',,') are blank rows of a spreadsheet export: counted later, not data
        nxt = [ln for ln in candidates if sep == r"\s+" or ln.replace(sep, "").strip()][:3]
        widths = [_numeric_fields(ln, sep, decimal) for ln in _until_repeated_names(nxt, lines, i)]
        if all(w == width for w in widths):
            return sep, decimal, width
        if sep != r"\s+" and all(w is not None for w in widths) and all(
                len(split_fields(ln, sep)) == len(split_fields(lines[i], sep)) for ln in nxt[:len(widths)]):
            # same number of delimiters, a text column empty in some rows ('ZFC,2.0,1000,5e-4,'
            # then ',2.1,1000,4e-4,warm'): the trailing empty cell made the rows look narrower
            return sep, decimal, max([width, *widths])
    return None


def _until_repeated_names(nxt: list[str], lines: list[str], i: int) -> list[str]:
    """The look-ahead rows up to a repeat of the names line above row ``i`` (files pasted together:
    a short first block is still data; the repeat is dropped and counted by the reader)."""
    above = lines[i - 1].strip() if i > 0 else None
    for k, ln in enumerate(nxt):
        if above and ln.strip() == above:
            return nxt[:k]
    return nxt


def _header_block(lines: list[str], i: int, sep: str, width: int) -> list[int]:
    """Indices (top to bottom) of the name / units / comment rows right above data line ``i``."""
    block: list[int] = []
    j = i - 1
    while j >= 0 and len(block) < 4:
        line = lines[j]
        if sep != r"\s+" and sep in line and not line.replace(sep, "").strip():
            j -= 1                            # an empty Origin comments row
            continue
        if not line.strip():
            break
        if _is_comment(line):
            text = line.lstrip().lstrip("#%!;/").strip()
            cells = _comment_cells(text, sep, width)
            if not block and len(cells) >= max(2, width - 1) and (
                    line.lstrip().startswith("#") or any(split_name(c)[2] for c in cells)
                    or _comment_names_above(lines, j, sep, cells)):   # '% T chi' over '% K cm3/mol'
                block.append(j)                 # '# T (K), chi (emu/mol)' or '% T chi' header line
                if _comment_names_above(lines, j, sep, cells):
                    block.append(j - 1)         # '# T chi' over '# K emu/mol': names, then units
            break
        n_cells = len(line.split()) if sep == r"\s+" else len(split_fields(line, sep))
        if n_cells < 2 or _numeric_line(line, sep):
            break
        block.append(j)
        j -= 1
    return block[::-1]


def _comment_names_above(lines: list[str], j: int, sep: str, cells: list[str]) -> bool:
    """Line ``j`` is a commented row without quantity names (a units row such as ``# K emu/mol``)
    and the commented line above it names the same number of columns (``# T chi``)."""
    if j == 0 or not _is_comment(lines[j - 1]) or any(split_name(c)[2] for c in cells):
        return False
    above = _comment_cells(lines[j - 1].lstrip().lstrip("#%!;/").strip(), sep, len(cells))
    return len(above) == len(cells) and sum(bool(split_name(c)[2]) for c in above) * 2 >= len(above)


def find_layout(lines: list[str]) -> Layout | None:
    """The first block of data rows and the header rows above it (None when there is no data)."""
    for i, line in enumerate(lines):
        if not line.strip() or _is_comment(line):
            continue
        found = _data_layout(lines, i)
        if found is None:
            continue
        sep, decimal, width = found
        return Layout(i, sep, decimal, width, _header_block(lines, i, sep, width))
    return None


def _split_ws_names(line: str, width: int) -> list[str]:
    """Whitespace tables: names may contain single spaces ("Temp (K)"); try 2+ spaces first, then
    units in brackets kept with the name before them ("Temp (K) Moment (emu) Field (Oe)")."""
    two = [x for x in re.split(r"\s{2,}|\t", line.strip()) if x]
    if len(two) == width:
        return two
    bracketed = [x for x in re.split(r"\s+(?![(\[])", line.strip()) if x]
    if len(bracketed) == width:
        return bracketed
    return line.split()


def _comment_cells(text: str, sep: str, width: int) -> list[str]:
    """Cells of a commented header line; '% T chi' over tab-separated data is split at spaces."""
    if sep == r"\s+":
        return _split_ws_names(text, width)
    cells = _fields(text, sep)
    return cells if len(cells) >= 2 else _split_ws_names(text, width)


def _row(line: str, sep: str, width: int) -> list[str]:
    text = line.lstrip()
    if _is_comment(text):
        text = text.lstrip("#%!;/").strip()
        text = _TRAILING_COMMENT.sub(r"\1", text)
        return [c.strip().strip('"').strip() for c in _comment_cells(text, sep, width)]
    elif sep == "\t" and line.startswith("\t") and len(_fields(line, sep)) == width:
        text = line.lstrip(" ")     # leading empty cells (a sheet whose table starts in column C) are columns
    text = _TRAILING_COMMENT.sub(r"\1", text)   # 'chi (emu/mol)   # ZFC, 2 kOe': a comment, not names
    cells = _split_ws_names(text, width) if sep == r"\s+" else _fields(text, sep)
    return [c.strip().strip('"').strip() for c in cells]


_TRAILING_COMMENT = re.compile(r"([)\]])\s+#[^)\]]*$")


def _looks_like_units(cells: list[str]) -> bool:
    """A row of unit texts (Origin's units row): most non-empty cells parse as units."""
    from ..unit_parse import normalise, registry

    filled = [c for c in cells if c]
    if not filled:
        return False
    ok = 0
    for c in filled:
        if _NUMERIC_TOKEN.match(c):
            continue
        try:
            registry().parse_expression(normalise(c))
            ok += 1
        except Exception:  # noqa: BLE001 - pint raises many kinds; "not a unit" is the answer
            continue
    return ok >= max(1, (len(filled) + 1) // 2)


def column_names(lines: list[str], layout: Layout) -> tuple[list[str], dict[str, object]]:
    """Column names from the header rows: the names row, plus units from an Origin units row.

    Returns
    -------
    (names, info)
        ``info`` records the units row and ignored rows (line numbers are 1-based).
    """
    rows = [(j, _row(lines[j], layout.sep, layout.width)) for j in layout.header_rows]
    info: dict[str, object] = {}
    if len(rows) == 1:
        return rows[0][1], {"column_names_line": rows[0][0] + 1}
    scores = [sum(bool(split_name(c)[2]) for c in cells) for _j, cells in rows]
    k = max(range(len(rows)), key=lambda r: (scores[r], -r))
    names_j, names = rows[k]
    units_row = next(((j, cells) for j, cells in rows[k + 1:] if _looks_like_units(cells)), None)
    if units_row is not None:
        uj, units = units_row
        units = [_unbracket(u) for u in units]
        names = [f"{n} ({u})" if u and n and split_name(n)[1] is None else n
                 for n, u in zip(names, units + [""] * (len(names) - len(units)), strict=False)]
        info["units_row_line"] = uj + 1
    ignored = [j + 1 for j, _c in rows if j != names_j and (units_row is None or j != units_row[0])]
    if ignored:
        info["header_rows_ignored"] = ignored
    info["column_names_line"] = names_j + 1
    return names, info


def _unbracket(unit: str) -> str:
    """A units-row cell without its brackets: ``[K]``, ``(emu/mol)`` -> ``K``, ``emu/mol``."""
    u = unit.strip()
    if len(u) > 2 and u[0] + u[-1] in ("[]", "()") and u[1:-1].count(u[0]) == 0:
        return u[1:-1].strip()
    return u


def _count_rows_under_names(info: dict, names_line: int | None, first_data_line: int) -> None:
    """Lines between the column names and the first data row (an Origin units or comments row, a
    repeated names line) are not data: count them in ``dropped_rows`` so every line is accounted for."""
    if names_line is None or first_data_line - names_line <= 1:
        return
    dropped = dict(info.get("dropped_rows") or {})
    reason = "header row under the column names (units, comments or a repeated names line)"
    dropped[reason] = dropped.get(reason, 0) + first_data_line - names_line - 1
    info["dropped_rows"] = dropped


def _no_header_error(source: Source, lines: list[str], layout: Layout) -> FormatError:
    first = lines[layout.data_index].strip()
    n = layout.width
    example_names = ["T (K)", "chi (emu/mol)", "chi_err (emu/mol)"][:n] + [f"col{k}" for k in range(4, n + 1)]
    delim = {"\t": "<tab>", ";": ";", ",": ","}.get(layout.sep, " ")
    return FormatError(
        f"no header line naming the columns; the first row is {first[:120]!r} ({n} columns)",
        path=source.name, line=layout.data_index + 1,
        hint=f"add a first line naming them, e.g. {delim.join(example_names)!r} (or 'T (K)', "
             "'chiT (emu K/mol)', '1/chi (mol/emu)', 'M (emu)' + 'H (Oe)'), or give the columns by "
             "1-based index: read(path, columns={'temperature_K': 1, 'chi_emu_mol': 2}) "
             "(CLI: --column temperature_K=1 --column chi_emu_mol=2)")


def _resolve_indices(user_columns: dict | None, names: list[str], path: str) -> dict[str, str] | None:
    """columns={canonical: 1-based index} -> {canonical: name}."""
    if not user_columns:
        return user_columns
    out = {}
    for canon, value in user_columns.items():
        if isinstance(value, int) and not isinstance(value, bool):
            if not 1 <= value <= len(names):
                raise FormatError(f"column index {value} (given for {canon}) is out of range 1..{len(names)}",
                                  path=path, hint="columns are counted from 1: " + ", ".join(
                                      f"{k + 1}={n!r}" for k, n in enumerate(names[:20])))
            value = names[value - 1]
        out[canon] = value
    return out


def _settle_empty_columns(match, frame, user_columns: dict | None) -> None:
    """Columns empty in every row, settled in one pass over the data.

    1. A quantity's first column empty in every row gives way to its next column with data: columns
       copied from an MPMS3 DC-scan file hold an empty 'Moment (emu)' (VSM mode) before the filled
       'DC Moment Fixed/Free Ctr (emu)'; reading the empty one would drop every row.
    2. A susceptibility-like or moment column still empty is not the table's quantity when another
       one holds data (an MPMS3 file copied without its header has an empty 'AC Susceptibility
       (emu/Oe)' beside the filled DC moment): it is unmapped, with a note. Columns the user mapped
       are kept.
    """
    has_data = frame.notna().any().to_dict()      # the one pass over the cells
    for canon, name in list(match.columns.items()):
        if has_data.get(name, True):
            continue
        for alt, factor, offset, unit in match.alternates.get(canon, []):
            if has_data.get(alt, False):
                match.columns[canon] = alt
                match.conversions.pop(canon, None)
                if factor != 1.0 or offset != 0.0:
                    match.conversions[canon] = (factor, offset, unit)
                match.notes.append(f"column {name!r} is empty in every row; {canon} read from {alt!r}")
                break
    present = [c for c in _QUANTITY_CANONICAL if c in match.columns]
    filled = {c: bool(has_data.get(match.columns[c], False)) for c in present}
    if not any(filled.values()):
        return
    for canon in present:
        if not filled[canon] and canon not in (user_columns or {}):
            name = match.columns.pop(canon)
            match.conversions.pop(canon, None)
            match.notes.append(f"column {name!r} ({canon}) is empty in every row: not used")


def _check_chi_units(match, mapping: dict[str, str], path: str) -> None:
    """A column that looks like chi with a unit not understood, and no chi mapped: say so first.

    A table that has a usable moment column (e.g. the columns of an MPMS3 file copied without its
    header, whose 'AC Susceptibility (emu/Oe)' is the sample's, not molar) is read from that column;
    the chi-like column stays in the notes ("not used")."""
    if any(c in mapping for c in _QUANTITY_CANONICAL):
        return
    for name, _unit, family, message in match.unit_errors:
        if family in _CHI_FAMILIES:
            raise UnitsError(f"{path}: {message}. Give the unit with read(..., units={{{name!r}: '<unit>'}}) "
                             f"(CLI: --unit '{name}=<unit>') or map another column with --column")


_PER_TEMPERATURE = re.compile(r"(?i)^(m|mag\w*|moment|chi|χ\w*|x|susc\w*)[\s_(@=-]*(t\s*=\s*)?"
                              r"\d+(\.\d+)?\s*k\b")


def _check_wide_table(names: list[str], match, user_columns: dict | None, path: str) -> None:
    """One M (or chi) column per temperature ('M_2K (emu)', 'M_5K (emu)'): say so, instead of a
    misleading 'no temperature column'."""
    if user_columns or any(c in match.columns for c in _QUANTITY_CANONICAL):
        return
    wide = [n for n in names if _PER_TEMPERATURE.match(n.strip())]
    if len(wide) >= 2:
        raise FormatError(
            f"a wide table: one column per temperature ({', '.join(repr(w) for w in wide[:4])}); magfit "
            "reads long tables, one row per point with its temperature", path=path,
            hint=f"reshape to columns 'T (K)', 'H (Oe)', 'M (emu)', or read one column: "
                 f"read(path, columns={{'moment_emu': {wide[0]!r}}}) (CLI: --column moment_emu='{wide[0]}')")


#: a field column without a unit whose values all stay within this is ambiguous: tesla (a magnet's
#: range, up to 16 T) or a few Oe?  Read as Oe it would make chi = M/H 10^4 times too large.
UNITLESS_FIELD_MAX = 16.0


def _check_unitless_field(frame, match, user_columns: dict, user_units: dict, path: str) -> None:
    """A field column named without a unit ('H', 'Field') whose |values| are all <= 16: refuse to guess.
    A column the user mapped or gave a unit is theirs."""
    name = match.columns.get("field_Oe")
    if name is None or split_name(name)[1] is not None:
        return
    if {name, "field_Oe"} & set(user_units) or "field_Oe" in user_columns or name in user_columns.values():
        return
    values = pd.to_numeric(frame[name], errors="coerce").abs()
    top = values.max()
    if not (top > 0) or top > UNITLESS_FIELD_MAX:
        return
    raise UnitsError(f"{path}: column {name!r} (the field) has no unit and its values stay within {top:g}: "
                     f"tesla or oersted? Give the unit: read(..., units={{'field_Oe': 'T'}}) (or 'Oe') "
                     "(CLI: --unit field_Oe=T)")


@register
class TableReader:
    """Generic delimited tables with a header line (registered as ``"table"``)."""

    name = "table"

    def sniff(self, head_lines: list[str], filename: str) -> float:
        """0.5 when a header line names a known quantity, 0.3 for other headers, 0.2 without header.

        A Quantum Design ``[Header]``/``[Data]`` file scores 0.1 at once (the QD reader takes it), so
        reading one never loads the unit registry (pint costs ~0.5 s to import).
        """
        marks = ("[Header]", "[Data]")
        if any(line.strip().strip(",;\t ").strip().strip('"') in marks for line in head_lines):
            return 0.1
        layout = find_layout(head_lines)
        if layout is None:
            return 0.0
        if not layout.header_rows:
            return 0.2
        names, _ = column_names(head_lines, layout)
        return 0.5 if any(split_name(n)[2] for n in names) else 0.3

    def read(self, source: Source, *, columns: dict | None = None, units: dict[str, str] | None = None):
        """Parse a delimited table into a Measurement."""
        lines = _join_quoted_newlines(source.head_lines(n_lines=2000))
        layout = find_layout(lines)
        if layout is None:
            raise FormatError("no rows of numbers found", path=source.name,
                              hint="a table needs a header line such as 'T (K),chi (emu/mol)' followed by "
                                   "rows of numbers")
        idx = layout.data_index
        if layout.header_rows:
            names_raw, header_info = column_names(lines, layout)
        elif columns and all(isinstance(v, int) for v in columns.values()):
            names_raw, header_info = [f"column {k + 1}" for k in range(layout.width)], {"no_header": True}
        else:
            raise _no_header_error(source, lines, layout)
        top = layout.header_rows[0] if layout.header_rows else idx
        header_lines = lines[:top]
        if _row_names_first(lines, layout, names_raw):    # R write.table: a names line one field short
            names_raw = ["row.names", *names_raw]
            header_info["row_names_column"] = "the header names one column fewer than the rows hold and the "\
                "first column is quoted labels or 1, 2, 3...: read as row names (R write.table)"
        names, renamed = clean_names([n.strip().lstrip("#").strip() for n in names_raw])
        columns = _resolve_indices(columns, names, source.name)
        data_start = _byte_offset(source.raw, idx) + source.bom_len * (idx == 0)
        first_data_line = idx + 1
        grouped: list[int] = []
        stream, fallback = _data_stream(source, data_start, layout.decimal, layout.sep, grouped)
        frame, names, info = parse_data(stream, names=names, sep=layout.sep, encoding=source.encoding,
                                        path=source.name, first_line=first_data_line,
                                        text_for_fallback=fallback)
        if len(frame) == 0:
            raise FormatError("no data rows after the column names", path=source.name, line=first_data_line)
        if layout.sep == r"\s+" and frame.isna().to_numpy().any():   # short rows: blank cells in the middle?
            frame = _realign(frame, fallback(), names, source.name, first_data_line, info)
        header_cells = [_row(lines[j], layout.sep, layout.width) for j in layout.header_rows]
        if layout.decimal == ",":    # the data stream had its decimal commas made points: so must these
            header_cells = [[c.replace(",", ".") for c in cells] for cells in header_cells]
        frame = _drop_repeated_headers(frame, header_cells, info, source.name, first_data_line)
        unit_by_name = {k: v for k, v in (units or {}).items() if k in names}
        match = match_names(names, unit_by_name)
        _settle_empty_columns(match, frame, columns)
        _check_chi_units(match, {**match.columns, **(columns or {})}, source.name)
        _check_unitless_field(frame, match, columns or {}, units or {}, source.name)
        _check_wide_table(names, match, columns, source.name)
        names_line = header_info.pop("column_names_line", None)
        _count_rows_under_names(info, names_line, first_data_line)
        provenance = {"reader": self.name, "encoding": source.encoding,
                      "delimiter": _DELIMITER_NAMES.get(layout.sep, "whitespace"),
                      "decimal": "comma" if layout.decimal == "," else "point",
                      "column_names_line": names_line, **header_info, **info}
        if renamed:
            provenance["renamed_columns"] = renamed
        if match.notes:
            provenance["notes"] = [*provenance.get("notes", []), *match.notes]
        side = _side_by_side(match, columns)
        if side:
            provenance.setdefault("warnings", []).append(side)
        if grouped:
            provenance["thousands_separators"] = [names[k] for k in grouped if k < len(names)]
            provenance.setdefault("notes", []).append(
                f"thousands separators ('10.000', '1.234,5') removed in {provenance['thousands_separators']}")
        header = _header_from_comments(header_lines)
        chi_like = set(_CHI_LIKE)
        is_chi = chi_like & set(match.columns) or chi_like & set(columns or {})
        variant = "chi table" if is_chi else "moment table"
        moments = set(_QUANTITY_CANONICAL[len(_CHI_LIKE):])
        mapped = set(match.columns) | set(columns or {})
        has_mh = {"field_Oe"} <= mapped and (moments & mapped)
        return finish(source, frame, header=header, header_lines=header_lines, instrument="table",
                      variant=variant, columns=match.columns, conversions=match.conversions,
                      provenance=provenance, first_data_line=first_data_line, user_columns=columns,
                      user_units=units, require_temperature=not has_mh)


def _realign(frame, text: str, names: list[str], path: str, first_line: int, info: dict):
    from ._fixed_width import realign_short_rows

    frame, fixed = realign_short_rows(frame, text, names, path, first_line)
    for key in ("notes", "warnings"):
        if fixed.get(key):
            info.setdefault(key, []).extend(fixed.pop(key))
    info.update(fixed)
    return frame


def _join_quoted_newlines(lines: list[str], limit: int = 60) -> list[str]:
    """Header cells with a line break inside quotes ('"Temperature<newline>(K)"', Alt+Enter in Excel)
    joined into one line, with empty lines before it so that every later line keeps its number."""
    out = list(lines)
    i = 0
    while i < min(len(out), limit):
        if any(_numeric_line(out[i], sep) for sep in (",", ";", "\t", r"\s+")):
            return out                        # the data begin: only header lines are joined
        if out[i].count('"') % 2 == 0:
            i += 1
            continue
        k = i + 1
        while k < min(len(out), i + 6) and sum(out[j].count('"') for j in range(i, k + 1)) % 2:
            if any(_numeric_line(out[k], sep) for sep in (",", ";", "\t", r"\s+")):
                return lines                  # a literal quote in a name ('m" (emu)'), not a line break
            k += 1
        if k >= len(out) or sum(out[j].count('"') for j in range(i, k + 1)) % 2:
            return lines                      # never closed: not a quoted line break
        out[i:k + 1] = [""] * (k - i) + [" ".join(out[i:k + 1])]
        i = k + 1
    return out


def _row_names_first(lines: list[str], layout: Layout, names: list[str]) -> bool:
    """True when the rows have one field more than the names line and that first field is a row name:
    quoted text ('"1" 2.0 0.27', R's write.table default) or the row numbers 1, 2, 3 ..."""
    if len(names) != layout.width - 1:
        return False
    start = layout.data_index
    rows = [ln for ln in lines[start:start + 20] if ln.strip() and not _is_comment(ln)]
    firsts = [(_fields(ln.strip(), layout.sep) or [""])[0].strip() for ln in rows]
    if firsts and all(len(f) > 1 and f[0] == f[-1] == '"' for f in firsts):
        return True
    return firsts == [str(k + 1) for k in range(len(firsts))]


def _side_by_side(match, user_columns: dict | None) -> str | None:
    """Two blocks of columns side by side (ZFC in A-B, FC in D-E: a second temperature column and a
    second column of the same quantity): only the first is read; say so and how to read the other."""
    if user_columns or "temperature_K" not in match.alternates:
        return None
    canon = next((c for c in _QUANTITY_CANONICAL if c in match.alternates), None)
    if canon is None:
        return None
    t2, q2 = match.alternates["temperature_K"][0][0], match.alternates[canon][0][0]
    return (f"columns {t2!r}, {q2!r} ignored: a second block side by side; only the first "
            f"({match.columns['temperature_K']!r}, {match.columns[canon]!r}) is read. Read the other with "
            f"--column temperature_K='{t2}' --column {canon}='{q2}'")


_REPEATED_HEADER = "repeated header line (files pasted together)"


def _drop_repeated_headers(frame, header_cells: list[list[str]], info: dict, path: str, first_line: int):
    """Header rows repeated between data rows (two exports pasted into one file) are dropped and counted.

    A row of text whose cells equal the names row (or a units / comments row of the header) is a
    repeated header: counted in ``dropped_rows``. A row of column names that *differs* from the
    header (the second file had other columns, or another order) is an error naming the line: mixing
    the two silently would pair the wrong columns.
    """
    text_cols = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c].dtype)]
    if not text_cols or not header_cells:
        return frame
    text = frame[text_cols]
    filled = text.notna()
    numeric = text.apply(lambda s: s.astype(str).str.strip().str.match(_NUMERIC_CELL)) & filled
    texty = (filled & ~numeric).sum(axis=1)
    no_numbers = ~numeric.any(axis=1)
    if len(text_cols) < frame.shape[1]:     # the numeric columns of a header row are empty
        no_numbers &= frame.drop(columns=text_cols).isna().all(axis=1)
    names_row = max(header_cells, key=lambda cells: sum(bool(c) for c in cells))
    width = max(2, int(0.75 * sum(bool(c) for c in names_row)))   # a names line fills most cells
    candidates = (texty >= width) & no_numbers
    if not candidates.any():
        return frame
    repeated = np.zeros(len(frame), dtype=bool)
    for pos in np.flatnonzero(candidates.to_numpy()):
        row = ["" if pd.isna(v) else str(v).strip() for v in frame.iloc[pos].tolist()]
        if any(_same_cells(row, h) for h in header_cells):
            repeated[pos] = True
        elif sum(bool(split_name(c)[2]) for c in row if c) * 2 >= sum(bool(c) for c in row):
            line = first_line + int(frame.index[pos])
            raise FormatError(
                f"line {line} names the columns again, differently from the header ({row[:6]} vs "
                f"{names_row[:6]}): the file looks like two exports with different columns pasted "
                "together", path=path, line=line,
                hint="split the file at that line (or make the two header lines the same)")
    if not repeated.any():
        return frame
    dropped = dict(info.get("dropped_rows") or {})
    dropped[_REPEATED_HEADER] = dropped.get(_REPEATED_HEADER, 0) + int(repeated.sum())
    info["dropped_rows"] = dropped
    info["repeated_header_lines"] = [first_line + int(i) for i in frame.index[repeated][:20]]
    frame = frame.loc[~repeated].copy()
    for c in text_cols:     # columns that were text only because of the repeated names: numbers again
        converted = pd.to_numeric(frame[c], errors="coerce")
        if converted.notna().sum() == frame[c].notna().sum():
            frame[c] = converted
    return frame


_NUMERIC_CELL = re.compile(r"^[-+]?(\d+(?:\.\d*)?|\.\d+)([eEdD][-+]?\d+)?$|^[-+]?(nan|inf)$", re.IGNORECASE)


def _same_cells(row: list[str], header: list[str]) -> bool:
    """A data row equal to a header row (cells compared as written, empty cells ignored)."""
    pairs = [(a, b.strip('"').strip()) for a, b in zip(row, header, strict=False)]
    filled = [(a, b) for a, b in pairs if a or b]
    return bool(filled) and all(a == b for a, b in filled)


_QUOTED_DECIMAL_COMMA = re.compile(rb'"\s*([-+]?\d*),(\d+(?:[eE][-+]?\d+)?)\s*"')


def _data_stream(source: Source, start: int, decimal: str, sep: str = ",", grouped: list | None = None):
    """Binary stream of the data rows; decimal commas become points (same rows, same lines).

    In a decimal-comma table, thousands separators ('10.000', '1.234,5', '10 000,5') are removed first
    from the columns whose grouped cells all have groups of three digits; their 0-based indices are
    appended to ``grouped``.
    """
    if decimal != ",":
        return _open_text(source, start), (lambda: source.decode(start))
    body = source.raw[start:]
    if sep == ",":      # quoted decimal-comma numbers between comma delimiters: only inside the quotes
        body = _QUOTED_DECIMAL_COMMA.sub(rb"\1.\2", body)
        return _TextStream(body, 0), (lambda: body.decode(source.encoding.replace("-sig", ""),
                                                          errors="replace"))
    enc = "utf-8" if source.encoding == "utf-8-sig" else source.encoding
    text = body.decode(enc, errors="replace")
    if re.search("\\d[. \u00a0\u202f'’]\\d{3}", text):      # a possible group separator: look per column
        from ._numbers import ungroup_decimal_comma

        text, changed = ungroup_decimal_comma(text, sep)
        if changed:
            body = text.encode(enc, errors="replace")
            if grouped is not None:
                grouped.extend(changed)
    body = body.replace(b",", b".")
    return _TextStream(body, 0), (lambda: body.decode(enc, errors="replace"))


def _header_from_comments(lines: list[str]) -> dict[str, str]:
    header: dict[str, str] = {}
    for line in lines:
        text = line.strip().lstrip("#%!;/").strip().rstrip(",\t ").strip()
        m = re.match(r"^([^:=]{1,60}?)\s*[:=]\s*(.*)$", text)
        if m and m.group(1).strip():
            key = m.group(1).strip()
            if key not in header:
                header[key] = m.group(2).strip()
    return header


def _byte_offset(raw: bytes, line_index: int) -> int:
    """Byte offset of the start of line ``line_index`` (0-based)."""
    pos = 0
    for _ in range(line_index):
        nxt = raw.find(b"\n", pos)
        if nxt < 0:
            return len(raw)
        pos = nxt + 1
    return pos


def _skip_blank_lines(raw: bytes, pos: int) -> int:
    """Start of the first line at or after ``pos`` that holds more than whitespace and commas."""
    blank = re.compile(rb"[ \t\r,]*\n")
    while True:
        m = blank.match(raw, pos)
        if m is None:
            return pos
        pos = m.end()


@register
class LakeShoreReader:
    """Lake Shore VSM (8600 series) CSV exports with ``#SECTION`` headers (registered as ``"lakeshore"``)."""

    name = "lakeshore"

    def sniff(self, head_lines: list[str], filename: str) -> float:
        """0.95 for a ``##DATA TABLE`` or ``#RUN ON SOFTWARE VERSION`` line."""
        for line in head_lines:
            s = line.strip()
            if s.startswith("##DATA TABLE") or s.startswith("#RUN ON SOFTWARE VERSION"):
                return 0.95
        return 0.0

    def read(self, source: Source, *, columns: dict[str, str] | None = None,
             units: dict[str, str] | None = None):
        """Parse a Lake Shore CSV export into a Measurement."""
        raw = source.raw
        m = re.search(rb"(?m)^##DATA TABLE[^\n]*\n", raw)
        if m is None:
            m = re.search(rb"(?m)^#DATA[^\n]*\n", raw)
        if m is None:
            raise FormatError("no '##DATA TABLE' line", path=source.name, line=count_lines(raw) + 1,
                              hint="the export looks truncated; re-export from the Lake Shore software")
        names_start = _skip_blank_lines(raw, m.end())  # an empty line may follow '##DATA TABLE'
        names_end = raw.find(b"\n", names_start)
        if names_end < 0:
            raise FormatError("truncated after the data-table line: no column names", path=source.name,
                              line=count_lines(raw, 0, names_start) + 1)
        header_lines = source.decode(0, names_start).splitlines()
        header: dict[str, str] = {}
        pending = None
        for line in header_lines:
            text = line.strip().rstrip(",").strip()
            if text.startswith("#"):
                title = text.lstrip("#").strip()
                if title.endswith(":"):
                    pending = title[:-1].strip()  # value on the next line ("#RUN ON SOFTWARE VERSION:")
                elif ":" in title:
                    k, v = title.split(":", 1)
                    header.setdefault(k.strip(), v.strip())
                continue
            if pending is not None:
                header.setdefault(pending, text)
                pending = None
                continue
            if ":" in text:
                k, v = text.split(":", 1)
                header.setdefault(k.strip(), v.strip())
        names_text = source.decode(names_start, names_end).rstrip("\r\n")
        names, renamed = clean_names([n for n in _fields(names_text, ",")])
        first_data_line = count_lines(raw, 0, names_end) + 2
        frame, names, info = parse_data(_open_text(source, names_end + 1), names=names, sep=",",
                                        encoding=source.encoding, path=source.name,
                                        first_line=first_data_line,
                                        text_for_fallback=lambda: source.decode(names_end + 1))
        if len(frame) == 0:
            raise FormatError("no data rows after the column names", path=source.name, line=first_data_line)
        mapping, conversions, notes = match_table_columns(names, source.name)
        columns = _resolve_indices(columns, names, source.name)
        provenance = {"reader": self.name, "encoding": source.encoding, "delimiter": "comma",
                      "column_names_line": first_data_line - 1, **info}
        if renamed:
            provenance["renamed_columns"] = renamed
        if notes:
            provenance["notes"] = notes
        return finish(source, frame, header=header, header_lines=header_lines, instrument="Lake Shore VSM",
                      variant="VSM", columns=mapping, conversions=conversions, provenance=provenance,
                      first_data_line=first_data_line, user_columns=columns, user_units=units,
                      require_temperature=False)
