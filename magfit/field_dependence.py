"""Field dependence of M/H before fields are merged: the Honda-Owen correction.

A susceptibility is M/H only where M is linear in H. A ferromagnetic impurity (a few ppm of Fe,
Fe3O4, Ni from a spatula) is saturated in any field of a magnetometer, so it adds M_s/H to M/H:

    chi_measured(T, H) = chi(T) + M_s(T) / H          (Honda 1910, Owen 1912)

Plotting chi_measured against 1/H at each temperature gives a straight line whose intercept is the
intrinsic chi(T) and whose slope is M_s(T). :func:`honda_owen` does this whenever the data hold
more than one field: the fields are grouped (within :data:`FIELD_REL_TOL`), each field's chi(T) is
interpolated onto the temperatures common to all fields, and a weighted straight line in 1/H is
fitted at every temperature. The field dependence is *significant* when the mean M_s over
temperature differs from zero by more than :data:`Z_FIELD` standard errors and changes chi by more
than :data:`MIN_EFFECT` (relative) between the lowest and highest field. Merging such fields into
one chi(T) would add M_s/H to chi0 -- a spurious "Pauli" term -- so the corrected chi(T) is what
should be fitted (:attr:`FieldDependence.corrected`).

With a single field nothing can be separated; :func:`pauli_bound_emu_mol` gives the largest Pauli
susceptibility plausible for a formula, and :func:`single_field_flag` flags a positive chi0 above
it (measure a second field, or M(H) at the lowest temperature, to find the impurity).

Numbers: chi_P = N_A mu_B^2 N(E_F) = 3.23e-5 emu/mol per state/eV/formula unit (both spins);
Pd, the textbook exchange-enhanced metal, has chi = 5.4e-4 emu/mol (CRC); metals at the verge of
ferromagnetism (TiBe2, ZrZn2) reach ~1e-3 per transition-metal atom [from memory]. So
:data:`PAULI_MAX_PER_METAL_EMU_MOL` = 2e-3 emu/mol per metal atom is a generous bound; without a
formula the electron count is unknown and only 1e-2 emu/mol (:data:`PAULI_MAX_UNKNOWN_EMU_MOL`)
is excluded.

References
----------
K. Honda, Ann. Phys. 337, 1027 (1910); M. Owen, Ann. Phys. 342, 657 (1912); P. W. Selwood,
*Magnetochemistry* (1956) ch. 2 (the Honda-Owen method); Ashcroft & Mermin ch. 31 (Pauli).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._json import json_safe
from .chit import ChiT
from .errors import MagfitError

__all__ = ["FieldDependence", "honda_owen", "pauli_bound_emu_mol", "single_field_flag", "FIELD_REL_TOL",
           "Z_FIELD", "MIN_EFFECT", "PAULI_MAX_PER_METAL_EMU_MOL"]

#: fields within this relative difference (or 1 Oe) are the same field
FIELD_REL_TOL = 0.02
#: |mean M_s| / its standard error above this -> M/H depends on the field
Z_FIELD = 3.0
#: ... and the relative change of chi between the lowest and the highest field must exceed this
MIN_EFFECT = 2e-3
#: fewest common temperatures for a Honda-Owen analysis
MIN_TEMPERATURES = 3
#: largest plausible Pauli susceptibility per metal atom (emu/mol); see the module docstring
PAULI_MAX_PER_METAL_EMU_MOL = 2e-3
#: the bound when the formula (so the electron count) is unknown
PAULI_MAX_UNKNOWN_EMU_MOL = 1e-2
_NONMETALS = {"H", "He", "B", "C", "N", "O", "F", "Ne", "Si", "P", "S", "Cl", "Ar", "As", "Se", "Br", "Kr",
              "Te", "I", "Xe", "At", "Rn"}


@dataclass(frozen=True, eq=False)
class FieldDependence:
    """Result of :func:`honda_owen`.

    Attributes
    ----------
    fields_Oe : list[float]
        The distinct fields (group medians).
    temperature_K, chi_emu_mol, chi_err_emu_mol : numpy.ndarray
        Honda-Owen intercepts: the field-independent chi(T) (emu/mol) and its error.
    M_s_emu_mol, M_s_err_emu_mol : numpy.ndarray
        Slopes against 1/H: the saturated magnetisation M_s(T) in emu/mol (emu Oe/mol ... = emu/mol).
    M_s_mean_emu_mol, M_s_mean_err_emu_mol : float
        Weighted mean of M_s over temperature and its standard error.
    z : float
        M_s_mean / its error.
    relative_effect : float
        Largest relative difference of chi between the lowest and the highest field.
    significant : bool
        True when M/H depends on the field (z > Z_FIELD and relative_effect > MIN_EFFECT).
    per : str
        What a mole counts.
    notes : list[str]
        How the analysis was made (interpolation, points outside the common range).
    """

    fields_Oe: list[float]
    temperature_K: np.ndarray
    chi_emu_mol: np.ndarray
    chi_err_emu_mol: np.ndarray
    M_s_emu_mol: np.ndarray
    M_s_err_emu_mol: np.ndarray
    M_s_mean_emu_mol: float
    M_s_mean_err_emu_mol: float
    z: float
    relative_effect: float
    significant: bool
    per: str = "formula unit"
    notes: list[str] = field(default_factory=list)
    source: Any = None

    @property
    def corrected(self) -> ChiT:
        """The Honda-Owen chi(T) (intercepts at 1/H = 0) as a ChiT, provenance kept and extended."""
        prov = dict(getattr(self.source, "provenance", {}) or {})
        prov["honda_owen"] = {"fields_Oe": self.fields_Oe, "M_s_mean_emu_mol": self.M_s_mean_emu_mol,
                              "M_s_mean_err_emu_mol": self.M_s_mean_err_emu_mol,
                              "method": "chi(T, H) = chi(T) + M_s(T)/H fitted against 1/H per temperature"}
        err = self.chi_err_emu_mol if np.all(np.isfinite(self.chi_err_emu_mol) & (self.chi_err_emu_mol > 0)) \
            else None
        name = getattr(self.source, "name", "") or ""
        return ChiT(self.temperature_K, self.chi_emu_mol, err, None,
                    name=(name + " (Honda-Owen)").strip(), per=self.per, provenance=prov)

    def summary(self) -> str:
        """One paragraph: fields, M_s, significance, what was done."""
        fields = ", ".join(f"{h:.4g}" for h in self.fields_Oe)
        verdict = ("M/H depends on the field" if self.significant else "no field dependence of M/H")
        return (f"Honda-Owen over fields {fields} Oe at {self.temperature_K.size} temperatures: {verdict} "
                f"(M_s = {self.M_s_mean_emu_mol:.3g} +/- {self.M_s_mean_err_emu_mol:.2g} emu/mol, z = "
                f"{self.z:.1f}; chi changes by {100 * self.relative_effect:.2g} % between the fields)")

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe numbers: fields, M_s mean/error, z, significance, and the corrected chi(T)."""
        return json_safe({
            "method": "Honda-Owen: chi(T, H) = chi(T) + M_s(T)/H, straight line in 1/H per temperature",
            "fields_Oe": list(self.fields_Oe), "n_temperatures": int(self.temperature_K.size),
            "M_s_emu_mol": self.M_s_mean_emu_mol, "M_s_err_emu_mol": self.M_s_mean_err_emu_mol,
            "z": self.z, "relative_effect": self.relative_effect, "significant": bool(self.significant),
            "temperature_K": self.temperature_K.tolist(), "chi_corrected_emu_mol": self.chi_emu_mol.tolist(),
            "chi_corrected_err_emu_mol": self.chi_err_emu_mol.tolist(),
            "M_s_T_emu_mol": self.M_s_emu_mol.tolist(), "notes": list(self.notes),
        })


def _groups(h: np.ndarray) -> np.ndarray:
    """Labels 0..k-1 for |H| values within FIELD_REL_TOL (or 1 Oe) of their neighbour."""
    a = np.abs(h)
    order = np.argsort(a, kind="stable")
    labels = np.zeros(a.size, dtype=int)
    g = 0
    for i in range(1, a.size):
        prev, cur = a[order[i - 1]], a[order[i]]
        if cur - prev > max(1.0, FIELD_REL_TOL * cur):
            g += 1
        labels[order[i]] = g
    return labels


def _per_field(chi: ChiT, groups: np.ndarray):
    out = []
    for g in np.unique(groups):
        m = groups == g
        t = chi.temperature_K[m]
        order = np.argsort(t, kind="stable")
        y = chi.chi_emu_mol[m][order]
        e = None if chi.chi_err_emu_mol is None else chi.chi_err_emu_mol[m][order]
        h = float(np.median(np.abs(chi.field_Oe[m])))
        out.append((h, t[order], y, e))
    return sorted(out, key=lambda r: r[0])


def honda_owen(chi: ChiT) -> FieldDependence | None:
    """Test M/H for field dependence and separate chi(T) from a saturated impurity's M_s/H.

    Parameters
    ----------
    chi : ChiT
        Susceptibility with a per-point ``field_Oe`` (e.g. the merged result of
        ``Measurement.susceptibility`` over several fields).

    Returns
    -------
    FieldDependence or None
        None when fewer than two distinct fields (or fewer than :data:`MIN_TEMPERATURES` common
        temperatures) are present.

    Raises
    ------
    MagfitError
        ``chi`` is not a ChiT.
    """
    if not isinstance(chi, ChiT):
        raise MagfitError(f"honda_owen needs a magfit.ChiT, got {type(chi).__name__}")
    if chi.field_Oe is None:
        return None
    ok = np.isfinite(chi.temperature_K) & np.isfinite(chi.chi_emu_mol) & np.isfinite(chi.field_Oe) \
        & (np.abs(chi.field_Oe) > 0)
    if ok.sum() < 2 * MIN_TEMPERATURES:
        return None
    data = chi.take(ok) if not ok.all() else chi
    groups = _groups(data.field_Oe)
    if np.unique(groups).size < 2:
        return None
    per_field = [r for r in _per_field(data, groups) if np.unique(r[1]).size >= 2]
    if len(per_field) < 2:
        return None
    lo = max(float(r[1].min()) for r in per_field)
    hi = min(float(r[1].max()) for r in per_field)
    ref = max(per_field, key=lambda r: r[1].size)[1]
    grid = np.unique(ref[(ref >= lo) & (ref <= hi)])
    if grid.size < MIN_TEMPERATURES:
        return None
    notes = [f"{len(per_field)} fields; chi of each interpolated (linear in T) onto {grid.size} common "
             f"temperatures {lo:.4g}-{hi:.4g} K"]
    dropped = int(ok.size - ok.sum())
    if dropped:
        notes.append(f"{dropped} points without a finite, non-zero field or value left out")
    x = np.array([1.0 / r[0] for r in per_field])
    ys = np.array([np.interp(grid, *_unique_t(r[1], r[2])) for r in per_field])     # (fields, T)
    es = None
    if all(r[3] is not None and np.all(np.isfinite(r[3]) & (r[3] > 0)) for r in per_field):
        es = np.array([np.interp(grid, *_unique_t(r[1], r[3])) for r in per_field])
    return _fit_lines(chi, per_field, x, grid, ys, es, notes)


def _unique_t(t: np.ndarray, y: np.ndarray):
    """Average repeated temperatures so np.interp gets increasing abscissae."""
    u, inv = np.unique(t, return_inverse=True)
    return u, np.bincount(inv, weights=y) / np.bincount(inv)


def _fit_lines(chi, per_field, x, grid, ys, es, notes) -> FieldDependence:
    """Weighted straight line chi = a + b x per temperature (x = 1/H); pooled errors if none given."""
    n_f, n_t = ys.shape
    w = np.ones_like(ys) if es is None else 1.0 / es**2
    sw, sx, sxx = w.sum(0), (w * x[:, None]).sum(0), (w * x[:, None] ** 2).sum(0)
    sy, sxy = (w * ys).sum(0), (w * x[:, None] * ys).sum(0)
    det = sw * sxx - sx**2
    b = (sw * sxy - sx * sy) / det
    a = (sxx * sy - sx * sxy) / det
    var_a, var_b = sxx / det, sw / det
    if es is None:
        resid = ys - (a[None, :] + b[None, :] * x[:, None])
        if n_f > 2:
            s2 = float(np.sum(resid**2) / (n_t * (n_f - 2)))
        else:   # two fields: the line is exact; the scatter of M_s(T) about a smooth curve gives the noise
            s2 = _two_field_noise(grid, b, x)
        var_a, var_b = var_a * s2, var_b * s2
        notes.append("no error bars: noise estimated from the scatter" + (" of M_s(T) between neighbouring "
                                                                          "temperatures" if n_f == 2 else ""))
    eb = np.sqrt(var_b)
    wb = 1.0 / np.maximum(var_b, np.finfo(float).tiny)
    ms_mean = float(np.sum(wb * b) / np.sum(wb))
    ms_err = float(math.sqrt(1.0 / np.sum(wb)))
    if n_t > 1:         # inflate by the scatter of M_s(T) about its mean (M_s may vary with T)
        chi2 = float(np.sum(wb * (b - ms_mean) ** 2) / (n_t - 1))
        ms_err *= math.sqrt(max(chi2, 1.0))
    z = ms_mean / ms_err if ms_err > 0 else (math.inf if ms_mean != 0 else 0.0)
    rel = float(np.max(np.abs(ys[0] - ys[-1]) / np.maximum(np.abs(a), np.finfo(float).tiny)))
    significant = bool(abs(z) > Z_FIELD and rel > MIN_EFFECT)
    return FieldDependence(
        fields_Oe=[float(r[0]) for r in per_field], temperature_K=grid, chi_emu_mol=a,
        chi_err_emu_mol=np.sqrt(var_a), M_s_emu_mol=b, M_s_err_emu_mol=eb, M_s_mean_emu_mol=ms_mean,
        M_s_mean_err_emu_mol=ms_err, z=float(z), relative_effect=rel, significant=significant,
        per=chi.per, notes=notes, source=chi)


def _two_field_noise(grid: np.ndarray, b: np.ndarray, x: np.ndarray) -> float:
    """Noise variance of one chi value from the point-to-point scatter of the two-field slopes."""
    if b.size < 3:
        return float("inf")
    # second differences remove a smooth M_s(T); var(d2 b) = 6 var(b) for independent b
    d2 = b[2:] - 2 * b[1:-1] + b[:-2]
    var_b = float(np.median(d2**2) / 0.4549 / 6.0)          # median of chi2(1) = 0.4549: robust
    return var_b * (x[0] - x[1]) ** 2 / 2.0


def pauli_bound_emu_mol(formula: str | None) -> tuple[float, str]:
    """Largest plausible Pauli susceptibility for a formula: 2e-3 emu/mol per metal atom.

    Parameters
    ----------
    formula : str or None
        Chemical formula of one formula unit (None: :data:`PAULI_MAX_UNKNOWN_EMU_MOL`).

    Returns
    -------
    (float, str)
        The bound in emu/mol and how it was obtained.
    """
    if formula:
        try:
            from .formula import read_formula

            atoms = read_formula(formula, normalize=True).atoms
            n_metal = float(sum(k for el, k in atoms.items() if el.symbol not in _NONMETALS))
        except Exception:  # noqa: BLE001 - a formula periodictable cannot read: as if none were given
            n_metal = 0.0
        if n_metal > 0:
            return (PAULI_MAX_PER_METAL_EMU_MOL * n_metal,
                    f"{PAULI_MAX_PER_METAL_EMU_MOL:g} emu/mol per metal atom, {n_metal:g} in {formula}")
    return PAULI_MAX_UNKNOWN_EMU_MOL, (f"formula unknown: {PAULI_MAX_UNKNOWN_EMU_MOL:g} emu/mol, the "
                                       "scale of metals on the verge of ferromagnetism")


def single_field_flag(chi0_emu_mol: float, chi0_err_emu_mol: float, formula: str | None) -> str | None:
    """Flag a positive chi0 above any plausible Pauli value (one field: an impurity cannot be separated).

    Parameters
    ----------
    chi0_emu_mol, chi0_err_emu_mol : float
        Fitted temperature-independent term and its error.
    formula : str or None
        Chemical formula (for the number of metal atoms).

    Returns
    -------
    str or None
        The flag text, or None when chi0 is plausible.
    """
    bound, how = pauli_bound_emu_mol(formula)
    err = chi0_err_emu_mol if math.isfinite(chi0_err_emu_mol) else 0.0
    if not (math.isfinite(chi0_emu_mol) and chi0_emu_mol - 2.0 * err > bound):
        return None
    return (f"chi0 = {chi0_emu_mol:.3g} emu/mol exceeds any plausible Pauli susceptibility (< {bound:.3g}: "
            f"{how}): with one field a saturated ferromagnetic impurity (M_s/H) cannot be told from chi0 -- "
            "measure a second field (Honda-Owen) or M(H) at low temperature")
