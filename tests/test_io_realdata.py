"""Loaders on real instrument files (../shared/realdata, skipped where absent) and on sample_data/.

Row counts were verified by counting lines in the files: lines after the column-name line. The
MANIFEST counts *measurement* rows (rows with a temperature / non-blank): zfc4a.dat has 1894 data
lines of which one is a sequence comment row (``"ZFC, 100",<time>``) without a temperature, so
1893 measurement rows; the Lake Shore CSV has 803 lines after the names, one of them all commas
(a blank separator between the two branches), so 802 rows.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from conftest import SAMPLE_DATA, realfile

import magfit
from magfit.io.qd import parse_header


def _count_data_lines(path, marker: bytes = b"[Data]") -> int:
    """Independent count: non-blank lines after the line following the marker line."""
    lines = path.read_bytes().splitlines()
    i = next(k for k, ln in enumerate(lines) if ln.strip(b" ,\t\r").startswith(marker))
    return sum(1 for ln in lines[i + 2:] if ln.strip(b" ,\t\r"))


# name part, instrument, variant, data rows (all lines), rows with T (MANIFEST), columns,
# canonical columns that must exist
CASES = [
    ("MT-w_100Oe_post-ZFC", "MPMS3", "VSM", 688, 688, 89,
     {"temperature_K", "field_Oe", "moment_emu", "moment_err_emu", "time_s"}),
    ("VSM_MH.DAT", "PPMS VSM", "VSM", 4866, 4866, 58,
     {"temperature_K", "field_Oe", "moment_emu", "moment_err_emu", "time_s"}),
    ("mvsh3", "MPMS3", "DC scan", 141, 141, 89,
     {"temperature_K", "field_Oe", "moment_emu", "moment_err_emu", "time_s"}),
    ("zfc4a", "MPMS3", "VSM", 1894, 1893, 89,
     {"temperature_K", "field_Oe", "moment_emu", "moment_err_emu", "time_s"}),
    ("zfcfc1", "MPMS3", "DC scan", 504, 504, 89,
     {"temperature_K", "field_Oe", "moment_emu", "moment_err_emu", "time_s"}),
    ("ZFC_0p1T.dc", "MPMS-XL", "DC", 42, 42, 31,
     {"temperature_K", "field_Oe", "moment_emu", "moment_err_emu", "time_s"}),
    ("ac_0Oe11.ac", "MPMS-XL", "AC", 13, 13, 30,
     {"temperature_K", "field_Oe", "moment_ac_real_emu", "moment_ac_imag_emu", "time_s"}),
    ("Na1.9IrO3", "PPMS ACMS", "AC+DC", 235, 235, 57,
     {"temperature_K", "field_Oe", "moment_emu", "moment_err_emu", "moment_ac_real_emu", "measure_type"}),
]


@pytest.mark.parametrize("part,instrument,variant,n_rows,n_with_t,n_cols,canon", CASES,
                         ids=[c[0] for c in CASES])
def test_real_qd_files(part, instrument, variant, n_rows, n_with_t, n_cols, canon):
    path = realfile(part)
    m = magfit.read(path)
    assert m.instrument == instrument
    assert m.variant == variant
    assert len(m.data) == n_rows == _count_data_lines(path)
    assert int(np.isfinite(m.temperature_K).sum()) == n_with_t
    assert m.data.shape[1] == n_cols
    assert canon <= set(m.columns)
    assert m.source == str(path)
    import hashlib
    assert m.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    # every header line is kept verbatim, up to (not including) [Data]
    raw_lines = path.read_bytes().decode(m.provenance["encoding"]).splitlines()
    k = next(i for i, ln in enumerate(raw_lines) if ln.strip(",\t ").startswith("[Data]"))
    assert m.header_lines == raw_lines[:k]


def test_mpms3_vsm_first_row_values():
    m = magfit.read(realfile("MT-w_100Oe_post-ZFC"))
    assert m.columns["moment_emu"] == "Moment (emu)"
    assert m.columns["moment_err_emu"] == "M. Std. Err. (emu)"
    assert m.temperature_K[0] == pytest.approx(3.00078511238098, rel=1e-12)
    assert m.moment_emu[0] == pytest.approx(-3.28165955656732e-7, rel=1e-12)  # 'E-7' exponent
    assert m.field_Oe[0] == pytest.approx(99.6003341674805, rel=1e-12)
    # half of the MPMS3 columns are empty in every row: kept in data, hidden from display
    assert len(m.empty_columns) >= 40
    assert set(m.empty_columns) <= set(m.data.columns)
    assert m.display_frame().shape[1] == m.data.shape[1] - len(m.empty_columns)


def test_mpms3_dc_uses_free_centre_moment_and_error():
    m = magfit.read(realfile("zfcfc1"))
    assert m.columns["moment_emu"] == "DC Moment Free Ctr (emu)"
    assert m.columns["moment_err_emu"] == "DC Moment Err Free Ctr (emu)"
    assert m.data["Moment (emu)"].isna().all()  # the VSM column is empty in DC mode
    assert m.moment_emu[0] == pytest.approx(0.00433629080839285, rel=1e-12)
    assert m.moment_err_emu[0] == pytest.approx(0.000216290144842428, rel=1e-12)
    assert m.temperature_K[0] == pytest.approx(5.00255632400513, rel=1e-12)


def test_mpms3_dc_fixed_centre_override():
    m = magfit.read(realfile("zfcfc1"), columns={"moment_emu": "DC Moment Fixed Ctr (emu)",
                                                 "moment_err_emu": "DC Moment Err Fixed Ctr (emu)"})
    assert m.moment_emu[0] == pytest.approx(0.00429237658884784, rel=1e-12)


def test_zfc_then_fc_recognised_from_order():
    seg = magfit.read(realfile("zfcfc1")).segments()
    assert list(seg["protocol"]) == ["ZFC", "FC"]
    assert list(seg["protocol_source"]) == ["order", "order"]
    assert list(seg["n_rows"]) == [252, 252]
    assert list(seg["direction"]) == ["warming", "warming"]
    assert seg["field_Oe"].iloc[0] == pytest.approx(100.07, abs=0.01)


def test_comment_row_with_quoted_comma_and_zfc_label():
    m = magfit.read(realfile("zfc4a"))
    assert m.data["Comment"].iloc[0] == "ZFC, 100"  # one field despite the comma
    assert m.data["Time Stamp (sec)"].iloc[0] == pytest.approx(3860752588.97959)
    assert np.isnan(m.temperature_K[0])
    assert m.temperature_K[1] == pytest.approx(4.99994373321533, rel=1e-12)
    assert m.moment_emu[1] == pytest.approx(0.000171551296915209, rel=1e-12)
    seg = m.segments()
    assert len(seg) == 1 and seg["protocol"].iloc[0] == "ZFC"
    assert seg["protocol_source"].iloc[0] == "comment"
    assert seg["n_rows"].iloc[0] == 1893
    assert m.header["SAMPLE_MASS"] == "2.875"
    assert m.header["SAMPLE_COMMENT"] == "brown powder"


def test_info_value_with_commas_key_last():
    m = magfit.read(realfile("zfcfc1"))
    assert m.header["APPNAME"] == "MPMS3 Measurement Release 1.1.16 Build 424, MultiVu Release 2.3.4.19"
    assert m.header["SAMPLE_MATERIAL"] == "KMK232"
    assert m.header["SAMPLE_MOLECULAR_WEIGHT"] == ""
    assert m.header["FILEOPENTIME"].startswith("3841155963.45165")


def test_tab_resave_header_and_rows():
    path = realfile("mvsh3")
    m = magfit.read(path)
    assert m.provenance["delimiter"] == "tab"
    # header text was split at commas into tab fields: joined back
    assert m.header["APPNAME"] == "MPMS3 Measurement Release 1.1.16 Build 399, MultiVu Release 2.3.4.15"
    assert m.header["SAMPLE_COMMENT"] == "powder in VSM"
    assert m.header["SAMPLE_MASS"] == ""
    assert m.temperature_K[0] == pytest.approx(5.00263834)
    assert m.field_Oe[0] == pytest.approx(-69999.66406)
    assert m.moment_emu[0] == pytest.approx(-0.055955902)
    seg = m.segments()  # M(H): split by field direction
    assert list(seg["direction"]) == ["increasing field", "decreasing field"]
    assert list(seg["n_rows"]) == [71, 70]


def test_ppms_vsm_cp1252_and_sample_size_with_commas():
    m = magfit.read(realfile("VSM_MH.DAT"))
    assert m.provenance["encoding"] == "cp1252"
    assert "Bridge 1 Excitation (\u00b5A)" in m.data.columns  # byte 0xB5 decoded as micro sign
    assert m.header["SAMPLE_SIZE"] == "(1.98, 1.99, 2.70)"
    assert m.header["SAMPLE_MASS"] == "54.86"
    assert m.data["Comment"].iloc[0].startswith("sample offset = 35.32 mm")
    assert np.isnan(m.moment_emu[0])
    assert m.moment_emu[1] == pytest.approx(-0.300012917328173, rel=1e-12)
    assert m.field_Oe[1] == pytest.approx(159.3925)
    assert 'Coil Signal" (mV)' in m.data.columns  # literal quote inside an unquoted name


def test_mpmsxl_dc_key_first_header_and_three_digit_exponents():
    m = magfit.read(realfile("ZFC_0p1T.dc"))
    assert m.header["NAME"] == "pb6051"
    assert m.header["WEIGHT"] == "48.400"
    assert m.header["APPNAME"] == "MPMS MultiVu Application, Revision 1.60,  Build 081"
    assert m.header["SEQUENCE FILE"] == "pb6051.seq"
    assert m.header["BACKGROUND DATA FILE"] == "None"
    assert m.columns["moment_emu"] == "Long Moment (emu)"
    assert m.columns["moment_err_emu"] == "Long Scan Std Dev"
    assert m.field_Oe[0] == 1000.0  # written as 1.000000e+003
    assert m.temperature_K[0] == pytest.approx(1.999682)
    assert m.moment_emu[0] == pytest.approx(5.397742e-02)
    assert m.time_s[0] == pytest.approx(1480485262.746)
    assert m.data.columns[1] == "Comment"  # second column on MPMS-XL
    # trailing comma in the column-name line: an unnamed, empty column, kept
    assert m.data.columns[-1] == "Unnamed: 30" and m.data["Unnamed: 30"].isna().all()


def test_mpmsxl_ac_columns():
    m = magfit.read(realfile("ac_0Oe11.ac"))
    assert m.column("moment_ac_real_emu")[0] == pytest.approx(1.181545e-4)
    assert m.column("moment_ac_imag_emu")[0] == pytest.approx(3.978727e-5)
    assert m.columns["moment_ac_imag_emu"] == 'm" (emu)'
    assert m.column("ac_frequency_Hz")[0] == pytest.approx(0.100003)
    assert m.header["SHAPE"] == "-1.3E-6"
    assert set(m.row_kind()) == {"AC"}
    with pytest.raises(magfit.FormatError, match="only AC rows"):
        m.susceptibility(mass_mg=21.3, molar_mass_g_mol=100.0)


def test_acms_ragged_crlf_freeform_mass_and_dc_ac_split():
    m = magfit.read(realfile("Na1.9IrO3"))
    assert m.provenance["line_endings"] == "CRLF"
    assert m.provenance["declared_columns"] == 57
    assert m.header["mass (g)"] == "0.0467"
    assert m.header["HARMONICS"] == "1"
    assert m.data["Map 29 ()"].isna().all()  # declared but absent from the 53-field rows
    kind = m.row_kind()
    assert (kind == "DC").sum() == 201 and (kind == "AC").sum() == 34
    i = int(np.flatnonzero(kind == "DC")[0])
    assert m.moment_emu[i] == pytest.approx(0.00428542130337945, rel=1e-12)
    assert m.field_Oe[i] == pytest.approx(9999.099)
    assert m.columns["moment_emu"] == "M-DC (emu)"  # not 'Moment (emu)' (the AC amplitude)
    seg = m.segments()
    assert set(seg["kind"]) == {"AC", "DC"}
    assert seg.loc[seg["kind"] == "DC", "n_rows"].sum() == 201
    dc = m.select("DC")
    assert len(dc.data) == 201


def test_acms_susceptibility_defaults_to_dc_rows():
    m = magfit.read(realfile("Na1.9IrO3"))
    chi = m.susceptibility(formula="Na1.9IrO3")
    assert len(chi) == 201
    assert "DC rows only" in chi.provenance["selection"]
    assert chi.provenance["sample"]["mass_mg"] == pytest.approx(46.7)
    assert chi.provenance["columns"]["moment_emu"] == "M-DC (emu)"
    # chi = m M / (mass H) for the first DC row, by hand
    molar = magfit.sample.molar_mass_g_mol("Na1.9IrO3")
    expected = 0.00428542130337945 * molar / (0.0467 * 9999.099)
    assert chi.chi_emu_mol[0] == pytest.approx(expected, rel=1e-12)


def test_lakeshore_csv():
    path = realfile("vsm_testdata.csv")
    m = magfit.read(path)
    assert m.instrument == "Lake Shore VSM"
    assert len(m.data) == 802
    assert m.provenance["blank_rows"]["count"] == 1
    assert m.data.shape[1] == 8
    assert m.header["Mass"] == "1.00000 g"
    assert m.header["Demagnetization factor"] == "0.00000 in CGS"
    assert m.header["RUN ON SOFTWARE VERSION"] == "1.2"
    assert m.columns["field_Oe"] == "Field [Oe]"
    assert m.columns["moment_emu"] == "Moment (m) [emu]"
    assert "temperature_K" not in m.columns
    assert m.field_Oe[0] == pytest.approx(20000.20798)
    assert m.moment_emu[0] == pytest.approx(-7.81e-5)
    assert m.data["Field Status"].iloc[0] == "GOOD"


def test_file_object_text_and_binary_give_same_result():
    path = realfile("ZFC_0p1T.dc")
    a = magfit.read(path)
    with open(path, "rb") as fh:
        b = magfit.read(fh)
    with open(path, encoding="utf-8") as fh:
        c = magfit.read(fh)
    c2 = magfit.read(io.StringIO(path.read_text()))
    for other in (b, c, c2):
        assert other.instrument == a.instrument
        np.testing.assert_array_equal(other.moment_emu, a.moment_emu)
    assert b.sha256 == a.sha256


def test_parse_header_both_layouts_and_freeform():
    h = parse_header(["INFO,Some value, with comma,SAMPLE_MATERIAL", "INFO,mass (g) =,0.0467",
                      "INFO,,", "TITLE,abc"], ",", key_first=False)
    assert h == {"SAMPLE_MATERIAL": "Some value, with comma", "mass (g)": "0.0467", "TITLE": "abc"}
    h = parse_header(["INFO, NAME, pb6051", "INFO, APPNAME, App, Revision 1", "INFO, SEQUENCE FILE: x.seq"],
                     ",", key_first=True)
    assert h == {"NAME": "pb6051", "APPNAME": "App, Revision 1", "SEQUENCE FILE": "x.seq"}


def test_data_line_anywhere(tmp_path):
    text = ("[Header]\nTITLE,x\n" + "INFO,1,K%d\n" * 0 + "".join(f"INFO,{i},KEY_{i}\n" for i in range(60))
            + "[Data]\nComment,Time Stamp (sec),Temperature (K),Magnetic Field (Oe),Moment (emu)\n"
            + ",1,2.0,100,1e-3\n,2,3.0,100,2e-3\n")
    p = tmp_path / "late.dat"
    p.write_text(text)
    m = magfit.read(p)
    assert m.provenance["data_line"] == 63
    assert m.header["KEY_59"] == "59"
    assert list(m.temperature_K) == [2.0, 3.0]


# ----------------------------------------------------------------- project's own sample_data
def test_sample_data_mpms3_dc():
    m = magfit.read(SAMPLE_DATA / "gd_sulfate_mpms3.dat")
    assert (m.instrument, m.variant) == ("MPMS3", "DC scan")
    assert len(m.data) == 81
    assert m.columns["moment_emu"] == "DC Moment Free Ctr (emu)"
    assert m.header["SAMPLE_MASS"] == "10.0"
    chi = m.susceptibility(formula="Gd2(SO4)3(H2O)8", per_ion="Gd")
    # README: Curie-Weiss per Gd with C = 7.878 emu K/mol, theta = -0.5 K, chi0 = -264.3e-6 per f.u.
    t, x = chi.temperature_K, chi.chi_emu_mol
    model = 7.878 / (t + 0.5) - 264.3e-6 / 2
    assert np.median(np.abs(x / model - 1)) < 0.01
    assert chi.per == "Gd"


def test_sample_data_mpmsxl():
    m = magfit.read(SAMPLE_DATA / "mno_like_afm_mpmsxl.dat")
    assert (m.instrument, m.variant) == ("MPMS-XL", "DC")
    assert len(m.data) == 88
    assert m.header["WEIGHT"] == "25.000"
    chi = m.susceptibility(formula="MnO")
    hi = chi.temperature_K > 100  # Curie-Weiss above T_N: C = 4.3767, theta = -60 K, chi0 = -26e-6
    model = 4.3767 / (chi.temperature_K[hi] + 60) - 26.0e-6
    assert np.median(np.abs(chi.chi_emu_mol[hi] / model - 1)) < 0.01


def test_sample_data_csv_tables():
    m = magfit.read(SAMPLE_DATA / "ferromagnet_above_tc.csv")
    assert (m.instrument, m.variant) == ("table", "moment table")
    assert len(m.data) == 76
    assert {"temperature_K", "field_Oe", "moment_emu", "moment_err_emu"} <= set(m.columns)
    chi = magfit.read(SAMPLE_DATA / "chi_table.csv").susceptibility()
    assert len(chi) == 97
    model = 0.45143 / (chi.temperature_K + 3.0)
    assert np.median(np.abs(chi.chi_emu_mol / model - 1)) < 0.01


@pytest.mark.parametrize("part,data_line", [
    ("MT-w_100Oe_post-ZFC", 44), ("VSM_MH.DAT", 34), ("mvsh3", 27), ("zfc4a", 40), ("zfcfc1", 40),
    ("ZFC_0p1T.dc", 30), ("ac_0Oe11.ac", 27), ("Na1.9IrO3", 30)])
def test_data_line_found_wherever_it_is(part, data_line):
    m = magfit.read(realfile(part))
    assert m.provenance["data_line"] == data_line
    assert m.provenance["first_data_line"] == data_line + 2


def test_mpmsxl_ac_trailing_comma_unnamed_column():
    m = magfit.read(realfile("ac_0Oe11.ac"))
    assert m.provenance["declared_columns"] == 30
    assert m.data.columns[-1] == "Unnamed: 29"
    assert m.data["Unnamed: 29"].isna().all()
    assert "Unnamed: 29" in m.empty_columns


@pytest.mark.parametrize("part,mode", [("zfcfc1", "sweep"), ("MT-w_100Oe_post-ZFC", "sweep"),
                                       ("Na1.9IrO3", "settle"), ("mvsh3", "constant")])
def test_temperature_mode_from_min_max_columns(part, mode):
    # sweep: the T spread during one point (Max - Min) is comparable to the step between points
    assert magfit.read(realfile(part)).provenance["temperature_mode"] == mode


def test_sample_data_dc_settle_mode():
    assert magfit.read(SAMPLE_DATA / "gd_sulfate_mpms3.dat").provenance["temperature_mode"] == "settle"
