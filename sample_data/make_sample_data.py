"""Generate magfit's sample data files (synthetic, seeded, byte-for-byte reproducible).

Run:  python sample_data/make_sample_data.py [OUTPUT_DIR]      (default: this folder)

Every file is written in the layout a real instrument (or a spreadsheet) produces, copied from
the real files described in ``shared/realdata/MANIFEST.md``:

* Quantum Design MPMS3, DC-scan mode: ``[Header]`` with ``INFO,<value>,<KEY>`` records
  (``SAMPLE_MASS`` in mg, ``SAMPLE_MOLECULAR_WEIGHT``), ``[Data]``, the full 89-column list, where
  ``Moment (emu)`` stays empty and ``DC Moment Free Ctr (emu)`` + ``DC Moment Err Free Ctr (emu)``
  hold the measurement.
* Quantum Design MPMS-XL classic DC: ``INFO, <KEY>, <value>`` records (``WEIGHT`` in mg),
  ``Field (Oe)``, ``Long Moment (emu)``, ``Long Scan Std Dev``, three-digit exponents, trailing comma.
* plain CSV tables (a raw-moment table and one that already holds chi).

Physics (cgs-emu): the molar susceptibility of each model is turned into a raw moment with

    m [emu] = chi_mol [emu/(mol Oe)] * H [Oe] * mass [g] / M_molar [g/mol]

and noise is added: Gaussian, sigma = sqrt((r m)^2 + floor^2) with a relative part r of a few
0.1 % and an absolute floor of 1e-8 emu (SQUID resolution). The error column holds that sigma.
The true parameters are listed in ``sample_data/README.md``; the Curie constant comes from
C = N_A mu_B^2 mu_eff^2 / (3 k_B) (``magfit.units.curie_from_mu_eff``).

Each file has its own fixed seed, so changing one model does not change the other files.
"""

from __future__ import annotations

import csv
import io
import sys
from datetime import datetime
from pathlib import Path

import numpy as np
import periodictable
from scipy.optimize import brentq

from magfit.units import CURIE_CGS_PER_MUB2, curie_from_mu_eff

HERE = Path(__file__).resolve().parent
MG_PER_G = 1000.0
FLOOR_EMU = 1.0e-8                 # absolute noise floor of a SQUID magnetometer, emu
EPOCH_1904 = datetime(1904, 1, 1)  # MPMS3 time stamps: seconds since 1904-01-01
EPOCH_1970 = datetime(1970, 1, 1)  # MPMS-XL time stamps: Unix seconds

# Core diamagnetism from Pascal's constants (Bain & Berry, J. Chem. Educ. 85, 532 (2008)),
# 1e-6 emu/mol: Gd3+ -20, SO4^2- -40.1, H2O -13, Mn2+ -14, O2- -12, Cr3+ -11, Br- -34.6.
CHI_DIA_GD_SULFATE = (2 * -20.0 + 3 * -40.1 + 8 * -13.0) * 1e-6   # -264.3e-6 emu/mol
CHI_DIA_MNO = (-14.0 + -12.0) * 1e-6                               # -26.0e-6 emu/mol
CHI_DIA_CRBR3 = (-11.0 + 3 * -34.6) * 1e-6                         # -114.8e-6 emu/mol


def molar_mass(formula: str) -> float:
    """Molar mass in g/mol from periodictable."""
    return float(periodictable.formula(formula).mass)


def temperature_grid(*segments: tuple[float, float, float]) -> np.ndarray:
    """Concatenate (start, stop, step) segments, stop included, no duplicates."""
    parts = [np.arange(a, b + step / 2, step) for a, b, step in segments]
    return np.unique(np.round(np.concatenate(parts), 6))


def noisy(rng: np.random.Generator, true: np.ndarray, rel: float,
          floor: float) -> tuple[np.ndarray, np.ndarray]:
    """Add Gaussian noise with sigma = sqrt((rel * true)^2 + floor^2); return (value, sigma)."""
    sigma = np.hypot(rel * np.abs(true), floor)
    return true + sigma * rng.standard_normal(true.size), sigma


def measured_conditions(rng: np.random.Generator, setpoints_K: np.ndarray, field_Oe: float):
    """Temperatures and fields as the instrument reports them (small scatter around the set point)."""
    temperature = setpoints_K * (1.0 + 2e-4 * rng.standard_normal(setpoints_K.size))
    field = field_Oe + 0.05 * rng.standard_normal(setpoints_K.size)
    return temperature, field


def moment_emu(chi_emu_mol: np.ndarray, field_Oe: np.ndarray, mass_mg: float,
               molar_g_mol: float) -> np.ndarray:
    """m = chi_mol * H * mass_g / M_molar."""
    return chi_emu_mol * field_Oe * (mass_mg / MG_PER_G) / molar_g_mol


# ---------------------------------------------------------------------------------------------
# models (molar susceptibility, emu/mol)

def curie_weiss(temperature_K, curie, theta_K, chi0=0.0):
    """chi = chi0 + C / (T - theta)."""
    return chi0 + curie / (np.asarray(temperature_K) - theta_K)


def brillouin(spin: float, x: np.ndarray) -> np.ndarray:
    """B_S(x) = a coth(a x) - b coth(b x), a = (2S+1)/(2S), b = 1/(2S)."""
    a, b = (2 * spin + 1) / (2 * spin), 1 / (2 * spin)
    return a / np.tanh(a * x) - b / np.tanh(b * x)


def brillouin_slope(spin: float, x: float) -> float:
    """dB_S/dx; (S+1)/(3S) at x = 0."""
    if abs(x) < 1e-6:
        return (spin + 1) / (3 * spin)
    a, b = (2 * spin + 1) / (2 * spin), 1 / (2 * spin)
    return -(a / np.sinh(a * x)) ** 2 + (b / np.sinh(b * x)) ** 2


def afm_powder_chi(temperature_K: np.ndarray, spin: float, curie: float, theta_K: float, neel_K: float):
    """Two-sublattice mean-field (Neel) antiferromagnet, powder average, per mole of spins.

    Molecular fields on sublattice A: -lambda M_B - eps M_A (Neel coefficients, molar units), so
    theta = -C (lambda + eps) / 2 and T_N = C (lambda - eps) / 2 (Smart, Effective Field Theories
    of Magnetism). Above T_N chi = C / (T - theta). Below T_N, with the reduced sublattice
    magnetisation from x0 = [3S/(S+1)] (T_N/T) B_S(x0):
        chi_loc  = [3 S C / (2 (S+1))] B_S'(x0) / T           (one sublattice, half the spins)
        chi_par  = 2 chi_loc / (1 + (lambda + eps) chi_loc)
        chi_perp = 1 / lambda = C / (T_N - theta)
    chi_powder = (chi_par + 2 chi_perp) / 3. Continuous at T_N; chi_par -> 0 as T -> 0.
    """
    lam_plus_eps = -2.0 * theta_K / curie
    lam = (neel_K - theta_K) / curie
    out = np.empty_like(np.asarray(temperature_K, dtype=float))
    for i, t in enumerate(np.asarray(temperature_K, dtype=float)):
        if t >= neel_K:
            out[i] = curie / (t - theta_K)
            continue
        ratio = 3 * spin / (spin + 1) * neel_K / t
        x0 = brentq(lambda x, r=ratio: x - r * brillouin(spin, np.array([x]))[0], 1e-9, 10 * ratio + 10)
        chi_loc = 3 * spin * curie / (2 * (spin + 1)) * brillouin_slope(spin, x0) / t
        chi_par = 2 * chi_loc / (1 + lam_plus_eps * chi_loc)
        out[i] = (chi_par + 2.0 / lam) / 3.0
    return out


def holder_moment_emu(temperature_K: np.ndarray, field_Oe: np.ndarray) -> np.ndarray:
    """Empty straw + capsule: -2.0e-6 emu per 1000 Oe plus a weak paramagnetic tail (3e-8 emu x 10 K/T)."""
    return (np.asarray(field_Oe) / 1000.0) * (-2.0e-6 + 3.0e-8 * (10.0 / np.asarray(temperature_K)))


# ---------------------------------------------------------------------------------------------
# writers

MPMS3_COLUMNS = (
    "Comment,Time Stamp (sec),Temperature (K),Magnetic Field (Oe),Moment (emu),M. Std. Err. (emu),"
    "Transport Action,Averaging Time (sec),Frequency (Hz),Peak Amplitude (mm),Center Position (mm),"
    "Lockin Signal' (V),Lockin Signal (V),Range,M. Quad. Signal (emu),AC Moment (emu),AC M. Std Err. (emu),"
    "AC Phase (deg),AC Phase Std. Err. (deg),AC Susceptibility (emu/Oe),AC Suscept. Std Err. (emu/Oe),"
    "AC X' (emu/Oe),AC X' Std Err. (emu/Oe),AC X'' (emu/Oe),AC X'' Std Err. (emu/Oe),AC Drive (Oe),"
    "AC Frequency (Hz),AC Averaging Time (sec),AC Cycles,AC Range,AC Measure Type,AC Signal' (V),"
    "AC Signal'' (V),AC Trim Coil Ratio,AC Trim Coil Phase,Min. Temperature (K),Max. Temperature (K),"
    "Min. Field (Oe),Max. Field (Oe),Mass (grams),Motor Lag (deg),Pressure (Torr),Measure Count,"
    "Measurement Number,SQUID Status (code),Motor Status (code),Measure Status (code),Motor Current (amps),"
    "Motor Temp. (C),Temp. Status (code),Field Status (code),Chamber Status (code),Chamber Temp (K),"
    "Redirection State,Evercool Status,Average Temp (K),Rotation Angle (deg),Rotator state,"
    "DC Moment Fixed Ctr (emu),DC Moment Err Fixed Ctr (emu),DC Moment Free Ctr (emu),"
    "DC Moment Err Free Ctr (emu),DC Fixed Fit,DC Free Fit,DC Calculated Center (mm),"
    "DC Calculated Center Err (mm),DC Scan Length (mm),DC Scan Time (s),DC Number of Points,DC Squid Drift,"
    "DC Min V (V),DC Max V (V),DC Scans per Measure,Map 01,Map 02,Map 03,Map 04,Map 05,Map 06,Map 07,"
    "Map 08,Map 09,Map 10,Map 11,Map 12,Map 13,Map 14,Map 15,Map 16"
).split(",")

MPMSXL_COLUMNS = (
    "Time,Comment,Field (Oe),Temperature (K),Long Moment (emu),Long Scan Std Dev,Long Algorithm,"
    "Long Reg Fit,Long Percent Error (%),Trans Moment (emu),Trans Scan Std Dev,Trans Algorithm,"
    "Trans Reg Fit,Trans Percent Error (%),Long Moment [w/o ABS] (emu),Long Scan Std Dev [w/o ABS],"
    "Long Reg Fit [w/o ABS],Long Percent Error [w/o ABS] (%),Trans Moment [w/o ABS] (emu),"
    "Trans Scan Std Dev [w/o ABS],Trans Reg Fit [w/o ABS],Trans Percent Error [w/o ABS] (%),"
    "Points per Scan,Scans per Measurement,Scan Length (cm),Delta Temp (K),Rot Position (deg),Error,"
    "EC Comp. Running,Using ABS"
).split(",")


def g12(value: float) -> str:
    """Compact, platform-independent number text (12 significant digits, MultiVu-style E)."""
    return f"{value:.12G}"


def xl_num(value: float) -> str:
    """MPMS-XL number: 1.000000e+003 (six decimals, three-digit exponent)."""
    mantissa, exponent = f"{value:.6e}".split("e")
    return f"{mantissa}e{int(exponent):+04d}"


def write_mpms3(path: Path, rng: np.random.Generator, *, start: datetime, material: str, mass_mg: str,
                molecular_weight: str, comment: str, holder: str, temperature_K: np.ndarray,
                field_Oe: np.ndarray, moment: np.ndarray, sigma: np.ndarray) -> None:
    """Write an MPMS3 DC-scan .dat (header records INFO,<value>,<KEY>; moment in DC Free Ctr)."""
    opened = (start - EPOCH_1904).total_seconds()
    clock = start.strftime("%I:%M %p").lstrip("0").lower()
    header = [
        "[Header]",
        "; MPMS3 Data File (default extension .dat)",
        "; Copyright (c) 2007, Quantum Design, Inc. All rights reserved.",
        "TITLE,",
        f"FILEOPENTIME,{opened:.5f},{start:%m/%d/%Y},{clock}",
        "BYAPP,MPMS3 w/ AC,1.0,1.1",
        "INFO,MPMS3 Measurement Release 1.1.16 Build 424, MultiVu Release 2.3.4.19,APPNAME",
        "INFO,Linear Motor Servo Controller,MOTOR_MODULE_NAME",
        "INFO,Quantum Design Squid Module,SQUID_MODULE_NAME",
        "INFO,0,MOMENT_UNITS",
        f"INFO,{material},SAMPLE_MATERIAL",
        f"INFO,{comment},SAMPLE_COMMENT",
        f"INFO,{mass_mg},SAMPLE_MASS",
        "INFO,,SAMPLE_VOLUME",
        f"INFO,{molecular_weight},SAMPLE_MOLECULAR_WEIGHT",
        "INFO,,SAMPLE_SIZE",
        "INFO,,SAMPLE_SHAPE",
        f"INFO,{holder},SAMPLE_HOLDER",
        "INFO,Standard,SAMPLE_HOLDER_DETAIL",
        "INFO,66.25,SAMPLE_OFFSET",
        "DATATYPE,COMMENT,1",
        "DATATYPE,TIME,2",
        "STARTUPAXIS,X,2",
        "STARTUPAXIS,Y1,5",
        "FIELDGROUP, VSM,2,3,4,5,6,8,9,10,11,14,15",
        "FIELDGROUP, DC, 2,3,4,14,56,57,58,59,60,61,62,63,64,65,66,67,68,69",
        "FIELDGROUP, AC, 2,3,4,11,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30",
        "STARTUPGROUP, All",
        "[Data]",
        ",".join(MPMS3_COLUMNS),
    ]
    n = temperature_K.size
    elapsed = np.cumsum(60.0 + 40.0 * rng.random(n))
    fixed_ctr = moment * (1.0 - 0.004 + 0.001 * rng.standard_normal(n))
    lines = list(header)
    for i in range(n):
        t, h, m, s = temperature_K[i], field_Oe[i], moment[i], sigma[i]
        spread = 0.002 * t
        row = dict.fromkeys(MPMS3_COLUMNS, "")
        row.update({
            "Time Stamp (sec)": f"{opened + elapsed[i]:.5f}",
            "Temperature (K)": g12(t),
            "Magnetic Field (Oe)": g12(h),
            "Transport Action": "6",
            "Center Position (mm)": "33.1046668247293",
            "Range": "1" if abs(m) > 1e-4 else "100",
            "Min. Temperature (K)": g12(t - spread),
            "Max. Temperature (K)": g12(t + spread),
            "Min. Field (Oe)": g12(h),
            "Max. Field (Oe)": g12(h),
            "Pressure (Torr)": g12(4.1 + 0.2 * rng.random()),
            "Measurement Number": "1",
            "SQUID Status (code)": "0",
            "Motor Status (code)": "0",
            "Measure Status (code)": "0",
            "Motor Current (amps)": g12(0.02 * rng.random()),
            "Motor Temp. (C)": "32.2580642700195",
            "Temp. Status (code)": "1",
            "Field Status (code)": "1",
            "Chamber Status (code)": "1",
            "Chamber Temp (K)": g12(t + 0.3 * spread),
            "Redirection State": "0",
            "Evercool Status": "2084573184",
            "Average Temp (K)": g12(t - 0.1 * spread),
            "DC Moment Fixed Ctr (emu)": g12(fixed_ctr[i]),
            "DC Moment Err Fixed Ctr (emu)": g12(s),
            "DC Moment Free Ctr (emu)": g12(m),
            "DC Moment Err Free Ctr (emu)": g12(s),
            "DC Fixed Fit": g12(0.86 + 0.01 * rng.random()),
            "DC Free Fit": g12(0.985 + 0.01 * rng.random()),
            "DC Calculated Center (mm)": g12(32.2 + 0.05 * rng.random()),
            "DC Calculated Center Err (mm)": g12(2e-5 * rng.random()),
            "DC Scan Length (mm)": "35",
            "DC Scan Time (s)": "4",
            "DC Number of Points": "200",
            "DC Squid Drift": g12(6e-5 * (1 + 0.2 * rng.standard_normal())),
            "DC Min V (V)": g12(-40.0 * m),
            "DC Max V (V)": g12(8.6 * m),
            "DC Scans per Measure": "1",
        })
        lines.append(",".join(row[c] for c in MPMS3_COLUMNS))
    path.write_text("\n".join(lines) + "\n", encoding="ascii", newline="\n")


def write_mpmsxl(path: Path, rng: np.random.Generator, *, start: datetime, name: str, weight_mg: float,
                 temperature_K: np.ndarray, field_Oe: np.ndarray, moment: np.ndarray,
                 sigma: np.ndarray) -> None:
    """Write an MPMS-XL classic DC .dat (INFO, <KEY>, <value>; Long Moment + Long Scan Std Dev)."""
    unix = (start - EPOCH_1970).total_seconds()
    clock = start.strftime("%I:%M:%S %p").lstrip("0")
    header = [
        "[Header]",
        "TITLE,MPMS DC Measurement",
        "BYAPP,MPMS Measurement,2.1,Summary",
        f"FILEOPENTIME, {unix:.6f} {start.month}/{start.day}/{start.year}, {clock}",
        "",
        "INFO, APPNAME, MPMS MultiVu Application, Revision 1.60,  Build 081",
        "",
        f"INFO, NAME, {name}",
        f"INFO, WEIGHT, {weight_mg:.3f}",
        "INFO, AREA, 0.000",
        "INFO, LENGTH, 0.000",
        "INFO, SHAPE, 0",
        "INFO, COMMENT, ",
        f"INFO, SEQUENCE FILE: {name}.seq",
        "",
        "",
        "INFO, BACKGROUND DATA FILE:, None",
        "",
        "",
        "STARTUPAXIS,X,4,LINEAR,AUTO,0.000000,0.000000",
        "STARTUPAXIS,Y1,5,LINEAR,AUTO,0.000000,0.000000",
        "",
        "",
        "STARTUPGROUP,Longitudinal",
        "FIELDGROUP,Longitudinal,1,2,3,4,5,6,7,8,9,15,16,17,18,27,28",
        "FIELDGROUP,Transverse,1,2,3,4,10,11,12,13,14,19,20,21,22,27,28",
        "",
        "PLOT_APPEARANCE,ALL,HORZ_GRID_ON,VERT_GRID_ON,MARKERS_AND_LINES",
        "",
        "[Data]",
        ",".join(MPMSXL_COLUMNS) + ",",
    ]
    n = temperature_K.size
    elapsed = np.cumsum(90.0 + 60.0 * rng.random(n))
    lines = list(header)
    for i in range(n):
        m, s = moment[i], sigma[i]
        row = dict.fromkeys(MPMSXL_COLUMNS, "")
        row.update({
            "Time": f"{unix + elapsed[i]:.3f}",
            "Field (Oe)": xl_num(field_Oe[i]),
            "Temperature (K)": xl_num(temperature_K[i]),
            "Long Moment (emu)": xl_num(m),
            "Long Scan Std Dev": xl_num(s),
            "Long Algorithm": "3",
            "Long Reg Fit": xl_num(0.985 + 0.01 * rng.random()),
            "Long Percent Error (%)": xl_num(100.0 * s / abs(m)),
            "Points per Scan": "18",
            "Scans per Measurement": "1",
            "Scan Length (cm)": xl_num(4.0),
            "Delta Temp (K)": xl_num(0.005 * rng.random()),
            "Rot Position (deg)": xl_num(0.0),
            "Error": "0",
            "EC Comp. Running": "0",
            "Using ABS": "0",
        })
        lines.append(",".join(row[c] for c in MPMSXL_COLUMNS) + ",")
    path.write_text("\n".join(lines) + "\n", encoding="ascii", newline="\n")


def write_csv(path: Path, columns: list[str], data: list[np.ndarray], comments: list[str] = ()) -> None:
    """Plain comma-separated table; optional leading '# ' comment lines."""
    buf = io.StringIO(newline="")
    for text in comments:
        buf.write(f"# {text}\n")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in zip(*data, strict=True):
        writer.writerow([g12(v) for v in row])
    path.write_text(buf.getvalue(), encoding="ascii", newline="\n")


# ---------------------------------------------------------------------------------------------
# the files

def make_gd_sulfate(out: Path) -> None:
    """Gd2(SO4)3(H2O)8, 10.0 mg, 1000 Oe, 5-300 K: Curie-Weiss, mu_eff 7.94 per Gd, theta -0.5 K."""
    rng = np.random.default_rng(20260101)
    formula, mass_mg, field = "Gd2(SO4)3(H2O)8", 10.0, 1000.0
    molar = molar_mass(formula)
    mu_eff_gd = 2.0 * np.sqrt(3.5 * 4.5)                  # g sqrt(J(J+1)), g = 2, J = S = 7/2
    setpoints = temperature_grid((5, 10, 0.5), (12, 50, 2), (55, 300, 5))
    temperature, fields = measured_conditions(rng, setpoints, field)
    chi = curie_weiss(temperature, 2 * curie_from_mu_eff(mu_eff_gd), -0.5, CHI_DIA_GD_SULFATE)
    moment, sigma = noisy(rng, moment_emu(chi, fields, mass_mg, molar), 0.003, FLOOR_EMU)
    write_mpms3(out / "gd_sulfate_mpms3.dat", rng, start=datetime(2026, 3, 2, 9, 14, 5), material=formula,
                mass_mg="10.0", molecular_weight=f"{molar:.2f}", comment="powder in gelatin capsule",
                holder="Straw", temperature_K=temperature, field_Oe=fields, moment=moment, sigma=sigma)


def make_mno_like(out: Path) -> None:
    """MnO-like AFM: Mn2+ S=5/2 (mu_eff 5.92), theta -60 K, T_N 30 K, mean-field powder, 2-300 K."""
    rng = np.random.default_rng(20260102)
    formula, mass_mg, field, spin = "MnO", 25.0, 1000.0, 2.5
    molar = molar_mass(formula)
    curie = CURIE_CGS_PER_MUB2 * 4 * spin * (spin + 1)   # g = 2
    setpoints = temperature_grid((2, 20, 2), (21, 40, 1), (42, 60, 2), (65, 300, 5))
    temperature, fields = measured_conditions(rng, setpoints, field)
    chi = afm_powder_chi(temperature, spin, curie, -60.0, 30.0) + CHI_DIA_MNO
    moment, sigma = noisy(rng, moment_emu(chi, fields, mass_mg, molar), 0.003, FLOOR_EMU)
    write_mpmsxl(out / "mno_like_afm_mpmsxl.dat", rng, start=datetime(2025, 11, 29, 21, 54, 22),
                 name="MnO-like", weight_mg=mass_mg, temperature_K=temperature, field_Oe=fields,
                 moment=moment, sigma=sigma)


def make_ferromagnet(out: Path) -> None:
    """CrBr3-like FM above T_C: Cr3+ S=3/2 (mu_eff 3.87), theta +45 K, T_C 40 K, data 50-350 K."""
    rng = np.random.default_rng(20260103)
    formula, mass_mg, field = "CrBr3", 15.0, 1000.0
    molar = molar_mass(formula)
    curie = CURIE_CGS_PER_MUB2 * 4 * 1.5 * 2.5
    setpoints = temperature_grid((50, 100, 2), (105, 350, 5))
    temperature, fields = measured_conditions(rng, setpoints, field)
    chi = curie_weiss(temperature, curie, 45.0, CHI_DIA_CRBR3)
    moment, sigma = noisy(rng, moment_emu(chi, fields, mass_mg, molar), 0.003, FLOOR_EMU)
    write_csv(out / "ferromagnet_above_tc.csv",
              ["Temperature (K)", "Field (Oe)", "Moment (emu)", "Moment Err (emu)"],
              [temperature, fields, moment, sigma],
              comments=[f"sample CrBr3 (M = {molar:.2f} g/mol), mass 15.0 mg, powder; synthetic data, "
                        "see sample_data/README.md"])


def make_pauli(out: Path) -> None:
    """Enhanced Pauli metal chi0 = +3e-4 emu/mol + 0.5 % S=1/2 impurities (theta -1 K), 2-300 K."""
    rng = np.random.default_rng(20260104)
    formula, mass_mg, field = "Pd", 50.0, 1000.0
    molar = molar_mass(formula)
    curie = 0.005 * CURIE_CGS_PER_MUB2 * 4 * 0.5 * 1.5      # 0.005 x 0.375 emu K/mol
    setpoints = temperature_grid((2, 10, 1), (12, 30, 2), (35, 300, 5))
    temperature, fields = measured_conditions(rng, setpoints, field)
    chi = curie_weiss(temperature, curie, -1.0, 3.0e-4)
    moment, sigma = noisy(rng, moment_emu(chi, fields, mass_mg, molar), 0.002, FLOOR_EMU)
    write_csv(out / "pauli_metal_impurity.csv",
              ["Temperature (K)", "Field (Oe)", "Moment (emu)", "Moment Err (emu)"],
              [temperature, fields, moment, sigma],
              comments=[f"sample Pd-like enhanced Pauli metal (formula Pd, M = {molar:.2f} g/mol), "
                        "mass 50.0 mg; synthetic data, see sample_data/README.md"])


def holder_grid() -> np.ndarray:
    return temperature_grid((1.8, 10, 1), (12, 50, 4), (60, 310, 10))


def make_holder(out: Path) -> None:
    """Empty straw + capsule, 1000 Oe, 1.8-310 K (covers the sample runs)."""
    rng = np.random.default_rng(20260105)
    temperature, fields = measured_conditions(rng, holder_grid(), 1000.0)
    moment, sigma = noisy(rng, holder_moment_emu(temperature, fields), 0.003, FLOOR_EMU)
    write_mpms3(out / "empty_holder_mpms3.dat", rng, start=datetime(2026, 3, 3, 8, 2, 40),
                material="empty holder (straw + gelatin capsule)", mass_mg="", molecular_weight="",
                comment="background run for mixed_kondo_like.dat", holder="Straw", temperature_K=temperature,
                field_Oe=fields, moment=moment, sigma=sigma)


def make_mixed(out: Path) -> None:
    """CePd3-like mixed case: chi0 1.5e-3 + Curie-Weiss (mu_eff 1.8 per Ce, theta -25 K) + holder, 2-300 K."""
    rng = np.random.default_rng(20260106)
    formula, mass_mg, field = "CePd3", 20.0, 1000.0
    molar = molar_mass(formula)
    setpoints = temperature_grid((2, 10, 1), (12, 50, 2), (55, 300, 5))
    temperature, fields = measured_conditions(rng, setpoints, field)
    chi = curie_weiss(temperature, curie_from_mu_eff(1.8), -25.0, 1.5e-3)
    true = moment_emu(chi, fields, mass_mg, molar) + holder_moment_emu(temperature, fields)
    moment, sigma = noisy(rng, true, 0.003, FLOOR_EMU)
    write_mpms3(out / "mixed_kondo_like.dat", rng, start=datetime(2026, 3, 3, 14, 30, 12), material=formula,
                mass_mg="20.0", molecular_weight=f"{molar:.2f}", comment="raw moment includes holder",
                holder="Straw", temperature_K=temperature, field_Oe=fields, moment=moment, sigma=sigma)


def make_chi_table(out: Path) -> None:
    """chi already computed: Cu2+-like Curie-Weiss, mu_eff 1.90, theta -3 K, chi0 0, 2-300 K."""
    rng = np.random.default_rng(20260107)
    temperature = temperature_grid((2, 10, 0.5), (11, 30, 1), (32, 50, 2), (55, 300, 5))
    chi_true = curie_weiss(temperature, curie_from_mu_eff(1.90), -3.0, 0.0)
    chi, sigma = noisy(rng, chi_true, 0.003, 2.0e-6)
    write_csv(out / "chi_table.csv", ["T (K)", "chi (emu/mol)", "chi_err (emu/mol)"],
              [temperature, chi, sigma])


# ------------------------------------------------------------------ table exports (issue 11)
def _curie_per_mub2_cgs() -> float:
    """N_A mu_B^2 / (3 k_B) in emu K/mol, straight from scipy.constants (cgs: J/T -> erg/G x 1e3)."""
    from scipy import constants as sc

    mu_b = sc.physical_constants["Bohr magneton"][0] * 1e3
    return sc.N_A * mu_b**2 / (3.0 * sc.k * 1e7)


def _text_table(path: Path, names: list[str], columns: list[np.ndarray], *, sep: str = ",",
                decimal: str = ".", pre: list[str] = (), post: list[str] = (), encoding: str = "utf-8",
                newline: str = "\n") -> None:
    """``pre``: lines above the names row; ``post``: rows between names and data (Origin)."""
    rows = []
    for row in zip(*columns, strict=True):
        cells = [f"{v:.10g}" for v in row]
        rows.append(sep.join(c.replace(".", decimal) for c in cells))
    text = newline.join([*pre, sep.join(names), *post, *rows]) + newline
    path.write_bytes(text.encode(encoding))


def write_table_exports(out: Path | str, temperature_K: np.ndarray, chi_emu_mol: np.ndarray, *,
                        molar_mass_g_mol: float, density_g_cm3: float, mass_mg: float,
                        field_Oe: float) -> dict[str, list[str]]:
    """Write one chi(T) as the tables people export, one file per category of issue 11.

    Each file carries the same molar susceptibility ``chi_emu_mol`` (emu/mol) as chi, chi*T, 1/chi,
    mu_eff, chi_g, chi_v, M/H, raw moments with fields in several units, M in mu_B/f.u., in CSV,
    semicolon + decimal comma, tab, whitespace, Origin (names/units/comments rows), '#' header,
    BOM + CRLF, IUPAC 'T / K' names, snake-case names and .xlsx/.ods workbooks.

    Returns
    -------
    dict
        file name -> the ``magfit fit`` options the file cannot carry (mass, molar mass, density ...).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    t, chi = np.asarray(temperature_K, float), np.asarray(chi_emu_mol, float)
    err = 0.003 * np.abs(chi)
    from scipy import constants as sc

    c1 = _curie_per_mub2_cgs()
    mu_b_emu = sc.physical_constants["Bohr magneton"][0] * 1e3      # J/T -> erg/G (= emu)
    n_a = sc.N_A
    molar = ["--molar-mass", f"{molar_mass_g_mol}"]
    moment = chi * field_Oe * (mass_mg / 1000.0) / molar_mass_g_mol
    files: dict[str, list[str]] = {}

    def put(name: str, options: list[str], *args, **kw) -> None:
        _text_table(out / name, *args, **kw)
        files[name] = options

    put("chi_emu_mol.csv", [], ["T (K)", "chi (emu/mol)", "chi_err (emu/mol)"], [t, chi, err])
    put("chi_snake_si.csv", [], ["temperature_K", "chi_m3_per_mol", "err"],
        [t, chi * 4e-6 * np.pi, err * 4e-6 * np.pi])
    put("chiT_iupac.tsv", [], ["T / K", "χMT / cm3 K mol−1"], [t, chi * t], sep="\t")
    put("chiT_canonical.csv", [], ["temperature_K", "chiT_emu_K_mol"], [t, chi * t])
    put("inverse_chi.txt", [], ["T(K)", "1/chi(mol/emu)"], [t, 1.0 / chi], sep="   ")
    put("inverse_chi_cm3.csv", [], ["Temperature [K]", "χ⁻¹ [mol cm⁻³]"], [t, 1.0 / chi])
    put("mu_eff_decimal_comma.csv", [], ["T [K]", "μeff [μB]"], [t, np.sqrt(chi * t / c1)], sep=";",
        decimal=",")
    put("mu_eff_canonical.csv", [], ["temperature_K", "mu_eff_muB"], [t, np.sqrt(chi * t / c1)])
    put("chi_mass.csv", molar, ["T (K)", "chi_g (emu g^-1 Oe^-1)"], [t, chi / molar_mass_g_mol])
    put("chi_mass_snake.csv", molar, ["T,K", "chi_emu_per_g"], [t, chi / molar_mass_g_mol], sep=";")
    put("chi_volume.tsv", [*molar, "--density", f"{density_g_cm3}"], ["T, K", "chi_v (SI)"],
        [t, 4 * np.pi * chi * density_g_cm3 / molar_mass_g_mol], sep="\t")
    put("m_over_h_hash_header.csv", [], ["# T (K)", "M/H (emu/(mol Oe))"], [t, chi],
        pre=["# exported by a hand-written script", "# sample: test"])
    put("moment_tesla_am2.csv", ["--mass-mg", f"{mass_mg}", *molar],
        ["Temperature (K)", "μ0H (T)", "m (A m2)"], [t, np.full_like(t, field_Oe / 1e4), moment / 1e3])
    put("moment_memu_koe.tsv", ["--mass-mg", f"{mass_mg}", *molar], ["T (K)", "H (kOe)", "M (memu)"],
        [t, np.full_like(t, field_Oe / 1e3), moment * 1e3], sep="\t")
    put("moment_mub_fu.csv", [], ["T (K)", "H (Oe)", "M (μB/f.u.)"],
        [t, np.full_like(t, field_Oe), chi * field_Oe / (n_a * mu_b_emu)])
    put("origin_export.dat", [], ["Temperature", "Susceptibility"], [t, chi], sep="\t",
        post=["K\tcm^3 mol^-1", "sample A\tZFC"])
    put("bom_crlf_unicode.csv", [], ["T (K)", "χ (cm³·mol⁻¹)", "σ"], [t, chi, err], encoding="utf-8-sig",
        newline="\r\n")
    put("semicolon_emu_oe_mol.csv", [], ["Temp (K)", "Chi (emu/Oe/mol)"], [t, chi], sep=";")
    _workbooks(out, files, t, chi)
    return files


def _workbooks(out: Path, files: dict[str, list[str]], t: np.ndarray, chi: np.ndarray) -> None:
    import pandas as pd

    frame = pd.DataFrame({"T (K)": t, "chiT (emu K mol-1)": chi * t})
    with pd.ExcelWriter(out / "chiT_workbook.xlsx") as writer:
        notes = pd.DataFrame({"notes": ["measured on instrument X"]})
        notes.to_excel(writer, sheet_name="notes", index=False)
        frame.to_excel(writer, sheet_name="data", index=False)
    files["chiT_workbook.xlsx"] = []
    pd.DataFrame({"T / K": t, "χM / cm3 mol−1": chi}).to_excel(out / "chi_workbook.ods", index=False)
    files["chi_workbook.ods"] = []


#: per-file options for `magfit report sample_data --options sample_data/magfit_options.csv`: what the
#: headers lack (formula, mass of the CSV files, the ion to normalise per) and the holder run, which is
#: a background for the mixed sample and not itself a sample (skip=yes)
OPTIONS = [
    # file, sample, formula, mass_mg, per_ion, diamagnetic, holder, skip
    ("gd_sulfate_mpms3.dat", "Gd2(SO4)3.8H2O", "Gd2(SO4)3(H2O)8", "", "Gd", "pascal", "", ""),
    ("mno_like_afm_mpmsxl.dat", "MnO-like antiferromagnet", "MnO", "", "Mn", "pascal", "", ""),
    ("ferromagnet_above_tc.csv", "CrBr3-like ferromagnet", "CrBr3", "15.0", "Cr", "pascal", "", ""),
    ("pauli_metal_impurity.csv", "Pd-like Pauli metal", "Pd", "50.0", "", "", "", ""),
    ("mixed_kondo_like.dat", "CePd3-like mixed", "CePd3", "", "Ce", "", "empty_holder_mpms3.dat", ""),
    ("chi_table.csv", "Cu2+ chi table", "", "", "", "", "", ""),
    ("empty_holder_mpms3.dat", "empty holder (background)", "", "", "", "", "", "yes"),
]


def make_options(out: Path) -> None:
    """magfit_options.csv: the per-file options table of the sample files."""
    header = "file,sample,formula,mass_mg,per_ion,diamagnetic,holder,skip\n"
    rows = "".join(",".join(row) + "\n" for row in OPTIONS)
    (out / "magfit_options.csv").write_text(header + rows, encoding="utf-8", newline="\n")


MAKERS = (make_gd_sulfate, make_mno_like, make_ferromagnet, make_pauli, make_holder, make_mixed,
          make_chi_table, make_options)
FILES = ("gd_sulfate_mpms3.dat", "mno_like_afm_mpmsxl.dat", "ferromagnet_above_tc.csv",
         "pauli_metal_impurity.csv", "empty_holder_mpms3.dat", "mixed_kondo_like.dat", "chi_table.csv",
         "magfit_options.csv")


def main(out: Path | str = HERE) -> list[Path]:
    """Write all sample files into ``out``; return their paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for make in MAKERS:
        make(out)
    return [out / name for name in FILES]


if __name__ == "__main__":
    for p in main(sys.argv[1] if len(sys.argv) > 1 else HERE):
        print(f"{p.stat().st_size:8d}  {p}")
