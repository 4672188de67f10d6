"""Fit many files at once, on any :class:`concurrent.futures.Executor`.

:func:`fit_many` reads each file, makes chi(T) with the per-file sample options, fits
Curie-Weiss + chi0 and classifies the result, one row per file (or per requested segment).
A file that fails does not stop the others: its row carries the error message.

The work is done by :func:`analyse_file`, a top-level (picklable) function, so any executor
works: serial (default for a few files), :class:`~concurrent.futures.ProcessPoolExecutor`
(default for many), or a dask cluster through ``distributed.Client(...).get_executor()``.

Per-file options (sample data the file headers lack) come from a dict, a DataFrame or a
CSV/YAML file with a ``file`` column (a file name, a path, or a glob pattern such as
``*.dat``; exact names win over patterns) and any of the columns in :data:`OPTION_COLUMNS`.
A relative ``holder`` file name is looked up in the working directory, then next to the data.
"""

from __future__ import annotations

import concurrent.futures as cf
import fnmatch
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import MagfitError

__all__ = ["fit_many", "analyse_file", "collect_files", "drop_skipped", "default_options", "load_options",
           "options_for", "merge_options", "basis_text", "run_tasks",
           "FileResult", "OPTION_COLUMNS", "SUMMARY_COLUMNS", "NON_DATA_SUFFIXES"]

#: per-file option columns: name -> converter; the first group goes to
#: Measurement.susceptibility(), tmin/tmax/chi0 to fit_curie_weiss(), sample names the row
OPTION_COLUMNS: dict[str, Callable[[Any], Any]] = {}

_SUSCEPTIBILITY_KEYS = ("formula", "mass_mg", "per_ion", "diamagnetic", "molar_mass_g_mol", "n_ions",
                        "field_Oe", "segment", "holder", "header_conventions", "eicosane_mg")
_FIT_KEYS = ("tmin", "tmax", "chi0")

#: the columns of the table fit_many returns, in order
SUMMARY_COLUMNS = ["file", "sample", "segment", "per", "mu_eff", "mu_eff_err", "theta_K", "theta_K_err",
                   "chi0_emu_mol", "chi0_emu_mol_err", "C_emu_K_mol", "C_emu_K_mol_err", "tmin_K",
                   "tmax_K", "n_points", "redchi", "label", "confidence", "flags", "error",
                   # appended (issue 14): what a mole counts, systematic errors, candidate ions
                   "formula", "basis", "n_ions", "mu_eff_sys", "theta_K_sys", "chi0_emu_mol_sys",
                   "candidates", "reasons"]

#: suffixes never taken for data when scanning a folder (explicitly named files are always used)
NON_DATA_SUFFIXES = frozenset({
    ".md", ".rst", ".py", ".pyc", ".ipynb", ".yaml", ".yml", ".json", ".toml", ".ini", ".cfg",
    ".html", ".htm", ".pdf", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".zip", ".gz", ".tar", ".sh",
    ".log", ".lock",
})

#: a per-file options table under one of these names in a data folder is used by default
OPTIONS_FILE_NAMES = ("magfit_options.csv", "magfit_options.yaml", "magfit_options.yml")


def default_options(paths_or_dir: Any) -> Path | None:
    """The options table that sits in the data folder (``magfit_options.csv``/``.yaml``), if any.

    Parameters
    ----------
    paths_or_dir : path, directory or iterable of them
        What was given to :func:`fit_many` or :func:`magfit.report.build`; only folders are searched.

    Returns
    -------
    Path or None
        The first options file found, used when no ``options`` were given.
    """
    entries = [paths_or_dir] if isinstance(paths_or_dir, (str, os.PathLike)) else list(paths_or_dir)
    for entry in entries:
        for name in OPTIONS_FILE_NAMES:
            candidate = Path(entry) / name
            if Path(entry).is_dir() and candidate.is_file():
                return candidate
    return None


#: below this many files fit_many works serially by default (a process pool costs ~1 s to start)
SERIAL_MAX_FILES = 8


def _float(value: Any) -> float:
    return float(value)


def _str(value: Any) -> str:
    return str(value).strip()


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        low = value.strip().lower()
        if low in {"true", "yes", "1", "y"}:
            return True
        if low in {"false", "no", "0", "n"}:
            return False
        raise ValueError(f"not a yes/no value: {value!r}")
    return bool(value)


def _diamagnetic(value: Any) -> float | str:
    if isinstance(value, str) and value.strip().lower() == "pascal":
        return "pascal"
    return float(value)


def _segment(value: Any) -> int | str | list[int | str]:
    """An int id, a label ("ZFC"), or several separated by ';' (one row each)."""
    if isinstance(value, (list, tuple)):
        return [_segment(v) for v in value]  # type: ignore[misc]
    if isinstance(value, (int, np.integer)) or (isinstance(value, float) and float(value).is_integer()):
        return int(value)
    text = str(value).strip()
    if ";" in text:
        return [_segment(part) for part in text.split(";") if part.strip()]  # type: ignore[misc]
    return int(text) if text.lstrip("-").isdigit() else text


OPTION_COLUMNS.update({
    "sample": _str,
    "formula": _str,
    "mass_mg": _float,
    "per_ion": _str,
    "diamagnetic": _diamagnetic,
    "molar_mass_g_mol": _float,
    "n_ions": _float,
    "field_Oe": _float,
    "segment": _segment,
    "holder": _str,
    "header_conventions": _bool,
    "eicosane_mg": _float,
    "tmin": _float,
    "tmax": _float,
    "chi0": _bool,
    "skip": _bool,
})


# ----------------------------------------------------------------------------- options
def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    try:
        return bool(pd.isna(value)) if np.ndim(value) == 0 else False
    except (TypeError, ValueError):
        return False


def _clean_record(record: Mapping[str, Any], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in record.items():
        key = str(key).strip()
        if key == "file" or _is_blank(value):
            continue
        if key not in OPTION_COLUMNS:
            raise MagfitError(
                f"{where}: unknown option column {key!r}; allowed: file, {', '.join(OPTION_COLUMNS)}")
        try:
            out[key] = OPTION_COLUMNS[key](value)
        except (TypeError, ValueError) as exc:
            raise MagfitError(f"{where}: option {key!r} has a bad value {value!r} ({exc})") from None
    return out


def load_options(options: Any) -> list[tuple[str, dict[str, Any]]]:
    """Per-file options as a list of (file name or glob pattern, {option: value}).

    Parameters
    ----------
    options : None, dict, list of dict, DataFrame, or path to .csv / .yaml / .yml
        dict: ``{"file.dat": {"formula": "Na1.9IrO3", "per_ion": "Ir"}, "*.dat": {...}}``.
        Records / tables: one row per file with a ``file`` column plus option columns
        (:data:`OPTION_COLUMNS`); blank cells mean "not given". A YAML file holds either form.

    Returns
    -------
    list of (pattern, options), in the order given.

    Raises
    ------
    MagfitError
        Unknown column, bad value (naming the row and column), unreadable file.

    Examples
    --------
    >>> from magfit.batch import load_options, options_for
    >>> table = load_options([{"file": "*.dat", "formula": "MnO", "tmin": "100"},
    ...                       {"file": "run2.dat", "mass_mg": "12.5", "diamagnetic": "pascal"}])
    >>> options_for("data/run2.dat", table)
    {'formula': 'MnO', 'tmin': 100.0, 'mass_mg': 12.5, 'diamagnetic': 'pascal'}
    >>> options_for("data/run3.csv", table)
    {}
    """
    if options is None:
        return []
    if isinstance(options, (str, os.PathLike)):
        path = Path(options)
        if path.is_dir():
            raise MagfitError(f"options file {path} is a folder; give a .csv, .yaml or .yml file")
        if not path.is_file():
            raise MagfitError(f"options file {path} does not exist")
        suffix = path.suffix.lower()
        if suffix == ".csv":
            try:
                table = pd.read_csv(path, dtype=str, keep_default_na=False, comment="#")
            except (pd.errors.ParserError, UnicodeDecodeError) as exc:
                raise MagfitError(f"options file {path}: cannot read as CSV ({exc})") from None
            return _from_records(table.to_dict("records"), str(path), header_line=True)
        if suffix in {".yaml", ".yml"}:
            import yaml

            try:
                loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                raise MagfitError(f"options file {path}: invalid YAML ({exc})") from None
            if isinstance(loaded, Mapping) and "files" in loaded and len(loaded) == 1:
                loaded = loaded["files"]
            return load_options_from_object(loaded, str(path))
        raise MagfitError(
            f"options file {path}: use a .csv, .yaml or .yml file (got {suffix or 'no suffix'})")
    return load_options_from_object(options, "options")


def load_options_from_object(options: Any, where: str) -> list[tuple[str, dict[str, Any]]]:
    """:func:`load_options` for an in-memory dict, list of records or DataFrame."""
    if options is None:
        return []
    if isinstance(options, pd.DataFrame):
        return _from_records(options.to_dict("records"), where, header_line=True)
    if isinstance(options, Mapping):
        out = []
        for name, record in options.items():
            if not isinstance(record, Mapping):
                raise MagfitError(f"{where}: options for {name!r} must be a mapping of option -> value, "
                                  f"got {type(record).__name__}")
            out.append((str(name), _clean_record(record, f"{where}, file {name!r}")))
        return out
    if isinstance(options, Sequence) and not isinstance(options, (str, bytes)):
        return _from_records(list(options), where, header_line=False)
    raise MagfitError(f"{where}: options must be a dict, a list of records, a DataFrame or a CSV/YAML path, "
                      f"got {type(options).__name__}")


def _from_records(records: list[Any], where: str, header_line: bool) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for i, record in enumerate(records):
        row = f"row {i + 2}" if header_line else f"record {i + 1}"
        if not isinstance(record, Mapping) or _is_blank(record.get("file")):
            raise MagfitError(f"{where}, {row}: every row needs a 'file' (name, path or glob pattern)")
        out.append((str(record["file"]).strip(), _clean_record(record, f"{where}, {row}")))
    return out


def _has_glob(pattern: str) -> bool:
    return any(ch in pattern for ch in "*?[")


def options_for(path: str | os.PathLike, table: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """The options that apply to ``path``: glob-pattern rows first (in order), then exact ones.

    A row matches when its ``file`` equals the path, its name, or (for patterns) matches either
    by :func:`fnmatch.fnmatch`.

    Parameters
    ----------
    path : str or path-like
        A data file.
    table : list of (pattern, options)
        From :func:`load_options`.

    Returns
    -------
    dict
        The merged options (later rows win).
    """
    p = Path(path)
    candidates = {str(path), p.name, p.as_posix()}
    merged: dict[str, Any] = {}
    for pattern, opts in table:
        if _has_glob(pattern) and any(fnmatch.fnmatch(c, pattern) for c in candidates):
            merged.update(opts)
    for pattern, opts in table:
        if not _has_glob(pattern) and (pattern in candidates or Path(pattern).name == p.name
                                       and Path(pattern).resolve() == p.resolve()):
            merged.update(opts)
    return merged


def unmatched_options(paths: Iterable[str | os.PathLike],
                      table: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """Option rows (file names, not patterns) that match none of ``paths`` -- probably typos."""
    names = set()
    for path in paths:
        p = Path(path)
        names |= {str(path), p.name, p.as_posix()}
    return [pattern for pattern, _ in table if not _has_glob(pattern) and pattern not in names]


# ----------------------------------------------------------------------------- one file
@dataclass
class FileResult:
    """What :func:`analyse_file` found for one file and segment.

    ``row`` is the summary row (keys :data:`SUMMARY_COLUMNS`); ``fit`` and ``classification``
    are the full objects (None when that step failed, ``error`` then says why).

    Attributes
    ----------
    row : dict
        Summary row.
    fit : CurieWeissFit or None
    classification : Classification or None
    chi : ChiT or None
        The susceptibility that was fitted.
    extra : dict
        Free-form additions (empty unless a caller fills it).
    """

    row: dict[str, Any]
    fit: Any = None
    classification: Any = None
    chi: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def error(self) -> str | None:
        """The error message of this file (None when it was analysed)."""
        return self.row.get("error")


def _nominal_std(value: Any) -> tuple[float, float]:
    if value is None:
        return float("nan"), float("nan")
    if hasattr(value, "nominal_value"):
        return float(value.nominal_value), float(value.std_dev)
    return float(value), float("nan")


def _sample_name(measurement: Any, path: Path, formula: str | None = None) -> str:
    """Sample name: header SAMPLE_MATERIAL (MPMS3/PPMS) or NAME (MPMS-XL), else the formula
    option, else the file stem (TITLE is skipped: MPMS-XL writes a generic one)."""
    header = getattr(measurement, "header", {}) or {}
    for key in ("SAMPLE_MATERIAL", "NAME"):
        value = str(header.get(key, "")).strip()
        if value:
            return value
    return formula or path.stem


def _empty_row(path: str, sample: str, segment: Any) -> dict[str, Any]:
    row: dict[str, Any] = {col: np.nan for col in SUMMARY_COLUMNS}
    row.update(file=str(path), sample=sample, segment="" if segment is None else str(segment), per="",
               label="", flags="", error=None, formula="", basis="", candidates="", reasons="")
    return row


def _describe(exc: BaseException) -> str:
    text = str(exc) or repr(exc)
    return text if isinstance(exc, MagfitError) else f"{type(exc).__name__}: {text}"


def analyse_file(path: str | os.PathLike, options: Mapping[str, Any] | None = None,
                 fit_options: Mapping[str, Any] | None = None, *,
                 defaults: Mapping[str, Any] | None = None,
                 read_options: Mapping[str, Any] | None = None) -> list[FileResult]:
    """Read, convert, fit and classify one file; never raises for a bad file.

    Parameters
    ----------
    path : str or path
        A data file any magfit loader reads.
    options : dict, optional
        Per-file options (:data:`OPTION_COLUMNS`): sample description for
        :meth:`Measurement.susceptibility`, ``tmin``/``tmax``/``chi0`` for the fit, ``sample``
        for the row's name. ``segment`` may be a list: one result per segment.
    fit_options : dict, optional
        Keyword arguments for :func:`magfit.fit_curie_weiss` common to all files (per-file
        ``tmin``/``tmax``/``chi0`` win).
    defaults : dict, optional
        Options for every file (e.g. ``magfit report --formula ... --mass-mg ...``), same keys as
        ``options``. Precedence: per-file ``options`` > the file header's own value (sample mass,
        molecular weight) > ``defaults``. ``provenance["option_sources"]`` of the result's
        ``chi`` says where each option came from.
    read_options : dict, optional
        Keyword arguments for :func:`magfit.read` (``columns``, ``units``).

    Returns
    -------
    list of FileResult, one per segment; a failure is a result whose ``row["error"]`` says
    which step failed and why.
    """
    import magfit

    path = Path(path)
    file_opts = dict(options or {})
    sample = file_opts.get("sample") or (defaults or {}).get("sample")
    try:
        measurement = magfit.read(path, **dict(read_options or {}))
    except Exception as exc:  # noqa: BLE001 - a bad file must not stop the batch
        row = _empty_row(str(path), sample or path.stem, file_opts.get("segment"))
        row["error"] = f"read: {_describe(exc)}"
        return [FileResult(row)]
    opts, sources = merge_options(defaults or {}, file_opts, getattr(measurement, "header", {}) or {})
    opts.pop("sample", None)
    segments = opts.get("segment")
    if segments is None and _is_field_sweep(measurement):   # an M(H) file: isotherms, not chi(T)
        result = _analyse_mh(measurement, path, opts, sample)
        result.extra["option_sources"] = sources
        return [result]
    seg_list = segments if isinstance(segments, list) else [segments]
    results = []
    for seg in seg_list:
        result = _analyse_segment(magfit, measurement, path, opts, seg, sample, fit_options)
        result.extra["option_sources"] = sources
        results.append(result)
    return results


#: header keys that give a default option's value when the file has them (header wins over defaults)
_HEADER_KEYS = {"mass_mg": ("SAMPLE_MASS", "WEIGHT"), "molar_mass_g_mol": ("SAMPLE_MOLECULAR_WEIGHT",)}


def _header_has(header: Mapping[str, Any], keys: Sequence[str]) -> str | None:
    for key in keys:
        try:
            if float(str(header.get(key, "")).strip()) > 0:
                return key
        except ValueError:
            continue
    return None


def merge_options(defaults: Mapping[str, Any], per_file: Mapping[str, Any], header: Mapping[str, Any]
                  ) -> tuple[dict[str, Any], dict[str, str]]:
    """One file's options from the run's defaults, the file's own header and its options-table row.

    Parameters
    ----------
    defaults : dict
        Options for every file (command-line flags of ``magfit report``).
    per_file : dict
        The file's row of the options table (wins over everything).
    header : dict
        The file's header: ``SAMPLE_MASS``/``WEIGHT`` and ``SAMPLE_MOLECULAR_WEIGHT`` (when
        positive numbers) win over the defaults ``mass_mg`` / ``molar_mass_g_mol``.

    Returns
    -------
    (options, sources)
        The merged options and, per option, ``"options table"``, ``"default (command line)"``
        or ``"header KEY"`` (a default the header overrode).
    """
    merged: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for key, value in defaults.items():
        if value is None:
            continue
        header_key = _header_has(header, _HEADER_KEYS.get(key, ()))
        if header_key:
            sources[key] = f"header {header_key}"
            continue
        merged[key] = value
        sources[key] = "default (command line)"
    # a table row that names the formula (or the molar mass) replaces the default's other form
    for a, b in (("formula", "molar_mass_g_mol"), ("molar_mass_g_mol", "formula")):
        if a in per_file and b not in per_file and sources.get(b) == "default (command line)":
            merged.pop(b, None)
            sources.pop(b, None)
    for key, value in per_file.items():
        merged[key] = value
        sources[key] = "options table"
    return merged, sources


def _analyse_segment(magfit: Any, measurement: Any, path: Path, opts: dict[str, Any], segment: Any,
                     sample: str | None, fit_options: Mapping[str, Any] | None) -> FileResult:
    sus_kw = {k: opts[k] for k in _SUSCEPTIBILITY_KEYS if k in opts}
    if isinstance(sus_kw.get("holder"), str):
        sus_kw["holder"] = _holder_path(sus_kw["holder"], path)
    if segment is None:
        sus_kw.pop("segment", None)
    else:
        sus_kw["segment"] = segment
    fit_kw = dict(fit_options or {})
    fit_kw.update({k: opts[k] for k in _FIT_KEYS if k in opts})
    row = _empty_row(str(path), sample or _sample_name(measurement, path, opts.get("formula")), segment)
    row["formula"] = str(opts.get("formula") or "")
    result = FileResult(row)
    step = "susceptibility"
    try:
        chi = measurement.susceptibility(**sus_kw)
        result.chi = chi
        row["per"] = getattr(chi, "per", "")
        step = "fit"
        fit = magfit.fit_curie_weiss(chi, **fit_kw)
        result.fit = fit
        _fill_fit(row, fit)
    except Exception as exc:  # noqa: BLE001 - recorded in the row
        row["error"] = f"{step}: {_describe(exc)}"
        if "(CLI: --" in row["error"]:  # magfit report has the same flags; per file it is a table column
            row["error"] += ("; for one file of many, give it as a column of the options table "
                             "(--options FILE.csv: file, formula, molar_mass_g_mol, mass_mg, field_Oe, ...)")
        return result
    classify = getattr(magfit, "classify", None)
    if classify is not None:
        try:
            cls = classify(fit, formula=opts["formula"]) if "formula" in opts else classify(fit)
            result.classification = cls
            _fill_classification(row, cls)
        except Exception as exc:  # noqa: BLE001 - the fit stands; say classification failed
            row["flags"] = "; ".join(filter(None, [row["flags"], f"classify failed: {_describe(exc)}"]))
    return result


#: options that magfit.mh.magnetization takes (the same sample description as chi(T))
_MH_KEYS = ("mass_mg", "molar_mass_g_mol", "formula", "per_ion", "n_ions", "diamagnetic", "eicosane_mg",
            "header_conventions")


def _is_field_sweep(measurement: Any) -> bool:
    """True when every segment of the file is a field sweep (an M(H) file), so it gets the M(H) analysis."""
    try:
        directions = set(measurement.segments()["direction"])
    except Exception:  # noqa: BLE001 - not segmentable: let the chi(T) path report the problem
        return False
    return bool(directions) and directions <= {"increasing field", "decreasing field", "virgin"}


def _analyse_mh(measurement: Any, path: Path, opts: dict[str, Any], sample: str | None) -> FileResult:
    """M(H) file: isotherms, M_s, M_r, H_c of each (magfit.mh); the row holds the lowest-T isotherm."""
    from .mh.api import read_isotherms
    from .mh.loops import analyze_isotherm

    row = _empty_row(str(path), sample or _sample_name(measurement, path, opts.get("formula")), None)
    row["formula"] = str(opts.get("formula") or "")
    row["basis"] = "M(H) isotherms"
    result = FileResult(row)
    try:
        curves = read_isotherms(measurement, **{k: opts[k] for k in _MH_KEYS if k in opts})
        analyses = [analyze_isotherm(c, require_closed=False) for c in curves]
    except Exception as exc:  # noqa: BLE001 - recorded in the row
        row["error"] = f"M(H): {_describe(exc)}"
        return result
    result.extra["mh"] = analyses
    first = min(analyses, key=lambda a: a.temperature_K if np.isfinite(a.temperature_K) else np.inf)
    d = first.to_dict()
    row.update({"mh_T_K": d["temperature_K"], "mh_unit": d["unit"], "n_isotherms": len(analyses),
                **{k: (np.nan if d.get(k) is None else d[k])
                   for k in ("Ms", "Ms_err", "Mr", "Mr_err", "Hc_Oe", "Hc_Oe_err", "H_eb_Oe", "squareness")}})
    row["flags"] = "; ".join(str(n) for a in analyses for n in a.notes)
    return result


def _fill_classification(row: dict[str, Any], cls: Any) -> None:
    row["label"] = str(getattr(cls, "label", ""))
    row["confidence"] = float(getattr(cls, "confidence", np.nan))
    top = cls.top_candidates(2) if hasattr(cls, "top_candidates") else []
    row["candidates"] = "; ".join(f"{c['ion']} ({c['mu_eff_expected']:.2f} μB, {c['n_sigma']:.1f}σ)"
                                  for c in top)
    row["reasons"] = "; ".join(str(r) for r in (getattr(cls, "reasons", None) or []))


def _holder_path(holder: str, data_path: Path) -> str:
    """A relative holder-file name is looked up in the working directory, then next to the data."""
    p = Path(holder)
    if p.is_absolute() or p.exists():
        return holder
    beside = data_path.parent / p
    return str(beside) if beside.exists() else holder


def _fill_fit(row: dict[str, Any], fit: Any) -> None:
    for name, key in (("mu_eff", "mu_eff"), ("theta_K", "theta_K"), ("chi0", "chi0_emu_mol"),
                      ("C", "C_emu_K_mol")):
        row[key], row[f"{key}_err"] = _nominal_std(getattr(fit, name, None))
    for key in ("mu_eff_sys", "theta_K_sys", "chi0_emu_mol_sys"):  # systematic errors, when the fit has them
        row[key] = _nominal_std(getattr(fit, key, None))[0]
    row["tmin_K"] = float(fit.tmin_K)
    row["tmax_K"] = float(fit.tmax_K)
    row["n_points"] = int(fit.n_points)
    row["redchi"] = float(getattr(fit, "redchi", np.nan))
    row["flags"] = "; ".join(str(f) for f in (getattr(fit, "flags", None) or []))
    per = getattr(fit, "per", None)
    if per:
        row["per"] = str(per)
    row["n_ions"] = float(getattr(fit, "n_ions", 1) or 1)
    row["basis"] = basis_text(row["per"], row["n_ions"])


def basis_text(per: str, n_ions: float = 1.0) -> str:
    """What μ_eff and χ count: ``"per formula unit"`` or ``"per magnetic ion (Gd)"``.

    Parameters
    ----------
    per : str
        What a mole counts (``ChiT.per``): "formula unit" or an ion symbol.
    n_ions : float
        Magnetic ions per mole of ``per`` (μ_eff is per ion when it was given).

    Returns
    -------
    str
    """
    text = (per or "formula unit").strip()
    if text.lower() in ("formula unit", "f.u.", "fu", ""):
        return "per formula unit" if float(n_ions or 1) == 1 else f"per magnetic ion ({n_ions:g} per f.u.)"
    return f"per magnetic ion ({text})"


def _rows_task(path: str, options: dict[str, Any], fit_options: dict[str, Any]) -> list[dict[str, Any]]:
    """Worker of fit_many: rows only (small, always picklable)."""
    return [r.row for r in analyse_file(path, options, fit_options)]


# ----------------------------------------------------------------------------- executors
def _default_executor(n_tasks: int, executor: Any) -> tuple[cf.Executor | None, bool]:
    """(executor or None for serial, whether we own it and must shut it down)."""
    if isinstance(executor, cf.Executor) or (executor is not None and hasattr(executor, "submit")):
        return executor, False
    if executor == "serial" or executor == 1 or executor == 0:
        return None, False
    cpus = os.cpu_count() or 1
    if isinstance(executor, int) and not isinstance(executor, bool):
        if executor < 0:
            raise MagfitError(f"executor={executor}: give a number of worker processes >= 1")
        return cf.ProcessPoolExecutor(max_workers=executor), True
    if executor == "process" or (executor is None and n_tasks > SERIAL_MAX_FILES and cpus > 1):
        return cf.ProcessPoolExecutor(max_workers=min(cpus, n_tasks)), True
    if executor is None:
        return None, False
    raise MagfitError(f"executor={executor!r}: give a concurrent.futures.Executor, a number of "
                      f"worker processes, 'process', 'serial' or None")


#: files per process from which a batch (:func:`run_tasks`: fit_many, ``magfit report``) leaves
#: ``magfit.window.USE_NUMBA`` "auto" to switch to the compiled scan kernels; below it the batch runs
#: the numpy path (same numbers to ~1e-12, same verdicts). Measured on sample_data (same run, CPU):
#: numba's start in a process (import + loading the cached kernels) ~1.1-1.3 s, the numpy path
#: ~36 ms more per file -> break-even ~35 files; a cold kernel cache (new install, edited kernels)
#: compiles for ~45 s, which a small batch should not pay either.
NUMBA_MIN_FILES = 40


def batch_numba_policy(n_tasks: int, n_processes: int | None) -> bool | None:
    """False when a batch of ``n_tasks`` files over ``n_processes`` processes should not start numba
    (``USE_NUMBA`` "auto", numba not yet imported, fewer than :data:`NUMBA_MIN_FILES` files per
    process); None: leave ``magfit.window.USE_NUMBA`` as it is (an explicit True/False, numba
    already loaded, a large batch, or an executor whose process count is unknown)."""
    import sys

    from . import window

    if window.USE_NUMBA != "auto" or "numba" in sys.modules or not n_processes:
        return None
    return False if math.ceil(n_tasks / n_processes) < NUMBA_MIN_FILES else None


def _with_numba_setting(compiled: bool, func: Callable[..., Any], *task: Any) -> Any:
    """``func(*task)`` with ``magfit.window.USE_NUMBA = compiled`` (restored after; top level, so a
    process pool pickles it)."""
    from . import window

    saved = window.USE_NUMBA
    window.USE_NUMBA = compiled
    try:
        return func(*task)
    finally:
        window.USE_NUMBA = saved


def run_tasks(func: Callable[..., Any], tasks: Sequence[tuple[Any, ...]], *, executor: Any = None,
              progress: bool = True, desc: str = "magfit", on_error: Callable[[int, BaseException], Any]
              ) -> list[Any]:
    """``func(*task)`` for every task on ``executor``; results in task order.

    Parameters
    ----------
    func : callable
        A top-level (picklable) function.
    tasks : sequence of tuples
        Positional arguments of each call.
    executor : Executor, int, "process", "serial" or None
        None: serial for at most :data:`SERIAL_MAX_FILES` tasks, else a process pool over all
        cores. An int: a process pool with that many workers (1: serial). Any object with
        ``submit`` returning concurrent futures (dask ``Client.get_executor()``) works.
        Under ``magfit.window.USE_NUMBA`` "auto", fewer than :data:`NUMBA_MIN_FILES` tasks per
        process run the numpy scan path (no numba start-up; see :func:`batch_numba_policy`).
    progress : bool
        Show a tqdm progress bar (on stderr).
    desc : str
        Progress-bar text.
    on_error : callable(index, exception)
        Turns an exception raised outside ``func``'s own handling (a worker crash, a pickling
        error) into that task's result, so one lost task never loses the others.

    Returns
    -------
    list, one result per task.
    """
    from tqdm import tqdm  # text bar: tqdm.auto warns in Jupyter without ipywidgets

    results: list[Any] = [None] * len(tasks)
    pool, owned = _default_executor(len(tasks), executor)
    compiled = batch_numba_policy(len(tasks), 1 if pool is None else getattr(pool, "_max_workers", None))
    if compiled is not None:
        func, tasks = _with_numba_setting, [(compiled, func, *task) for task in tasks]
    # leave=True: the final count stays on stderr (with leave=False a fast run showed only "0/N")
    bar = tqdm(total=len(tasks), desc=desc, unit="file", disable=not progress, leave=True)
    try:
        if pool is None:
            for i, task in enumerate(tasks):
                try:
                    results[i] = func(*task)
                except Exception as exc:  # noqa: BLE001
                    results[i] = on_error(i, exc)
                bar.update(1)
        else:
            futures = {}
            for i, task in enumerate(tasks):
                try:
                    futures[pool.submit(func, *task)] = i
                except Exception as exc:  # noqa: BLE001 - e.g. a pool already broken
                    results[i] = on_error(i, exc)
                    bar.update(1)
            for fut in cf.as_completed(futures):
                i = futures[fut]
                try:
                    results[i] = fut.result()
                except Exception as exc:  # noqa: BLE001 - BrokenProcessPool, pickling, ...
                    results[i] = on_error(i, exc)
                bar.update(1)
    finally:
        bar.close()
        if owned:
            pool.shutdown(wait=True)
    return results


def drop_skipped(files: Sequence[Path], table: list[tuple[str, dict[str, Any]]]
                 ) -> tuple[list[Path], list[tuple[str, str]]]:
    """Split ``files`` into those to analyse and those whose options say ``skip`` (e.g. an
    empty-holder run that is used as a background, not a sample).

    Parameters
    ----------
    files : sequence of Path
        Candidate data files (from :func:`collect_files`).
    table : list of (pattern, options)
        The per-file options table from :func:`load_options`.

    Returns
    -------
    (kept, skipped)
        The files to analyse, and (path, reason) for each file left out.
    """
    keep: list[Path] = []
    skipped: list[tuple[str, str]] = []
    for p in files:
        if options_for(p, table).get("skip", False):
            skipped.append((str(p), "skip=yes in the options table"))
        else:
            keep.append(p)
    return keep, skipped


def collect_files(paths_or_dir: Any, exclude: Sequence[str | os.PathLike] = ()
                  ) -> tuple[list[Path], list[tuple[str, str]]]:
    """Data files to report on, and the files skipped with the reason.

    Parameters
    ----------
    paths_or_dir : path, directory or iterable of them
        Directories contribute their (non-hidden) files, sorted by name, minus non-data files.
        Files named explicitly are always used.
    exclude : paths
        Files never used (e.g. the options file when it sits in the data folder).

    Returns
    -------
    (files, skipped)
    """
    if isinstance(paths_or_dir, (str, os.PathLike)):
        paths_or_dir = [paths_or_dir]
    excluded = {Path(p).resolve() for p in exclude}
    files: list[Path] = []
    skipped: list[tuple[str, str]] = []
    for entry in paths_or_dir:
        entry = Path(entry)
        if entry.is_dir():
            for p in sorted(entry.iterdir()):
                if not p.is_file():
                    continue
                if p.resolve() in excluded or p.name in OPTIONS_FILE_NAMES:
                    skipped.append((str(p), "options file"))
                elif p.name.startswith("."):
                    skipped.append((str(p), "hidden file"))
                elif p.suffix.lower() in NON_DATA_SUFFIXES:
                    skipped.append((str(p), f"not a data file ({p.suffix})"))
                else:
                    files.append(p)
        elif entry.exists():
            files.append(entry)
        else:
            raise MagfitError(f"{entry} does not exist; give data files or a folder of them")
    return files, skipped


def fit_many(paths: Any, executor: Any = None, options: Any = None, progress: bool = True,
             **fit_options: Any) -> pd.DataFrame:
    """Curie-Weiss fits of many files: one row per file (or per requested segment).

    Parameters
    ----------
    paths : path, directory, or iterable of paths
        The files. A directory contributes its files except hidden ones and those with a
        :data:`NON_DATA_SUFFIXES` suffix (README.md, scripts, option files); files named
        explicitly are always used (and fail with a read error if they are not data).
    executor : Executor, int, "process", "serial" or None
        Where the work runs (see :func:`run_tasks`): None picks serial for a few files and a
        process pool for many; pass ``distributed.Client(...).get_executor()`` for dask.
    options : dict, DataFrame or CSV/YAML path, optional
        Per-file sample options (:func:`load_options`): formula, mass_mg, per_ion,
        diamagnetic, tmin, tmax, molar_mass_g_mol, n_ions, field_Oe, segment, ...
        Default: ``magfit_options.csv`` (or ``.yaml``) in a given folder, if present. A row with
        ``skip=yes`` leaves that file out (e.g. an empty-holder run used as a background).
    progress : bool
        Show a tqdm progress bar.
    **fit_options
        Passed to :func:`magfit.fit_curie_weiss` for every file (e.g. ``chi0=False``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUMMARY_COLUMNS` (file, sample, mu_eff, mu_eff_err, theta_K, ...,
        label, confidence, flags, error). ``error`` is empty (None) for files that worked.
        ``df.attrs["unmatched_options"]`` lists option rows that matched no file,
        ``df.attrs["skipped"]`` the (path, reason) of files skipped in directories.

    Examples
    --------
    >>> import magfit                                              # doctest: +SKIP
    >>> table = magfit.fit_many("sample_data/", options="sample_data/options.csv")  # doctest: +SKIP
    """
    if options is None:
        options = default_options(paths)
    table = load_options(options)
    exclude = [options] if isinstance(options, (str, os.PathLike)) else []
    files, skipped = collect_files(paths, exclude=exclude)
    files, skipped_by_options = drop_skipped(files, table)
    skipped += skipped_by_options
    tasks = [(str(p), options_for(p, table), dict(fit_options)) for p in files]

    def lost(i: int, exc: BaseException) -> list[dict[str, Any]]:
        row = _empty_row(tasks[i][0], Path(tasks[i][0]).stem, None)
        row["error"] = f"worker: {_describe(exc)}"
        return [row]

    results = run_tasks(_rows_task, tasks, executor=executor, progress=progress, desc="fit_many",
                        on_error=lost)
    rows = [row for rows in results for row in rows]
    frame = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    frame.attrs["unmatched_options"] = unmatched_options([*files, *(p for p, _ in skipped_by_options)], table)
    frame.attrs["skipped"] = skipped
    return frame
