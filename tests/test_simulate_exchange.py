"""Exchange -> theta: shells, RKKY range function and lattice sums, Goodenough-Kanamori."""

import numpy as np
import pytest
from scipy.optimize import brentq

import magfit
from magfit.simulate import exchange


def test_theta_from_shells_mean_field():
    # classical unit spins on sc with J = 1: theta = z J / 3 = 2 (PHYSICS.md table, theta_MF = 2)
    assert exchange.theta_from_shells([(6, 1.0)], spin=None) == pytest.approx(2.0)
    # S = 1/2 sc: z J S(S+1)/3 = 1.5 J (PHYSICS.md quantum sc row)
    assert exchange.theta_from_shells([(6, 1.0)], spin=0.5) == pytest.approx(1.5)
    # two shells add; an AFM second shell lowers theta
    assert exchange.theta_from_shells([(6, 10.0), (12, -2.0)], spin=2.5) == pytest.approx(
        35 / 4 * (60 - 24) / 3)
    with pytest.raises(magfit.SimulationError, match="multiple of 1/2"):
        exchange.theta_from_shells([(6, 1.0)], spin=0.7)
    with pytest.raises(magfit.SimulationError, match="pair"):
        exchange.theta_from_shells([6.0], spin=0.5)


@pytest.mark.parametrize(("lattice", "z", "r2"), [
    ("sc", [6, 12, 8, 6, 24], [1, 2, 3, 4, 5]),
    ("bcc", [8, 6, 12, 24, 8], [0.75, 1, 2, 2.75, 3]),
    ("fcc", [12, 6, 24, 12, 24], [0.5, 1, 1.5, 2, 2.5]),
])
def test_lattice_shells_coordination(lattice, z, r2):
    sh = exchange.lattice_shells(lattice, 2.5)
    assert list(sh["z"][:5]) == z
    np.testing.assert_allclose(sh["r_a"][:5] ** 2, r2)


def test_rkky_range_function_zeros_are_roots_of_tan_x_eq_x():
    # roots of tan x = x in (n pi, n pi + pi/2)
    roots = [brentq(lambda x: np.sin(x) - x * np.cos(x), n * np.pi + 0.1, n * np.pi + np.pi / 2 - 1e-9)
             for n in (1, 2, 3)]
    np.testing.assert_allclose(roots, [4.493409, 7.725252, 10.904122], rtol=1e-6)
    for r in roots:
        f = exchange.rkky_range_function(np.array([r - 1e-3, r + 1e-3]))
        assert f[0] * f[1] < 0
    x = np.linspace(0.2, 20, 20000)
    f = exchange.rkky_range_function(x)
    crossings = x[:-1][np.sign(f[:-1]) != np.sign(f[1:])]
    np.testing.assert_allclose(crossings, [4.4934, 7.7253, 10.9041, 14.0662, 17.2208], atol=2e-3)
    # short range: F -> -1/(3x) (series branch continuous with the closed form)
    np.testing.assert_allclose(exchange.rkky_range_function([1e-4]), [-1 / 3e-4], rtol=1e-7)
    a, b = exchange.rkky_range_function([0.0999999, 0.1000001])
    assert a == pytest.approx(b, rel=1e-5)
    # J(r) = -A F(2 k_F r) is ferromagnetic at short range
    assert exchange.rkky_exchange(0.1, k_F=1.0) > 0
    with pytest.raises(magfit.SimulationError):
        exchange.rkky_range_function([0.0])


def test_kf_and_free_electron_kfa():
    # Na: n = 2.65e28 m^-3 -> k_F = 0.92 / A (Ashcroft & Mermin Table 2.1)
    assert exchange.fermi_wavevector(2.65e28) == pytest.approx(0.92e10, rel=5e-3)
    # fcc Cu, 1 e/atom: k_F a = (12 pi^2)^(1/3) = 4.91; Cu a = 3.61 A -> k_F = 1.36 / A
    assert exchange.kf_a_free_electron("fcc", 1) == pytest.approx((12 * np.pi**2) ** (1 / 3))
    assert exchange.kf_a_free_electron("fcc", 1) / 3.61 == pytest.approx(1.36, rel=1e-2)


def test_rkky_theta_single_shell_and_sign_oscillation():
    # undamped with cutoff between first and second shell: only the 12 fcc nearest neighbours
    kfa = 2.0
    r1 = np.sqrt(0.5)
    expected = 12 * exchange.rkky_exchange(r1, kfa, 1.0) / 3.0
    got = exchange.rkky_theta(kfa, "fcc", damping_a=None, cutoff_a=0.8)
    assert got == pytest.approx(expected)
    assert exchange.rkky_theta(kfa, "fcc", spin=3.5, damping_a=None, cutoff_a=0.8) == pytest.approx(
        expected * 3.5 * 4.5)
    # converged (damped) sums: FM at small k_F a, and the sign oscillates as k_F a grows
    kfa = np.linspace(0.5, 8.0, 151)
    for lat in ("sc", "bcc", "fcc"):
        th = exchange.rkky_theta(kfa, lat, damping_a=3.0)
        assert th[0] > 0
        changes = np.count_nonzero(np.sign(th[:-1]) != np.sign(th[1:]))
        assert changes >= 2, (lat, changes)
    # at fixed damping the default cutoff (10 lambda) has converged the sum
    a = exchange.rkky_theta([1.0, 3.0], "sc", damping_a=3.0)
    b = exchange.rkky_theta([1.0, 3.0], "sc", damping_a=3.0, cutoff_a=45.0)
    np.testing.assert_allclose(a, b, rtol=1e-3)
    assert isinstance(exchange.rkky_theta(1.0, "sc", damping_a=2.0), float)


def test_goodenough_kanamori_qualitative_signs():
    assert exchange.goodenough_kanamori(180).sign == "antiferromagnetic"
    assert exchange.goodenough_kanamori(180).relative_J == pytest.approx(-1.0)
    g90 = exchange.goodenough_kanamori(90)
    assert g90.sign == "ferromagnetic" and 0 < g90.relative_J < 0.1 and g90.qualitative
    assert exchange.goodenough_kanamori(95).sign == "ferromagnetic"
    assert exchange.goodenough_kanamori(100).sign == "antiferromagnetic"
    with pytest.raises(magfit.SimulationError, match="angle_deg"):
        exchange.goodenough_kanamori(200)
