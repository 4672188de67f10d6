"""Segments of a measurement: where a sweep starts and ends, and which rows a selection means.

A magnetometer file is a sequence of sweeps. :func:`segment_rows` splits the rows of a
:class:`magfit.Measurement` where the row kind changes (AC/DC), where the field moves to another
cluster, where a temperature sweep turns or jumps back (warming/cooling), and where a sequence
comment names ZFC or FC; field-sweep (M(H)) files are split by field direction instead.
:func:`segment_table` describes the segments, :func:`select` / :func:`subset` cut rows out, and
:func:`default_rows` is the row choice the conversions in :mod:`magfit.convert` make when the user
names none. Nothing here converts units or touches the sample.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import FormatError

if TYPE_CHECKING:
    from .measurement import Measurement

__all__ = ["FIELD_ABS_TOL_OE", "FIELD_REL_TOL", "TEMP_ABS_TOL_K", "TEMP_REL_TOL", "row_kind", "segment_rows",
           "segment_table", "rows_matching", "select", "subset", "default_rows", "residual_field_rows",
           "RESIDUAL_FIELD_OE", "RESIDUAL_OTHER_OE"]

#: fields closer than max(FIELD_ABS_TOL_OE, FIELD_REL_TOL*|H|) belong to one field cluster. 5 Oe is
#: well above the remanence/readback scatter of a superconducting magnet at a set point, and far
#: below the spacing of fields anybody measures chi(T) at.
FIELD_ABS_TOL_OE = 5.0
FIELD_REL_TOL = 0.02
#: a temperature sweep turns (warming -> cooling, or a jump back) when T moves against the sweep
#: by more than max(TEMP_ABS_TOL_K, TEMP_REL_TOL*T): larger than controller noise at a set point.
TEMP_ABS_TOL_K = 0.2
TEMP_REL_TOL = 0.02
#: a file is a field sweep (M(H)) when it has more than this many distinct field clusters and its
#: temperature stays within one temperature tolerance
_FIELD_SWEEP_MIN_CLUSTERS = 10
#: a ZFC/FC pair is recognised from the order of two sweeps when the first starts within this
#: fraction of the temperature span from the lowest temperature
_ZFC_START_FRACTION = 0.1
_MIN_SWEEP_ROWS = 3
#: a constant-field DC segment at |H| below RESIDUAL_FIELD_OE, in a file that also has DC rows at
#: RESIDUAL_OTHER_OE or more, is the magnet's residual (remanent / reset) field, not a measuring field:
#: e.g. rows at 0.07 Oe among 251 Oe rows. It stays a segment of its own (listed, selectable), but
#: the default chi(T) does not use it (chi = M/H at 0.07 Oe is noise amplified 3600x).
RESIDUAL_FIELD_OE = 5.0
RESIDUAL_OTHER_OE = 50.0

_ZFC = re.compile(r"\bZFC\b|zero[- _]?field[- _]?cool", re.IGNORECASE)
_FC = re.compile(r"\bFC[WC]?\b|(?<!zero )(?<!zero-)field[- _]?cool", re.IGNORECASE)

#: cells like 1e308 overflow in a median or a spread; they only make a segment boundary, no warning
_QUIET = np.errstate(over="ignore", invalid="ignore")


def row_kind(m: Measurement) -> np.ndarray:
    """Per row: "DC", "AC" or "" (no measurement: comment rows without temperature).

    DC when the DC moment is filled, AC when the AC moment is filled, otherwise the ACMS
    ``Measure Type`` code (0 = DC); files without AC columns are all DC.

    Parameters
    ----------
    m : Measurement
        The record.

    Returns
    -------
    numpy.ndarray of object
        One of "DC", "AC", "" per row.
    """
    n = len(m.data)
    temp = m.temperature_K
    dc = m.column("moment_emu")
    ac = m.column("moment_ac_real_emu")
    mtype = m.column("measure_type")
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


def _comment_texts(m: Measurement) -> list[tuple[int, str]]:
    orig = m.columns.get("comment")
    if orig is None or orig not in m.data.columns:
        return []
    col = m.data[orig]
    mask = col.notna().to_numpy()
    out = []
    for pos in np.flatnonzero(mask):
        text = str(col.iloc[pos]).strip()
        if text:
            out.append((int(pos), text))
    return out


@_QUIET
def segment_rows(m: Measurement) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Segment id of every row (-1: no measurement) and the segment records (cached on ``m``).

    Parameters
    ----------
    m : Measurement
        The record to split.

    Returns
    -------
    tuple
        (ids, segments): an int array with one id per row, and one dict per segment with id,
        kind, protocol, field_Oe, direction, protocol_source and rows.
    """
    cached = m._seg_cache
    if cached is not None and cached[0] == len(m.data):
        return cached[1], cached[2]
    n = len(m.data)
    temp = m.temperature_K
    if temp is None:
        temp = np.full(n, np.nan)
    fld = m.field_Oe
    if fld is None:
        fld = np.full(n, np.nan)
    kind = row_kind(m)
    valid = np.isfinite(temp) | (np.isfinite(fld) & (kind != ""))
    # protocol from comment rows ("ZFC, 100", "FC 1000 Oe" ...), carried forward
    protocol = np.full(n, None, dtype=object)
    current = None
    comments = dict(_comment_texts(m))
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
    if len(centres) > _FIELD_SWEEP_MIN_CLUSTERS and not t_steady:
        isotherms = _isotherm_rows(m, temp, fld, kind, valid)
        if isotherms is not None:
            m._seg_cache = (n, *isotherms)
            return isotherms
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
        _mark_residual_field(segs)
    m._seg_cache = (n, seg, segs)
    return seg, segs


def _mark_residual_field(segs: list[dict[str, Any]]) -> None:
    """Flag DC segments at a residual field (|H| < RESIDUAL_FIELD_OE while other DC rows are at
    RESIDUAL_OTHER_OE or more): ``s["residual_field"] = True``."""
    fields = [abs(s["field_Oe"]) for s in segs if s["kind"] == "DC" and np.isfinite(s["field_Oe"])]
    if not fields or max(fields) < RESIDUAL_OTHER_OE:
        return
    for s in segs:
        if s["kind"] == "DC" and np.isfinite(s["field_Oe"]) and abs(s["field_Oe"]) < RESIDUAL_FIELD_OE:
            s["residual_field"] = True


def residual_field_rows(m: Measurement) -> tuple[np.ndarray, list[int]]:
    """Rows of ``m`` in residual-field segments (see RESIDUAL_FIELD_OE), and those segments' ids.

    Parameters
    ----------
    m : Measurement
        The record.

    Returns
    -------
    (numpy.ndarray of bool, list of int)
        One entry per row of ``m.data``; the segment ids.
    """
    seg, segs = segment_rows(m)
    ids = [s["id"] for s in segs if s.get("residual_field")]
    return np.isin(seg, ids), ids


def _isotherm_rows(m: Measurement, temp: np.ndarray, fld: np.ndarray, kind: np.ndarray,
                   valid: np.ndarray) -> tuple[np.ndarray, list[dict[str, Any]]] | None:
    """Segments of a file of M(H) isotherms at several temperatures, or None if it is not one.

    Rows are grouped by temperature cluster (tolerant to mK drift) and then by sweep direction
    (:func:`magfit.mh.isotherms.group_isotherms`), so repeated readings at one field never start a
    new segment. Accepted when at least 2 isotherms hold at least 80 % of the measured DC rows;
    otherwise (e.g. chi(T) sweeps at many fields) the temperature-sweep segmentation is used.
    """
    from .errors import FormatError as _FormatError
    from .mh.isotherms import branch_runs, group_isotherms, table_magnetization

    dc = valid & (kind == "DC")
    moment = m.moment_emu
    if moment is None:   # a table already in muB/f.u., emu/g or emu/mol
        moment = table_magnetization(m)[0]
    if moment is None or dc.sum() < 2 * _FIELD_SWEEP_MIN_CLUSTERS:
        return None
    try:
        isos = group_isotherms(np.where(dc, temp, np.nan), np.where(dc, fld, np.nan),
                               np.where(dc, moment, np.nan), source=m.source,
                               min_points=_FIELD_SWEEP_MIN_CLUSTERS)
    except _FormatError:
        return None
    if len(isos) < 2 or sum(len(i) for i in isos) < 0.8 * dc.sum():
        return None
    seg = np.full(len(temp), -1, dtype=int)
    segs: list[dict[str, Any]] = []
    for iso, part, direction in branch_runs(isos):
        rows = iso.rows[part]
        seg[rows] = len(segs)
        segs.append({"id": len(segs), "kind": "DC", "protocol": None, "field_Oe": float("nan"),
                     "direction": direction, "protocol_source": None,
                     "temperature_K": iso.temperature_K, "rows": rows.tolist()})
    return seg, segs


@_QUIET
def segment_table(m: Measurement) -> pd.DataFrame:
    """One row per segment: id, kind (AC/DC), field_Oe, direction, protocol (ZFC/FC), rows, T range.

    Rows are split where the kind (AC/DC) changes, where the field moves to another cluster
    (tolerance max(5 Oe, 2 %)), where a temperature sweep turns or jumps back (tolerance
    max(0.2 K, 2 %)), and where a sequence comment names ZFC or FC. Field-sweep files (M(H))
    are split by field direction instead. A ZFC-then-FC pair is recognised from the order of
    two sweeps at one field when no comment says so (``protocol_source = "order"``).

    Parameters
    ----------
    m : Measurement
        The record.

    Returns
    -------
    pandas.DataFrame
        Columns id, kind, field_Oe, direction, protocol, protocol_source, n_rows, T_min_K,
        T_max_K, first_row, last_row, label.
    """
    seg, segs = segment_rows(m)
    temp = m.temperature_K
    fld = m.field_Oe
    rows = []
    index = m.data.index
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
            "label": _label(s["kind"], h_show, s["direction"], s["protocol"], s.get("temperature_K"))
            + (" (residual field)" if s.get("residual_field") else ""),
        })
    cols = ["id", "kind", "field_Oe", "direction", "protocol", "protocol_source", "n_rows",
            "T_min_K", "T_max_K", "H_min_Oe", "H_max_Oe", "first_row", "last_row", "label"]
    return pd.DataFrame(rows, columns=cols)


def rows_matching(m: Measurement, segment) -> tuple[np.ndarray, str]:
    """Boolean row mask of the segment(s) ``segment`` names (as in :func:`select`) and a note.

    Parameters
    ----------
    m : Measurement
        The record.
    segment : int, list or str
        See :func:`select`.

    Returns
    -------
    tuple
        (mask, note).
    """
    seg, segs = segment_rows(m)
    if isinstance(segment, (int, np.integer)) and not isinstance(segment, bool):
        ids = {int(segment)}
        if int(segment) not in {s["id"] for s in segs}:
            raise FormatError(f"no segment {segment}", path=m.source,
                              hint=f"segments are 0..{len(segs) - 1}; see Measurement.segments()")
        return np.isin(seg, list(ids)), f"segment {segment}"
    if isinstance(segment, (list, tuple, set)):
        mask = np.zeros(len(seg), dtype=bool)
        for item in segment:
            mask |= rows_matching(m, item)[0]
        return mask, "segments " + ",".join(str(s) for s in segment)
    if not isinstance(segment, str) or not segment.strip():
        raise FormatError(f"segment={segment!r} is not understood", path=m.source,
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
        raise FormatError(f"no segment matches {segment!r}", path=m.source,
                          hint=f"available segments: {labels or 'none'}")
    return np.isin(seg, sorted(keep)), f"segment {segment!r}"


def select(m: Measurement, segment) -> Measurement:
    """The rows of one or more segments, as a new Measurement.

    Parameters
    ----------
    m : Measurement
        The record.
    segment : int, list of int, or str
        Segment id(s) from :func:`segment_table`, or a label: ``"DC"``, ``"AC"``, ``"ZFC"``,
        ``"FC"``, ``"warming"``, ``"cooling"``, ``"H=1000"`` (Oe; ``"H=0.1T"`` also works),
        ``"T=5"`` (an M(H) isotherm at 5 K), ``"increasing"``/``"decreasing"`` (field branches);
        terms joined by ``+`` or ``,`` must all hold (``"DC+ZFC"``).

    Returns
    -------
    Measurement
        Same header, columns and source; ``provenance["selections"]`` records the choice.
    """
    mask, note = rows_matching(m, segment)
    return subset(m, mask, note)


def subset(m: Measurement, mask: np.ndarray, note: str) -> Measurement:
    """The rows where ``mask`` holds, as a new Measurement.

    Parameters
    ----------
    m : Measurement
        The record.
    mask : numpy.ndarray of bool
        One entry per row of ``m.data``.
    note : str
        What the selection is; recorded with the row count in ``provenance["selections"]``.

    Returns
    -------
    Measurement
        Same header, columns, source and hash; only ``data`` and the provenance differ.
    """
    prov = dict(m.provenance)
    prov["selections"] = [*prov.get("selections", []), f"{note}: {int(mask.sum())} of {len(mask)} rows"]
    return replace(m, data=m.data.loc[mask], header=dict(m.header), header_lines=list(m.header_lines),
                   columns=dict(m.columns), conversions=dict(m.conversions), provenance=prov)


def default_rows(m: Measurement, segment) -> tuple[Measurement, str]:
    """The rows a DC conversion uses: ``segment`` if given, else the DC rows of all sweeps.

    Parameters
    ----------
    m : Measurement
        The record.
    segment : int, list, str or None
        As in :func:`select`; None for the default.

    Returns
    -------
    tuple
        (Measurement, note): the rows, and a note naming the choice and the sweeps it merges.

    Raises
    ------
    FormatError
        The file holds only AC rows.
    """
    if segment is not None:
        sel = select(m, segment)
        return sel, sel.provenance["selections"][-1]
    kind = row_kind(m)
    n_ac = int((kind == "AC").sum())
    n_dc = int((kind == "DC").sum())
    segs = segment_table(m)
    merged = ""
    residual = segs["id"].isin(residual_field_rows(m)[1]).to_numpy()
    dc_labels = [str(lab) for kd, lab, res in zip(segs["kind"], segs["label"], residual, strict=True)
                 if kd != "AC" and not res]
    if len(dc_labels) > 1:
        merged = (f" merged: {'; '.join(dc_labels)} -- pick one with segment= (CLI --segment) "
                  "if they differ (e.g. ZFC/FC below an irreversibility temperature)")
    if residual.any():
        ids = ", ".join(str(i) for i in segs["id"][residual])
        merged += (f"; residual-field segment(s) {ids} not used (magnet reset / remanent field; "
                   f"select with segment=ID)")
    if n_ac and n_dc:
        sub = subset(m, kind != "AC", "default: DC rows only")
        return sub, f"default: DC rows only ({n_ac} AC rows not used), all sweeps{merged}"
    if n_ac and not n_dc:
        raise FormatError(
            "holds only AC rows (m', m''); a DC susceptibility needs a DC moment", path=m.source,
            hint="for the AC susceptibility chi'(T, f), chi''(T, f) use ac_susceptibility(); "
                 "for a DC chi(T) use the DC data file",
        )
    return m, f"default: all rows, all sweeps{merged}"


# ------------------------------------------------------------------ helpers
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


def _label(kind: str, h: float, direction: str, protocol: str | None,
           temperature_K: float | None = None) -> str:
    parts = [kind or "?"]
    if temperature_K is not None and np.isfinite(temperature_K):
        parts.append(f"T={temperature_K:.4g} K")
    if h is not None and np.isfinite(h):
        parts.append(f"H={h:.4g} Oe")
    parts.append(direction)
    if protocol:
        parts.append(protocol)
    return " ".join(parts)


_H_TERM = re.compile(r"^H=?([-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)\s*(Oe|T|kOe|mT)?$", re.IGNORECASE)
_T_TERM = re.compile(r"^T=?([-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)\s*K?$", re.IGNORECASE)
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
    t_term = _T_TERM.match(term)
    if t_term and s.get("temperature_K") is not None:
        target = float(t_term.group(1))
        return bool(abs(s["temperature_K"] - target) <= _tol(target, False))
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
