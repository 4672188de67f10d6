"""Thermodynamics of a spin cluster from exact diagonalisation: levels, chi(T), M(H, T).

Parameters are passed as one dict ``{name: value}`` with J's in K in the cluster's convention,
``g`` (or ``g1``..., or ``g_par``/``g_perp``), ``D...``/``E...`` in K. Results are per mole of
clusters (emu mol^-1 Oe^-1 for chi) or in mu_B per cluster for M.

chi is the linear-response (zero-field) susceptibility unless ``field_Oe`` is given, in which
case it is M/H at that field. Isotropic clusters with one g use the multiplet formula
chi = N_A g^2 mu_B^2 <S(S+1)> / (3 k_B T); per-site g and anisotropic clusters use the Kubo
(Van Vleck) formula, which keeps the field-induced mixing between levels.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import SimulationError
from ..units import CURIE_CGS_PER_MUB2, K_B_ERG, MU_B_ERG_G, N_A
from .aniso import kubo_weights, product_space
from .cluster import Cluster
from .ed import coupled_basis

__all__ = ["MUB_K_PER_OE", "EMU_MOL_PER_MUB", "levels", "chi_cluster", "chi_tensor", "magnetization",
           "powder_grid"]

#: N_A mu_B^2 / k_B in emu K / mol
NMUB2_K: float = 3.0 * CURIE_CGS_PER_MUB2
#: mu_B / k_B in K per Oe (0.67171 K/T)
MUB_K_PER_OE: float = MU_B_ERG_G / K_B_ERG
#: one mu_B per cluster in emu per mole of clusters (N_A mu_B = 5585 emu/mol)
EMU_MOL_PER_MUB: float = N_A * MU_B_ERG_G


def _temperatures(temperature_K: Any) -> np.ndarray:
    t = np.atleast_1d(np.asarray(temperature_K, dtype=float))
    if t.size == 0 or np.any(~np.isfinite(t)) or np.any(t <= 0):
        raise SimulationError("temperature_K must be finite and > 0 K")
    return t


def _basis(cluster: Cluster):
    return coupled_basis(cluster.spins, tuple((b.i, b.j) for b in cluster.bonds))


def _g_xyz(cluster: Cluster, p: dict[str, float]) -> list[tuple[float, float, float]]:
    if cluster.axial_g:
        return [(p["g_perp"], p["g_perp"], p["g_par"])] * cluster.n_sites
    return [(g, g, g) for g in cluster.site_g(p)]


def _uniform_g(cluster: Cluster, p: dict[str, float]) -> bool:
    g = cluster.site_g(p)
    return not cluster.axial_g and all(abs(x - g[0]) < 1e-12 for x in g)


def _zfs_values(cluster: Cluster, p: dict[str, float]) -> dict[int, tuple[float, float]]:
    out = {}
    for site, stem in cluster.zfs.items():
        e_name = "E" + stem[1:] if stem.startswith("D") else stem + "_E"
        out[site] = (float(p.get(stem, 0.0)), float(p.get(e_name, 0.0)))
    return out


def _hamiltonian(cluster: Cluster, p: dict[str, float]) -> np.ndarray:
    space = product_space(cluster.spins)
    h = np.zeros((space.dim, space.dim), dtype=complex)
    for b, jb in zip(cluster.bonds, cluster.bond_values(p), strict=True):
        h -= jb * space.exchange(b.i, b.j)
    for site, (d, e) in _zfs_values(cluster, p).items():
        h += space.zfs(site, d, e)
    return h


# ---------------------------------------------------------------------------- levels
def levels(cluster: Cluster, params: dict[str, float], n: int | None = None) -> pd.DataFrame:
    """Energy levels relative to the ground state, with total S where it is a good quantum number.

    Parameters
    ----------
    cluster : Cluster
        The cluster.
    params : dict
        Parameter values (J in K in the cluster's convention, D/E in K).
    n : int, optional
        Keep only the lowest ``n`` rows.

    Returns
    -------
    pandas.DataFrame
        ``energy_K``, ``S`` (NaN where S is not defined), ``degeneracy``. Isotropic clusters:
        one row per multiplet (degeneracy 2S+1); anisotropic ones: one row per state.
    """
    if cluster.isotropic:
        sp = _basis(cluster).diagonalise(cluster.bond_values(params))
        df = pd.DataFrame({"energy_K": sp.energy_K, "S": sp.spin,
                           "degeneracy": (2 * sp.spin + 1).astype(int)})
    else:
        from scipy.linalg import eigh

        e, v = eigh(_hamiltonian(cluster, params), driver="evd")
        space = product_space(cluster.spins)
        tot = [sum(space.ops[i][a] for i in range(cluster.n_sites)) for a in range(3)]
        s2_op = sum(o @ o for o in tot)
        s2 = np.real(np.einsum("ij,ik,kj->j", v.conj(), s2_op, v))
        s = (np.sqrt(1.0 + 4.0 * s2) - 1.0) / 2.0
        good = np.abs(2 * s - np.round(2 * s)) < 1e-3
        df = pd.DataFrame({"energy_K": e - e[0], "S": np.where(good, np.round(2 * s) / 2, np.nan),
                           "degeneracy": 1})
    df.attrs["convention"] = cluster.convention
    return df.head(n) if n else df


# ---------------------------------------------------------------------------- chi
def chi_cluster(cluster: Cluster, params: dict[str, float], temperature_K: Any,
                field_Oe: float | None = None) -> np.ndarray:
    """Powder molar susceptibility of the cluster alone (emu/mol of clusters).

    Parameters
    ----------
    cluster : Cluster
        The cluster.
    params : dict
        Parameter values (J in K in the cluster's convention, g, D, E).
    temperature_K : array_like
        Temperatures in K.
    field_Oe : float, optional
        If given, chi = M/H at this field (powder-averaged) instead of the zero-field limit.

    Returns
    -------
    numpy.ndarray
        chi in emu mol^-1 Oe^-1 per mole of clusters.
    """
    t = _temperatures(temperature_K)
    if field_Oe is not None:
        h = float(field_Oe)
        if not np.isfinite(h) or h <= 0:
            raise SimulationError(f"field_Oe must be > 0 for chi = M/H, got {field_Oe!r}")
        m = magnetization(cluster, params, np.full(t.size, h), t)
        return m * EMU_MOL_PER_MUB / h
    if cluster.isotropic and _uniform_g(cluster, params):
        g = cluster.site_g(params)[0]
        sp = _basis(cluster).diagonalise(cluster.bond_values(params))
        w = (2 * sp.spin + 1) * np.exp(-sp.energy_K[None, :] / t[:, None])
        ss = (w * (sp.spin * (sp.spin + 1))).sum(axis=1) / w.sum(axis=1)
        return NMUB2_K * g * g * ss / (3.0 * t)
    return chi_tensor(cluster, params, t).mean(axis=1)


def chi_tensor(cluster: Cluster, params: dict[str, float], temperature_K: Any) -> np.ndarray:
    """Principal zero-field susceptibilities chi_xx, chi_yy, chi_zz (emu/mol) by the Kubo formula.

    Parameters
    ----------
    cluster : Cluster
        The cluster (frame: ZFS and g_par along z).
    params : dict
        Parameter values.
    temperature_K : array_like
        Temperatures in K.

    Returns
    -------
    numpy.ndarray
        Shape (n_T, 3); the powder average is the mean over the last axis.
    """
    from scipy.linalg import eigh

    t = _temperatures(temperature_K)
    if cluster.isotropic:
        return np.repeat(_chi_kubo_isotropic(cluster, params, t)[:, None], 3, axis=1)
    e, v = eigh(_hamiltonian(cluster, params), driver="evd")
    space = product_space(cluster.spins)
    mus = [v.conj().T @ mu @ v for mu in space.moment(_g_xyz(cluster, params))]
    out = np.empty((t.size, 3))
    for k, tk in enumerate(t):
        w, z = kubo_weights(e - e[0], tk)
        for a in range(3):
            out[k, a] = NMUB2_K * float(np.sum(np.abs(mus[a]) ** 2 * w)) / z
    return out


def _chi_kubo_isotropic(cluster: Cluster, params: dict[str, float], t: np.ndarray) -> np.ndarray:
    """Per-site g, isotropic exchange: Kubo formula over multiplets with reduced matrix elements."""
    basis = _basis(cluster)
    sp = basis.diagonalise(cluster.bond_values(params), vectors=True)
    g = cluster.site_g(params)
    red = sum(gi * basis.reduced(i) for i, gi in enumerate(g)).tocsr()
    n = basis.S2.size
    vec = np.zeros((n, n))
    col = 0
    for s2, idx in basis.blocks.items():
        vec[np.ix_(idx, np.arange(col, col + idx.size))] = sp.vectors[s2]
        col += idx.size
    mu = vec.T @ (red @ vec)
    mu = mu[np.ix_(sp.order, sp.order)]
    mult = 2 * sp.spin + 1
    out = np.empty(t.size)
    for k, tk in enumerate(t):
        w, _ = kubo_weights(sp.energy_K, tk)
        z = float(np.sum(mult * np.exp(-sp.energy_K / tk)))
        out[k] = NMUB2_K * float(np.sum(mu ** 2 * w)) / (3.0 * z)
    return out


# ---------------------------------------------------------------------------- M(H)
def powder_grid(order: int = 17) -> tuple[np.ndarray, np.ndarray]:
    """Lebedev directions on the upper half sphere and their weights (sum 1).

    Parameters
    ----------
    order : int
        Lebedev order (scipy.integrate.lebedev_rule), e.g. 11 (50 points), 17 (110).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Unit vectors (n, 3) with z >= 0 and weights; antipodal points are merged (E(-B) = E(B)).
        Falls back to a Gauss-Legendre x uniform-phi product rule where scipy has no Lebedev rule.
    """
    try:
        from scipy.integrate import lebedev_rule  # scipy >= 1.15
    except ImportError:                                     # pragma: no cover - older scipy
        lebedev_rule = _gauss_legendre_sphere
    x, w = lebedev_rule(order)
    x = x.T
    up = (x[:, 2] > 1e-12) | ((np.abs(x[:, 2]) <= 1e-12) & ((x[:, 1] > 1e-12) |
                                                            ((np.abs(x[:, 1]) <= 1e-12) & (x[:, 0] > 0))))
    return x[up], 2.0 * w[up] / w.sum()


def _gauss_legendre_sphere(order: int) -> tuple[np.ndarray, np.ndarray]:
    """Product rule (Gauss-Legendre in cos(theta) x uniform phi), exact for degree <= ``order``."""
    n = order // 2 + 1
    u, wu = np.polynomial.legendre.leggauss(n)
    phi = 2.0 * np.pi * (np.arange(2 * n) + 0.5) / (2 * n)
    uu, pp = np.meshgrid(u, phi, indexing="ij")
    s = np.sqrt(1.0 - uu**2)
    x = np.stack([(s * np.cos(pp)).ravel(), (s * np.sin(pp)).ravel(), uu.ravel()])
    return x, (np.repeat(wu, 2 * n) * np.pi / n)


def magnetization(cluster: Cluster, params: dict[str, float], field_Oe: Any, temperature_K: Any,
                  order: int = 17) -> np.ndarray:
    """Powder magnetisation per cluster in mu_B at each (field, temperature) pair.

    Parameters
    ----------
    cluster : Cluster
        The cluster.
    params : dict
        Parameter values.
    field_Oe : array_like
        Fields in Oe (>= 0).
    temperature_K : array_like
        Temperatures in K, same length as ``field_Oe`` (or scalar).
    order : int
        Lebedev order of the powder average (anisotropic clusters only).

    Returns
    -------
    numpy.ndarray
        M in mu_B per cluster (multiply by :data:`EMU_MOL_PER_MUB` for emu/mol).
    """
    h = np.atleast_1d(np.asarray(field_Oe, dtype=float))
    t = np.broadcast_to(_temperatures(temperature_K), h.shape) if np.ndim(temperature_K) == 0 \
        else _temperatures(temperature_K)
    if t.shape != h.shape:
        raise SimulationError(f"field_Oe ({h.size}) and temperature_K ({t.size}) must have the same length")
    if np.any(~np.isfinite(h)) or np.any(h < 0):
        raise SimulationError("field_Oe must be finite and >= 0")
    if cluster.isotropic and _uniform_g(cluster, params):
        return _m_isotropic(cluster, params, h, t)
    return _m_full(cluster, params, h, t, order)


def _m_isotropic(cluster: Cluster, params: dict[str, float], h: np.ndarray, t: np.ndarray) -> np.ndarray:
    g = cluster.site_g(params)[0]
    sp = _basis(cluster).diagonalise(cluster.bond_values(params))
    num = np.zeros(h.size)
    den = np.zeros(h.size)
    x = g * MUB_K_PER_OE * h / t                  # Zeeman energy per unit m, over T
    smax = float(sp.spin.max())
    for s in np.unique(sp.spin):
        boltz = np.exp(-sp.energy_K[sp.spin == s][None, :] / t[:, None]).sum(axis=1)
        m = np.arange(-s, s + 1.0)
        # shift by the largest exponent (m = -S) to avoid overflow at high H/T
        zm = np.exp(-(m[None, :] + s) * x[:, None])
        shift = np.exp((s - smax) * x)
        num += boltz * shift * (-m[None, :] * zm).sum(axis=1)
        den += boltz * shift * zm.sum(axis=1)
    return g * num / den


def _m_full(cluster: Cluster, params: dict[str, float], h: np.ndarray, t: np.ndarray,
            order: int) -> np.ndarray:
    h0 = _hamiltonian(cluster, params)
    space = product_space(cluster.spins)
    mu = space.moment(_g_xyz(cluster, params))
    dirs, wts = powder_grid(order)
    out = np.zeros(h.size)
    for n_vec, wt in zip(dirs, wts, strict=True):
        mu_n = n_vec[0] * mu[0] + n_vec[1] * mu[1] + n_vec[2] * mu[2]
        # all fields of this direction at once (batched LAPACK)
        e, v = np.linalg.eigh(h0[None, :, :] + (MUB_K_PER_OE * h)[:, None, None] * mu_n[None, :, :])
        p = np.exp(-(e - e[:, :1]) / t[:, None])
        proj = np.real(np.einsum("kij,il,klj->kj", v.conj(), mu_n, v))
        out -= wt * np.sum(p * proj, axis=1) / p.sum(axis=1)
    return out
