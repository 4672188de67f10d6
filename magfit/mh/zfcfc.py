"""ZFC/FC: irreversibility temperature and ZFC maximum (blocking / freezing).

* T_irr: the highest temperature where M_FC - M_ZFC exceeds the larger of k σ and a fraction of the
  FC moment. σ is the point-to-point noise of the difference curve (robust: 1.4826 MAD of its
  second differences / √6), or the combined reported errors with ``use_errors=True`` (instrument
  scan errors are often several times the real scatter). Both curves are interpolated on the
  ZFC temperatures. Uncertainty: half the ZFC point spacing at T_irr.
* ZFC maximum: parabola through the highest point and its two neighbours (vertex), uncertainty
  half the local point spacing combined with the vertex shift from the highest point.
* Label: ``"reversible"`` (no separation), ``"blocking_or_freezing"`` (separation with the ZFC
  maximum at or below T_irr: superparamagnetic blocking or spin-glass freezing -- the two need
  AC χ or memory experiments to tell apart), ``"maximum_above_irreversibility"`` (the maximum lies
  above T_irr, e.g. an antiferromagnetic transition with irreversibility below it) or
  ``"irreversible_no_maximum"`` (the ZFC maximum is at the edge of the range).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import FitError

__all__ = ["ZfcFcResult", "zfc_fc", "zfc_fc_from_measurement"]


@dataclass(eq=False)
class ZfcFcResult:
    """T_irr and the ZFC maximum.

    Attributes
    ----------
    T_irr_K, T_irr_K_err : float or None
        Irreversibility temperature (None when ZFC and FC never separate).
    T_max_K, T_max_K_err : float or None
        Temperature of the ZFC maximum; None when the largest ZFC moment is at the first or last point
        (no maximum inside the range: its temperature is ``edge_T_K``).
    M_max : float
        ZFC moment at the maximum (unit of the input).
    at_edge : bool
        True when the ZFC maximum is the first or last point (no true maximum inside the range).
    label : str
        See the module docstring.
    edge_T_K : float or None
        Temperature of the largest ZFC moment when it is at the edge of the range.
    labels_guessed : bool
        True when the file does not say which sweep is ZFC and which FC: the labels were inferred from
        the order of two sweeps at one field (the first, warming from the bottom, taken as ZFC).
    labels_note : str
        What was guessed and how to check it ("" when the file labels the sweeps).
    """

    T_irr_K: float | None
    T_irr_K_err: float | None
    T_max_K: float | None
    T_max_K_err: float | None
    M_max: float
    at_edge: bool
    label: str = ""
    edge_T_K: float | None = None
    labels_guessed: bool = False
    labels_note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe values."""
        from .._json import json_safe

        return json_safe(self.__dict__)

    def summary(self) -> str:
        """One line."""
        irr = ("ZFC and FC do not separate" if self.T_irr_K is None
               else f"T_irr = {self.T_irr_K:.4g} ± {self.T_irr_K_err:.2g} K")
        note = f" (NOTE: {self.labels_note})" if self.labels_guessed else ""
        if self.at_edge:
            return (f"{irr}; no ZFC maximum inside the range (largest ZFC moment at the edge, "
                    f"{self.edge_T_K:.4g} K) -> {self.label}{note}")
        return f"{irr}; ZFC maximum at {self.T_max_K:.4g} ± {self.T_max_K_err:.2g} K -> {self.label}{note}"


def _sorted(t, m, e):
    t, m = np.asarray(t, float), np.asarray(m, float)
    e = np.full(t.size, np.nan) if e is None else np.asarray(e, float)
    ok = np.isfinite(t) & np.isfinite(m)
    order = np.argsort(t[ok])
    return t[ok][order], m[ok][order], e[ok][order]


def zfc_fc(zfc_temperature_K, zfc_moment, fc_temperature_K, fc_moment, *, zfc_err=None, fc_err=None,
           k_sigma: float = 3.0, rel_threshold: float = 0.01, use_errors: bool = False) -> ZfcFcResult:
    """T_irr where ZFC and FC separate and the ZFC maximum.

    Parameters
    ----------
    zfc_temperature_K, zfc_moment, fc_temperature_K, fc_moment : array_like
        The two curves (any moment unit, the same for both).
    zfc_err, fc_err : array_like, optional
        One-sigma errors of the moments.
    k_sigma : float
        Separation must exceed k_sigma combined errors ...
    rel_threshold : float
        ... and this fraction of the FC moment.
    use_errors : bool
        σ from the reported errors instead of the scatter of the difference curve.

    Returns
    -------
    ZfcFcResult

    Raises
    ------
    FitError
        Fewer than 3 points in a curve.
    """
    tz, mz, ez = _sorted(zfc_temperature_K, zfc_moment, zfc_err)
    tf, mf, ef = _sorted(fc_temperature_K, fc_moment, fc_err)
    if tz.size < 3 or tf.size < 3:
        raise FitError("ZFC/FC analysis needs at least 3 points in each curve")
    inside = (tz >= tf[0]) & (tz <= tf[-1])
    t = tz[inside]
    diff = np.interp(t, tf, mf) - mz[inside]
    if use_errors:
        sig = np.hypot(np.nan_to_num(ez[inside]), np.nan_to_num(np.interp(t, tf, np.nan_to_num(ef))))
    else:
        d2 = np.diff(diff, 2)
        sig = 1.4826 * float(np.median(np.abs(d2 - np.median(d2)))) / math.sqrt(6.0) if d2.size else 0.0
    thr = np.maximum(k_sigma * sig, rel_threshold * np.abs(np.interp(t, tf, mf)))
    sep = np.flatnonzero(diff > thr)
    t_irr = t_irr_err = None
    if sep.size:
        j = int(sep[-1])
        if j + 1 < t.size:  # crossing between j and j+1: interpolate the threshold crossing
            d0, d1 = diff[j] - thr[j], diff[j + 1] - thr[j + 1]
            t_irr = float(t[j] + (t[j + 1] - t[j]) * d0 / (d0 - d1)) if d0 != d1 else float(t[j])
            t_irr_err = float((t[j + 1] - t[j]) / 2.0)
        else:
            t_irr, t_irr_err = float(t[j]), float(t[j] - t[j - 1]) / 2.0
    i = int(np.argmax(mz))
    at_edge = i == 0 or i == tz.size - 1
    if at_edge:
        t_max, t_err = float(tz[i]), float(abs(tz[min(i + 1, tz.size - 1)] - tz[max(i - 1, 0)]) / 2.0)
    else:
        x, y = tz[i - 1:i + 2], mz[i - 1:i + 2]
        a, b, _ = np.polyfit(x, y, 2)
        vertex = float(-b / (2 * a)) if a < 0 else float(tz[i])
        vertex = min(max(vertex, x[0]), x[-1])
        spacing = float(x[-1] - x[0]) / 4.0
        t_max, t_err = vertex, math.hypot(spacing, vertex - tz[i])
    label = _label(t_irr, t_irr_err, t_max, t_err, bool(at_edge))
    if at_edge:   # the data's edge is not a maximum: no T_max (and no error that pretends one)
        return ZfcFcResult(T_irr_K=t_irr, T_irr_K_err=t_irr_err, T_max_K=None, T_max_K_err=None,
                           M_max=float(mz[i]), at_edge=True, label=label, edge_T_K=t_max)
    return ZfcFcResult(T_irr_K=t_irr, T_irr_K_err=t_irr_err, T_max_K=t_max, T_max_K_err=t_err,
                       M_max=float(mz[i]), at_edge=False, label=label)


def _label(t_irr, t_irr_err, t_max, t_max_err, at_edge: bool) -> str:
    if t_irr is None:
        return "reversible"
    if at_edge:
        return "irreversible_no_maximum"
    if t_max <= t_irr + math.hypot(t_irr_err, t_max_err):
        return "blocking_or_freezing"
    return "maximum_above_irreversibility"


def zfc_fc_from_measurement(measurement, **kwargs) -> ZfcFcResult:
    """:func:`zfc_fc` on the ZFC and FC segments of a :class:`magfit.Measurement` (raw moment, emu).

    Parameters
    ----------
    measurement : magfit.Measurement
    **kwargs
        Passed to :func:`zfc_fc`.

    Returns
    -------
    ZfcFcResult

    Raises
    ------
    FitError
        No ZFC or no FC segment.
    """
    seg = measurement.segments()
    out, guessed = {}, []
    for proto in ("ZFC", "FC"):
        rows = seg[seg["protocol"] == proto]
        if rows.empty:
            raise FitError(f"{measurement.source}: no {proto} segment found (segments: "
                           f"{'; '.join(seg['label'].astype(str))}): ZFC/FC needs a zero-field-cooled and a "
                           "field-cooled sweep in one file; for sweeps in two files call "
                           "magfit.mh.zfc_fc(T_zfc, M_zfc, T_fc, M_fc) on their arrays, for one chi(T) sweep "
                           "use `magfit fit`")
        sub = measurement.select(int(rows.iloc[0]["id"]))
        out[proto] = (sub.temperature_K, sub.moment_emu, sub.moment_err_emu)
        if rows.iloc[0].get("protocol_source") == "order":
            row = rows.iloc[0]
            guessed.append(f"{proto} = segment {int(row['id'])} ({row.get('direction', '?')})")
    (tz, mz, ez), (tf, mf, ef) = out["ZFC"], out["FC"]
    res = zfc_fc(tz, mz, tf, mf, zfc_err=ez, fc_err=ef, **kwargs)
    if guessed:
        res.labels_guessed = True
        res.labels_note = ("the file does not say which sweep is ZFC and which FC: the labels were guessed "
                           f"from the order of the two sweeps at one field ({', '.join(guessed)}; the first, "
                           "warming from the bottom, taken as ZFC) -- check the measurement sequence: an "
                           "FC-first run would swap them")
    return res
