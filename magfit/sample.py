"""Sample description: mass, chemical formula -> molar mass, magnetic ions per formula unit.

The raw magnetometer signal is a moment in emu. Turning it into a molar susceptibility needs

    chi_mol [emu mol^-1 Oe^-1] = m [emu] * M_molar [g/mol] / (mass [g] * H [Oe])

and, per mole of magnetic ion, a division by the number of those ions per formula unit. This
module collects those sample numbers -- from explicit arguments or from the file header -- into a
frozen :class:`Sample` that records where every value came from.

Header keys understood (Quantum Design and Lake Shore files; see ``shared/realdata/MANIFEST.md``):

========================  ================================================  =====================
key                       meaning                                           used
========================  ================================================  =====================
``SAMPLE_MASS``           sample mass in mg (MPMS3, PPMS)                   always
``WEIGHT``                sample mass in mg (MPMS-XL)                       always
``mass (g)``              free-form ``INFO,mass (g) =,0.0467`` (grams)      always
``Mass``                  Lake Shore ``Mass: 1.00000 g`` (unit in value)    always
``SAMPLE_MOLECULAR_WEIGHT``  molar mass in g/mol                            always
``SAMPLE_VOLUME``/``AREA``   eicosane (wax) mass in mg                      header_conventions
``SAMPLE_SIZE``/``SHAPE``    molar diamagnetic correction in emu/mol        header_conventions
``LENGTH``                molecular weight in g/mol (MPMS-XL)               header_conventions
========================  ================================================  =====================

The last three rows are a common chemists' habit of re-using unrelated MultiVu fields; they are
only read when ``header_conventions=True``. Empty values and MPMS-XL's ``0.000`` placeholders are
treated as absent. A PPMS VSM ``SAMPLE_SIZE`` such as ``(1, 2, 0.5)`` (dimensions) is never read
as a number.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from .corrections import pascal_diamagnetism
from .errors import SampleError
from .formula import _parse as _parse_formula  # plain formulas without importing periodictable
from .formula import count_atoms, ion_element, molar_mass_g_mol, normalize_formula, parse_formula

__all__ = [
    "Sample",
    "molar_mass_g_mol",
    "count_atoms",
    "parse_formula",
    "normalize_formula",
    "ion_element",
    "resolve_sample",
    "PLACEHOLDER_MASS_NOTE",
    "placeholder_mass",
]

_MG_PER_G = 1000.0

@dataclass(frozen=True)
class Sample:
    """Everything needed to turn a moment into a molar susceptibility, with provenance.

    Attributes
    ----------
    mass_mg : float or None
        Sample mass in milligrams.
    molar_mass_g_mol : float or None
        Molar mass of one formula unit in g/mol.
    formula : str or None
        Chemical formula as given.
    per_ion : str or None
        Element the susceptibility is normalised to (``None``: per formula unit).
    n_ions : float or None
        Ions of ``per_ion`` per formula unit (``None``: per formula unit).
    diamagnetic_emu_mol : float
        Core diamagnetism to subtract, emu per mole of formula units (<= 0; 0 when not requested).
    diamagnetic_source : str
        Where ``diamagnetic_emu_mol`` came from ("none", "argument", "Pascal constants ...", header).
    eicosane_mg : float or None
        Mass of eicosane (wax) embedding the sample, mg.
    sources : dict
        Field name -> where its value came from, e.g. ``{"mass_mg": "header SAMPLE_MASS"}``.
    warnings : tuple of str
        Things noticed but not fatal (e.g. header molar mass differs from the formula's).
    """

    mass_mg: float | None = None
    molar_mass_g_mol: float | None = None
    formula: str | None = None
    per_ion: str | None = None
    n_ions: float | None = None
    diamagnetic_emu_mol: float = 0.0
    diamagnetic_source: str = "none"
    eicosane_mg: float | None = None
    sources: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def mass_g(self) -> float | None:
        """Sample mass in grams."""
        return None if self.mass_mg is None else self.mass_mg / _MG_PER_G

    @property
    def moles(self) -> float | None:
        """Moles of formula units in the sample (mass_g / M)."""
        if self.mass_mg is None or self.molar_mass_g_mol is None:
            return None
        return self.mass_g / self.molar_mass_g_mol

    @property
    def mass_note(self) -> str:
        """`` (...placeholder...)`` when the header's mass was the instrument default, else ""."""
        placeholder = PLACEHOLDER_MASS_NOTE.split(" — ")[0]   # the fix follows in the caller's message
        return f" ({placeholder})" if PLACEHOLDER_MASS_NOTE in self.warnings else ""

    @property
    def per(self) -> str:
        """What one mole counts: 'formula unit' or e.g. 'Gd'."""
        if self.n_ions is None:
            return "formula unit"
        return self.per_ion or "magnetic ion"

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict of all fields."""
        out = asdict(self)
        out["warnings"] = list(self.warnings)
        return out


# ---------------------------------------------------------------------------------------------
# header reading

def _where(path: str | None) -> str:
    return f"{path}: " if path else ""


def _header_lookup(header: dict, key: str) -> tuple[str, str] | None:
    """(actual key, stripped value) for ``key`` (case-insensitive); None when absent or empty."""
    for k, v in header.items():
        if isinstance(k, str) and k.strip().lower() == key.lower():
            text = "" if v is None else str(v).strip()
            return (k, text) if text else None
    return None


def _header_number(header: dict, key: str, what: str, path: str | None,
                   zero_is_absent: bool = True) -> tuple[float, str] | None:
    hit = _header_lookup(header, key)
    if hit is None:
        return None
    k, text = hit
    try:
        value = float(text)
    except ValueError:
        raise SampleError(
            f"{_where(path)}header {k} = {text!r} is not a number but is needed as {what}; "
            f"fix the header value or pass the value as an argument (explicit arguments win)"
        ) from None
    if not math.isfinite(value):
        raise SampleError(f"{_where(path)}header {k} = {text!r} is not finite ({what})")
    if zero_is_absent and value == 0.0:
        return None  # MultiVu writes 0 / 0.000 for fields nobody filled in
    return value, k


_MASS_FREEFORM = re.compile(r"^\s*(?:sample[\s_]+)?mass\s*[\(\[]\s*(mg|g)\s*[\)\]]\s*[=:]?\s*$",
                            re.IGNORECASE)
_VALUE_WITH_UNIT = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(mg|g|kg)?\s*$")
_UNIT_TO_MG = {"mg": 1.0, "g": _MG_PER_G, "kg": 1e6}


def _header_mass_mg(header: dict, path: str | None) -> tuple[float, str] | None:
    """Mass in mg from the header, trying SAMPLE_MASS, WEIGHT, 'mass (g)', Lake Shore 'Mass'."""
    for key in ("SAMPLE_MASS", "WEIGHT"):
        with_unit = _number_with_mass_unit(_header_lookup(header, key))
        if with_unit is not None:   # 'INFO,0.0125 g,SAMPLE_MASS': a unit typed into the field
            return with_unit
        hit = _header_number(header, key, "sample mass in mg", path)
        if hit is not None:
            return hit[0], f"header {hit[1]}"
    for k, v in header.items():
        m = _MASS_FREEFORM.match(str(k))
        text = "" if v is None else str(v).strip()
        if m and text:
            unit = m.group(1).lower()
            try:
                value = float(text)
            except ValueError:
                raise SampleError(
                    f"{_where(path)}header {k!r} = {text!r} is not a number; pass mass_mg=... instead"
                ) from None
            if value == 0.0:
                continue
            return value * _UNIT_TO_MG[unit], f"header {k!r} ({unit} -> mg)"
    hit = _header_lookup(header, "Mass") or _header_lookup(header, "Sample Mass")
    if hit is not None:
        k, text = hit
        m = _VALUE_WITH_UNIT.match(text)
        if m is None:
            raise SampleError(
                f"{_where(path)}header {k} = {text!r} is not a mass like '1.00000 g'; "
                "pass mass_mg=... instead"
            )
        value = float(m.group(1))
        unit = (m.group(2) or "g").lower()  # Lake Shore writes grams
        if value != 0.0:
            return value * _UNIT_TO_MG[unit], f"header {k} ({unit} -> mg)"
    return None


def _number_with_mass_unit(hit: tuple[str, str] | None) -> tuple[float, str] | None:
    """(mass in mg, source) for a header value written with its unit ('0.0125 g', '12.5 mg')."""
    m = _VALUE_WITH_UNIT.match(hit[1]) if hit is not None else None
    if m is None or m.group(2) is None or float(m.group(1)) == 0.0:
        return None
    unit = m.group(2).lower()
    return float(m.group(1)) * _UNIT_TO_MG[unit], f"header {hit[0]} ({unit} -> mg)"


#: molar-mass header keys other than SAMPLE_MOLECULAR_WEIGHT:
#: 'Molecular Weight (g/mol)', 'Molar mass', 'Formula weight', 'MW', 'FW'
_MOLAR_MASS_KEY = re.compile(r"^\s*(?:sample[ _])?(?:(?:molecular|molar|formula)[ _](?:weight|mass)|mw|fw)"
                             r"\s*(?:[\(\[]\s*g\s*/\s*mol\s*[\)\]])?\s*[=:]?\s*$", re.IGNORECASE)


def _header_molar_mass(header: dict, path: str | None) -> tuple[float, str] | None:
    """Molar mass from a header key spelled another way than SAMPLE_MOLECULAR_WEIGHT (value in g/mol,
    optionally followed by 'g/mol')."""
    for k, v in header.items():
        text = re.sub(r"(?i)\s*g\s*/\s*mol\s*$", "", "" if v is None else str(v).strip())
        if isinstance(k, str) and _MOLAR_MASS_KEY.match(k) and text:
            return _header_number({k: text}, k, "molar mass in g/mol", path)
    return None


#: what is said about a header mass that is the instrument's default (Lake Shore writes 'Mass: 1.00000 g'
#: until someone types the real one)
PLACEHOLDER_MASS_NOTE = "mass is the instrument default placeholder 1 g — pass --mass-mg"
_PLACEHOLDER_MASS = re.compile(r"^\s*1(?:\.0*)?\s*g\s*$")


def placeholder_mass(header: dict | None) -> bool:
    """True when the header's ``Mass`` is the Lake Shore default placeholder ``1.00000 g``.

    Parameters
    ----------
    header : dict or None
        ``Measurement.header``.

    Returns
    -------
    bool
    """
    hit = _header_lookup(dict(header or {}), "Mass")
    return hit is not None and _PLACEHOLDER_MASS.match(hit[1]) is not None


def _check_positive(name: str, value: Any, fix: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SampleError(f"{name}={value!r} is not a number; {fix}") from None
    if not math.isfinite(number) or number <= 0:
        raise SampleError(f"{name}={value!r} must be a positive finite number; {fix}")
    return number


def _check_diamagnetic(value: float, origin: str) -> float:
    if not math.isfinite(value):
        raise SampleError(f"diamagnetic correction from {origin} is not finite: {value!r}")
    if value > 0:
        raise SampleError(
            f"diamagnetic correction from {origin} is {value:+.4g} emu/mol but core diamagnetism is "
            "negative; "
            f"pass diamagnetic={-value:.4g} (the signed value), or diamagnetic='pascal'"
        )
    return value


def resolve_sample(header: dict | None, *, mass_mg: float | None = None,
                   molar_mass_g_mol: float | None = None, formula: str | None = None,
                   per_ion: str | None = None, n_ions: float | None = None,
                   diamagnetic: float | str | None = None, header_conventions: bool = False,
                   eicosane_mg: float | None = None, path: str | None = None) -> Sample:
    """Combine explicit arguments and header values into a :class:`Sample` (arguments win).

    Parameters
    ----------
    header : dict or None
        ``Measurement.header`` (KEY -> string value).
    mass_mg : float, optional
        Sample mass in mg. Otherwise header ``SAMPLE_MASS`` / ``WEIGHT`` (mg), ``mass (g)`` or
        Lake Shore ``Mass`` -- except a Lake Shore ``Mass: 1.00000 g``, the software's default
        placeholder: it is *not* used (the mass stays unknown, a warning says so), so every
        conversion that needs a mass (molar or per-gram chi, M in μB or emu/g) refuses until
        ``mass_mg`` is given. Reason: a real VSM sample weighs mg, so a silent 1 g scales chi by
        100-1000 and μ_eff by 10-30 while the fit still looks fine; a refusal costs one option.
        (A sample that really weighs 1 g: pass ``mass_mg=1000``.)
    molar_mass_g_mol : float, optional
        Molar mass of one formula unit. Otherwise from ``formula``, then header
        ``SAMPLE_MOLECULAR_WEIGHT``, then (``header_conventions``) MPMS-XL ``LENGTH``.
    formula : str, optional
        Chemical formula (periodictable syntax plus hydrate dots).
    per_ion : str, optional
        Normalise per mole of this ion (``"Gd"`` or ``"Gd3+"``); needs ``formula`` or ``n_ions``.
    n_ions : float, optional
        Magnetic ions per formula unit (overrides counting ``per_ion`` in ``formula``).
    diamagnetic : None, float or "pascal"
        Core diamagnetism in emu/mol (per formula unit, <= 0), or ``"pascal"`` to compute it from
        ``formula`` with Pascal's constants. ``None``: header (``header_conventions``) or none.
    header_conventions : bool
        Read the chemists' re-used fields (eicosane mass, diamagnetic correction, MPMS-XL LENGTH).
    eicosane_mg : float, optional
        Eicosane mass in mg (overrides the header convention).
    path : str, optional
        File name, used in error messages.

    Returns
    -------
    Sample
        With ``sources`` naming the origin of every value.

    Raises
    ------
    SampleError
        Non-positive mass or molar mass, unknown formula, ion not in formula, non-numeric header
        value where one is needed, positive diamagnetic correction.
    """
    header = dict(header or {})
    sources: dict[str, str] = {}
    warnings: list[str] = []

    # --- mass
    if mass_mg is not None:
        mass = _check_positive("mass_mg", mass_mg, "give the sample mass in milligrams, e.g. mass_mg=10.0")
        sources["mass_mg"] = "argument mass_mg"
    elif placeholder_mass(header):
        mass = None
        sources["mass_mg"] = "none: header Mass = 1 g is the instrument default placeholder, not used"
        warnings.append(PLACEHOLDER_MASS_NOTE)
    else:
        hit = _header_mass_mg(header, path)
        mass = None
        if hit is not None:
            mass = _check_positive(f"{_where(path)}{hit[1]} mass_mg", hit[0], "the header has an impossible "
                                   "mass; pass mass_mg=... to override it")
            sources["mass_mg"] = hit[1]

    # --- formula / molar mass
    formula_mass = None
    if formula is not None:
        formula_mass = float(_parse_formula(formula).mass)  # validates the formula
        sources["formula"] = "argument formula"
    needed = molar_mass_g_mol is None and formula_mass is None
    try:
        header_mw = _header_number(header, "SAMPLE_MOLECULAR_WEIGHT", "molar mass in g/mol", path)
        if header_mw is None:
            header_mw = _header_molar_mass(header, path)
        if header_mw is None and header_conventions:
            header_mw = _header_number(header, "LENGTH",
                                       "molecular weight in g/mol (MPMS-XL LENGTH convention)", path)
    except SampleError:
        if needed:
            raise
        header_mw = None  # not needed: the argument / formula gives the molar mass
    if molar_mass_g_mol is not None:
        molar = _check_positive("molar_mass_g_mol", molar_mass_g_mol,
                                "give the molar mass of one formula unit in g/mol")
        sources["molar_mass_g_mol"] = "argument molar_mass_g_mol"
    elif formula_mass is not None:
        molar = formula_mass
        sources["molar_mass_g_mol"] = f"formula {formula}"
    elif header_mw is not None:
        molar = _check_positive(f"{_where(path)}header {header_mw[1]}", header_mw[0],
                                "pass molar_mass_g_mol=... or formula=... to override it")
        sources["molar_mass_g_mol"] = f"header {header_mw[1]}"
    else:
        molar = None
    if header_mw is not None and molar is not None and "header" not in sources["molar_mass_g_mol"]:
        if abs(header_mw[0] - molar) > 0.01 * molar:
            warnings.append(f"header {header_mw[1]} = {header_mw[0]:g} g/mol differs from the molar mass "
                            f"used ({molar:.6g} g/mol, {sources['molar_mass_g_mol']})")
    if formula_mass is not None and molar is not None and abs(formula_mass - molar) > 0.01 * molar:
        warnings.append(f"formula {formula} has M = {formula_mass:.6g} g/mol but "
                        f"molar_mass_g_mol = {molar:.6g}")

    # --- ions per formula unit
    ions = None
    ion_label = None
    if n_ions is not None:
        ions = _check_positive("n_ions", n_ions, "give the number of magnetic ions per formula unit, e.g. 2")
        sources["n_ions"] = "argument n_ions"
        ion_label = per_ion
    elif per_ion is not None:
        if formula is None:
            raise SampleError(
                f"per_ion={per_ion!r} needs formula=... to count the ions per formula unit, or n_ions=..."
            )
        ions = count_atoms(formula, per_ion)
        ion_label = per_ion
        sources["n_ions"] = f"count of {ion_element(per_ion)} in formula {formula}"

    # --- diamagnetic correction (per formula unit)
    dia = 0.0
    dia_source = "none"
    if isinstance(diamagnetic, str):
        if diamagnetic.strip().lower() != "pascal":
            raise SampleError(f"diamagnetic={diamagnetic!r}: use a number in emu/mol (negative) or 'pascal'")
        if formula is None:
            raise SampleError("diamagnetic='pascal' needs formula=... "
                              "(Pascal's constants are summed over it)")
        dia, dia_source = pascal_diamagnetism(formula)
    elif diamagnetic is not None:
        try:
            dia = float(diamagnetic)
        except (TypeError, ValueError):
            raise SampleError(f"diamagnetic={diamagnetic!r} is not a number or 'pascal'") from None
        dia = _check_diamagnetic(dia, "argument diamagnetic")
        dia_source = "argument diamagnetic"
    elif header_conventions:
        for key in ("SAMPLE_SIZE", "SHAPE"):
            hit = _header_lookup(header, key)
            if hit is None:
                continue
            if hit[1].startswith("(") or "," in hit[1]:
                warnings.append(f"header {hit[0]} = {hit[1]!r} looks like sample dimensions, not a "
                                "diamagnetic correction; ignored")
                continue
            num = _header_number(header, key, "molar diamagnetic correction in emu/mol "
                                 "(header_conventions)", path)
            if num is not None:
                dia = _check_diamagnetic(num[0], f"header {num[1]}")
                dia_source = f"header {num[1]} (convention: diamagnetic correction, emu/mol)"
                break
    if dia_source != "none":
        sources["diamagnetic_emu_mol"] = dia_source

    # --- eicosane
    wax = None
    if eicosane_mg is not None:
        wax = float(eicosane_mg)
        if not math.isfinite(wax) or wax < 0:
            raise SampleError(f"eicosane_mg={eicosane_mg!r} must be >= 0 (mass of eicosane in mg)")
        sources["eicosane_mg"] = "argument eicosane_mg"
    elif header_conventions:
        for key in ("SAMPLE_VOLUME", "AREA"):
            num = _header_number(header, key, "eicosane mass in mg (header_conventions)", path)
            if num is not None:
                wax = _check_positive(f"header {num[1]}", num[0], "the eicosane mass must be positive")
                sources["eicosane_mg"] = f"header {num[1]} (convention: eicosane mass, mg)"
                break

    return Sample(mass_mg=mass, molar_mass_g_mol=molar, formula=formula, per_ion=ion_label, n_ions=ions,
                  diamagnetic_emu_mol=dia, diamagnetic_source=dia_source, eicosane_mg=wax,
                  sources=sources, warnings=tuple(warnings))
