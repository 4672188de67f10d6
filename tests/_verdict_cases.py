"""The cases behind tests/frozen_verdicts.json: every input the classify tests use, the sample data,
and a seeded synthetic set (Curie-Weiss, Pauli + impurity, dimers and chains from magfit.simulate,
Eu3+ Van Vleck, two-level crystal-field depopulation).

Each case is ``(name, mode, build)``: ``build()`` returns ``(obj, kwargs)`` for
``magfit.classify.classify(obj, **kwargs)``; mode ``"chi"`` classifies the ChiT (internal fit),
mode ``"fit"`` classifies ``fit_curie_weiss(chi)`` (the CLI path). Written by
tests/make_frozen_verdicts.py and replayed by tests/test_frozen_verdicts.py; the curves come from
the builders of tests/test_classify.py and tests/test_traps.py, so the two stay in step.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import magfit

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import test_classify as tc  # noqa: E402
import test_traps as tt  # noqa: E402

SAMPLE_DATA = HERE.parent / "sample_data"
Case = tuple[str, str, Callable[[], tuple[Any, dict]]]


def _chi(builder: Callable[[], magfit.ChiT], **kw) -> Callable[[], tuple[Any, dict]]:
    return lambda: (builder(), kw)


def _both(name: str, builder: Callable[[], magfit.ChiT], **kw) -> list[Case]:
    """The same curve classified as a ChiT and as its automatic Curie-Weiss fit."""
    return [(name, "chi", _chi(builder, **kw)), (name, "fit", _chi(builder, **kw))]


def _classify_suite() -> list[Case]:
    cases: list[Case] = []
    narrow = np.linspace(150.0, 300.0, 15)
    for grid, t, thetas, seeds in (("wide", tc.T, (-2.0, -20.0), (1, 2)), ("narrow", narrow, (-20.0,), (3,))):
        for f in tc.FRACTIONS:
            for noise in tc.NOISES:
                for theta in thetas:
                    for seed in seeds:
                        name = f"sweep {grid} f={f} noise={noise} theta={theta} seed={seed}"

                        def b(f=f, noise=noise, theta=theta, seed=seed, t=t):
                            return tc.synthetic(f, noise, theta, seed, t=t)
                        cases.append((name, "chi", _chi(b)))
                        if seed == seeds[0] and theta == thetas[0]:
                            cases.append((name, "fit", _chi(b)))
    t, T = np.linspace(2, 300, 60), tc.T
    rng_flat = np.random.default_rng(7).standard_normal(T.size)
    y_nan = 1.0 / T
    y_nan[::6] = np.nan
    t_narrow = np.linspace(250, 300, 30)
    y_narrow = (1 / t_narrow) * (1 + 0.05 * np.random.default_rng(8).standard_normal(t_narrow.size))
    t_huge = np.linspace(90, 300, 60)
    huge = 37.0 * (1 + 0.03 * (t_huge - 90) / 210)
    huge_y = huge * (1 + 1e-3 * np.random.default_rng(7).standard_normal(t_huge.size))
    t_dia = np.linspace(5, 300, 60)
    y_dia = -2e-4 + 5e-5 / (t_dia + 1) + 3e-6 * np.random.default_rng(1).standard_normal(t_dia.size)
    gd = 7.878 / (t + 0.5)
    for name, b, kw in (
        ("classify gd per ion", lambda: magfit.ChiT(t, gd, per="Gd"), {}),
        ("classify gd formula", lambda: magfit.ChiT(t, 2 * 7.878 / (t + 0.5)),
         {"formula": "Gd2(SO4)3(H2O)8"}),
        ("classify doctest itinerant", lambda: magfit.ChiT(t, 3e-4 + 1.9e-3 / (t + 1.0)), {}),
        ("classify tail fermi", lambda: _tail_fermi(t), {"fermi_energy_eV": 3.24}),
        ("classify mixed", lambda: tc.synthetic(0.5, 0.003, theta=-25.0, seed=5), {}),
        ("classify flat 1%", lambda: magfit.ChiT(T, 5e-4 * (1 + 0.01 * rng_flat)), {}),
        ("classify 1/T", lambda: magfit.ChiT(T, 1.0 / T), {}),
        ("classify nans", lambda: magfit.ChiT(T, y_nan.copy()), {}),
        ("classify diamagnetic", lambda: magfit.ChiT(T, -1e-4 * np.ones(60)), {}),
        ("classify zeros", lambda: magfit.ChiT(T, np.zeros(60)), {}),
        ("classify narrow curie", lambda: magfit.ChiT(t_narrow, y_narrow, 0.05 / t_narrow), {}),
        ("classify theta -600", lambda: magfit.ChiT(
            T, 4.3767 / (T + 600) * (1 + 0.003 * np.random.default_rng(9).standard_normal(T.size))), {}),
        ("classify T2 +0.1", lambda: _t2(0.1), {}),
        ("classify T2 -0.1", lambda: _t2(-0.1), {}),
        ("classify huge flat", lambda: magfit.ChiT(t_huge, huge_y, 1e-3 * huge), {}),
        ("classify small flat", lambda: magfit.ChiT(t_huge, huge_y * 1e-5, 1e-8 * huge), {}),
        ("classify unresolved C", lambda: magfit.ChiT(t_dia, y_dia, np.full(t_dia.size, 3e-6)), {}),
    ):
        cases += _both(name, b, **kw)
    cases.append(("classify tmin=50 fit", "fit50", _chi(lambda: tc.synthetic(1.0, 0.005, seed=6))))
    return cases


def _tail_fermi(t):
    rng = np.random.default_rng(3)
    y = 1.5e-5 + 0.01 * 0.375 / t
    err = 0.002 * y
    return magfit.ChiT(t, y + err * rng.standard_normal(t.size), err)


def _t2(b):
    T = tc.T
    rng = np.random.default_rng(10)
    return magfit.ChiT(T, 5e-4 * (1 + b * (T / 300) ** 2) * (1 + 0.001 * rng.standard_normal(T.size)))


def _traps_suite() -> list[Case]:
    T, c05 = tt.T, tt.curie_constant(0.5)
    t100 = np.linspace(2.0, 300.0, 100)
    cases: list[Case] = []
    for name, b, kw in (
        ("traps curie", lambda: tt.chit(c05 / T, per="Cu"), {}),
        ("traps cw gd", lambda: tt.chit(tt.curie_constant(3.5) / (T + 10.0) - 1e-4, per="Gd"), {}),
        ("traps pauli", lambda: tt.chit(np.full(T.size, 3.2e-4), rel=0.005), {}),
        ("traps t2 Pd", lambda: tt.chit(5.4e-4 * (1 - 1.1e-6 * T**2), rel=0.003), {"formula": "Pd"}),
        ("traps tail Pd", lambda: tt.chit(3e-4 + 0.005 * c05 / (T + 0.5), rel=0.002), {"formula": "Pd"}),
        ("traps afm", lambda: tt.chit(tt.afm_powder(T, 30.0), per="Cu"), {}),
        ("traps fm", lambda: tt.chit(tt.fm_chi(T, 40.0), per="Cu"), {}),
        ("traps dimer", lambda: tt.chit(tt.dimer_minus_2j(T, -150.0), per="Cu"), {}),
        ("traps ring", lambda: tt.chit(tt.ring_chi(t100, -60.0), t=t100, per="Cu"), {}),
        ("traps eu Eu2O3", lambda: tt.chit(tt.eu3_van_vleck(T)), {"formula": "Eu2O3"}),
        ("traps eu EuBO3", lambda: tt.chit(tt.eu3_van_vleck(T)), {"formula": "EuBO3"}),
        ("traps eu no formula", lambda: tt.chit(tt.eu3_van_vleck(T)), {}),
        ("traps ce cubic", lambda: tt.chit(tt.ce_cubic(T), per="Ce"), {"formula": "CeB6"}),
        ("traps two fields", lambda: tt.two_field_salt(), {}),
        ("traps two fields no Ms", lambda: tt.two_field_salt(ms_emu_mol=0.0), {}),
        ("traps one field chi0", lambda: tt.chit(c05 / (T + 3.0) + 3e-3, rel=0.001, per="formula unit"),
         {"formula": "CuSO4(H2O)5"}),
        ("traps undetermined", lambda: tt.chit(3e-4 + 1e-9 * T, rel=0.01), {}),
        ("traps cw +1", lambda: tt.chit(c05 / (T + 1.0), per="Cu"), {}),
    ):
        cases += _both(name, b, **kw)
    return cases


SAMPLES = [
    ("gd_sulfate_mpms3.dat", {"formula": "Gd2(SO4)3(H2O)8", "per_ion": "Gd"}),
    ("mno_like_afm_mpmsxl.dat", {"formula": "MnO"}),
    ("ferromagnet_above_tc.csv", {"formula": "CrBr3", "mass_mg": 15.0}),
    ("pauli_metal_impurity.csv", {"formula": "Pd", "mass_mg": 50.0}),
    ("mixed_kondo_like.dat", {"formula": "CePd3", "holder": "empty_holder_mpms3.dat"}),
    ("chi_table.csv", {}),
]


def _sample(name: str, kwargs: dict) -> magfit.ChiT:
    kwargs = dict(kwargs)
    if "holder" in kwargs:
        kwargs["holder"] = str(SAMPLE_DATA / kwargs["holder"])
    return magfit.read(SAMPLE_DATA / name).susceptibility(**kwargs)


def _samples() -> list[Case]:
    cases: list[Case] = []
    for name, kw in SAMPLES:
        if (SAMPLE_DATA / name).exists():
            cases += _both(f"sample {name}", lambda name=name, kw=kw: _sample(name, kw))
    return cases


# ------------------------------------------------------------------ seeded synthetic set
def _noisy(t, y, rel, seed, **kw):
    rng = np.random.default_rng(seed)
    err = rel * np.abs(y)
    return magfit.ChiT(t, y + err * rng.standard_normal(t.size), err, **kw)


def _two_level_cf(t, gap_K, g_low=2.0, s_low=0.5):
    """CF-like depopulation: a ground Kramers doublet (Curie C1) and an excited doublet at gap_K with
    a larger moment (C2): chi = (C1 + C2 exp(-gap/T)) / (T (1 + exp(-gap/T)))."""
    c1 = tt.curie_constant(s_low, g_low)
    c2 = 4.0 * c1
    x = np.exp(-gap_K / t)
    return (c1 + c2 * x) / (t * (1.0 + x))


def _synthetic_suite() -> list[Case]:
    cases: list[Case] = []
    rng = np.random.default_rng(2026)
    for k in range(100):
        kind = ("cw", "pauli_imp", "dimer", "chain", "eu", "cf")[k % 6]
        seed = int(rng.integers(1 << 30))
        lo = float(rng.choice([2.0, 5.0, 20.0]))
        n = int(rng.choice([60, 150, 300]))
        rel = float(rng.choice([0.001, 0.005, 0.02]))
        t = np.linspace(lo, 300.0, n)
        kw: dict = {}
        if kind == "cw":
            spin = float(rng.choice([0.5, 1.0, 1.5, 2.5, 3.5]))
            theta = float(rng.uniform(-30, 5))
            chi0 = float(rng.uniform(-3e-4, 3e-4))
            per = {0.5: "Cu", 1.0: "Ni", 1.5: "Cr", 2.5: "Mn", 3.5: "Gd"}[spin]
            mu = 2.0 * math.sqrt(spin * (spin + 1))

            def b(t=t, mu=mu, theta=theta, chi0=chi0, per=per, rel=rel, seed=seed):
                c = magfit.simulate.curie_weiss(t, theta_K=theta, mu_eff=mu, chi0_emu_mol=chi0, per=per)
                return _noisy(t, c.chi_emu_mol, rel, seed, per=per)
        elif kind == "pauli_imp":
            chi_p = float(rng.uniform(5e-5, 8e-4))
            x = float(rng.choice([1e-4, 1e-3, 5e-3, 0.02]))
            kw = {"formula": str(rng.choice(["Pd", "Cu", "Al"]))}

            def b(t=t, chi_p=chi_p, x=x, rel=rel, seed=seed):
                return _noisy(t, chi_p + x * tt.curie_constant(0.5) / (t + 0.3), rel, seed)
        elif kind == "dimer":
            j = float(rng.uniform(-300, -20))
            rho = float(rng.choice([0.0, 0.01, 0.05]))

            def b(t=t, j=j, rho=rho, rel=rel, seed=seed):
                c = magfit.simulate.bleaney_bowers(t, J_K=j, convention="-2J", rho=rho)
                return _noisy(t, c.chi_emu_mol, rel, seed, per="Cu")
        elif kind == "chain":
            j = float(rng.uniform(-200, -10))

            def b(t=t, j=j, rel=rel, seed=seed):
                c = magfit.simulate.heisenberg_chain(t, J_K=j, convention="-J")
                return _noisy(t, c.chi_emu_mol, rel, seed, per="Cu")
        elif kind == "eu":
            lam = float(rng.uniform(350, 550))
            kw = {"formula": str(rng.choice(["Eu2O3", "EuBO3"]))} if k % 12 < 6 else {}

            def b(t=t, lam=lam, rel=rel, seed=seed):
                return _noisy(t, tt.eu3_van_vleck(t, lam), rel, seed)
        else:
            gap = float(rng.uniform(30, 250))
            kw = {"formula": str(rng.choice(["YbCl3", "CeB6", "PrO2"]))}

            def b(t=t, gap=gap, rel=rel, seed=seed):
                return _noisy(t, _two_level_cf(t, gap), rel, seed)
        cases += _both(f"synthetic {k} {kind}", b, **kw)
    return cases


def all_cases() -> list[Case]:
    """Every frozen case, in a fixed order (names unique per mode)."""
    return _classify_suite() + _traps_suite() + _samples() + _synthetic_suite()


def run_case(mode: str, build: Callable[[], tuple[Any, dict]]):
    """Classify one case the way its mode says; returns the Classification."""
    from magfit.classify import classify

    obj, kw = build()
    if mode == "fit":
        obj = magfit.fit_curie_weiss(obj)
    elif mode == "fit50":
        obj = magfit.fit_curie_weiss(obj, tmin=50.0)
    return classify(obj, **kw)


def record(v) -> dict:
    """The frozen part of a verdict: label, confidence, deciding rule, flags."""
    return {"label": v.label, "confidence": round(float(v.confidence), 6), "rule": v.rule,
            "flags": [flag_key(f) for f in v.flags]}


def flag_key(flag: str) -> str:
    """A flag without its numbers: the text before the first ':', ' (' or ' ='."""
    return flag.split(":")[0].split(" (")[0].split(" =")[0]
