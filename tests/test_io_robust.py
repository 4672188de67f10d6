"""Regression tests for the loader findings of the fuzz run (issue 11, section 2).

Each test damages a sample file the way the fuzzer did and checks what a person reading the file
would expect: every row is kept or counted, the right line is named, nothing hangs, and any
failure is a MagfitError.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
import warnings

import numpy as np
import pytest
from conftest import SAMPLE_DATA
from fuzzkit import row_accounting

import magfit
from magfit.cli import main
from magfit.errors import FormatError, MagfitError

GD = SAMPLE_DATA / "gd_sulfate_mpms3.dat"
TABLE = SAMPLE_DATA / "chi_table.csv"


def _qd_parts(raw: bytes) -> tuple[list[bytes], int]:
    lines = raw.split(b"\n")
    data = next(i for i, ln in enumerate(lines) if ln.startswith(b"[Data]"))
    return lines, data + 2  # index of the first data row


def _n_rows(raw: bytes, first: int) -> int:
    return sum(1 for ln in raw.split(b"\n")[first:] if ln.strip())


def _write(tmp_path, name: str, raw: bytes):
    path = tmp_path / name
    path.write_bytes(raw)
    return path


def _clean_gd():
    return magfit.read(GD)


def test_unclosed_quote_in_a_data_row_keeps_every_row(tmp_path):
    raw = GD.read_bytes()
    lines, first = _qd_parts(raw)
    n = _n_rows(raw, first)
    bad = first + 3
    lines[bad] = lines[bad].replace(b",", b',"', 1)  # a field that opens a quote and never closes it
    path = _write(tmp_path, "quote.dat", b"\n".join(lines))
    m = magfit.read(path)
    assert len(m.data) == n
    assert m.provenance["unbalanced_quotes"] == {"count": 1, "lines": [bad + 1]}
    clean = _clean_gd()
    np.testing.assert_array_equal(m.temperature_K, clean.temperature_K)  # no row shifted
    assert row_accounting(path.read_bytes(), m) is None


def test_quote_with_a_huge_field_after_it_is_no_csv_error(tmp_path):
    """One stray quote before > 131072 characters raised a bare _csv.Error (field limit)."""
    raw = GD.read_bytes()
    lines, first = _qd_parts(raw)
    lines[first] = b'"' + lines[first] + b",1" * 70_000  # also wider than the header
    path = _write(tmp_path, "quote_big.dat", b"\n".join(lines))
    try:
        m = magfit.read(path)
    except FormatError as exc:
        assert exc.line is not None and "fields" in str(exc)
    else:
        assert row_accounting(path.read_bytes(), m) is None


@pytest.mark.parametrize("junk", [b"\r\r\n", b"\x0c", b"\x85", b"\xc2\x85", b"\x0b", b"\xe2\x80\xa8"],
                         ids=["CR-CR-LF", "form-feed", "NEL-cp1252", "NEL-utf8", "VT", "LINE-SEP"])
def test_odd_line_breaks_above_a_table_header_lose_no_row(tmp_path, junk):
    raw = TABLE.read_bytes()
    n = _n_rows(raw, 1)
    path = _write(tmp_path, "odd.csv", b"# exported" + junk + b"by hand\n" + raw)
    m = magfit.read(path)
    assert len(m.data) == n
    assert m.data.iloc[0, 0] == 2.0  # the first data row of chi_table.csv (T = 2 K)
    assert row_accounting(path.read_bytes(), m) is None


def test_cr_only_line_endings_load(tmp_path):
    raw = GD.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    m = magfit.read(_write(tmp_path, "mac.dat", raw))
    assert len(m.data) == len(_clean_gd().data)
    assert m.provenance["line_endings"] == "CR"
    tab = magfit.read(_write(tmp_path, "mac.csv", TABLE.read_bytes().replace(b"\n", b"\r")))
    assert len(tab.data) == _n_rows(TABLE.read_bytes(), 1)


def test_ten_megabyte_line_without_newline_fails_fast(tmp_path):
    raw = GD.read_bytes()
    for tail, name in ((b"1," * 5_000_000, "commas.dat"), (b"7" * 10_000_000, "digits.dat")):
        path = _write(tmp_path, name, raw + tail)
        t0 = time.perf_counter()
        try:
            m = magfit.read(path)
        except FormatError as exc:
            assert exc.line == raw.count(b"\n") + 1, str(exc)
        else:
            assert row_accounting(path.read_bytes(), m) is None
        assert time.perf_counter() - t0 < 30


def test_runaway_column_name_line_is_refused(tmp_path):
    raw = GD.read_bytes()
    lines, first = _qd_parts(raw)
    lines[first - 1] += b"," * 50_000
    with pytest.raises(FormatError, match="column-name line has") as err:
        magfit.read(_write(tmp_path, "wide.dat", b"\n".join(lines)))
    assert err.value.line == first  # 1-based line of the names


def test_runaway_first_data_row_fails_fast(tmp_path):
    """pandas sizes the frame from the first row: a 90,000-field first row took it minutes."""
    raw = GD.read_bytes()
    lines, first = _qd_parts(raw)
    lines[first] += b",1" * 90_000
    t0 = time.perf_counter()
    with pytest.raises(FormatError, match="90089 fields") as err:
        magfit.read(_write(tmp_path, "wide_row.dat", b"\n".join(lines)))
    assert err.value.line == first + 1
    assert time.perf_counter() - t0 < 10


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_path_is_an_error_not_a_hang(tmp_path):
    fifo = tmp_path / "pipe.dat"
    os.mkfifo(fifo)
    t0 = time.perf_counter()
    with pytest.raises(FormatError, match="FIFO"):
        magfit.read(fifo)
    assert time.perf_counter() - t0 < 5


@pytest.mark.skipif(sys.platform == "win32", reason="/dev/null is POSIX")
def test_device_path_is_an_error():
    with pytest.raises(FormatError, match="device"):
        magfit.read("/dev/null")


def test_sha256_is_of_the_file_bytes():
    assert _clean_gd().sha256 == hashlib.sha256(GD.read_bytes()).hexdigest()


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_utf16_with_or_without_bom_and_utf8_bom(tmp_path, codec):
    text = TABLE.read_bytes().decode("ascii")
    m = magfit.read(_write(tmp_path, "enc.csv", text.encode(codec)))
    assert len(m.data) == _n_rows(TABLE.read_bytes(), 1)
    assert list(m.columns)[:2] == ["temperature_K", "chi_emu_mol"]


def test_blank_and_empty_rows_are_counted(tmp_path):
    raw = TABLE.read_bytes().split(b"\n")
    raw[3:3] = [b"", b"   ", b",,"]
    path = _write(tmp_path, "blank.csv", b"\n".join(raw))
    m = magfit.read(path)
    assert m.provenance["dropped_rows"] == {"blank line": 2, "no value in any column": 1}
    assert row_accounting(path.read_bytes(), m) is None
    assert "dropped_rows" in m.summary()


def test_1e308_cells_give_no_overflow_warning_and_are_counted(tmp_path):
    raw = GD.read_bytes()
    lines, first = _qd_parts(raw)
    names = [n.strip() for n in lines[first - 1].split(b",")]
    j = names.index(b"DC Moment Free Ctr (emu)")
    k = names.index(b"Magnetic Field (Oe)")
    for r, col in ((first + 4, j), (first + 5, j), (first + 6, k)):
        fields = lines[r].split(b",")
        fields[col] = b"1e308"
        lines[r] = b",".join(fields)
    m = magfit.read(_write(tmp_path, "big.dat", b"\n".join(lines)))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        m.segments()
        m.summary()
        chi = m.susceptibility(formula="Gd2(SO4)3(H2O)8", per_ion="Gd")
    dropped = chi.provenance["dropped"]
    # m = 1e308 emu overflows in m * M / (mass H): two rows; H = 1e308 Oe gives a finite tiny chi
    assert sum(v for key, v in dropped.items() if "overflow" in key) == 2
    assert len(chi) == len(m.data) - 2


def test_1e308_in_min_max_temperature_columns_reads_quietly(tmp_path):
    """The sweep/settle detection subtracts Max. - Min. Temperature: 1e308 - (-1e308) overflowed."""
    raw = GD.read_bytes()
    lines, first = _qd_parts(raw)
    names = [n.strip() for n in lines[first - 1].split(b",")]
    lo, hi = names.index(b"Min. Temperature (K)"), names.index(b"Max. Temperature (K)")
    fields = lines[first].split(b",")
    fields[lo], fields[hi] = b"-1e308", b"1e308"
    lines[first] = b",".join(fields)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        m = magfit.read(_write(tmp_path, "minmax.dat", b"\n".join(lines)))
    assert len(m.data) == len(_clean_gd().data)


def test_no_usable_rows_names_the_reasons(tmp_path):
    raw = GD.read_bytes()
    lines, first = _qd_parts(raw)
    names = [n.strip() for n in lines[first - 1].split(b",")]
    j = names.index(b"Temperature (K)")
    for r in range(first, len(lines)):
        if lines[r].strip():
            fields = lines[r].split(b",")
            fields[j] = b"nan"
            lines[r] = b",".join(fields)
    m = magfit.read(_write(tmp_path, "notemp.dat", b"\n".join(lines)))
    with pytest.raises(MagfitError) as err:
        m.susceptibility(formula="Gd2(SO4)3(H2O)8")
    text = str(err.value)
    assert "dropped: {}" not in text
    assert f"all {len(m.data)} rows dropped ({len(m.data)} with temperature missing" in text
    assert "notemp.dat" in text


def test_all_zero_moment_fit_json_keeps_the_verdict(tmp_path, capsys):
    """C = 0: classify must not divide by zero, and the verdict must be in the JSON (exit 0)."""
    raw = GD.read_bytes()
    lines, first = _qd_parts(raw)
    names = [n.strip() for n in lines[first - 1].split(b",")]
    j = names.index(b"DC Moment Free Ctr (emu)")
    for r in range(first, len(lines)):
        if lines[r].strip():
            fields = lines[r].split(b",")
            fields[j] = b"0"
            lines[r] = b",".join(fields)
    path = _write(tmp_path, "zero.dat", b"\n".join(lines))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        rc = main(["fit", "--json", str(path), "--formula", "Gd2(SO4)3(H2O)8", "--per-ion", "Gd"])
    row = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert rc == 0 and "enricher_errors" not in row
    assert row["label"] == "undetermined" and row["C_emu_K_mol"] == 0.0


def test_holder_path_is_read_without_convert_importing_io():
    m = magfit.read(SAMPLE_DATA / "mixed_kondo_like.dat")
    holder = SAMPLE_DATA / "empty_holder_mpms3.dat"
    by_path = m.susceptibility(formula="CePd3", holder=str(holder))
    by_object = m.susceptibility(formula="CePd3", holder=magfit.read(holder))
    np.testing.assert_array_equal(by_path.chi_emu_mol, by_object.chi_emu_mol)
    assert by_path.provenance["corrections"]["holder"]["source"] == str(holder)


@pytest.mark.parametrize("case", ["repeated_names", "garbage_above_names", "bom_comment"])
def test_header_rows_between_names_and_data_are_counted(tmp_path, case):
    """Long fuzz run (lead, merged loaders): a repeated names line, or a non-comment line above the
    names (a '#' flipped to another byte), made column_names_line point at the wrong line and the
    extra header row went uncounted."""
    lines = (SAMPLE_DATA / "ferromagnet_above_tc.csv").read_bytes().split(b"\n")
    names_at = next(i for i, ln in enumerate(lines) if ln.startswith(b"Temperature"))
    if case == "repeated_names":
        lines.insert(names_at + 1, lines[names_at])
    elif case == "garbage_above_names":
        lines[names_at - 1] = b"\xb0" + lines[names_at - 1].lstrip(b"#")
    else:
        lines[0] = b"\xef\xbb\xbf" + lines[0]
    path = _write(tmp_path, f"{case}.csv", b"\n".join(lines))
    m = magfit.read(path)
    assert row_accounting(path.read_bytes(), m) is None
    assert m.provenance["column_names_line"] == names_at + 1


def test_a_column_name_padded_with_thousands_of_spaces_is_no_hang(tmp_path):
    """Long fuzz run (lead): 'T' + 25,000 spaces + '(K)' as a column name took 18 s in a quadratic
    regular expression of the name matcher; it now reads like 'T (K)' (hang guard, not a timing)."""
    from fuzzkit import time_limit

    lines = TABLE.read_bytes().split(b"\n")
    lines[0] = lines[0].replace(b"T (K)", b"T" + b" " * 25000 + b"(K)", 1)
    path = _write(tmp_path, "wide_name.csv", b"\n".join(lines))
    with time_limit(10.0):
        m = magfit.read(path)
    assert "temperature_K" in m.columns and row_accounting(path.read_bytes(), m) is None
