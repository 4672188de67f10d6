"""Alias table: canonical column names <-> the names each instrument writes.

Canonical names carry their unit (``temperature_K``, ``field_Oe``, ``moment_emu`` ...). For each
(instrument, variant) the table lists, per canonical name, the original column names to try in
order; the first one present *and holding data* wins. The moment column depends on the mode:

======================  ================================  ====================================
instrument / variant    moment_emu                        moment_err_emu
======================  ================================  ====================================
MPMS3 VSM, PPMS VSM     ``Moment (emu)``                  ``M. Std. Err. (emu)``
MPMS3 DC scan           ``DC Moment Free Ctr (emu)``,     ``DC Moment Err Free Ctr (emu)``,
                        then ``DC Moment Fixed Ctr (emu)``  ``DC Moment Err Fixed Ctr (emu)``
MPMS-XL DC              ``Long Moment (emu)``, then       ``Long Scan Std Dev``, then
                        ``DC Moment (emu)``               ``DC Std. Err. (emu)``
PPMS ACMS (DC rows)     ``M-DC (emu)``                    ``M-Std.Dev. (emu)``
PPMS ACMS (AC rows)     ``M' (emu)`` / ``M'' (emu)``      (moment_ac_real_emu / _imag_emu)
MPMS-XL AC              ``m' (emu)`` / ``m" (emu)``       ``m' Scan Std Dev``
======================  ================================  ====================================

Note that the ACMS ``Moment (emu)`` column is the AC amplitude, *not* a DC moment, which is why
a per-instrument table is needed rather than one global list.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "CANONICAL",
    "ALIASES",
    "aliases_for",
    "match_columns",
    "original_name",
    "canonical_name",
]

#: canonical names understood by :class:`magfit.Measurement`, with a short description
CANONICAL: dict[str, str] = {
    "temperature_K": "sample temperature, K",
    "field_Oe": "applied DC field, Oe",
    "moment_emu": "DC magnetic moment, emu",
    "moment_err_emu": "one-sigma error of moment_emu, emu",
    "time_s": "time stamp, s (epoch as written by the instrument)",
    "moment_ac_real_emu": "AC moment, in-phase part m', emu",
    "moment_ac_imag_emu": "AC moment, out-of-phase part m'', emu",
    "moment_ac_err_emu": "error of the AC moment, emu",
    "ac_frequency_Hz": "AC drive frequency, Hz",
    "ac_amplitude_Oe": "AC drive amplitude, Oe",
    "measure_type": "ACMS measure type code (0 = DC)",
    "comment": "sequence comment text",
    "chi_emu_mol": "molar susceptibility, emu/mol",
    "chi_err_emu_mol": "error of chi_emu_mol, emu/mol",
    "chi_emu_g": "mass susceptibility, emu/g",
    "chi_err_emu_g": "error of chi_emu_g, emu/g",
    "chi_sample_emu_Oe": "M/H of the whole sample, emu/Oe (= cm^3, Gaussian)",
    "chi_sample_err_emu_Oe": "error of chi_sample_emu_Oe, emu/Oe",
    "moment_muB_fu": "moment per formula unit, Bohr magnetons",
    "magnetization_emu_g": "mass magnetization, emu/g",
    "chiT_emu_K_mol": "molar chi times T, emu K/mol (= cm^3 K/mol)",
    "chiT_err_emu_K_mol": "error of chiT_emu_K_mol, emu K/mol",
    "inverse_chi_mol_emu": "inverse molar susceptibility 1/chi, mol/emu",
    "inverse_chi_err_mol_emu": "error of inverse_chi_mol_emu, mol/emu",
    "mu_eff_muB": "effective moment sqrt(3 k_B chi T / (N_A mu_B^2)) per formula unit, Bohr magnetons",
    "mu_eff_err_muB": "error of mu_eff_muB, Bohr magnetons",
    "chi_volume_cgs": "volume susceptibility, dimensionless cgs (SI value / 4 pi)",
    "chi_volume_err_cgs": "error of chi_volume_cgs",
    "magnetization_emu_mol": "molar magnetization M, emu/mol (chi = M/H)",
}

_COMMON: dict[str, list[str]] = {
    "temperature_K": ["Temperature (K)"],
    "field_Oe": ["Magnetic Field (Oe)", "Field (Oe)", "Field [Oe]"],
    "time_s": ["Time Stamp (sec)", "Time", "Time Stamp [s]"],
    "comment": ["Comment"],
}

#: (instrument, variant) -> canonical -> candidate original names (first with data wins).
#: variant None is the instrument-wide fallback.
ALIASES: dict[tuple[str, str | None], dict[str, list[str]]] = {
    ("MPMS3", "VSM"): {
        "moment_emu": ["Moment (emu)"],
        "moment_err_emu": ["M. Std. Err. (emu)"],
    },
    ("MPMS3", "DC scan"): {
        "moment_emu": ["DC Moment Free Ctr (emu)", "DC Moment Fixed Ctr (emu)"],
        "moment_err_emu": ["DC Moment Err Free Ctr (emu)", "DC Moment Err Fixed Ctr (emu)"],
    },
    ("MPMS3", "AC"): {
        "moment_ac_real_emu": ["AC X' (emu)", "AC Moment (emu)"],
        "moment_ac_imag_emu": ["AC X'' (emu)"],
        "moment_ac_err_emu": ["AC M. Std Err. (emu)"],
        "ac_frequency_Hz": ["AC Frequency (Hz)"],
        "ac_amplitude_Oe": ["AC Drive (Oe)"],
    },
    ("MPMS3", None): {
        "moment_emu": ["Moment (emu)", "DC Moment Free Ctr (emu)", "DC Moment Fixed Ctr (emu)"],
        "moment_err_emu": ["M. Std. Err. (emu)", "DC Moment Err Free Ctr (emu)",
                           "DC Moment Err Fixed Ctr (emu)"],
    },
    ("PPMS VSM", None): {
        "moment_emu": ["Moment (emu)"],
        "moment_err_emu": ["M. Std. Err. (emu)"],
    },
    ("MPMS-XL", "DC"): {
        "moment_emu": ["Long Moment (emu)", "Long Moment [w/o ABS] (emu)", "DC Moment (emu)"],
        "moment_err_emu": ["Long Scan Std Dev", "Long Scan Std Dev [w/o ABS]", "DC Std. Err. (emu)",
                           "DC Moment Std. Err. (emu)"],
    },
    ("MPMS-XL", "AC"): {
        "moment_ac_real_emu": ["m' (emu)"],
        "moment_ac_imag_emu": ['m" (emu)', "m'' (emu)"],
        "moment_ac_err_emu": ["m' Scan Std Dev"],
        "ac_frequency_Hz": ["Wave Frequency (Hz)"],
        "ac_amplitude_Oe": ["Drive Amplitude (Oe)"],
    },
    ("MPMS-XL", None): {
        "moment_emu": ["Long Moment (emu)", "DC Moment (emu)"],
        "moment_err_emu": ["Long Scan Std Dev", "DC Std. Err. (emu)", "DC Moment Std. Err. (emu)"],
    },
    ("PPMS ACMS", None): {
        "moment_emu": ["M-DC (emu)"],
        "moment_err_emu": ["M-Std.Dev. (emu)"],
        "moment_ac_real_emu": ["M' (emu)"],
        "moment_ac_imag_emu": ["M'' (emu)"],
        "ac_frequency_Hz": ["Frequency (Hz)"],
        "ac_amplitude_Oe": ["Amplitude (Oe)"],
        "measure_type": ["Measure Type"],
    },
    # DynaCool ACMS II: DC rows "DC Moment (emu)"; AC rows "AC Moment (emu)" is |m| (row detection
    # only: chi', chi'' come from "AC X'  (emu/Oe)" / 'AC X" (emu/Oe)', see convert)
    ("PPMS ACMS II", None): {
        "moment_emu": ["DC Moment (emu)"],
        "moment_err_emu": ["DC Std. Err. (emu)"],
        "moment_ac_real_emu": ["AC Moment (emu)"],
        "moment_ac_err_emu": ["AC Std. Dev. (emu)"],
        "ac_frequency_Hz": ["AC Frequency (Hz)"],
        "ac_amplitude_Oe": ["AC Drive (Oe)"],
    },
    ("Lake Shore VSM", None): {
        "moment_emu": ["Moment (m) [emu]"],
    },
}


def aliases_for(instrument: str, variant: str | None) -> dict[str, list[str]]:
    """Candidate original names per canonical name for one instrument and variant.

    Parameters
    ----------
    instrument : str
        e.g. ``"MPMS3"``, ``"PPMS ACMS"``.
    variant : str or None
        e.g. ``"VSM"``, ``"DC scan"``, ``"AC"``; unknown variants fall back to the instrument-wide list.

    Returns
    -------
    dict
        canonical -> list of original names, most specific first.
    """
    out: dict[str, list[str]] = {k: list(v) for k, v in _COMMON.items()}
    for key in ((instrument, None), (instrument, variant)):
        for canon, names in ALIASES.get(key, {}).items():
            # the variant-specific list goes first
            out[canon] = list(names) + [n for n in out.get(canon, []) if n not in names]
    if variant is not None and "+" in variant:  # e.g. MPMS3 "VSM+DC scan": merge the parts
        for part in variant.split("+"):
            for canon, names in ALIASES.get((instrument, part), {}).items():
                out[canon] = out.get(canon, []) + [n for n in names if n not in out.get(canon, [])]
    return out


def match_columns(instrument: str, variant: str | None, available: Iterable[str],
                  has_data: Iterable[str] | None = None) -> dict[str, str]:
    """Map canonical names to the original columns of one file.

    Parameters
    ----------
    instrument, variant : str
        As in :func:`aliases_for`.
    available : iterable of str
        The file's column names.
    has_data : iterable of str, optional
        The columns holding at least one value; a candidate with data beats an empty one.

    Returns
    -------
    dict
        canonical -> original name, only for canonical names found.
    """
    avail = list(available)
    filled = set(avail if has_data is None else has_data)
    out: dict[str, str] = {}
    for canon, names in aliases_for(instrument, variant).items():
        present = [n for n in names if n in avail]
        with_data = [n for n in present if n in filled]
        if with_data:
            out[canon] = with_data[0]
        elif present and canon not in ("moment_emu", "moment_err_emu"):
            out[canon] = present[0]
    # keep the error column consistent with the chosen DC moment (Free vs Fixed centre)
    mom = out.get("moment_emu", "")
    if mom.startswith("DC Moment ") and mom.endswith(" Ctr (emu)"):
        err = mom.replace("DC Moment ", "DC Moment Err ")
        if err in avail:
            out["moment_err_emu"] = err
    return out


def original_name(canonical: str, instrument: str, variant: str | None = None) -> list[str]:
    """The original names an instrument may use for ``canonical`` (empty list when none)."""
    return aliases_for(instrument, variant).get(canonical, [])


def canonical_name(original: str, instrument: str, variant: str | None = None) -> str | None:
    """The canonical name of an original column, or None when it has none."""
    for canon, names in aliases_for(instrument, variant).items():
        if original in names:
            return canon
    return None
