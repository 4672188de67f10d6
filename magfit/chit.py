"""ChiT: a susceptibility curve chi(T), measured or simulated.

Every stage downstream of the loaders (fitting, classification, plotting, comparison) takes a
ChiT, so a simulated curve and a measured one are interchangeable.

Units: ``chi_emu_mol`` is molar susceptibility in cgs-emu, emu mol^-1 Oe^-1 (= cm^3/mol), per
mole of whatever ``per`` says (formula units by default, or magnetic ions). SI values are
available as :attr:`ChiT.chi_m3_mol` (chi_SI = 4 pi 1e-6 chi_cgs).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import UnitsError
from .units import chi_cgs_to_si

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ChiT"]


def _as_1d(name: str, values, n: int | None = None) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise UnitsError(f"ChiT: {name} must be numeric ({exc})") from None
    if n is not None and arr.size == 1 and n != 1:
        arr = np.full(n, float(arr[0]))
    if n is not None and arr.size != n:
        raise UnitsError(
            f"ChiT: {name} has {arr.size} values but temperature_K has {n}; pass arrays of equal length"
        )
    return arr


@dataclass(frozen=True, eq=False)
class ChiT:
    """Molar susceptibility against temperature.

    Parameters
    ----------
    temperature_K : array
        Temperatures in kelvin.
    chi_emu_mol : array
        Molar susceptibility in emu mol^-1 Oe^-1 (cgs), same length.
    chi_err_emu_mol : array or None
        One-sigma uncertainty of ``chi_emu_mol``; None when unknown.
    field_Oe : array, float or None
        Applied field in oersted for each point (a scalar is broadcast).
    name : str
        A label (sample name or simulation description).
    per : str
        What a mole counts: ``"formula unit"`` (default) or e.g. ``"Gd"`` (per mole of Gd ions).
    provenance : dict
        How the curve was made: source file, columns used, corrections, rows dropped and why.

    Examples
    --------
    >>> import numpy as np, magfit
    >>> t = np.linspace(10, 300, 30)
    >>> chi = magfit.ChiT(t, 7.88 / t)
    >>> round(float(chi.chi_T_emu_K_mol[0]), 2)
    7.88
    """

    temperature_K: np.ndarray
    chi_emu_mol: np.ndarray
    chi_err_emu_mol: np.ndarray | None = None
    field_Oe: np.ndarray | None = None
    name: str = ""
    per: str = "formula unit"
    provenance: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        t = _as_1d("temperature_K", self.temperature_K)
        n = t.size
        object.__setattr__(self, "temperature_K", t)
        object.__setattr__(self, "chi_emu_mol", _as_1d("chi_emu_mol", self.chi_emu_mol, n))
        if self.chi_err_emu_mol is not None:
            object.__setattr__(
                self, "chi_err_emu_mol", _as_1d("chi_err_emu_mol", self.chi_err_emu_mol, n)
            )
        if self.field_Oe is not None:
            object.__setattr__(self, "field_Oe", _as_1d("field_Oe", self.field_Oe, n))
        object.__setattr__(self, "provenance", dict(self.provenance))

    # ------------------------------------------------------------------ views
    def __len__(self) -> int:
        return int(self.temperature_K.size)

    def __repr__(self) -> str:
        if len(self) == 0:
            return f"ChiT({self.name!r}, empty)"
        return (
            f"ChiT({self.name!r}, n={len(self)}, T={self.temperature_K.min():.4g}-"
            f"{self.temperature_K.max():.4g} K, per mol {self.per})"
        )

    @property
    def chi_m3_mol(self) -> np.ndarray:
        """Molar susceptibility in SI, m^3/mol (= 4 pi 1e-6 chi_emu_mol)."""
        return chi_cgs_to_si(self.chi_emu_mol)

    @property
    def chi_T_emu_K_mol(self) -> np.ndarray:
        """chi*T in emu K/mol; equals the Curie constant C for an ideal paramagnet."""
        return self.chi_emu_mol * self.temperature_K

    @property
    def inverse_chi_mol_emu(self) -> np.ndarray:
        """1/chi in mol/emu."""
        with np.errstate(divide="ignore"):
            return 1.0 / self.chi_emu_mol

    @property
    def has_errors(self) -> bool:
        """True when every point has a finite, positive uncertainty."""
        e = self.chi_err_emu_mol
        return e is not None and bool(np.all(np.isfinite(e) & (e > 0)))

    def to_frame(self, si: bool = False) -> pd.DataFrame:
        """A DataFrame with temperature_K, chi_emu_mol (or chi_m3_mol), errors and field."""
        import pandas as pd  # only here: a ChiT (e.g. a simulation) must not cost the pandas import

        data: dict[str, np.ndarray] = {"temperature_K": self.temperature_K}
        factor = chi_cgs_to_si(1.0) if si else 1.0
        key = "chi_m3_mol" if si else "chi_emu_mol"
        data[key] = self.chi_emu_mol * factor
        if self.chi_err_emu_mol is not None:
            data[key.replace("chi_", "chi_err_")] = self.chi_err_emu_mol * factor
        if self.field_Oe is not None:
            data["field_Oe"] = self.field_Oe
        return pd.DataFrame(data)

    # ------------------------------------------------------------ selections
    def take(self, mask_or_index, note: str | None = None) -> ChiT:
        """The points selected by a boolean mask or index array; ``note`` is appended to
        ``provenance["selections"]`` so that every selection stays traceable."""
        idx = np.asarray(mask_or_index)
        prov = dict(self.provenance)
        if note:
            prov.setdefault("selections", [])
            prov["selections"] = [*prov["selections"], note]
        if type(self) is not ChiT or idx.ndim != 1:
            return replace(
                self,
                temperature_K=self.temperature_K[idx],
                chi_emu_mol=self.chi_emu_mol[idx],
                chi_err_emu_mol=None if self.chi_err_emu_mol is None else self.chi_err_emu_mol[idx],
                field_Oe=None if self.field_Oe is None else self.field_Oe[idx],
                provenance=prov,
            )
        # the arrays were checked when this ChiT was made and indexing keeps them 1-D floats of one
        # length: set the fields directly instead of re-running __init__'s checks (on every fit)
        out = object.__new__(ChiT)
        for name, value in (
            ("temperature_K", self.temperature_K[idx]),
            ("chi_emu_mol", self.chi_emu_mol[idx]),
            ("chi_err_emu_mol", None if self.chi_err_emu_mol is None else self.chi_err_emu_mol[idx]),
            ("field_Oe", None if self.field_Oe is None else self.field_Oe[idx]),
            ("name", self.name), ("per", self.per), ("provenance", prov),
        ):
            object.__setattr__(out, name, value)
        return out

    def window(self, tmin: float | None = None, tmax: float | None = None) -> ChiT:
        """Points with tmin <= T <= tmax (either bound may be None)."""
        t = self.temperature_K
        mask = np.ones(t.size, dtype=bool)
        if tmin is not None:
            mask &= t >= tmin
        if tmax is not None:
            mask &= t <= tmax
        return self.take(mask, f"window {tmin}-{tmax} K")

    def sorted(self) -> ChiT:
        """The same points sorted by increasing temperature (stable)."""
        return self.take(np.argsort(self.temperature_K, kind="stable"))

    def finite(self) -> ChiT:
        """Drop points whose T or chi is not finite; the count is recorded in provenance."""
        mask = np.isfinite(self.temperature_K) & np.isfinite(self.chi_emu_mol)
        dropped = int(mask.size - mask.sum())
        out = self.take(mask)
        if dropped:
            drops = dict(out.provenance.get("dropped", {}))
            drops["non-finite T or chi"] = drops.get("non-finite T or chi", 0) + dropped
            out.provenance["dropped"] = drops
        return out

    def scaled(self, factor: float, per: str | None = None) -> ChiT:
        """chi and its error multiplied by ``factor`` (e.g. 1/n_ions to go per magnetic ion)."""
        return replace(
            self,
            chi_emu_mol=self.chi_emu_mol * factor,
            chi_err_emu_mol=None if self.chi_err_emu_mol is None else self.chi_err_emu_mol * abs(factor),
            per=self.per if per is None else per,
        )
