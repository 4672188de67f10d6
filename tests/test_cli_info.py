"""`magfit info FILE`: format, header fields that matter, segments, canonical columns."""

from __future__ import annotations

import json

from conftest import SAMPLE_DATA, realfile

from magfit.cli import main


def test_info_sample_data(capsys):
    assert main(["info", str(SAMPLE_DATA / "gd_sulfate_mpms3.dat")]) == 0
    out = capsys.readouterr().out
    assert "MPMS3 (DC scan)" in out
    assert "SAMPLE_MASS = 10.0" in out
    assert "moment_emu           <- 'DC Moment Free Ctr (emu)'" in out
    assert "segments    : 1" in out and "DC H=1000 Oe warming" in out


def test_info_real_acms_json(capsys):
    assert main(["info", "--json", str(realfile("Na1.9IrO3"))]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["instrument"] == "PPMS ACMS" and info["variant"] == "AC+DC"
    assert info["header"]["mass (g)"] == "0.0467"
    assert info["rows"] == 235
    kinds = {s["kind"] for s in info["segments"]}
    assert kinds == {"AC", "DC"}
    assert info["columns"]["moment_emu"] == "M-DC (emu)"


def test_info_columns_flag_marks_empty(capsys):
    assert main(["info", "--columns", str(realfile("zfcfc1"))]) == 0
    out = capsys.readouterr().out
    assert "Moment (emu)   (empty)" in out
    assert "ZFC from order" in out


def test_info_bad_file_is_a_clean_error(tmp_path, capsys):
    p = tmp_path / "empty.dat"
    p.write_text("")
    assert main(["info", str(p)]) == 1
    err = capsys.readouterr().err
    assert "magfit info: error:" in err and "empty" in err


def test_info_acms_segments_without_protocol_print_cleanly(capsys):
    assert main(["info", str(realfile("Na1.9IrO3"))]) == 0
    out = capsys.readouterr().out
    assert "nan from nan" not in out
    assert "DC H=9999 Oe warming ZFC" in out and "(ZFC from order)" in out
    assert "mass (g) = 0.0467" in out and "line endings CRLF" in out
