"""Corrections to a raw magnetometer signal: core diamagnetism, sample holder, eicosane.

Core diamagnetism (Pascal's constants)
    Every filled electron shell contributes a small, temperature-independent, negative molar
    susceptibility. It is estimated by adding tabulated increments ("Pascal's constants") for the
    ions, atoms and molecules of the formula:

        chi_D = sum_i n_i chi_D,i        (emu/mol, per mole of formula units, negative)

    Values are those of G. A. Bain and J. F. Berry, "Diamagnetic Corrections and Pascal's
    Constants", J. Chem. Educ. 85, 532 (2008), doi:10.1021/ed085p532 (Tables 1-3: cations,
    anions, neutral atoms, common molecules), in units of 1e-6 emu/mol. Elements they do not
    tabulate fall back to their rule of thumb chi_D ~ -M/2 x 1e-6 emu/mol (M in g/mol), and the
    returned source string says so.

Sample holder / background
    A constant moment, or an empty-holder run (T, moment) interpolated linearly in T and
    subtracted as a moment. Extrapolation beyond the measured range by more than a stated
    tolerance is refused.

Eicosane
    Samples embedded in eicosane wax (n-C20H42) carry its diamagnetic moment
    m = chi_g * mass_g * H.

Demagnetization
    For a sample of demagnetizing factor N (SI-normalised, 0 <= N <= 1; sphere 1/3) the internal
    field is H_int = H - 4 pi N M (cgs), so the intrinsic volume susceptibility is
    kappa_int = kappa_ext / (1 - 4 pi N kappa_ext) (e.g. Blundell, Magnetism in Condensed Matter,
    Appendix D; Aharoni, J. Appl. Phys. 83, 3432 (1998) for N of rectangular prisms).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import SampleError
from .formula import _parse, element_mass, molar_mass_g_mol

__all__ = [
    "PASCAL_REFERENCE",
    "pascal_diamagnetism",
    "pascal_diamagnetism_emu_mol",
    "diamagnetism_rule_of_thumb_emu_mol",
    "interpolate_background_emu",
    "holder_background",
    "HolderBackground",
    "background_moment_emu",
    "EICOSANE_FORMULA",
    "EICOSANE_CHI_EMU_MOL",
    "EICOSANE_CHI_EMU_G",
    "eicosane_moment_emu",
    "demagnetization_correct_emu_mol",
]

PASCAL_REFERENCE = ("G. A. Bain and J. F. Berry, J. Chem. Educ. 85, 532 (2008), "
                    "'Diamagnetic Corrections and Pascal's Constants'")
_MICRO = 1e-6  # the tables are in 1e-6 emu/mol

# --- Bain & Berry Table 1: cations, chi_D in 1e-6 emu/mol, keyed by (element, charge) -------------
_CATIONS: dict[str, dict[int, float]] = {
    "Ag": {1: -28.0, 2: -24.0}, "Al": {3: -2.0}, "As": {3: -9.0, 5: -6.0}, "Au": {1: -40.0, 3: -32.0},
    "B": {3: -0.2}, "Ba": {2: -26.5}, "Be": {2: -0.4}, "Bi": {3: -25.0, 5: -23.0}, "Br": {5: -6.0},
    "C": {4: -0.1}, "Ca": {2: -10.4}, "Cd": {2: -24.0}, "Ce": {3: -20.0, 4: -17.0}, "Cl": {5: -2.0},
    "Co": {2: -12.0, 3: -10.0}, "Cr": {2: -15.0, 3: -11.0, 4: -8.0, 5: -5.0, 6: -3.0}, "Cs": {1: -35.0},
    "Cu": {1: -12.0, 2: -11.0}, "Dy": {3: -19.0}, "Er": {3: -18.0}, "Eu": {2: -22.0, 3: -20.0},
    "Fe": {2: -13.0, 3: -10.0}, "Ga": {3: -8.0}, "Ge": {4: -7.0}, "Gd": {3: -20.0}, "H": {1: 0.0},
    "Hf": {4: -16.0}, "Hg": {2: -40.0}, "Ho": {3: -19.0}, "I": {5: -12.0, 7: -10.0}, "In": {3: -19.0},
    "Ir": {1: -50.0, 2: -42.0, 3: -35.0, 4: -29.0, 5: -20.0}, "K": {1: -14.9}, "La": {3: -20.0},
    "Li": {1: -1.0}, "Lu": {3: -17.0}, "Mg": {2: -5.0},
    "Mn": {2: -14.0, 3: -10.0, 4: -8.0, 6: -4.0, 7: -3.0},
    "Mo": {2: -31.0, 3: -23.0, 4: -17.0, 5: -12.0, 6: -7.0}, "N": {5: -0.1}, "Na": {1: -6.8},
    "Nb": {5: -9.0}, "Nd": {3: -20.0}, "Ni": {2: -12.0},
    "Os": {2: -44.0, 3: -36.0, 4: -29.0, 6: -18.0, 8: -11.0},
    "P": {3: -4.0, 5: -1.0}, "Pb": {2: -32.0, 4: -26.0}, "Pd": {2: -25.0, 4: -18.0}, "Pm": {3: -27.0},
    "Pr": {3: -20.0, 4: -18.0}, "Pt": {2: -40.0, 3: -33.0, 4: -28.0}, "Rb": {1: -22.5},
    "Re": {3: -36.0, 4: -28.0, 6: -16.0, 7: -12.0}, "Rh": {3: -22.0, 4: -18.0}, "Ru": {3: -23.0, 4: -18.0},
    "S": {4: -3.0, 6: -1.0}, "Sb": {3: -17.0, 5: -14.0}, "Sc": {3: -6.0}, "Se": {4: -8.0, 6: -5.0},
    "Si": {4: -1.0}, "Sm": {2: -23.0, 3: -20.0}, "Sn": {2: -20.0, 4: -16.0}, "Sr": {2: -19.0},
    "Ta": {5: -14.0}, "Tb": {3: -19.0, 4: -17.0}, "Te": {4: -14.0, 6: -12.0}, "Th": {4: -23.0},
    "Ti": {3: -9.0, 4: -5.0}, "Tl": {1: -35.7, 3: -31.0}, "Tm": {3: -18.0},
    "U": {3: -46.0, 4: -35.0, 5: -26.0, 6: -19.0}, "V": {2: -15.0, 3: -10.0, 4: -7.0, 5: -4.0},
    "W": {2: -41.0, 3: -36.0, 4: -23.0, 5: -19.0, 6: -13.0}, "Y": {3: -12.0}, "Yb": {2: -20.0, 3: -18.0},
    "Zn": {2: -15.0}, "Zr": {4: -10.0},
}

# --- Bain & Berry Table 1/2: monatomic anions ---------------------------------------------------
_MONO_ANIONS: dict[str, tuple[int, float]] = {
    "F": (1, -9.1), "Cl": (1, -23.4), "Br": (1, -34.6), "I": (1, -50.6),
    "O": (2, -12.0), "S": (2, -30.0), "Se": (2, -48.0), "Te": (2, -70.0),
}

# --- polyatomic anions (Bain & Berry Table 2), matched greedily in this order --------------------
# (label, composition, charge, chi_D in 1e-6 emu/mol)
_POLY_ANIONS: tuple[tuple[str, dict[str, int], int, float], ...] = (
    ("PF6-", {"P": 1, "F": 6}, 1, -64.0),
    ("BF4-", {"B": 1, "F": 4}, 1, -37.0),
    ("ClO4-", {"Cl": 1, "O": 4}, 1, -32.0),
    ("SO4^2-", {"S": 1, "O": 4}, 2, -40.1),
    ("SeO4^2-", {"Se": 1, "O": 4}, 2, -51.0),
    ("PO4^3-", {"P": 1, "O": 4}, 3, -42.0),
    ("AsO4^3-", {"As": 1, "O": 4}, 3, -60.0),
    ("IO3-", {"I": 1, "O": 3}, 1, -51.0),
    ("BrO3-", {"Br": 1, "O": 3}, 1, -40.0),
    ("ClO3-", {"Cl": 1, "O": 3}, 1, -30.2),
    ("SO3^2-", {"S": 1, "O": 3}, 2, -38.0),
    ("SeO3^2-", {"Se": 1, "O": 3}, 2, -44.0),
    ("NO3-", {"N": 1, "O": 3}, 1, -18.9),
    ("CO3^2-", {"C": 1, "O": 3}, 2, -34.0),
    ("BO3^3-", {"B": 1, "O": 3}, 3, -35.0),
    ("SiO3^2-", {"Si": 1, "O": 3}, 2, -36.0),
    ("NO2-", {"N": 1, "O": 2}, 1, -10.0),
    ("NCS-", {"N": 1, "C": 1, "S": 1}, 1, -31.0),
    ("CN-", {"C": 1, "N": 1}, 1, -13.0),
)
_HYDROXIDE = ("OH-", 1, -12.0)
_WATER = -13.0  # H2O molecule

# --- Bain & Berry Table 1: neutral (covalent) atoms ---------------------------------------------
_ATOMS: dict[str, float] = {
    "H": -2.93, "C": -6.00, "N": -5.57, "O": -4.6, "F": -6.3, "Cl": -20.1, "Br": -30.6, "I": -44.6,
    "S": -15.0, "Se": -23.0, "Te": -37.3, "P": -26.3, "B": -7.0, "Si": -13.0,
}
_NONMETALS = frozenset(_ATOMS) | {"As"}


def diamagnetism_rule_of_thumb_emu_mol(formula: str) -> float:
    """Bain & Berry's estimate chi_D ~ -M/2 x 1e-6 emu/mol (M = molar mass in g/mol).

    Parameters
    ----------
    formula : str
        Chemical formula.

    Returns
    -------
    float
        Negative, emu per mole of formula units; e.g. -124.8e-6 for CuSO4·5H2O (M = 249.7).
    """
    return -0.5 * molar_mass_g_mol(formula) * _MICRO


def _count_water(structure, mult: float = 1.0) -> float:
    """Water molecules written as groups: (H2O)n, +nH2O, ·nH2O (after normalisation)."""
    total = 0.0
    for count, item in structure:
        if isinstance(item, tuple):
            atoms = {}
            for c, el in item:
                if isinstance(el, tuple):
                    atoms = None
                    break
                atoms[getattr(el, "symbol", str(el))] = atoms.get(getattr(el, "symbol", str(el)), 0) + c
            if atoms == {"H": 2, "O": 1}:
                total += mult * count
            else:
                total += _count_water(item, mult * count)
    return total


def _nearest_charge(symbol: str, wanted: float) -> int:
    return min(_CATIONS[symbol], key=lambda q: (abs(q - wanted), q))


def pascal_diamagnetism(formula: str, oxidation_states: dict[str, int] | None = None) -> tuple[float, str]:
    """Core diamagnetism from Pascal's constants, with a source string naming every term.

    The formula is split into: water of crystallisation (groups ``(H2O)n`` / ``·nH2O``, -13.0
    each); polyatomic anions matched greedily by composition (SO4^2-, NO3-, ClO4-, PO4^3-, CO3^2-,
    BF4-, PF6-, ...); remaining O, S, Se, Te, halogens as monatomic anions (O^2- -12.0, Cl- -23.4,
    ...); metals as cations whose charge is taken from ``oxidation_states``, else from charge
    balance when only one metal has several tabulated charges (the nearest tabulated charge is
    used), else the lowest tabulated charge (flagged "assumed"). Formulas without metals (or
    organic ones with C and H) use the neutral-atom constants for C, H, N, O, ... without
    constitutive bond corrections. Elements absent from the tables use -M/2 x 1e-6 per atom.

    Parameters
    ----------
    formula : str
        e.g. ``"CuSO4·5H2O"``, ``"Gd2(SO4)3(H2O)8"``, ``"MnO"``, ``"Na1.9IrO3"``.
    oxidation_states : dict, optional
        Charge of metal ions, e.g. ``{"Ir": 4}``.

    Returns
    -------
    (float, str)
        chi_D in emu per mole of formula units (negative) and a source string, e.g.
        ``"Pascal's constants (Bain & Berry 2008): 1 Cu2+ (-11.0), 1 SO4^2- (-40.1), 5 H2O (-13.0)
        = -116.1e-6 emu/mol"``.

    References
    ----------
    G. A. Bain and J. F. Berry, J. Chem. Educ. 85, 532 (2008).
    """
    parsed = _parse(formula)
    oxidation_states = dict(oxidation_states or {})
    left: dict[str, float] = {}
    for el, n in parsed.atoms.items():
        sym = getattr(el, "symbol", str(el))
        sym = "H" if sym in ("D", "T") else sym
        left[sym] = left.get(sym, 0.0) + float(n)
    terms: list[tuple[float, str, float]] = []   # (count, label, chi per unit in 1e-6)
    notes: list[str] = []

    n_water = min(_count_water(parsed.structure), left.get("H", 0.0) / 2, left.get("O", 0.0))
    if n_water > 0:
        terms.append((n_water, "H2O", _WATER))
        left["H"] -= 2 * n_water
        left["O"] -= n_water

    metals = [s for s, n in left.items() if s not in _NONMETALS and n > 0]
    organic = left.get("C", 0.0) > 0 and left.get("H", 0.0) > 0
    anion_charge = 0.0
    if metals:
        for label, comp, charge, chi in _POLY_ANIONS:
            if organic and ("C" in comp):
                continue
            n = min(left.get(s, 0.0) / k for s, k in comp.items())
            if n > 1e-9:
                terms.append((n, label, chi))
                anion_charge += n * charge
                for s, k in comp.items():
                    left[s] -= n * k
        if not organic:
            n_oh = min(left.get("O", 0.0), left.get("H", 0.0))
            if n_oh > 1e-9:
                terms.append((n_oh, _HYDROXIDE[0], _HYDROXIDE[2]))
                anion_charge += n_oh * _HYDROXIDE[1]
                left["O"] -= n_oh
                left["H"] -= n_oh
        for sym, (charge, chi) in _MONO_ANIONS.items():
            if organic and sym == "O":
                continue  # ligand oxygen: covalent constant below
            n = left.get(sym, 0.0)
            if n > 1e-9:
                sign = "-" if charge == 1 else f"{charge}-"
                terms.append((n, f"{sym}{sign}", chi))
                anion_charge += n * charge
                left[sym] = 0.0
        if anion_charge == 0:
            notes.append("no anions found (intermetallic?): ionic cores assumed")

        # cation charges: given, fixed by the table, or from charge balance
        charges: dict[str, tuple[int, str]] = {}
        for sym in metals:
            if sym in oxidation_states:
                charges[sym] = (int(oxidation_states[sym]), "given")
            elif sym in _CATIONS and len(_CATIONS[sym]) == 1:
                charges[sym] = (next(iter(_CATIONS[sym])), "")
        open_ = [s for s in metals if s not in charges and s in _CATIONS]
        if len(open_) == 1 and anion_charge > 0:
            sym = open_[0]
            rest = anion_charge - sum(q * left[s] for s, (q, _) in charges.items())
            wanted = rest / left[sym]
            q = _nearest_charge(sym, wanted)
            how = "charge balance" if abs(q - wanted) < 1e-6 else f"nearest to charge balance {wanted:+.3g}"
            charges[sym] = (q, how)
        for sym in open_:
            if sym not in charges:
                q = min(_CATIONS[sym])
                charges[sym] = (q, "assumed")
                notes.append(f"{sym}{q}+ assumed; pass oxidation_states={{'{sym}': ...}} to choose")
        for sym in metals:
            n = left[sym]
            left[sym] = 0.0
            if sym in charges and charges[sym][0] in _CATIONS.get(sym, {}):
                q, how = charges[sym]
                label = f"{sym}{'' if q == 1 else q}+" + (f" [{how}]" if how else "")
                terms.append((n, label, _CATIONS[sym][q]))
            else:
                mass = element_mass(sym)
                terms.append((n, f"{sym} (not tabulated: -M/2 rule)", -0.5 * mass))
                notes.append(f"{sym}: no tabulated value, -M/2 x 1e-6 rule of thumb used")

    # everything left: neutral-atom constants, or the -M/2 rule
    for sym, n in left.items():
        if n <= 1e-9:
            continue
        if sym in _ATOMS:
            terms.append((n, f"{sym} (atom)", _ATOMS[sym]))
        else:
            mass = element_mass(sym)
            terms.append((n, f"{sym} (not tabulated: -M/2 rule)", -0.5 * mass))
            notes.append(f"{sym}: no tabulated value, -M/2 x 1e-6 rule of thumb used")
    if any("(atom)" in label for _, label, _ in terms):
        notes.append("neutral-atom constants without constitutive (bond) corrections")

    total = sum(n * chi for n, _, chi in terms) * _MICRO
    parts = ", ".join(f"{n:g} {label} ({chi:+g})" for n, label, chi in terms)
    source = (f"Pascal's constants (Bain & Berry, J. Chem. Educ. 85, 532 (2008)) for {formula}: {parts} "
              f"= {total / _MICRO:.1f}e-6 emu/mol")
    if notes:
        source += "; " + "; ".join(dict.fromkeys(notes))
    return total, source


def pascal_diamagnetism_emu_mol(formula: str, oxidation_states: dict[str, int] | None = None) -> float:
    """Core diamagnetism of one mole of formula units from Pascal's constants (negative, emu/mol).

    See :func:`pascal_diamagnetism` (which also returns the source string). Example:
    ``pascal_diamagnetism_emu_mol("CuSO4·5H2O")`` = -116.1e-6 (Cu2+ -11.0, SO4^2- -40.1,
    5 H2O -13.0; Bain & Berry, J. Chem. Educ. 85, 532 (2008)).

    Parameters
    ----------
    formula : str
        One formula unit, e.g. ``"CuSO4·5H2O"``, ``"Gd2(SO4)3(H2O)8"``.
    oxidation_states : dict, optional
        Charge of metal ions, e.g. ``{"Ir": 4}`` (see :func:`pascal_diamagnetism`).

    Returns
    -------
    float
        chi_dia in emu/mol of formula units (negative).
    """
    return pascal_diamagnetism(formula, oxidation_states)[0]


# ---------------------------------------------------------------------------------------------
# sample holder / background

@dataclass(frozen=True)
class HolderBackground:
    """Background moment interpolated from an empty-holder run.

    Attributes
    ----------
    moment_emu : np.ndarray
        Background moment at the requested temperatures (emu).
    holder_range_K : tuple of float
        Temperature range of the finite holder points.
    n_holder_points : int
        Holder points used.
    n_dropped : int
        Holder points dropped because T or moment was not finite.
    n_clamped : int
        Requested temperatures outside the holder range but within the tolerance (end value used).
    scaled_by_field : bool
        Whether the holder moment was rescaled by H_sample / H_holder.
    """

    moment_emu: np.ndarray
    holder_range_K: tuple[float, float]
    n_holder_points: int
    n_dropped: int
    n_clamped: int
    scaled_by_field: bool


def holder_background(holder_temperature_K, holder_moment_emu, temperature_K, *, tolerance_K: float = 1.0,
                      holder_field_Oe=None, field_Oe=None) -> HolderBackground:
    """Interpolate an empty-holder measurement at the sample temperatures (linear in T).

    Parameters
    ----------
    holder_temperature_K, holder_moment_emu : array
        The empty-holder run. Non-finite pairs are dropped (and counted); repeated temperatures
        are averaged.
    temperature_K : array
        Temperatures of the sample points.
    tolerance_K : float
        How far (K) outside the holder's range a sample point may lie; it then takes the end
        value. Further out -> :class:`SampleError` naming both ranges.
    holder_field_Oe, field_Oe : float or array, optional
        If both are given, the holder moment is taken as linear in H and rescaled:
        m_bg(T) = [m_holder/H_holder](T) * H_sample.

    Returns
    -------
    HolderBackground
    """
    t_h = np.asarray(holder_temperature_K, dtype=float).ravel()
    m_h = np.asarray(holder_moment_emu, dtype=float).ravel()
    t = np.asarray(temperature_K, dtype=float).ravel()
    if t_h.size != m_h.size:
        raise SampleError(f"holder: {t_h.size} temperatures but {m_h.size} moments; "
                          "pass arrays of equal length")
    if tolerance_K < 0 or not math.isfinite(tolerance_K):
        raise SampleError(f"tolerance_K={tolerance_K!r} must be a finite number >= 0")
    scaled = holder_field_Oe is not None and field_Oe is not None
    if scaled:
        h_h = np.broadcast_to(np.asarray(holder_field_Oe, dtype=float), t_h.shape)
        if np.any(h_h[np.isfinite(h_h)] == 0):
            raise SampleError("holder_field_Oe contains zero field: cannot scale the holder moment by H")
        m_h = m_h / h_h
    good = np.isfinite(t_h) & np.isfinite(m_h)
    n_dropped = int(t_h.size - good.sum())
    t_h, m_h = t_h[good], m_h[good]
    if t_h.size < 2:
        raise SampleError(f"holder measurement has {t_h.size} usable point(s) (need >= 2 to interpolate "
                          "in T); pass a constant holder moment instead")
    order = np.argsort(t_h, kind="stable")
    t_h, m_h = t_h[order], m_h[order]
    t_u, inverse = np.unique(t_h, return_inverse=True)
    m_u = np.bincount(inverse, weights=m_h) / np.bincount(inverse)
    lo, hi = float(t_u[0]), float(t_u[-1])
    finite = np.isfinite(t)
    outside = finite & ((t < lo - tolerance_K) | (t > hi + tolerance_K))
    if np.any(outside):
        bad = t[outside]
        raise SampleError(
            f"holder background measured over {lo:.4g}-{hi:.4g} K but {bad.size} sample point(s) lie outside "
            f"by more than tolerance_K={tolerance_K:g} (from {bad.min():.4g} to {bad.max():.4g} K); "
            "measure the holder over the full range, restrict the sample data, or raise tolerance_K"
        )
    clamped = int(np.sum(finite & ((t < lo) | (t > hi))))
    moment = np.interp(t, t_u, m_u)
    moment[~finite] = np.nan
    if scaled:
        moment = moment * np.broadcast_to(np.asarray(field_Oe, dtype=float), t.shape)
    return HolderBackground(moment_emu=moment, holder_range_K=(lo, hi), n_holder_points=int(t_u.size),
                            n_dropped=n_dropped, n_clamped=clamped, scaled_by_field=scaled)


def interpolate_background_emu(holder_temperature_K, holder_moment_emu, temperature_K, *,
                               tolerance_K: float = 1.0, holder_field_Oe=None, field_Oe=None) -> np.ndarray:
    """Background moment (emu) at ``temperature_K`` from an empty-holder run, linear in T.

    Thin wrapper of :func:`holder_background` (which also reports dropped / clamped points).
    Subtract the result from the sample moment: m_sample = m_raw - m_bg.

    Parameters
    ----------
    holder_temperature_K, holder_moment_emu : array
        Empty-holder measurement.
    temperature_K : array
        Sample temperatures.
    tolerance_K : float
        Allowed distance outside the holder's T range (end value used); beyond it SampleError.
    holder_field_Oe, field_Oe : optional
        Rescale the holder moment linearly in field when both are given.

    Returns
    -------
    np.ndarray
        Background moment in emu, same length as ``temperature_K``.
    """
    return holder_background(holder_temperature_K, holder_moment_emu, temperature_K, tolerance_K=tolerance_K,
                             holder_field_Oe=holder_field_Oe, field_Oe=field_Oe).moment_emu


def background_moment_emu(holder, temperature_K, *, tolerance_K: float = 1.0) -> np.ndarray:
    """Background moment for each sample point from a constant or a (T, moment) holder run.

    Parameters
    ----------
    holder : float or (array, array)
        Constant moment in emu, or ``(holder_temperature_K, holder_moment_emu)``.
    temperature_K : array
        Sample temperatures.
    tolerance_K : float
        See :func:`interpolate_background_emu`.

    Returns
    -------
    np.ndarray
        Moment to subtract (emu).
    """
    t = np.asarray(temperature_K, dtype=float).ravel()
    if isinstance(holder, (int, float, np.floating, np.integer)):
        value = float(holder)
        if not math.isfinite(value):
            raise SampleError(f"holder={holder!r}: a constant holder moment must be finite (emu)")
        return np.full(t.shape, value)
    try:
        t_h, m_h = holder
    except (TypeError, ValueError):
        raise SampleError("holder must be a constant moment in emu or a pair "
                          "(temperature_K, moment_emu)") from None
    return interpolate_background_emu(t_h, m_h, t, tolerance_K=tolerance_K)


# ---------------------------------------------------------------------------------------------
# eicosane

EICOSANE_FORMULA = "C20H42"
#: Molar diamagnetism of n-eicosane from Pascal's constants, 20 C (-6.00) + 42 H (-2.93)
#: = -243.06e-6 emu/mol (Bain & Berry, J. Chem. Educ. 85, 532 (2008), Table 1 neutral atoms;
#: C-C and C-H bonds need no constitutive correction).
EICOSANE_CHI_EMU_MOL: float = (20 * _ATOMS["C"] + 42 * _ATOMS["H"]) * _MICRO
#: Mass susceptibility of eicosane, emu g^-1 Oe^-1 (cm^3/g): EICOSANE_CHI_EMU_MOL / M(C20H42)
#: = -8.60e-7. (Molar mass from periodictable's atomic weights, C 12.011 and H 1.008 (IUPAC
#: conventional), written out so that importing magfit does not import periodictable, ~0.2 s;
#: a test compares them.)
_C_G_MOL, _H_G_MOL = 12.011, 1.008
EICOSANE_CHI_EMU_G: float = EICOSANE_CHI_EMU_MOL / (20 * _C_G_MOL + 42 * _H_G_MOL)


def eicosane_moment_emu(eicosane_mg: float, field_Oe) -> np.ndarray | float:
    """Diamagnetic moment of the eicosane embedding a sample: m = chi_g * mass_g * H (negative).

    Parameters
    ----------
    eicosane_mg : float
        Eicosane mass in mg (>= 0).
    field_Oe : float or array
        Applied field in Oe.

    Returns
    -------
    float or np.ndarray
        Moment in emu to subtract from the raw moment, e.g. -8.60e-9 emu for 10 mg at 1000 Oe.
    """
    mass = float(eicosane_mg)
    if not math.isfinite(mass) or mass < 0:
        raise SampleError(f"eicosane_mg={eicosane_mg!r} must be >= 0 (mass of eicosane in mg)")
    field = np.asarray(field_Oe, dtype=float)
    out = EICOSANE_CHI_EMU_G * (mass / 1000.0) * field
    return float(out) if out.ndim == 0 else out


# ---------------------------------------------------------------------------------------------
# demagnetization

def demagnetization_correct_emu_mol(chi_emu_mol, demag_factor: float, *,
                                    molar_volume_cm3_mol: float | None = None,
                                    molar_mass_g_mol: float | None = None,
                                    density_g_cm3: float | None = None) -> np.ndarray:
    """Intrinsic molar susceptibility from the measured one, for demagnetizing factor N.

    kappa_ext = chi_mol / V_m (cgs volume susceptibility, V_m = M / rho in cm^3/mol);
    kappa_int = kappa_ext / (1 - 4 pi N kappa_ext);  chi_int = kappa_int * V_m.

    Parameters
    ----------
    chi_emu_mol : array
        Measured molar susceptibility (emu mol^-1 Oe^-1), per mole of formula units.
    demag_factor : float
        N in SI normalisation, 0 <= N <= 1 (sphere 1/3, long needle along H 0, thin plate
        perpendicular to H 1). A Lake Shore "Demagnetization factor ... in CGS" is 4 pi N.
    molar_volume_cm3_mol : float, optional
        V_m; otherwise ``molar_mass_g_mol / density_g_cm3``.
    molar_mass_g_mol, density_g_cm3 : float, optional
        Used for V_m when ``molar_volume_cm3_mol`` is not given.

    Returns
    -------
    np.ndarray
        Intrinsic molar susceptibility, emu/mol.

    Raises
    ------
    SampleError
        N outside [0, 1], no usable molar volume, or 1 - 4 pi N kappa_ext <= 0 (a measured
        susceptibility beyond the demagnetization limit 1/(4 pi N) is unphysical).
    """
    n = float(demag_factor)
    if not (0.0 <= n <= 1.0):
        raise SampleError(f"demag_factor={demag_factor!r} must lie in [0, 1] (SI normalisation; "
                          "divide a cgs value by 4 pi)")
    if molar_volume_cm3_mol is None:
        if molar_mass_g_mol is None or density_g_cm3 is None:
            raise SampleError("demagnetization correction needs molar_volume_cm3_mol, or molar_mass_g_mol "
                              "and density_g_cm3")
        if molar_mass_g_mol <= 0 or density_g_cm3 <= 0:
            raise SampleError("molar_mass_g_mol and density_g_cm3 must be positive")
        molar_volume_cm3_mol = molar_mass_g_mol / density_g_cm3
    v_m = float(molar_volume_cm3_mol)
    if not math.isfinite(v_m) or v_m <= 0:
        raise SampleError(f"molar_volume_cm3_mol={molar_volume_cm3_mol!r} must be positive (cm^3/mol)")
    kappa = np.asarray(chi_emu_mol, dtype=float) / v_m
    denom = 1.0 - 4.0 * math.pi * n * kappa
    if np.any(denom[np.isfinite(denom)] <= 0):
        raise SampleError(f"measured susceptibility reaches the demagnetization limit 1/(4 pi N) for "
                          f"N = {n:g}: check demag_factor, the molar volume and the units (emu/mol, cgs)")
    return kappa / denom * v_m
