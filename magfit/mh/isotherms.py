"""Isotherms and branches of M(H) measurements.

Real magnetometer files hold several isotherms (e.g. 2, 5, 10 ... 300 K) with several readings per
field point and temperatures that drift by a few mK. Rows are grouped in two steps:

1. **isotherms** -- the sorted temperatures are cut wherever two neighbours differ by more than
   ``max(temp_abs_tol_K, temp_rel_tol * T)``; each cluster, taken in file order, is one isotherm
   (a cluster visited twice, e.g. 5 K before and after 300 K, gives two isotherms);
2. **branches** -- inside an isotherm the field direction is followed with a hysteresis of
   ``max(field_abs_tol_Oe, field_rel_tol * max|H|)``, so repeated readings at one set point never
   start a new branch. A branch that starts near H = 0 and moves away from it, before any
   other branch, is the ``virgin`` curve; the others are ``decreasing`` or ``increasing``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import FormatError

__all__ = ["Isotherm", "temperature_clusters", "field_branches", "group_isotherms"]

#: neighbouring temperatures further apart than max(TEMP_ABS_TOL_K, TEMP_REL_TOL*T) are two isotherms
TEMP_ABS_TOL_K = 0.1
TEMP_REL_TOL = 0.005
#: a field sweep turns when H moves back by more than max(FIELD_ABS_TOL_OE, FIELD_REL_TOL*max|H|)
FIELD_ABS_TOL_OE = 5.0
FIELD_REL_TOL = 0.002
#: an isotherm needs at least this many distinct field points (otherwise it is a set point of a
#: temperature sweep and is left out, counted in ``provenance``)
MIN_FIELD_POINTS = 5


@dataclass(eq=False)
class Isotherm:
    """Rows of one isotherm, in file order.

    Attributes
    ----------
    temperature_K : float
        Median temperature of the rows.
    temperature_spread_K : float
        Peak-to-peak temperature of the rows (drift).
    rows : numpy.ndarray
        Row positions (0-based) in the source table.
    field_Oe, moment_emu, moment_err_emu : numpy.ndarray
        Field, raw moment and its error (NaN where the file has none) of those rows.
    branch : numpy.ndarray of str
        ``"virgin"``, ``"decreasing"`` or ``"increasing"`` per row.
    source : str or None
        File the rows come from.
    provenance : dict
        Rows of the file not in any isotherm (and why), tolerances used.
    row_temperature_K : numpy.ndarray or None
        Temperature of every row.
    magnetization : numpy.ndarray or None
        For a table that already holds a normalised magnetisation (no raw moment; ``moment_emu``
        is then NaN): its values in ``magnetization_unit``.
    magnetization_unit : str or None
        ``"muB"`` (μB per formula unit), ``"emu_g"`` or ``"emu_mol"``; None for a raw moment.
    """

    temperature_K: float
    temperature_spread_K: float
    rows: np.ndarray
    field_Oe: np.ndarray
    moment_emu: np.ndarray
    moment_err_emu: np.ndarray
    branch: np.ndarray
    source: str | None = None
    provenance: dict[str, Any] = field(default_factory=dict)
    row_temperature_K: np.ndarray | None = None
    magnetization: np.ndarray | None = None
    magnetization_unit: str | None = None

    def __len__(self) -> int:
        return int(self.rows.size)

    @property
    def branches(self) -> list[str]:
        """Branch names in the order they were measured (a name may repeat)."""
        out: list[str] = []
        for b in self.branch.tolist():
            if not out or out[-1] != b:
                out.append(b)
        return out

    def label(self) -> str:
        """A short label, e.g. ``'T = 5.00 K (virgin, decreasing, increasing)'``."""
        return f"T = {self.temperature_K:.4g} K ({', '.join(self.branches)})"


def _tol_T(t: float, abs_tol: float, rel_tol: float) -> float:
    return max(abs_tol, rel_tol * abs(t))


def temperature_clusters(temperature_K, *, abs_tol_K: float = TEMP_ABS_TOL_K,
                         rel_tol: float = TEMP_REL_TOL) -> np.ndarray:
    """Cluster label per row from the sorted temperatures (gap rule), -1 for NaN.

    Parameters
    ----------
    temperature_K : array_like
        Temperature of every row, K.
    abs_tol_K, rel_tol : float
        Neighbouring sorted temperatures further apart than ``max(abs_tol_K, rel_tol*T)`` start a
        new cluster. mK drift stays inside one cluster.

    Returns
    -------
    numpy.ndarray of int
        Cluster index per row, increasing with temperature; -1 where T is NaN.
    """
    t = np.asarray(temperature_K, dtype=float)
    labels = np.full(t.size, -1, dtype=int)
    ok = np.flatnonzero(np.isfinite(t))
    if ok.size == 0:
        return labels
    order = ok[np.argsort(t[ok], kind="stable")]
    ts = t[order]
    gaps = np.diff(ts) > np.array([_tol_T(x, abs_tol_K, rel_tol) for x in ts[:-1]])
    labels[order] = np.concatenate([[0], np.cumsum(gaps)])
    return labels


def field_branches(field_Oe, *, abs_tol_Oe: float = FIELD_ABS_TOL_OE,
                   rel_tol: float = FIELD_REL_TOL) -> np.ndarray:
    """Branch name per row of one isotherm (rows in measurement order).

    Parameters
    ----------
    field_Oe : array_like
        Field of every row, Oe, in file order. NaN rows inherit the current branch.
    abs_tol_Oe, rel_tol : float
        Hysteresis of the direction tracker: the sweep turns only when H moves back by more than
        ``max(abs_tol_Oe, rel_tol * max|H|)`` from its extreme value, so repeated readings and
        set-point noise at one field never split a branch.

    Returns
    -------
    numpy.ndarray of str
        ``"virgin"``, ``"decreasing"`` or ``"increasing"``.
    """
    h = np.asarray(field_Oe, dtype=float)
    n = h.size
    out = np.empty(n, dtype=object)
    finite = h[np.isfinite(h)]
    if finite.size == 0:
        out[:] = "increasing"
        return out.astype(str)
    tol = max(abs_tol_Oe, rel_tol * float(np.max(np.abs(finite))))
    seg = np.zeros(n, dtype=int)
    dirs: list[str | None] = [None]
    start = ext = None
    for i, x in enumerate(h.tolist()):
        if x != x:  # NaN
            seg[i] = len(dirs) - 1
            continue
        if start is None:
            start = ext = x
        d = dirs[-1]
        if d is None:
            if x - start > tol:
                dirs[-1] = "increasing"
                ext = x
            elif start - x > tol:
                dirs[-1] = "decreasing"
                ext = x
        elif d == "increasing":
            if x < ext - tol:
                dirs.append("decreasing")
                start = ext
                ext = x
            else:
                ext = max(ext, x)
        elif x > ext + tol:
            dirs.append("increasing")
            start = ext
            ext = x
        else:
            ext = min(ext, x)
        seg[i] = len(dirs) - 1
    names = [d or "increasing" for d in dirs]
    # virgin: the first branch starts near zero and moves away from it
    first = h[seg == 0]
    first = first[np.isfinite(first)]
    if len(dirs) > 1 and first.size and abs(first[0]) <= max(tol, 0.05 * np.max(np.abs(finite))):
        names[0] = "virgin"
    elif len(dirs) == 1 and first.size and abs(first[0]) <= max(tol, 0.05 * np.max(np.abs(finite))):
        names[0] = "virgin"
    return np.array([names[s] for s in seg], dtype=str)


def group_isotherms(temperature_K, field_Oe, moment_emu, moment_err_emu=None, *,
                    source: str | None = None, abs_tol_K: float = TEMP_ABS_TOL_K,
                    rel_tol: float = TEMP_REL_TOL, min_points: int = MIN_FIELD_POINTS,
                    magnetization=None, magnetization_unit: str | None = None) -> list[Isotherm]:
    """Split M(H) rows into isotherms (temperature clusters, in file order) and branches.

    Parameters
    ----------
    temperature_K, field_Oe, moment_emu : array_like
        Per-row temperature (K; None or all-NaN: one isotherm of unknown temperature), field (Oe)
        and moment (emu), in file order.
    moment_err_emu : array_like, optional
        One-sigma moment errors.
    source : str, optional
        File name, for messages.
    abs_tol_K, rel_tol : float
        Temperature clustering tolerance, see :func:`temperature_clusters`.
    min_points : int
        Runs with fewer distinct fields are not isotherms (counted in each isotherm's
        ``provenance["rows_not_in_isotherms"]``).
    magnetization : array_like, optional
        Used instead of ``moment_emu`` (pass None there) for a table that already holds a
        normalised magnetisation, in ``magnetization_unit``.
    magnetization_unit : {"muB", "emu_g", "emu_mol"}, optional
        Unit of ``magnetization``.

    Returns
    -------
    list of Isotherm
        In measurement order.

    Raises
    ------
    FormatError
        No field or moment column, or no run of rows qualifies as an isotherm.
    """
    h = None if field_Oe is None else np.asarray(field_Oe, dtype=float)
    m = None if moment_emu is None else np.asarray(moment_emu, dtype=float)
    mag = None if magnetization is None or m is not None else np.asarray(magnetization, dtype=float)
    if h is None or (m is None and mag is None):
        raise FormatError("M(H) analysis needs a field and a moment column", path=source,
                          hint="name them 'Magnetic Field (Oe)' / 'Moment (emu)' (or 'M (muB/f.u.)', "
                               "'M (emu/g)', 'M (emu/mol)'), or pass read(..., columns={'field_Oe': ..., "
                               "'moment_emu': ...}) (CLI: --column field_Oe=... --column moment_emu=...)")
    n = h.size
    if m is None:
        m = np.full(n, np.nan)
    values = m if mag is None else mag
    t = np.full(n, np.nan) if temperature_K is None else np.asarray(temperature_K, dtype=float)
    err = np.full(n, np.nan) if moment_err_emu is None else np.asarray(moment_err_emu, dtype=float)
    usable = np.isfinite(h) & np.isfinite(values)
    has_t = bool(np.isfinite(t[usable]).any())
    labels = temperature_clusters(np.where(usable, t, np.nan), abs_tol_K=abs_tol_K, rel_tol=rel_tol) \
        if has_t else np.where(usable, 0, -1)
    # contiguous runs (file order) of one cluster, ignoring unusable rows in between
    pos = np.flatnonzero(labels >= 0)
    runs: list[np.ndarray] = []
    if pos.size:
        cuts = np.flatnonzero(np.diff(labels[pos]) != 0) + 1
        runs = np.split(pos, cuts)
    out: list[Isotherm] = []
    short = 0
    for r in runs:
        n_fields = np.unique(np.round(h[r] / max(FIELD_ABS_TOL_OE, 1e-9))).size
        if n_fields < min_points:
            short += r.size
            continue
        tt = t[r]
        tt = tt[np.isfinite(tt)]
        out.append(Isotherm(
            temperature_K=float(np.median(tt)) if tt.size else float("nan"),
            temperature_spread_K=float(np.ptp(tt)) if tt.size else float("nan"),
            rows=r, field_Oe=h[r], moment_emu=m[r], moment_err_emu=err[r],
            branch=field_branches(h[r]), source=source, row_temperature_K=t[r],
            magnetization=None if mag is None else mag[r],
            magnetization_unit=None if mag is None else magnetization_unit))
    if not out:
        raise FormatError(f"no isotherm found: no run of rows at one temperature has {min_points} or "
                          "more distinct fields", path=source,
                          hint="is this an M(T) file? use `magfit fit` for chi(T)")
    dropped = int(n - sum(len(i) for i in out))
    for iso in out:
        iso.provenance = {"rows_in_file": n, "rows_not_in_isotherms": dropped,
                          "rows_in_short_runs": short, "rows_without_field_or_moment": int((~usable).sum()),
                          "temperature_tolerance": f"max({abs_tol_K} K, {rel_tol:g}*T)"}
    return out


def isotherms_from_measurement(measurement, **kwargs) -> list[Isotherm]:
    """:func:`group_isotherms` on a :class:`magfit.Measurement` (DC rows only).

    Parameters
    ----------
    measurement : magfit.Measurement
        A file read by :func:`magfit.read`.
    **kwargs
        Passed to :func:`group_isotherms`.

    Returns
    -------
    list of Isotherm
    """
    kind = measurement.row_kind()
    h = measurement.field_Oe
    m = measurement.moment_emu
    if m is not None:
        m = np.where(kind == "DC", m, np.nan)
        return group_isotherms(measurement.temperature_K, h, m, measurement.moment_err_emu,
                               source=measurement.source, **kwargs)
    values, unit = table_magnetization(measurement)
    return group_isotherms(measurement.temperature_K, h, None, None, source=measurement.source,
                           magnetization=values, magnetization_unit=unit, **kwargs)


#: canonical magnetisation columns of a table (no raw moment) -> unit name of MagnetizationCurve
MAGNETIZATION_COLUMNS = {"moment_muB_fu": "muB", "magnetization_emu_g": "emu_g",
                         "magnetization_emu_mol": "emu_mol"}


def table_magnetization(measurement) -> tuple[np.ndarray | None, str | None]:
    """The magnetisation column of a table without a raw moment, and its unit.

    ``M (muB/f.u.)`` -> (values, "muB"); ``M (emu/g)``, ``M (A m^2/kg)``, ``M (J/T/kg)`` ->
    "emu_g" (1 A m^2/kg = 1 J T^-1 kg^-1 = 1 emu/g; the loader applied the factor); ``M (emu/mol)``
    -> "emu_mol". (None, None) when the table has none of them.

    Parameters
    ----------
    measurement : magfit.Measurement

    Returns
    -------
    (numpy.ndarray or None, str or None)
    """
    for canon, unit in MAGNETIZATION_COLUMNS.items():
        values = measurement.column(canon)
        if values is not None:
            return values, unit
    return None, None


__all__ += ["isotherms_from_measurement", "table_magnetization", "MAGNETIZATION_COLUMNS"]


def isotherm_segments(isotherms: list[Isotherm], n_rows: int) -> tuple[np.ndarray, Any]:
    """Segments of an M(H) file for ``Measurement.segments()``: one per isotherm branch.

    Parameters
    ----------
    isotherms : list of Isotherm
        From :func:`group_isotherms` / :func:`isotherms_from_measurement`.
    n_rows : int
        Rows of the source table.

    Returns
    -------
    seg : numpy.ndarray of int
        Segment id per row (-1: row in no isotherm).
    table : pandas.DataFrame
        One row per branch: id, kind ("DC"), field_Oe (NaN: swept), direction ("virgin",
        "decreasing field", "increasing field"), protocol (None), n_rows, T_min_K, T_max_K,
        H_min_Oe, H_max_Oe, first_row, last_row, label (e.g. "DC T=5.00 K decreasing field").
    """
    import pandas as pd

    seg = np.full(n_rows, -1, dtype=int)
    rows = []
    for iso, part, direction in branch_runs(isotherms):
        r = iso.rows[part]
        hh = iso.field_Oe[part]
        sid = len(rows)
        seg[r] = sid
        tt = iso.row_temperature_K[part] if iso.row_temperature_K is not None else np.array([np.nan])
        rows.append({"id": sid, "kind": "DC", "field_Oe": np.nan, "direction": direction,
                     "protocol": None, "protocol_source": None, "n_rows": int(r.size),
                     "T_min_K": float(np.nanmin(tt)) if np.isfinite(tt).any() else np.nan,
                     "T_max_K": float(np.nanmax(tt)) if np.isfinite(tt).any() else np.nan,
                     "H_min_Oe": float(np.nanmin(hh)), "H_max_Oe": float(np.nanmax(hh)),
                     "first_row": int(r[0]), "last_row": int(r[-1]),
                     "label": f"DC T={iso.temperature_K:.3g} K {direction}"})
    return seg, pd.DataFrame(rows)


#: branch names as segment directions
BRANCH_WORDS = {"virgin": "virgin", "decreasing": "decreasing field", "increasing": "increasing field"}


def branch_runs(isotherms: list[Isotherm]):
    """Yield ``(isotherm, slice, direction)`` for every run of one branch, in measurement order.

    Parameters
    ----------
    isotherms : list of Isotherm
        From :func:`group_isotherms`.

    Yields
    ------
    tuple
        The isotherm, a slice of its rows, and the direction ("virgin", "decreasing field",
        "increasing field").
    """
    for iso in isotherms:
        b = iso.branch
        start = 0
        for i in range(1, b.size + 1):
            if i < b.size and b[i] == b[start]:
                continue
            yield iso, slice(start, i), BRANCH_WORDS[str(b[start])]
            start = i


__all__ += ["isotherm_segments", "branch_runs"]
