"""Free-ion moments from Hund's rules for any partially filled d or f shell.

An ion is given as a string (``"Gd3+"``, ``"Fe2+"``, ``"Ir4+"``, ``"Fe(III)"``) or as an explicit
shell and electron count (``("3d", 5)`` or ``"4f7"``). The electron count comes from the neutral
ground-state configuration minus the charge, removing the outermost s (and p) electrons first,
then the (n-1)d, then the (n-2)f electrons (so Fe2+ = 3d6, Cu2+ = 3d9, Ce3+ = 4f1, Eu2+ = 4f7).

Hund's rules (LS / Russell-Saunders coupling, electron g_s = 2):

* S = maximal total spin, L = maximal |sum m_l| compatible with S,
* J = |L - S| for a shell less than half full, J = L + S at or above half filling,
* g_J = 3/2 + [S(S+1) - L(L+1)] / [2 J(J+1)]       (undefined -- NaN -- when J = 0),
* mu_eff(J) = g_J sqrt(J(J+1)),   mu_eff(spin only) = 2 sqrt(S(S+1))   (Bohr magnetons),
* Curie constant C = N_A mu_B^2 mu_eff^2 / (3 k_B)   (:func:`magfit.units.curie_from_mu_eff`).

Which moment is "expected" in a solid:

* **3d** ions: the crystal field quenches the orbital moment, so the spin-only value is expected
  (high-spin by default; ``spin_state="low"`` gives the octahedral low-spin t2g/eg filling).
  Fe2+ and Co2+ (T ground terms in octahedra) keep part of the orbital moment: their observed
  range lies above spin-only.
* **4f** ions: spin-orbit coupling beats the crystal field, so g_J sqrt(J(J+1)) is expected.
  Exceptions: Sm3+ and Eu3+ have excited J multiplets a few hundred K above the ground one
  (Van Vleck & Frank 1929), so the room-temperature moments are the experimental 1.5 and 3.4 mu_B
  (Ashcroft & Mermin Table 31.3), returned with a warning: their chi(T) is not a Curie law.
* **4d / 5d** ions: treated as **low-spin** (octahedral t2g^n eg^m; 10Dq exceeds the pairing
  energy for 4d/5d), expected = spin-only value of the low-spin S. t2g^5 ions (Ru3+, Rh4+, Os3+,
  Ir4+) are given the strong spin-orbit J_eff = 1/2 doublet with |g| = 2 (cubic limit, Abragam &
  Bleaney), i.e. mu_eff = 2 sqrt(3/4) = 1.73 mu_B (Na2IrO3: mu_eff = 1.82(1) mu_B, theta =
  -116(3) K above 200 K; Y. Singh and P. Gegenwart, PRB 82, 064412 (2010), arXiv:1006.0437).
  All 4d/5d values are flagged approximate: spin-orbit
  coupling reduces or changes them (5d t2g^4 tends to J_eff = 0).
* **5f** ions: Russell-Saunders values, flagged approximate (intermediate coupling, crystal
  field; e.g. UO2 U4+ is below the LS 3.58 mu_B).

References
----------
N. W. Ashcroft and N. D. Mermin, *Solid State Physics* (1976), Tables 31.3 (rare-earth ions) and
31.4 (iron-group ions); B. N. Figgis and J. Lewis, "The magnetochemistry of complex compounds",
in *Modern Coordination Chemistry* (1960) -- typical octahedral ranges; see /work/shared/PHYSICS.md b.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from .errors import SampleError
from .units import curie_from_mu_eff

__all__ = [
    "Ion",
    "HundTerm",
    "hund",
    "ion",
    "ions_table",
    "candidate_ions",
    "neutral_configuration",
    "ion_configuration",
    "STANDARD_IONS",
    "ELECTRON_G",
]

#: electron spin g-factor used in Lande's formula; the textbook tables use exactly 2
ELECTRON_G = 2.0

_L_LETTERS = "SPDFGHIKLMNOQRTUV"  # spectroscopic letters (J is skipped)
_SHELL_L = {"d": 2, "f": 3}
_SUPERSCRIPT = str.maketrans("0123456789/", "⁰¹²³⁴⁵⁶⁷⁸⁹ᐟ")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

# --------------------------------------------------------------------------- configurations
# Valence blocks: (first Z, last Z, open subshell, subshells beyond the noble-gas core in the
# order electrons are removed on ionisation: outermost s/p first, then d, then f).
_BLOCKS = [
    (21, 30, "3d", ("4s", "3d")),
    (39, 48, "4d", ("5s", "4d")),
    (72, 80, "5d", ("6s", "5d")),          # 4f14 is part of the core here
    (57, 71, "4f", ("6s", "5d", "4f")),
    (89, 103, "5f", ("7p", "7s", "6d", "5f")),
]
_CORE_Z = {"3d": 18, "4d": 36, "5d": 68, "4f": 54, "5f": 86}  # electrons in core (5d: Xe + 4f14)

# Neutral ground-state configurations that differ from the Madelung filling (NIST ASD ground
# levels). Default filling: d-block (n-1)d^(k-2) ns^2; lanthanides 4f^(k-2) 6s^2; actinides
# 5f^(k-2) 7s^2.
_NEUTRAL_EXCEPTIONS: dict[str, dict[str, int]] = {
    "Cr": {"3d": 5, "4s": 1}, "Cu": {"3d": 10, "4s": 1},
    "Nb": {"4d": 4, "5s": 1}, "Mo": {"4d": 5, "5s": 1}, "Ru": {"4d": 7, "5s": 1},
    "Rh": {"4d": 8, "5s": 1}, "Pd": {"4d": 10}, "Ag": {"4d": 10, "5s": 1},
    "Pt": {"5d": 9, "6s": 1}, "Au": {"5d": 10, "6s": 1},
    "La": {"5d": 1, "6s": 2}, "Ce": {"4f": 1, "5d": 1, "6s": 2}, "Gd": {"4f": 7, "5d": 1, "6s": 2},
    "Lu": {"4f": 14, "5d": 1, "6s": 2},
    "Ac": {"6d": 1, "7s": 2}, "Th": {"6d": 2, "7s": 2}, "Pa": {"5f": 2, "6d": 1, "7s": 2},
    "U": {"5f": 3, "6d": 1, "7s": 2}, "Np": {"5f": 4, "6d": 1, "7s": 2},
    "Cm": {"5f": 7, "6d": 1, "7s": 2}, "Lr": {"5f": 14, "7s": 2, "7p": 1},
}


def _element(symbol: str):
    from .formula import _element_of

    el = _element_of(symbol)       # the table periodictable has, without importing it
    if el is not None:
        return el
    import periodictable

    try:
        el = periodictable.elements.symbol(symbol)
    except ValueError:
        el = None
    if el is None or el.number == 0:
        raise SampleError(f"ion: unknown element symbol {symbol!r}; use e.g. 'Fe', 'Gd', 'Ir'")
    return el


def _block(z: int, symbol: str):
    for lo, hi, shell, order in _BLOCKS:
        if lo <= z <= hi:
            return shell, order
    raise SampleError(
        f"ion: {symbol} (Z={z}) has no open d or f shell; magfit.ions covers the 3d (Sc-Zn), "
        "4d (Y-Cd), 5d (Hf-Hg), 4f (La-Lu) and 5f (Ac-Lr) elements"
    )


def neutral_configuration(symbol: str) -> dict[str, int]:
    """Ground-state valence configuration of a neutral d- or f-block atom (beyond the core).

    Parameters
    ----------
    symbol : str
        Element symbol, e.g. ``"Fe"``.

    Returns
    -------
    dict
        Subshell -> electrons, e.g. ``{"3d": 6, "4s": 2}`` for Fe, ``{"3d": 5, "4s": 1}`` for Cr.
    """
    el = _element(symbol)
    shell, order = _block(el.number, el.symbol)
    if el.symbol in _NEUTRAL_EXCEPTIONS:
        return dict(_NEUTRAL_EXCEPTIONS[el.symbol])
    k = el.number - _CORE_Z[shell]
    outer_s = [s for s in order if s.endswith("s")][0]
    return {shell: k - 2, outer_s: 2}


def ion_configuration(symbol: str, charge: int) -> dict[str, int]:
    """Valence configuration of an ion: the neutral one minus ``charge`` electrons.

    Electrons leave the outermost s/p subshell first, then (n-1)d, then (n-2)f (the usual
    rule: transition-metal ions lose their s electrons first; lanthanide ions are [Xe]4f^n).

    Parameters
    ----------
    symbol : str
        Element symbol.
    charge : int
        Positive ionic charge (0 for the neutral atom).

    Returns
    -------
    dict
        Non-empty subshells, e.g. ``ion_configuration("Cu", 2) == {"3d": 9}``.
    """
    if charge < 0:
        raise SampleError(f"ion: {symbol}{-charge}- is an anion; only cations of d/f elements are covered")
    conf = neutral_configuration(symbol)
    _, order = _block(_element(symbol).number, symbol)
    left = int(charge)
    for sub in order:
        take = min(left, conf.get(sub, 0))
        if take:
            conf[sub] -= take
            left -= take
    if left > 0:
        raise SampleError(
            f"ion: {symbol}{charge}+ would remove more electrons than {symbol} has outside its core; "
            "check the charge"
        )
    return {k: v for k, v in conf.items() if v > 0}


# --------------------------------------------------------------------------- Hund's rules
def _half(x: float) -> str:
    twice = 2 * x
    if isinstance(twice, float) and twice.is_integer():   # S, L, J: exact, no fractions import
        n2 = int(twice)
        return str(n2 // 2) if n2 % 2 == 0 else f"{n2}/2"
    from fractions import Fraction

    f = Fraction(x).limit_denominator(2)
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


@dataclass(frozen=True)
class HundTerm:
    """Ground term of l^n by Hund's rules.

    Attributes
    ----------
    shell, n : str, int
        Open shell (e.g. "4f") and its electron count.
    S, L, J : float, int, float
        Hund's-rules quantum numbers.
    g_J : float
        Lande factor (NaN when J = 0).
    term, term_unicode : str
        Term symbol, "8S7/2" and "⁸S₇/₂".
    mu_eff_J, mu_eff_spin_only : float
        g_J sqrt(J(J+1)) (0 when J = 0) and 2 sqrt(S(S+1)), Bohr magnetons.
    saturation_moment : float
        g_J J, Bohr magnetons.
    """

    shell: str
    n: int
    S: float
    L: int
    J: float
    g_J: float
    term: str
    term_unicode: str
    mu_eff_J: float
    mu_eff_spin_only: float
    saturation_moment: float


def _parse_shell(shell: str) -> tuple[str, int]:
    m = re.fullmatch(r"\s*([3-6])\s*([dfDF])\s*", str(shell))
    if not m:
        raise SampleError(f"hund: shell {shell!r} not understood; use '3d', '4d', '5d', '4f' or '5f'")
    return f"{m.group(1)}{m.group(2).lower()}", _SHELL_L[m.group(2).lower()]


def lande_g(S: float, L: float, J: float, g_s: float = ELECTRON_G) -> float:
    """Lande factor g_J = 1 + (g_s - 1)[J(J+1) + S(S+1) - L(L+1)] / [2J(J+1)]; NaN when J = 0.

    With g_s = 2 this is the textbook 3/2 + [S(S+1) - L(L+1)]/[2J(J+1)].
    """
    if J == 0:
        return float("nan")
    jj = J * (J + 1.0)
    return 1.0 + (g_s - 1.0) * (jj + S * (S + 1.0) - L * (L + 1.0)) / (2.0 * jj)


def hund(shell: str, n: int) -> HundTerm:
    """Hund's-rules ground term of ``n`` electrons in a d or f shell.

    Parameters
    ----------
    shell : str
        ``"3d"``, ``"4d"``, ``"5d"``, ``"4f"`` or ``"5f"``.
    n : int
        Electrons in the shell, 0 <= n <= 2(2l+1). Empty and full shells give S = L = J = 0.

    Returns
    -------
    HundTerm
        S, L, J (J = |L-S| below half filling, L+S at or above), g_J, term symbol, moments.

    Examples
    --------
    >>> t = hund("4f", 7)
    >>> t.term, round(t.mu_eff_J, 2)
    ('8S7/2', 7.94)
    """
    name, l_orb = _parse_shell(shell)
    n_orb = 2 * l_orb + 1
    if isinstance(n, bool) or not float(n).is_integer() or not 0 <= int(n) <= 2 * n_orb:
        raise SampleError(
            f"hund: electron count n={n!r} must be an integer 0..{2 * n_orb} for a {name} shell"
        )
    n = int(n)
    ml = list(range(l_orb, -l_orb - 1, -1))  # +l ... -l: first rule fills spin-up from the top
    up = min(n, n_orb)
    down = n - up
    S = (up - down) / 2.0
    L = abs(sum(ml[:up]) + sum(ml[:down]))
    J = float(abs(L - S)) if n < n_orb else float(L + S)
    g = lande_g(S, L, J)
    mu_j = 0.0 if J == 0 else g * math.sqrt(J * (J + 1.0))
    mult = int(round(2 * S + 1))
    jtxt = _half(J)
    term = f"{mult}{_L_LETTERS[L]}{jtxt}"
    uni = str(mult).translate(_SUPERSCRIPT) + _L_LETTERS[L] + "/".join(
        p.translate(_SUBSCRIPT) for p in jtxt.split("/")
    )
    return HundTerm(
        shell=name, n=n, S=S, L=L, J=J, g_J=g, term=term, term_unicode=uni, mu_eff_J=mu_j,
        mu_eff_spin_only=ELECTRON_G * math.sqrt(S * (S + 1.0)),
        saturation_moment=0.0 if J == 0 else g * J,
    )


def _low_spin_S(n: int) -> float:
    """Spin of d^n in a strong octahedral field: t2g filled first (6), then eg (4)."""
    t2g = min(n, 6)
    eg = n - t2g
    unpaired_t2g = t2g if t2g <= 3 else 6 - t2g
    unpaired_eg = eg if eg <= 2 else 4 - eg
    return (unpaired_t2g + unpaired_eg) / 2.0


# --------------------------------------------------------------------------- reference table
# A&M = Ashcroft & Mermin Tables 31.3 / 31.4 (experimental p), as reproduced on
# http://www.fizika.si/magnetism/EffectiveMagneticMoments.html (PHYSICS.md b, [S]).
# Typical octahedral 3d ranges: Figgis & Lewis (1960); Greenwood & Earnshaw (PHYSICS.md b, [M]).
_SRC_3D = ("spin-only expected (orbital moment quenched); experimental p: Ashcroft & Mermin Table 31.4; "
           "range: typical octahedral values, Figgis & Lewis (1960)")
_SRC_4F = ("g_J sqrt(J(J+1)) expected; experimental p: Ashcroft & Mermin Table 31.3; range: "
           "hull of computed and experimental p widened by the 4f tolerance")

#: experimental p (Bohr magnetons) from Ashcroft & Mermin Tables 31.3/31.4
AM_EXPERIMENTAL: dict[str, float] = {
    "V4+": 1.8, "V3+": 2.8, "V2+": 3.8, "Cr3+": 3.7, "Mn3+": 5.0, "Cr2+": 4.8,
    "Fe3+": 5.9, "Mn2+": 5.9, "Fe2+": 5.4, "Co2+": 4.8, "Ni2+": 3.2, "Cu2+": 1.9,
    "Ce3+": 2.4, "Pr3+": 3.5, "Nd3+": 3.5, "Sm3+": 1.5, "Eu3+": 3.4, "Gd3+": 8.0, "Tb3+": 9.5,
    "Dy3+": 10.6, "Ho3+": 10.4, "Er3+": 9.5, "Tm3+": 7.3, "Yb3+": 4.5,
}
# (A&M list V4+ for d1; Ti3+ is covered by the d1 typical range below.)

#: typical octahedral ranges of mu_eff (mu_B) by d^n and spin state (Figgis & Lewis; PHYSICS.md b [M])
TYPICAL_3D_RANGE: dict[tuple[int, str], tuple[float, float]] = {
    (1, "high-spin"): (1.6, 1.8), (2, "high-spin"): (2.7, 2.9), (3, "high-spin"): (3.7, 3.9),
    (4, "high-spin"): (4.7, 5.0), (5, "high-spin"): (5.6, 6.1), (6, "high-spin"): (5.1, 5.7),
    (7, "high-spin"): (4.3, 5.2), (8, "high-spin"): (2.8, 3.5), (9, "high-spin"): (1.7, 2.2),
    (4, "low-spin"): (3.2, 3.3), (5, "low-spin"): (1.8, 2.5), (7, "low-spin"): (1.8, 2.0),
}

#: model tolerances (mu_B) for an ion's expected moment beyond its tabulated range:
#: 4f: crystal-field depopulation and sample dependence move p by ~0.1 mu_B at room temperature;
#: Sm3+/Eu3+: strongly T-dependent (excited multiplets) -> 0.2; 4d/5d/5f: the low-spin / LS
#: estimate itself is approximate (spin-orbit, covalency) -> 0.5.
TOL_4F = 0.1
TOL_SM_EU = 0.2
TOL_3D = 0.1
TOL_HEAVY = 0.5
#: floor (mu_B) on the distance unit outside an ion's range: the tabulated ranges are rounded to
#: 0.1 mu_B, so a value 0.05 outside is not a 3-sigma miss however small the fit error
RANGE_EDGE_TOL = 0.1
#: default consistency threshold in sigma (a two-sided 3-sigma Gaussian test: p ~ 0.003)
CONSISTENT_SIGMA = 3.0

#: Sm3+ / Eu3+: experimental room-temperature p used as the expected moment (A&M Table 31.3)
_EXCITED_J = {"Sm3+": 1.5, "Eu3+": 3.4}

#: Ions of the standard tables (A&M 31.3/31.4): the default candidate set
STANDARD_IONS: tuple[str, ...] = (
    "Ti3+", "V4+", "V3+", "V2+", "Cr3+", "Cr2+", "Mn3+", "Mn2+", "Fe3+", "Fe2+", "Co2+", "Ni2+", "Cu2+",
    "Ce3+", "Pr3+", "Nd3+", "Pm3+", "Sm3+", "Eu3+", "Gd3+", "Tb3+", "Dy3+", "Ho3+", "Er3+", "Tm3+", "Yb3+",
)

#: usual oxidation states of d/f elements (for candidates when a formula is given)
PLAUSIBLE_CHARGES: dict[str, tuple[int, ...]] = {
    "Sc": (3,), "Ti": (2, 3, 4), "V": (2, 3, 4, 5), "Cr": (2, 3, 4, 6), "Mn": (2, 3, 4), "Fe": (2, 3, 4),
    "Co": (2, 3, 4), "Ni": (2, 3), "Cu": (1, 2), "Zn": (2,),
    "Y": (3,), "Zr": (4,), "Nb": (3, 4, 5), "Mo": (3, 4, 5, 6), "Tc": (4,), "Ru": (3, 4, 5), "Rh": (3, 4),
    "Pd": (2, 4), "Ag": (1, 2), "Cd": (2,),
    "Hf": (4,), "Ta": (4, 5), "W": (4, 5, 6), "Re": (4, 5, 6, 7), "Os": (4, 5, 6), "Ir": (3, 4, 5),
    "Pt": (2, 4), "Au": (1, 3), "Hg": (2,),
    "Ce": (3, 4), "Pr": (3, 4), "Sm": (2, 3), "Eu": (2, 3), "Tb": (3, 4), "Tm": (2, 3), "Yb": (2, 3),
    "Th": (4,), "Pa": (4, 5), "U": (3, 4, 5, 6), "Np": (3, 4, 5), "Pu": (3, 4),
}
for _z, _sym in [(57, "La"), (59, "Pr"), (60, "Nd"), (61, "Pm"), (64, "Gd"), (66, "Dy"), (67, "Ho"),
                 (68, "Er"), (71, "Lu"), (89, "Ac"), (95, "Am"), (96, "Cm"), (97, "Bk"), (98, "Cf")]:
    PLAUSIBLE_CHARGES.setdefault(_sym, (3,))


# --------------------------------------------------------------------------- the Ion object
@dataclass(frozen=True)
class Ion:
    """A magnetic ion: Hund's-rules free-ion term plus the moment expected in a solid.

    Attributes
    ----------
    name : str
        ``"Gd3+"``, ``"Fe3+ (low-spin)"`` or ``"3d5"`` for an explicit shell.
    element, charge : str | None, int | None
    shell, n : str, int
        Open shell and its electron count (``"4f"``, 7).
    S, L, J, g_J, term, term_unicode : Hund's-rules free-ion values (g_J NaN when J = 0).
    mu_eff_J, mu_eff_spin_only : float
        g_J sqrt(J(J+1)) and 2 sqrt(S(S+1)), Bohr magnetons.
    C_J_emu_K_mol, C_spin_only_emu_K_mol : float
        Molar Curie constants of those moments (emu K/mol).
    saturation_moment : float
        g_J J in Bohr magnetons (the ordered moment of the free ion).
    C_expected_emu_K_mol : float
        Molar Curie constant of ``mu_eff_expected``.
    source : str
        Where the expected value and range come from.
    spin_state : str
        ``"free ion"`` (4f/5f), ``"high-spin"`` or ``"low-spin"`` (d shells).
    S_expected : float
        Spin used for the expected d-shell moment (low-spin S for low-spin ions).
    mu_eff_expected : float
        The moment expected in a solid (see module docstring); ``basis`` says which.
    mu_eff_range : tuple(float, float)
        Experimental / model range of mu_eff; ``tolerance`` = largest distance of the range
        from the expected value, at least the shell's model tolerance.
    experimental : float | None
        Ashcroft & Mermin experimental p where tabulated.
    approximate : bool
        True for 4d/5d/5f and Sm3+/Eu3+ (values are estimates, see ``notes``).
    notes : tuple[str, ...]
        Plain-language caveats.
    """

    name: str
    element: str | None
    charge: int | None
    shell: str
    n: int
    S: float
    L: int
    J: float
    g_J: float
    term: str
    term_unicode: str
    mu_eff_J: float
    mu_eff_spin_only: float
    C_J_emu_K_mol: float
    C_spin_only_emu_K_mol: float
    saturation_moment: float
    spin_state: str
    S_expected: float
    mu_eff_expected: float
    C_expected_emu_K_mol: float
    basis: str
    mu_eff_range: tuple[float, float]
    tolerance: float
    experimental: float | None
    source: str
    approximate: bool
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def configuration(self) -> str:
        """``"3d5"``-style configuration of the open shell."""
        return f"{self.shell}{self.n}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (NaN -> None)."""
        out: dict[str, Any] = {}
        for k, v in self.__dict__.items():
            if isinstance(v, float) and not math.isfinite(v):
                v = None
            elif isinstance(v, tuple):
                v = list(v)
            out[k] = v
        out["configuration"] = self.configuration
        return out

    def summary(self) -> str:
        """Several lines of plain text: term, S/L/J, g_J, moments, Curie constants, caveats."""
        g = "undefined (J = 0)" if not math.isfinite(self.g_J) else f"{self.g_J:.4f}"
        lines = [
            f"{self.name}: {self.configuration}, free-ion ground term {self.term} ({self.term_unicode}), "
            f"{self.spin_state}" + (f" (S = {_half(self.S_expected)} in the solid)"
                                    if self.S_expected != self.S else ""),
            f"  S = {_half(self.S)}, L = {self.L}, J = {_half(self.J)}, g_J = {g}",
            f"  mu_eff = g_J sqrt(J(J+1)) = {self.mu_eff_J:.3f} mu_B   "
            f"(C = {self.C_J_emu_K_mol:.4f} emu K/mol)",
            f"  spin-only 2 sqrt(S(S+1)) = {self.mu_eff_spin_only:.3f} mu_B   "
            f"(C = {self.C_spin_only_emu_K_mol:.4f} emu K/mol)",
            f"  saturation g_J J = {self.saturation_moment:.3f} mu_B",
            f"  expected in a solid: {self.mu_eff_expected:.3f} mu_B ({self.basis}); range "
            f"{self.mu_eff_range[0]:.2f}-{self.mu_eff_range[1]:.2f} mu_B"
            + (f"; experimental (A&M) {self.experimental:.1f}" if self.experimental is not None else ""),
        ]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


_ION_RE = re.compile(
    r"^\s*([A-Z][a-z]?)\s*(?:\^?\{?\s*(\d*)\s*([+-])\s*\}?|\+\s*(\d+)|\(\s*([IVX]+)\s*\)|\s([IVX]+))\s*"
    r"(?:[\s(,]*\b(LS|HS|low[- ]?spin|high[- ]?spin)\)?)?\s*$",
    re.IGNORECASE,
)
_CONF_RE = re.compile(r"^\s*([3-6][dfDF])\s*\^?\s*(\d+)\s*$")
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8}


def _parse_ion(spec: str) -> tuple[str, int, str | None]:
    m = _ION_RE.match(spec)
    if not m:
        raise SampleError(
            f"ion: {spec!r} not understood; write element + charge, e.g. 'Gd3+', 'Fe2+', 'Fe(III)', "
            "'Co2+ LS', or a configuration such as '3d5' / '4f7'"
        )
    sym, num, sign, plus_num, roman1, roman2, state = m.groups()
    sym = sym[0].upper() + sym[1:].lower()
    if sign:
        charge = int(num) if num else 1
        if sign == "-":
            charge = -charge
    elif plus_num:
        charge = int(plus_num)
    else:
        roman = (roman1 or roman2).upper()
        if roman not in _ROMAN:
            raise SampleError(f"ion: oxidation state {roman!r} in {spec!r} not understood")
        charge = _ROMAN[roman]
    if state:
        state = "low" if state.lower().startswith(("l", "ls")) else "high"
    return sym, charge, state


def ion(spec: str | tuple[str, int] | Ion, spin_state: str | None = None) -> Ion:
    """Hund's-rules description of a magnetic ion, with the moment expected in a solid.

    Parameters
    ----------
    spec : str or (shell, n)
        ``"Gd3+"``, ``"Fe2+"``, ``"Ir4+"``, ``"Fe(III)"``, ``"Co2+ LS"``; a configuration
        ``"3d5"`` / ``"4f7"``; or a tuple ``("3d", 5)``. An :class:`Ion` is returned unchanged.
    spin_state : {"high", "low"} or None
        For d shells only. Default: high-spin for 3d, low-spin for 4d/5d (see module docstring).

    Returns
    -------
    Ion

    Raises
    ------
    SampleError
        Unknown element, element without an open d/f shell, impossible charge, bad spin state.

    Examples
    --------
    >>> g = ion("Gd3+")
    >>> g.term, round(g.mu_eff_J, 3), round(g.C_J_emu_K_mol, 3)
    ('8S7/2', 7.937, 7.878)
    >>> round(ion("Cu2+").mu_eff_expected, 2)      # spin-only for 3d
    1.73
    """
    if isinstance(spec, Ion):
        return spec
    try:
        return _ion_cached(spec, spin_state)
    except TypeError:      # unhashable spec (e.g. a list): parse uncached, raising SampleError
        return _ion_uncached(spec, spin_state)


@functools.lru_cache(maxsize=1024)
def _ion_cached(spec, spin_state):
    return _ion_uncached(spec, spin_state)


def _ion_uncached(spec, spin_state: str | None) -> Ion:
    element: str | None = None
    charge: int | None = None
    spin_extra = ""
    if isinstance(spec, tuple):
        if len(spec) != 2:
            raise SampleError(f"ion: a tuple must be (shell, n), got {spec!r}")
        shell, n = _parse_shell(spec[0])[0], spec[1]
        name = f"{shell}{n}"
    else:
        m = _CONF_RE.match(str(spec))
        if m:
            shell, n = m.group(1).lower(), int(m.group(2))
            name = f"{shell}{n}"
        else:
            element, charge, parsed_state = _parse_ion(str(spec))
            spin_state = spin_state or parsed_state
            el = _element(element)
            element = el.symbol
            shell, _ = _block(el.number, element)
            conf = ion_configuration(element, charge)
            n = conf.get(shell, 0)
            name = f"{element}{charge if charge != 1 else ''}+"
            # e.g. Gd2+ (4f7 5d1): a second open shell is reported but not counted
            spin_extra = ", ".join(f"{k}{v}" for k, v in conf.items() if k != shell)
    term = hund(shell, n)
    notes: list[str] = []
    if spin_extra:
        notes.append(f"configuration also has {spin_extra} outside the {shell} shell; "
                     f"only {shell} is counted")
    kind = shell[1]
    if spin_state is not None:
        spin_state = str(spin_state).lower()
        if spin_state.startswith("l"):
            spin_state = "low"
        elif spin_state.startswith("h"):
            spin_state = "high"
        else:
            raise SampleError(f"ion: spin_state must be 'high' or 'low', got {spin_state!r}")
        if kind == "f":
            raise SampleError(f"ion: spin_state applies to d shells only ({name} is {shell}{n})")

    approximate = False
    experimental = AM_EXPERIMENTAL.get(name) if element is not None else None
    if kind == "d":
        heavy = shell != "3d"
        state = spin_state or ("low" if heavy else "high")
        label = f"{state}-spin"
        S_exp = _low_spin_S(n) if state == "low" else term.S
        mu_exp = ELECTRON_G * math.sqrt(S_exp * (S_exp + 1.0))
        basis = "spin-only (orbital moment quenched)"
        if state == "low" and n in (4, 5, 6, 7) and not heavy:
            experimental = None  # A&M values are for the high-spin ions
            name = f"{name} (low-spin)" if element is not None else name
        if state == "low" and S_exp == term.S:
            label = "high-spin = low-spin"  # d1-d3, d8, d9: no spin-state choice in octahedra
        rng = TYPICAL_3D_RANGE.get((n, "low-spin" if state == "low" and S_exp != term.S else "high-spin"))
        if heavy:
            approximate = True
            tol = TOL_HEAVY
            if state == "low" and n == 5:
                basis = "J_eff = 1/2 doublet, |g| = 2 (strong spin-orbit t2g^5)"
                notes.append("t2g^5 with strong spin-orbit coupling: J_eff = 1/2, mu_eff = 2 sqrt(3/4) = "
                             "1.73 mu_B in the cubic limit (Abragam & Bleaney); Na2IrO3 shows 1.82 mu_B "
                             "(Singh & Gegenwart 2010)")
            else:
                notes.append(f"{shell} ion treated as {state}-spin octahedral (10Dq > pairing energy); "
                             "spin-orbit coupling makes this an approximation")
            if shell == "5d" and state == "low" and n == 4:
                notes.append("5d t2g^4 tends to a J_eff = 0 (non-magnetic, Van Vleck) ground state")
                rng = (0.0, mu_exp)
            else:
                rng = (max(0.0, mu_exp - TOL_HEAVY), mu_exp + TOL_HEAVY)
            source = "low-spin spin-only estimate for 4d/5d (approximate)"
        else:
            tol = TOL_3D
            source = _SRC_3D
            if rng is None:
                rng = (max(0.0, mu_exp - TOL_3D), mu_exp + TOL_3D)
            if n in (6, 7) and state == "high":
                notes.append(f"{shell}{n} high-spin keeps an unquenched orbital contribution: observed "
                             f"{rng[0]:.1f}-{rng[1]:.1f} mu_B, above spin-only {mu_exp:.2f}")
        if term.S == 0 or mu_exp == 0:
            notes.append("no unpaired electrons: non-magnetic (only Van Vleck / core contributions)")
    else:
        label = "free ion"
        S_exp = term.S
        mu_exp = term.mu_eff_J
        basis = "g_J sqrt(J(J+1)) (spin-orbit > crystal field)"
        if shell == "5f":
            approximate = True
            tol = TOL_HEAVY
            source = "Russell-Saunders estimate for 5f (approximate)"
            notes.append("5f ion: intermediate coupling and crystal field make the LS moment approximate")
            rng = (max(0.0, mu_exp - TOL_HEAVY), mu_exp + TOL_HEAVY)
        elif name in _EXCITED_J:
            approximate = True
            tol = TOL_SM_EU
            mu_exp = _EXCITED_J[name]
            basis = "experimental room-temperature p (excited J multiplets mixed in)"
            source = "Ashcroft & Mermin Table 31.3 (experimental); Van Vleck & Frank (1929)"
            notes.append(f"{name}: excited J multiplet(s) lie a few hundred K above the ground "
                         f"{term.term}; chi(T) is not a Curie law (Van Vleck), the free-ion value "
                         f"{term.mu_eff_J:.2f} does not apply -- using the experimental {mu_exp} mu_B")
            rng = (mu_exp - TOL_SM_EU, mu_exp + TOL_SM_EU)
        else:
            tol = TOL_4F
            source = _SRC_4F
            ref = experimental if experimental is not None else mu_exp
            rng = (max(0.0, min(ref, mu_exp) - TOL_4F), max(ref, mu_exp) + TOL_4F)
        if term.J == 0 and name not in _EXCITED_J:
            notes.append("J = 0 ground state: no Curie moment (g_J undefined)")
    tol = max(tol, abs(rng[0] - mu_exp), abs(rng[1] - mu_exp)) if mu_exp > 0 else tol
    return Ion(
        name=name, element=element, charge=charge, shell=shell, n=n, S=term.S, L=term.L, J=term.J,
        g_J=term.g_J, term=term.term, term_unicode=term.term_unicode, mu_eff_J=term.mu_eff_J,
        mu_eff_spin_only=term.mu_eff_spin_only,
        C_J_emu_K_mol=float(curie_from_mu_eff(term.mu_eff_J)),
        C_spin_only_emu_K_mol=float(curie_from_mu_eff(term.mu_eff_spin_only)),
        saturation_moment=term.saturation_moment, spin_state=label, S_expected=S_exp,
        mu_eff_expected=mu_exp, C_expected_emu_K_mol=float(curie_from_mu_eff(mu_exp)), basis=basis,
        mu_eff_range=(float(rng[0]), float(rng[1])), tolerance=float(tol), experimental=experimental,
        source=source, approximate=approximate, notes=tuple(notes),
    )


_TABLE_COLUMNS = [
    "ion", "configuration", "term", "S", "L", "J", "g_J", "mu_eff_J", "mu_eff_spin_only",
    "mu_eff_expected", "basis", "experimental", "range_lo", "range_hi", "tolerance", "approximate",
    "C_expected_emu_K_mol", "notes",
]


def _row(i: Ion) -> dict[str, Any]:
    return {
        "ion": i.name, "configuration": i.configuration, "term": i.term, "S": i.S, "L": i.L, "J": i.J,
        "g_J": i.g_J, "mu_eff_J": i.mu_eff_J, "mu_eff_spin_only": i.mu_eff_spin_only,
        "mu_eff_expected": i.mu_eff_expected, "basis": i.basis,
        "experimental": np.nan if i.experimental is None else i.experimental,
        "range_lo": i.mu_eff_range[0], "range_hi": i.mu_eff_range[1], "tolerance": i.tolerance,
        "approximate": i.approximate, "C_expected_emu_K_mol": i.C_expected_emu_K_mol,
        "notes": "; ".join(i.notes),
    }


def ions_table(ions: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """The standard table: 3d and 4f ions with Hund's values, expected moments and ranges.

    Parameters
    ----------
    ions : list of str, optional
        Ions to tabulate; default :data:`STANDARD_IONS` (Ashcroft & Mermin Tables 31.3/31.4).

    Returns
    -------
    pandas.DataFrame
        One row per ion: configuration, term, S, L, J, g_J, mu_eff_J, mu_eff_spin_only,
        mu_eff_expected (+ basis), experimental (A&M), range_lo/hi, tolerance, approximate, notes.
    """
    return pd.DataFrame([_row(ion(s)) for s in (ions or STANDARD_IONS)], columns=_TABLE_COLUMNS)


def _formula_ions(formula: str) -> list[Ion]:
    return list(_formula_ions_cached(str(formula)))


@functools.lru_cache(maxsize=256)
def _formula_ions_cached(formula: str) -> tuple[Ion, ...]:
    from .formula import read_formula

    try:
        atoms = read_formula(formula, normalize=True).atoms
    except Exception as exc:  # periodictable raises plain ValueError/pyparsing errors
        raise SampleError(f"candidate_ions: formula {formula!r} not understood ({exc})") from None
    out: list[Ion] = []
    for el in atoms:
        sym = el.symbol
        try:
            shell, _ = _block(el.number, sym)
        except SampleError:
            continue
        states = [None, "low"] if shell == "3d" else [None]
        for q in PLAUSIBLE_CHARGES.get(sym, (3,) if shell[1] == "f" else (2,)):
            for st in states:
                try:
                    cand = ion(f"{sym}{q}+", spin_state=st)
                except SampleError:
                    continue
                if st == "low" and cand.spin_state != "low-spin":
                    continue  # low-spin identical to high-spin for this d^n
                out.append(cand)
    return tuple(out)


def _with_ground_multiplet(pool: list[Ion]) -> list[Ion]:
    """Add the free-ion (ground-multiplet) variant of Sm3+: 0.85 mu_B at low T, 1.5 at room T.

    Sm3+ (6H5/2, g_J = 2/7) has its J = 7/2 multiplet only ~1400 K up: at T << 300 K the Curie
    moment is the ground multiplet's g_J sqrt(J(J+1)) = 0.85 mu_B; at room temperature the
    admixture raises the apparent moment to ~1.5 (Ashcroft & Mermin Table 31.3). Both are offered.
    """
    out: list[Ion] = []
    for cand in pool:
        out.append(cand)
        if cand.name in _EXCITED_J and cand.mu_eff_J > 0:
            mu = cand.mu_eff_J
            out.append(replace(
                cand, name=f"{cand.name} (ground J = {_half(cand.J)}, low T)", mu_eff_expected=mu,
                C_expected_emu_K_mol=float(curie_from_mu_eff(mu)),
                basis="g_J sqrt(J(J+1)) of the ground multiplet (T well below the excited multiplet)",
                mu_eff_range=(max(0.0, mu - TOL_SM_EU), mu + TOL_SM_EU), tolerance=TOL_SM_EU,
                notes=(f"free-ion moment of the ground multiplet, reached only at low T; at room "
                       f"temperature {cand.name} shows ~{_EXCITED_J[cand.name]} mu_B",)))
    return out


@functools.lru_cache(maxsize=4)
def _standard_pool(extended: bool) -> tuple[Ion, ...]:
    pool = [ion(s) for s in STANDARD_IONS]
    if extended:
        names = {p.name for p in pool}
        for sym in PLAUSIBLE_CHARGES:
            for p in _formula_ions(sym):
                if p.name not in names:
                    pool.append(p)
                    names.add(p.name)
    return tuple(_with_ground_multiplet(pool))


def _outside(cand: Ion, mu: float) -> float:
    """Distance (mu_B) of ``mu`` outside the hull of the ion's range and expected value (0 inside)."""
    lo = min(cand.mu_eff_range[0], cand.mu_eff_expected)
    hi = max(cand.mu_eff_range[1], cand.mu_eff_expected)
    return max(lo - mu, mu - hi, 0.0)


def _typical(cand: Ion) -> tuple[float, float]:
    """(centre, spread) of an ion's typical moments: the hull of its range and expected value.

    The hull is read as +/- 2 standard deviations (~95 %) of the values the ion shows across
    compounds, so the spread is a quarter of its width (at least :data:`RANGE_EDGE_TOL`).
    """
    lo = min(cand.mu_eff_range[0], cand.mu_eff_expected)
    hi = max(cand.mu_eff_range[1], cand.mu_eff_expected)
    return 0.5 * (lo + hi), max(0.25 * (hi - lo), RANGE_EDGE_TOL)


def candidate_ions(
    mu_eff: float,
    sigma: float = 0.0,
    formula: str | None = None,
    *,
    top: int | None = 5,
    max_sigma: float | None = CONSISTENT_SIGMA,
    extended: bool = False,
) -> pd.DataFrame:
    """Rank magnetic ions by how well their expected moment matches a measured mu_eff.

    Each ion's typical moments are a distribution: centre and spread from the hull of its
    tabulated range and its expected value (:func:`_typical`; the hull is read as +/- 2 sigma, so
    the spread is a quarter of its width, at least :data:`RANGE_EDGE_TOL`). Two distances:

    * ``n_sigma`` = ``|mu_eff - centre| / sqrt(sigma**2 + spread**2)``: the distance in combined
      standard deviations of the measurement and of the ion's own spread (never 0 for an ion whose
      typical moment is 0.8 mu_B away). ``consistent = n_sigma <= max_sigma``.
    * ``n_sigma_expected``: ``|mu_eff - mu_expected| / max(sigma, tolerance)``.

    Sm3+ is offered twice: at its room-temperature 1.5 mu_B and at the ground-multiplet free-ion
    0.85 mu_B (low temperature). Ranking: consistent ions first; then ions of the standard tables
    (:data:`STANDARD_IONS`) before the others (Gd3+ before Eu2+/Tb4+/Cm3+); then (consistent ions) by
    the Gaussian negative log-likelihood ``n_sigma**2 / 2 + ln(sqrt(sigma**2 + spread**2))`` (a sharply
    predicted ion beats a loosely predicted one: Ir4+ before Ir5+ at 2.06 mu_B); then table order.
    Ion tables are cached (:func:`ion` and the formula pools), so repeated calls are cheap.

    Parameters
    ----------
    mu_eff : float
        Measured effective moment per magnetic ion (Bohr magnetons).
    sigma : float
        Its one-sigma uncertainty (>= 0).
    formula : str, optional
        Restrict to the d/f elements of this formula in their usual oxidation states
        (:data:`PLAUSIBLE_CHARGES`), including 3d low-spin states and 4d/5d/5f ions.
    top : int or None
        Number of rows to return (None: all).
    max_sigma : float or None
        Keep only ions with ``n_sigma <= max_sigma`` (None: keep all, ranked, and mark
        ``consistent`` at :data:`CONSISTENT_SIGMA`).
    extended : bool
        Without a formula: also consider every plausible charge of every d/f element
        (default: the Ashcroft & Mermin ions :data:`STANDARD_IONS`).

    Returns
    -------
    pandas.DataFrame
        Columns ion, configuration, term, mu_eff_expected, range_lo, range_hi, tolerance,
        n_sigma, n_sigma_expected, consistent, basis, approximate, notes; best first.

    Examples
    --------
    >>> candidate_ions(7.94, 0.05).iloc[0]["ion"]
    'Gd3+'
    """
    cols = ["ion", "configuration", "term", "mu_eff_expected", "range_lo", "range_hi", "tolerance",
            "n_sigma", "n_sigma_expected", "consistent", "basis", "approximate", "notes"]
    rows = [_full_row(c, r) for c, r in _ranked(mu_eff, sigma, formula, max_sigma, extended)]
    if not rows:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame(rows)
    if max_sigma is not None:
        df = df[df["consistent"]]
    if top is not None:
        df = df.head(int(top))
    return df[cols].reset_index(drop=True)


def _candidate_records(mu_eff, sigma, formula=None, *, top=5, max_sigma=CONSISTENT_SIGMA,
                       extended=False) -> list[dict[str, Any]]:
    """The rows of :func:`candidate_ions` as dicts, best first (no pandas: cheap enough for every fit)."""
    keyed = [k for k in _scored(mu_eff, sigma, formula, max_sigma, extended, max_sigma is not None)
             if max_sigma is None or k[-1]]                       # k[-1]: consistent
    chosen = keyed if top is None else keyed[: int(top)]
    return [_full_row(cand, _scores(*rest)) for _, cand, *rest in chosen]


def _full_row(cand: Ion, scores: dict[str, Any]) -> dict[str, Any]:
    r = _row(cand)
    r.update(scores)
    return r


def _ranked(mu_eff, sigma, formula, max_sigma, extended) -> list[tuple[Ion, dict[str, Any]]]:
    """Every candidate ion with its scores (``n_sigma``, ``n_sigma_expected``, ``consistent``), in the
    ranking order of :func:`candidate_ions`."""
    return [(cand, _scores(*rest)) for _, cand, *rest in _scored(mu_eff, sigma, formula, max_sigma, extended)]


def _scores(n_sigma: float, n_sigma_expected: float, consistent: bool) -> dict[str, Any]:
    return {"n_sigma": n_sigma, "n_sigma_expected": n_sigma_expected, "consistent": consistent}


def _scored(mu_eff, sigma, formula, max_sigma, extended, consistent_only: bool = False) -> list[tuple]:
    """(sort key, ion, n_sigma, n_sigma_expected, consistent) per candidate, in ranking order.

    ``consistent_only``: skip ions that cannot be consistent, |mu - centre| > limit (sigma + spread)
    (as hypot(sigma, spread) <= sigma + spread; with a 1e-9 margin for round-off), unscored.
    """
    try:
        mu = float(mu_eff)
        sig = float(sigma) if sigma is not None else 0.0
    except (TypeError, ValueError):
        raise SampleError(f"candidate_ions: mu_eff={mu_eff!r}, sigma={sigma!r} must be numbers") from None
    if not math.isfinite(mu) or mu < 0:
        raise SampleError(f"candidate_ions: mu_eff={mu_eff!r} must be a finite, non-negative moment in mu_B")
    if not math.isfinite(sig) or sig < 0:
        sig = 0.0
    table = _pool_table(str(formula), False) if formula else _pool_table(None, bool(extended))
    if formula and not table[0]:
        raise SampleError(
            f"candidate_ions: formula {formula!r} contains no d- or f-block element; "
            "give the formula of the magnetic compound or omit it"
        )
    limit = max_sigma if max_sigma is not None else CONSISTENT_SIGMA
    keyed = []
    reach = limit * (1.0 + 1e-9)
    for cand, centre, spread, tol, expected, lo, hi, standard, order in table[1]:
        if consistent_only and abs(mu - centre) > reach * (sig + spread):
            continue
        combined = math.hypot(sig, spread)
        n_sigma = abs(mu - centre) / combined
        consistent = bool(n_sigma <= limit)
        # consistent first; standard-table ions first; consistent by Gaussian NLL, misses by the
        # distance outside their range (:func:`_outside`); then table order (a stable sort)
        rank = (0.5 * n_sigma ** 2 + math.log(combined) if consistent
                else max(max(lo - mu, mu - hi, 0.0), 0.0))
        keyed.append(((not consistent, standard, rank, order), cand, n_sigma,
                      abs(mu - expected) / max(sig, tol), consistent))
    keyed.sort(key=lambda kr: kr[0])
    return keyed


@functools.lru_cache(maxsize=256)
def _pool_table(formula: str | None, extended: bool) -> tuple[bool, tuple]:
    """The candidate pool of :func:`_ranked` (of ``formula``, else the standard ions) with what its
    scores need that does not depend on the measurement, computed once per pool: (pool not empty,
    rows of (ion, centre, spread, tolerance, expected moment, hull lo, hull hi, 0 for a standard-table
    ion else 1, table-order key)); ions with no moment (expected <= 0) are left out."""
    pool = _with_ground_multiplet(_formula_ions(formula)) if formula else list(_standard_pool(extended))
    priority = {s: k for k, s in enumerate(STANDARD_IONS)}
    rows = []
    for k, cand in enumerate(pool):
        if cand.mu_eff_expected <= 0:
            continue
        centre, spread = _typical(cand)
        lo = min(cand.mu_eff_range[0], cand.mu_eff_expected)
        hi = max(cand.mu_eff_range[1], cand.mu_eff_expected)
        base = cand.name.split(" (")[0]
        rows.append((cand, centre, spread, cand.tolerance, cand.mu_eff_expected, lo, hi,
                     0 if base in priority else 1, priority.get(base, len(priority) + k)))
    return bool(pool), tuple(rows)
