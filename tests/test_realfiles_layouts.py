"""Layouts met in real instrument files found in public repositories (see the realfiles report).

Every test writes a small file with the same header records and column structure as the real
file (values shortened, no third-party file copied) and checks what magfit makes of it: files
that hold no magnetic moment are refused with a message naming the file kind, the line and the
fix; data files give the numbers a hand calculation from the written values gives.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import magfit
from magfit import FormatError

# ---------------------------------------------------------------- file builders

_MPMS3_NAMES = (
    "Comment,Time Stamp (sec),Temperature (K),Magnetic Field (Oe),Moment (emu),M. Std. Err. (emu),"
    "Transport Action,Averaging Time (sec),Frequency (Hz),Peak Amplitude (mm),Center Position (mm),"
    "Lockin Signal' (V),Lockin Signal (V),Range,M. Quad. Signal (emu),AC Moment (emu),"
    "AC M. Std Err. (emu),AC Phase (deg),AC Phase Std. Err. (deg),AC Susceptibility (emu/Oe),"
    "AC Suscept. Std Err. (emu/Oe),AC X' (emu/Oe),AC X' Std Err. (emu/Oe),AC X'' (emu/Oe),"
    "AC X'' Std Err. (emu/Oe),AC Drive (Oe),AC Frequency (Hz),Min. Temperature (K),Max. Temperature (K),"
    "DC Moment Fixed Ctr (emu),DC Moment Err Fixed Ctr (emu),DC Moment Free Ctr (emu),"
    "DC Moment Err Free Ctr (emu),DC Fixed Fit,DC Free Fit"
).split(",")


def _mpms3_header(mass_mg: str = "7.2", mw: str = "839.24", extra: tuple[str, ...] = ()) -> list[str]:
    return ["[Header]", "; MPMS3 Data File (default extension .dat)",
            "; Copyright (c) 2007, Quantum Design, Inc. All rights reserved.", "TITLE,",
            "FILEOPENTIME,3764744147.23462,04/18/2019,11:16 am", "BYAPP,SQUID AC,0.9.1.0",
            "INFO,MPMS3 Measurement Release 1.1.16 Build 399, MultiVu Release 2.3.4.15,APPNAME",
            "INFO,0,MOMENT_UNITS", "INFO,K(18-c-6)_Er(hdcCOT)2,SAMPLE_MATERIAL",
            f"INFO,{mass_mg},SAMPLE_MASS", "INFO,22.7,SAMPLE_VOLUME", f"INFO,{mw},SAMPLE_MOLECULAR_WEIGHT",
            "INFO,-125.81E-6,SAMPLE_SIZE", "INFO,Straw,SAMPLE_HOLDER", *extra,
            "DATATYPE,COMMENT,1", "DATATYPE,TIME,2", "STARTUPAXIS,X,2", "STARTUPAXIS,Y1,5",
            "FIELDGROUP, DC, 2,3,4,14,56,57,58,59", "STARTUPGROUP, All", "[Data]"]


def _mpms3_row(values: dict[str, float | str]) -> str:
    return ",".join("" if values.get(n) is None else str(values[n]) for n in _MPMS3_NAMES)


def _write(tmp_path, name: str, lines: list[str], encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def _mpms3_raw_scan(tmp_path, *, comment_line: bool = True):
    """MPMS3 ``.rw.dat``: the header of a data file, then voltage-vs-position blocks."""
    lines = ["[Header]"]
    if comment_line:
        lines += ["; DC Raw Data File (default extension .raw)",
                  "; Copyright 2012, Quantum Design, Inc. All rights reserved."]
    lines += ["TITLE,Pd_std", "FILEOPENTIME,3751797142.68777,11/19/2018,12:53 pm", "BYAPP,SQUID AC,0.9.1.0",
              "INFO,MPMS3 Option Release 1.1.16 Build 399, Release 2.3.4.15,APPNAME",
              "INFO,260.4,SAMPLE_MASS", "INFO,Quartz,SAMPLE_HOLDER", "DATATYPE,COMMENT,1", "DATATYPE,TIME,2",
              "STARTUPAXIS,X,3", "RECORDS,FROM_TO_RECORDS,1,604", "[Data]",
              "Comment,Time Stamp (sec),Raw Position (mm),Raw Voltage (V),Processed Voltage (V),"
              "Fixed C Fitted (V),Free C Fitted (V)",
              ";low temp = 299.99 K;high temp = 300.01 K;avg. temp = 300.00 K;low field = 49.95 Oe;"
              "high field = 49.95 Oe;drift = 0.0016 V/s;amp fixed = -3.42 V;amp free =-3.42 V"]
    for k in range(8):
        z = 14.0 + 0.17 * k
        v_raw, v_proc = -0.0728 + 0.0013 * k, 0.0449 + 0.0012 * k
        lines.append(f",{3751797133.3 + 0.02 * k:.5f},{z:.6f},{v_raw:.6f},{v_proc:.6f}")
    return _write(tmp_path, "Pd_std.rw.dat", lines)


# ---------------------------------------------------------------- files without a moment: refused


@pytest.mark.parametrize("comment_line", [True, False], ids=["with-raw-comment", "names-only"])
def test_mpms3_raw_scan_file_is_refused_naming_the_processed_file(tmp_path, comment_line):
    path = _mpms3_raw_scan(tmp_path, comment_line=comment_line)
    names_line = path.read_text().splitlines().index("[Data]") + 2
    with pytest.raises(FormatError) as info:
        magfit.read(path)
    err = info.value
    assert "raw scan" in str(err) and "no magnetic moment" in str(err)
    assert err.line == names_line
    assert err.path == str(path) and ".dat" in err.hint and ".rw" in err.hint


def test_ppms_log_file_is_refused(tmp_path):
    names = ("Comment,Time Stamp (sec),Status (code),Temperature (K),Magnetic Field (Oe),"
             "Sample Position (deg),Bridge 1 Resistance (ohms),Bridge 1 Excitation (uA),Pressure (),"
             "System Status (code),"
             "Setpoint (K),Magnet (Oe),Valve Position (deg),He Level ()")
    rows = [",29596004.72,4378,208.4030,-0.122,90.0143967,,,43.4994736,4378,5.000,-0.122,7.7,78.4",
            ",29596009.77,4378,208.3982,-0.122,90.0143967,,,43.0671272,4378,5.000,-0.122,7.7,78.4"]
    lines = ["[Header]", "; Copyright 1997-99, Quantum Design, Inc. All rights reserved.",
             "TITLE, PPMS Log Data File", "FILEOPENTIME,29595963.16,6/4/2013,11:53 AM",
             "BYAPP, LogData, 1.1, 2.0",
             "INFO, APPNAME, PPMS MultiVu Application, 1.5.6,6", "TIMEMODE, MINUTES, RELATIVE", "[Data]",
             names, *rows]
    path = _write(tmp_path, "log.DAT", lines)
    with pytest.raises(FormatError) as info:
        magfit.read(path)
    assert "PPMS log file" in str(info.value) and info.value.line == lines.index("[Data]") + 2
    assert "data file" in info.value.hint


def test_refusal_reaches_the_cli_as_a_message_not_a_traceback(tmp_path):
    path = _mpms3_raw_scan(tmp_path)
    out = subprocess.run([sys.executable, "-m", "magfit", "fit", str(path), "--json"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert "raw scan" in out.stdout + out.stderr


# ---------------------------------------------------------------- data files read as written


def test_mpms3_dc_chi_uses_header_mass_and_molecular_weight(tmp_path):
    """MPMS3 DC scan file: 'Moment (emu)' empty, the moment in 'DC Moment Free Ctr (emu)'; the
    header gives SAMPLE_MASS (mg) and SAMPLE_MOLECULAR_WEIGHT (g/mol)."""
    temps = np.array([2.003, 3.137, 5.143, 10.16, 15.18, 20.16])
    moments = np.array([6.8389e-3, 5.8726e-3, 4.8279e-3, 6.9357e-3, 6.3920e-3, 4.8155e-3])
    field = 999.907531738281
    rows = [_mpms3_row({"Time Stamp (sec)": 3764745666.8 + 30 * k, "Temperature (K)": t,
                        "Magnetic Field (Oe)": field, "Transport Action": 6,
                        "Min. Temperature (K)": t - 0.1, "Max. Temperature (K)": t + 0.1,
                        "DC Moment Fixed Ctr (emu)": mom * 0.9998, "DC Moment Err Fixed Ctr (emu)": 3e-4,
                        "DC Moment Free Ctr (emu)": mom, "DC Moment Err Free Ctr (emu)": 3.4e-4,
                        "DC Fixed Fit": 0.96, "DC Free Fit": 0.966})
            for k, (t, mom) in enumerate(zip(temps, moments, strict=True))]
    path = _write(tmp_path, "MvsT.dat", [*_mpms3_header(), ",".join(_MPMS3_NAMES), *rows])
    m = magfit.read(path)
    assert (m.instrument, m.variant) == ("MPMS3", "DC scan")
    assert m.columns["moment_emu"] == "DC Moment Free Ctr (emu)"
    chi = m.susceptibility()
    expected = moments * 839.24 / (7.2e-3 * field)
    np.testing.assert_allclose(np.sort(chi.chi_emu_mol), np.sort(expected), rtol=1e-12)


def test_mpms3_ac_susceptibility_from_ac_x_columns_not_the_ac_moment_magnitude(tmp_path):
    """MPMS3 AC file: 'AC Moment (emu)' is |m| (= sqrt(m'^2 + m''^2)); chi', chi'' must come from
    'AC X' (emu/Oe)' / 'AC X'' (emu/Oe)', scaled by M/mass from the header."""
    xr = np.array([2.0179e-5, 2.5469e-5, 2.9967e-5, 3.4081e-5])
    xi = np.array([1.9939e-5, 2.0614e-5, 2.0197e-5, 1.8807e-5])
    drive = 2.0006
    freqs = [999.04, 787.55, 621.03, 489.51]
    rows = [_mpms3_row({"Time Stamp (sec)": 3720610041.0 + 40 * k, "Temperature (K)": 11.10,
                        "Magnetic Field (Oe)": -0.232215464115143, "Transport Action": 5,
                        "AC Moment (emu)": np.hypot(a, b) * drive, "AC M. Std Err. (emu)": 6e-8,
                        "AC Susceptibility (emu/Oe)": np.hypot(a, b), "AC X' (emu/Oe)": a,
                        "AC X' Std Err. (emu/Oe)": 2.6e-8, "AC X'' (emu/Oe)": b,
                        "AC X'' Std Err. (emu/Oe)": 1.5e-8,
                        "AC Drive (Oe)": drive, "AC Frequency (Hz)": f,
                        "Min. Temperature (K)": 11.09, "Max. Temperature (K)": 11.11})
            for k, (a, b, f) in enumerate(zip(xr, xi, freqs, strict=True))]
    path = _write(tmp_path, "ACvsF.dat", [*_mpms3_header("26.3", "542.53"), ",".join(_MPMS3_NAMES), *rows])
    ac = magfit.read(path).ac_susceptibility()
    scale = 542.53 / 26.3e-3
    np.testing.assert_allclose(ac["chi_real_emu_mol"], xr * scale, rtol=1e-12)
    np.testing.assert_allclose(ac["chi_imag_emu_mol"], xi * scale, rtol=1e-12)
    np.testing.assert_allclose(ac["frequency_Hz"], freqs)


_DYNACOOL_NAMES = (
    "Comment,Time Stamp (sec),Temperature (K),Magnetic Field (Oe),Moment (emu),M. Std. Err. (emu),"
    "Transport Action,Averaging Time (sec),Frequency (Hz),Peak Amplitude (mm),Center Position (mm),"
    "Coil Signal' (mV),Coil Signal\" (mV),Range (mV),M. Quad. Signal (emu),M. Raw' (emu),M. Raw\" (emu),"
    "Min. Temperature (K),Max. Temperature (K),Min. Field (Oe),Max. Field (Oe),Mass (grams)"
)


def test_dynacool_vsm_comment_on_a_full_data_row_keeps_the_row(tmp_path):
    """DynaCool VSM: the first data row carries 'sample offset = 35 mm' in Comment *and* a full
    measurement; it is a data row (not a sequence-comment row) and must not be lost."""
    header = ["[Header]", "; VSM Data File (default extension .dat)",
              "; Copyright (c) 2003-2013, Quantum Design, Inc. All rights reserved.", "TITLE,",
              "FILEOPENTIME,3955396280.57839,05/03/2025,2:10 am", "BYAPP,VSM,1.0,1.0",
              "INFO,DYNACOOL VSM Option Release 1.4.10 Build 1,APPNAME", "INFO,4Cl-Mn-BA,SAMPLE_MATERIAL",
              "INFO,single crystal,SAMPLE_COMMENT", "INFO,1.88,SAMPLE_MASS", "INFO,,SAMPLE_VOLUME",
              "INFO,,SAMPLE_MOLECULAR_WEIGHT", "INFO,,SAMPLE_SIZE", "DATATYPE,COMMENT,1", "DATATYPE,TIME,2",
              "[Data]", _DYNACOOL_NAMES]
    temps = np.array([300.107, 250.0, 200.0, 150.0, 100.0, 50.0])
    moments = np.array([1.3585e-6, 1.61e-6, 2.02e-6, 2.69e-6, 4.03e-6, 8.05e-6])
    rows = []
    for k, (t, mom) in enumerate(zip(temps, moments, strict=True)):
        comment = "sample offset = 35 mm" if k == 0 else ""
        rows.append(f"{comment},{3955399862.2 + 5 * k},{t},999.765,{mom},3.8e-7,1,4.996,40.03,1.99,13.75,"
                    f"7.3e-6,9.7e-7,0.25,-7.3e-8,{mom},-6.8e-8,{t},{t},999.76,999.77,47.43")
    path = _write(tmp_path, "0P1T_FC.DAT", [*header, *rows])
    m = magfit.read(path)
    assert m.instrument == "PPMS VSM" and len(m.data) == len(temps)
    chi = m.susceptibility(molar_mass_g_mol=500.0)
    np.testing.assert_allclose(np.sort(chi.chi_emu_mol), np.sort(moments * 500.0 / (1.88e-3 * 999.765)),
                               rtol=1e-12)


# ---------------------------------------------------------------- DynaCool ACMS II

_ACMS2_NAMES = [
    "Comment", "Time Stamp (sec)", "Temperature (K)", "Magnetic Field (Oe)", "AC Moment (emu)",
    "AC Std. Dev. (emu)", "AC Phase (deg)", "AC Phase Std. Dev. (deg)", "AC Suscept. (emu/Oe)",
    "AC Suscept. Std. Dev. (emu/Oe)", "AC X'  (emu/Oe)", 'AC X" (emu/Oe)', "AC X' Std. Dev. (emu/Oe)",
    'AC X" Std. Dev. (emu/Oe)', "AC Drive (Oe)", "AC Frequency (Hz)", "DC Moment (emu)", "DC Std. Err. (emu)",
    "DC Quad. Moment (emu)", "Range (mV)", '"AC=1 DC=2 Locate=3"', "Measure Type", "Measure Count",
    "Measure Time (sec)", "Measure Number", "Min. Temperature (K)", "Max. Temperature (K)",
    "Min. Field (Oe)", "Max. Field (Oe)"]


def _acms2_file(tmp_path, rows: list[dict]) -> object:
    header = ["[Header]", "; ACMS II Data File (default extension .dat)",
              "; Copyright (c) 2014, Quantum Design, Inc. All rights reserved.", "TITLE,",
              "FILEOPENTIME,3875393061.808,10/20/2022,2:05 am", "BYAPP,ACMS II,1.0,1.2",
              "INFO,DYNACOOL ACMS II Option Release 1.0.8 Build 33,APPNAME", "INFO,0,MOMENT_UNITS",
              "INFO,NiCl2-btdm,SAMPLE_MATERIAL", "INFO,4.8mg cling film,SAMPLE_COMMENT",
              "INFO,22.1,SAMPLE_MASS",
              "INFO,,SAMPLE_VOLUME", "INFO,,SAMPLE_MOLECULAR_WEIGHT", "DATATYPE,COMMENT,1", "DATATYPE,TIME,2",
              "STARTUPGROUP, AC", "FIELDGROUP, AC, 2,3,4,5,6,7,8,9,10,11,12,13,14,15,16",
              "FIELDGROUP, DC, 2,3,4,17,18,19,20,21", "[Data]", ",".join(_ACMS2_NAMES)]
    lines = [",".join("" if r.get(n) is None else str(r[n]) for n in _ACMS2_NAMES) for r in rows]
    return _write(tmp_path, "MvH_1p8K_14T.dat", [*header, *lines])


def test_acms2_dc_rows_use_dc_moment_and_its_error(tmp_path):
    """ACMS II DC rows: moment in 'DC Moment (emu)' (± 'DC Std. Err. (emu)'), AC columns empty,
    measurement code in the quoted column '"AC=1 DC=2 Locate=3"'; the first row carries a comment."""
    fields = np.array([0.062, 5000.0, 10000.0, 20000.0, 30000.0, 20000.0, 10000.0, 0.5])
    moments = np.array([-0.0371, 0.021, 0.040, 0.071, 0.095, 0.072, 0.041, -0.001])
    rows = [{"Comment": "sample offset = 25.15 mm" if k == 0 else None,
             "Time Stamp (sec)": 3875395381.4 + 2 * k, "Temperature (K)": 1.8002,
             "Magnetic Field (Oe)": h, "DC Moment (emu)": mom,
             "DC Std. Err. (emu)": 2.7e-6, "DC Quad. Moment (emu)": 5.2e-5, "Range (mV)": 1,
             '"AC=1 DC=2 Locate=3"': 2, "Measure Count": 80, "Measure Time (sec)": 2, "Measure Number": k + 1,
             "Min. Temperature (K)": 1.7997, "Max. Temperature (K)": 1.8014, "Min. Field (Oe)": h,
             "Max. Field (Oe)": h}
            for k, (h, mom) in enumerate(zip(fields, moments, strict=True))]
    m = magfit.read(_acms2_file(tmp_path, rows))
    assert m.instrument == "PPMS ACMS II" and m.variant == "DC" and len(m.data) == len(fields)
    assert m.columns["moment_emu"] == "DC Moment (emu)"
    assert m.columns["moment_err_emu"] == "DC Std. Err. (emu)"
    np.testing.assert_allclose(m.moment_emu, moments)
    curves = magfit.mh.read_isotherms(m, unit="emu_g")
    assert len(curves) == 1
    np.testing.assert_allclose(np.sort(curves[0].M), np.sort(moments / 22.1e-3), rtol=1e-12)


def test_acms2_ac_rows_give_chi_from_ac_x_columns(tmp_path):
    """ACMS II AC rows (values synthetic, names and layout as written by the instrument): chi' and
    chi'' from "AC X'  (emu/Oe)" (two spaces) / 'AC X" (emu/Oe)', not from |m| = 'AC Moment (emu)'."""
    xr = np.array([3.1e-4, 2.9e-4, 2.5e-4])
    xi = np.array([2.0e-5, 4.1e-5, 6.0e-5])
    drive = 10.0
    rows = [{"Time Stamp (sec)": 3875400000.0 + 5 * k, "Temperature (K)": 2.0, "Magnetic Field (Oe)": 0.05,
             "AC Moment (emu)": np.hypot(a, b) * drive, "AC Std. Dev. (emu)": 1e-8,
             "AC Suscept. (emu/Oe)": np.hypot(a, b), "AC X'  (emu/Oe)": a, 'AC X" (emu/Oe)': b,
             "AC X' Std. Dev. (emu/Oe)": 1e-9, 'AC X" Std. Dev. (emu/Oe)': 2e-9, "AC Drive (Oe)": drive,
             "AC Frequency (Hz)": f, '"AC=1 DC=2 Locate=3"': 1, "Measure Number": k + 1,
             "Min. Temperature (K)": 1.999, "Max. Temperature (K)": 2.001}
            for k, (a, b, f) in enumerate(zip(xr, xi, [10.0, 100.0, 1000.0], strict=True))]
    m = magfit.read(_acms2_file(tmp_path, rows))
    assert m.variant == "AC"
    ac = m.ac_susceptibility(molar_mass_g_mol=250.0)
    scale = 250.0 / 22.1e-3
    np.testing.assert_allclose(ac["chi_real_emu_mol"], xr * scale, rtol=1e-12)
    np.testing.assert_allclose(ac["chi_imag_emu_mol"], xi * scale, rtol=1e-12)
    np.testing.assert_allclose(ac["chi_real_err_emu_mol"], 1e-9 * scale, rtol=1e-12)


# ---------------------------------------------------------------- Quantum Design columns in plain tables


def test_mpms3_columns_copied_without_header_read_the_filled_dc_moment(tmp_path):
    """An MPMS3 DC-scan file with its [Header] block removed (all columns kept): 'Moment (emu)' is
    empty in every row and 'AC Susceptibility (emu/Oe)' is the sample's (not molar); the moment is
    'DC Moment Fixed Ctr (emu)' (± its error) and chi = m M / (mass H)."""
    temps = np.array([2.003, 5.143, 10.16, 15.18, 20.16, 25.0])
    moments = np.array([6.8389e-3, 4.8279e-3, 6.9357e-3, 6.3920e-3, 4.8155e-3, 3.9e-3])
    field = 999.907531738281
    rows = [_mpms3_row({"Time Stamp (sec)": 3764745666.8 + 30 * k, "Temperature (K)": t,
                        "Magnetic Field (Oe)": field, "Transport Action": 6,
                        "DC Moment Fixed Ctr (emu)": mom, "DC Moment Err Fixed Ctr (emu)": 3.0e-4,
                        "DC Moment Free Ctr (emu)": mom * 1.0002, "DC Moment Err Free Ctr (emu)": 3.4e-4,
                        "DC Fixed Fit": 0.96, "DC Free Fit": 0.966})
            for k, (t, mom) in enumerate(zip(temps, moments, strict=True))]
    path = _write(tmp_path, "MvsT_no_header.csv", [",".join(_MPMS3_NAMES), *rows])
    m = magfit.read(path)
    assert m.instrument == "table"
    assert m.columns["moment_emu"] == "DC Moment Fixed Ctr (emu)"
    assert m.columns["moment_err_emu"] == "DC Moment Err Fixed Ctr (emu)"
    assert any("'Moment (emu)' is empty in every row" in n for n in m.provenance["notes"])
    chi = m.susceptibility(mass_mg=7.2, molar_mass_g_mol=839.24)
    np.testing.assert_allclose(np.sort(chi.chi_emu_mol), np.sort(moments * 839.24 / (7.2e-3 * field)),
                               rtol=1e-12)
    np.testing.assert_allclose(chi.chi_err_emu_mol, 3.0e-4 * 839.24 / (7.2e-3 * field), rtol=1e-12)


@pytest.mark.parametrize("moment,error", [("Long Moment (emu)", "Long Scan Std Dev"),
                                          ("DC Moment Free Ctr (emu)", "DC Moment Err Free Ctr (emu)"),
                                          ("DC Moment (emu)", "DC Std. Err. (emu)")])
def test_quantum_design_moment_and_error_names_in_a_bare_table(tmp_path, moment, error):
    """MPMS-XL / MPMS3 / ACMS II moment and error columns exported without the QD header."""
    lines = [f"Time,Field (Oe),Temperature (K),{moment},{error}",
             "1,500,3.0,2.6e-4,1e-7", "2,500,5.0,2.7e-4,2e-7", "3,500,7.0,2.8e-4,3e-7"]
    m = magfit.read(_write(tmp_path, "bare.dat", lines))
    assert m.columns["moment_emu"] == moment and m.columns["moment_err_emu"] == error
    np.testing.assert_allclose(m.moment_err_emu, [1e-7, 2e-7, 3e-7])
