"""Measurement: one raw magnetometer file, every column and header line kept.

A :class:`Measurement` is what :func:`magfit.read` returns. It keeps the original table
(``data``, original column names), the parsed header (``header``) and its raw lines
(``header_lines``), knows which original column is the temperature, field, moment ...
(``columns``, canonical -> original) and turns the moment into a molar susceptibility
(:meth:`Measurement.susceptibility`) with every step recorded in the provenance of the returned
:class:`magfit.ChiT`.

Conversion (cgs-emu, per mole of formula units):

    chi_mol = (m - m_holder - m_eicosane) * M_molar / (mass_g * H) - chi_dia

with m in emu, M_molar in g/mol, mass_g in g, H in Oe and chi_dia the (negative) core
diamagnetism in emu/mol; per mole of magnetic ion the result is divided by the number of ions
per formula unit. See e.g. O. Kahn, *Molecular Magnetism* (VCH, 1993), ch. 1, and
``shared/PHYSICS.md`` (a).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .chit import ChiT
from .errors import FormatError, SampleError, UnitsError
from .units import MU_B_ERG_G, N_A, chi_mass_cgs_to_si

__all__ = ["Measurement", "FIELD_ABS_TOL_OE", "FIELD_REL_TOL", "TEMP_ABS_TOL_K", "TEMP_REL_TOL",
           "ZERO_FIELD_OE"]

#: fields closer than max(FIELD_ABS_TOL_OE, FIELD_REL_TOL*|H|) belong to one field cluster. 5 Oe is
#: well above the remanence/readback scatter of a superconducting magnet at a set point, and far
#: below the spacing of fields anybody measures chi(T) at.
FIELD_ABS_TOL_OE = 5.0
FIELD_REL_TOL = 0.02
#: a temperature sweep turns (warming -> cooling, or a jump back) when T moves against the sweep
#: by more than max(TEMP_ABS_TOL_K, TEMP_REL_TOL*T): larger than controller noise at a set point.
TEMP_ABS_TOL_K = 0.2
TEMP_REL_TOL = 0.02
#: |H| below this is "zero field": chi = M/H is undefined there, the rows are dropped and counted.
ZERO_FIELD_OE = 1e-3
#: a file is a field sweep (M(H)) when it has more than this many distinct field clusters and its
#: temperature stays within one temperature tolerance
_FIELD_SWEEP_MIN_CLUSTERS = 10
#: a ZFC/FC pair is recognised from the order of two sweeps when the first starts within this
#: fraction of the temperature span from the lowest temperature
_ZFC_START_FRACTION = 0.1
_MIN_SWEEP_ROWS = 3
_MG_PER_G = 1000.0
#: error columns of the out-of-phase AC moment (not a loader canonical column)
_AC_IMAG_ERR_NAMES = ('m" Scan Std Dev', "m'' Scan Std Dev")
#: AC susceptibility given directly in emu/Oe (MPMS3 "AC X' (emu/Oe)"): used instead of m'/h_ac
_AC_CHI_EMU_OE_NAMES = {
    "real": ("AC X' (emu/Oe)", "AC X'  (emu/Oe)"), "imag": ("AC X'' (emu/Oe)", 'AC X" (emu/Oe)'),
    "real_err": ("AC X' Std Err. (emu/Oe)",),
    "imag_err": ("AC X'' Std Err. (emu/Oe)", 'AC X" Std Err. (emu/Oe)'),
}

_ZFC = re.compile(r"\bZFC\b|zero[- _]?field[- _]?cool", re.IGNORECASE)
_FC = re.compile(r"\bFC[WC]?\b|(?<!zero )(?<!zero-)field[- _]?cool", re.IGNORECASE)

_NUMERIC_CANONICAL = (
    "temperature_K", "field_Oe", "moment_emu", "moment_err_emu", "time_s", "moment_ac_real_emu",
    "moment_ac_imag_emu", "moment_ac_err_emu", "ac_frequency_Hz", "ac_amplitude_Oe", "measure_type",
    "chi_emu_mol", "chi_err_emu_mol", "chi_emu_g", "chi_err_emu_g", "moment_muB_fu",
    "magnetization_emu_g",
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

    # --------------------------------------------------------------- segments
    def row_kind(self) -> np.ndarray:
        """Per row: "DC", "AC" or "" (no measurement: comment rows without temperature).

        DC when the DC moment is filled, AC when the AC moment is filled, otherwise the ACMS
        ``Measure Type`` code (0 = DC); files without AC columns are all DC.
        """
        n = len(self.data)
        temp = self.temperature_K
        dc = self.column("moment_emu")
        ac = self.column("moment_ac_real_emu")
        mtype = self.column("measure_type")
        kind = np.full(n, "DC" if dc is not None or ac is None else "AC", dtype=object)
        if mtype is not None:
            kind[np.isfinite(mtype) & (mtype != 0)] = "AC"
        if ac is not None:
            kind[np.isfinite(ac)] = "AC"
        if dc is not None:
            kind[np.isfinite(dc)] = "DC"
        if temp is not None:
            kind[~np.isfinite(temp)] = ""
        return kind

    def _comment_texts(self) -> list[tuple[int, str]]:
        orig = self.columns.get("comment")
        if orig is None or orig not in self.data.columns:
            return []
        col = self.data[orig]
        mask = col.notna().to_numpy()
        out = []
        for pos in np.flatnonzero(mask):
            text = str(col.iloc[pos]).strip()
            if text:
                out.append((int(pos), text))
        return out

    def _segment_rows(self) -> tuple[np.ndarray, list[dict[str, Any]]]:
        cached = self._seg_cache
        if cached is not None and cached[0] == len(self.data):
            return cached[1], cached[2]
        n = len(self.data)
        temp = self.temperature_K
        if temp is None:
            temp = np.full(n, np.nan)
        fld = self.field_Oe
        if fld is None:
            fld = np.full(n, np.nan)
        kind = self.row_kind()
        valid = np.isfinite(temp) | (np.isfinite(fld) & (kind != ""))
        # protocol from comment rows ("ZFC, 100", "FC 1000 Oe" ...), carried forward
        protocol = np.full(n, None, dtype=object)
        current = None
        comments = dict(self._comment_texts())
        for i in range(n):
            text = comments.get(i)
            if text:
                if _ZFC.search(text):
                    current = "ZFC"
                elif _FC.search(text):
                    current = "FC"
            protocol[i] = current
        # field clusters
        finite_h = fld[valid & np.isfinite(fld)]
        centres = _cluster(finite_h)
        finite_t = temp[valid & np.isfinite(temp)]
        t_steady = finite_t.size == 0 or np.ptp(finite_t) <= _tol(float(np.median(finite_t)), False)
        field_mode = len(centres) > _FIELD_SWEEP_MIN_CLUSTERS and t_steady
        seg = np.full(n, -1, dtype=int)
        segs: list[dict[str, Any]] = []
        cur: dict[str, Any] | None = None

        def close(c):
            if c is not None:
                segs.append(c)

        if field_mode or centres.size == 0:
            hc_all = np.full(n, np.nan)
        else:  # nearest cluster centre of every row, vectorised
            pos = np.clip(np.searchsorted(centres, fld), 1, max(centres.size - 1, 1))
            lo, hi = centres[pos - 1], centres[np.minimum(pos, centres.size - 1)]
            hc_all = np.where(np.abs(fld - lo) <= np.abs(fld - hi), lo, hi)
            hc_all[~np.isfinite(fld)] = np.nan
        temp_l, fld_l, hc_l, valid_l = temp.tolist(), fld.tolist(), hc_all.tolist(), valid.tolist()
        kind_l, protocol_l = kind.tolist(), protocol.tolist()
        for i in range(n):
            if not valid_l[i]:
                continue
            t, h, k, p = temp_l[i], fld_l[i], kind_l[i], protocol_l[i]
            hc = hc_l[i]
            new = cur is None or k != cur["kind"] or p != cur["protocol"]
            if not new and not field_mode:
                new = not _same(hc, cur["field_Oe"])
            x = h if field_mode else t
            if not new and math.isfinite(x):
                tol = _tol(x, field_mode)
                d = cur["direction"]
                if d is None:
                    if x - cur["start"] > tol:
                        cur["direction"] = "up"
                    elif cur["start"] - x > tol:
                        cur["direction"] = "down"
                elif d == "up" and x < cur["ext"] - tol:
                    new = True
                elif d == "down" and x > cur["ext"] + tol:
                    new = True
            if new:
                close(cur)
                cur = {"id": len(segs), "kind": k, "protocol": p, "field_Oe": hc,
                       "direction": None, "start": x, "ext": x, "rows": []}
            if math.isfinite(x):
                if not math.isfinite(cur["start"]):
                    cur["start"] = cur["ext"] = x
                if cur["direction"] == "up":
                    cur["ext"] = max(cur["ext"], x)
                elif cur["direction"] == "down":
                    cur["ext"] = min(cur["ext"], x)
                else:
                    cur["ext"] = x
            cur["rows"].append(i)
            seg[i] = cur["id"]
        close(cur)
        words = ({"up": "increasing field", "down": "decreasing field", None: "constant field"}
                 if field_mode else {"up": "warming", "down": "cooling", None: "constant"})
        for s in segs:
            s["direction"] = words[s["direction"]]
            s["protocol_source"] = "comment" if s["protocol"] else None
        if not field_mode:
            _zfc_fc_from_order(segs, temp)
        self._seg_cache = (n, seg, segs)
        return seg, segs

    def segments(self) -> pd.DataFrame:
        """One row per segment: id, kind (AC/DC), field_Oe, direction, protocol (ZFC/FC), rows, T range.

        Rows are split where the kind (AC/DC) changes, where the field moves to another cluster
        (tolerance max(5 Oe, 2 %)), where a temperature sweep turns or jumps back (tolerance
        max(0.2 K, 2 %)), and where a sequence comment names ZFC or FC. Field-sweep files (M(H))
        are split by field direction instead. A ZFC-then-FC pair is recognised from the order of
        two sweeps at one field when no comment says so (``protocol_source = "order"``).

        Returns
        -------
        pandas.DataFrame
            Columns id, kind, field_Oe, direction, protocol, protocol_source, n_rows, T_min_K,
            T_max_K, first_row, last_row, label.
        """
        seg, segs = self._segment_rows()
        temp = self.temperature_K
        fld = self.field_Oe
        rows = []
        index = self.data.index
        for s in segs:
            r = np.asarray(s["rows"])
            tt = temp[r] if temp is not None else np.array([np.nan])
            tt = tt[np.isfinite(tt)]
            hh = fld[r] if fld is not None else np.array([np.nan])
            hh = hh[np.isfinite(hh)]
            h_show = s["field_Oe"] if np.isfinite(s["field_Oe"]) else (
                float(np.median(hh)) if hh.size and np.ptp(hh) <= _tol(np.median(hh), True) else np.nan)
            rows.append({
                "id": s["id"], "kind": s["kind"], "field_Oe": h_show, "direction": s["direction"],
                "protocol": s["protocol"], "protocol_source": s["protocol_source"], "n_rows": len(r),
                "T_min_K": float(tt.min()) if tt.size else np.nan,
                "T_max_K": float(tt.max()) if tt.size else np.nan,
                "H_min_Oe": float(hh.min()) if hh.size else np.nan,
                "H_max_Oe": float(hh.max()) if hh.size else np.nan,
                "first_row": int(index[r[0]]), "last_row": int(index[r[-1]]),
                "label": _label(s["kind"], h_show, s["direction"], s["protocol"]),
            })
        cols = ["id", "kind", "field_Oe", "direction", "protocol", "protocol_source", "n_rows",
                "T_min_K", "T_max_K", "H_min_Oe", "H_max_Oe", "first_row", "last_row", "label"]
        return pd.DataFrame(rows, columns=cols)

    def _rows_matching(self, segment) -> tuple[np.ndarray, str]:
        seg, segs = self._segment_rows()
        if isinstance(segment, (int, np.integer)) and not isinstance(segment, bool):
            ids = {int(segment)}
            if int(segment) not in {s["id"] for s in segs}:
                raise FormatError(f"no segment {segment}", path=self.source,
                                  hint=f"segments are 0..{len(segs) - 1}; see Measurement.segments()")
            return np.isin(seg, list(ids)), f"segment {segment}"
        if isinstance(segment, (list, tuple, set)):
            mask = np.zeros(len(seg), dtype=bool)
            for item in segment:
                mask |= self._rows_matching(item)[0]
            return mask, "segments " + ",".join(str(s) for s in segment)
        if not isinstance(segment, str) or not segment.strip():
            raise FormatError(f"segment={segment!r} is not understood", path=self.source,
                              hint="use an int id, or a label like 'DC', 'ZFC', 'FC', 'warming', "
                                   "'cooling', 'H=1000' (terms combined with '+' or ',')")
        keep = set()
        terms = [t for t in re.split(r"[,+&\s]+", segment.strip()) if t]
        for s in segs:
            if all(_term_matches(term, s) for term in terms):
                keep.add(s["id"])
        if not keep:
            labels = "; ".join(f"{s['id']}: {_label(s['kind'], s['field_Oe'], s['direction'], s['protocol'])}"
                               for s in segs)
            raise FormatError(f"no segment matches {segment!r}", path=self.source,
                              hint=f"available segments: {labels or 'none'}")
        return np.isin(seg, sorted(keep)), f"segment {segment!r}"

    def select(self, segment) -> Measurement:
        """The rows of one or more segments, as a new Measurement.

        Parameters
        ----------
        segment : int, list of int, or str
            Segment id(s) from :meth:`segments`, or a label: ``"DC"``, ``"AC"``, ``"ZFC"``,
            ``"FC"``, ``"warming"``, ``"cooling"``, ``"H=1000"`` (Oe; ``"H=0.1T"`` also works);
            terms joined by ``+`` or ``,`` must all hold (``"DC+ZFC"``).

        Returns
        -------
        Measurement
            Same header, columns and source; ``provenance["selections"]`` records the choice.
        """
        mask, note = self._rows_matching(segment)
        return self._subset(mask, note)

    def _subset(self, mask: np.ndarray, note: str) -> Measurement:
        prov = dict(self.provenance)
        prov["selections"] = [*prov.get("selections", []), f"{note}: {int(mask.sum())} of {len(mask)} rows"]
        return Measurement(
            data=self.data.loc[mask], header=dict(self.header), header_lines=list(self.header_lines),
            instrument=self.instrument, variant=self.variant, source=self.source, sha256=self.sha256,
            columns=dict(self.columns), conversions=dict(self.conversions), provenance=prov,
        )

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
        for key in ("non_numeric", "blank_rows", "renamed_columns", "unnamed_extra_columns",
                    "truncated_last_row", "notes"):
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

    # ------------------------------------------------------------ conversions
    def _resolve_rows(self, segment) -> tuple[Measurement, str]:
        if segment is not None:
            sel = self.select(segment)
            return sel, sel.provenance["selections"][-1]
        kind = self.row_kind()
        n_ac = int((kind == "AC").sum())
        n_dc = int((kind == "DC").sum())
        segs = self.segments()
        merged = ""
        dc_labels = [str(lab) for kd, lab in zip(segs["kind"], segs["label"], strict=True) if kd != "AC"]
        if len(dc_labels) > 1:
            merged = (f" merged: {'; '.join(dc_labels)} -- pick one with segment= (CLI --segment) "
                      "if they differ (e.g. ZFC/FC below an irreversibility temperature)")
        if n_ac and n_dc:
            sub = self._subset(kind != "AC", "default: DC rows only")
            return sub, f"default: DC rows only ({n_ac} AC rows not used), all sweeps{merged}"
        if n_ac and not n_dc:
            raise FormatError(
                "holds only AC rows (m', m''); a DC susceptibility needs a DC moment", path=self.source,
                hint="for the AC susceptibility chi'(T, f), chi''(T, f) use ac_susceptibility(); "
                     "for a DC chi(T) use the DC data file",
            )
        return self, f"default: all rows, all sweeps{merged}"

    def _field_values(self, n: int, field_Oe) -> tuple[np.ndarray, str]:
        if field_Oe is not None:
            try:
                h = np.broadcast_to(np.asarray(field_Oe, dtype=float), (n,)).copy()
            except (TypeError, ValueError):
                raise UnitsError(f"field_Oe={field_Oe!r} is not a number or an array of length {n}; "
                                 "pass the applied field in oersted (CLI: --field-oe)") from None
            return h, "argument field_Oe"
        h = self.field_Oe
        if h is None:
            raise UnitsError(
                f"{self.source or 'data'}: no field column (looked for 'Magnetic Field (Oe)', 'Field (Oe)', "
                "'Field [Oe]', 'H (Oe)' ...); pass the applied field with field_Oe=... (CLI: --field-oe)"
            )
        return h, f"column {self.columns['field_Oe']!r}"

    def _holder_moment(self, holder, temp: np.ndarray, h: np.ndarray) -> tuple[np.ndarray, dict]:
        if holder is None:
            return np.zeros_like(temp), {}
        if isinstance(holder, (int, float, np.floating, np.integer)) and not isinstance(holder, bool):
            value = float(holder)
            if not math.isfinite(value):
                raise UnitsError(f"holder={holder!r} is not finite; pass the holder moment in emu")
            return np.full_like(temp, value), {"holder": {"kind": "constant", "moment_emu": value}}
        from .corrections import holder_background
        from .io import read

        bg = holder if isinstance(holder, Measurement) else read(holder)
        bt, bm, bh = bg.temperature_K, bg.moment_emu, bg.field_Oe
        if bt is None or bm is None:
            raise FormatError("holder file has no temperature or moment column", path=bg.source,
                              hint="pass a holder measurement with T and moment, or a constant in emu")
        scale = bh is not None and bool(np.all(np.isfinite(h))) and bool(np.any(np.isfinite(bh) & (bh != 0)))
        res = holder_background(bt, bm, temp, holder_field_Oe=bh if scale else None,
                                field_Oe=h if scale else None)
        return np.asarray(res.moment_emu, dtype=float), {"holder": {
            "kind": "measurement", "source": bg.source, "sha256": bg.sha256,
            "n_points": res.n_holder_points, "T_range_K": list(res.holder_range_K),
            "holder_rows_dropped": res.n_dropped, "sample_points_clamped": res.n_clamped,
            "scaled_by_field": res.scaled_by_field,
            "formula": "m_bg(T) = [m_holder/H_holder](T) * H (linear interpolation in T)" if scale
            else "m_bg(T) = m_holder(T) (linear interpolation in T)"}}

    def _moment_rows(self, *, segment, field_Oe, holder, mass_mg, sample_kwargs, rows=None,
                     need_field: bool = True):
        """Shared part of susceptibility(), mass_susceptibility() and ac_susceptibility().

        ``rows`` = (Measurement, selection note) overrides the default row choice; with
        ``need_field=False`` a missing field column gives NaN fields instead of a UnitsError.
        """
        from .sample import resolve_sample

        sub, selection = self._resolve_rows(segment) if rows is None else rows
        temp = sub.temperature_K
        if temp is None:
            raise FormatError("no temperature column", path=self.source,
                              hint="name it 'Temperature (K)' / 'T (K)' / 'temperature_K', or pass "
                                   "read(..., columns={'temperature_K': '<your column>'})")
        n = temp.size
        if need_field or field_Oe is not None or sub.field_Oe is not None:
            h, h_source = sub._field_values(n, field_Oe)
        else:
            h, h_source = np.full(n, np.nan), "absent (no field column)"
        sample = resolve_sample(self.header, mass_mg=mass_mg, path=self.source, **sample_kwargs)
        prov: dict[str, Any] = {
            "source": self.source, "sha256": self.sha256, "instrument": self.instrument,
            "variant": self.variant, "selection": selection, "rows_in": n,
            "columns": {"temperature_K": self.columns.get("temperature_K"), "field_Oe": h_source},
            "sample": sample.to_dict(), "corrections": {},
        }
        override = _field_override_warning(field_Oe, h, sub.field_Oe, self.columns.get("field_Oe"))
        if override:
            prov.setdefault("warnings", []).append(override)
        dropped: dict[str, int] = {}
        keep = np.ones(n, dtype=bool)

        def drop(mask, reason):
            new = mask & keep
            if new.any():
                dropped[reason] = dropped.get(reason, 0) + int(new.sum())
                keep[new] = False

        drop(~np.isfinite(temp), "temperature missing (NaN)")
        return sub, temp, h, sample, prov, dropped, keep, drop

    def susceptibility(self, *, mass_mg: float | None = None, molar_mass_g_mol: float | None = None,
                       formula: str | None = None, per_ion: str | None = None, n_ions: float | None = None,
                       field_Oe=None, diamagnetic: float | str | None = None, holder=None,
                       header_conventions: bool = False, segment=None,
                       eicosane_mg: float | None = None, density_g_cm3: float | None = None) -> ChiT:
        """Molar susceptibility chi(T) in emu/mol (per formula unit, or per magnetic ion).

        chi_mol = (m - m_holder - m_eicosane) * M_molar / (mass_g * H) - chi_dia,
        divided by n_ions when ``per_ion``/``n_ions`` is given. Tables that already hold chi
        (emu/mol, m^3/mol, or emu/g with a molar mass) need no arguments.

        Parameters
        ----------
        mass_mg : float, optional
            Sample mass in mg (else header SAMPLE_MASS / WEIGHT / ``mass (g)``).
        molar_mass_g_mol, formula : optional
            Molar mass of one formula unit, or a formula to compute it from (periodictable).
        per_ion, n_ions : optional
            Normalise per mole of this ion / divide by this many ions per formula unit.
        field_Oe : float or array, optional
            Applied field in Oe when the file has no field column (or to override it).
        diamagnetic : float, "pascal" or None
            Core diamagnetism in emu/mol per formula unit (negative), or "pascal".
        holder : float, Measurement, path or None
            Holder background: a constant moment in emu, or a measurement interpolated in T.
        header_conventions : bool
            Read re-used header fields (eicosane mass, diamagnetic correction); see magfit.sample.
        segment : int, str or list, optional
            Segment(s) to use (see :meth:`select`). Default: DC rows only, all sweeps.
        eicosane_mg : float, optional
            Eicosane mass in mg; its moment chi_g H m_wax is subtracted.
        density_g_cm3 : float, optional
            Density, only for tables holding a volume susceptibility (chi_mol = chi_v M / density).

        Returns
        -------
        ChiT
            Provenance records source, columns, sample values and their origin, corrections,
            the selection, and ``dropped`` = {reason: count}.

        Raises
        ------
        UnitsError
            No field column and no ``field_Oe``, or zero field in every row.
        SampleError
            Mass or molar mass missing or not positive.
        """
        sample_kwargs = dict(molar_mass_g_mol=molar_mass_g_mol, formula=formula, per_ion=per_ion,
                             n_ions=n_ions, diamagnetic=diamagnetic, header_conventions=header_conventions,
                             eicosane_mg=eicosane_mg)
        from .table_chi import chi_from_table, require_quantity

        if self.holds_chi:   # chi, chi*T, 1/chi, mu_eff, chi_g, chi_v tables (magfit.table_chi)
            return chi_from_table(self, segment=segment, mass_mg=mass_mg, field_Oe=field_Oe, holder=holder,
                                  density_g_cm3=density_g_cm3, sample_kwargs=sample_kwargs)
        require_quantity(self)
        sub, temp, h, sample, prov, dropped, keep, drop = self._moment_rows(
            segment=segment, field_Oe=field_Oe, holder=holder, mass_mg=mass_mg, sample_kwargs=sample_kwargs)
        molar = sample.molar_mass_g_mol
        err = None
        if "moment_emu" in sub.columns:
            m = sub.moment_emu
            err = sub.moment_err_emu
            prov["columns"]["moment_emu"] = sub.columns["moment_emu"]
            prov["columns"]["moment_err_emu"] = sub.columns.get("moment_err_emu")
            drop(~np.isfinite(m), "moment missing (NaN)")
            drop(~np.isfinite(h), "field missing (NaN)")
            drop(np.isfinite(h) & (np.abs(h) < ZERO_FIELD_OE), "zero field")
            _check_rows_left(keep, dropped, self.source)
            if sample.mass_mg is None:
                raise SampleError(f"{self.source or 'data'}: sample mass unknown (header SAMPLE_MASS/WEIGHT "
                                  "empty); pass mass_mg=... (CLI: --mass-mg)")
            if molar is None:
                raise SampleError(f"{self.source or 'data'}: molar mass unknown; pass formula=... or "
                                  "molar_mass_g_mol=... (CLI: --formula / --molar-mass)")
            t, h_k = temp[keep], h[keep]
            m_k = m[keep]
            m_holder, hprov = self._holder_moment(holder, t, h_k)
            prov["corrections"].update(hprov)
            m_wax = np.zeros_like(m_k)
            if sample.eicosane_mg:
                from .corrections import EICOSANE_CHI_EMU_G

                m_wax = EICOSANE_CHI_EMU_G * (sample.eicosane_mg / _MG_PER_G) * h_k
                prov["corrections"]["eicosane"] = {"mass_mg": sample.eicosane_mg,
                                                   "chi_emu_g": EICOSANE_CHI_EMU_G}
            scale = molar / (sample.mass_g * h_k)
            chi = (m_k - m_holder - m_wax) * scale
            chi_err = None if err is None else np.abs(err[keep] * scale)
            prov["formula"] = "chi_mol = (m - m_holder - m_eicosane) * M_molar / (mass_g * H) - chi_dia"
        elif "moment_muB_fu" in sub.columns:
            mu = sub.column("moment_muB_fu")
            prov["columns"]["moment_muB_fu"] = sub.columns["moment_muB_fu"]
            drop(~np.isfinite(mu), "moment missing (NaN)")
            drop(~np.isfinite(h), "field missing (NaN)")
            drop(np.isfinite(h) & (np.abs(h) < ZERO_FIELD_OE), "zero field")
            _check_rows_left(keep, dropped, self.source)
            t, h_k = temp[keep], h[keep]
            chi = mu[keep] * N_A * MU_B_ERG_G / h_k
            chi_err = None
            prov["formula"] = "chi_mol = M[muB/f.u.] * N_A * mu_B[emu] / H - chi_dia"
        elif "magnetization_emu_g" in sub.columns:
            mg = sub.column("magnetization_emu_g")
            prov["columns"]["magnetization_emu_g"] = sub.columns["magnetization_emu_g"]
            drop(~np.isfinite(mg), "magnetization missing (NaN)")
            drop(~np.isfinite(h), "field missing (NaN)")
            drop(np.isfinite(h) & (np.abs(h) < ZERO_FIELD_OE), "zero field")
            _check_rows_left(keep, dropped, self.source)
            if molar is None:
                raise SampleError(f"{self.source or 'data'}: magnetization in emu/g needs the molar mass; "
                                  "pass formula=... or molar_mass_g_mol=...")
            t, h_k = temp[keep], h[keep]
            chi = mg[keep] * molar / h_k
            chi_err = None
            prov["formula"] = "chi_mol = M[emu/g] * M_molar / H - chi_dia"
        else:
            raise FormatError("no moment column found", path=self.source,
                              hint="pass read(..., columns={'moment_emu': '<your column>'})")
        return self._finish_chi(t, chi, chi_err, h_k, sample, prov, dropped)

    @staticmethod
    def _molar_corrections(chi, chi_err, sample, prov) -> tuple[np.ndarray, Any, str, float]:
        """Subtract the core diamagnetism (per formula unit), then divide by the ions per formula unit.

        Returns chi, chi_err, what a mole counts, and the divisor used (1 per formula unit).
        """
        dia = sample.diamagnetic_emu_mol
        if dia:
            chi = chi - dia
            prov["corrections"]["diamagnetic_emu_mol"] = {"value": dia, "source": sample.diamagnetic_source}
        per, divisor = "formula unit", 1.0
        if sample.n_ions is not None:
            divisor = float(sample.n_ions)
            chi = chi / divisor
            chi_err = None if chi_err is None else chi_err / divisor
            per = sample.per
            prov["per_ion"] = {"ion": sample.per_ion, "n_ions": sample.n_ions,
                               "source": sample.sources.get("n_ions")}
        return chi, chi_err, per, divisor

    def _finish_chi(self, t, chi, chi_err, h, sample, prov, dropped) -> ChiT:
        chi, chi_err, per, _ = self._molar_corrections(chi, chi_err, sample, prov)
        prov["dropped"] = dropped
        prov["rows_used"] = int(t.size)
        if sample.warnings:
            prov["warnings"] = [*prov.get("warnings", []), *sample.warnings]
        return ChiT(t, chi, chi_err, field_Oe=h, name=self.name, per=per, provenance=prov)

    def mass_susceptibility(self, *, mass_mg: float | None = None, field_Oe=None, holder=None,
                            segment=None, eicosane_mg: float | None = None,
                            header_conventions: bool = False) -> pd.DataFrame:
        """Mass susceptibility chi_g = (m - m_holder) / (mass_g * H) in emu/g (= cm^3/g) and m^3/kg.

        Parameters
        ----------
        mass_mg, field_Oe, holder, segment, eicosane_mg, header_conventions
            As in :meth:`susceptibility`; no molar mass is needed.

        Returns
        -------
        pandas.DataFrame
            Columns temperature_K, chi_emu_g, chi_err_emu_g, chi_m3_kg (SI: 4 pi 1e-3 chi_emu_g),
            field_Oe; ``frame.attrs["provenance"]`` as for :meth:`susceptibility`.
        """
        if self.holds_chi:
            raise FormatError("this table already holds chi; use susceptibility()", path=self.source)
        sub, temp, h, sample, prov, dropped, keep, drop = self._moment_rows(
            segment=segment, field_Oe=field_Oe, holder=holder, mass_mg=mass_mg,
            sample_kwargs={"header_conventions": header_conventions, "eicosane_mg": eicosane_mg})
        m = sub.moment_emu
        if m is None:
            raise FormatError("no moment column found", path=self.source,
                              hint="pass read(..., columns={'moment_emu': '<your column>'})")
        err = sub.moment_err_emu
        drop(~np.isfinite(m), "moment missing (NaN)")
        drop(~np.isfinite(h), "field missing (NaN)")
        drop(np.isfinite(h) & (np.abs(h) < ZERO_FIELD_OE), "zero field")
        _check_rows_left(keep, dropped, self.source)
        if sample.mass_mg is None:
            raise SampleError(f"{self.source or 'data'}: sample mass unknown; pass mass_mg=... "
                              "(CLI: --mass-mg)")
        t, h_k = temp[keep], h[keep]
        m_holder, hprov = self._holder_moment(holder, t, h_k)
        prov["corrections"].update(hprov)
        m_k = m[keep] - m_holder
        if sample.eicosane_mg:
            from .corrections import EICOSANE_CHI_EMU_G

            m_k = m_k - EICOSANE_CHI_EMU_G * (sample.eicosane_mg / _MG_PER_G) * h_k
            prov["corrections"]["eicosane"] = {"mass_mg": sample.eicosane_mg, "chi_emu_g": EICOSANE_CHI_EMU_G}
        chi_g = m_k / (sample.mass_g * h_k)
        out = pd.DataFrame({
            "temperature_K": t, "chi_emu_g": chi_g,
            "chi_err_emu_g": np.abs(err[keep] / (sample.mass_g * h_k)) if err is not None else np.nan,
            "chi_m3_kg": chi_mass_cgs_to_si(chi_g), "field_Oe": h_k,
        })
        prov["dropped"] = dropped
        prov["rows_used"] = int(t.size)
        prov["formula"] = "chi_g = (m - m_holder) / (mass_g * H); chi_g,SI = 4 pi 1e-3 chi_g,cgs"
        out.attrs["provenance"] = prov
        return out


    def ac_susceptibility(self, *, mass_mg: float | None = None, molar_mass_g_mol: float | None = None,
                          formula: str | None = None, per_ion: str | None = None,
                          n_ions: float | None = None, diamagnetic: float | str | None = None,
                          header_conventions: bool = False) -> pd.DataFrame:
        """Molar AC susceptibility chi'(T, f, H) and chi''(T, f, H) in emu/mol, one row per AC point.

        chi'_mol  = (m' / h_ac - chi_g,wax * mass_wax_g) * M_molar / mass_g - chi_dia,
        chi''_mol =  m'' / h_ac * M_molar / mass_g,

        divided by n_ions when ``per_ion``/``n_ions`` is given. m', m'' are the in-phase and
        out-of-phase moment amplitudes (emu) the instrument reports at the drive amplitude h_ac (Oe),
        so m'/h_ac is the sample's AC susceptibility in emu/Oe (MPMS-XL ``m' (emu)`` /
        ``m" (emu)`` with ``Drive Amplitude (Oe)``; ACMS ``M' (emu)`` / ``M'' (emu)`` with
        ``Amplitude (Oe)``). Files that give the susceptibility itself in emu/Oe (MPMS3
        ``AC X' (emu/Oe)`` / ``AC X'' (emu/Oe)``, whose ``AC Moment (emu)`` is the magnitude
        |m|, not m') are used directly: X' replaces m'/h_ac. The static diamagnetism (core,
        eicosane) is in phase with the drive, so it is subtracted from chi' only.
        References: M. Balanda, Acta Phys. Pol. A 124, 964 (2013); D. Topping and S. J. Blundell,
        J. Phys.: Condens. Matter 31, 013001 (2019).

        Parameters
        ----------
        mass_mg, molar_mass_g_mol, formula, per_ion, n_ions, diamagnetic, header_conventions
            As in :meth:`susceptibility` (resolved by :func:`magfit.sample.resolve_sample`;
            with ``header_conventions`` an eicosane mass in the header is subtracted from chi').

        Returns
        -------
        pandas.DataFrame
            Index = row number in the file's data section; columns temperature_K, field_Oe (DC
            bias), frequency_Hz, amplitude_Oe (drive amplitude), chi_real_emu_mol,
            chi_imag_emu_mol, and chi_real_err_emu_mol / chi_imag_err_emu_mol where the file has
            non-zero error columns. ``frame.attrs["provenance"]`` records source, columns used,
            sample values and their sources, corrections, ``dropped`` = {reason: count}.

        Raises
        ------
        FormatError
            The file has no AC rows (or no AC moment column).
        UnitsError
            No drive-amplitude column, or the amplitude is zero/missing in every AC row (rows with
            a zero/missing amplitude among good ones are dropped and counted).
        SampleError
            Mass or molar mass unknown.
        """
        where = self.source or "data"
        kind = self.row_kind()
        filled = [c for c in self.data.columns if np.isfinite(_numeric(self.data[c])).any()]
        direct = {part: next((c for c in names if c in filled), None)
                  for part, names in _AC_CHI_EMU_OE_NAMES.items()}
        is_ac = kind == "AC"
        if direct["real"] is not None:  # MPMS3: chi' given in emu/Oe, whatever the moment columns say
            is_ac |= np.isfinite(_numeric(self.data[direct["real"]])) & (kind != "")
        if ("moment_ac_real_emu" not in self.columns and direct["real"] is None) or not is_ac.any():
            raise FormatError(
                f"no AC rows ({self.instrument} {self.variant}: no filled AC moment m'/M' or AC X' column)",
                path=self.source, hint="use susceptibility() for DC data; ac_susceptibility() needs "
                                       "an AC file (m' (emu), M' (emu) or AC X' (emu/Oe) columns)")
        if direct["real"] is None and "ac_amplitude_Oe" not in self.columns:
            raise UnitsError(f"{where}: no AC drive-amplitude column (looked for 'Drive Amplitude (Oe)', "
                             "'Amplitude (Oe)', 'AC Drive (Oe)'); chi' = m'/h_ac needs it: pass "
                             "read(..., columns={'ac_amplitude_Oe': '<your column>'})")
        n_kind, n_dc = int(is_ac.sum()), int((kind == "DC").sum())
        sub = self._subset(is_ac, "AC rows")
        sub, temp, h, sample, prov, dropped, keep, drop = self._moment_rows(
            segment=None, field_Oe=None, holder=None, mass_mg=mass_mg, need_field=False,
            rows=(sub, f"AC rows ({n_kind} of {len(self.data)}; {n_dc} DC rows not used)"),
            sample_kwargs=dict(molar_mass_g_mol=molar_mass_g_mol, formula=formula, per_ion=per_ion,
                               n_ions=n_ions, diamagnetic=diamagnetic, header_conventions=header_conventions))
        nan = np.full(temp.size, np.nan)
        h_ac, freq = sub.column("ac_amplitude_Oe"), sub.column("ac_frequency_Hz")
        amp_col = self.columns.get("ac_amplitude_Oe")
        if h_ac is None:
            h_ac = nan
        if freq is None:
            freq = nan
            prov.setdefault("notes", []).append("no AC frequency column: frequency_Hz is NaN")
        prov["columns"].update({"ac_amplitude_Oe": amp_col,
                                "ac_frequency_Hz": self.columns.get("ac_frequency_Hz")})
        if direct["real"] is not None:
            x_re = _numeric(sub.data[direct["real"]])
            x_im = nan if direct["imag"] is None else _numeric(sub.data[direct["imag"]])
            prov["columns"].update({"chi_real_emu_Oe": direct["real"], "chi_imag_emu_Oe": direct["imag"]})
            drop(~np.isfinite(x_re), "AC chi' missing (NaN)")
            _check_rows_left(keep, dropped, self.source)
            err_cols = [(part, direct[f"{part}_err"], 1.0) for part in ("real", "imag")]
            x_re, x_im = x_re[keep], x_im[keep]
            prov["formula"] = ("chi'_mol = (X' - chi_g,wax m_wax) * M_molar / mass_g - chi_dia; "
                               "chi''_mol = X'' * M_molar / mass_g (X', X'' in emu/Oe from the file); "
                               "both / n_ions per ion")
        else:
            m_re, m_im = sub.column("moment_ac_real_emu"), sub.column("moment_ac_imag_emu")
            if m_im is None:
                m_im = nan
            prov["columns"].update({"moment_ac_real_emu": self.columns["moment_ac_real_emu"],
                                    "moment_ac_imag_emu": self.columns.get("moment_ac_imag_emu")})
            drop(~np.isfinite(m_re), "AC moment m' missing (NaN)")
            bad_amp = keep & ~(np.isfinite(h_ac) & (np.abs(h_ac) > 0))
            if bad_amp.any() and bad_amp.sum() == keep.sum():
                raise UnitsError(f"{where}: the AC drive amplitude (column {amp_col!r}) is zero or missing "
                                 f"in every AC row ({int(bad_amp.sum())} rows), so chi' = m'/h_ac is "
                                 "undefined; fix the column or name the right one with "
                                 "read(..., columns={'ac_amplitude_Oe': '<your column>'})")
            drop(bad_amp, "AC drive amplitude zero or missing")
            _check_rows_left(keep, dropped, self.source)
            x_re, x_im = m_re[keep] / h_ac[keep], m_im[keep] / h_ac[keep]
            imag_err = next((c for c in _AC_IMAG_ERR_NAMES if c in sub.data.columns), None)
            err_cols = [("real", self.columns.get("moment_ac_err_emu"), h_ac[keep]),
                        ("imag", imag_err, h_ac[keep])]
            prov["formula"] = ("chi'_mol = (m'/h_ac - chi_g,wax m_wax) * M_molar / mass_g - chi_dia; "
                               "chi''_mol = m''/h_ac * M_molar / mass_g; both / n_ions per ion")
        if sample.mass_mg is None:
            raise SampleError(f"{where}: sample mass unknown (header SAMPLE_MASS/WEIGHT empty); pass "
                              "mass_mg=... (CLI: --mass-mg)")
        if sample.molar_mass_g_mol is None:
            raise SampleError(f"{where}: molar mass unknown; pass formula=... or molar_mass_g_mol=... "
                              "(CLI: --formula / --molar-mass)")
        scale = sample.molar_mass_g_mol / sample.mass_g
        if sample.eicosane_mg:
            from .corrections import EICOSANE_CHI_EMU_G

            x_re = x_re - EICOSANE_CHI_EMU_G * sample.eicosane_mg / _MG_PER_G
            prov["corrections"]["eicosane"] = {"mass_mg": sample.eicosane_mg, "chi_emu_g": EICOSANE_CHI_EMU_G,
                                               "applied_to": "chi' only"}
        errs = {}
        for part, col, divide_by in err_cols:
            if col is None:
                continue
            e = _numeric(sub.data[col])[keep]
            if np.all(np.nan_to_num(e) == 0):
                prov.setdefault("notes", []).append(
                    f"error column {col!r} is 0 or empty in every used row (one scan per point): "
                    f"chi_{part}_err_emu_mol not reported")
                continue
            errs[part] = np.abs(e / divide_by) * scale
            prov["columns"][f"chi_{part}_err"] = col
        chi_re, err_re, per, divisor = self._molar_corrections(x_re * scale, errs.get("real"), sample, prov)
        if "diamagnetic_emu_mol" in prov["corrections"]:
            prov["corrections"]["diamagnetic_emu_mol"]["applied_to"] = "chi' only"
        out = pd.DataFrame({
            "temperature_K": temp[keep], "field_Oe": h[keep], "frequency_Hz": freq[keep],
            "amplitude_Oe": h_ac[keep], "chi_real_emu_mol": chi_re,
            "chi_imag_emu_mol": x_im * scale / divisor,
        }, index=sub.data.index[keep])
        if err_re is not None:
            out["chi_real_err_emu_mol"] = err_re
        if "imag" in errs:
            out["chi_imag_err_emu_mol"] = errs["imag"] / divisor
        prov["per"] = per
        prov["dropped"] = dropped
        prov["rows_used"] = int(keep.sum())
        if sample.warnings:
            prov["warnings"] = [*prov.get("warnings", []), *sample.warnings]
        out.attrs["provenance"] = prov
        return out


# ------------------------------------------------------------------ helpers
def _check_rows_left(keep: np.ndarray, dropped: dict[str, int], path: str | None) -> None:
    if keep.any():
        return
    where = f"{path}: " if path else ""
    if dropped.get("zero field"):
        raise UnitsError(f"{where}the field is zero in every usable row ({dropped['zero field']} rows), so "
                         "chi = M/H is undefined; pass the applied field with field_Oe=... (CLI: --field-oe)")
    raise FormatError(f"no usable rows left (dropped: {dropped})", path=path,
                      hint="check the segment choice and that the moment/temperature columns hold numbers")


def _numeric(series: pd.Series) -> np.ndarray:
    """A column as floats (non-numeric cells -> NaN)."""
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _tol(x: float, field_mode: bool) -> float:
    if field_mode:
        return max(FIELD_ABS_TOL_OE, FIELD_REL_TOL * abs(x))
    return max(TEMP_ABS_TOL_K, TEMP_REL_TOL * abs(x))


def _cluster(values: np.ndarray) -> np.ndarray:
    """Centres (medians) of field clusters: sorted values split where the gap exceeds the tolerance."""
    if values.size == 0:
        return np.array([])
    v = np.sort(values)
    centres = []
    start = 0
    for i in range(1, v.size + 1):
        if i == v.size or v[i] - v[start] > max(FIELD_ABS_TOL_OE, FIELD_REL_TOL * abs(v[start])):
            centres.append(float(np.median(v[start:i])))
            start = i
    return np.asarray(centres)


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def _label(kind: str, h: float, direction: str, protocol: str | None) -> str:
    parts = [kind or "?"]
    if h is not None and np.isfinite(h):
        parts.append(f"H={h:.4g} Oe")
    parts.append(direction)
    if protocol:
        parts.append(protocol)
    return " ".join(parts)


_H_TERM = re.compile(r"^H=?([-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)\s*(Oe|T|kOe|mT)?$", re.IGNORECASE)
_H_FACTOR = {"oe": 1.0, "koe": 1e3, "t": 1e4, "mt": 10.0}


def _term_matches(term: str, s: dict[str, Any]) -> bool:
    low = term.lower()
    if low in ("dc", "ac"):
        return s["kind"].lower() == low
    if low in ("zfc", "fc"):
        return (s["protocol"] or "").lower() == low
    if low in ("warming", "cooling", "constant"):
        return s["direction"] == low
    if low in ("increasing", "decreasing"):
        return s["direction"].startswith(low)
    if low.isdigit():
        return s["id"] == int(low)
    m = _H_TERM.match(term)
    if m and term[:1].lower() == "h":
        target = float(m.group(1)) * _H_FACTOR[(m.group(2) or "oe").lower()]
        h = s["field_Oe"]
        return bool(np.isfinite(h) and abs(h - target) <= _tol(target, True))
    return False


def _zfc_fc_from_order(segs: list[dict[str, Any]], temp: np.ndarray) -> None:
    """Label a ZFC-then-FC pair: exactly two DC sweeps at one field, the first warming from the bottom."""
    by_field: dict[float, list[dict[str, Any]]] = {}
    for s in segs:
        if s["kind"] == "DC" and s["protocol"] is None and np.isfinite(s["field_Oe"]) \
                and s["direction"] in ("warming", "cooling") and len(s["rows"]) >= _MIN_SWEEP_ROWS:
            by_field.setdefault(s["field_Oe"], []).append(s)
    for group in by_field.values():
        if len(group) != 2:
            continue
        first, second = group
        t1, t2 = temp[first["rows"]], temp[second["rows"]]
        lo = min(np.nanmin(t1), np.nanmin(t2))
        hi = max(np.nanmax(t1), np.nanmax(t2))
        span = hi - lo
        overlap = min(np.nanmax(t1), np.nanmax(t2)) - max(np.nanmin(t1), np.nanmin(t2))
        if (first["direction"] == "warming" and span > 0 and t1[0] - lo <= _ZFC_START_FRACTION * span
                and overlap > 0.5 * span):
            first["protocol"], second["protocol"] = "ZFC", "FC"
            first["protocol_source"] = second["protocol_source"] = "order"


#: an explicit field_Oe that differs from the file's own field column by more than this (relative)
#: is recorded as a warning (and flagged by the fit): a silent override makes chi wrong by that factor
FIELD_OVERRIDE_REL = 0.02


def _field_override_warning(field_arg, h_used: np.ndarray, h_file: np.ndarray | None,
                            column: str | None) -> str | None:
    """Warning text when ``field_Oe`` replaced a file field column that disagrees with it."""
    if field_arg is None or h_file is None:
        return None
    ok = np.isfinite(h_file) & np.isfinite(h_used) & (h_file != 0)
    if not ok.any():
        return None
    rel = float(np.median(np.abs(h_used[ok] / h_file[ok] - 1.0)))
    if rel <= FIELD_OVERRIDE_REL:
        return None
    return (f"field_Oe given ({float(np.median(h_used[ok])):.6g} Oe) replaces the file's column {column!r} "
            f"(median {float(np.median(h_file[ok])):.6g} Oe), {100 * rel:.3g} % different: chi scales as "
            "1/H -- check which field is right")
