"""magfit.spin exact diagonalisation against closed forms written here, independently of the code.

Closed forms: Bleaney-Bowers (three conventions), Kambe's equilateral triangles (S = 1/2, 5/2),
an S = 1 ion with axial ZFS (chi_par, chi_perp), Brillouin M(H) of uncoupled spins, and a
brute-force product-basis diagonalisation (numpy kron) for spectra and per-site-g Kubo chi.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import constants as sc

from magfit.errors import FormatError, SimulationError
from magfit.spin import Cluster, chi_cluster, chi_tensor, levels, magnetization

# N_A mu_B^2 / k_B in emu K/mol, from CODATA directly (cgs: erg/G and erg/K)
NB2K = sc.N_A * (sc.physical_constants["Bohr magneton"][0] * 1e3) ** 2 / (sc.k * 1e7)
MUB_K_OE = sc.physical_constants["Bohr magneton"][0] * 1e3 / (sc.k * 1e7)
T = np.array([1.5, 3.0, 10.0, 30.0, 77.0, 150.0, 300.0])


def bb_per_dimer(t, gap_K, g):
    """Bleaney-Bowers, chi per mole of dimers, singlet-triplet gap E_T - E_S = gap_K."""
    return 2.0 * NB2K * g * g / (t * (3.0 + np.exp(gap_K / t)))


@pytest.mark.parametrize("convention, J, gap", [("-2J", -50.0, 100.0), ("-J", -50.0, 50.0),
                                                ("+J", 50.0, 50.0), ("-2J", 20.0, -40.0)])
def test_bleaney_bowers_all_conventions(convention, J, gap):
    # H = -2J S1.S2: gap = -2J; H = -J S1.S2: gap = -J; H = +J S1.S2: gap = +J
    cl = Cluster.from_strings("1/2,1/2", ["1-2:J"], convention)
    assert np.allclose(chi_cluster(cl, {"J": J, "g": 2.05}, T), bb_per_dimer(T, gap, 2.05), rtol=1e-10)


def test_minus_2J_value_is_half_the_minus_J_value():
    a = Cluster.from_strings("1/2,1/2", ["1-2:J"], "-2J")
    b = Cluster.from_strings("1/2,1/2", ["1-2:J"], "-J")
    assert np.allclose(chi_cluster(a, {"J": -37.0, "g": 2}, T), chi_cluster(b, {"J": -74.0, "g": 2}, T))
    lv = levels(a, {"J": -37.0, "g": 2})
    assert lv.energy_K.iloc[1] == pytest.approx(74.0) and list(lv.S) == [0.0, 1.0]


def kambe_triangle_chi(t, s, J, g):
    """Equilateral triangle, H = -2J (S1.S2 + S2.S3 + S1.S3) = -J [S_T(S_T+1) - 3 s(s+1)] (Kambe 1950)."""
    num = den = 0.0
    for s12 in np.arange(0, 2 * s + 1):
        for st in np.arange(abs(s12 - s), s12 + s + 1):
            e = -J * st * (st + 1)
            w = (2 * st + 1) * np.exp(-(e + J * 3 * s * (s + 1) + 50 * abs(J)) / t)
            num = num + st * (st + 1) * w
            den = den + w
    return NB2K * g * g * num / (3.0 * t * den)


@pytest.mark.parametrize("s, J", [(0.5, -20.0), (0.5, 15.0), (2.5, -3.0)])
def test_kambe_equilateral_triangle(s, J):
    cl = Cluster((s, s, s), Cluster.from_strings("1,1,1", ["1-2:J", "2-3:J", "1-3:J"]).bonds, "-2J")
    assert np.allclose(chi_cluster(cl, {"J": J, "g": 2.0}, T), kambe_triangle_chi(T, s, J, 2.0), rtol=1e-9)


def test_kambe_s_half_closed_form():
    # per mole of trimers: (N g^2 mu_B^2/4kT) (1 + 5 e^{3J/kT}) / (1 + e^{3J/kT})
    J = -10.0
    cl = Cluster.from_strings("1/2,1/2,1/2", ["1-2:J", "2-3:J", "1-3:J"], "-2J")
    x = np.exp(3 * J / T)
    ref = NB2K * 4.0 / (4 * T) * (1 + 5 * x) / (1 + x)
    assert np.allclose(chi_cluster(cl, {"J": J, "g": 2.0}, T), ref, rtol=1e-10)


def test_s1_axial_zfs_parallel_and_perpendicular():
    D, g = 7.0, 2.1
    cl = Cluster.from_strings("1", [], zfs=["1:D"])
    chi = chi_tensor(cl, {"D": D, "g": g}, T)
    e = np.exp(-D / T)
    par = 2 * NB2K * g * g * e / (T * (1 + 2 * e))
    perp = 2 * NB2K * g * g * (1 - e) / (D * (1 + 2 * e))
    assert np.allclose(chi[:, 2], par, rtol=1e-9)
    assert np.allclose(chi[:, 0], perp, rtol=1e-9) and np.allclose(chi[:, 1], perp, rtol=1e-9)
    assert np.allclose(chi_cluster(cl, {"D": D, "g": g}, T), (par + 2 * perp) / 3, rtol=1e-9)


def brillouin(s, x):
    a = (2 * s + 1) / (2 * s)
    b = 1 / (2 * s)
    return a / np.tanh(a * x) - b / np.tanh(b * x)


def test_uncoupled_spins_magnetisation_is_brillouin():
    cl = Cluster.from_strings("1/2,5/2,1", ["1-2:J", "2-3:J"])
    h = np.array([100.0, 5e3, 2e4, 7e4, 7e4])
    t = np.array([2.0, 2.0, 5.0, 1.8, 300.0])
    m = magnetization(cl, {"J": 0.0, "g": 2.0}, h, t)
    ref = sum(2.0 * s * brillouin(s, 2.0 * s * MUB_K_OE * h / t) for s in (0.5, 2.5, 1.0))
    assert np.allclose(m, ref, rtol=1e-9)


def test_zfs_magnetisation_powder_average_is_isotropic_limit_without_zfs():
    # with D = 0 the anisotropic (Lebedev) path must reproduce the Brillouin function exactly
    cl = Cluster.from_strings("1", [], zfs=["1:D"])
    h, t = np.array([1e4, 5e4]), np.array([2.0, 2.0])
    ref = 2.0 * brillouin(1.0, 2.0 * MUB_K_OE * h / t)
    assert np.allclose(magnetization(cl, {"D": 0.0, "g": 2.0}, h, t), ref, rtol=1e-9)


# ----------------------------------------------------------------------- brute force
def _site_ops(s):
    m = np.arange(s, -s - 1, -1)
    sp = np.diag(np.sqrt(s * (s + 1) - m[1:] * (m[1:] + 1)), 1)
    return [(sp + sp.T) / 2, (sp - sp.T) / 2j, np.diag(m)]


def _brute(spins, bonds, jb, g):
    dims = [int(2 * s + 1) for s in spins]
    n = int(np.prod(dims))

    def embed(op, i):
        out = np.eye(1)
        for k, d in enumerate(dims):
            out = np.kron(out, op if k == i else np.eye(d))
        return out

    ops = [[embed(o, i) for o in _site_ops(s)] for i, s in enumerate(spins)]
    h = np.zeros((n, n), complex)
    for (i, j), J in zip(bonds, jb, strict=True):
        h -= J * sum(ops[i][a] @ ops[j][a] for a in range(3))
    muz = sum(gi * ops[i][2] for i, gi in enumerate(g))
    return np.linalg.eigh(h), muz


def test_spectrum_matches_product_basis_brute_force():
    spins = (1.0, 0.5, 1.5, 0.5)
    bonds = [(0, 1), (1, 2), (2, 3), (3, 0), (0, 2)]
    jb = [-12.0, 5.0, -3.0, -8.0, 2.5]
    names = [f"J{k}" for k in range(5)]
    cl = Cluster(spins, Cluster.from_strings(
        "1,1,1,1", [f"{i + 1}-{j + 1}:{n}" for (i, j), n in zip(bonds, names, strict=True)]).bonds, "-J")
    lv = levels(cl, dict(zip(names, jb, strict=True)) | {"g": 2.0})
    full = np.sort(np.repeat(lv.energy_K.to_numpy(), lv.degeneracy.to_numpy()))
    (e, _), _ = _brute(spins, bonds, jb, [2.0] * 4)
    assert np.allclose(full, e - e[0], atol=1e-9)


def test_per_site_g_kubo_matches_brute_force():
    spins, bonds, jb, g = (2.5, 0.5, 0.5), [(0, 1), (0, 2)], [-15.0, -15.0], [2.0, 2.0, 1.9]
    cl = Cluster.from_strings("5/2,1/2,1/2", ["1-2:J", "1-3:J"], "-J", g_per_site=True)
    chi = chi_cluster(cl, {"J": -15.0, "g1": 2.0, "g2": 2.0, "g3": 1.9}, T)
    (e, v), muz = _brute(spins, bonds, jb, g)
    mz = np.abs(v.conj().T @ muz @ v) ** 2
    ref = []
    for t in T:
        p = np.exp(-(e - e[0]) / t)
        de = e[:, None] - e[None, :]
        deg = np.abs(de) < 1e-9
        w = np.where(deg, p[:, None] / t, (p[None, :] - p[:, None]) / np.where(deg, 1, de))
        ref.append(NB2K * np.sum(mz * w) / p.sum())
    assert np.allclose(chi, ref, rtol=1e-8)


# ----------------------------------------------------------------------- description
def test_cluster_from_yaml_and_toml(tmp_path):
    y = tmp_path / "cu3.yaml"
    y.write_text("spins: [1/2, 1/2, 1/2]\nbonds: ['1-2:J', '2-3:J', {sites: [1, 3], J: J2}]\n"
                 "convention: -2J\n", encoding="utf-8")
    cl = Cluster.from_file(y)
    assert cl.convention == "-2J" and cl.exchange_names == ["J", "J2"] and cl.spins == (0.5, 0.5, 0.5)
    tm = tmp_path / "ni.toml"
    tm.write_text('spins = ["1", "1/2"]\nbonds = ["1-2:J"]\nzfs = ["1:D"]\n', encoding="utf-8")
    cl2 = Cluster.from_file(tm)
    assert cl2.zfs == {0: "D"} and not cl2.isotropic and cl2.convention == "-J"


@pytest.mark.parametrize("spins, bonds, kw", [("1/3,1/2", ["1-2:J"], {}), ("1/2,1/2", ["1-3:J"], {}),
                                              ("1/2,1/2", ["1-2"], {"convention": "-3J"}),
                                              ("1/2", [], {"zfs": ["1:D"]}), ("1/2,1/2", ["1:2"], {})])
def test_bad_descriptions_raise_magfit_errors(spins, bonds, kw):
    with pytest.raises(SimulationError):
        Cluster.from_strings(spins, bonds, **kw)


def test_bad_cluster_file(tmp_path):
    p = tmp_path / "x.yaml"
    p.write_text("bonds: ['1-2:J']\n", encoding="utf-8")
    with pytest.raises(FormatError, match="spins"):
        Cluster.from_file(p)


def test_axial_g_powder_chi_and_chi_at_measuring_field():
    # single S = 1/2 with axial g: chi_powder = N mu_B^2 S(S+1) (g_par^2 + 2 g_perp^2)/3 / (3 k T)
    cl = Cluster((0.5,), (), axial_g=True)
    chi = chi_cluster(cl, {"g_par": 2.3, "g_perp": 2.05}, T)
    assert np.allclose(chi, NB2K * 0.75 * (2.3**2 + 2 * 2.05**2) / 3 / (3 * T), rtol=1e-9)
    # chi = M/H at the measuring field equals the Brillouin M/H (uncoupled pair, g = 2)
    pair = Cluster.from_strings("1/2,1/2", ["1-2:J"])
    h = 10000.0
    mh = chi_cluster(pair, {"J": 0.0, "g": 2.0}, T, field_Oe=h)
    emu_per_muB = sc.N_A * sc.physical_constants["Bohr magneton"][0] * 1e3
    ref = 2 * 1.0 * np.tanh(MUB_K_OE * h / T) * emu_per_muB / h
    assert np.allclose(mh, ref, rtol=1e-9)


def test_gauss_legendre_fallback_grid_integrates_quadratics():
    from magfit.spin.calc import _gauss_legendre_sphere

    x, w = _gauss_legendre_sphere(11)
    assert w.sum() == pytest.approx(4 * np.pi)
    assert np.sum(w * x[2] ** 2) == pytest.approx(4 * np.pi / 3)
    assert np.sum(w * x[0] ** 2 * x[1] ** 2) == pytest.approx(4 * np.pi / 15)
