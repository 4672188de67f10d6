"""Measurement: one raw magnetometer file, every column and header line kept.

A :class:`Measurement` is what :func:`magfit.read` returns. It keeps the original table
(``data``, original column names), the parsed header (``header``) and its raw lines
(``header_lines``), knows which original column is the temperature, field, moment ...
(``columns``, canonical -> original) and gives their values in canonical units
(:meth:`Measurement.column`). That is this module's one job; the methods that do more delegate:
segment detection and row selection to :mod:`magfit.segments`, the raw moment -> chi conversions
(molar, mass, AC) to :mod:`magfit.convert`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import convert, segments
from .convert import FIELD_OVERRIDE_REL, ZERO_FIELD_OE
from .segments import FIELD_ABS_TOL_OE, FIELD_REL_TOL, TEMP_ABS_TOL_K, TEMP_REL_TOL

__all__ = ["Measurement", "FIELD_ABS_TOL_OE", "FIELD_REL_TOL", "TEMP_ABS_TOL_K", "TEMP_REL_TOL",
           "ZERO_FIELD_OE", "FIELD_OVERRIDE_REL"]

_NUMERIC_CANONICAL = (
    "temperature_K", "field_Oe", "moment_emu", "moment_err_emu", "time_s", "moment_ac_real_emu",
    "moment_ac_imag_emu", "moment_ac_err_emu", "ac_frequency_Hz", "ac_amplitude_Oe", "measure_type",
    "chi_emu_mol", "chi_err_emu_mol", "chi_emu_g", "chi_err_emu_g", "moment_muB_fu",
    "magnetization_emu_g", "chi_sample_emu_Oe", "chi_sample_err_emu_Oe",
)
#: header keys shown by summary() / `magfit info` when present
HEADER_FIELDS_OF_INTEREST = (
    "TITLE", "SAMPLE_MATERIAL", "SAMPLE_COMMENT", "SAMPLE_MASS", "SAMPLE_MOLECULAR_WEIGHT",
    "SAMPLE_VOLUME", "SAMPLE_SIZE", "SAMPLE_SHAPE", "SAMPLE_HOLDER", "NAME", "WEIGHT", "AREA",
    "LENGTH", "SHAPE", "mass (g)", "ID", "Mass", "Volume", "Demagnetization factor", "APPNAME",
    "FILEOPENTIME",
)


@dataclass(eq=False)
class Measurement:
    """A raw magnetometer measurement, nothing dropped.

    Parameters
    ----------
    data : pandas.DataFrame
        Every original column under its original name (empty columns included). The index is the
        0-based row number in the file's data section (file line = ``provenance["first_data_line"]``
        + index).
    header : dict
        Header records KEY -> value (stripped strings).
    header_lines : list of str
        Raw header lines, unmodified.
    instrument, variant : str
        e.g. ``"MPMS3"`` / ``"DC scan"``; see ``CONTRACTS.md``.
    source : str or None
        File path.
    sha256 : str
        SHA-256 of the file bytes.
    columns : dict
        canonical name -> original column name.
    conversions : dict
        canonical name -> (factor, offset, original unit): canonical = factor * original + offset.
    provenance : dict
        Encoding, delimiter, renamed/unnamed columns, non-numeric cells, selections ...
    """

    data: pd.DataFrame
    header: dict[str, str] = field(default_factory=dict)
    header_lines: list[str] = field(default_factory=list)
    instrument: str = "table"
    variant: str = ""
    source: str | None = None
    sha256: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    conversions: dict[str, tuple[float, float, str]] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)
    _seg_cache: Any = field(default=None, init=False, repr=False)

    # ------------------------------------------------------------------ basics
    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        name = os.path.basename(self.source) if self.source else "<stream>"
        return (f"Measurement({name!r}, {self.instrument} {self.variant}, rows={len(self)}, "
                f"columns={self.data.shape[1]})")

    @property
    def name(self) -> str:
        """A label: sample material / title / file name."""
        for key in ("SAMPLE_MATERIAL", "NAME", "TITLE", "ID"):
            value = self.header.get(key, "").strip()
            if value:
                return value
        return os.path.basename(self.source) if self.source else ""

    @property
    def empty_columns(self) -> list[str]:
        """Original columns without a single value (kept in ``data``, hidden from display)."""
        return [c for c in self.data.columns if self.data[c].isna().all()]

    def display_frame(self) -> pd.DataFrame:
        """``data`` without the all-empty columns (for looking at; ``data`` keeps them)."""
        return self.data.drop(columns=self.empty_columns)

    def column(self, canonical: str) -> np.ndarray | None:
        """Values of a canonical column as floats in its canonical unit (None when absent).

        Non-numeric cells become NaN (they are counted in ``provenance["non_numeric"]``).
        """
        orig = self.columns.get(canonical)
        if orig is None or orig not in self.data.columns:
            return None
        series = self.data[orig]
        if pd.api.types.is_numeric_dtype(series.dtype):
            values = series.to_numpy(dtype=float, na_value=np.nan)
        else:
            values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        factor, offset, _unit = self.conversions.get(canonical, (1.0, 0.0, ""))
        if factor != 1.0 or offset != 0.0:
            with np.errstate(over="ignore", invalid="ignore"):   # a 1e308 cell in tesla: inf, dropped later
                values = values * factor + offset
        return values

    @property
    def temperature_K(self) -> np.ndarray | None:
        """Temperature in K."""
        return self.column("temperature_K")

    @property
    def field_Oe(self) -> np.ndarray | None:
        """Applied field in Oe."""
        return self.column("field_Oe")

    @property
    def moment_emu(self) -> np.ndarray | None:
        """DC moment in emu (NaN on rows without one, e.g. ACMS AC rows and comment rows)."""
        return self.column("moment_emu")

    @property
    def moment_err_emu(self) -> np.ndarray | None:
        """One-sigma error of the DC moment in emu."""
        return self.column("moment_err_emu")

    @property
    def time_s(self) -> np.ndarray | None:
        """Time stamp in s (epoch as the instrument writes it, see MANIFEST: FILEOPENTIME)."""
        return self.column("time_s")

    @property
    def holds_chi(self) -> bool:
        """True for tables that already hold a susceptibility column."""
        from .table_chi import table_quantity

        return table_quantity(self.columns) is not None

    # ----------------------------------------------- segments (magfit.segments)
    def row_kind(self) -> np.ndarray:
        """Per row: "DC", "AC" or "" (no measurement); see :func:`magfit.segments.row_kind`."""
        return segments.row_kind(self)

    def segments(self) -> pd.DataFrame:
        """One row per segment (id, kind, field, direction, protocol, rows, T range).

        See :func:`magfit.segments.segment_table` for how rows are split.

        Returns
        -------
        pandas.DataFrame
            Columns id, kind, field_Oe, direction, protocol, protocol_source, n_rows, T_min_K,
            T_max_K, H_min_Oe, H_max_Oe, first_row, last_row, label.
        """
        return segments.segment_table(self)

    def select(self, segment) -> Measurement:
        """The rows of one or more segments, as a new Measurement (see :func:`magfit.segments.select`).

        Parameters
        ----------
        segment : int, list of int, or str
            Segment id(s) from :meth:`segments`, or a label: ``"DC"``, ``"AC"``, ``"ZFC"``,
            ``"FC"``, ``"warming"``, ``"cooling"``, ``"H=1000"`` (Oe; ``"H=0.1T"`` also works),
            ``"T=5"`` (an M(H) isotherm at 5 K), ``"increasing"``/``"decreasing"`` (field branches);
            terms joined by ``+`` or ``,`` must all hold (``"DC+ZFC"``).

        Returns
        -------
        Measurement
            Same header, columns and source; ``provenance["selections"]`` records the choice.
        """
        return segments.select(self, segment)

    def _subset(self, mask: np.ndarray, note: str) -> Measurement:
        return segments.subset(self, mask, note)

    # ----------------------------------------------------------------- summary
    def summary(self) -> str:
        """A human-readable description: format, header fields, columns, segments, dropped data."""
        prov = self.provenance
        lines = [
            f"file        : {self.source or '<stream>'}",
            f"format      : {self.instrument} ({self.variant})",
            f"sha256      : {self.sha256}",
            f"encoding    : {prov.get('encoding', '?')}, delimiter {prov.get('delimiter', '?')!r}, "
            f"line endings {prov.get('line_endings', '?')}",
            f"rows        : {len(self.data)} (data section from line {prov.get('first_data_line', '?')})",
            f"temperature : {prov.get('temperature_mode', 'unknown')} mode",
            f"columns     : {self.data.shape[1]} ({len(self.empty_columns)} empty in every row, kept)",
        ]
        fields = [(k, self.header[k]) for k in HEADER_FIELDS_OF_INTEREST if self.header.get(k, "").strip()]
        if fields:
            lines.append("header      :")
            lines += [f"  {k} = {v}" for k, v in fields]
        lines.append("canonical   :")
        for canon, orig in self.columns.items():
            unit = self.conversions.get(canon)
            conv = f"  [from {unit[2]}, x{unit[0]:.6g}]" if unit and unit[0] != 1.0 else ""
            lines.append(f"  {canon:<20s} <- {orig!r}{conv}")
        for key in ("non_numeric", "blank_rows", "dropped_rows", "unbalanced_quotes", "renamed_columns",
                    "unnamed_extra_columns", "truncated_last_row", "notes", "warnings"):
            if self.provenance.get(key):
                lines.append(f"{key:<12s}: {self.provenance[key]}")
        if self.provenance.get("selections"):
            lines.append(f"selections  : {self.provenance['selections']}")
        try:
            seg = self.segments()
        except Exception as exc:  # summary must not fail on odd data
            lines.append(f"segments    : could not be determined ({exc})")
        else:
            lines.append(f"segments    : {len(seg)}")
            for _, s in seg.iterrows():
                span = (f"H={s['H_min_Oe']:.5g}..{s['H_max_Oe']:.5g} Oe" if "field" in s["direction"]
                        else f"T={s['T_min_K']:.4g}-{s['T_max_K']:.4g} K")
                lines.append(
                    f"  [{s['id']}] {s['label']:<40s} n={s['n_rows']:<5d} {span}"
                    + (f"  ({s['protocol']} from {s['protocol_source']})"
                       if isinstance(s["protocol"], str) and s["protocol"] else "")
                )
        return "\n".join(lines)

    # --------------------------------------------- conversions (magfit.convert)
    #: the conversions are functions of a Measurement in magfit.convert, bound here as methods
    #: (same signature and docstring): m.susceptibility(...) is convert.susceptibility(m, ...)
    susceptibility = convert.susceptibility
    mass_susceptibility = convert.mass_susceptibility
    ac_susceptibility = convert.ac_susceptibility
