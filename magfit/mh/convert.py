"""Moment (emu) -> magnetisation M(H) in μB per formula unit / ion, emu/mol or emu/g.

The corrections are those of χ(T) (:meth:`magfit.Measurement.susceptibility`), applied to M
instead of M/H, and the sample is resolved by the same :func:`magfit.sample.resolve_sample`:

    M_mol = (m - m_holder - m_eicosane) * M_molar / mass_g - chi_dia * H      [emu/mol]
    M[μB/f.u.] = M_mol / (N_A μ_B)     (N_A μ_B = 5585 emu/mol),   divided by n_ions per ion
    M[emu/g] = (m - m_holder - m_eicosane) / mass_g - (chi_dia / M_molar) * H

with m in emu, H in Oe, chi_dia the (negative) core diamagnetism in emu/mol per formula unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..corrections import eicosane_moment_emu
from ..errors import SampleError, UnitsError
from ..sample import resolve_sample
from ..units import MU_B_ERG_G, N_A
from .isotherms import Isotherm

__all__ = ["MagnetizationCurve", "magnetization", "EMU_MOL_PER_MUB", "UNIT_LABELS"]

#: emu/mol in one μB per formula unit: N_A μ_B = 5584.9 emu/mol
EMU_MOL_PER_MUB: float = N_A * MU_B_ERG_G
#: axis labels of each unit
UNIT_LABELS = {"muB": "M (μ$_\\mathrm{B}$ per {per})", "emu_mol": "M (emu mol⁻¹)",
               "emu_g": "M (emu g⁻¹)", "emu": "m (emu)"}


@dataclass(eq=False)
class MagnetizationCurve:
    """One isotherm converted to magnetisation.

    Attributes
    ----------
    temperature_K : float
    field_Oe, M, M_err : numpy.ndarray
        Field (Oe), magnetisation and its one-sigma error (NaN when unknown) in ``unit``.
    branch : numpy.ndarray of str
        ``virgin`` / ``decreasing`` / ``increasing`` per point.
    unit : str
        ``"muB"`` (per ``per``), ``"emu_mol"``, ``"emu_g"`` or ``"emu"`` (raw moment, no sample).
    per : str
        What one mole / one μB value counts: ``"formula unit"`` or the ion, e.g. ``"Gd"``.
    emu_mol_per_unit : float or None
        Factor from ``unit`` to emu/mol (None when the unit is not molar).
    source : str or None
    provenance : dict
    """

    temperature_K: float
    field_Oe: np.ndarray
    M: np.ndarray
    M_err: np.ndarray
    branch: np.ndarray
    unit: str
    per: str = "formula unit"
    emu_mol_per_unit: float | None = None
    source: str | None = None
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """Axis label of M in this unit."""
        return UNIT_LABELS[self.unit].replace("{per}", self.per)

    def to_muB(self, value: float) -> float | None:
        """A value in ``unit`` as μB per ``per`` (None when the unit is not molar).

        Parameters
        ----------
        value : float
            Magnetisation in ``unit``.

        Returns
        -------
        float or None
        """
        if self.emu_mol_per_unit is None:
            return None
        return value * self.emu_mol_per_unit / EMU_MOL_PER_MUB


def _holder(holder_emu, holder_chi_emu_Oe, h):
    if holder_emu is not None and not np.isfinite(holder_emu):
        raise UnitsError(f"holder_emu={holder_emu!r} is not finite; pass the holder moment in emu")
    const = 0.0 if holder_emu is None else float(holder_emu)
    slope = 0.0 if holder_chi_emu_Oe is None else float(holder_chi_emu_Oe)
    return const + slope * h


def magnetization(iso: Isotherm, *, header: dict | None = None, unit: str = "auto",
                  mass_mg: float | None = None, molar_mass_g_mol: float | None = None,
                  formula: str | None = None, per_ion: str | None = None, n_ions: float | None = None,
                  diamagnetic: float | str | None = None, eicosane_mg: float | None = None,
                  header_conventions: bool = False, holder_emu: float | None = None,
                  holder_chi_emu_Oe: float | None = None) -> MagnetizationCurve:
    """Convert an isotherm's raw moment to magnetisation with the χ(T) corrections.

    Parameters
    ----------
    iso : Isotherm
        From :func:`magfit.mh.group_isotherms`.
    header : dict, optional
        ``Measurement.header`` (sample mass, molar weight ...).
    unit : {"auto", "muB", "emu_mol", "emu_g", "emu"}
        ``auto``: μB when mass and molar mass are known, else emu/g with a mass, else raw emu.
        A table already in μB/f.u., emu/mol or emu/g (also written A m^2/kg or J/T/kg) is taken
        straight through (``iso.magnetization_unit``): ``auto`` gives μB (emu/g stays emu/g
        without a molar mass), the conversions are stated in ``provenance["formula"]``, and the
        holder / eicosane corrections (raw-moment corrections) are refused.
    mass_mg, molar_mass_g_mol, formula, per_ion, n_ions, diamagnetic, eicosane_mg, header_conventions
        As in :meth:`magfit.Measurement.susceptibility` (see :func:`magfit.sample.resolve_sample`).
    holder_emu : float, optional
        Constant holder moment to subtract, emu.
    holder_chi_emu_Oe : float, optional
        Holder susceptibility (emu/Oe): m_holder = holder_emu + holder_chi_emu_Oe * H.

    Returns
    -------
    MagnetizationCurve

    Raises
    ------
    SampleError
        The unit needs a mass or molar mass that is not known.
    UnitsError
        Unknown unit.
    """
    if unit not in ("auto", "muB", "emu_mol", "emu_g", "emu"):
        raise UnitsError(f"unit={unit!r} is not one of 'auto', 'muB', 'emu_mol', 'emu_g', 'emu'")
    sample = resolve_sample(header, mass_mg=mass_mg, molar_mass_g_mol=molar_mass_g_mol, formula=formula,
                            per_ion=per_ion, n_ions=n_ions, diamagnetic=diamagnetic, eicosane_mg=eicosane_mg,
                            header_conventions=header_conventions, path=iso.source)
    if iso.magnetization_unit is not None:
        if holder_emu is not None or holder_chi_emu_Oe is not None or sample.eicosane_mg:
            raise SampleError(f"{iso.source or 'data'}: holder / eicosane corrections act on a raw moment in "
                              f"emu, but this table holds M in {iso.magnetization_unit} already normalised; "
                              "subtract them before normalising, or read a raw-moment file")
        return _from_magnetization(iso, sample, unit)
    h = iso.field_Oe
    m = iso.moment_emu - _holder(holder_emu, holder_chi_emu_Oe, h)
    prov: dict[str, Any] = {"sample": sample.to_dict(), "corrections": {}, "isotherm": iso.provenance}
    if holder_emu is not None or holder_chi_emu_Oe is not None:
        prov["corrections"]["holder"] = {"moment_emu": holder_emu, "chi_emu_Oe": holder_chi_emu_Oe}
    if sample.eicosane_mg:
        m = m - eicosane_moment_emu(sample.eicosane_mg, h)
        prov["corrections"]["eicosane_mg"] = sample.eicosane_mg
    err = iso.moment_err_emu
    if unit == "auto":
        unit = ("muB" if sample.mass_mg and sample.molar_mass_g_mol else
                "emu_g" if sample.mass_mg else "emu")
    where = iso.source or "data"
    if unit != "emu" and not sample.mass_mg:
        raise SampleError(f"{where}: M in {unit} needs the sample mass{sample.mass_note}; pass mass_mg=... "
                          "(CLI: --mass-mg)")
    if unit in ("muB", "emu_mol") and not sample.molar_mass_g_mol:
        raise SampleError(f"{where}: M in {unit} needs the molar mass; pass formula=... (CLI: --formula)")
    dia = sample.diamagnetic_emu_mol or 0.0
    if dia:
        prov["corrections"]["diamagnetic_emu_mol"] = dia
    per, factor = "formula unit", None
    if unit == "emu":
        M, M_err = m, err
    elif unit == "emu_g":
        dia_g = dia / sample.molar_mass_g_mol if sample.molar_mass_g_mol else 0.0
        M, M_err = m / sample.mass_g - dia_g * h, err / sample.mass_g
    else:
        scale = sample.molar_mass_g_mol / sample.mass_g
        M, M_err = m * scale - dia * h, err * scale
        divisor = float(sample.n_ions) if sample.n_ions else 1.0
        per = sample.per
        factor = divisor
        if unit == "muB":
            M, M_err = M / (EMU_MOL_PER_MUB * divisor), M_err / (EMU_MOL_PER_MUB * divisor)
            factor = EMU_MOL_PER_MUB
        else:
            M, M_err = M / divisor, M_err / divisor
            factor = 1.0
    prov["formula"] = __doc__.split("\n\n")[2].strip()
    return MagnetizationCurve(temperature_K=iso.temperature_K, field_Oe=h.copy(), M=np.asarray(M, float),
                              M_err=np.asarray(M_err, float), branch=iso.branch.copy(), unit=unit, per=per,
                              emu_mol_per_unit=factor, source=iso.source, provenance=prov)


#: how a table's magnetisation unit becomes emu per mole of formula units (the stated conversions)
_TO_EMU_MOL = {"muB": "M[emu/mol] = M[muB/f.u.] * N_A mu_B (N_A mu_B = 5584.9 emu/mol)",
               "emu_mol": "M[emu/mol] as read",
               "emu_g": "M[emu/mol] = M[emu/g] * M_molar (1 A m^2/kg = 1 J/(T kg) = 1 emu/g)"}


def _from_magnetization(iso: Isotherm, sample, unit: str) -> MagnetizationCurve:
    """A table already in μB/f.u., emu/g (A m^2/kg, J/T/kg) or emu/mol, converted to ``unit``.

    Every step goes through emu per mole of formula units when the molar mass is known (or not
    needed: a μB or emu/mol table), where the core diamagnetism is subtracted and the per-ion
    division is made; an emu/g table without a molar mass stays in emu/g (or emu with a mass).
    """
    src = iso.magnetization_unit
    h, M = iso.field_Oe, np.asarray(iso.magnetization, dtype=float)
    where = iso.source or "data"
    molar = sample.molar_mass_g_mol
    if unit == "auto":
        unit = "muB" if src != "emu_g" or molar else "emu_g"
    if unit == "emu" and not sample.mass_mg:
        raise SampleError(f"{where}: M in emu (the whole sample's moment) from a table in {src} needs the "
                          f"sample mass{sample.mass_note}; pass mass_mg=... (CLI: --mass-mg)")
    needs_molar = (src == "emu_g") != (unit in ("emu_g", "emu"))
    if needs_molar and not molar:
        raise SampleError(f"{where}: M in {unit} from a table in {src} needs the molar mass; "
                          "pass formula=... "
                          "or molar_mass_g_mol=... (CLI: --formula / --molar-mass)")
    dia = sample.diamagnetic_emu_mol or 0.0
    if dia and not molar and src == "emu_g":
        raise SampleError(f"{where}: the diamagnetic correction (emu/mol) of a table in emu/g needs the "
                          "molar mass; pass formula=... (CLI: --formula)")
    prov: dict[str, Any] = {"sample": sample.to_dict(), "corrections": {}, "isotherm": iso.provenance,
                            "table_unit": src}
    steps = [] if src == "emu_g" and not molar else [_TO_EMU_MOL[src]]
    if src == "emu_g" and not molar:
        M_g = M
    else:
        M_mol = M * {"muB": EMU_MOL_PER_MUB, "emu_mol": 1.0, "emu_g": molar or 0.0}[src] - dia * h
        M_g = M_mol / molar if molar else None
    if dia:
        prov["corrections"]["diamagnetic_emu_mol"] = dia
        steps.append("minus chi_dia * H")
    per, factor = "formula unit", None
    divisor = float(sample.n_ions) if sample.n_ions else 1.0
    if unit == "emu_g":
        out = M_g
        steps.append("M[emu/g] = M[emu/mol] / M_molar" if molar else "")
    elif unit == "emu":
        out = M_g * sample.mass_g
        steps.append("m[emu] = M[emu/g] * mass_g")
    else:
        per = sample.per
        factor = EMU_MOL_PER_MUB if unit == "muB" else 1.0
        out = M_mol / (factor * divisor)
        steps.append(("M[muB] = M[emu/mol] / (N_A mu_B)" if unit == "muB" else "M[emu/mol]")
                     + (f" / {divisor:g} {per} per formula unit" if divisor != 1.0 else ""))
    prov["formula"] = "; ".join(s for s in steps if s) or "M as read"
    return MagnetizationCurve(temperature_K=iso.temperature_K, field_Oe=h.copy(), M=np.asarray(out, float),
                              M_err=np.full(h.size, np.nan), branch=iso.branch.copy(), unit=unit, per=per,
                              emu_mol_per_unit=factor, source=iso.source, provenance=prov)


def subtract_linear(curve: MagnetizationCurve, slope_per_Oe: float, *,
                    reason: str = "asked") -> MagnetizationCurve:
    """A copy of ``curve`` with a field-linear term removed: M -> M - slope * H.

    Use it for a diamagnetic / Van Vleck / substrate background, e.g. with the high-field slope
    ``analyze_isotherm(curve).saturation.chi_hf`` or a Brillouin fit's linear term (converted to
    the curve's unit).

    Parameters
    ----------
    curve : MagnetizationCurve
    slope_per_Oe : float
        Slope in the curve's unit per Oe.
    reason : str
        Where the slope comes from (recorded in the provenance).

    Returns
    -------
    MagnetizationCurve
    """
    if not np.isfinite(slope_per_Oe):
        raise UnitsError(f"slope_per_Oe={slope_per_Oe!r} is not finite")
    prov = dict(curve.provenance)
    prov["corrections"] = dict(prov.get("corrections", {}))
    prov["corrections"]["linear_subtracted"] = {"slope_per_Oe": float(slope_per_Oe), "unit": curve.unit,
                                                "reason": reason}
    return MagnetizationCurve(temperature_K=curve.temperature_K, field_Oe=curve.field_Oe.copy(),
                              M=curve.M - slope_per_Oe * curve.field_Oe, M_err=curve.M_err.copy(),
                              branch=curve.branch.copy(), unit=curve.unit, per=curve.per,
                              emu_mol_per_unit=curve.emu_mol_per_unit, source=curve.source, provenance=prov)


__all__.append("subtract_linear")
