"""Calibration of magfit.classify's confidence on a labelled synthetic set (issue 13).

``confidence`` is meant as the probability that the label is right given the evidence. This
benchmark generates chi(T) of known regime with the project's own code (magfit.simulate) and closed
forms -- Curie, Curie-Weiss (AFM and FM theta), mean-field antiferromagnet through T_N, mean-field
ferromagnet above and through T_C, Bleaney-Bowers dimer, S = 1/2 chain, Eu3+ Van Vleck, Pauli,
enhanced Pauli (T^2), Pauli + impurity tail, and mixed Curie-Weiss + chi0 -- at three noise levels
and three temperature windows, classifies each, and prints

* the confusion matrix and the fraction of labels right,
* the calibration table: per confidence bin, the number of cases and the fraction right,
* the requirement checks: of the cases with confidence >= 0.9 at least 90 % right; no flagged
  case at or above 0.95,
* the one-line verdict on each textbook trap of issue 13.

Run: ``python benchmarks/bench_calibration.py`` (48 cases: 2 windows x 2 noise levels, about 1.5 min
with the traps; ``--full``: 108 cases, 3 windows x 3 noise levels).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import magfit
from magfit import simulate as sim
from magfit.classify import classify

NMU2K = 0.375148                      # N_A mu_B^2 / k_B, emu K/mol (magfit.units.CURIE_CGS_PER_MUB2 x 3)
WINDOWS = {"2-300 K x 60": np.linspace(2.0, 300.0, 60), "5-400 K x 40": np.linspace(5.0, 400.0, 40),
           "150-300 K x 15": np.linspace(150.0, 300.0, 15)}
NOISES = (0.002, 0.03)                 # --full: 0.001, 0.01, 0.05
NOISES_FULL = (0.001, 0.01, 0.05)
BINS = [0.0, 0.5, 0.7, 0.9, 0.95, 1.0001]


def eu3(t, lam_k=480.0):
    g = lam_k / t
    e = [np.exp(-g * k) for k in (1, 3, 6, 10, 15, 21)]
    num = (24 + (13.5 * g - 1.5) * e[0] + (67.5 * g - 2.5) * e[1] + (189 * g - 3.5) * e[2]
           + (405 * g - 4.5) * e[3] + (742.5 * g - 5.5) * e[4] + (1228.5 * g - 6.5) * e[5])
    return NMU2K / (3 * t * g) * num / (1 + 3 * e[0] + 5 * e[1] + 7 * e[2] + 9 * e[3] + 11 * e[4] + 13 * e[5])


def regimes():
    """(name, truth, formula, chi(T) function) -- chi per mole of the ion or formula unit."""
    return [
        ("Curie S=1/2", "localized", None, lambda t: sim.curie(t, mu_eff=1.732).chi_emu_mol),
        ("CW Gd theta=-10", "localized", None,
         lambda t: sim.curie_weiss(t, theta_K=-10.0, mu_eff=7.94).chi_emu_mol),
        ("FM S=3/2 T_C=15", "localized", None,
         lambda t: sim.weiss_chi(t + 0.29, spin=1.5, theta_K=15.0).chi_emu_mol),
        ("AFM S=5/2 T_N=30", "localized", None, lambda t: sim.afm_chi(t, spin=2.5, T_N_K=30.0).chi_emu_mol),
        ("FM S=1/2 T_C=40", "localized", None,
         lambda t: sim.weiss_chi(t + 0.37, spin=0.5, theta_K=40.0).chi_emu_mol),
        ("dimer J=-150 K (-2J)", "localized", "Cu2(C2H3O2)4(H2O)2",
         lambda t: sim.bleaney_bowers(t, J_K=-150.0, convention="-2J", rho=0.002).chi_emu_mol),
        ("chain J=-40 K", "localized", None,
         lambda t: sim.heisenberg_chain(t, J_K=-40.0, rho=0.003).chi_emu_mol),
        ("Eu3+ Van Vleck", "localized", "Eu2O3", eu3),
        ("Pauli", "itinerant", None, lambda t: np.full(t.size, 3.2e-4)),
        ("enhanced Pauli T^2", "itinerant", "Pd", lambda t: 5.4e-4 * (1.0 - 1.1e-6 * t**2)),
        ("Pauli + 0.5% tail", "itinerant", "Pd", lambda t: 3e-4 + 0.005 * 0.3751 / (t + 0.5)),
        ("mixed f=0.5", "mixed", None, lambda t: 0.3 / (t + 5.0) + 0.3 / 305.0),
    ]


def cases(full: bool):
    noises = NOISES_FULL if full else NOISES
    windows = WINDOWS if full else {k: v for k, v in WINDOWS.items() if not k.startswith("5-400")}
    seed = 0
    for name, truth, formula, fn in regimes():
        for wname, t in windows.items():
            for noise in noises:
                seed += 1
                y = np.asarray(fn(t), dtype=float)
                rng = np.random.default_rng(seed)
                err = noise * np.abs(y)
                chi = magfit.ChiT(t, y + err * rng.standard_normal(t.size), err, per="formula unit")
                yield {"regime": name, "truth": truth, "window": wname, "noise": noise, "formula": formula,
                       "chi": chi}


def one_line(v) -> str:
    """The verdict as one line (never 'mu_eff = nan')."""
    sys_mu = float(getattr(v.fit, "mu_eff_sys", float("nan")))
    sys_txt = f" (stat) +/- {sys_mu:.2g} (window)" if math.isfinite(sys_mu) else ""
    mu = (f"; mu_eff = {v.mu_eff:.3g} +/- {v.mu_eff_err:.2g}{sys_txt}" if v.label in ("localized", "mixed")
          and math.isfinite(v.mu_eff) and not any("not meaningful" in f for f in v.flags) else "")
    return f"{v.label} (confidence {v.confidence:.2f}){mu} -- " + "; ".join(v.short_reasons[:3])


def calibration(df: pd.DataFrame) -> pd.DataFrame:
    df = df.assign(bin=pd.cut(df["confidence"], BINS, right=False))
    tab = df.groupby("bin", observed=False).agg(n=("right", "size"), right=("right", "mean"),
                                                 mean_conf=("confidence", "mean"))
    return tab


def traps() -> list[tuple[str, object]]:
    """The issue-13 traps, through the fit (as `magfit fit` does) and classify."""
    t = np.linspace(2.0, 300.0, 150)
    rng = np.random.default_rng(7)

    def noisy(y, rel=0.002):
        return y * (1 + rel * rng.standard_normal(y.size))

    out = []
    dimer = magfit.ChiT(t, noisy(sim.bleaney_bowers(t, J_K=-150.0, convention="-2J").chi_emu_mol), per="Cu")
    out.append(("Bleaney-Bowers dimer J=-150 K (-2J)", classify(magfit.fit_curie_weiss(dimer))))
    eu = magfit.ChiT(t, noisy(eu3(t)))
    out.append(("Eu3+ Van Vleck, formula Eu2O3", classify(magfit.fit_curie_weiss(eu), formula="Eu2O3")))
    out.append(("Eu3+ Van Vleck, no formula", classify(magfit.fit_curie_weiss(eu))))
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    try:   # the exact diagonalisation and the two-field salt of tests/test_traps.py (one implementation)
        from test_traps import ce_cubic, two_field_salt

        ce = magfit.ChiT(t, noisy(ce_cubic(t)), per="Ce")
        out.append(("Ce3+ cubic CF (Gamma8 100 K up), CeB6",
                    classify(magfit.fit_curie_weiss(ce), formula="CeB6")))
        out.append(("CW salt + saturated impurity, two fields", classify(two_field_salt())))
    except ImportError:
        pass
    try:   # the spin-orbit, valence-fluctuation, ferrimagnet and blocking traps of tests/test_traps_more.py
        import test_traps_more as tm

        tg = tm.T
        co = magfit.ChiT(tg, noisy(tm.co2_octahedral(tg)), per="Co")
        out.append(("Co2+ octahedral (spin-orbit 4T1g), CoSO4(H2O)6",
                    classify(magfit.fit_curie_weiss(co), formula="CoSO4(H2O)6")))
        iv = magfit.ChiT(tg, noisy(tm.icf_chi(tg, 2.54, 240.0, 40.0, 6.0) + 0.001 * NMU2K / tg), per="Ce")
        out.append(("Ce intermediate valence (ICF, max ~85 K), CePd3",
                    classify(magfit.fit_curie_weiss(iv), formula="CePd3")))
        para = tm.two_sublattice_chi(np.maximum(tg, 155.2), 4.38, 8.75, -5.0, -5.0, -30.0)   # T_C 153.2 K
        m_s_over_h = 4.0 * 5585.0 * np.sqrt(np.clip(1 - (tg / 153.2) ** 2, 0, 1)) / 1000.0  # 4 mu_B, 1 kOe
        ferri = np.where(tg > 155.2, para, m_s_over_h + para[tg > 155.2][0])
        out.append(("Neel ferrimagnet T_C = 153 K, MnFe2O4",
                    classify(magfit.fit_curie_weiss(magfit.ChiT(tg, noisy(ferri))), formula="MnFe2O4")))
        zfc = magfit.ChiT(tg, noisy(tm.zfc_superparamagnet_chi(tg, 1000.0, 100.0, 2.2, 0.4, 40.0)), per="Fe")
        out.append(("ZFC superparamagnet (1000 mu_B particles, 100 Oe), Fe3O4",
                    classify(magfit.fit_curie_weiss(zfc), formula="Fe3O4")))
    except ImportError:
        pass
    out += _traps_five(noisy)
    return out


def _traps_five(noisy) -> list[tuple[str, object]]:
    """The traps of tests/test_traps_five.py (generators in tests/_trap_physics5.py)."""
    try:
        import _trap_physics5 as p5
    except ImportError:
        return []
    tg = np.unique(np.concatenate([np.arange(2, 10, 0.5), np.arange(10, 50, 2.0), np.arange(50, 301, 5.0)]))
    out = []
    sco = magfit.ChiT(tg, noisy(p5.spin_crossover_chi(tg, 180.0)), per="Fe")
    out.append(("spin crossover Fe2+, T_1/2 = 180 K, window from 50 K",
                classify(magfit.fit_curie_weiss(sco, tmin=50.0), formula="Fe(C12H8N2)2(NCS)2")))
    sco = magfit.ChiT(tg, noisy(p5.spin_crossover_chi(tg, 120.0)), per="Fe")
    out.append(("spin crossover Fe2+, T_1/2 = 120 K, automatic window",
                classify(magfit.fit_curie_weiss(sco), formula="Fe(C12H8N2)2(NCS)2")))
    o2 = 1e-4 + 0.001 * p5.curie_c(0.5) / tg + p5.oxygen_chi(tg, 0.005)
    out.append(("Pauli metal + adsorbed O2 (0.005 per f.u.)",
                classify(magfit.fit_curie_weiss(magfit.ChiT(tg, noisy(o2))), formula="Cu")))
    dimer = 0.98 * NMU2K * 4 / (tg * (3 + np.exp(800.0 / tg))) + 0.02 * p5.curie_c(0.5) / tg
    out.append(("dimer J = -400 K (-2J) + 2 % orphan S = 1/2",
                classify(magfit.fit_curie_weiss(magfit.ChiT(tg, noisy(dimer), per="Cu")),
                         formula="Cu2(C2H3O2)4(H2O)2")))
    c_cr, tn = p5.curie_c(1.5), 260.0
    cr = np.where(tg > tn, c_cr / (tg + 400.0), c_cr / (tn + 400.0) * (2 / 3 + tg / tn / 3))
    out.append(("CeCrO3-like (Cr3+ AFM, T_N = 260 K)",
                classify(magfit.fit_curie_weiss(magfit.ChiT(tg, noisy(cr))), formula="CeCrO3")))
    salt = NMU2K * 4 * 0.75 / 3 / (tg + 1.0) + 1e-3
    out.append(("Cu2+ salt + one-field ferromagnetic impurity (M_s/H = 1e-3)",
                classify(magfit.fit_curie_weiss(magfit.ChiT(tg, noisy(salt))), formula="CuSO4(H2O)5")))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="3 noise levels x 3 windows (108 cases)")
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    rows = []
    for case in cases(args.full):
        v = classify(case["chi"], formula=case["formula"])
        rows.append({k: case[k] for k in ("regime", "truth", "window", "noise")}
                    | {"label": v.label, "confidence": v.confidence, "n_flags": len(v.flags),
                       "right": v.label == case["truth"]})
    df = pd.DataFrame(rows)
    pd.set_option("display.width", 160)
    print(f"{len(df)} cases in {time.perf_counter() - t0:.0f} s\n")
    print("confusion (rows: truth, columns: label)")
    print(pd.crosstab(df["truth"], df["label"]).to_string(), "\n")
    print("per regime: fraction right")
    print(df.groupby("regime")["right"].mean().round(2).to_string(), "\n")
    print(f"labels right: {df['right'].sum()} / {len(df)} = {df['right'].mean():.1%} "
          f"(undetermined counts as not right: {(df['label'] == 'undetermined').sum()} cases)")
    opposite = df[((df["truth"] == "localized") & (df["label"] == "itinerant"))
                  | ((df["truth"] == "itinerant") & (df["label"] == "localized"))]
    print(f"opposite-regime errors: {len(opposite)}\n")
    print("calibration (confidence bin -> n, fraction right, mean confidence)")
    print(calibration(df).to_string(float_format=lambda x: f"{x:.3f}"), "\n")
    hi = df[df["confidence"] >= 0.9]
    frac = hi["right"].mean() if len(hi) else float("nan")
    flagged_max = df.loc[df["n_flags"] > 0, "confidence"].max()
    print(f"requirement: confidence >= 0.9 -> {len(hi)} cases, {frac:.1%} right (need >= 90 %): "
          f"{'OK' if len(hi) and frac >= 0.9 else 'FAIL'}")
    print(f"requirement: flagged cases never >= 0.95 -> max {flagged_max:.3f}: "
          f"{'OK' if not flagged_max >= 0.95 else 'FAIL'}\n")
    if len(df[~df["right"]]):
        print("wrong or undetermined cases:")
        print(df[~df["right"]].to_string(index=False), "\n")
    print("issue-13 traps, one line each:")
    for name, v in traps():
        print(f"  {name}: {one_line(v)}")
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
