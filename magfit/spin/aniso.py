"""Full exact diagonalisation in the product basis, for clusters with ZFS or axial g.

H = -sum_b J_bond,b S_i.S_j + sum_i D_i [S_iz^2 - S_i(S_i+1)/3] + E_i (S_ix^2 - S_iy^2)
    + (mu_B/k_B) B.g_i.S_i        (energies in K, B in Oe, g diagonal in the cluster frame).

The Hilbert space is the full product of the site spaces (dimension prod(2S_i+1)), so this path is
for small clusters (<= ~1500 states). Powder averages: chi from the trace of the linear-response
tensor (exact for any anisotropy), M(H) on a Lebedev grid over the field direction (half sphere
suffices: E(-B) = E(B) by time reversal).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..errors import SimulationError

__all__ = ["MAX_STATES", "site_operators", "ProductSpace"]

#: largest product-space dimension handled by the full diagonalisation
MAX_STATES = 2000


def site_operators(spin: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(S_x, S_y, S_z) of one spin in the |S, m> basis, m = S ... -S.

    Parameters
    ----------
    spin : float
        S.

    Returns
    -------
    tuple of numpy.ndarray
        Complex (2S+1)x(2S+1) matrices.
    """
    m = np.arange(spin, -spin - 1.0, -1.0)
    sp = np.zeros((m.size, m.size))
    for k in range(1, m.size):
        sp[k - 1, k] = np.sqrt(spin * (spin + 1.0) - m[k] * (m[k] + 1.0))
    return (sp + sp.T) / 2.0 + 0j, (sp - sp.T) / 2.0j, np.diag(m) + 0j


class ProductSpace:
    """Site spin operators of a cluster embedded in the full product space.

    Parameters
    ----------
    spins : tuple of float
        Site spins.
    """

    def __init__(self, spins: tuple[float, ...]) -> None:
        dims = [int(round(2 * s + 1)) for s in spins]
        self.dim = int(np.prod(dims))
        if self.dim > MAX_STATES:
            raise SimulationError(f"the anisotropic (ZFS / axial g) solver diagonalises the full space; "
                                  f"{self.dim} states > {MAX_STATES}. Drop the ZFS or use fewer sites")
        self.spins = spins
        self.ops = []
        for i, s in enumerate(spins):
            local = site_operators(s)
            left = np.eye(int(np.prod(dims[:i])))
            right = np.eye(int(np.prod(dims[i + 1:])))
            self.ops.append([np.kron(np.kron(left, o), right) for o in local])

    def exchange(self, i: int, j: int) -> np.ndarray:
        """S_i.S_j."""
        a, b = self.ops[i], self.ops[j]
        return a[0] @ b[0] + a[1] @ b[1] + a[2] @ b[2]

    def zfs(self, i: int, D_K: float, E_K: float) -> np.ndarray:
        """D [S_z^2 - S(S+1)/3] + E (S_x^2 - S_y^2) on site i, in K."""
        sx, sy, sz = self.ops[i]
        s = self.spins[i]
        return D_K * (sz @ sz - s * (s + 1) / 3.0 * np.eye(self.dim)) + E_K * (sx @ sx - sy @ sy)

    def moment(self, g_xyz: list[tuple[float, float, float]]) -> list[np.ndarray]:
        """(mu_x, mu_y, mu_z) / mu_B = sum_i g_i,a S_i,a for a = x, y, z."""
        return [sum(g[a] * self.ops[i][a] for i, g in enumerate(g_xyz)) for a in range(3)]


@lru_cache(maxsize=8)
def product_space(spins: tuple[float, ...]) -> ProductSpace:
    """Cached :class:`ProductSpace` of a tuple of spins.

    Parameters
    ----------
    spins : tuple of float
        Site spins.

    Returns
    -------
    ProductSpace
    """
    return ProductSpace(spins)


def kubo_weights(energy_K: np.ndarray, temperature_K: float) -> tuple[np.ndarray, float]:
    """Linear-response weights w_nm (1/K) and the partition function (ground state at 0).

    w_nm = (p_m - p_n) / (E_n - E_m) for E_n != E_m, p_n / T for degenerate pairs, p = exp(-E/T).

    Parameters
    ----------
    energy_K : numpy.ndarray
        Eigenvalues in K (ascending, ground state 0).
    temperature_K : float
        Temperature.

    Returns
    -------
    (numpy.ndarray, float)
        The weight matrix and Z.
    """
    p = np.exp(-(energy_K - energy_K[0]) / temperature_K)
    de = energy_K[:, None] - energy_K[None, :]
    dp = p[None, :] - p[:, None]
    small = np.abs(de) < 1e-9 * max(1.0, temperature_K)
    w = np.where(small, (p[:, None] + p[None, :]) / (2.0 * temperature_K), dp / np.where(small, 1.0, de))
    return w, float(p.sum())
