"""Quantum Design ``.dat`` files: MPMS3 (DC scan, VSM), MPMS-XL (DC, AC), PPMS VSM, PPMS ACMS (and ACMS II).

Layout: ``[Header]``, ``;`` comment lines, header records, a ``[Data]`` line (anywhere), one line
of column names, then rows. Traps handled here (see ``shared/realdata/MANIFEST.md``):

* ``[Data]`` position varies -> found by search, not by line number;
* ``INFO,<value>,<KEY>`` (MPMS3/PPMS/ACMS, key last, value may hold commas) and
  ``INFO, <KEY>, <value>`` (MPMS-XL, key first); free-form ``INFO,mass (g) =,0.0467``;
  ``INFO, SEQUENCE FILE: x.seq`` (key and value in one field);
* tab re-saves (every line tab-padded, header split at commas into tab fields);
* ragged rows (ACMS: 57 names, 53 fields) and a trailing comma in the MPMS-XL header (an unnamed
  empty column); rows wider than the header get ``Unnamed: k`` columns;
* quoted commas in the Comment column (``"ZFC, 100"``), CRLF, cp1252 (``µ``), ``1.000000e+003``.

The data section is parsed by pandas' C engine straight from the file bytes.
"""

from __future__ import annotations

import re

import numpy as np

from ..errors import FormatError
from . import Source, _open_text, register
from ._parse import clean_names, count_lines, finish, parse_data, split_fields
from .aliases import match_columns

__all__ = ["QuantumDesignReader", "parse_header"]

_DATA_LINE = re.compile(rb'(?m)^[ \t]*"?\[Data\]')   # "[Data]" quoted by a spreadsheet re-save
_KEY = re.compile(r"^[A-Z][A-Z0-9_ ./-]*:?$")
_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
#: a number, perhaps with a mass or molar-mass unit typed after it ("250 g/mol")
_NUMBER_UNIT = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*(mg|g|kg|g/mol|g mol-1)?$")
#: record types that occur more than once; stored as "TYPE <first field>"
_MULTI = {"DATATYPE", "STARTUPAXIS", "FIELDGROUP", "PLOT_APPEARANCE"}


def _put(header: dict[str, str], key: str, value: str) -> None:
    key = key.strip()
    if not key:
        return
    k, n = key, 2
    while k in header:
        k = f"{key} ({n})"
        n += 1
    header[k] = value.strip()


def _info_record(fields: list[str], key_first: bool, header: dict[str, str]) -> None:
    rest = [f.strip() for f in fields]
    while rest and not rest[-1]:
        rest.pop()
    if not rest:
        return  # "INFO,,": nothing to record (the line is kept in header_lines)
    # free-form "INFO,mass (g) =,0.0467": a field ending in '=' names the value after it
    for i, f in enumerate(rest[:-1]):
        if f.endswith("=") and len(f) > 1:
            _put(header, f[:-1], ",".join(fields[i + 1:]))
            return
    if len(rest) == 1:
        text = rest[0]
        if ":" in text:  # MPMS-XL "INFO, SEQUENCE FILE: pb6051.seq"
            k, v = text.split(":", 1)
            _put(header, k, v)
        else:
            _put(header, text, "")
        return
    first, last = rest[0], rest[-1]
    if not key_first and _NUMBER_UNIT.match(last) and re.search(r"[A-Za-z]", first):
        key_first = True  # ACMS "INFO,HARMONICS,1"; typed in by hand: "INFO,Sample Mass (mg),12.5"
    elif key_first and _KEY.match(last) and not _KEY.match(first.rstrip(":")):
        key_first = False
    if key_first:
        # original spacing of the value kept: join the raw fields after the key
        _put(header, first.rstrip(":").strip(), ",".join(fields[1 + _first_nonempty(fields):]))
    else:
        last_index = max(i for i, f in enumerate(fields) if f.strip())
        _put(header, last, ",".join(fields[:last_index]))


def _first_nonempty(fields: list[str]) -> int:
    for i, f in enumerate(fields):
        if f.strip():
            return i
    return 0


def parse_header(lines: list[str], delimiter: str = ",", key_first: bool | None = None) -> dict[str, str]:
    """Parse Quantum Design header records into KEY -> value.

    Parameters
    ----------
    lines : list of str
        Header lines (``[Header]`` ... up to, not including, ``[Data]``).
    delimiter : str
        ``","`` or ``"\\t"`` (tab re-saves).
    key_first : bool, optional
        INFO layout; detected when None (MPMS-XL files put the key first).

    Returns
    -------
    dict
        INFO records under their KEY (last field on MPMS3/PPMS/ACMS, first on MPMS-XL), other
        records (TITLE, FILEOPENTIME, BYAPP ...) under their own name; repeated record types as
        ``"FIELDGROUP VSM"``; duplicates get ``" (2)"``.
    """
    if key_first is None:
        key_first = _detect_key_first(lines, delimiter)
    header: dict[str, str] = {}
    for line in lines:
        text = line.rstrip("\r\n")
        stripped = text.strip().strip(delimiter).strip()
        if not stripped or stripped.startswith(";") or stripped.startswith("["):
            continue
        fields = split_fields(text, delimiter)
        while fields and not fields[-1].strip():
            fields.pop()
        if not fields:
            continue
        kind = fields[0].strip()
        if kind.upper() == "INFO":
            _info_record(fields[1:], key_first, header)
        elif kind.upper() in _MULTI and len(fields) > 1:
            _put(header, f"{kind} {fields[1].strip()}", ",".join(f.strip() for f in fields[2:]))
        else:
            _put(header, kind, ",".join(fields[1:]))
    return header


def _detect_key_first(lines: list[str], delimiter: str) -> bool:
    """MPMS-XL writes ``INFO, KEY, value``: recognised by its title/app lines or ALLCAPS first fields."""
    text = "\n".join(lines[:60])
    if re.search(r"MPMS (DC|AC) Measurement|MPMS MultiVu|BYAPP,\s*MPMS Measurement", text):
        return True
    if re.search(r"^;\s*(MPMS3|VSM|ACMS|PPMS)", text, re.MULTILINE):
        return False
    first_votes = last_votes = 0
    for line in lines:
        fields = [f.strip() for f in split_fields(line, delimiter)]
        while fields and not fields[-1]:
            fields.pop()
        if len(fields) >= 3 and fields[0].upper() == "INFO":
            first_votes += bool(re.match(r"^[A-Z][A-Z_]{3,}$", fields[1]))
            last_votes += bool(re.match(r"^[A-Z][A-Z_]{3,}$", fields[-1]))
    return first_votes > last_votes


def _instrument(header_lines: list[str], header: dict[str, str], names: list[str]) -> str:
    text = "\n".join(header_lines[:5])
    app = header.get("APPNAME", "") + " " + header.get("BYAPP", "")
    if re.search(r";\s*MPMS3", text) or "MPMS3" in app:
        return "MPMS3"
    if re.search(r";\s*ACMS II", text) or "ACMS II" in app:   # DynaCool/VersaLab ACMS II: own names
        return "PPMS ACMS II"
    if re.search(r";\s*ACMS", text) or "ACMS" in app or "M-DC (emu)" in names:
        return "PPMS ACMS"
    if re.search(r";\s*VSM Data File", text) or "PPMS VSM" in app:
        return "PPMS VSM"
    if ("MPMS" in header.get("TITLE", "") or "MPMS" in app or "Long Moment (emu)" in names
            or "m' (emu)" in names):
        return "MPMS-XL"
    if "DC Moment Free Ctr (emu)" in names:
        return "MPMS3"
    if "Moment (emu)" in names:
        return "PPMS VSM"
    return "Quantum Design"


def _filled(frame, names: list[str], all_na=None) -> set[str]:
    """The columns of ``names`` with at least one value (``all_na``: ``frame.isna().all()``, reused)."""
    if all_na is None:
        all_na = frame.isna().all()
    return {n for n in names if n in all_na.index and not all_na[n]}


def _variant(instrument: str, filled: set[str]) -> str:
    if instrument == "MPMS3":
        parts = []
        if "Moment (emu)" in filled:
            parts.append("VSM")
        if {"DC Moment Free Ctr (emu)", "DC Moment Fixed Ctr (emu)"} & filled:
            parts.append("DC scan")
        if {"AC Moment (emu)", "AC X' (emu)"} & filled:
            parts.append("AC")
        return "+".join(parts) or "empty"
    if instrument == "MPMS-XL":
        if "m' (emu)" in filled:
            return "AC"
        return "DC"
    if instrument == "PPMS ACMS":
        dc, ac = "M-DC (emu)" in filled, "M' (emu)" in filled
        return "AC+DC" if dc and ac else ("AC" if ac else "DC")
    if instrument == "PPMS ACMS II":
        dc, ac = "DC Moment (emu)" in filled, "AC Moment (emu)" in filled
        return "AC+DC" if dc and ac else ("AC" if ac else "DC")
    if instrument == "PPMS VSM":
        return "VSM"
    return "unknown"


#: column names of a raw SQUID scan (MPMS3 ``.rw.dat`` / ``.raw``; MPMS-XL ``.raw``): voltage vs position
_RAW_SCAN_NAMES = re.compile(r"^(Raw (Position|Voltage)|Processed Voltage|(Fixed|Free) C Fitted|"
                             r"(Average |Regression Fit )?Voltage|Position)\b", re.IGNORECASE)


def _not_magnetometry(header_lines: list[str], header: dict[str, str], names: list[str]) -> tuple | None:
    """(what the file is, how to fix) for Quantum Design files that hold no magnetic moment, else None.

    Two kinds are met in practice next to the data files: raw SQUID scans (voltage against sample
    position, one block per measured point; MPMS3 ``*.rw.dat`` / ``*.raw``, MPMS-XL ``*.raw``) and
    PPMS log files (system temperature, field, pressure). Without this check they fail later with a
    misleading "no temperature column" / "no moment column".
    """
    if any("(emu" in n for n in names):
        return None
    text = "\n".join(header_lines[:8])
    raw_names = sum(bool(_RAW_SCAN_NAMES.match(n.strip())) for n in names)
    if re.search(r"^;.*Raw Data File", text, re.MULTILINE | re.IGNORECASE) or raw_names >= 2:
        return ("a Quantum Design raw scan file (SQUID voltage against sample position, one scan per "
                "measured point): it holds no magnetic moment",
                "read the processed data file MultiVu writes next to it (the same name without '.rw' / "
                "'.raw', e.g. 'sample.dat' for 'sample.rw.dat'); magfit does not refit raw scans")
    title = header.get("TITLE", "") + " " + header.get("BYAPP", "")
    if re.search(r"Log ?Data", title, re.IGNORECASE):
        return ("a PPMS log file (system temperature, field and pressure records): it holds no magnetic "
                "moment", "read the measurement's own data file (VSM, ACMS or MPMS .dat) instead")
    return _other_ppms_option(text + "\n" + title, names)


#: PPMS options whose .dat files sit beside the magnetometry ones: (what, pattern over the first
#: header lines + TITLE/BYAPP, pattern over a column name)
_OTHER_OPTIONS = (
    ("heat capacity", r"Heat ?Capacity|\bHC\b", r"\bHC\b|Heat ?Capacity"),
    ("resistivity / electrical transport", r"Resistivity|\bETO\b|Electrical Transport",
     r"Resistivity|Resistance|\bBridge \d|\bETO\b"),
    ("thermal transport", r"Thermal Transport|\bTTO\b", r"Thermal Conductivity|Seebeck"),
)


def _other_ppms_option(text: str, names: list[str]) -> tuple[str, str] | None:
    """A PPMS heat-capacity, resistivity or thermal-transport file given by mistake: say which it is
    (the columns that show it) instead of a misleading 'no temperature column'."""
    for what, header_pattern, column_pattern in _OTHER_OPTIONS:
        shown = [n for n in names if re.search(column_pattern, n, re.IGNORECASE)]
        if shown or re.search(header_pattern, text, re.IGNORECASE):
            cols = f" (columns {', '.join(repr(n) for n in shown[:3])})" if shown else ""
            return (f"a PPMS {what} data file{cols}: it holds no magnetic moment",
                    "magfit reads magnetometry files (MPMS, PPMS VSM / ACMS, Lake Shore) and tables of "
                    "chi or moment; give the magnetometry .dat file of this sample")
    return None


#: a point was measured while sweeping T when its own T spread (Max - Min during the measurement)
#: exceeds this fraction of the median step between points; otherwise T settled at each point
_SWEEP_SPREAD_FRACTION = 0.25


def _field_temperature_by_unit(mapping: dict[str, str], names: list[str], filled: set[str],
                               provenance: dict) -> dict[str, tuple[float, float, str]]:
    """A QD file whose field or temperature column is not under its usual name (``Magnetic Field
    (T)``, ``Temperature (C)``): found by name and unit as in a plain table, the conversion noted.
    Only called for missing columns, so a usual file never loads the unit registry."""
    missing = [c for c in ("temperature_K", "field_Oe") if c not in mapping]
    if not missing:
        return {}
    from .names import match_names

    by_name = match_names([n for n in names if n in filled])
    conversions = {}
    for canon in missing:
        name = by_name.columns.get(canon)
        if name is None:
            continue
        mapping[canon] = name
        if canon in by_name.conversions:
            conversions[canon] = by_name.conversions[canon]
        provenance.setdefault("notes", []).append(f"{canon} read from {name!r} (not the usual column name; "
                                                  "unit from the name)")
    return conversions


def _moment_by_unit(mapping: dict[str, str], filled: set[str], provenance: dict, instrument: str,
                    variant: str) -> dict[str, tuple[float, float, str]]:
    """No DC moment under a known name, but one filled column whose name and unit say moment
    ('Moment (A·m²)', 'RSO Moment (emu)'): read it, with a note. Never on ACMS files or AC runs,
    whose 'Moment (emu)' is the AC amplitude."""
    if "moment_emu" in mapping or instrument.startswith("PPMS ACMS") or "AC" in variant.split("+"):
        return {}
    from .names import match_names

    found = match_names(sorted(n for n in filled if not re.search(r"(?i)\btrans|\bac\b|'|\"", n)))
    name = found.columns.get("moment_emu")
    if name is None or found.alternates.get("moment_emu"):
        return {}      # none, or several candidates: the user chooses (the error names --column)
    mapping["moment_emu"] = name
    provenance.setdefault("notes", []).append(
        f"moment_emu read from {name!r} (not a usual moment column name; unit from the name)")
    return {"moment_emu": found.conversions["moment_emu"]} if "moment_emu" in found.conversions else {}


@np.errstate(over="ignore", invalid="ignore")  # a 1e308 cell must not spray RuntimeWarnings
def _temperature_mode(frame) -> str | None:
    """"sweep" (T swept through the measurement) or "settle" (T stabilised at each point), from
    the Min./Max. Temperature columns; "constant" when T does not move (M(H)); None when unknown."""
    from ..segments import TEMP_ABS_TOL_K

    pairs = [("Min. Temperature (K)", "Max. Temperature (K)"), ("Min.Temperature (K)", "Max.Temperature (K)")]
    for lo_name, hi_name in pairs:
        if lo_name in frame.columns and hi_name in frame.columns and "Temperature (K)" in frame.columns:
            try:
                lo = frame[lo_name].to_numpy(dtype=float, na_value=np.nan)
                hi = frame[hi_name].to_numpy(dtype=float, na_value=np.nan)
                t = frame["Temperature (K)"].to_numpy(dtype=float, na_value=np.nan)
            except (TypeError, ValueError):
                return None
            t = t[np.isfinite(t)]
            spread = hi - lo
            spread = spread[np.isfinite(spread)]
            if t.size < 2 or spread.size == 0:
                return None
            step = float(np.median(np.abs(np.diff(t))))
            if np.ptp(t) < TEMP_ABS_TOL_K:
                return "constant"
            return "sweep" if float(np.median(spread)) > _SWEEP_SPREAD_FRACTION * step else "settle"
    return None


@register
class QuantumDesignReader:
    """Reader for Quantum Design MultiVu ``.dat`` files (registered as ``"qd"``)."""

    name = "qd"

    def sniff(self, head_lines: list[str], filename: str) -> float:
        """1.0 for ``[Header]`` first, 0.9 for a ``[Data]`` line, 0.8 for a '; ... Data File' line."""
        for line in head_lines:
            s = line.strip().strip(",;\t ").strip().strip('"')
            if s:
                if s == "[Header]":
                    return 1.0
                break
        if any(line.strip().strip(",;\t ").strip().strip('"') == "[Data]" for line in head_lines):
            return 0.9
        if any(re.match(r";.*Data File", line) for line in head_lines[:10]):
            return 0.8
        return 0.0

    def read(self, source: Source, *, columns: dict[str, str] | None = None,
             units: dict[str, str] | None = None):
        """Parse a Quantum Design file into a Measurement (see module docstring)."""
        from ._resave import from_semicolons

        source = from_semicolons(source)   # a ';' + decimal-comma spreadsheet re-save -> MultiVu's commas
        raw = source.raw
        match = _DATA_LINE.search(raw)
        if match is None:
            n_lines = count_lines(raw) + 1
            raise FormatError(
                "no [Data] line: the file has a [Header] but no data section", path=source.name,
                line=n_lines, hint="the file looks truncated; re-export it from MultiVu (the data start "
                                   "after a line reading [Data])")
        data_line_no = count_lines(raw, 0, match.start()) + 1
        eol = raw.find(b"\n", match.end())
        if eol < 0:
            raise FormatError("truncated after [Data]: no column-name line", path=source.name,
                              line=data_line_no, hint="re-export the file; it ends at the [Data] line")
        names_end = raw.find(b"\n", eol + 1)
        names_text = source.decode(eol + 1, names_end if names_end >= 0 else None).rstrip("\r\n")
        if not names_text.strip(" ,\t\r"):
            raise FormatError("no column names after [Data]", path=source.name, line=data_line_no + 1,
                              hint="the line after [Data] must list the column names")
        delimiter = "\t" if names_text.count("\t") > names_text.count(",") else ","
        header_lines = source.decode(0, match.start()).splitlines()
        header = parse_header(header_lines, delimiter)
        names_raw = split_fields(names_text, delimiter)
        names, renamed = clean_names(names_raw)
        refused = _not_magnetometry(header_lines, header, names)
        if refused:
            raise FormatError(refused[0], path=source.name, line=data_line_no + 1, hint=refused[1])
        first_data_line = data_line_no + 2
        provenance: dict = {"reader": self.name, "encoding": source.encoding,
                            "delimiter": "tab" if delimiter == "\t" else "comma",
                            "data_line": data_line_no, "column_names_line": data_line_no + 1}
        if renamed:
            provenance["renamed_columns"] = renamed
        if names_end < 0:
            frame, names, info = parse_data(_open_text(source, len(raw)), names=names, sep=delimiter,
                                            encoding=source.encoding, path=source.name,
                                            first_line=first_data_line)
        else:
            frame, names, info = parse_data(
                _open_text(source, names_end + 1), names=names, sep=delimiter, encoding=source.encoding,
                path=source.name, first_line=first_data_line,
                text_for_fallback=lambda: source.decode(names_end + 1))
        provenance.update(info)
        provenance["declared_columns"] = len(names_raw)
        text_t = "Temperature (K)" in frame.columns and frame["Temperature (K)"].dtype.kind not in "fiu"
        if text_t and (raw.find(raw[eol + 1:names_end], names_end) >= 0
                       or raw.find(b"[Data]", names_end) >= 0):      # files pasted together
            from .table import _drop_repeated_headers

            frame = _drop_repeated_headers(frame, [names_raw], provenance, source.name, first_data_line)
        if len(frame) == 0:
            raise FormatError("no data rows after the column names", path=source.name, line=first_data_line,
                              hint="the file looks truncated; re-export it")
        instrument = _instrument(header_lines, header, names)
        moment_like = [n for n in names if "(emu)" in n or "Moment" in n or "Scan Std Dev" in n
                       or "Temperature" in n or "Field" in n]
        all_na = frame.isna().all()  # one vectorised pass over the frame, reused below
        filled = _filled(frame, moment_like, all_na)
        variant = _variant(instrument, filled)
        mapping = match_columns(instrument, variant, names, filled)
        conversions = _field_temperature_by_unit(mapping, names, filled, provenance)
        conversions.update(_moment_by_unit(mapping, filled, provenance, instrument, variant))
        mode = _temperature_mode(frame)
        if mode:
            provenance["temperature_mode"] = mode
        if instrument == "PPMS ACMS" and "measure_type" in mapping:
            provenance["kind_rule"] = "Measure Type 0 = DC, else AC; a filled M-DC / M' column decides first"
        # fields that cannot have been meant as numbers (e.g. the Comment column) stay text
        empty = all_na.to_numpy() & (frame.dtypes != np.float64).to_numpy()
        if empty.any():  # astype copies the frame: only when a column needs it
            frame = frame.astype({c: "float64" for c in frame.columns[empty]})
        if variant == "VSM+DC scan":    # rows of both modes: the moment from whichever column holds it
            from ._modes import merge_mode_columns

            frame = merge_mode_columns(frame, mapping, provenance)
        return finish(source, frame, header=header, header_lines=header_lines, instrument=instrument,
                      variant=variant, columns=mapping, conversions=conversions, provenance=provenance,
                      first_data_line=first_data_line, user_columns=columns, user_units=units)
