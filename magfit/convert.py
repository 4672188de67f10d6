"""Raw moment -> susceptibility: molar chi, mass chi_g and AC chi', chi'' of a Measurement.

Conversion (cgs-emu, per mole of formula units):

    chi_mol = (m - m_holder - m_eicosane) * M_molar / (mass_g * H) - chi_dia

with m in emu, M_molar in g/mol, mass_g in g, H in Oe and chi_dia the (negative) core
diamagnetism in emu/mol; per mole of magnetic ion the result is divided by the number of ions
per formula unit. See e.g. O. Kahn, *Molecular Magnetism* (VCH, 1993), ch. 1, and
``shared/PHYSICS.md`` (a). The sample numbers come from :func:`magfit.sample.resolve_sample`, the
row choice from :mod:`magfit.segments`, the holder and eicosane backgrounds from
:mod:`magfit.corrections`. Every dropped row is counted by reason in the provenance.

This module sits below :mod:`magfit.io` (which builds Measurements), so it never imports it: a
holder given as a file path is read by the reader that :mod:`magfit.io` installs with
:func:`use_reader` when it is imported.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import segments
from .chit import ChiT
from .corrections import EICOSANE_CHI_EMU_G, holder_background
from .errors import FormatError, SampleError, UnitsError
from .sample import resolve_sample
from .table_chi import record_dropped_lines, require_quantity, table_rows, temperature_checks
from .units import MU_B_ERG_G, N_A, chi_mass_cgs_to_si

if TYPE_CHECKING:
    from .measurement import Measurement

__all__ = ["susceptibility", "mass_susceptibility", "ac_susceptibility", "chi_from_table", "use_reader",
           "ZERO_FIELD_OE", "FIELD_OVERRIDE_REL"]

#: |H| below this is "zero field": chi = M/H is undefined there, the rows are dropped and counted.
ZERO_FIELD_OE = 1e-3
_MG_PER_G = 1000.0
#: error columns of the out-of-phase AC moment (not a loader canonical column)
_AC_IMAG_ERR_NAMES = ('m" Scan Std Dev', "m'' Scan Std Dev")
#: AC susceptibility given directly in emu/Oe (MPMS3 "AC X' (emu/Oe)"): used instead of m'/h_ac
_AC_CHI_EMU_OE_NAMES = {
    "real": ("AC X' (emu/Oe)", "AC X'  (emu/Oe)"), "imag": ("AC X'' (emu/Oe)", 'AC X" (emu/Oe)'),
    "real_err": ("AC X' Std Err. (emu/Oe)", "AC X' Std. Dev. (emu/Oe)"),
    "imag_err": ("AC X'' Std Err. (emu/Oe)", 'AC X" Std Err. (emu/Oe)', 'AC X" Std. Dev. (emu/Oe)'),
}
#: an explicit field_Oe that differs from the file's own field column by more than this (relative)
#: is recorded as a warning (and flagged by the fit): a silent override makes chi wrong by that factor
FIELD_OVERRIDE_REL = 0.02
_reader: Callable[[str], Any] | None = None
#: 1e308-like cells overflow to inf in m / (mass H); those rows are dropped and counted, not warned about
_QUIET = np.errstate(over="ignore", invalid="ignore")


def use_reader(read: Callable[[str], Any]) -> None:
    """Install the function that reads a holder file given as a path (``magfit.io`` installs ``read``).

    Parameters
    ----------
    read : callable
        ``read(path) -> Measurement``.

    Returns
    -------
    None
    """
    global _reader
    _reader = read


def _read_holder_file(path) -> Any:
    if _reader is None:
        raise FormatError(f"holder={path!r} is a path but no file reader is loaded",
                          hint="pass holder=magfit.read(path), or import magfit.io first")
    return _reader(path)


def _field_values(m: Measurement, n: int, field_Oe) -> tuple[np.ndarray, str]:
    if field_Oe is not None:
        try:
            h = np.broadcast_to(np.asarray(field_Oe, dtype=float), (n,)).copy()
        except (TypeError, ValueError):
            raise UnitsError(f"field_Oe={field_Oe!r} is not a number or an array of length {n}; "
                             "pass the applied field in oersted (CLI: --field-oe)") from None
        return h, "argument field_Oe"
    h = m.field_Oe
    if h is None:
        raise UnitsError(
            f"{m.source or 'data'}: no field column (looked for 'Magnetic Field (Oe)', 'Field (Oe)', "
            "'Field [Oe]', 'H (Oe)' ...); pass the applied field with field_Oe=... (CLI: --field-oe)"
        )
    return h, f"column {m.columns['field_Oe']!r}"


def _holder_moment(m: Measurement, holder, temp: np.ndarray, h: np.ndarray) -> tuple[np.ndarray, dict]:
    if holder is None:
        return np.zeros_like(temp), {}
    if isinstance(holder, (int, float, np.floating, np.integer)) and not isinstance(holder, bool):
        value = float(holder)
        if not math.isfinite(value):
            raise UnitsError(f"holder={holder!r} is not finite; pass the holder moment in emu")
        return np.full_like(temp, value), {"holder": {"kind": "constant", "moment_emu": value}}
    bg = holder if hasattr(holder, "moment_emu") else _read_holder_file(holder)
    bt, bm, bh = bg.temperature_K, bg.moment_emu, bg.field_Oe
    if bt is None or bm is None:
        raise FormatError("holder file has no temperature or moment column", path=bg.source,
                          hint="pass a holder measurement with T and moment, or a constant in emu")
    scale = bh is not None and bool(np.all(np.isfinite(h))) and bool(np.any(np.isfinite(bh) & (bh != 0)))
    res = holder_background(bt, bm, temp, holder_field_Oe=bh if scale else None,
                            field_Oe=h if scale else None)
    return np.asarray(res.moment_emu, dtype=float), {"holder": {
        "kind": "measurement", "source": bg.source, "sha256": bg.sha256,
        "n_points": res.n_holder_points, "T_range_K": list(res.holder_range_K),
        "holder_rows_dropped": res.n_dropped, "sample_points_clamped": res.n_clamped,
        "scaled_by_field": res.scaled_by_field,
        "formula": "m_bg(T) = [m_holder/H_holder](T) * H (linear interpolation in T)" if scale
        else "m_bg(T) = m_holder(T) (linear interpolation in T)"}}


def _moment_rows(m: Measurement, *, segment, field_Oe, holder, mass_mg, sample_kwargs, rows=None,
                 need_field: bool = True):
    """Shared part of susceptibility(), mass_susceptibility() and ac_susceptibility().

    ``rows`` = (Measurement, selection note) overrides the default row choice; with
    ``need_field=False`` a missing field column gives NaN fields instead of a UnitsError.
    """
    sub, selection = segments.default_rows(m, segment) if rows is None else rows
    temp = sub.temperature_K
    if temp is None:
        loop = ("; the file has a field column but no temperature: an M(H) loop? "
                "use `magfit mh` (magfit.mh)" if sub.field_Oe is not None else "")
        raise FormatError("no temperature column", path=m.source,
                          hint="name it 'Temperature (K)' / 'T (K)' / 'temperature_K', or pass "
                               "read(..., columns={'temperature_K': '<your column>'}) (CLI: "
                               "--column temperature_K=NAME_OR_INDEX)" + loop)
    n = temp.size
    if need_field or field_Oe is not None or sub.field_Oe is not None:
        h, h_source = _field_values(sub, n, field_Oe)
    else:
        h, h_source = np.full(n, np.nan), "absent (no field column)"
    sample = resolve_sample(m.header, mass_mg=mass_mg, path=m.source, **sample_kwargs)
    prov: dict[str, Any] = {
        "source": m.source, "sha256": m.sha256, "instrument": m.instrument,
        "variant": m.variant, "selection": selection, "rows_in": n,
        "columns": {"temperature_K": m.columns.get("temperature_K"), "field_Oe": h_source},
        "sample": sample.to_dict(), "corrections": {},
    }
    override = _field_override_warning(field_Oe, h, sub.field_Oe, m.columns.get("field_Oe"))
    if override:
        prov.setdefault("warnings", []).append(override)
    dropped: dict[str, int] = {}
    keep = np.ones(n, dtype=bool)

    def drop(mask, reason):
        new = mask & keep
        if new.any():
            dropped[reason] = dropped.get(reason, 0) + int(new.sum())
            keep[new] = False
            record_dropped_lines(prov, sub, reason, new)

    for mask, reason in temperature_checks(temp):
        drop(mask, reason)
    if rows is None and segment is None:
        _drop_residual_field(m, sub, h, drop)
    return sub, temp, h, sample, prov, dropped, keep, drop


def _drop_residual_field(m: Measurement, sub: Measurement, h: np.ndarray, drop: Callable) -> None:
    """The default selection leaves out rows at the magnet's residual field (0.07 Oe rows among 251 Oe
    rows): counted under their own reason; ``segment=`` selects them explicitly. Rows at exactly zero
    field (|H| < ZERO_FIELD_OE) keep their own reason, "zero field"."""
    residual, ids = segments.residual_field_rows(m)
    if not ids:
        return
    mask = residual[m.data.index.get_indexer(sub.data.index)] & ~(np.abs(h) < ZERO_FIELD_OE)
    drop(mask, f"residual field |H| < {segments.RESIDUAL_FIELD_OE:g} Oe among rows at a measuring field "
               f"(magnet reset / remanent field; segment {', '.join(map(str, ids))}: "
               "select it with segment=ID)")


def _drop_unusable(drop: Callable, values: np.ndarray, h: np.ndarray, what: str) -> None:
    """Count and drop rows without a value, without a field, or at zero field (chi = M/H undefined)."""
    drop(~np.isfinite(values), f"{what} missing (NaN)")
    drop(~np.isfinite(h), "field missing (NaN)")
    drop(np.isfinite(h) & (np.abs(h) < ZERO_FIELD_OE), "zero field")


@_QUIET
def susceptibility(m: Measurement, *, mass_mg: float | None = None, molar_mass_g_mol: float | None = None,
                   formula: str | None = None, per_ion: str | None = None, n_ions: float | None = None,
                   field_Oe=None, diamagnetic: float | str | None = None, holder=None,
                   header_conventions: bool = False, segment=None,
                   eicosane_mg: float | None = None, density_g_cm3: float | None = None) -> ChiT:
    """Molar susceptibility chi(T) in emu/mol (per formula unit, or per magnetic ion).

    chi_mol = (m - m_holder - m_eicosane) * M_molar / (mass_g * H) - chi_dia,
    divided by n_ions when ``per_ion``/``n_ions`` is given. Tables that already hold chi
    (emu/mol, m^3/mol, or emu/g with a molar mass) need no arguments.

    Parameters
    ----------
    m : Measurement
        The raw record (:func:`magfit.read`).
    mass_mg : float, optional
        Sample mass in mg (else header SAMPLE_MASS / WEIGHT / ``mass (g)``).
    molar_mass_g_mol, formula : optional
        Molar mass of one formula unit, or a formula to compute it from (periodictable).
    per_ion, n_ions : optional
        Normalise per mole of this ion / divide by this many ions per formula unit.
    field_Oe : float or array, optional
        Applied field in Oe when the file has no field column (or to override it).
    diamagnetic : float, "pascal" or None
        Core diamagnetism in emu/mol per formula unit (negative), or "pascal".
    holder : float, Measurement, path or None
        Holder background: a constant moment in emu, or a measurement interpolated in T.
    header_conventions : bool
        Read re-used header fields (eicosane mass, diamagnetic correction); see magfit.sample.
    segment : int, str or list, optional
        Segment(s) to use (see :meth:`select`). Default: DC rows only, all sweeps.
    eicosane_mg : float, optional
        Eicosane mass in mg; its moment chi_g H m_wax is subtracted.
    density_g_cm3 : float, optional
        Density, only for tables holding a volume susceptibility (chi_mol = chi_v M / density).

    Returns
    -------
    ChiT
        Provenance records source, columns, sample values and their origin, corrections,
        the selection, and ``dropped`` = {reason: count}.

    Raises
    ------
    UnitsError
        No field column and no ``field_Oe``, or zero field in every row.
    SampleError
        Mass or molar mass missing or not positive.
    """
    sample_kwargs = dict(molar_mass_g_mol=molar_mass_g_mol, formula=formula, per_ion=per_ion,
                         n_ions=n_ions, diamagnetic=diamagnetic, header_conventions=header_conventions,
                         eicosane_mg=eicosane_mg)
    if m.holds_chi:   # chi, chi*T, 1/chi, mu_eff, chi_g, chi_v tables (magfit.table_chi)
        return chi_from_table(m, segment=segment, mass_mg=mass_mg, field_Oe=field_Oe, holder=holder,
                              density_g_cm3=density_g_cm3, sample_kwargs=sample_kwargs)
    require_quantity(m)
    sub, temp, h, sample, prov, dropped, keep, drop = _moment_rows(m,
        segment=segment, field_Oe=field_Oe, holder=holder, mass_mg=mass_mg, sample_kwargs=sample_kwargs)
    molar = sample.molar_mass_g_mol
    err = None
    if "moment_emu" in sub.columns:
        moment = sub.moment_emu
        err = sub.moment_err_emu
        prov["columns"]["moment_emu"] = sub.columns["moment_emu"]
        prov["columns"]["moment_err_emu"] = sub.columns.get("moment_err_emu")
        _drop_unusable(drop, moment, h, "moment")
        _check_rows_left(keep, dropped, m.source)
        if sample.mass_mg is None:
            raise SampleError(f"{m.source or 'data'}: sample mass unknown (header SAMPLE_MASS/WEIGHT "
                              f"empty{sample.mass_note}); pass mass_mg=... (CLI: --mass-mg)")
        if molar is None:
            raise SampleError(f"{m.source or 'data'}: molar mass unknown; pass formula=... or "
                              "molar_mass_g_mol=... (CLI: --formula / --molar-mass)")
        t, h_k = temp[keep], h[keep]
        m_k = moment[keep]
        m_holder, hprov = _holder_moment(m, holder, t, h_k)
        prov["corrections"].update(hprov)
        m_wax = np.zeros_like(m_k)
        if sample.eicosane_mg:
            m_wax = EICOSANE_CHI_EMU_G * (sample.eicosane_mg / _MG_PER_G) * h_k
            prov["corrections"]["eicosane"] = {"mass_mg": sample.eicosane_mg,
                                               "chi_emu_g": EICOSANE_CHI_EMU_G}
        scale = molar / (sample.mass_g * h_k)
        chi = (m_k - m_holder - m_wax) * scale
        chi_err = None if err is None else np.abs(err[keep] * scale)
        prov["formula"] = "chi_mol = (m - m_holder - m_eicosane) * M_molar / (mass_g * H) - chi_dia"
    elif "moment_muB_fu" in sub.columns:
        mu = sub.column("moment_muB_fu")
        prov["columns"]["moment_muB_fu"] = sub.columns["moment_muB_fu"]
        _drop_unusable(drop, mu, h, "moment")
        _check_rows_left(keep, dropped, m.source)
        t, h_k = temp[keep], h[keep]
        chi = mu[keep] * N_A * MU_B_ERG_G / h_k
        chi_err = None
        prov["formula"] = "chi_mol = M[muB/f.u.] * N_A * mu_B[emu] / H - chi_dia"
    elif "magnetization_emu_g" in sub.columns:
        mg = sub.column("magnetization_emu_g")
        prov["columns"]["magnetization_emu_g"] = sub.columns["magnetization_emu_g"]
        _drop_unusable(drop, mg, h, "magnetization")
        _check_rows_left(keep, dropped, m.source)
        if molar is None:
            raise SampleError(f"{m.source or 'data'}: magnetization in emu/g needs the molar mass; "
                              "pass formula=... or molar_mass_g_mol=...")
        t, h_k = temp[keep], h[keep]
        chi = mg[keep] * molar / h_k
        chi_err = None
        prov["formula"] = "chi_mol = M[emu/g] * M_molar / H - chi_dia"
    else:
        raise FormatError("no moment column found", path=m.source,
                          hint="pass read(..., columns={'moment_emu': '<your column>'})")
    return _finish_chi(m, t, chi, chi_err, h_k, sample, prov, dropped)


def _molar_corrections(chi, chi_err, sample, prov) -> tuple[np.ndarray, Any, str, float]:
    """Subtract the core diamagnetism (per formula unit), then divide by the ions per formula unit.

    Returns chi, chi_err, what a mole counts, and the divisor used (1 per formula unit).
    """
    dia = sample.diamagnetic_emu_mol
    if dia:
        chi = chi - dia
        prov["corrections"]["diamagnetic_emu_mol"] = {"value": dia, "source": sample.diamagnetic_source}
    per, divisor = "formula unit", 1.0
    if sample.n_ions is not None:
        divisor = float(sample.n_ions)
        chi = chi / divisor
        chi_err = None if chi_err is None else chi_err / divisor
        per = sample.per
        prov["per_ion"] = {"ion": sample.per_ion, "n_ions": sample.n_ions,
                           "source": sample.sources.get("n_ions")}
    return chi, chi_err, per, divisor


def _finish_chi(m: Measurement, t, chi, chi_err, h, sample, prov, dropped) -> ChiT:
    chi, chi_err, per, _ = _molar_corrections(chi, chi_err, sample, prov)
    bad = ~np.isfinite(chi)
    if bad.any():  # e.g. a 1e308 cell: finite in the file, overflows in m / (mass H)
        dropped["chi not finite (a value overflows, e.g. a 1e308 cell)"] = int(bad.sum())
        _check_rows_left(~bad, dropped, m.source)
        t, chi = t[~bad], chi[~bad]
        chi_err = None if chi_err is None else chi_err[~bad]
        h = None if h is None else np.asarray(h)[~bad]
    prov["dropped"] = dropped
    prov["rows_used"] = int(t.size)
    if sample.warnings:
        prov["warnings"] = [*prov.get("warnings", []), *sample.warnings]
    read_warnings = [w for w in (m.provenance or {}).get("warnings", []) if w not in prov.get("warnings", [])]
    if read_warnings:    # what the reader warned about (e.g. columns of a second block not read) is shown
        prov["warnings"] = [*prov.get("warnings", []), *read_warnings]
    return ChiT(t, chi, chi_err, field_Oe=h, name=m.name, per=per, provenance=prov)


@_QUIET
def chi_from_table(m: Measurement, *, segment=None, mass_mg=None, field_Oe=None, holder=None,
                   density_g_cm3=None, sample_kwargs: dict | None = None) -> ChiT:
    """Molar chi(T) from a table that holds chi, chi*T, 1/chi, mu_eff, chi_g or chi_v.

    The column is read and converted by :func:`magfit.table_chi.table_rows`; the molar corrections
    (diamagnetism, per ion) are applied here as for raw moments.

    Parameters
    ----------
    m : Measurement
        A record with one of :data:`magfit.table_chi.CHI_CANONICAL` mapped.
    segment, mass_mg, field_Oe, holder
        As in :func:`susceptibility` (mass and holder do not apply to chi tables: reported as ignored).
    density_g_cm3 : float, optional
        Density, needed only for a volume susceptibility.
    sample_kwargs : dict, optional
        Keyword arguments for :func:`magfit.sample.resolve_sample`.

    Returns
    -------
    ChiT
        chi in emu/mol; rows without T or chi are dropped and counted in ``provenance["dropped"]``.
    """
    t, chi, err, h, sample, prov, dropped = table_rows(
        m, segment=segment, mass_mg=mass_mg, field_Oe=field_Oe, holder=holder,
        density_g_cm3=density_g_cm3, sample_kwargs=sample_kwargs)
    return _finish_chi(m, t, chi, err, h, sample, prov, dropped)


@_QUIET
def mass_susceptibility(m: Measurement, *, mass_mg: float | None = None, field_Oe=None, holder=None,
                        segment=None, eicosane_mg: float | None = None,
                        header_conventions: bool = False) -> pd.DataFrame:
    """Mass susceptibility chi_g = (m - m_holder) / (mass_g * H) in emu/g (= cm^3/g) and m^3/kg.

    Parameters
    ----------
    m : Measurement
        The raw record (:func:`magfit.read`).
    mass_mg, field_Oe, holder, segment, eicosane_mg, header_conventions
        As in :meth:`susceptibility`; no molar mass is needed.

    Returns
    -------
    pandas.DataFrame
        Columns temperature_K, chi_emu_g, chi_err_emu_g, chi_m3_kg (SI: 4 pi 1e-3 chi_emu_g),
        field_Oe; ``frame.attrs["provenance"]`` as for :meth:`susceptibility`.
    """
    if m.holds_chi:
        raise FormatError("this table already holds chi; use susceptibility()", path=m.source)
    sub, temp, h, sample, prov, dropped, keep, drop = _moment_rows(m,
        segment=segment, field_Oe=field_Oe, holder=holder, mass_mg=mass_mg,
        sample_kwargs={"header_conventions": header_conventions, "eicosane_mg": eicosane_mg})
    moment = sub.moment_emu
    if moment is None:
        raise FormatError("no moment column found", path=m.source,
                          hint="pass read(..., columns={'moment_emu': '<your column>'})")
    err = sub.moment_err_emu
    _drop_unusable(drop, moment, h, "moment")
    _check_rows_left(keep, dropped, m.source)
    if sample.mass_mg is None:
        raise SampleError(f"{m.source or 'data'}: sample mass unknown{sample.mass_note}; pass mass_mg=... "
                          "(CLI: --mass-mg)")
    t, h_k = temp[keep], h[keep]
    m_holder, hprov = _holder_moment(m, holder, t, h_k)
    prov["corrections"].update(hprov)
    m_k = moment[keep] - m_holder
    if sample.eicosane_mg:
        m_k = m_k - EICOSANE_CHI_EMU_G * (sample.eicosane_mg / _MG_PER_G) * h_k
        prov["corrections"]["eicosane"] = {"mass_mg": sample.eicosane_mg, "chi_emu_g": EICOSANE_CHI_EMU_G}
    chi_g = m_k / (sample.mass_g * h_k)
    out = pd.DataFrame({
        "temperature_K": t, "chi_emu_g": chi_g,
        "chi_err_emu_g": np.abs(err[keep] / (sample.mass_g * h_k)) if err is not None else np.nan,
        "chi_m3_kg": chi_mass_cgs_to_si(chi_g), "field_Oe": h_k,
    })
    prov["dropped"] = dropped
    prov["rows_used"] = int(t.size)
    prov["formula"] = "chi_g = (m - m_holder) / (mass_g * H); chi_g,SI = 4 pi 1e-3 chi_g,cgs"
    out.attrs["provenance"] = prov
    return out


@_QUIET
def ac_susceptibility(m: Measurement, *, mass_mg: float | None = None, molar_mass_g_mol: float | None = None,
                      formula: str | None = None, per_ion: str | None = None,
                      n_ions: float | None = None, diamagnetic: float | str | None = None,
                      header_conventions: bool = False) -> pd.DataFrame:
    """Molar AC susceptibility chi'(T, f, H) and chi''(T, f, H) in emu/mol, one row per AC point.

    chi'_mol  = (m' / h_ac - chi_g,wax * mass_wax_g) * M_molar / mass_g - chi_dia,
    chi''_mol =  m'' / h_ac * M_molar / mass_g,

    divided by n_ions when ``per_ion``/``n_ions`` is given. m', m'' are the in-phase and
    out-of-phase moment amplitudes (emu) the instrument reports at the drive amplitude h_ac (Oe),
    so m'/h_ac is the sample's AC susceptibility in emu/Oe (MPMS-XL ``m' (emu)`` /
    ``m" (emu)`` with ``Drive Amplitude (Oe)``; ACMS ``M' (emu)`` / ``M'' (emu)`` with
    ``Amplitude (Oe)``). Files that give the susceptibility itself in emu/Oe (MPMS3
    ``AC X' (emu/Oe)`` / ``AC X'' (emu/Oe)``, whose ``AC Moment (emu)`` is the magnitude
    |m|, not m') are used directly: X' replaces m'/h_ac. The static diamagnetism (core,
    eicosane) is in phase with the drive, so it is subtracted from chi' only.
    References: M. Balanda, Acta Phys. Pol. A 124, 964 (2013); D. Topping and S. J. Blundell,
    J. Phys.: Condens. Matter 31, 013001 (2019).

    Parameters
    ----------
    m : Measurement
        The raw record (:func:`magfit.read`).
    mass_mg, molar_mass_g_mol, formula, per_ion, n_ions, diamagnetic, header_conventions
        As in :meth:`susceptibility` (resolved by :func:`magfit.sample.resolve_sample`;
        with ``header_conventions`` an eicosane mass in the header is subtracted from chi').

    Returns
    -------
    pandas.DataFrame
        Index = row number in the file's data section; columns temperature_K, field_Oe (DC
        bias), frequency_Hz, amplitude_Oe (drive amplitude), chi_real_emu_mol,
        chi_imag_emu_mol, and chi_real_err_emu_mol / chi_imag_err_emu_mol where the file has
        non-zero error columns. ``frame.attrs["provenance"]`` records source, columns used,
        sample values and their sources, corrections, ``dropped`` = {reason: count}.

    Raises
    ------
    FormatError
        The file has no AC rows (or no AC moment column).
    UnitsError
        No drive-amplitude column, or the amplitude is zero/missing in every AC row (rows with
        a zero/missing amplitude among good ones are dropped and counted).
    SampleError
        Mass or molar mass unknown.
    """
    where = m.source or "data"
    kind = segments.row_kind(m)
    filled = [c for c in m.data.columns if np.isfinite(_numeric(m.data[c])).any()]
    direct = {part: next((c for c in names if c in filled), None)
              for part, names in _AC_CHI_EMU_OE_NAMES.items()}
    is_ac = kind == "AC"
    if direct["real"] is not None:  # MPMS3: chi' given in emu/Oe, whatever the moment columns say
        is_ac |= np.isfinite(_numeric(m.data[direct["real"]])) & (kind != "")
    if ("moment_ac_real_emu" not in m.columns and direct["real"] is None) or not is_ac.any():
        raise FormatError(
            f"no AC rows ({m.instrument} {m.variant}: no filled AC moment m'/M' or AC X' column)",
            path=m.source, hint="use susceptibility() for DC data; ac_susceptibility() needs "
                                   "an AC file (m' (emu), M' (emu) or AC X' (emu/Oe) columns)")
    if direct["real"] is None and "ac_amplitude_Oe" not in m.columns:
        raise UnitsError(f"{where}: no AC drive-amplitude column (looked for 'Drive Amplitude (Oe)', "
                         "'Amplitude (Oe)', 'AC Drive (Oe)'); chi' = m'/h_ac needs it: pass "
                         "read(..., columns={'ac_amplitude_Oe': '<your column>'})")
    n_kind, n_dc = int(is_ac.sum()), int((kind == "DC").sum())
    sub = segments.subset(m, is_ac, "AC rows")
    sub, temp, h, sample, prov, dropped, keep, drop = _moment_rows(m,
        segment=None, field_Oe=None, holder=None, mass_mg=mass_mg, need_field=False,
        rows=(sub, f"AC rows ({n_kind} of {len(m.data)}; {n_dc} DC rows not used)"),
        sample_kwargs=dict(molar_mass_g_mol=molar_mass_g_mol, formula=formula, per_ion=per_ion,
                           n_ions=n_ions, diamagnetic=diamagnetic, header_conventions=header_conventions))
    nan = np.full(temp.size, np.nan)
    h_ac, freq = sub.column("ac_amplitude_Oe"), sub.column("ac_frequency_Hz")
    amp_col = m.columns.get("ac_amplitude_Oe")
    if h_ac is None:
        h_ac = nan
    if freq is None:
        freq = nan
        prov.setdefault("notes", []).append("no AC frequency column: frequency_Hz is NaN")
    prov["columns"].update({"ac_amplitude_Oe": amp_col,
                            "ac_frequency_Hz": m.columns.get("ac_frequency_Hz")})
    if direct["real"] is not None:
        x_re = _numeric(sub.data[direct["real"]])
        x_im = nan if direct["imag"] is None else _numeric(sub.data[direct["imag"]])
        prov["columns"].update({"chi_real_emu_Oe": direct["real"], "chi_imag_emu_Oe": direct["imag"]})
        drop(~np.isfinite(x_re), "AC chi' missing (NaN)")
        _check_rows_left(keep, dropped, m.source)
        err_cols = [(part, direct[f"{part}_err"], 1.0) for part in ("real", "imag")]
        x_re, x_im = x_re[keep], x_im[keep]
        prov["formula"] = ("chi'_mol = (X' - chi_g,wax m_wax) * M_molar / mass_g - chi_dia; "
                           "chi''_mol = X'' * M_molar / mass_g (X', X'' in emu/Oe from the file); "
                           "both / n_ions per ion")
    else:
        m_re, m_im = sub.column("moment_ac_real_emu"), sub.column("moment_ac_imag_emu")
        if m_im is None:
            m_im = nan
        prov["columns"].update({"moment_ac_real_emu": m.columns["moment_ac_real_emu"],
                                "moment_ac_imag_emu": m.columns.get("moment_ac_imag_emu")})
        drop(~np.isfinite(m_re), "AC moment m' missing (NaN)")
        bad_amp = keep & ~(np.isfinite(h_ac) & (np.abs(h_ac) > 0))
        if bad_amp.any() and bad_amp.sum() == keep.sum():
            raise UnitsError(f"{where}: the AC drive amplitude (column {amp_col!r}) is zero or missing "
                             f"in every AC row ({int(bad_amp.sum())} rows), so chi' = m'/h_ac is "
                             "undefined; fix the column or name the right one with "
                             "read(..., columns={'ac_amplitude_Oe': '<your column>'})")
        drop(bad_amp, "AC drive amplitude zero or missing")
        _check_rows_left(keep, dropped, m.source)
        x_re, x_im = m_re[keep] / h_ac[keep], m_im[keep] / h_ac[keep]
        imag_err = next((c for c in _AC_IMAG_ERR_NAMES if c in sub.data.columns), None)
        err_cols = [("real", m.columns.get("moment_ac_err_emu"), h_ac[keep]),
                    ("imag", imag_err, h_ac[keep])]
        prov["formula"] = ("chi'_mol = (m'/h_ac - chi_g,wax m_wax) * M_molar / mass_g - chi_dia; "
                           "chi''_mol = m''/h_ac * M_molar / mass_g; both / n_ions per ion")
    if sample.mass_mg is None:
        raise SampleError(f"{where}: sample mass unknown (header SAMPLE_MASS/WEIGHT "
                          f"empty{sample.mass_note}); pass mass_mg=... (CLI: --mass-mg)")
    if sample.molar_mass_g_mol is None:
        raise SampleError(f"{where}: molar mass unknown; pass formula=... or molar_mass_g_mol=... "
                          "(CLI: --formula / --molar-mass)")
    scale = sample.molar_mass_g_mol / sample.mass_g
    if sample.eicosane_mg:
        x_re = x_re - EICOSANE_CHI_EMU_G * sample.eicosane_mg / _MG_PER_G
        prov["corrections"]["eicosane"] = {"mass_mg": sample.eicosane_mg, "chi_emu_g": EICOSANE_CHI_EMU_G,
                                           "applied_to": "chi' only"}
    errs = {}
    for part, col, divide_by in err_cols:
        if col is None:
            continue
        e = _numeric(sub.data[col])[keep]
        if np.all(np.nan_to_num(e) == 0):
            prov.setdefault("notes", []).append(
                f"error column {col!r} is 0 or empty in every used row (one scan per point): "
                f"chi_{part}_err_emu_mol not reported")
            continue
        errs[part] = np.abs(e / divide_by) * scale
        prov["columns"][f"chi_{part}_err"] = col
    chi_re, err_re, per, divisor = _molar_corrections(x_re * scale, errs.get("real"), sample, prov)
    if "diamagnetic_emu_mol" in prov["corrections"]:
        prov["corrections"]["diamagnetic_emu_mol"]["applied_to"] = "chi' only"
    out = pd.DataFrame({
        "temperature_K": temp[keep], "field_Oe": h[keep], "frequency_Hz": freq[keep],
        "amplitude_Oe": h_ac[keep], "chi_real_emu_mol": chi_re,
        "chi_imag_emu_mol": x_im * scale / divisor,
    }, index=sub.data.index[keep])
    if err_re is not None:
        out["chi_real_err_emu_mol"] = err_re
    if "imag" in errs:
        out["chi_imag_err_emu_mol"] = errs["imag"] / divisor
    prov["per"] = per
    prov["dropped"] = dropped
    prov["rows_used"] = int(keep.sum())
    if sample.warnings:
        prov["warnings"] = [*prov.get("warnings", []), *sample.warnings]
    out.attrs["provenance"] = prov
    return out


# ------------------------------------------------------------------ helpers
def _check_rows_left(keep: np.ndarray, dropped: dict[str, int], path: str | None) -> None:
    """Raise, naming why every row went, when no row is left to convert."""
    if keep.any():
        return
    where = f"{path}: " if path else ""
    if dropped.get("zero field"):
        raise UnitsError(f"{where}the field is zero in every usable row ({dropped['zero field']} rows), so "
                         "chi = M/H is undefined; pass the applied field with field_Oe=... (CLI: --field-oe)")
    if keep.size == 0:
        raise FormatError("no rows to convert: the data section (or the selected segment) is empty",
                          path=path, hint="check the file has data rows and the segment= choice "
                                          "(Measurement.segments() lists them)")
    reasons = "; ".join(f"{n} with {reason}" for reason, n in dropped.items())
    raise FormatError(f"no usable rows left: all {keep.size} rows dropped ({reasons})", path=path,
                      hint="check the segment choice and that the moment/temperature/field columns hold "
                           "numbers (Measurement.summary() shows the non-numeric cells)")


def _numeric(series: pd.Series) -> np.ndarray:
    """A column as floats (non-numeric cells -> NaN)."""
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _field_override_warning(field_arg, h_used: np.ndarray, h_file: np.ndarray | None,
                            column: str | None) -> str | None:
    """Warning text when ``field_Oe`` replaced a file field column that disagrees with it."""
    if field_arg is None or h_file is None:
        return None
    ok = np.isfinite(h_file) & np.isfinite(h_used) & (h_file != 0)
    if not ok.any():
        return None
    rel = float(np.median(np.abs(h_used[ok] / h_file[ok] - 1.0)))
    if rel <= FIELD_OVERRIDE_REL:
        return None
    return (f"field_Oe given ({float(np.median(h_used[ok])):.6g} Oe) replaces the file's column {column!r} "
            f"(median {float(np.median(h_file[ok])):.6g} Oe), {100 * rel:.3g} % different: chi scales as "
            "1/H -- check which field is right")
