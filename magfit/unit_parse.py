"""Unit strings of table columns -> canonical magfit units, by dimensional analysis (pint).

A small pint registry holds exactly the units magnetometry tables use: SI base units with
prefixes, ``K``/``degC``, ``min``/``h``, ``L``, ``J``, ``erg``, ``T``, ``G`` (gauss), ``Oe``,
``emu`` and the Bohr magneton (``muB``, ``μB``, ``BM``). It is built on first use, so
``import magfit`` does not import pint.

Everything is reduced to SI (rationalised) quantities, where the cgs-emu units have exact values:
``1 emu = 1e-3 A m^2``, ``1 Oe = 1000/(4 pi) A/m``, ``1 G = 1e-4 T``. Dimensional analysis then
gives, for example, ``emu/(mol Oe)`` = 4 pi 1e-6 m^3/mol, the familiar cgs -> SI factor.
Two conventions of the field are applied explicitly (and recorded in the returned note):

1. **"emu" in a susceptibility means emu/Oe.** ``emu/mol`` (a moment per mole) written for a
   susceptibility is read as ``emu/(mol Oe)``; ``mol/emu`` for 1/chi as ``mol Oe/emu``.
2. **cm^3 in a susceptibility is Gaussian.** ``cm^3/mol`` is the cgs unit (= emu/(mol Oe)), not
   1e-6 m^3/mol of SI susceptibility: a pure volume-based unit written with ``cm`` (or ``cc``) is
   multiplied by 4 pi on the way to SI. ``m^3/mol``, ``m^3/kg``, ``dm^3`` ... are SI.

A susceptibility per tesla (``emu/(mol T)``, M/B) is converted with B = mu0 H.

Public entry point: :func:`convert` (family, unit text) -> :class:`Conversion`.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

from .errors import UnitsError

__all__ = ["Conversion", "convert", "normalise", "registry", "FAMILIES", "DEFAULT_UNITS"]

_FOUR_PI = 4.0 * math.pi

_DEFINITIONS = """
pi = 3.1415926535897932384626433832795028841971693993751 = π
kilo- = 1e3 = k-
hecto- = 1e2
deci- = 1e-1 = d-
centi- = 1e-2 = c-
milli- = 1e-3 = m-
micro- = 1e-6 = µ- = μ- = u-
nano- = 1e-9 = n-
pico- = 1e-12 = p-
mega- = 1e6 = M-
meter = [length] = m = metre
gram = [mass] = g
second = [time] = s = sec
ampere = [current] = A
kelvin = [temperature]; offset: 0 = K = °K = kelvins
mole = [substance] = mol
degree_Celsius = kelvin; offset: 273.15 = °C = degC = celsius = C
minute = 60 * second = min
hour = 60 * minute = h = hr
liter = decimeter ** 3 = l = L
cubic_centimeter = centimeter ** 3 = cc
joule = kilogram * meter ** 2 / second ** 2 = J
erg = 1e-7 * joule
tesla = kilogram / ampere / second ** 2 = T
gauss = 1e-4 * tesla = G
oersted = 1e3 / (4 * pi) * ampere / meter = Oe = oe
emu = 1e-3 * ampere * meter ** 2
bohr_magneton = 9.2740100657e-24 * joule / tesla = muB = μB = µB = mu_B = μ_B = µ_B = uB = BM
mu0 = 4e-7 * pi * tesla * meter / ampere
"""


@functools.lru_cache(maxsize=1)
def registry():
    """The pint registry with the cgs-emu definitions (built once, on first use).

    Returns
    -------
    pint.UnitRegistry
        A registry holding only the units listed in the module docstring.
    """
    import pint

    ureg = pint.UnitRegistry(None, autoconvert_offset_to_baseunit=True)
    for line in _DEFINITIONS.strip().splitlines():
        ureg.define(line)
    return ureg


_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUP_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")
#: Bohr magnetons however written: muB, μB, B.M., Bohr; chemists' N-beta (M in Nβ: muB per formula unit)
_MUB = re.compile(r"(?i)(?:[µμu]|mu)[ _]?b\b|\bB\.?\s?M\.?(?![a-z])|bohr|(?<![a-z])N?\s?β|\bN[ _]?beta\b")
_EXPONENT = re.compile(r"(?<![\w.])([A-Za-zµμ°πΩ_]+)\s*\^?\s*([-+]?\d+)(?![\d.])")


@dataclass(frozen=True)
class Conversion:
    """How a column in some unit becomes a canonical magfit column.

    Attributes
    ----------
    canonical : str
        Canonical column name, e.g. ``"chi_emu_mol"``.
    factor, offset : float
        canonical value = factor * column value + offset.
    unit : str
        The unit text as written.
    note : str
        The convention applied, if any (empty when plain dimensional analysis sufficed).
    """

    canonical: str
    factor: float
    offset: float
    unit: str
    note: str = ""


def normalise(text: str) -> str:
    """Rewrite a unit as people write it into a pint expression.

    ``cm³·mol⁻¹`` -> ``cm**3*mol**-1``; ``emu mol-1 Oe-1`` -> ``emu*mol**-1*Oe**-1``;
    ``emu/mol Oe`` -> ``emu/(mol*Oe)`` (one slash: everything after it is the denominator);
    ``emu/mol-Oe`` -> ``emu/(mol*Oe)`` (a hyphen between unit names multiplies);
    ``A m2`` -> ``A*m**2``; ``10^-3 emu`` -> ``10**-3*emu``.

    Parameters
    ----------
    text : str
        Unit as written in a column name or units row.

    Returns
    -------
    str
        An expression pint can parse.
    """
    u = text.strip()
    while len(u) > 1 and u[0] + u[-1] in ("()", "[]", "{}") and _balanced(u[1:-1]):
        u = u[1:-1].strip()
    u = u.replace("°C", "degC").replace("°K", "K").replace("℃", "degC")
    u = re.sub(r"^[x×*]\s*(?=10)", "", u)                       # "x10^-3 emu/mol": a scale factor
    u = re.sub(r"^10\s*([-−])\s*(\d+)(?=\s|$)", r"10^-\2", u)       # "10-3 cm3 mol-1": 10^-3
    u = re.sub(r"\b[A-Z][a-z]{3,}\b", lambda m: m.group(0).lower(), u)   # Kelvin, Tesla, Oersted
    u = u.replace("−", "-").replace("–", "-").replace("**", "^")
    u = _SUP_RUN.sub(lambda m: "^" + m.group(0).translate(_SUPERSCRIPT), u)
    for a in ("·", "⋅", "×", "•", "∙"):
        u = u.replace(a, " ")
    u = re.sub(r"(?<=[A-Za-z])\.(?=[A-Za-z])", " ", u)          # mol.Oe
    u = re.sub(r"(?<=[A-Za-zµμ])-(?=[A-Za-zµμ])", " ", u)        # mol-Oe: a hyphen between unit names
    u = re.sub(r"\bper\b", "/", u, flags=re.IGNORECASE)
    u = re.sub(r"\bAm\b", "A m", u)                              # Am2 = A m^2, not attometre
    u = re.sub(r"\bAm(?=\s*\^?\s*2\b)", "A m", u)
    u = re.sub(r"(\d)\s*[eE]\s*([-+]?\d)", r"\1e\2", u)
    u = _EXPONENT.sub(lambda m: f"{m.group(1)}^{m.group(2)}", u)
    u = re.sub(r"\s*\^\s*", "^", u)
    u = re.sub(r"\s*/\s*", "/", u)
    u = re.sub(r"\s+", " ", u).strip()
    if u.count("/") == 1 and "(" not in u:
        num, den = u.split("/")
        if " " in den.strip():
            u = f"{num}/({den})"
    u = u.replace(" ", "*").replace("^", "**")
    return u


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth < 0:
            return False
    return depth == 0


def _quantity(text: str, *, column: str | None, expected: str):
    ureg = registry()
    import pint

    expr = normalise(text)
    try:
        q = ureg.parse_expression(expr) if expr else 1.0
        return q * ureg.Quantity(1.0) if not isinstance(q, ureg.Quantity) else q * 1.0
    except pint.errors.UndefinedUnitError as exc:
        bad = ", ".join(repr(str(u)) for u in (exc.unit_names if isinstance(exc.unit_names, (list, tuple))
                                                 else [exc.unit_names]))
        raise UnitsError(_where(column) + f"unit {text!r} is not known ({bad} is not a unit magfit "
                         f"knows); expected {expected}") from None
    except Exception as exc:  # noqa: BLE001 - pint raises many kinds of parse errors
        raise UnitsError(_where(column) + f"unit {text!r} could not be parsed ({type(exc).__name__}); "
                         f"expected {expected}") from None


def _where(column: str | None) -> str:
    return f"column {column!r}: " if column else ""


# ------------------------------------------------------------------ families and targets
#: default unit of each family (a column without a unit)
DEFAULT_UNITS: dict[str, str] = {
    "temperature": "K", "field": "Oe", "moment": "emu", "moment_err": "emu", "time": "s",
    "chi": "emu/(mol Oe)", "chiT": "emu K/(mol Oe)", "inverse_chi": "mol Oe/emu", "mu_eff": "muB",
    "chi_mass": "emu/(g Oe)", "chi_volume": "cgs",
}
#: family -> what is expected (for messages)
FAMILIES: dict[str, str] = {
    "temperature": "a temperature (K, mK, degC)",
    "field": "a field (Oe, kOe, G, T, mT, A/m; mu0H in T)",
    "moment": "a moment (emu, memu, A m^2, erg/G), a magnetisation (emu/g, A m^2/kg) or muB per formula unit",
    "moment_err": "a moment (emu, memu, A m^2)",
    "time": "a time (s, min, h)",
    "chi": "a susceptibility: molar (emu/mol, emu mol^-1 Oe^-1, cm^3/mol, m^3/mol), mass (emu/g, cm^3/g, "
           "m^3/kg), volume (dimensionless, cgs or SI), chi*T (emu K/mol, cm^3 K/mol), 1/chi "
           "(mol/emu, mol/cm^3) or M/H of the whole sample (emu/Oe, cm^3)",
    "chiT": "chi*T (emu K/mol, cm^3 K mol^-1, m^3 K/mol)",
    "inverse_chi": "1/chi (mol/emu, mol Oe/emu, mol/cm^3, mol/m^3)",
    "mu_eff": "an effective moment in Bohr magnetons (muB, μB, B.M.)",
    "chi_mass": "a mass susceptibility (emu/g, emu g^-1 Oe^-1, cm^3/g, m^3/kg)",
    "chi_volume": "a volume susceptibility (dimensionless: cgs, SI, emu/(cm^3 Oe))",
}
#: susceptibility kinds: SI unit, canonical name, SI value per canonical unit
_CHI_KINDS: tuple[tuple[str, str, str, float], ...] = (
    ("molar", "m**3/mol", "chi_emu_mol", _FOUR_PI * 1e-6),
    ("mass", "m**3/kg", "chi_emu_g", _FOUR_PI * 1e-3),
    ("volume", "dimensionless", "chi_volume_cgs", _FOUR_PI),
    ("chiT", "m**3*K/mol", "chiT_emu_K_mol", _FOUR_PI * 1e-6),
    ("inverse", "mol/m**3", "inverse_chi_mol_emu", 1.0 / (_FOUR_PI * 1e-6)),
    ("sample", "m**3", "chi_sample_emu_Oe", _FOUR_PI * 1e-6),       # M/H of the whole sample, emu/Oe
)
#: which kinds each name family accepts (first = preferred)
_FAMILY_KINDS = {
    "chi": ("molar", "mass", "volume", "chiT", "inverse", "sample"),
    "chi_mass": ("mass",), "chi_volume": ("volume",), "chiT": ("chiT",), "inverse_chi": ("inverse",),
}


def convert(family: str, unit: str | None, *, column: str | None = None) -> Conversion:
    """Canonical name and linear conversion for a column of ``family`` written in ``unit``.

    Parameters
    ----------
    family : str
        One of :data:`FAMILIES` (what the column's name says it holds).
    unit : str or None
        The unit as written; None or "" gives the family's default (:data:`DEFAULT_UNITS`).
    column : str, optional
        Column name, for messages.

    Returns
    -------
    Conversion
        canonical name, factor, offset, the unit text and the convention applied.

    Raises
    ------
    UnitsError
        The unit is not a unit, or has the wrong dimensions for the family; the message names the
        column, the unit text and what was expected.
    """
    text = (unit or "").strip()
    if family == "temperature" and text in ("k", "°k", "deg K", "deg. K"):   # 'T (k)': kelvin, never kilo-
        text = "K"
    if family in _FAMILY_KINDS:      # 'cgs emu/mol', 'emu/mol (cgs)': the unit system said in words
        text = re.sub(r"(?i)^cgs[\s-]+(?=\S)|\s*\((?:cgs|cgs[\s-]emu)\)$", "", text).strip() or text
    if family not in FAMILIES:
        raise UnitsError(f"unknown quantity family {family!r}; use one of {', '.join(FAMILIES)}")
    return _convert_cached(family, text, column)


@functools.lru_cache(maxsize=512)
def _convert_cached(family: str, text: str, column: str | None) -> Conversion:
    expected = FAMILIES[family]
    if family == "mu_eff":
        if not text or _MUB.search(text):
            return Conversion("mu_eff_muB", 1.0, 0.0, text)
        raise UnitsError(_where(column) + f"unit {text!r} is not Bohr magnetons; expected {expected}")
    if family in _FAMILY_KINDS:
        per = _per_element(text)
        if per is not None:         # 'emu/mol Cu', 'cm3 K mol-1 per Cu2': per mole of what the unit names
            conv = _susceptibility(family, per[0], column, expected, given=text)
            note = f"per mole of {per[1]} as the unit says (the fit is then per {per[1]}; give no --per-ion)"
            return Conversion(conv.canonical, conv.factor, conv.offset, text,
                              f"{conv.note}; {note}" if conv.note else note)
        return _susceptibility(family, text or DEFAULT_UNITS[family], column, expected, given=text)
    if family == "moment" and _MUB.search(text):
        return Conversion("moment_muB_fu", 1.0, 0.0, text)
    q = _quantity(text or DEFAULT_UNITS[family], column=column, expected=expected)
    handler = {"temperature": _temperature, "field": _field, "moment": _moment, "moment_err": _moment,
               "time": _time}[family]
    out = handler(q, text)
    if out is None and family == "moment" and q.check("[current]/[length]"):    # A/m, emu/cm^3
        raise UnitsError(_where(column) + f"unit {text!r} is a volume magnetisation (moment per volume); "
                         "magfit reads a moment (emu, A m^2), a mass or molar magnetisation (emu/g, emu/mol) "
                         "or muB per formula unit: multiply by the sample volume (or divide by the density) "
                         "first, or give the column's unit with --unit")
    if out is None:
        if family == "moment":   # "M (emu/(mol Oe))" under a moment name: a susceptibility per field
            try:
                conv = _susceptibility("chi", text, column, FAMILIES["chi"], given=text)
            except UnitsError:
                conv = None
            if conv is not None and not conv.note.startswith("'emu'") and conv.canonical != "chi_volume_cgs":
                return conv
        raise UnitsError(_where(column) + f"unit {text!r} has dimensions {q.dimensionality}; expected "
                         f"{expected}")
    if family == "moment_err" and out.canonical != "moment_emu":
        raise UnitsError(_where(column) + f"unit {text!r} is not a moment; expected {expected}")
    if family == "moment_err":
        return Conversion("moment_err_emu", out.factor, 0.0, text)
    return out


_PER_ELEMENT = re.compile(r"(?:\bmol(?:e|es)?\b(?:\s*-?1)?|\bper)\s*(?:of\s+)?(?P<el>[A-Z][a-z]?)(?P<n>\d*)"
                          r"(?![A-Za-z])")


def _per_element(text: str) -> tuple[str, str] | None:
    """(unit without it, 'Cu2') when a molar unit names what one mole counts: an element (and count)
    after 'mol' or 'per' ('emu/mol Cu', 'cm3 K mol-1 per Cu2'); never K (kelvin) or a unit symbol."""
    m = _PER_ELEMENT.search(text)
    if m is None or m.group("el") in ("K", "T", "G", "Oe", "A", "J", "C", "H", "B", "S"):
        return None
    try:
        import periodictable

        periodictable.elements.symbol(m.group("el"))
    except (ValueError, KeyError):
        return None
    before = re.sub(r"\s*\b(?:per|of)(?:\s+of)?\s*$", "", text[:m.start("el")])
    return re.sub(r"\s+\)", ")", before + text[m.end("n"):]).strip(), m.group("el") + m.group("n")


def _temperature(q, text: str) -> Conversion | None:
    if not q.check("[temperature]"):
        return None
    ureg = registry()
    zero = ureg.Quantity(0.0, q.units).to("K").magnitude
    one = ureg.Quantity(1.0, q.units).to("K").magnitude
    return Conversion("temperature_K", one - zero, zero, text)


def _field(q, text: str) -> Conversion | None:
    if q.check("[current]/[length]"):
        return Conversion("field_Oe", q.to("Oe").magnitude, 0.0, text)
    if q.check("[mass]/[current]/[time]**2"):   # B or mu0 H in tesla / gauss
        return Conversion("field_Oe", (q / registry().mu0).to("Oe").magnitude, 0.0, text,
                          "field in T/G read as mu0 H (B = mu0 H in vacuum)")
    return None


def _moment(q, text: str) -> Conversion | None:
    if q.check("[current]*[length]**2"):
        return Conversion("moment_emu", q.to("emu").magnitude, 0.0, text)
    if q.check("[current]*[length]**2/[mass]"):
        return Conversion("magnetization_emu_g", q.to("emu/g").magnitude, 0.0, text)
    if q.check("[current]*[length]**2/[substance]"):
        return Conversion("magnetization_emu_mol", q.to("emu/mol").magnitude, 0.0, text)
    return None


def _time(q, text: str) -> Conversion | None:
    if q.check("[time]"):
        return Conversion("time_s", q.to("s").magnitude, 0.0, text)
    return None


def _susceptibility(family: str, text: str, column: str | None, expected: str, *, given: str) -> Conversion:
    """Susceptibility-like units, with the cgs conventions of the module docstring."""
    low = text.strip().lower()
    kinds = _FAMILY_KINDS[family]
    if family == "chi_volume" and low in ("dimensionless", "1", "-", "none", "unitless", "cgs units"):
        low, given = "cgs", given
    if low in ("cgs", "cgs-emu", "cgs emu", "si", "cgs units", "si units"):
        kind = kinds[0] if family != "chi" else "molar"
        if kind == "volume" or not low.startswith("si"):
            si = low.startswith("si")
            target = next(k for k in _CHI_KINDS if k[0] == kind)
            if si:
                return Conversion(target[2], 1.0 / target[3], 0.0, given, "SI (rationalised) susceptibility")
            return Conversion(target[2], 1.0, 0.0, given)
        text = {"molar": "m^3/mol", "mass": "m^3/kg", "chiT": "m^3 K/mol", "inverse": "mol/m^3"}[kind]
    q = _quantity(text, column=column, expected=expected)
    written_cm = re.search(r"\bcm|\bcc\b", normalise(text)) is not None
    ureg = registry()
    inverse_first = family == "inverse_chi"
    adjustments = [("", 1.0), ("'emu' read as emu/Oe (cgs susceptibility convention)",
                               (1.0 / ureg.Oe) if not inverse_first else ureg.Oe),
                   ("per tesla read as M/B, B = mu0 H", ureg.mu0 if not inverse_first else 1.0 / ureg.mu0)]
    if not inverse_first:
        adjustments.append(("'emu' read as emu/Oe (cgs convention)", ureg.Oe))   # inverse-chi in a chi column
    for note, adj in adjustments:
        qa = q * adj
        for kind, si_unit, canon, si_per in _CHI_KINDS:
            if kind not in kinds or not qa.check(ureg.Quantity(1.0, si_unit).dimensionality):
                continue
            if kind == "sample" and note.startswith("'emu'"):   # emu/Oe, emu/G, cm^3; not a bare emu
                continue
            value = qa.to(si_unit).magnitude
            if written_cm and _pure_volume(qa):
                value *= _FOUR_PI if kind != "inverse" else 1.0 / _FOUR_PI
                note = (note + "; " if note else "") + "cm^3 read as the Gaussian (cgs) unit"
            factor = value / si_per
            return Conversion(canon, 1.0 if abs(factor - 1.0) < 1e-12 else factor, 0.0, given, note)
    raise UnitsError(_where(column) + f"unit {given or text!r} has dimensions {q.dimensionality}, not "
                     f"{expected}")


def _pure_volume(q) -> bool:
    """True when a quantity's dimensions involve only length, mass, amount and temperature."""
    dims = dict(q.dimensionality)
    return "[length]" in dims and not ({"[current]", "[time]"} & set(dims))
