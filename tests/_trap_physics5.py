"""Physics for tests/test_traps_five.py, written here independently of magfit (numpy, closed forms and
exact diagonalisation), each generator checked in that test against a known limit.

* Spin crossover (Slichter-Drickamer regular solution): the high-spin fraction x solves
  Delta_H - T Delta_S + Gamma (1 - 2 x) + R T ln(x / (1 - x)) = 0 (C. P. Slichter and H. G. Drickamer,
  J. Chem. Phys. 56, 2142 (1972)); Gamma = 0 is the ideal solution x = 1 / (1 + exp((Delta_H - T Delta_S)
  / RT)), T_1/2 = Delta_H / Delta_S; Gamma > 2 R T_1/2 gives a first-order step with hysteresis.
* Spin glass, Sherrington-Kirkpatrick mean field (zero field, J0 = 0): q = int Dz tanh^2(beta J sqrt(q) z),
  chi_ZFC = (1 - q) / T in units of C, chi_FC = 1 / J below T_f = J (Parisi); D. Sherrington and
  S. Kirkpatrick, Phys. Rev. Lett. 35, 1792 (1975); K. Binder and A. P. Young, Rev. Mod. Phys. 58, 801
  (1986).
* Heisenberg clusters (S = 1 ring, S = 1/2 two-leg ladder) by exact diagonalisation block by block in
  total S_z (numpy.linalg.eigh), H = +J sum S_i.S_j (J > 0 antiferromagnetic).
* Adsorbed O2: paramagnetic S = 1 molecules above the melting point 54.4 K, nearly constant chi in the
  gamma solid (43.8-54.4 K) and a drop to the antiferromagnetic beta/alpha phases below 43.8 K
  (transition temperatures [from memory]: triple point 54.36 K, gamma-beta 43.8 K, beta-alpha 23.9 K).
* Two-sublattice uniaxial antiferromagnet in a field along the easy axis (classical mean field, energy
  minimised over both sublattice angles): spin flop (weak anisotropy) or spin flip (metamagnet).
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy import constants as sc
from scipy.special import expit

MU_B = sc.physical_constants["Bohr magneton"][0] * 1e3      # erg/G
KB = sc.k * 1e7                                              # erg/K
NMU2K = sc.N_A * MU_B**2 / KB                                # N_A mu_B^2 / k_B = 0.37515 emu K/mol
R_GAS = sc.R                                                 # J / (mol K)


def curie_c(spin: float, g: float = 2.0) -> float:
    """N g^2 mu_B^2 S(S+1) / 3k (emu K/mol)."""
    return NMU2K * g * g * spin * (spin + 1.0) / 3.0


# ------------------------------------------------------------------ spin crossover
def sd_residual(x, t, dh_J, ds_J_K, gamma_J):
    """Slichter-Drickamer free-energy derivative dG/dx (J/mol) at high-spin fraction x."""
    return dh_J - t * ds_J_K + gamma_J * (1.0 - 2.0 * x) + R_GAS * t * np.log(x / (1.0 - x))


def hs_fraction(t, dh_J, ds_J_K, gamma_J=0.0, branch="cooling"):
    """High-spin fraction x(T). Gamma = 0: the ideal-solution closed form. Gamma > 0: the stable root of
    dG/dx = 0 followed continuously along ``branch`` ('cooling' from high T, 'warming' from low T) --
    a metastable branch is kept until it disappears (hysteresis)."""
    t = np.asarray(t, dtype=float)
    if gamma_J == 0.0:
        return expit(-(dh_J - t * ds_J_K) / (R_GAS * t))
    order = np.argsort(t)[::-1] if branch == "cooling" else np.argsort(t)
    x_prev = 1.0 if branch == "cooling" else 0.0
    out = np.empty(t.size)
    for k in order:
        # u = ln(x / (1 - x)) over a range that brackets every root (|R T u| > |dG/dx - R T u|)
        span = (abs(dh_J - t[k] * ds_J_K) + abs(gamma_J)) / (R_GAS * t[k]) + 40.0
        u = np.linspace(-span, span, 40001)
        x = expit(u)
        f = dh_J - t[k] * ds_J_K + gamma_J * (1.0 - 2.0 * x) + R_GAS * t[k] * u
        # minima of G: dG/dx crosses zero from below
        up = np.nonzero((f[:-1] < 0) & (f[1:] >= 0))[0]
        roots = x[up] - f[up] * (x[up + 1] - x[up]) / (f[up + 1] - f[up])
        x_prev = float(roots[np.argmin(np.abs(roots - x_prev))])
        out[k] = x_prev
    return out


def spin_crossover_chi(t, t_half_K, dh_J=15000.0, gamma_J=0.0, g=2.05, branch="cooling", tip=2e-4):
    """Fe(II) LS (S = 0) -> HS (S = 2): chi = x(T) C_HS / T + TIP (emu/mol)."""
    ds = dh_J / t_half_K
    return hs_fraction(t, dh_J, ds, gamma_J, branch) * curie_c(2.0, g) / np.asarray(t, float) + tip


# ------------------------------------------------------------------ spin glass (SK)
_GH_X = np.linspace(-12.0, 12.0, 48001)                      # Gaussian average on a fine uniform grid:
_GH_W = np.exp(-_GH_X**2 / 2)                                 # 1 - tanh^2 is a spike of width T/J near z = 0
_GH_W = _GH_W / _GH_W.sum()


def sk_q(t_over_j: float) -> float:
    """Edwards-Anderson order parameter of the SK model at T/J (0 above T_f = J), by iteration."""
    if t_over_j >= 1.0:
        return 0.0
    q = 1.0 - t_over_j
    for _ in range(5000):
        q_new = float(np.sum(_GH_W * np.tanh(np.sqrt(q) * _GH_X / t_over_j) ** 2))
        if abs(q_new - q) < 1e-13:
            return q_new
        q = q_new
    return q


def spin_glass_chi(t, t_f_K, c_emu_K_mol, fc=False):
    """SK spin glass: ZFC chi = C (1 - q) / T, FC chi = C / T_f below T_f (emu/mol)."""
    t = np.asarray(t, dtype=float)
    if fc:
        return c_emu_K_mol / np.maximum(t, t_f_K)
    q = np.array([sk_q(tt / t_f_K) for tt in t])
    return c_emu_K_mol * (1.0 - q) / t


# ------------------------------------------------------------------ exact diagonalisation by S_z block
def _basis(n_sites: int, spin: float):
    ms = np.arange(spin, -spin - 1, -1)
    states = np.array(list(itertools.product(range(ms.size), repeat=n_sites)), dtype=np.int64)
    return ms, states


def heisenberg_levels(n_sites: int, spin: float, bonds):
    """Eigenvalues and total S_z of H = sum_(i,j,J) J S_i.S_j, one eigh per S_z block.

    Returns (energies, m_total) of all (2S+1)^N states."""
    ms, states = _basis(n_sites, spin)
    dim = ms.size
    m_tot = ms[states].sum(1)
    base = dim ** np.arange(n_sites - 1, -1, -1)
    energies, mzs = [], []
    for mz in np.unique(m_tot):
        idx = np.nonzero(np.isclose(m_tot, mz))[0]
        sub = states[idx]
        lookup = {int(c): k for k, c in enumerate(sub @ base)}
        h = np.zeros((idx.size, idx.size))
        for i, j, jj in bonds:
            mi, mj = ms[sub[:, i]], ms[sub[:, j]]
            h[np.arange(idx.size), np.arange(idx.size)] += jj * mi * mj
            # S+_i S-_j / 2 + h.c.: raise i (index - 1), lower j (index + 1)
            for a, b, sa, sb in ((i, j, -1, +1), (j, i, -1, +1)):
                ok = (sub[:, a] > 0) & (sub[:, b] < dim - 1)
                ma, mb = ms[sub[ok, a]], ms[sub[ok, b]]
                amp = 0.5 * jj * np.sqrt(spin * (spin + 1) - ma * (ma + 1)) * np.sqrt(
                    spin * (spin + 1) - mb * (mb - 1))
                new = sub[ok].copy()
                new[:, a] += sa
                new[:, b] += sb
                cols = np.array([lookup[int(c)] for c in new @ base], dtype=np.int64)
                h[cols, np.nonzero(ok)[0]] += amp
        energies.append(np.linalg.eigvalsh(h))
        mzs.append(np.full(idx.size, mz))
    return np.concatenate(energies), np.concatenate(mzs)


def cluster_chi(t, energies, mz, n_sites, g=2.0):
    """chi per mole of sites (emu/mol) = N g^2 mu_B^2 <M_z^2> / (k T N_sites), zero field."""
    t = np.asarray(t, dtype=float)
    e0 = energies.min()
    w = np.exp(-(energies[None, :] - e0) / t[:, None])
    return NMU2K * g * g * (w * mz[None, :] ** 2).sum(1) / w.sum(1) / t / n_sites


def ring_bonds(n: int, j: float):
    return [(i, (i + 1) % n, j) for i in range(n)]


def ladder_bonds(n_rungs: int, j_leg: float, j_rung: float):
    """Two-leg ladder, periodic along the legs: site (leg, r) = leg * n_rungs + r."""
    bonds = [(r, n_rungs + r, j_rung) for r in range(n_rungs)]
    for leg in (0, 1):
        bonds += [(leg * n_rungs + r, leg * n_rungs + (r + 1) % n_rungs, j_leg) for r in range(n_rungs)]
    return bonds


# ------------------------------------------------------------------ adsorbed O2
O2_TRIPLE_K, O2_GAMMA_BETA_K, O2_BETA_ALPHA_K = 54.36, 43.8, 23.9


def oxygen_chi(t, n_o2_per_mol):
    """Molar chi contribution of n O2 molecules per mole of sample: S = 1 Curie-Weiss (theta = -40 K
    [from memory, liquid O2]) above 54.4 K, constant in the gamma solid, and a drop by 2/3 to the
    antiferromagnetic beta phase below 43.8 K (alpha below 23.9 K at a third of the beta value)."""
    t = np.asarray(t, dtype=float)
    c = curie_c(1.0) * n_o2_per_mol
    para = c / (t + 40.0)
    gamma_level = c / (O2_TRIPLE_K + 40.0)
    beta_level = gamma_level / 3.0
    return np.where(t > O2_TRIPLE_K, para, np.where(t > O2_GAMMA_BETA_K, gamma_level,
                                                    np.where(t > O2_BETA_ALPHA_K, beta_level,
                                                             beta_level / 3.0)))


# ------------------------------------------------------------------ uniaxial AFM in a field
def afm_easy_axis_m(h_over_he, k_over_he, n_grid=361):
    """Two classical sublattices of unit moment, energy per sublattice pair
    E = cos(a - b) - h (cos a + cos b) - (k/2)(cos^2 a + cos^2 b) (units of the exchange field H_E; field
    along the easy axis). Returns M / M_s = (cos a + cos b) / 2 at the global minimum for each field.
    Weak k: spin flop at h = sqrt(k (2 - k)), then M = h / (2 - k) up to saturation at h = 2 - k; strong k
    (k > 1): spin flip (metamagnet) at h = 1."""
    a, b = np.meshgrid(np.linspace(0.0, np.pi, n_grid), np.linspace(-np.pi, np.pi, 2 * n_grid - 1),
                       indexing="ij")
    ca, cb = np.cos(a), np.cos(b)
    out = []
    for h in np.atleast_1d(h_over_he):
        e = np.cos(a - b) - h * (ca + cb) - 0.5 * k_over_he * (ca**2 + cb**2)
        k = np.unravel_index(np.argmin(e), e.shape)
        out.append(0.5 * (ca[k] + cb[k]))
    return np.array(out)


def _ising_entropy(m):
    p, q = np.clip((1 + m) / 2, 1e-300, 1), np.clip((1 - m) / 2, 1e-300, 1)
    return -(p * np.log(p) + q * np.log(q))


def ising_afm_m(h_K, t_K, t_n_K):
    """Two-sublattice S = 1/2 Ising antiferromagnet in mean field (a metamagnet): m_A = tanh((h - T_N m_B)/T),
    m_B likewise, h = g mu_B S H / k in K; iterated from the antiferromagnetic and the ferromagnetic
    start, the solution of lower free energy f = T_N m_A m_B - h (m_A + m_B) - T (s(m_A) + s(m_B)) kept.
    Returns M / M_s = (m_A + m_B) / 2 for each field."""
    out = []
    for h in np.atleast_1d(h_K):
        best = None
        for a, b in ((1.0, -1.0), (1.0, 1.0), (0.3, -0.3)):
            for _ in range(3000):
                a_new = np.tanh((h - t_n_K * b) / t_K)
                b_new = np.tanh((h - t_n_K * a_new) / t_K)
                if abs(a_new - a) + abs(b_new - b) < 1e-13:
                    a, b = a_new, b_new
                    break
                a, b = a_new, b_new
            f = t_n_K * a * b - h * (a + b) - t_K * (_ising_entropy(a) + _ising_entropy(b))
            if best is None or f < best[0] - 1e-12:
                best = (f, 0.5 * (a + b))
        out.append(best[1])
    return np.array(out)
