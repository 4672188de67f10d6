"""Exchange constants -> Weiss temperature: neighbour shells, RKKY lattice sums, superexchange.

Convention: H = -sum_<ij> J_ij S_i.S_j (each bond once), J > 0 ferromagnetic, J in kelvin
(J / k_B). In mean field theta = S(S+1) sum_k z_k J_k / 3 (Kittel ch. 12; Blundell sec. 5.1;
PHYSICS.md section c). For classical unit vectors S(S+1) -> 1.

References
----------
* M. A. Ruderman and C. Kittel, Phys. Rev. 96, 99 (1954); K. Yosida, Phys. Rev. 106, 893 (1957);
  C. Kittel, Solid State Physics 22, 1 (1968) (RKKY range function F(x) = (x cos x - sin x)/x^4).
* P.-G. de Gennes, J. Phys. Radium 23, 630 (1962) (damping of RKKY by the electron mean free path,
  exp(-r/lambda), used here to make the lattice sums converge).
* J. B. Goodenough, Phys. Rev. 100, 564 (1955); J. Kanamori, J. Phys. Chem. Solids 10, 87 (1959);
  V. H. Crawford et al., Inorg. Chem. 15, 2107 (1976) (Cu-O-Cu angle, crossover at 97.5 deg).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SimulationError
from .curves import _finite_scalar, _positive_scalar, _spin

__all__ = [
    "LATTICES",
    "theta_from_shells",
    "rkky_range_function",
    "rkky_exchange",
    "fermi_wavevector",
    "kf_a_free_electron",
    "lattice_shells",
    "rkky_theta",
    "Superexchange",
    "goodenough_kanamori",
]

#: atoms per conventional cubic cell
LATTICES: dict[str, int] = {"sc": 1, "bcc": 2, "fcc": 4}
_RKKY_SERIES_LIMIT = 0.1


def _spin_factor(spin: float | None) -> float:
    """S(S+1), or 1 for classical unit vectors (spin=None)."""
    if spin is None:
        return 1.0
    s = _spin("spin", spin)
    return s * (s + 1.0)


def theta_from_shells(shells: Iterable[tuple[float, float]], spin: float | None) -> float:
    """Mean-field Weiss temperature from neighbour shells.

    theta = S(S+1) sum_k z_k J_k / 3   (H = -sum_<ij> J_ij S_i.S_j, J > 0 FM, J in K).

    Parameters
    ----------
    shells : iterable of (z_k, J_k_K)
        Number of neighbours and exchange constant (kelvin) of each shell.
    spin : float or None
        Spin S; None for classical unit vectors (S(S+1) -> 1, theta = sum z J / 3).

    Returns
    -------
    float
        theta in K (> 0 net ferromagnetic).

    Examples
    --------
    >>> theta_from_shells([(6, 1.0)], spin=None)      # classical sc, J = 1 K
    2.0
    """
    total = 0.0
    n = 0
    for item in shells:
        try:
            z, j = item
        except (TypeError, ValueError):
            raise SimulationError(f"each shell must be a pair (z, J_K), got {item!r}") from None
        total += _positive_scalar("z (neighbours in a shell)", z) * _finite_scalar("J_K", j)
        n += 1
    if n == 0:
        raise SimulationError("theta_from_shells: give at least one (z, J_K) shell")
    return _spin_factor(spin) * total / 3.0


# -------------------------------------------------------------------------- RKKY
def rkky_range_function(x: Any) -> np.ndarray:
    """RKKY range function F(x) = (x cos x - sin x) / x^4, x = 2 k_F r > 0.

    F(x) -> -1/(3x) + x/30 - ... at small x (series used for x < 0.1, where the numerator cancels),
    ~ cos(x)/x^3 at large x. Its zeros are the roots of tan x = x (4.4934, 7.7253, 10.9041, ...).
    Sign conventions differ between texts; see :func:`rkky_exchange` for the one used here.

    Parameters
    ----------
    x : array_like
        2 k_F r (> 0).

    Returns
    -------
    numpy.ndarray
        F(x), same shape as ``x``.
    """
    x = np.asarray(x, dtype=float)
    if np.any(~np.isfinite(x) | (x <= 0)):
        raise SimulationError("rkky_range_function: x = 2 k_F r must be finite and > 0")
    small = x < _RKKY_SERIES_LIMIT
    xs = np.where(small, 1.0, x)
    xt = np.where(small, x, 1.0)
    x2 = xt * xt
    series = -1.0 / (3.0 * xt) + xt * (1.0 / 30.0 - x2 * (1.0 / 840.0 - x2 / 45360.0))
    return np.where(small, series, (xs * np.cos(xs) - np.sin(xs)) / xs**4)


def rkky_exchange(r: Any, k_F: float, amplitude_K: float = 1.0) -> np.ndarray:
    """RKKY exchange J(r) = -A F(2 k_F r) in the H = -sum J S_i.S_j convention (J > 0 FM).

    With A > 0 (A ∝ J_sd^2 m* k_F^4, any sign of the s-d coupling J_sd) the interaction is
    ferromagnetic at short range (F < 0 for 2 k_F r < 4.4934) and oscillates as -cos(2k_F r)/r^3.
    ``r`` and ``1/k_F`` in the same length unit; the result in the unit of ``amplitude_K``.

    Parameters
    ----------
    r : array_like
        Distance between the moments.
    k_F : float
        Fermi wavevector, in inverse units of ``r``.
    amplitude_K : float
        A in kelvin (> 0: ferromagnetic at short range).

    Returns
    -------
    numpy.ndarray
        J(r) in the unit of ``amplitude_K``.

    References
    ----------
    Ruderman & Kittel (1954); Yosida (1957); Kittel, Solid State Physics 22 (1968).
    """
    k = _positive_scalar("k_F", k_F)
    a = _finite_scalar("amplitude_K", amplitude_K)
    return -a * rkky_range_function(2.0 * k * np.asarray(r, dtype=float))


def fermi_wavevector(electron_density_m3: float) -> float:
    """Free-electron Fermi wavevector k_F = (3 pi^2 n)^(1/3) in 1/m (n in m^-3)."""
    n = _positive_scalar("electron_density_m3", electron_density_m3)
    return (3.0 * math.pi**2 * n) ** (1.0 / 3.0)


def kf_a_free_electron(lattice: str, electrons_per_atom: float) -> float:
    """k_F a (a = conventional cubic lattice constant) for free electrons on a cubic lattice.

    n a^3 = (atoms per cubic cell) x (conduction electrons per atom), k_F a = (3 pi^2 n a^3)^(1/3).
    Example: fcc, 1 e/atom -> k_F a = 4.91 (Cu: a = 3.61 A, k_F = 1.36 / A).

    Parameters
    ----------
    lattice : {"sc", "bcc", "fcc"}
        Cubic Bravais lattice (1, 2, 4 atoms per conventional cell).
    electrons_per_atom : float
        Conduction electrons per atom.

    Returns
    -------
    float
        k_F a.
    """
    atoms = _lattice(lattice)
    z = _positive_scalar("electrons_per_atom", electrons_per_atom)
    return (3.0 * math.pi**2 * atoms * z) ** (1.0 / 3.0)


def _lattice(lattice: str) -> int:
    key = str(lattice).lower()
    if key not in LATTICES:
        raise SimulationError(f"lattice must be one of {sorted(LATTICES)}, got {lattice!r}")
    return LATTICES[key]


def lattice_shells(lattice: str, cutoff_a: float) -> pd.DataFrame:
    """Neighbour shells of a cubic Bravais lattice out to ``cutoff_a`` lattice constants.

    Sites are integer vectors n in units of a/2: sc = all n_i even, bcc = all n_i of equal
    parity, fcc = n_1 + n_2 + n_3 even. |n|^2 is an integer, so shells are found exactly by
    counting equal |n|^2 (no floating-point grouping).

    Parameters
    ----------
    lattice : {"sc", "bcc", "fcc"}
        Cubic Bravais lattice.
    cutoff_a : float
        Largest neighbour distance, in lattice constants.

    Returns
    -------
    pandas.DataFrame
        One row per shell: ``shell`` (1 = nearest), ``r_a`` (distance / a), ``z`` (sites in the
        shell). sc: z = 6, 12, 8, 6, ...; bcc: 8, 6, 12, 24, ...; fcc: 12, 6, 24, 12, ...
    """
    _lattice(lattice)
    cut = _positive_scalar("cutoff_a", cutoff_a)
    m = int(math.floor(2.0 * cut))
    if m > 200:
        raise SimulationError(f"cutoff_a = {cut:g} is too large (max 100 lattice constants)")
    n = np.arange(-m, m + 1, dtype=np.int64)
    r2 = (n[:, None, None] ** 2 + n[None, :, None] ** 2 + n[None, None, :] ** 2)
    p = np.abs(n) % 2
    px, py, pz = p[:, None, None], p[None, :, None], p[None, None, :]
    key = lattice.lower()
    if key == "sc":
        mask = (px == 0) & (py == 0) & (pz == 0)
    elif key == "bcc":
        mask = (px == py) & (py == pz)
    else:
        mask = ((px + py + pz) % 2) == 0
    mask = mask & (r2 > 0) & (r2 <= int(math.floor(4.0 * cut * cut)))
    counts = np.bincount(r2[mask].ravel())
    r2_vals = np.nonzero(counts)[0]
    return pd.DataFrame({
        "shell": np.arange(1, r2_vals.size + 1),
        "r_a": np.sqrt(r2_vals) / 2.0,
        "z": counts[r2_vals].astype(int),
    })


def rkky_theta(kf_a: Any, lattice: str, *, spin: float | None = None, amplitude_K: float = 1.0,
               damping_a: float | None = 4.0, cutoff_a: float | None = None) -> np.ndarray:
    """Mean-field theta of a lattice of moments coupled by RKKY, summed over neighbour shells.

    theta(k_F a) = S(S+1)/3 sum_shells z_k J(r_k) exp(-r_k/lambda),
    J(r) = -A F(2 k_F r) (:func:`rkky_exchange`, H = -sum J S.S, J > 0 FM).

    Convergence: z_k ~ r^2 and J ~ cos(2k_F r)/r^3, so the bare sum converges only
    conditionally. A damping factor exp(-r/lambda) (de Gennes 1962: finite electron mean free
    path lambda) makes it absolutely convergent; the sum is cut at ``cutoff_a`` (default
    10 lambda, where the envelope is e^-10 ~ 5e-5 of its bare value). With ``damping_a=None``
    the bare sum is truncated at ``cutoff_a`` (which must then be given). The damped value is
    the physical one for mean free path lambda; at small k_F a (long RKKY wavelength) it
    approaches the lambda -> infinity (Abel) limit only as O(a/lambda) (sc, k_F a = 1:
    theta = 0.267, 0.316, 0.338 A for lambda = 3, 6, 10 a), while at k_F a >~ 2.5 it changes
    by < 10 % between lambda = 4 a and 10 a.

    Parameters
    ----------
    kf_a : float or array
        k_F times the conventional cubic lattice constant a.
    lattice : {"sc", "bcc", "fcc"}
    spin : float or None
        S of the local moments (None: classical unit vectors, S(S+1) -> 1).
    amplitude_K : float
        A in kelvin (> 0: ferromagnetic at short range).
    damping_a, cutoff_a : float or None
        Damping length lambda and cutoff radius, in units of a.

    Returns
    -------
    numpy.ndarray
        theta in K for each k_F a; its sign oscillates as k_F a grows (Kittel 1968).
    """
    _lattice(lattice)
    if damping_a is None:
        if cutoff_a is None:
            raise SimulationError("rkky_theta: without damping give cutoff_a (lattice constants)")
        lam = math.inf
    else:
        lam = _positive_scalar("damping_a", damping_a)
    cut = 10.0 * lam if cutoff_a is None else _positive_scalar("cutoff_a", cutoff_a)
    kfa = np.atleast_1d(np.asarray(kf_a, dtype=float))
    if np.any(~np.isfinite(kfa) | (kfa <= 0)):
        raise SimulationError("rkky_theta: kf_a must be finite and > 0")
    shells = lattice_shells(lattice, cut)
    r = shells["r_a"].to_numpy()
    weight = shells["z"].to_numpy() * (np.exp(-r / lam) if math.isfinite(lam) else 1.0)
    a = _finite_scalar("amplitude_K", amplitude_K)
    j = -a * rkky_range_function(2.0 * kfa[:, None] * r[None, :])
    theta = _spin_factor(spin) * (j @ weight) / 3.0
    return theta.reshape(np.shape(kf_a)) if np.ndim(kf_a) else float(theta[0])


# ------------------------------------------------------------ superexchange
@dataclass(frozen=True)
class Superexchange:
    """Qualitative Goodenough-Kanamori estimate for one M-O-M bond (see :func:`goodenough_kanamori`)."""

    angle_deg: float
    sign: str                 #: "antiferromagnetic" or "ferromagnetic"
    relative_J: float         #: J / |J(180 deg)|; -1 at 180 deg (project convention: J < 0 AFM)
    qualitative: bool = True
    note: str = ""


def goodenough_kanamori(angle_deg: float, *, crossover_deg: float = 97.5) -> Superexchange:
    """Sign of the superexchange through one ligand from the M-O-M bond angle (QUALITATIVE).

    Goodenough-Kanamori-Anderson rules for half-filled orbitals: a 180 deg M-O-M bond gives
    strong antiferromagnetic coupling (both metal orbitals overlap the same ligand p orbital);
    90 deg gives weak ferromagnetic coupling (orthogonal ligand p orbitals, Hund's coupling on
    the ligand). The interpolation used here is only a sketch,

        J(phi)/|J(180)| = -cos^2(phi) + eps sin^2(phi),  eps = cot^2(phi_c),

    which is -1 at 180 deg, +eps (weak FM) at 90 deg and changes sign at ``crossover_deg``
    (default 97.5 deg, the Cu-O(H)-Cu value of Crawford et al., Inorg. Chem. 15, 2107 (1976);
    the crossover is material dependent). Do not use it for numbers.

    Parameters
    ----------
    angle_deg : float
        Metal-ligand-metal bond angle in degrees.
    crossover_deg : float
        Angle at which the coupling changes sign.

    Returns
    -------
    Superexchange
    """
    phi = _finite_scalar("angle_deg", angle_deg)
    if not 60.0 <= phi <= 180.0:
        raise SimulationError(f"angle_deg must be an M-O-M bond angle between 60 and 180 deg, got {phi:g}")
    phic = _finite_scalar("crossover_deg", crossover_deg)
    if not 90.0 < phic < 180.0:
        raise SimulationError(f"crossover_deg must lie between 90 and 180 deg, got {phic:g}")
    eps = 1.0 / math.tan(math.radians(phic)) ** 2
    c2 = math.cos(math.radians(phi)) ** 2
    rel = -c2 + eps * (1.0 - c2)
    sign = "antiferromagnetic" if rel < 0 else "ferromagnetic"
    return Superexchange(angle_deg=phi, sign=sign, relative_J=rel, note=(
        "qualitative Goodenough-Kanamori estimate: 180 deg strong AFM, 90 deg weak FM; "
        f"crossover assumed at {phic:g} deg"))
