"""Tables that already hold a susceptibility-like quantity -> molar chi(T) in emu/mol.

=======================  =====================================  ==============================
canonical column         molar chi (cgs-emu, emu mol^-1 Oe^-1)  needs
=======================  =====================================  ==============================
chi_emu_mol              chi                                    -
chiT_emu_K_mol           chiT / T                               T > 0
inverse_chi_mol_emu      1 / (1/chi)                            1/chi != 0
mu_eff_muB               C_1 mu_eff^2 / T, C_1 = N_A mu_B^2/3k_B  T > 0
chi_emu_g                chi_g * M_molar                        molar mass
chi_volume_cgs           chi_v * M_molar / density              molar mass and density (g/cm^3)
chi_sample_emu_Oe        (M/H of the sample) * M_molar / mass   molar mass and sample mass
magnetization_emu_mol    M_mol / H                              a field (column or field_Oe)
=======================  =====================================  ==============================

``C_1 = magfit.units.CURIE_CGS_PER_MUB2`` = 0.125049 emu K/mol is the exact Curie factor, so a
mu_eff(T) column written as sqrt(8 chi T) comes back 0.02 % off (the sqrt(8) rounding), and
one written with the exact factor comes back exactly. Errors propagate to first order
(sigma_chi = sigma_chiT / T, sigma_(1/chi) chi^2, 2 C_1 mu_eff sigma_mu / T, ...).

A chi table never needs a field (a molar magnetisation M in emu/mol does); options that only
apply to raw moments (mass, holder, eicosane) or to other kinds of table (density) are listed as
ignored in the provenance ``warnings`` instead of being dropped silently.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import FormatError, SampleError, UnitsError
from .units import CURIE_CGS_PER_MUB2

__all__ = ["CHI_CANONICAL", "table_quantity", "table_rows", "require_quantity", "temperature_checks",
           "record_dropped_lines", "T_MAX_PHYSICAL_K"]

#: no magnetometer measures above ~1300 K (furnace options); a larger temperature (a 1e308 filler
#: cell, a wrong column) or one at or below 0 K is not a measured temperature: the row is dropped
T_MAX_PHYSICAL_K = 1.0e4
TEMPERATURE_NAN = "temperature missing (NaN)"
TEMPERATURE_UNPHYSICAL = "temperature not physical (<= 0 K, > 1e4 K or infinite)"
#: at most this many file lines are listed per drop reason
_MAX_LINES = 20

#: canonical columns that hold a susceptibility-like quantity, in order of preference
CHI_CANONICAL: tuple[str, ...] = ("chi_emu_mol", "chiT_emu_K_mol", "inverse_chi_mol_emu", "mu_eff_muB",
                                  "chi_emu_g", "chi_volume_cgs", "chi_sample_emu_Oe", "magnetization_emu_mol")
_ERROR_OF = {"chi_emu_mol": "chi_err_emu_mol", "chiT_emu_K_mol": "chiT_err_emu_K_mol",
             "inverse_chi_mol_emu": "inverse_chi_err_mol_emu", "mu_eff_muB": "mu_eff_err_muB",
             "chi_emu_g": "chi_err_emu_g", "chi_volume_cgs": "chi_volume_err_cgs",
             "magnetization_emu_mol": "magnetization_err_emu_mol",
             "chi_sample_emu_Oe": "chi_sample_err_emu_Oe"}
_MOMENT_CANONICAL = ("moment_emu", "moment_muB_fu", "magnetization_emu_g", "magnetization_emu_mol")
_FORMULA = {
    "chi_emu_mol": "chi_mol read from the table",
    "chiT_emu_K_mol": "chi_mol = chiT / T",
    "inverse_chi_mol_emu": "chi_mol = 1 / (1/chi)",
    "mu_eff_muB": "chi_mol = N_A mu_B^2 mu_eff^2 / (3 k_B T) = 0.125049 mu_eff^2 / T",
    "chi_emu_g": "chi_mol = chi_g * M_molar",
    "chi_volume_cgs": "chi_mol = chi_v * M_molar / density",
    "chi_sample_emu_Oe": "chi_mol = (M/H of the sample) * M_molar / mass_g",
    "magnetization_emu_mol": "chi_mol = M_mol / H",
}


def table_quantity(columns: dict[str, str]) -> str | None:
    """The susceptibility-like canonical column a table holds (None for moment tables).

    Parameters
    ----------
    columns : dict
        canonical -> original column names of a Measurement.

    Returns
    -------
    str or None
        The first of :data:`CHI_CANONICAL` present.
    """
    return next((c for c in CHI_CANONICAL if c in columns), None)


def require_quantity(m) -> None:
    """A table without any chi-like or moment column: say so before asking for a field.

    Parameters
    ----------
    m : Measurement
        A measurement read from a table.

    Raises
    ------
    FormatError
        Neither a susceptibility-like nor a moment column was recognised.
    """
    if m.instrument != "table" or table_quantity(m.columns) or any(c in m.columns for c in _MOMENT_CANONICAL):
        return
    cols = ", ".join(f"{k + 1}={c!r}" for k, c in enumerate(list(m.data.columns)[:20]))
    unread = [n for n in m.provenance.get("notes", []) if n.endswith("; not used") and "looks like" in n
              or "volume magnetisation" in n]
    raise FormatError(
        "no susceptibility or moment column recognised" + (f" ({'; '.join(unread)})" if unread else ""),
        path=m.source,
        hint=f"columns are {cols}. Name one like 'chi (emu/mol)', 'chiT (emu K/mol)', '1/chi (mol/emu)', "
             "'mu_eff (muB)', 'chi_g (emu/g)' or 'M (emu)' with 'H (Oe)', or map it: "
             "read(path, columns={'chi_emu_mol': 2}, units={'chi_emu_mol': 'cm3/mol'}) "
             "(CLI: --column chi_emu_mol=2 --unit chi_emu_mol=cm3/mol)")


def temperature_checks(temp: np.ndarray) -> list[tuple[np.ndarray, str]]:
    """(mask, reason) of the rows whose temperature cannot be used: missing, or not physical.

    Parameters
    ----------
    temp : numpy.ndarray
        Temperatures in K.

    Returns
    -------
    list of (numpy.ndarray, str)
        Boolean masks with the reasons :data:`TEMPERATURE_NAN` and :data:`TEMPERATURE_UNPHYSICAL`.
    """
    with np.errstate(invalid="ignore"):
        unphysical = ~np.isnan(temp) & ~((temp > 0) & (temp <= T_MAX_PHYSICAL_K))
    return [(np.isnan(temp), TEMPERATURE_NAN), (unphysical, TEMPERATURE_UNPHYSICAL)]


def record_dropped_lines(prov: dict[str, Any], m, reason: str, mask: np.ndarray) -> None:
    """Name the file lines of dropped rows: ``prov["dropped_lines"][reason]`` (first 20 lines), and a
    warning for rows whose temperature is not physical (a value no instrument writes).

    Parameters
    ----------
    prov : dict
        Provenance being built (updated in place).
    m : Measurement
        The rows the mask refers to (its ``data.index`` is the row number in the data section).
    reason : str
        Why the rows were dropped.
    mask : numpy.ndarray
        Boolean mask of the newly dropped rows.
    """
    first = (m.provenance or {}).get("first_data_line")
    if first is None or not mask.any():
        return
    try:
        rows = np.asarray(m.data.index)[mask][:_MAX_LINES]
        lines = [int(first) + int(r) for r in rows]
    except (TypeError, ValueError):
        return
    listed = prov.setdefault("dropped_lines", {}).setdefault(reason, [])
    listed.extend(lines[:_MAX_LINES - len(listed)])
    if reason == TEMPERATURE_UNPHYSICAL:
        temp = m.temperature_K
        example = float(temp[mask][0]) if temp is not None else float("nan")
        prov.setdefault("warnings", []).append(
            f"{int(mask.sum())} row(s) dropped: temperature not physical (e.g. {example:g} K at line "
            f"{lines[0]}; lines {lines})")


def _molar(kind: str, x: np.ndarray, e: np.ndarray | None, temp: np.ndarray, sample, density, where: str
           ) -> tuple[np.ndarray, np.ndarray | None]:
    """chi_mol and its error from the table quantity ``x`` (error ``e``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "chi_emu_mol":
            return x, e
        if kind == "chiT_emu_K_mol":
            return x / temp, None if e is None else np.abs(e / temp)
        if kind == "inverse_chi_mol_emu":
            return 1.0 / x, None if e is None else np.abs(e) / x**2
        if kind == "mu_eff_muB":
            chi = CURIE_CGS_PER_MUB2 * x**2 / temp
            return chi, None if e is None else np.abs(2.0 * CURIE_CGS_PER_MUB2 * x * e / temp)
    molar = sample.molar_mass_g_mol
    if molar is None:
        what = {"chi_emu_g": "mass susceptibility (emu/g)", "chi_sample_emu_Oe": "sample susceptibility M/H "
                "(emu/Oe)"}.get(kind, "volume susceptibility")
        raise SampleError(f"{where}: the table holds a {what}; the molar mass is needed: pass formula=... "
                          "or molar_mass_g_mol=... (CLI: --formula / --molar-mass)")
    scale = molar
    if kind == "chi_sample_emu_Oe":
        if sample.mass_mg is None:
            raise SampleError(f"{where}: the table holds M/H of the whole sample (emu/Oe); chi_mol = (M/H) "
                              f"* M_molar / mass needs the sample mass{sample.mass_note}: pass mass_mg=... "
                              "(CLI: --mass-mg)")
        scale = molar / sample.mass_g
    if kind == "chi_volume_cgs":
        if density is None or not np.isfinite(density) or density <= 0:
            raise SampleError(f"{where}: the table holds a dimensionless volume susceptibility; chi_mol = "
                              "chi_v * M_molar / density needs the density in g/cm^3: pass "
                              "density_g_cm3=... (CLI: --density)")
        scale = molar / float(density)
    return x * scale, None if e is None else np.abs(e) * scale


def _ignored(kind: str, *, mass_mg, holder, density, sample_kwargs: dict[str, Any], column: str,
             field_Oe=None) -> list[str]:
    """Options given that this table does not use (reported, not dropped silently)."""
    out = []
    why = f"the table already holds {kind} (column {column!r})"
    if field_Oe is not None and kind != "magnetization_emu_mol":
        out.append(f"option field_Oe (--field-oe)={field_Oe!r} ignored for the conversion: {why}, which "
                   "needs no field; it is only recorded as the measuring field")
    for name, value, use in (("mass_mg (--mass-mg)", None if kind == "chi_sample_emu_Oe" else mass_mg,
                              "raw moments"),
                             ("holder (--holder)", holder, "raw moments"),
                             ("eicosane_mg", sample_kwargs.get("eicosane_mg"), "raw moments")):
        if value is not None:
            out.append(f"option {name}={value!r} ignored: {why}; it is used only for {use}")
    if density is not None and kind != "chi_volume_cgs":
        out.append(f"option density_g_cm3 (--density)={density!r} ignored: {why}; it is used only for a "
                   "volume susceptibility")
    if sample_kwargs.get("molar_mass_g_mol") is not None and kind not in ("chi_emu_g", "chi_volume_cgs",
                                                                          "chi_sample_emu_Oe"):
        out.append(f"option molar_mass_g_mol (--molar-mass)={sample_kwargs['molar_mass_g_mol']!r} ignored: "
                   f"{why}, already per mole")
    return out


def table_rows(m, *, segment=None, mass_mg=None, field_Oe=None, holder=None, density_g_cm3=None,
               sample_kwargs: dict[str, Any] | None = None) -> tuple:
    """Molar chi rows from a table that holds chi, chi*T, 1/chi, mu_eff, chi_g or chi_v.

    :func:`magfit.convert.chi_from_table` applies the molar corrections (diamagnetism, per ion)
    and returns the ChiT; this function only reads and converts the column.

    Parameters
    ----------
    m : Measurement
        A measurement with one of :data:`CHI_CANONICAL` mapped.
    segment : optional
        Segment selection (see ``Measurement.select``); default all rows.
    mass_mg, holder : optional
        Not used by chi tables; reported as ignored when given.
    field_Oe : float or array, optional
        Field to record with the data (never required).
    density_g_cm3 : float, optional
        Density, needed only for a volume susceptibility.
    sample_kwargs : dict, optional
        molar_mass_g_mol, formula, per_ion, n_ions, diamagnetic, header_conventions, eicosane_mg
        (as for ``Measurement.susceptibility``).

    Returns
    -------
    tuple
        ``(temperature_K, chi_emu_mol, chi_err_emu_mol or None, field_Oe or None, sample, provenance,
        dropped)`` for the rows kept; provenance records the column, the formula, unit conversion and
        ignored options (``warnings``); ``dropped`` = {reason: count}.
    """
    from .sample import resolve_sample

    sample_kwargs = dict(sample_kwargs or {})
    where = m.source or "data"
    sub, selection = (m.select(segment), f"segment {segment!r}") if segment is not None else (m, "all rows")
    temp = sub.temperature_K
    if temp is None:
        raise FormatError("no temperature column", path=m.source,
                          hint="pass read(..., columns={'temperature_K': '<your column>'}) (CLI: "
                               "--column temperature_K=NAME_OR_INDEX)")
    kind = table_quantity(sub.columns)
    sample = resolve_sample(m.header, mass_mg=mass_mg, path=m.source, **sample_kwargs)
    column = sub.columns[kind]
    prov: dict[str, Any] = {"source": m.source, "sha256": m.sha256, "instrument": m.instrument,
                            "variant": m.variant, "selection": selection, "rows_in": int(temp.size),
                            "columns": {"temperature_K": m.columns.get("temperature_K"), kind: column,
                                        _ERROR_OF[kind]: sub.columns.get(_ERROR_OF[kind])},
                            "sample": sample.to_dict(), "corrections": {}, "formula": _FORMULA[kind]}
    if kind in m.conversions:
        factor, _offset, unit = m.conversions[kind]
        prov["corrections"]["unit_conversion"] = {"from": unit, "factor": factor}
    warnings = _ignored(kind, mass_mg=mass_mg, holder=holder, density=density_g_cm3,
                        sample_kwargs=sample_kwargs, column=column, field_Oe=field_Oe)
    if warnings:
        prov["warnings"] = warnings
    x = sub.column(kind)
    h = sub.field_Oe if field_Oe is None else np.broadcast_to(np.asarray(field_Oe, float), temp.shape)
    if kind == "magnetization_emu_mol":
        if h is None:
            raise UnitsError(f"{where}: column {column!r} is a molar magnetisation M (emu/mol); chi = M/H "
                             "needs the field: no field column found, pass field_Oe=... (CLI: --field-oe)")
        prov["columns"]["field_Oe"] = m.columns.get("field_Oe", "argument field_Oe")
        with np.errstate(divide="ignore", invalid="ignore"):
            chi, err = x / h, None
    else:
        chi, err = _molar(kind, x, sub.column(_ERROR_OF[kind]), temp, sample, density_g_cm3, where)
    keep, dropped, masks = _rows(temp, x, chi, kind, h)
    for reason, mask in masks.items():
        record_dropped_lines(prov, sub, reason, mask)
    if not keep.any():
        raise FormatError(f"no usable rows left (dropped: {dropped})", path=m.source,
                          hint=f"check the {kind} and temperature columns")
    return (temp[keep], chi[keep], None if err is None else err[keep],
            None if h is None else np.asarray(h)[keep], sample, prov, dropped)


def _rows(temp: np.ndarray, x: np.ndarray, chi: np.ndarray, kind: str, h=None
          ) -> tuple[np.ndarray, dict[str, int], dict[str, np.ndarray]]:
    """Rows to keep, how many were dropped for which reason, and the mask of each reason's rows."""
    dropped: dict[str, int] = {}
    masks: dict[str, np.ndarray] = {}
    keep = np.ones(temp.size, dtype=bool)
    checks = [*temperature_checks(temp), (~np.isfinite(x), f"{kind} missing (NaN)")]
    if kind == "magnetization_emu_mol":
        h = np.asarray(h, dtype=float)
        checks += [(~np.isfinite(h), "field missing (NaN)"), (np.isfinite(h) & (h == 0), "zero field")]
    if kind in ("chiT_emu_K_mol", "mu_eff_muB"):
        checks.append((np.isfinite(temp) & (temp <= 0), f"T <= 0 (chi = {kind} / T undefined)"))
    if kind == "inverse_chi_mol_emu":
        checks.append((x == 0, "1/chi = 0"))
    checks.append((~np.isfinite(chi), "chi not finite"))
    for mask, reason in checks:
        new = mask & keep
        if new.any():
            dropped[reason] = int(new.sum())
            masks[reason] = new
            keep &= ~new
    return keep, dropped, masks
