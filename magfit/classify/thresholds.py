"""Thresholds and base confidences of the verdict rules, each with the reason for its value."""

from __future__ import annotations

LABELS = ("localized", "itinerant", "mixed", "undetermined")

#: significance level of the F-tests: a term is "needed" when p < ALPHA (1 % false alarms; with
#: tens of points, a real Curie term of a few % is far below this)
ALPHA = 0.01
#: f >= F_LOCALIZED -> localized: a Van Vleck/TIP term of ~1e-4 emu/mol next to an S = 1/2 Curie
#: term at 300 K (1.25e-3 emu/mol) gives f ~ 0.93; 0.8 leaves room for that and for noise
F_LOCALIZED = 0.8
#: f <= F_ITINERANT -> itinerant: impurity Curie tails of metals are typically a few % of chi at
#: room temperature; 0.2 keeps a factor-of-4 margin from the localized side
F_ITINERANT = 0.2
#: the Curie fraction is "not determined" when its standard error exceeds this
SIGMA_F_MAX = 0.2
#: flat data: the Curie-tail bound is f + Z_BOUND sigma_f (one-sided ~2.3 %)
Z_BOUND = 2.0
#: theta < -THETA_DEGENERATE * T_max: C/(T - theta) varies by < 2x over the window, so it cannot be
#: told from a slowly varying background (a Curie-Weiss law needs T >~ 2|theta|, Blundell ch. 5)
THETA_DEGENERATE = 1.0
#: no Hund's-rules ion exceeds 10.65 mu_B (Dy3+); a larger "moment" from a degenerate fit is no ion
MU_EFF_MAX = 12.0
#: degenerate Curie-Weiss term: chi counts as "weakly T dependent" when the fitted curve changes by
#: less than this fraction of its mean over the window (Pd: ~10 % between 2 K and 300 K)
FLAT_VARIATION = 0.3
#: no Pauli paramagnet has chi above this (emu/mol): Pd, the textbook exchange-enhanced metal, has
#: 5.4e-4 (CRC) and metals on the verge of ferromagnetism reach ~1e-2 [from memory]; a larger, nearly
#: T-independent chi is a saturated (ordered) ferro/ferrimagnet in a small field, or a wrong mass or
#: molar mass, so an "itinerant" verdict is refused
PAULI_CHI_MAX_EMU_MOL = 0.05
#: confidence of an itinerant verdict that rests on excluding a Curie law, not on a fit of one
DEGENERATE_CONFIDENCE = 0.5
#: sanity limits: |chi| beyond 1e8 emu/mol (a saturated ferromagnet in 1 Oe is ~1e4) or T beyond
#: 1e5 K is not a measurement; such points are dropped and counted
CHI_ABS_MAX = 1e8
T_MAX_K = 1e5
#: residual sum of squares below this fraction of sum(chi^2) (rms ~1e-9 relative) is round-off:
#: noise-free data, whose parameter covariance is 0/0
EXACT_REL = 1e-18
#: minimum finite points and distinct temperatures for any verdict (3 parameters + F-test dof)
MIN_POINTS = 8
MIN_DISTINCT_T = 5
#: chi falling below this fraction of its maximum on cooling: a singlet (gapped) ground state, not order
#: (a powder Neel antiferromagnet keeps 2/3 of chi(T_N), an S = 1/2 chain ~0.7, a dimer goes to 0)
GAP_DROP = 0.5
#: chi rising with T by more than this (relative, over the window) is no Pauli metal's: a gapped spectrum
RISE_GAPPED = 0.3
#: ... and by more than this when the formula holds a local-moment ion
RISE_GAPPED_ION = 0.05
#: base confidence of the shape rules (calibrated in benchmarks/bench_calibration.py)
GAPPED_CONFIDENCE = 0.9
GAPPED_CONFIDENCE_NO_ION = 0.75
VAN_VLECK_CONFIDENCE = 0.9
#: a Curie term below this share of the bulk ions' Curie constant is an impurity tail, not the bulk
BULK_SHARE_MAX = 0.1
#: itinerant is refused when chi exceeds this share of the formula ions' free Curie chi at T_max
BULK_CHI_MAX = 0.3
#: each physics flag caps the confidence at FLAG_CAP ** n_flags (one flag: 0.9 < 0.95)
FLAG_CAP = 0.9
#: no verdict from noisy data is certain: the rule probabilities Phi(z) x (1 - p_curie) use only the
#: statistical error of one window's fit, not the model's adequacy, the window choice or the data
#: reduction (mass, background), so a share 40 sigma from a threshold gives Phi = 1.0 to double
#: precision; the reported confidence is at most this (a flag-free verdict is at most 1 in 100 wrong)
CONFIDENCE_MAX = 0.99
#: base confidence of an enhanced-Pauli (T^2) verdict
T2_CONFIDENCE = 0.85
#: flags of the internal whole-range fit that say nothing about the label (see _label_flags)
LABEL_NEUTRAL_FLAGS = ("T_min < 2|theta|", "C not significantly positive", "C error undefined",
                       "uncertainties not estimated", "rho(theta, chi0) undefined")
#: 4f ions with L > 0: a window starting below this may sit inside the crystal-field multiplet
CF_TMIN_K = 150.0
#: ... and is flagged when mu_eff moves over the neighbouring windows by more than this x its error
CF_SYS_RATIO = 2.0
#: ... or when the per-ion mu_eff is more than this many combined (stat + window) sigma from the free-ion
#: g_J sqrt(J(J+1)) (the shielded 4f moment; a 3 sigma test)
CF_FREE_ION_Z = 3.0
#: T^2 evidence: points where CW(T) is below this share of chi count as chi0-dominated
CHI0_DOMINATED = 0.5
#: T^2 evidence: b T_max^2 below this is "weak" (enhanced Pauli; Pd changes by ~10 % up to 80 K)
T2_WEAK = 0.3
#: a localized verdict whose Curie term is below this many S = 1/2 moments per mole of ``per`` is an
#: impurity-level (dilute) moment, flagged and stated with its concentration (0.1: 10 % S = 1/2)
IMPURITY_LEVEL_MAX = 0.1
#: the flag that marks Curie-Weiss numbers as meaningless (gapped, Van Vleck)
CW_NOT_MEANINGFUL = "Curie-Weiss parameters not meaningful"
#: valence fluctuation: a chi maximum (or chi rising through the window) at or above this temperature in a
#: Ce/Yb compound is the Kondo / intermediate-valence crossover, not a gapped cluster: Ce3+ (4f1) and Yb3+
#: (4f13) are Kramers ions (no single-ion singlet), and 4f-4f exchange orders Ce/Yb compounds only at
#: T <~ 40 K (CeRh2Si2, T_N = 36 K, among the highest [from memory]), so neither explains a maximum at 50 K+
IV_TMIN_K = 50.0
#: base confidence of the valence-fluctuation ('mixed') verdict: a shape rule on one maximum
IV_CONFIDENCE = 0.6
#: core diamagnetism ~ -(M / 2) x 1e-6 emu/mol for molar mass M in g/mol (G. A. Bain and J. F. Berry, J. Chem.
#: Educ. 85, 532 (2008)); a fitted chi0 more negative than DIA_FACTOR x that (3 sigma) is no core
#: diamagnetism: chi0 has absorbed the curvature of a temperature-dependent moment
DIA_PER_GRAM = 0.5e-6
DIA_FACTOR = 3.0
#: ... and without a formula: the rule of thumb for M = 2000 g/mol (a large molecular complex)
DIA_FLOOR_NO_FORMULA = -1e-3
#: chi below this (emu/mol) is no core or Landau diamagnetism (bismuth, the strongest normal diamagnet, has
#: -2.8e-4 emu/mol, CRC Handbook [from memory]): superconducting shielding, chi_v = -1/(4 pi) for full
#: shielding, i.e. chi = -V_m / (4 pi) ~ -0.9 emu/mol for V_m = 11 cm^3/mol (Nb)
SC_CHI_MAX = -1e-2
#: base confidence of the giant-moment blocking verdict (superparamagnet / single-molecule magnet): the
#: label is a shape rule on one maximum plus an implausibly large moment
BLOCKING_CONFIDENCE = 0.6
#: base confidence of the ferrimagnet verdict (theta < 0 above a ferromagnetic rise): a shape rule; a
#: canted (weakly ferromagnetic) antiferromagnet gives the same signature and is localized too
FERRI_CONFIDENCE = 0.7
#: spin crossover: the largest d(chi*T)/d ln T relative to the largest chi*T above which a chi*T rise is a
#: step, not thermal population of a gapped spectrum: a Bleaney-Bowers dimer reaches 0.55 (max of
#: 4 x e^x / (3 + e^x)^2, x = 2|J|/T), a Sherrington-Kirkpatrick spin glass's ZFC chi*T ~1 just below T_f,
#: an ideal-solution spin crossover Delta_H / (4 R T_1/2) = 1.5-4 (Delta_H = 10-25 kJ/mol, T_1/2 = 100-250 K;
#: Slichter and Drickamer, J. Chem. Phys. 56, 2142 (1972))
SCO_SLOPE = 1.3
#: ... the step must carry at least this share of the largest chi*T (LS -> HS: nearly all of it)
SCO_MIN_STEP = 0.5
#: ... and lie at or above this temperature (spin crossovers: T_1/2 ~ 50-400 K; below 30 K steeper chi*T
#: changes come from ordering and zero-field splitting)
SCO_TMIN_K = 30.0
#: ... chi*T may fall above the step to no less than this share of its high side (a plateau; the chi*T peak
#: of a zero-field-cooled ferromagnet falls further), and the plateau above the 90 % point must span this much
#: in ln T with a slope below SCO_SLOPE / SCO_PLATEAU_FLATNESS (a gapped cluster's chi*T still rises there)
SCO_PLATEAU_KEEP = 2.0 / 3.0
SCO_PLATEAU_LNT = 0.15
SCO_PLATEAU_FLATNESS = 3.0
#: base confidence of the spin-crossover verdict: a shape rule on one step (the label, localized, holds for
#: both spin states; the rule cannot tell a spin crossover from another first-order transition)
SCO_CONFIDENCE = 0.6
#: adsorbed O2: chi in this range (the gamma solid, 43.8-54.4 K [from memory]) is compared with a smooth
#: background fitted on O2_BACKGROUND_K (the points within 4 K of the anomaly range left out)
O2_GAMMA_K = (44.0, 54.0)
#: (local: over 20-100 K the five-term ln chi background misses a real ZFC blocking curve -- RinehartGroup
#: zfc4a, maximum at 85 K -- by 1.5 % across the hole, flagged at z = 39; over 28-70 K by 0.4 %)
O2_BACKGROUND_K = (28.0, 70.0)
#: ... the points within this distance of O2_GAMMA_K left out of the background (and around the control
#: windows that measure how well the background interpolates across such a hole)
O2_HOLE_PAD_K = 4.0
#: ... and flagged when its mean excess exceeds this many standard errors (a 4 sigma test: one false alarm in
#: ~30,000 featureless curves when the standard error is honest: residual scatter over the effective number
#: of points, n (1 - r1)/(1 + r1) with r1 the residuals' lag-1 autocorrelation, plus the background's
#: prediction error -- scatter / sqrt(n) alone made z = 39 of a 1.5 % smooth misfit on 61 dense points)
O2_ANOMALY_Z = 4.0
#: chi rising on heating above an interior minimum by more than this (relative) when the formula holds a
#: local-moment ion: a gapped magnet behind an impurity Curie tail (a Bleaney-Bowers dimer with J = -400 K
#: rises ~6x from 150 to 300 K); a T^2-enhanced Pauli metal rises by ~10 % (Pd), a metal with a Curie tail
#: not at all
RISE_ABOVE_MIN = 0.5
#: 'mixed' from one field: when the Curie term is this share of the formula ions' free-ion Curie constant
#: (every ion a full local moment, an insulating salt's signature), chi0 = chi_Pauli + M_s/H of a saturated
#: ferromagnetic impurity cannot be split with one field (Honda-Owen needs two), so the 'mixed' confidence
#: is at most MIXED_ONE_FIELD_CONFIDENCE
BULK_FULL_SHARE = (0.7, 1.3)
MIXED_ONE_FIELD_CONFIDENCE = 0.6
#: ... and by more than this share of chi (the smooth background misses a Bleaney-Bowers dimer's ln chi by up
#: to ~0.5 % at 40-60 K; an anomaly below 1 % is not told from such a misfit)
O2_MIN_EXCESS = 0.01
