"""Classical Heisenberg Monte Carlo (Metropolis + over-relaxation, numba) on sc, bcc and fcc.

Model: unit vectors s_i on the sites of a cubic lattice (L x L x L conventional cells, 1, 2 or 4
sites each), periodic boundaries, nearest-neighbour exchange

    H = -J sum_<ij> s_i . s_j        (each bond once; J > 0 ferromagnetic, J < 0 antiferromagnetic).

Reduced units: k_B = |J| = 1 and moment mu = 1 per spin, so temperatures are k_B T / |J|.
Mean field gives theta = z J / 3 (S(S+1) -> 1): 2 (sc), 8/3 (bcc), 4 (fcc) for J = 1; the true
critical temperatures are lower, k_B T_c / J = 1.4430 (sc), 2.054 (bcc), 3.176 (fcc)
(Peczak, Ferrenberg & Landau, PRB 43, 6087 (1991); Chen, Ferrenberg & Landau, PRB 48, 3249
(1993); Adler, Holm & Janke, Physica A 201, 581 (1993); PHYSICS.md table d).

Algorithm (one "sweep"): a sequential Metropolis pass (trial s' = (s + delta r)/|s + delta r|
with r uniform on the unit sphere, a proposal symmetric in s <-> s', delta tuned to ~50 %
acceptance during thermalisation and then frozen), followed by ``n_overrelax`` microcanonical
over-relaxation passes (s' = 2 (s.h) h/h^2 - s about the local field h; Creutz, PRD 36, 515
(1987); Brown & Woch, PRL 58, 2394 (1987)). Random numbers: xoshiro256+ (Blackman & Vigna
2018) seeded from numpy.random.SeedSequence(seed), so runs are reproducible.

Measured per temperature (per spin, reduced units; m = |sum s_i| / N):
  energy e = <E>/N; specific heat c = N (<e^2> - <e>^2) / T^2;
  chi = N <m^2> / (3 T)                 (= <|M|^2>/(3 N T): the susceptibility of ONE field
                                          component; use above T_c, -> 1/(3T) for free spins and
                                          to the Curie-Weiss form 1/(3(T - theta)) at high T);
  chi_connected = N (<m^2> - <m>^2) / (3 T)   (finite peak near T_c; same 1/3 convention);
  Binder cumulant U = 1 - <m^4> / (3 <m^2>^2) (as defined in the task; tends to 1 - 5/9 = 4/9
  for O(3) spins at high T and to 2/3 in the ordered phase); the same for the staggered
  magnetisation of bipartite lattices (sc, bcc) for antiferromagnets.
Errors: jackknife over 20 blocks.

Conversion to physical units (:meth:`MCResult.to_chit`): a classical spin of moment
mu_eff mu_B with coupling J_K (kelvin, same sign convention) has
T = T* |J_K| and chi_mol = N_A mu_eff^2 mu_B^2 chi* / (k_B |J_K|) = 3 x 0.125049 mu_eff^2 chi*/|J_K|
emu/mol, so that chi* = 1/(3 T*) becomes C/T with C = 0.125049 mu_eff^2. To mimic quantum
spins S with exchange J_q, use J_K = J_q S(S+1) and mu_eff = g sqrt(S(S+1)) (equal theta and C).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numba import njit
from scipy.optimize import brentq

from ..chit import ChiT
from ..errors import SimulationError
from ..units import CURIE_CGS_PER_MUB2
from .curves import _finite_scalar, _positive_scalar

__all__ = [
    "MC_LATTICES",
    "build_lattice",
    "MCResult",
    "simulate_heisenberg",
    "BinderCrossing",
    "tc_from_binder",
    "TC_REFERENCE",
]

#: k_B T_c / J of the classical Heisenberg FM (PHYSICS.md table d)
TC_REFERENCE: dict[str, float] = {"sc": 1.4430, "bcc": 2.054, "fcc": 3.176}

_BASIS = {
    "sc": [(0, 0, 0)],
    "bcc": [(0, 0, 0), (1, 1, 1)],
    "fcc": [(0, 0, 0), (0, 1, 1), (1, 0, 1), (1, 1, 0)],
}
MC_LATTICES = tuple(_BASIS)


def _neighbour_vectors(lattice: str) -> np.ndarray:
    """Nearest-neighbour displacements in units of a/2."""
    if lattice == "sc":
        v = [(2, 0, 0), (-2, 0, 0), (0, 2, 0), (0, -2, 0), (0, 0, 2), (0, 0, -2)]
    elif lattice == "bcc":
        v = [(x, y, z) for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)]
    else:
        v = []
        for a in (-1, 1):
            for b in (-1, 1):
                v += [(a, b, 0), (a, 0, b), (0, a, b)]
    return np.array(v, dtype=np.int64)


def build_lattice(lattice: str, L: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Neighbour table and staggered signs of an L^3-cell periodic cubic lattice.

    Returns
    -------
    nbr : (N, z) int32 array
        Indices of the z nearest neighbours of each site (z = 6, 8, 12).
    stag : (N,) float array or None
        +1/-1 for the two sublattices of the bipartite sc and bcc lattices; None for fcc
        (frustrated for J < 0, no two-sublattice order).
    """
    key = str(lattice).lower()
    if key not in _BASIS:
        raise SimulationError(f"lattice must be one of {list(_BASIS)}, got {lattice!r}")
    if not isinstance(L, (int, np.integer)) or L < 2:
        raise SimulationError(f"L (cells per edge) must be an integer >= 2, got {L!r}")
    if key == "sc" and L < 3:
        raise SimulationError("sc needs L >= 3 (with L = 2 the +x and -x neighbours coincide)")
    box = 2 * L
    cells = np.stack(np.meshgrid(np.arange(L), np.arange(L), np.arange(L), indexing="ij"), -1).reshape(-1, 3)
    pos = np.concatenate([2 * cells + np.array(b) for b in _BASIS[key]])
    if key == "sc":
        # checkerboard order: all even sites, then all odd ones (see _metropolis_sweep)
        pos = pos[np.argsort((pos.sum(axis=1) // 2) % 2, kind="stable")]
    lookup = -np.ones((box, box, box), dtype=np.int64)
    lookup[pos[:, 0], pos[:, 1], pos[:, 2]] = np.arange(len(pos))
    nb = (pos[:, None, :] + _neighbour_vectors(key)[None, :, :]) % box
    nbr = lookup[nb[..., 0], nb[..., 1], nb[..., 2]].astype(np.int32)
    if np.any(nbr < 0):  # pragma: no cover - construction invariant
        raise SimulationError("internal error building the neighbour table")
    stag: np.ndarray | None
    if key == "sc":
        stag = np.where((pos.sum(axis=1) // 2) % 2 == 0, 1.0, -1.0)
    elif key == "bcc":
        stag = np.where(pos[:, 0] % 2 == 0, 1.0, -1.0)
    else:
        stag = None
    return np.ascontiguousarray(nbr), stag


# ----------------------------------------------------------------- numba kernels
@njit(cache=True, inline="always")
def _rotl(x, k):
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@njit(cache=True, inline="always")
def _uniform(s):
    """xoshiro256+ -> float64 in [0, 1) (53 random bits)."""
    s0 = s[0]
    s1 = s[1]
    s2 = s[2]
    s3 = s[3]
    result = s0 + s3
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, 45)
    s[0] = s0
    s[1] = s1
    s[2] = s2
    s[3] = s3
    return float(result >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True, inline="always")
def _unit_vector(s):
    """Uniform random unit vector (Marsaglia, Ann. Math. Stat. 43, 645 (1972))."""
    while True:
        u = 2.0 * _uniform(s) - 1.0
        v = 2.0 * _uniform(s) - 1.0
        q = u * u + v * v
        if q < 1.0:
            f = 2.0 * math.sqrt(1.0 - q)
            return u * f, v * f, 1.0 - 2.0 * q


@njit(cache=True)
def _xoshiro(s0, s1, s2, s3):
    """One xoshiro256+ step on a state held in local variables: (uniform in [0,1), new state)."""
    r = s0 + s3
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = (s3 << np.uint64(45)) | (s3 >> np.uint64(19))
    return np.int64(r >> np.uint64(11)) * (1.0 / 9007199254740992.0), s0, s1, s2, s3


#: 2^(-k/2), k = 0..119, for the range reduction in _exp_neg
_POW2_HALF_NEG = 2.0 ** (-0.5 * np.arange(120))


@njit(cache=True, inline="always", error_model="numpy", fastmath=True)
def _exp_neg(x):
    """exp(-x) for x >= 0 without a libm call (relative error < 5e-15; exp(-40) for x > 40).

    x = k ln2/2 + r with 0 <= r < ln2/2; exp(-r) by its Taylor polynomial of degree 12
    (truncation < 2e-16); exp(-k ln2/2) from a table. Inlined and branch-free, so the
    Metropolis test compiles to a select instead of a call (the call cost ~40 % of a sweep).
    """
    x = min(x, 40.0)
    k = int(x * 2.8853900817779268)          # 2 / ln 2
    r = x - k * 0.34657359027997264         # ln 2 / 2
    p = 2.08767569878681e-09
    p = p * r + -2.505210838544172e-08
    p = p * r + 2.755731922398589e-07
    p = p * r + -2.7557319223985893e-06
    p = p * r + 2.48015873015873e-05
    p = p * r + -0.0001984126984126984
    p = p * r + 0.001388888888888889
    p = p * r + -0.008333333333333333
    p = p * r + 0.041666666666666664
    p = p * r + -0.16666666666666666
    p = p * r + 0.5
    p = p * r + -1.0
    p = p * r + 1.0
    return p * _POW2_HALF_NEG[k]


@njit(cache=True, error_model="numpy", fastmath=True)
def _metropolis_sweep(spins, nbr, J, beta, delta, state):
    """One sequential Metropolis pass; the RNG state lives in registers during the pass.

    Sites are stored sublattice by sublattice (sc: checkerboard; bcc, fcc: by basis site), so
    consecutive updates do not touch each other's neighbours and the CPU can overlap them
    instead of waiting for each store to feed the next neighbour sum (2x). The accept step is
    branch-free (a uniform is drawn for every trial, exp inlined): random accept/reject
    branches cost more than the extra arithmetic.
    """
    n = spins.shape[0]
    z = nbr.shape[1]
    s0 = state[0]
    s1 = state[1]
    s2 = state[2]
    s3 = state[3]
    accepted = 0
    for i in range(n):
        hx = 0.0
        hy = 0.0
        hz = 0.0
        for k in range(z):
            j = nbr[i, k]
            hx += spins[j, 0]
            hy += spins[j, 1]
            hz += spins[j, 2]
        while True:                                   # Marsaglia: uniform direction r
            u, s0, s1, s2, s3 = _xoshiro(s0, s1, s2, s3)
            v, s0, s1, s2, s3 = _xoshiro(s0, s1, s2, s3)
            u = 2.0 * u - 1.0
            v = 2.0 * v - 1.0
            q = u * u + v * v
            if q < 1.0:
                break
        f = 2.0 * math.sqrt(1.0 - q)
        sx = spins[i, 0]
        sy = spins[i, 1]
        sz = spins[i, 2]
        nx = sx + delta * u * f
        ny = sy + delta * v * f
        nz = sz + delta * (1.0 - 2.0 * q)
        norm = 1.0 / math.sqrt(nx * nx + ny * ny + nz * nz)
        nx *= norm
        ny *= norm
        nz *= norm
        de = -J * ((nx - sx) * hx + (ny - sy) * hy + (nz - sz) * hz)
        # branch-free Metropolis test: accept with probability min(1, exp(-beta dE))
        w, s0, s1, s2, s3 = _xoshiro(s0, s1, s2, s3)
        ok = w < _exp_neg(beta * max(de, 0.0))
        spins[i, 0] = nx if ok else sx
        spins[i, 1] = ny if ok else sy
        spins[i, 2] = nz if ok else sz
        accepted += ok
    state[0] = s0
    state[1] = s1
    state[2] = s2
    state[3] = s3
    return accepted


@njit(cache=True, error_model="numpy", fastmath=True)
def _overrelax_sweep(spins, nbr):
    n = spins.shape[0]
    z = nbr.shape[1]
    for i in range(n):
        hx = 0.0
        hy = 0.0
        hz = 0.0
        for k in range(z):
            j = nbr[i, k]
            hx += spins[j, 0]
            hy += spins[j, 1]
            hz += spins[j, 2]
        h2 = hx * hx + hy * hy + hz * hz
        if h2 > 0.0:
            f = 2.0 * (spins[i, 0] * hx + spins[i, 1] * hy + spins[i, 2] * hz) / h2
            spins[i, 0] = f * hx - spins[i, 0]
            spins[i, 1] = f * hy - spins[i, 1]
            spins[i, 2] = f * hz - spins[i, 2]


@njit(cache=True)
def _measure(spins, nbr, stag, J, row):
    """row <- (E, Mx, My, Mz, Msx, Msy, Msz) of the current configuration."""
    n = spins.shape[0]
    z = nbr.shape[1]
    e = 0.0
    mx = 0.0
    my = 0.0
    mz = 0.0
    ax = 0.0
    ay = 0.0
    az = 0.0
    for i in range(n):
        hx = 0.0
        hy = 0.0
        hz = 0.0
        for k in range(z):
            j = nbr[i, k]
            hx += spins[j, 0]
            hy += spins[j, 1]
            hz += spins[j, 2]
        e += spins[i, 0] * hx + spins[i, 1] * hy + spins[i, 2] * hz
        mx += spins[i, 0]
        my += spins[i, 1]
        mz += spins[i, 2]
        ax += stag[i] * spins[i, 0]
        ay += stag[i] * spins[i, 1]
        az += stag[i] * spins[i, 2]
    row[0] = -0.5 * J * e
    row[1] = mx
    row[2] = my
    row[3] = mz
    row[4] = ax
    row[5] = ay
    row[6] = az


@njit(cache=True)
def _run(spins, nbr, stag, J, beta, delta, n_sweeps, n_or, state, out, measure):
    """n_sweeps x (Metropolis + n_or over-relaxation); fills out[t] when measure. Returns accepted."""
    acc = 0
    for t in range(n_sweeps):
        acc += _metropolis_sweep(spins, nbr, J, beta, delta, state)
        for _ in range(n_or):
            _overrelax_sweep(spins, nbr)
        if measure:
            _measure(spins, nbr, stag, J, out[t])
    return acc


@njit(cache=True)
def _random_spins(n, state):
    spins = np.empty((n, 3))
    for i in range(n):
        x, y, z = _unit_vector(state)
        spins[i, 0] = x
        spins[i, 1] = y
        spins[i, 2] = z
    return spins


def _seed_state(seed: int | None) -> np.ndarray:
    st = np.random.SeedSequence(seed).generate_state(4, dtype=np.uint64)
    if not np.any(st):  # pragma: no cover - probability 2^-256
        st[0] = np.uint64(1)
    return st


# ------------------------------------------------------------------ statistics
_N_BLOCKS = 20


def _jackknife(blocks: dict[str, np.ndarray], fn) -> tuple[float, float]:
    """Value from the full means and jackknife error over blocks (each array: block means)."""
    nb = len(next(iter(blocks.values())))
    full = fn({k: v.mean() for k, v in blocks.items()})
    sums = {k: v.sum() for k, v in blocks.items()}
    loo = np.array([fn({k: (sums[k] - v[i]) / (nb - 1) for k, v in blocks.items()}) for i in range(nb)])
    err = math.sqrt((nb - 1) / nb * float(np.sum((loo - loo.mean()) ** 2)))
    return float(full), err


def _analyse(data: np.ndarray, n: int, t: float, has_stag: bool) -> dict[str, float]:
    e = data[:, 0] / n
    m = np.sqrt(np.sum(data[:, 1:4] ** 2, axis=1)) / n
    ms = np.sqrt(np.sum(data[:, 4:7] ** 2, axis=1)) / n
    usable = (len(e) // _N_BLOCKS) * _N_BLOCKS
    if usable < _N_BLOCKS:
        raise SimulationError(f"n_measure must be at least {_N_BLOCKS} sweeps for the error analysis")

    def blocks(x: np.ndarray) -> np.ndarray:
        return x[:usable].reshape(_N_BLOCKS, -1).mean(axis=1)

    b = {"e": blocks(e), "e2": blocks(e * e), "m": blocks(m), "m2": blocks(m * m), "m4": blocks(m**4),
         "s": blocks(ms), "s2": blocks(ms * ms), "s4": blocks(ms**4)}
    out: dict[str, float] = {}
    specs = {
        "energy_per_spin": lambda d: d["e"],
        "specific_heat_per_spin": lambda d: n * (d["e2"] - d["e"] ** 2) / t**2,
        "m_abs": lambda d: d["m"],
        "chi_per_spin": lambda d: n * d["m2"] / (3.0 * t),
        "chi_connected_per_spin": lambda d: n * (d["m2"] - d["m"] ** 2) / (3.0 * t),
        "binder": lambda d: 1.0 - d["m4"] / (3.0 * d["m2"] ** 2),
    }
    if has_stag:
        specs.update({
            "ms_abs": lambda d: d["s"],
            "chi_staggered_per_spin": lambda d: n * d["s2"] / (3.0 * t),
            "binder_staggered": lambda d: 1.0 - d["s4"] / (3.0 * d["s2"] ** 2),
        })
    for name, fn in specs.items():
        val, err = _jackknife(b, fn)
        out[name] = val
        out[name + "_err"] = err
    out["m2"] = float(np.mean(m * m))
    out["m4"] = float(np.mean(m**4))
    return out


# ---------------------------------------------------------------------- results
@dataclass(frozen=True)
class MCResult:
    """Monte Carlo observables over a temperature grid (reduced units, see module docstring).

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per temperature, sorted by ``temperature_J`` (k_B T/|J|): energy_per_spin,
        specific_heat_per_spin, m_abs, chi_per_spin (= <|M|^2>/(3 N T)), chi_connected_per_spin,
        binder (each with ``_err``), m2, m4, acceptance, delta; for sc/bcc also ms_abs,
        chi_staggered_per_spin, binder_staggered.
    lattice, L, n_spins, J, seed, n_therm, n_measure, n_overrelax : run parameters.
    provenance : dict
        Algorithm and unit conventions of the run.
    """

    frame: pd.DataFrame
    lattice: str
    L: int
    n_spins: int
    J: float
    seed: int | None
    n_therm: int
    n_measure: int
    n_overrelax: int
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def order_column(self) -> str:
        """'binder' for J > 0, 'binder_staggered' for an antiferromagnet on a bipartite lattice."""
        return "binder_staggered" if self.J < 0 and "binder_staggered" in self.frame else "binder"

    def reduced_chit(self, *, connected: bool = False) -> ChiT:
        """chi(T) in reduced units as a ChiT: temperature_K holds k_B T/|J| and chi_emu_mol holds
        chi* per spin (mu = k_B = |J| = 1; free spins give 1/(3T*)). Use :meth:`to_chit` for emu/mol."""
        col = "chi_connected_per_spin" if connected else "chi_per_spin"
        f = self.frame
        return ChiT(f["temperature_J"].to_numpy(), f[col].to_numpy(), f[col + "_err"].to_numpy(),
                    name=f"classical Heisenberg MC {self.lattice} L={self.L} (reduced units)",
                    per="spin (reduced units)",
                    provenance={"source": "simulation", "model": "classical Heisenberg Monte Carlo",
                                "units": "temperature_K = k_B T/|J|, chi = chi* per spin "
                                         "(mu = k_B = |J| = 1)",
                                "parameters": {"lattice": self.lattice, "L": self.L, "J": self.J,
                                               "seed": self.seed, "column": col}})

    def to_chit(self, *, J_K: float, mu_eff: float, connected: bool = False) -> ChiT:
        """The simulated chi(T) in cgs-emu per mole of spins.

        T = T* |J_K|, chi_mol = 3 x 0.125049 mu_eff^2 chi* / |J_K| (emu/mol), chi* =
        chi_per_spin (or chi_connected_per_spin), so the free-spin limit is C/T with
        C = 0.125049 mu_eff^2. For quantum spins S, J_q: J_K = J_q S(S+1), mu_eff = g sqrt(S(S+1)).
        """
        jk = abs(_finite_scalar("J_K", J_K))
        if jk == 0:
            raise SimulationError("J_K must be non-zero (kelvin)")
        mu = _positive_scalar("mu_eff", mu_eff)
        col = "chi_connected_per_spin" if connected else "chi_per_spin"
        factor = 3.0 * CURIE_CGS_PER_MUB2 * mu * mu / jk
        f = self.frame
        return ChiT(
            f["temperature_J"].to_numpy() * jk, f[col].to_numpy() * factor,
            f[col + "_err"].to_numpy() * factor,
            name=f"classical Heisenberg MC {self.lattice} L={self.L} J={'+' if self.J > 0 else '-'}|J|",
            per="spin",
            provenance={"source": "simulation", "model": "classical Heisenberg Monte Carlo",
                        "parameters": {"lattice": self.lattice, "L": self.L, "J_K": float(J_K),
                                       "mu_eff": mu, "seed": self.seed, "n_therm": self.n_therm,
                                       "n_measure": self.n_measure, "n_overrelax": self.n_overrelax,
                                       "column": col},
                        "formula": "chi_mol = N_A mu_eff^2 mu_B^2 chi*/(k_B |J|), T = T*|J|",
                        "convention": "H = -J sum_<ij> s_i.s_j, unit vectors, J > 0 FM",
                        "reference": "magfit.simulate.montecarlo module docstring"},
        )


def simulate_heisenberg(temperatures: Sequence[float] | np.ndarray, *, lattice: str = "sc", L: int = 8,
                        J: float = 1.0, n_therm: int = 1000, n_measure: int = 5000, n_overrelax: int = 2,
                        seed: int | None = 0, progress: bool = False, n_jobs: int = 1) -> MCResult:
    """Run the classical Heisenberg Monte Carlo over a temperature grid.

    Temperatures are visited from the highest to the lowest, each starting from the previous
    configuration (annealing) and thermalised for ``n_therm`` sweeps, the first half of which
    tune the Metropolis step to ~50 % acceptance. With ``n_jobs > 1`` the grid (highest first) is
    dealt round-robin into ``n_jobs`` independent annealing chains run in separate processes,
    chain k with seed ``seed + k``: each temperature is still thermalised from a nearby higher
    one, results are statistically equivalent to the serial run and reproducible for a given
    ``n_jobs`` (not bit-identical to ``n_jobs=1``).

    Parameters
    ----------
    temperatures : sequence of float
        k_B T / |J| (> 0).
    lattice : {"sc", "bcc", "fcc"}
    L : int
        Conventional cells per edge (N = L^3 x 1, 2, 4 spins). An sc antiferromagnet needs even L.
    J : float
        Sign and size of the exchange in H = -J sum s_i.s_j (energies are reported in units of
        |J|; J = +1 FM, -1 AFM).
    n_therm, n_measure : int
        Sweeps for equilibration and for measurement, per temperature.
    n_overrelax : int
        Over-relaxation passes per Metropolis pass.
    seed : int or None
        Seed of the random stream (same seed -> identical results).
    progress : bool
        Show a tqdm bar over temperatures (serial runs only).
    n_jobs : int
        Processes to use (default 1: off, as on a shared machine); -1 for all cores.

    Returns
    -------
    MCResult
    """
    if n_jobs != 1:
        return _simulate_parallel(temperatures, n_jobs, lattice=lattice, L=L, J=J, n_therm=n_therm,
                                  n_measure=n_measure, n_overrelax=n_overrelax, seed=seed)
    key = str(lattice).lower()
    nbr, stag = build_lattice(key, L)
    j = _finite_scalar("J", J)
    if j == 0:
        raise SimulationError("J must be non-zero (+1 ferromagnet, -1 antiferromagnet)")
    if j < 0 and key == "sc" and L % 2:
        raise SimulationError(f"an sc antiferromagnet with periodic boundaries needs even L, got L = {L}")
    temps = np.asarray(temperatures, dtype=float).reshape(-1)
    if temps.size == 0 or np.any(~np.isfinite(temps) | (temps <= 0)):
        raise SimulationError("temperatures (k_B T/|J|) must be a non-empty list of positive numbers")
    for name, v in (("n_therm", n_therm), ("n_measure", n_measure), ("n_overrelax", n_overrelax)):
        if not isinstance(v, (int, np.integer)) or v < 0:
            raise SimulationError(f"{name} must be a non-negative integer, got {v!r}")
    jabs = abs(j)
    jred = j / jabs                                   # energies in units of |J|
    n = nbr.shape[0]
    state = _seed_state(seed)
    spins = _random_spins(n, state)
    stag_arr = stag if stag is not None else np.zeros(n)
    order = np.argsort(-temps, kind="stable")
    iterator: Any = order
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(order, desc=f"MC {key} L={L}", unit="T")
    rows: list[dict[str, float]] = []
    delta = 1.0
    dummy = np.empty((1, 7))
    for idx in iterator:
        t = float(temps[idx])
        beta = 1.0 / t
        tune = n_therm // 2
        done = 0
        while done < tune:
            chunk = min(50, tune - done)
            acc = _run(spins, nbr, stag_arr, jred, beta, delta, chunk, n_overrelax, state, dummy, False)
            rate = acc / (chunk * n)
            delta = float(np.clip(delta * (0.5 + rate), 0.05, 20.0))
            done += chunk
        _run(spins, nbr, stag_arr, jred, beta, delta, n_therm - tune, n_overrelax, state, dummy, False)
        data = np.empty((max(n_measure, 1), 7))
        acc = _run(spins, nbr, stag_arr, jred, beta, delta, n_measure, n_overrelax, state, data, True)
        stats = _analyse(data[:n_measure], n, t, stag is not None)
        stats["temperature_J"] = t
        stats["acceptance"] = acc / max(n_measure * n, 1)
        stats["delta"] = delta
        rows.append(stats)
    frame = pd.DataFrame(rows).sort_values("temperature_J", kind="stable").reset_index(drop=True)
    first = ["temperature_J"]
    frame = frame[first + [c for c in frame.columns if c not in first]]
    return MCResult(frame=frame, lattice=key, L=int(L), n_spins=int(n), J=j, seed=seed, n_therm=int(n_therm),
                    n_measure=int(n_measure), n_overrelax=int(n_overrelax),
                    provenance={"algorithm": "Metropolis + over-relaxation, xoshiro256+",
                                "units": "k_B = |J| = 1, mu = 1"})


def _simulate_parallel(temperatures, n_jobs: int, *, seed: int | None, **kwargs: Any) -> MCResult:
    """simulate_heisenberg over ``n_jobs`` independent annealing chains in a process pool."""
    import concurrent.futures as cf
    import os

    if not isinstance(n_jobs, (int, np.integer)) or n_jobs == 0 or n_jobs < -1:
        raise SimulationError(f"n_jobs must be a positive integer or -1 (all cores), got {n_jobs!r}")
    temps = np.asarray(temperatures, dtype=float).reshape(-1)
    if temps.size == 0 or np.any(~np.isfinite(temps) | (temps <= 0)):
        raise SimulationError("temperatures (k_B T/|J|) must be a non-empty list of positive numbers")
    jobs = min(os.cpu_count() or 1 if n_jobs == -1 else int(n_jobs), temps.size)
    ordered = temps[np.argsort(-temps, kind="stable")]
    chains = [ordered[k::jobs] for k in range(jobs)]
    seeds = [None if seed is None else int(seed) + k for k in range(jobs)]
    if jobs == 1:
        return simulate_heisenberg(temps, seed=seed, **kwargs)
    with cf.ProcessPoolExecutor(max_workers=jobs) as pool:
        parts = list(pool.map(_chain, chains, seeds, [kwargs] * jobs))
    frame = pd.concat([p.frame for p in parts]).sort_values("temperature_J", kind="stable")
    first = parts[0]
    return MCResult(frame=frame.reset_index(drop=True), lattice=first.lattice, L=first.L,
                    n_spins=first.n_spins, J=first.J, seed=seed, n_therm=first.n_therm,
                    n_measure=first.n_measure, n_overrelax=first.n_overrelax,
                    provenance={**first.provenance, "parallel": f"{jobs} independent annealing chains "
                                f"(round-robin over the grid), seeds {seeds}"})


def _chain(temps: np.ndarray, seed: int | None, kwargs: dict[str, Any]) -> MCResult:
    return simulate_heisenberg(temps, seed=seed, **kwargs)


# ------------------------------------------------------------- Binder crossings
@dataclass(frozen=True)
class BinderCrossing:
    """T_c estimate from Binder-cumulant crossings: ``tc`` (mean of pairwise crossings, k_B T/|J|),
    ``tc_err`` (spread, or the single crossing's fit error), ``pairs`` (DataFrame L1, L2, T_cross).

    Attributes
    ----------
    tc, tc_err : float
        Estimate and spread in k_B T/|J|.
    pairs : pandas.DataFrame
        One row per pair of sizes: L1, L2, T_cross.
    column : str
        The cumulant column used.
    """

    tc: float
    tc_err: float
    pairs: pd.DataFrame
    column: str


def tc_from_binder(results: Sequence[MCResult], *, column: str | None = None, degree: int = 2
                   ) -> BinderCrossing:
    """Critical temperature from the crossings of U_L(T) for two or more sizes L.

    Each U_L(T) is fitted by a weighted polynomial (``degree``, default quadratic, weights
    1/err) over the common temperature grid; the crossing of each pair of sizes is the root of
    the difference inside the grid (Binder, Z. Phys. B 43, 119 (1981)). The estimate is the
    mean over pairs; ``tc_err`` their standard deviation (0 with one pair).

    Parameters
    ----------
    results : sequence of MCResult
        Runs with different L on the same lattice (temperature grids should overlap T_c).
    column : str, optional
        Cumulant column; default each result's ``order_column`` (staggered for AFM).
    """
    if len(results) < 2:
        raise SimulationError("tc_from_binder needs runs for at least two lattice sizes")
    sizes = [r.L for r in results]
    if len(set(sizes)) != len(sizes):
        raise SimulationError(f"tc_from_binder: lattice sizes must differ, got {sizes}")
    col = column or results[0].order_column
    fits = []
    lo, hi = -np.inf, np.inf
    for r in results:
        if col not in r.frame:
            raise SimulationError(f"column {col!r} not in the Monte Carlo result for L = {r.L}")
        t = r.frame["temperature_J"].to_numpy()
        u = r.frame[col].to_numpy()
        err = r.frame[col + "_err"].to_numpy()
        if t.size < degree + 1:
            raise SimulationError(
                f"L = {r.L}: need at least {degree + 1} temperatures for a degree-{degree} fit"
            )
        w = 1.0 / np.where(err > 0, err, np.max(err[err > 0], initial=1.0))
        fits.append(np.polynomial.Polynomial.fit(t, u, degree, w=w))
        lo, hi = max(lo, t.min()), min(hi, t.max())
    rows = []
    for i in range(len(results)):
        for k in range(i + 1, len(results)):
            diff = fits[i] - fits[k]
            grid = np.linspace(lo, hi, 2001)
            d = diff(grid)
            idx = np.nonzero(np.sign(d[:-1]) * np.sign(d[1:]) <= 0)[0]
            inside = np.array([grid[m] if d[m] == 0 else brentq(diff, grid[m], grid[m + 1], xtol=1e-12)
                               for m in idx])
            if inside.size == 0:
                raise SimulationError(
                    f"the Binder cumulants of L = {results[i].L} and L = {results[k].L} do not cross inside "
                    f"T = {lo:g}-{hi:g}; widen or move the temperature grid, or run longer"
                )
            mid = 0.5 * (lo + hi)
            rows.append({"L1": results[i].L, "L2": results[k].L,
                         "T_cross": float(inside[np.argmin(np.abs(inside - mid))])})
    pairs = pd.DataFrame(rows)
    tcs = pairs["T_cross"].to_numpy()
    return BinderCrossing(tc=float(tcs.mean()), tc_err=float(tcs.std(ddof=1)) if tcs.size > 1 else 0.0,
                          pairs=pairs, column=col)
