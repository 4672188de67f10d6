"""Hysteresis loops: M_s, M_r, H_c, exchange bias, squareness, drift.

* Repeated readings at one field are averaged first (their scatter is the point's error).
* H_c and M_r: on each branch the zero crossing of M (for H_c) and M at H = 0 (for M_r) are
  interpolated by a cubic through the two points on either side; the uncertainty combines the
  standard error of a least-squares quadratic through four points on either side (local scatter
  or the high-field noise, whichever is larger) with the difference between the two estimates,
  so it grows with the point spacing and with switching noise near H_c.
  H_c = (H_c+ - H_c-)/2, loop shift (exchange bias) H_eb = (H_c+ + H_c-)/2;
  M_r = (M_r,dec - M_r,inc)/2, vertical shift (M_r,dec + M_r,inc)/2; squareness M_r/M_s.
* M_s: the high-field points of all branches, folded to H > 0 (M -> sign(H) M), are fitted to
  M_s + chi_hf H; when the approach-to-saturation law M = M_s(1 - a/H - b/H^2) + chi_hf H
  (Chikazumi, *Physics of Ferromagnetism*, OUP 1997, ch. 18) describes them significantly better
  (F-test, p < 0.01) it is used and the loop is flagged "not saturated".
* Drift: M at the end of the loop minus M at its start (same field), for a closed loop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import FitError
from .convert import MagnetizationCurve

__all__ = ["LoopResult", "Saturation", "saturation", "analyze_loop", "analyze_isotherm", "average_repeats"]

#: |H| above this fraction of max|H| is the high-field range of the linear saturation fit
HIGH_FIELD_FRACTION = 0.8
#: ... and of the approach-to-saturation fit
APPROACH_FIELD_FRACTION = 0.5
#: a loop is closed when its last field is within this fraction of max|H| of its first
CLOSURE_FRACTION = 0.05


def average_repeats(field_Oe, M, *, tol_Oe: float = 5.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Average consecutive readings at one field (within ``tol_Oe``).

    Parameters
    ----------
    field_Oe, M : array_like
        One branch, in measurement order.
    tol_Oe : float
        Consecutive fields closer than this are one point.

    Returns
    -------
    H, M, M_sem : numpy.ndarray
        Mean field, mean M and standard error of M (NaN for single readings).
    """
    h = np.asarray(field_Oe, float)
    m = np.asarray(M, float)
    ok = np.isfinite(h) & np.isfinite(m)
    h, m = h[ok], m[ok]
    if h.size == 0:
        return h, m, m
    new = np.concatenate([[True], np.abs(np.diff(h)) > tol_Oe])
    gid = np.cumsum(new) - 1
    cnt = np.bincount(gid)
    hm = np.bincount(gid, h) / cnt
    mm = np.bincount(gid, m) / cnt
    var = np.bincount(gid, (m - mm[gid]) ** 2) / np.maximum(cnt - 1, 1)
    sem = np.where(cnt > 1, np.sqrt(var / cnt), np.nan)
    return hm, mm, sem


def _interp_zero(u: np.ndarray, v: np.ndarray, k: int) -> tuple[float, float]:
    """v at u = 0, u crossing zero between indices k-1 and k: cubic through 2 + 2 points.

    Returns the value and the interpolation uncertainty: the largest difference between the cubic
    and the two quadratics through three consecutive of its points (Neville-style estimate); with
    fewer points, straight-line interpolation and half the step in v. The cubic is used only when it
    stays between v[k-1] and v[k]: a branch is monotone between two adjacent readings, so a value
    outside that bracket is an overshoot (a switching step narrower than the field step put the
    H_c of a sharp loop hundreds of Oe outside the readings that bracket it).
    """
    u1, u2, v1, v2 = u[k - 1], u[k], v[k - 1], v[k]
    linear = v1 if u2 == u1 else v1 + (v2 - v1) * (0.0 - u1) / (u2 - u1)
    lo, hi = max(0, k - 2), min(u.size, k + 2)
    us, vs = u[lo:hi], v[lo:hi]
    if us.size == 4 and np.all(np.diff(us) > 0):
        scale = float(np.ptp(us)) or 1.0
        cubic = float(np.polyval(np.polyfit(us / scale, vs, 3), 0.0))
        quads = [float(np.polyval(np.polyfit(us[i:i + 3] / scale, vs[i:i + 3], 2), 0.0)) for i in (0, 1)]
        if min(v1, v2) <= cubic <= max(v1, v2):
            return cubic, max(abs(q - cubic) for q in quads)
    return float(linear), abs(v2 - v1) / 2.0


def _local_quadratic(x: np.ndarray, y: np.ndarray, k: int, sigma_y: float):
    """Least-squares quadratic y(x) through up to 8 points around the gap k-1 | k.

    Returns (coefficients, covariance, centre) or None with fewer than 6 points. The covariance
    uses the larger of the residual scatter and ``sigma_y``.
    """
    lo, hi = max(0, k - 4), min(x.size, k + 4)
    xs, ys = x[lo:hi], y[lo:hi]
    if xs.size < 6 or np.ptp(xs) == 0:
        return None
    centre = 0.5 * (x[k - 1] + x[k])
    A = np.vstack([(xs - centre) ** 2, xs - centre, np.ones_like(xs)]).T
    coef, *_ = np.linalg.lstsq(A, ys, rcond=None)
    s = math.sqrt(float(np.sum((A @ coef - ys) ** 2)) / (xs.size - 3))
    cov = max(s, sigma_y) ** 2 * np.linalg.pinv(A.T @ A)
    return coef, cov, centre


def _root(x: np.ndarray, y: np.ndarray, sigma_y: float = 0.0) -> tuple[float, float] | None:
    """x where y crosses zero, with an uncertainty; None when y keeps one sign.

    With noise y may cross zero several times: the crossing is placed where the fewest points lie
    on the wrong side of it (y rising or falling, whichever the data do overall). The value is the
    cubic inverse interpolation through 2 + 2 points; its uncertainty combines the standard error
    of a least-squares quadratic through 4 + 4 points (scatter or ``sigma_y``, whichever is
    larger, over the local slope) with the difference between the two estimates. With fewer
    points, the interpolation and its own error estimate.
    """
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    if x.size < 2 or np.all(y > 0) or np.all(y < 0):
        return None
    rising = np.polyfit(x, y, 1)[0] >= 0 if np.ptp(x) > 0 else True
    pos = (y > 0) if rising else (y < 0)
    left_wrong = np.concatenate([[0], np.cumsum(pos)])
    right_wrong = np.concatenate([np.cumsum((~pos)[::-1])[::-1], [0]])
    k = int(np.clip(np.argmin(left_wrong + right_wrong), 1, x.size - 1))
    sign = 1.0 if rising else -1.0
    cubic, interp_err = _interp_zero(sign * y, x, k)
    slope = (y[k] - y[k - 1]) / (x[k] - x[k - 1]) if x[k] != x[k - 1] else np.inf
    fit = _local_quadratic(x, y, k, sigma_y)
    if fit is not None:
        (a, b, c), cov, centre = fit
        roots = np.roots([a, b, c]) if abs(a) > 0 else np.array([-c / b]) if b else np.array([])
        roots = roots[np.isreal(roots)].real
        if roots.size:
            d = float(roots[np.argmin(np.abs(roots + centre - cubic))])
            deriv = 2 * a * d + b
            if deriv != 0 and abs(d) <= abs(x[min(k + 3, x.size - 1)] - x[max(k - 4, 0)]):
                jac = np.array([d * d, d, 1.0])
                stat = math.sqrt(max(float(jac @ cov @ jac), 0.0)) / abs(deriv)
                return float(cubic), float(math.hypot(stat, centre + d - cubic))
    stat = sigma_y / abs(slope) if slope else 0.0
    return float(cubic), float(math.hypot(stat, interp_err))


def _value_at_zero(hb: np.ndarray, mb: np.ndarray, sigma_m: float = 0.0) -> tuple[float, float]:
    """M at H = 0 of one branch: cubic interpolation through 2 + 2 points around H = 0 (error: the
    standard error of a least-squares quadratic through 4 + 4 points and its difference from the
    interpolation)."""
    order = np.argsort(hb, kind="stable")
    x, y = hb[order], mb[order]
    k = int(np.clip(np.searchsorted(x, 0.0), 1, x.size - 1))
    cubic, interp_err = _interp_zero(x, y, k)
    fit = _local_quadratic(x, y, k, sigma_m)
    if fit is None:
        return float(cubic), float(math.hypot(sigma_m, interp_err))
    coef, cov, centre = fit
    jac = np.array([centre**2, -centre, 1.0])
    smooth = float(np.polyval(coef, -centre))
    stat = math.sqrt(max(float(jac @ cov @ jac), 0.0))
    return float(cubic), float(math.hypot(stat, smooth - cubic))


@dataclass(eq=False)
class Saturation:
    """High-field analysis.

    Attributes
    ----------
    Ms, Ms_err : float
        Saturation magnetisation and error (unit of the curve).
    chi_hf, chi_hf_err : float
        High-field slope per Oe (unit of the curve per Oe).
    a_Oe, b_Oe2 : float or None
        Approach-to-saturation coefficients (None for the linear fit).
    saturated : bool
        False when the approach law was needed.
    model : str
    n_points : int
    noise : float
        RMS scatter of the points about the high-field fit (the noise of M used for H_c, M_r).
    """

    Ms: float
    Ms_err: float
    chi_hf: float
    chi_hf_err: float
    a_Oe: float | None
    b_Oe2: float | None
    saturated: bool
    model: str
    n_points: int
    noise: float = 0.0


def _fold(curve: MagnetizationCurve, frac: float):
    h, m = curve.field_Oe, curve.M
    ok = np.isfinite(h) & np.isfinite(m) & (h != 0)
    h, m = h[ok], m[ok]
    if h.size == 0:
        raise FitError(f"{curve.source or 'isotherm'} at {curve.temperature_K:.4g} K: no finite points")
    hmax = float(np.max(np.abs(h)))
    sel = np.abs(h) >= frac * hmax
    return np.abs(h[sel]), np.sign(h[sel]) * m[sel]


def _lin(x, y):
    A = np.vstack([np.ones_like(x), x]).T
    coef, res, *_ = np.linalg.lstsq(A, y, rcond=None)
    rss = float(np.sum((A @ coef - y) ** 2))
    dof = max(x.size - 2, 1)
    cov = rss / dof * np.linalg.pinv(A.T @ A)
    return coef, np.sqrt(np.diag(cov)), rss


def _approach(x, y):
    from scipy.optimize import curve_fit

    def law(h, ms, a, chi):
        return ms * (1.0 - a / h) + chi * h

    p0 = [float(np.max(y)), 0.0, 0.0]
    popt, pcov = curve_fit(law, x, y, p0=p0, maxfev=5000)
    rss = float(np.sum((law(x, *popt) - y) ** 2))
    return popt, np.sqrt(np.diag(pcov)), rss


def saturation(curve: MagnetizationCurve) -> Saturation:
    """M_s and high-field slope from the high-field points of all branches.

    Parameters
    ----------
    curve : MagnetizationCurve

    Returns
    -------
    Saturation

    Raises
    ------
    FitError
        Fewer than 4 high-field points.
    """
    from scipy import stats

    x, y = _fold(curve, HIGH_FIELD_FRACTION)
    if x.size < 4 or np.ptp(x) == 0:
        raise FitError(f"{curve.source or 'isotherm'} at {curve.temperature_K:.4g} K: fewer than 4 points "
                       f"above {HIGH_FIELD_FRACTION:.0%} of the maximum field; cannot estimate M_s")
    coef, err, rss = _lin(x, y)
    noise = math.sqrt(rss / max(x.size - 2, 1))
    out = Saturation(Ms=float(coef[0]), Ms_err=float(err[0]), chi_hf=float(coef[1]), chi_hf_err=float(err[1]),
                     a_Oe=None, b_Oe2=None, saturated=True, model="M_s + chi_hf H", n_points=int(x.size),
                     noise=noise)
    xa, ya = _fold(curve, APPROACH_FIELD_FRACTION)
    if xa.size < 8 or np.ptp(xa) == 0:
        return out
    _, _, rss_lin = _lin(xa, ya)
    try:
        popt, perr, rss_law = _approach(xa, ya)
    except (RuntimeError, ValueError):
        return out
    dof = xa.size - 3
    if rss_law <= 0 or not np.all(np.isfinite(perr)):
        return out
    f = (rss_lin - rss_law) / (rss_law / dof)
    p = float(stats.f.sf(f, 1, dof))
    if p < 0.01 and popt[1] > 0:
        return Saturation(Ms=float(popt[0]), Ms_err=float(perr[0]), chi_hf=float(popt[2]),
                          chi_hf_err=float(perr[2]), a_Oe=float(popt[1]), b_Oe2=None, saturated=False,
                          model="M_s (1 - a/H) + chi_hf H", n_points=int(xa.size),
                          noise=math.sqrt(rss_law / dof))
    return out


@dataclass(eq=False)
class LoopResult:
    """Parameters of one isotherm (loop parameters None when it is not a loop).

    Attributes
    ----------
    temperature_K : float
    unit, per : str
        Unit of all M values (see :class:`MagnetizationCurve`).
    Ms, Ms_err, chi_hf, chi_hf_err : float
        From :func:`saturation`.
    Mr, Mr_err, Hc_Oe, Hc_Oe_err, H_eb_Oe, M_shift, squareness, drift, drift_rel : float or None
        Loop parameters.
    Hc_branches_Oe : dict
        H_c- (decreasing branch) and H_c+ (increasing branch) with errors.
    closed : bool or None
    saturation : Saturation
    notes : list of str
    curve : MagnetizationCurve or None
        The analysed curve (for plots).
    """

    temperature_K: float
    unit: str
    per: str
    saturation: Saturation
    Mr: float | None = None
    Mr_err: float | None = None
    Hc_Oe: float | None = None
    Hc_Oe_err: float | None = None
    H_eb_Oe: float | None = None
    M_shift: float | None = None
    squareness: float | None = None
    drift: float | None = None
    drift_rel: float | None = None
    closed: bool | None = None
    Hc_branches_Oe: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    curve: MagnetizationCurve | None = None

    @property
    def Ms(self) -> float:
        """Saturation magnetisation (unit of the curve)."""
        return self.saturation.Ms

    @property
    def Ms_err(self) -> float:
        """Error of M_s."""
        return self.saturation.Ms_err

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe values."""
        from .._json import json_safe

        s = self.saturation
        return json_safe({
            "temperature_K": self.temperature_K, "unit": self.unit, "per": self.per, "Ms": s.Ms,
            "Ms_err": s.Ms_err, "chi_hf": s.chi_hf, "saturated": s.saturated, "saturation_model": s.model,
            "a_Oe": s.a_Oe, "Mr": self.Mr, "Mr_err": self.Mr_err, "Hc_Oe": self.Hc_Oe,
            "Hc_Oe_err": self.Hc_Oe_err, "H_eb_Oe": self.H_eb_Oe, "M_shift": self.M_shift,
            "squareness": self.squareness, "drift": self.drift, "drift_rel": self.drift_rel,
            "closed": self.closed, "Hc_branches_Oe": self.Hc_branches_Oe, "notes": self.notes})

    def summary(self) -> str:
        """A few lines with the numbers and units."""
        u = _unit_text(self.unit, self.per)
        s = self.saturation
        lines = [f"T = {self.temperature_K:.4g} K: M_s = {s.Ms:.5g} ± {s.Ms_err:.2g} {u} ({s.model}), "
                 f"chi_hf = {s.chi_hf:.3g} {u}/Oe"]
        if self.Hc_Oe is not None:
            lines.append(f"  H_c = {self.Hc_Oe:.4g} ± {self.Hc_Oe_err:.2g} Oe, M_r = {self.Mr:.4g} ± "
                         f"{self.Mr_err:.2g} {u}, squareness M_r/M_s = {self.squareness:.3f}, "
                         f"loop shift H_eb = {self.H_eb_Oe:.3g} Oe")
        if self.drift is not None:
            lines.append(f"  drift end - start = {self.drift:.3g} {u} ({100 * self.drift_rel:.2f} % of M_s)")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def _branch_runs(curve: MagnetizationCurve) -> list[tuple[str, np.ndarray]]:
    b = curve.branch
    runs = []
    start = 0
    for i in range(1, b.size + 1):
        if i == b.size or b[i] != b[start]:
            runs.append((str(b[start]), np.arange(start, i)))
            start = i
    return runs


def _crosses_zero(h: np.ndarray) -> bool:
    h = h[np.isfinite(h)]
    return h.size > 1 and h.min() < 0 < h.max()


def _find_loop(curve: MagnetizationCurve):
    runs = [(name, idx) for name, idx in _branch_runs(curve) if name != "virgin"]
    for (n1, i1), (n2, i2) in zip(runs, runs[1:], strict=False):
        if n1 != n2 and _crosses_zero(curve.field_Oe[i1]) and _crosses_zero(curve.field_Oe[i2]):
            dec, inc = (i1, i2) if n1 == "decreasing" else (i2, i1)
            return i1, i2, dec, inc
    names = ", ".join(f"{n} ({curve.field_Oe[i].min():.4g} to {curve.field_Oe[i].max():.4g} Oe)"
                      for n, i in _branch_runs(curve))
    raise FitError(f"{curve.source or 'isotherm'} at {curve.temperature_K:.4g} K is not a swept hysteresis "
                   f"loop: branches {names or 'none'}; a loop needs a decreasing and an increasing branch, "
                   "both through H = 0 -- use magfit.mh.saturation() for a one-way isotherm")


def _drift_ramp(curve: MagnetizationCurve, first: np.ndarray, second: np.ndarray) -> tuple[float, np.ndarray]:
    """End-minus-start moment of a closed loop and the same drift spread linearly over the readings.

    The ramp assumes readings equally spaced in time and a drift linear in time (the usual slow
    instrument / temperature drift); it is zero at the first reading of the loop and equals the
    drift at its last one.
    """
    m = curve.M
    n_end = max(1, min(3, len(second) // 10))
    drift = float(np.nanmean(m[second][-n_end:])) - float(np.nanmean(m[first][:n_end]))
    i0, i1 = int(first[0]), int(second[-1])
    ramp = drift * np.clip((np.arange(m.size) - i0) / max(i1 - i0, 1), 0.0, 1.0)
    return drift, ramp


def _loop_values(curve: MagnetizationCurve, mc: np.ndarray, dec: np.ndarray, inc: np.ndarray,
                 sat: Saturation, tol_Oe: float) -> tuple[dict, dict]:
    """(H_c root, M at H = 0) with errors on the decreasing and the increasing branch of M = mc."""
    h = curve.field_Oe
    hc, mr = {}, {}
    for name, idx in (("decreasing", dec), ("increasing", inc)):
        hb, mb, _ = average_repeats(h[idx], mc[idx], tol_Oe=tol_Oe)
        sig = float(np.nanmedian(curve.M_err[idx])) if np.isfinite(curve.M_err[idx]).any() else sat.noise
        root = _root(hb, mb, sig)
        if root is None or not _crosses_zero(hb):
            raise FitError(f"{curve.source or 'isotherm'} at {curve.temperature_K:.4g} K: the {name} branch "
                           "has no zero crossing of M or H; is the moment offset or the loop incomplete?")
        hc[name] = root
        mr[name] = _value_at_zero(hb, mb, sig)
    return hc, mr


def _set_loop_values(out: LoopResult, hc: dict, mr: dict, sat: Saturation) -> None:
    (hm, hm_e), (hp, hp_e) = hc["decreasing"], hc["increasing"]
    out.Hc_branches_Oe = {"H_c_minus": hm, "H_c_minus_err": hm_e, "H_c_plus": hp, "H_c_plus_err": hp_e}
    out.Hc_Oe = (hp - hm) / 2.0
    out.Hc_Oe_err = 0.5 * math.hypot(hm_e, hp_e)
    out.H_eb_Oe = (hp + hm) / 2.0
    (rd, rd_e), (ri, ri_e) = mr["decreasing"], mr["increasing"]
    out.Mr = (rd - ri) / 2.0
    out.Mr_err = 0.5 * math.hypot(rd_e, ri_e)
    out.M_shift = (rd + ri) / 2.0
    out.squareness = out.Mr / sat.Ms if sat.Ms else None


def _drift_note(out: LoopResult, hc_corr: dict) -> str | None:
    """A note when the drift moves H_c or H_eb by more than their errors (values left uncorrected)."""
    (hm, _), (hp, _) = hc_corr["decreasing"], hc_corr["increasing"]
    d_hc, d_eb = out.Hc_Oe - (hp - hm) / 2.0, out.H_eb_Oe - (hp + hm) / 2.0
    if max(abs(d_hc), abs(d_eb)) <= (out.Hc_Oe_err or 0.0):
        return None
    return (f"the drift ({100 * (out.drift_rel or 0.0):.2g} % of M_s) shifts H_c by {d_hc:.3g} Oe and "
            f"H_eb by {d_eb:.3g} Oe (more than the H_c error): values NOT corrected; "
            "analyze_loop(correct_drift=True) (CLI: --correct-drift) subtracts a drift linear in reading "
            "index")


def analyze_loop(curve: MagnetizationCurve, *, require_closed: bool = True, tol_Oe: float = 5.0,
                 subtract_slope: bool = True, correct_drift: bool = False) -> LoopResult:
    """Loop parameters of an isotherm with a decreasing and an increasing branch through H = 0.

    H_c = (H_c+ - H_c-)/2 and the loop shift (exchange bias) H_eb = (H_c+ + H_c-)/2, where H_c- and
    H_c+ are the zero crossings of the decreasing and the increasing branch (negative H_eb after
    cooling in a positive field, Nogues & Schuller, JMMM 192, 203 (1999)); M_r = (M_r+ - M_r-)/2 and
    the vertical shift M_shift = (M_r+ + M_r-)/2.

    Parameters
    ----------
    curve : MagnetizationCurve
    require_closed : bool
        Raise when the loop does not return to its starting field (drift undefined).
    tol_Oe : float
        Readings closer in field than this are averaged.
    subtract_slope : bool
        Read H_c and M_r from M - chi_hf H (the high-field slope: substrate / holder diamagnetism,
        paramagnetic or Van Vleck background). Without it a diamagnetic background can move the
        zero crossings of M far from the coercive field.
    correct_drift : bool
        Subtract the end-minus-start drift of a closed loop, spread linearly over the readings
        (equal time steps, drift linear in time), before reading H_c and M_r. Without it a note says
        when the drift moves H_c or H_eb by more than the H_c error.

    Returns
    -------
    LoopResult

    Raises
    ------
    FitError
        Not a loop (no two opposite branches through H = 0), not closed, or no zero crossing.
    """
    first, second, dec, inc = _find_loop(curve)
    h, m = curve.field_Oe, curve.M
    hmax = float(np.nanmax(np.abs(h)))
    start_h, end_h = h[first][0], h[second][-1]
    closed = abs(end_h - start_h) <= CLOSURE_FRACTION * hmax
    if require_closed and not closed:
        raise FitError(f"{curve.source or 'isotherm'} at {curve.temperature_K:.4g} K: loop not closed "
                       f"(starts at {start_h:.5g} Oe, ends at {end_h:.5g} Oe); measure back to the "
                       "start field or pass require_closed=False (CLI: --allow-open) to analyse it "
                       "without drift")
    sat = saturation(curve)
    out = LoopResult(temperature_K=curve.temperature_K, unit=curve.unit, per=curve.per, saturation=sat,
                     closed=bool(closed), curve=curve)
    mc = m - sat.chi_hf * h if subtract_slope else m
    if subtract_slope:
        out.notes.append(f"H_c and M_r read after subtracting the high-field slope chi_hf H "
                         f"(chi_hf = {sat.chi_hf:.3g} {_unit_text(curve.unit, curve.per)} per Oe)")
    ramp = None
    if closed:
        out.drift, ramp = _drift_ramp(curve, first, second)
        out.drift_rel = out.drift / sat.Ms if sat.Ms else None
    if correct_drift and ramp is not None:
        mc = mc - ramp
        out.notes.append(f"H_c and M_r read after subtracting the drift ({out.drift:.3g}) linearly in "
                         "reading index")
    hc, mr = _loop_values(curve, mc, dec, inc, sat, tol_Oe)
    _set_loop_values(out, hc, mr, sat)
    if ramp is not None and not correct_drift and out.drift != 0.0:
        note = _drift_note(out, _loop_values(curve, mc - ramp, dec, inc, sat, tol_Oe)[0])
        if note:
            out.notes.append(note)
    if not sat.saturated:
        out.notes.append("not saturated at the highest field: M_s from the approach-to-saturation law")
    if out.Hc_Oe_err and abs(out.Hc_Oe) < 2 * out.Hc_Oe_err:
        out.notes.append("H_c is not distinguishable from zero (< 2 sigma): no hysteresis resolved")
    return out


def analyze_isotherm(curve: MagnetizationCurve, *, require_closed: bool = True,
                     correct_drift: bool = False) -> LoopResult:
    """Loop parameters when the isotherm is a swept loop, else M_s and chi_hf only.

    Parameters
    ----------
    curve : MagnetizationCurve
    require_closed, correct_drift : bool
        Passed to :func:`analyze_loop`.

    Returns
    -------
    LoopResult
        Loop fields None (and a note) for a one-way isotherm.
    """
    try:
        _find_loop(curve)
    except FitError:
        out = LoopResult(temperature_K=curve.temperature_K, unit=curve.unit, per=curve.per,
                         saturation=saturation(curve), curve=curve)
        out.notes.append("one-way isotherm (no decreasing and increasing branch through H = 0): "
                         "no H_c / M_r")
        return out
    return analyze_loop(curve, require_closed=require_closed, correct_drift=correct_drift)


def _unit_text(unit: str, per: str | None) -> str:
    """The curve's M unit for messages: 'μB/formula unit', 'emu/g', 'emu/mol', 'emu'."""
    return f"μB/{per}" if unit == "muB" else unit.replace("emu_g", "emu/g").replace("emu_mol", "emu/mol")
