"""Exact diagonalisation of isotropic (Heisenberg) clusters in the spin-coupled basis.

The basis is the sequential coupling |s1 s2 (S12) s3 (S123) ... S M>: H = -sum J_b S_i.S_j
conserves S and M, so H is block-diagonal in S and independent of M; only one block per total S
is diagonalised (dimension = number of multiplets with that S, e.g. at most 1 050 for six
S = 5/2 sites instead of 46 656 states). Single-site reduced matrix elements <..S||S_i||..S'>
are built level by level with 6j symbols (Edmonds 7.1.7, 7.1.8) and the scalar products by
Edmonds 7.1.6, so no product-basis vector is ever formed. The bond matrices are computed once
per cluster topology; every new set of J's costs only the block diagonalisations.

References
----------
A. R. Edmonds, *Angular Momentum in Quantum Mechanics* (1957), ch. 7;
D. Gatteschi and L. Pardi, Gazz. Chim. Ital. 123, 231 (1993) (irreducible tensor method);
J. J. Borras-Almenar et al., Inorg. Chem. 38, 6081 (1999) (MAGPACK).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..errors import SimulationError
from ._racah import sixj2

__all__ = ["CoupledBasis", "coupled_basis", "Spectrum"]

#: largest number of multiplets handled (memory of the bond matrices)
MAX_MULTIPLETS = 200_000


@dataclass(frozen=True)
class Spectrum:
    """Multiplet energies of an isotropic cluster.

    Attributes
    ----------
    energy_K : numpy.ndarray
        Multiplet energies in K (E / k_B), ground state at 0, ascending.
    spin : numpy.ndarray
        Total S of each multiplet.
    vectors : dict
        total 2S -> eigenvector matrix of that S block (columns), same order as ``energy_K``.
    order : numpy.ndarray
        index into the unsorted (block-ordered) list, for internal use.
    """

    energy_K: np.ndarray
    spin: np.ndarray
    vectors: dict
    order: np.ndarray


class CoupledBasis:
    """Coupled-basis operators of one cluster topology (spins and bonds; J values come later).

    Parameters
    ----------
    spins : sequence of float
        Site spins.
    bonds : sequence of (int, int)
        Site pairs (0-based), one per bond.
    """

    def __init__(self, spins, bonds) -> None:
        self.spins2 = [int(round(2 * s)) for s in spins]
        self.pairs = [(int(i), int(j)) for i, j in bonds]
        self._levels = _build_levels(self.spins2)
        self.S2 = self._levels[-1][0]
        if self.S2.size > MAX_MULTIPLETS:
            raise SimulationError(f"cluster has {self.S2.size} multiplets (> {MAX_MULTIPLETS}); too large "
                                  "for exact diagonalisation here")
        self.blocks = {int(s): np.flatnonzero(self.S2 == s) for s in np.unique(self.S2)}
        self._reduced: dict[int, object] = {}
        self._memo: dict[tuple, Spectrum] = {}
        self._pos = np.empty(self.S2.size, dtype=np.int64)
        for idx in self.blocks.values():
            self._pos[idx] = np.arange(idx.size)
        self.bond_blocks = [self._bond_block(i, j) for i, j in self.pairs]

    # ---------------------------------------------------------------- operators
    def reduced(self, site: int):
        """Sparse reduced matrix <a S||S_site||b S'> (Edmonds convention) over all multiplets."""
        if site not in self._reduced:
            self._reduced[site] = _site_reduced(self._levels, self.spins2, site)
        return self._reduced[site]

    def _bond_block(self, i: int, j: int) -> dict[int, np.ndarray]:
        """{2S: dense <a S|S_i.S_j|b S>} (see :func:`bond_matrix_coo`)."""
        rows, cols, vals = bond_matrix_coo(self._levels, self.spins2, i, j)
        sizes = {s2: idx.size for s2, idx in self.blocks.items()}
        offset, total = {}, 0
        for s2, n in sizes.items():
            offset[s2] = total
            total += n * n
        off = np.zeros(int(self.S2.max()) + 1, dtype=np.int64)
        dim = np.zeros(int(self.S2.max()) + 1, dtype=np.int64)
        for s2 in sizes:
            off[s2], dim[s2] = offset[s2], sizes[s2]
        s2r = self.S2[rows]
        flat = np.zeros(total)
        flat[off[s2r] + self._pos[rows] * dim[s2r] + self._pos[cols]] = vals     # one scatter for all S
        return {s2: flat[offset[s2]:offset[s2] + n * n].reshape(n, n) for s2, n in sizes.items()}

    def diagonalise(self, jbond_K, vectors: bool = False) -> Spectrum:
        """Multiplet energies for H = -sum_b J_bond,b S_i.S_j (J_bond in K, > 0 ferromagnetic).

        Parameters
        ----------
        jbond_K : sequence of float
            One J_bond per bond, same order as ``bonds``.
        vectors : bool
            Keep the eigenvectors (needed for per-site g and the Kubo formula).

        Returns
        -------
        Spectrum
        """
        jb = np.asarray(jbond_K, dtype=float)
        if jb.size != len(self.pairs):
            raise SimulationError(f"{jb.size} exchange values for {len(self.pairs)} bonds")
        key = (tuple(jb.tolist()), bool(vectors))
        hit = self._memo.get(key)
        if hit is None:
            hit = self._diagonalise(jb, vectors)
            if len(self._memo) > 64:
                self._memo.clear()
            self._memo[key] = hit
        return hit

    def _diagonalise(self, jb: np.ndarray, vectors: bool) -> Spectrum:
        from scipy.linalg import eigh

        energies, spins, vecs = [], [], {}
        for s2, idx in self.blocks.items():
            h = np.zeros((idx.size, idx.size))
            for b, jv in enumerate(jb):
                if jv != 0.0:
                    h -= jv * self.bond_blocks[b][s2]
            if idx.size <= 48:           # small blocks: numpy has less call overhead
                e, v = np.linalg.eigh(h) if vectors else (np.linalg.eigvalsh(h), None)
            elif vectors:
                e, v = eigh(h, driver="evd", check_finite=False)
            else:
                e, v = eigh(h, eigvals_only=True, driver="evd", check_finite=False), None
            if vectors:
                vecs[s2] = v
            energies.append(e)
            spins.append(np.full(e.size, s2 / 2.0))
        e = np.concatenate(energies)
        s = np.concatenate(spins)
        order = np.argsort(e, kind="stable")
        return Spectrum(energy_K=e[order] - e[order][0], spin=s[order], vectors=vecs, order=order)


@lru_cache(maxsize=32)
def coupled_basis(spins: tuple[float, ...], pairs: tuple[tuple[int, int], ...]) -> CoupledBasis:
    """Cached :class:`CoupledBasis` for a topology (spins, bond pairs).

    Parameters
    ----------
    spins : tuple of float
        Site spins.
    pairs : tuple of (int, int)
        Bond site pairs (0-based).

    Returns
    -------
    CoupledBasis
    """
    return CoupledBasis(spins, pairs)


def _build_levels(spins2: list[int]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Per coupling step k: (2S_k of each state, parent index, child start, child count of parents)."""
    s2 = np.array([spins2[0]])
    levels = [(s2, np.array([-1]), np.array([0]), np.array([1]))]
    for sk in spins2[1:]:
        lo = np.abs(s2 - sk)
        hi = s2 + sk
        count = (hi - lo) // 2 + 1
        start = np.concatenate([[0], np.cumsum(count)[:-1]])
        parent = np.repeat(np.arange(s2.size), count)
        offs = np.arange(parent.size) - start[parent]
        new = lo[parent] + 2 * offs
        levels.append((new, parent, start, count))
        s2 = new
    return levels


def _reduced_single(s2: int) -> float:
    s = s2 / 2.0
    return math.sqrt(s * (s + 1.0) * (2.0 * s + 1.0))


def _factor(keys: np.ndarray, fn) -> np.ndarray:
    """Evaluate fn on each unique row of an int key array, gather back."""
    lo = keys.min(axis=0)
    span = keys.max(axis=0) - lo + 1
    code = np.zeros(keys.shape[0], dtype=np.int64)
    for col in range(keys.shape[1]):
        code = code * int(span[col]) + (keys[:, col] - lo[col])
    size = int(np.prod(span.astype(float)))
    if size <= 20_000_000:                     # dense table: O(n), no sort of the million keys
        first = np.full(size, -1, dtype=np.int64)
        first[code[::-1]] = np.arange(code.size - 1, -1, -1)
        present = np.flatnonzero(first >= 0)
        table = np.zeros(size)
        table[present] = [fn(*map(int, keys[i])) for i in first[present]]
        return table[code]
    uniq, idx, inv = np.unique(code, return_index=True, return_inverse=True)
    vals = np.array([fn(*map(int, keys[i])) for i in idx])
    return vals[inv.ravel()]


def _part2(j1: int, j2: int, big: int, bigp: int) -> float:
    """Edmonds 7.1.8 factor for a rank-1 operator on the newly coupled spin (doubled args)."""
    ph = (j1 + j2 + big + 2) // 2
    return (-1) ** ph * math.sqrt((big + 1) * (bigp + 1)) * sixj2(j2, big, j1, bigp, j2, 2)


def _part1(j1: int, j1p: int, j2: int, big: int, bigp: int) -> float:
    """Edmonds 7.1.7 factor for a rank-1 operator on the already coupled part (doubled args)."""
    ph = (j1 + j2 + bigp + 2) // 2
    return (-1) ** ph * math.sqrt((big + 1) * (bigp + 1)) * sixj2(j1, big, j2, bigp, j1p, 2)


def _children_pairs(a, b, start, count, s2):
    """All child pairs (ca, cb) of parent pairs (a, b) with |S - S'| <= 1, and the entry index."""
    rows, cols, src = [], [], []
    cmax = int(count.max())
    for da in range(cmax):
        ma = da < count[a]
        for db in range(cmax):
            m = ma & (db < count[b])
            ca = start[a[m]] + da
            cb = start[b[m]] + db
            ok = np.abs(s2[ca] - s2[cb]) <= 2
            rows.append(ca[ok])
            cols.append(cb[ok])
            src.append(np.flatnonzero(m)[ok])
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(src)


def _site_reduced(levels, spins2: list[int], site: int):
    """Sparse <a||S_site||b> at the last coupling level (scipy.sparse CSR)."""
    from scipy import sparse

    rows, cols, vals = _site_reduced_coo(levels, spins2, site, len(spins2) - 1)
    n = levels[-1][0].size
    return sparse.csr_matrix((vals, (rows, cols)), shape=(n, n))


def _site_reduced_coo(levels, spins2: list[int], site: int, upto: int):
    """(rows, cols, values) of <a||S_site||b> among the states of coupling level ``upto``."""
    s2_site = spins2[site]
    if site == 0:
        rows = np.array([0])
        cols = np.array([0])
        vals = np.array([_reduced_single(s2_site)])
    else:
        s2k, parent, start, count = levels[site]
        prev = levels[site - 1][0]
        a = np.arange(prev.size)
        rows, cols, _ = _children_pairs(a, a, start, count, s2k)
        keys = np.stack([prev[parent[rows]], np.full(rows.size, s2_site), s2k[rows], s2k[cols]], axis=1)
        vals = _factor(keys, _part2) * _reduced_single(s2_site)
    for k in range(site + 1, upto + 1):
        s2k, parent, start, count = levels[k]
        prev = levels[k - 1][0]
        ca, cb, src = _children_pairs(rows, cols, start, count, s2k)
        keys = np.stack([prev[rows[src]], prev[cols[src]], np.full(ca.size, spins2[k]), s2k[ca], s2k[cb]],
                        axis=1)
        vals = vals[src] * _factor(keys, _part1)
        keep = vals != 0.0
        rows, cols, vals = ca[keep], cb[keep], vals[keep]
    return rows, cols, vals


def _scalar_part(sb2: int, sj2: int, big: int, sa2: int) -> float:
    """Edmonds 7.1.6 factor for T^1(1).U^1(2), j2 = j2' = s_j (doubled args)."""
    return (-1) ** ((sb2 + sj2 + big) // 2) * sixj2(big, sj2, sa2, 2, sb2, sj2)


def _same_s_children(a, b, start, count, s2):
    """Child pairs of parent pairs (a, b) with equal total S; the entry index of each."""
    rows, cols, src = [], [], []
    cmax = int(count.max())
    lo_a = s2[start[a]]
    lo_b = s2[start[b]]
    shift = (lo_a - lo_b) // 2
    for da in range(cmax):
        db = da + shift
        m = (da < count[a]) & (db >= 0) & (db < count[b])
        rows.append(start[a[m]] + da)
        cols.append(start[b[m]] + db[m])
        src.append(np.flatnonzero(m))
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(src)


def bond_matrix_coo(levels, spins2: list[int], i: int, j: int):
    """(rows, cols, values) of the plain matrix <a|S_i.S_j|b> (equal total S) at the last level.

    S_i (reduced, coupled up to the level before site j) is combined with S_j by Edmonds 7.1.6
    when site j is coupled; afterwards the scalar is carried along diagonally in every new S.
    """
    i, j = min(i, j), max(i, j)
    r, c, v = _site_reduced_coo(levels, spins2, i, j - 1)
    s2k, parent, start, count = levels[j]
    prev = levels[j - 1][0]
    rows, cols, src = _children_pairs(r, c, start, count, s2k)
    same = s2k[rows] == s2k[cols]
    rows, cols, src = rows[same], cols[same], src[same]
    keys = np.stack([prev[c[src]], np.full(rows.size, spins2[j]), s2k[rows], prev[r[src]]], axis=1)
    vals = v[src] * _factor(keys, _scalar_part) * _reduced_single(spins2[j])
    keep = vals != 0.0
    rows, cols, vals = rows[keep], cols[keep], vals[keep]
    for k in range(j + 1, len(spins2)):
        s2k, parent, start, count = levels[k]
        rows, cols, src = _same_s_children(rows, cols, start, count, s2k)
        vals = vals[src]
    return rows, cols, vals
