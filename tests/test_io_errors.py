"""Bad input: every failure is a magfit exception naming file/line/column and the fix."""

from __future__ import annotations

import io

import numpy as np
import pytest
from conftest import REALDATA, SAMPLE_DATA, realfile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import magfit
from magfit import FormatError, MagfitError, UnitsError

QD_TEXT = (
    "[Header]\n; MPMS3 Data File (default extension .dat)\nTITLE,\n"
    "INFO,12.5,SAMPLE_MASS\nINFO,300.0,SAMPLE_MOLECULAR_WEIGHT\n[Data]\n"
    "Comment,Time Stamp (sec),Temperature (K),Magnetic Field (Oe),Moment (emu),M. Std. Err. (emu)\n"
    ",1,2.0,1000,1.0e-3,1e-6\n,2,3.0,1000,0.9e-3,1e-6\n,3,4.0,1000,0.8e-3,1e-6\n"
)


def _write(tmp_path, text, name="f.dat", mode="w"):
    p = tmp_path / name
    if mode == "w":
        p.write_text(text, encoding="utf-8", newline="")
    else:
        p.write_bytes(text)
    return p


def test_empty_file(tmp_path):
    p = _write(tmp_path, "")
    with pytest.raises(FormatError, match="empty") as err:
        magfit.read(p)
    assert str(p) in str(err.value)


def test_whitespace_only_file(tmp_path):
    with pytest.raises(FormatError, match="empty"):
        magfit.read(_write(tmp_path, "\n \n\t\n"))


def test_binary_file(tmp_path):
    p = _write(tmp_path, bytes(range(256)) * 4, mode="b")
    with pytest.raises(FormatError, match="binary") as err:
        magfit.read(p)
    assert "line 1" in str(err.value) and "export" in str(err.value)


def test_missing_data_section(tmp_path):
    p = _write(tmp_path, QD_TEXT.split("[Data]")[0])
    with pytest.raises(FormatError, match=r"no \[Data\] line") as err:
        magfit.read(p)
    assert err.value.line == 6 and "truncated" in str(err.value)


def test_truncated_after_data_line(tmp_path):
    p = _write(tmp_path, QD_TEXT.split("[Data]")[0] + "[Data]")
    with pytest.raises(FormatError, match="no column-name line"):
        magfit.read(p)


def test_no_rows_after_names(tmp_path):
    text = QD_TEXT.split(",1,2.0")[0]
    with pytest.raises(FormatError, match="no data rows") as err:
        magfit.read(_write(tmp_path, text))
    assert err.value.line == 8


def test_truncated_last_row_is_flagged_not_lost(tmp_path):
    text = QD_TEXT[: QD_TEXT.rindex(",1000,0.8e-3")]  # cut mid-row, no newline
    m = magfit.read(_write(tmp_path, text))
    assert len(m.data) == 3
    assert m.provenance["truncated_last_row"] == 10
    chi = m.susceptibility()
    assert len(chi) == 2
    assert chi.provenance["dropped"] == {"moment missing (NaN)": 1}


def test_no_temperature_column(tmp_path):
    text = QD_TEXT.replace("Temperature (K)", "Sample Thing")
    with pytest.raises(FormatError, match="no temperature column") as err:
        magfit.read(_write(tmp_path, text))
    assert "columns={'temperature_K'" in str(err.value)
    # the explicit mapping is the fix
    m = magfit.read(_write(tmp_path, text, "g.dat"), columns={"temperature_K": "Sample Thing"})
    assert list(m.temperature_K) == [2.0, 3.0, 4.0]


def test_no_temperature_column_in_chi_table(tmp_path):
    with pytest.raises(FormatError, match="no temperature column"):
        magfit.read(_write(tmp_path, "field_Oe,chi_emu_mol\n1000,0.1\n1000,0.2\n", "c.csv"))


def test_non_numeric_cells_are_counted_with_line(tmp_path):
    text = QD_TEXT.replace(",2,3.0,1000,0.9e-3", ",2,3.0,1000,oops")
    m = magfit.read(_write(tmp_path, text))
    bad = m.provenance["non_numeric"]["Moment (emu)"]
    assert bad == {"cells": 1, "first_line": 9, "example": "oops"}
    assert np.isnan(m.moment_emu[1])
    chi = m.susceptibility()
    assert chi.provenance["dropped"] == {"moment missing (NaN)": 1}
    assert "non_numeric" in m.summary()


def test_column_without_any_number_is_an_error(tmp_path):
    text = QD_TEXT.replace("2.0,1000", "a,1000").replace("3.0,1000", "b,1000").replace("4.0,1000", "c,1000")
    with pytest.raises(FormatError, match="holds no numbers") as err:
        magfit.read(_write(tmp_path, text))
    assert err.value.column == "Temperature (K)" and err.value.line == 8


def test_zero_field_names_the_parameter(tmp_path):
    text = QD_TEXT.replace(",1000,", ",0,")
    m = magfit.read(_write(tmp_path, text))
    with pytest.raises(UnitsError, match=r"field_Oe=.*--field-oe"):
        m.susceptibility()
    chi = m.susceptibility(field_Oe=1000.0)
    assert chi.provenance["columns"]["field_Oe"] == "argument field_Oe"
    assert chi.chi_emu_mol[0] == pytest.approx(1.0e-3 * 300.0 / (12.5e-3 * 1000.0))


def test_some_zero_field_rows_are_dropped_and_counted(tmp_path):
    text = QD_TEXT.replace(",2,3.0,1000,", ",2,3.0,0,")
    chi = magfit.read(_write(tmp_path, text)).susceptibility()
    assert len(chi) == 2
    assert chi.provenance["dropped"] == {"zero field": 1}


def test_missing_field_column(tmp_path):
    text = "T (K),M (emu)\n2,1e-3\n3,2e-3\n"
    m = magfit.read(_write(tmp_path, text, "t.csv"))
    with pytest.raises(UnitsError, match="field_Oe="):
        m.susceptibility(mass_mg=1.0, molar_mass_g_mol=100.0)


@pytest.mark.parametrize("mass", [0.0, -1.0])
def test_mass_not_positive(tmp_path, mass):
    m = magfit.read(_write(tmp_path, QD_TEXT))
    with pytest.raises(magfit.SampleError, match="mass_mg"):
        m.susceptibility(mass_mg=mass)


def test_header_mass_missing(tmp_path):
    m = magfit.read(_write(tmp_path, QD_TEXT.replace("INFO,12.5,SAMPLE_MASS", "INFO,,SAMPLE_MASS")))
    with pytest.raises(magfit.SampleError, match="mass_mg="):
        m.susceptibility()


def test_unknown_format(tmp_path):
    with pytest.raises(FormatError, match="not recognised") as err:
        magfit.read(_write(tmp_path, "hello world\nthis is prose\n", "x.txt"))
    assert "format='table'" in str(err.value)


def test_file_not_found(tmp_path):
    with pytest.raises(FormatError, match="file not found"):
        magfit.read(tmp_path / "nope.dat")


def test_unknown_unit_and_bad_override(tmp_path):
    p = _write(tmp_path, "T (K),chi (emu/mol)\n2,0.1\n3,0.05\n", "c.csv")
    with pytest.raises(magfit.UnitsError, match="not known"):
        magfit.read(p, units={"chi (emu/mol)": "furlongs"})
    with pytest.raises(FormatError, match="not in the file"):
        magfit.read(p, columns={"temperature_K": "Temp"})
    with pytest.raises(magfit.UnitsError, match="canonical"):
        magfit.read(p, columns={"temp": "T (K)"})


def test_bad_segment_lists_available(tmp_path):
    m = magfit.read(_write(tmp_path, QD_TEXT))
    with pytest.raises(FormatError, match="available segments: 0: DC H=1000 Oe warming"):
        m.select("ZFC")


def test_wider_rows_than_header_get_unnamed_columns(tmp_path):
    text = QD_TEXT.replace(",3,4.0,1000,0.8e-3,1e-6\n", ",3,4.0,1000,0.8e-3,1e-6,extra\n")
    m = magfit.read(_write(tmp_path, text))
    assert "Unnamed: 6" in m.data.columns
    assert m.data["Unnamed: 6"].iloc[2] == "extra"


def test_encodings_recorded(tmp_path):
    csv = "T (K),chi (emu/mol),note\n2,0.1,\u00b5\n3,0.05,x\n"
    m = magfit.read(_write(tmp_path, csv.encode("cp1252"), "a.csv", mode="b"))
    assert m.provenance["encoding"] == "cp1252" and m.data["note"].iloc[0] == "\u00b5"
    m = magfit.read(_write(tmp_path, csv.encode("utf-8-sig"), "b.csv", mode="b"))
    assert m.provenance["encoding"] == "utf-8-sig" and m.columns["temperature_K"] == "T (K)"
    m = magfit.read(_write(tmp_path, csv.encode("utf-16"), "c.csv", mode="b"))
    assert m.provenance["transcoded_from"] == "utf-16"
    m = magfit.read(io.BytesIO(csv.replace("\n", "\r\n").encode()))
    assert m.provenance["line_endings"] == "CRLF" and m.data.shape == (2, 3)


# --------------------------------------------------------------- hypothesis: mutated real files
def _small_real_files():
    if not REALDATA.is_dir():
        return []
    names = ["ZFC_0p1T.dc", "ac_0Oe11.ac", "Na1.9IrO3", "vsm_testdata.csv"]
    return [p for p in sorted(REALDATA.iterdir()) if any(n in p.name for n in names)]


_FILES = _small_real_files()
_BYTES = {p.name: p.read_bytes()[:20000] for p in _FILES}


def _exercise(raw: bytes) -> None:
    try:
        m = magfit.read(io.BytesIO(raw))
        m.summary()
        m.segments()
        m.susceptibility(mass_mg=10.0, molar_mass_g_mol=100.0, field_Oe=1000.0)
    except MagfitError:
        pass


@pytest.mark.skipif(not _FILES, reason="../shared/realdata is not present")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_real_files_raise_only_magfit_errors(data):
    name = data.draw(st.sampled_from(sorted(_BYTES)))
    raw = bytearray(_BYTES[name])
    op = data.draw(st.sampled_from(["truncate", "flip", "insert", "delete_lines", "dup_lines"]))
    if op == "truncate":
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    elif op == "flip":
        for _ in range(data.draw(st.integers(1, 20))):
            i = data.draw(st.integers(0, len(raw) - 1))
            raw[i] = data.draw(st.integers(0, 255))
    elif op == "insert":
        i = data.draw(st.integers(0, len(raw)))
        raw[i:i] = data.draw(st.binary(min_size=1, max_size=40))
    else:
        lines = bytes(raw).split(b"\n")
        i = data.draw(st.integers(0, len(lines) - 1))
        j = data.draw(st.integers(i, min(len(lines), i + 30)))
        lines[i:j] = [] if op == "delete_lines" else lines[i:j] * 2
        raw = bytearray(b"\n".join(lines))
    _exercise(bytes(raw))


def test_mutation_examples_that_must_not_escape(tmp_path):
    """Regression cases: '[Data]' as the last line, names only, a NUL byte mid-file."""
    for text in (b"[Header]\n[Data]\n", b"[Data]\nA,B\n", b"[Header]\nTITLE,x\n[Data]\nT,M\n1,\x00\n",
                 b"T (K),chi\n", b"#DATA\n##DATA TABLE x\n"):
        _exercise(text)
    if _FILES:
        _exercise(realfile("ZFC_0p1T.dc").read_bytes().replace(b"[Data]", b"[Dat]"))


def test_text_stream_with_wrong_encoding_names_the_fix(tmp_path):
    p = tmp_path / "cp.csv"
    p.write_bytes("T (K),chi (emu/mol),note\n2,0.1,\u00b5\n".encode("cp1252"))
    with open(p, encoding="utf-8") as fh, pytest.raises(FormatError, match=r"binary mode \('rb'\)"):
        magfit.read(fh)
    with open(p, "rb") as fh:
        assert magfit.read(fh).provenance["encoding"] == "cp1252"


def test_latin1_fallback_when_cp1252_cannot_decode(tmp_path):
    # 0x81 is undefined in cp1252: only latin-1 decodes it
    p = _write(tmp_path, b"T (K),chi (emu/mol),note\n2,0.1,\x81\n3,0.2,x\n", "l.csv", mode="b")
    m = magfit.read(p)
    assert m.provenance["encoding"] == "latin-1"
    assert m.data["note"].iloc[0] == "\x81"


def test_first_reads_from_many_threads_at_once():
    """A fresh process whose first magfit.read calls come from several threads at once (a thread pool,
    a dask processes=False cluster) must find the reader registry complete in every thread."""
    import subprocess
    import sys

    code = (
        "import concurrent.futures as cf, magfit\n"
        f"path = {str(SAMPLE_DATA / 'chi_table.csv')!r}\n"
        "with cf.ThreadPoolExecutor(8) as ex:\n"
        "    out = list(ex.map(lambda _: magfit.read(path).instrument, range(32)))\n"
        "assert set(out) == {'table'}, out\n"
    )
    for _ in range(3):
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr[-2000:]


def test_directory_points_to_the_folder_tools(tmp_path):
    # a folder given as a file: the hint names what a user can run (was "use magfit.batch")
    with pytest.raises(FormatError, match="is a directory") as info:
        magfit.read(tmp_path)
    assert "magfit report DIR -o OUT" in str(info.value) and "fit_many" in str(info.value)
