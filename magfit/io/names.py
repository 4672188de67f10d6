"""What a table column holds, from its name and its unit.

A column name is split into a quantity and a unit, whichever way it is written:
``T (K)``, ``Field [Oe]``, ``chi, emu/mol``, IUPAC ``T / K`` and ``χMT / cm3 K mol−1``,
snake case ``chi_emu_mol``, ``chiT_emu_K_mol``, ``chi_m3_per_mol``, ``mu_eff_muB``, or a bare
``chi`` (default unit). The quantity comes from the name (case, spaces, underscores, dots and
Greek letters do not matter):

============  ===========================================================================
family        names
============  ===========================================================================
temperature   T, Temp, Temperature, Sample Temp, T_sample, Temperatur, Température
set point     Tset, T_set, Set Temp, Temperature Setpoint, T_target (the temperature only when
              no measured one exists; a "sample" temperature wins over a generic one -- the
              choice is stated in the notes)
field         H, B, Field, Magnetic Field, Applied Field, mu0H, μ0H, H_ext, Feld, Magnetfeld, Champ
moment        M, m, Moment, Magnetic Moment, Long Moment, DC Moment, Magnetization, Magnetisierung,
              Aimantation
chi           chi, χ, X, χM, chi_mol, chi(T), Susceptibility, M/H, Suszeptibilität,
              Susceptibilité   (the unit says molar/mass/volume, or emu/Oe: M/H of the whole sample)
chi_mass      chi_g, χg, mass susceptibility
chi_volume    chi_v, χv, volume susceptibility
chiT          chiT, χT, χMT, XT, chi*T, chi·T
inverse_chi   1/chi, 1/χM, chi^-1, χ⁻¹, inverse chi, chi_inv
mu_eff        mu_eff, μeff, mueff, Meff, p_eff, effective moment
time          Time, Time Stamp
============  ===========================================================================

An **error column** is any of these with an error marker before or after (``chi_err``,
``dchi``, ``δχ``, ``σ(χT)``, ``sigma_chi``, ``±χ``, ``chi_std``, ``mu_eff err``), or a bare
``err``/``error``/``σ``/``sigma``/``std``/``±``/``uncertainty`` column, which belongs to the
quantity column before it. An error column without a unit takes its quantity's unit.

The unit (``magfit.unit_parse``) then decides the canonical column, e.g. a ``chi`` column in
``emu K/mol`` is ``chiT_emu_K_mol`` and one in ``m^3/kg`` is ``chi_emu_g``.

Snake case puts the unit after the name: ``chi_emu_mol``, ``chi_cgs_mol`` (cgs-emu per mole),
``chi_mol_emu`` and ``chi_g_emu`` (the ``mol``/``g`` is part of the name: emu/mol, emu/g). A
snake-case unit never turns a chi name into 1/chi (``chi_mol_emu`` is not mol/emu); 1/chi is said
by the name (``inv_chi``, ``chi_inv``, ``1/chi``, ``chi^-1``) or an explicit ``per`` unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..errors import UnitsError

__all__ = ["split_name", "match_names", "ColumnMatch", "ERROR_OF", "family_of"]

_VOCAB: dict[str, tuple[str, ...]] = {
    "temperature": ("t", "temp", "temperature", "sampletemp", "sampletemperature", "tsample", "tsamp"),
    "field": ("h", "b", "field", "magneticfield", "appliedfield", "mu0h", "muoh", "happlied", "hfield",
              "hext", "mu0hext", "bext", "fieldh", "mu0happlied", "appliedmagneticfield",
              "feld", "magnetfeld", "champ", "champmagnetique", "champapplique"),      # German, French
    "moment": ("m", "moment", "moment(m)", "magneticmoment", "longmoment", "dcmoment", "magnetization",
               "magnetisation", "mdc", "mag", "magnetizationm", "magneticmomentm",
               "magnetisierung", "magnetischesmoment", "aimantation", "momentmagnetique"),
    "chi": ("chi", "x", "susceptibility", "chimol", "chim", "chimolar", "molarsusceptibility", "m/h",
            "suszeptibilitat", "susceptibilite", "susceptibilitemolaire", "molaresuszeptibilitat",
            "chidc", "dcsusceptibility", "magneticsusceptibility", "xm", "xmol", "chimo",
            "molarmagneticsusceptibility", "chip", "susc", "chimeas", "chiexp",
            "chi(t)", "x(t)", "chim(t)", "xm(t)"),                # chi(T): chi as a function of T
    "chi_mass": ("chig", "chimass", "masssusceptibility", "xg", "chigram", "chiperg"),
    "chi_volume": ("chiv", "chivol", "chivolume", "volumesusceptibility", "xv", "kappa"),
    "chiT": ("chit", "chimt", "xt", "xmt", "chimolt", "chitproduct", "chim*t", "chit(t)"),
    "mu_eff": ("mueff", "mueffective", "effectivemoment", "ueff", "mueff(t)", "effectivemagneticmoment",
               "meff", "peff", "mueffbm", "effmoment"),
    "time": ("time", "timestamp", "elapsedtime"),
    # the controller's set point, not the sample's temperature (used only when nothing else is)
    "temperature_setpoint": ("tset", "tsetpoint", "setpoint", "settemp", "settemperature", "tempset",
                             "temperatureset", "temperaturesetpoint", "tempsetpoint", "setpointtemperature",
                             "ttarget", "targettemperature", "targettemp", "tnominal", "nominaltemperature"),
}
_FAMILY_OF_KEY = {k: fam for fam, keys in _VOCAB.items() for k in keys}
_FAMILY_OF_KEY.update(dict.fromkeys(("h/m", "b/m", "h/chi"), "inverse_chi"))    # H/M: 1/chi, not a field
_ERR_PREFIX = ("sigma", "stderr", "error", "err", "std", "delta", "unc", "±", "+/", "d")
_ERR_SUFFIX = ("stderr", "stddev", "error", "sigma", "uncertainty", "unc", "err", "std", "sd", "esd", "±",
               "+/")
_BARE_ERR = {"err", "error", "sigma", "std", "stddev", "sd", "stderr", "±", "+/", "unc", "uncertainty", "esd",
             "delta", "errors", "s.e.", "se"}
#: quantity canonical -> canonical of its error column
ERROR_OF: dict[str, str] = {
    "chi_emu_mol": "chi_err_emu_mol", "chi_emu_g": "chi_err_emu_g", "chi_volume_cgs": "chi_volume_err_cgs",
    "chiT_emu_K_mol": "chiT_err_emu_K_mol", "inverse_chi_mol_emu": "inverse_chi_err_mol_emu",
    "mu_eff_muB": "mu_eff_err_muB", "moment_emu": "moment_err_emu",
    "chi_sample_emu_Oe": "chi_sample_err_emu_Oe",
}
_CONVERTIBLE = set(_VOCAB) | {"inverse_chi", "moment_err"}
_SUP = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
#: accented Latin letters of German / French / Spanish headers ("Température", "Suszeptibilität")
_ACCENTS = str.maketrans("àáâäãåçèéêëìíîïñòóôöõùúûüýÿ", "aaaaaaceeeeiiiinooooouuuuyy")


def _key(base: str) -> str:
    # runs of separators collapse first: the end-anchored patterns below are quadratic in a long
    # run (a 25,000-space column name took 18 s in the long fuzz run)
    s = re.sub(r"([\s_.])[\s_.]+", r"\1", base.strip().lower().translate(_ACCENTS)).replace("−", "-")
    for a, b in (("χ", "chi"), ("µ", "mu"), ("μ", "mu"), ("σ", "sigma"), ("δ", "d"), ("κ", "kappa")):
        s = s.replace(a, b)
    s = re.sub("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+", lambda m: "^" + m.group(0).translate(_SUP), s)
    s = re.sub(r"^(?:1\s*/\s*|inv(?:erse)?[\s_.]*(?:of\s+)?|reciprocal[\s_.]*)", "inv ", s)
    s = re.sub(r"(?:\s*\^\s*\(?-1\)?|[\s_]*-1|[\s_.]*inv(?:erse)?)$", " inv", s)
    s = re.sub(r"[\s_.\-·⋅*×:]", "", s)
    return s


def family_of(base: str, *, keywords: bool = True) -> str:
    """The quantity family a column base name belongs to ("" when unknown).

    Error columns give ``"<family>_err"``; a bare error name gives ``"err"``.

    Parameters
    ----------
    base : str
        The name without its unit, e.g. ``"Temp"``, ``"χMT"``, ``"sigma_chi"``.
    keywords : bool
        Also try keywords in longer names ("Magnetic susceptibility of sample").

    Returns
    -------
    str
        e.g. ``"temperature"``, ``"chiT"``, ``"chi_err"``, ``"err"`` or ``""``.
    """
    raw = base.strip().lower()
    if raw in _BARE_ERR or _key(base) in _BARE_ERR:
        return "err"
    k = _key(base)
    fam = _plain_family(k)
    if fam:
        return fam
    for pre in _ERR_PREFIX:
        rest = k[len(pre):].strip("()")
        if k.startswith(pre) and rest and _plain_family(rest):
            return _plain_family(rest) + "_err"
    for suf in _ERR_SUFFIX:
        rest = k[:-len(suf)].strip("()")
        if k.endswith(suf) and rest and _plain_family(rest):
            return _plain_family(rest) + "_err"
    return _keyword_family(raw) if keywords else ""


def _plain_family(k: str) -> str:
    if k in _FAMILY_OF_KEY:
        return _FAMILY_OF_KEY[k]
    inv = k.startswith("inv") and _FAMILY_OF_KEY.get(k[3:]) in ("chi",)
    inv = inv or (k.endswith("inv") and _FAMILY_OF_KEY.get(k[:-3]) in ("chi",))
    return "inverse_chi" if inv else ""


def _keyword_family(raw: str) -> str:
    raw = raw.translate(_ACCENTS)
    if "susceptib" in raw or "suszeptib" in raw:
        if "mass" in raw or "gram" in raw:
            return "chi_mass"
        if "volume" in raw:
            return "chi_volume"
        if raw.startswith(("1/", "inverse", "reciprocal")):
            return "inverse_chi"
        return "chi"
    if "effective moment" in raw or "effective magnetic moment" in raw:
        return "mu_eff"
    if raw.startswith(("temp", "sample temp")):
        return "temperature"
    if "field" in raw and "cool" not in raw:
        return "field"
    if "moment" in raw or raw.startswith(("magnetiz", "magnetis")):
        return "moment"
    return ""


def _matching_open(text: str) -> int:
    """Index of the bracket that opens the one closing ``text`` (-1 when unbalanced)."""
    pairs = {")": "(", "]": "["}
    close = text[-1]
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        if text[i] == close:
            depth += 1
        elif text[i] == pairs[close]:
            depth -= 1
            if depth == 0:
                return i
    return -1


#: Quantum Design moment columns whose words between quantity and unit ("DC Moment Free Ctr (emu)")
#: or missing unit ("Long Scan Std Dev") defeat the generic split; met when columns of a .dat file
#: are copied into a plain table. Lower-case name -> (base, unit, family).
_QD_COLUMNS: dict[str, tuple[str, str, str]] = {
    "dc moment free ctr (emu)": ("DC Moment Free Ctr", "emu", "moment"),
    "dc moment fixed ctr (emu)": ("DC Moment Fixed Ctr", "emu", "moment"),
    "dc moment err free ctr (emu)": ("DC Moment Err Free Ctr", "emu", "moment_err"),
    "dc moment err fixed ctr (emu)": ("DC Moment Err Fixed Ctr", "emu", "moment_err"),
    "long scan std dev": ("Long Scan Std Dev", "emu", "moment_err"),
    "dc std. err. (emu)": ("DC Std. Err.", "emu", "moment_err"),
}


def split_name(name: str) -> tuple[str, str | None, str]:
    """Split a column name into (base, unit, family); family "" when not recognised.

    ``"Temp (K)"`` -> ("Temp", "K", "temperature"); ``"chi_m3_mol"`` -> ("chi", "m3_mol", "chi");
    ``"χMT / cm3 K mol−1"`` -> ("χMT", "cm3 K mol−1", "chiT"); ``"T, K"`` -> ("T", "K", ...).
    A snake-case unit keeps its underscores (see :func:`unit_candidates`). When several splits
    name a quantity, the first whose unit is understood wins.

    Parameters
    ----------
    name : str
        Column name as written.

    Returns
    -------
    (base, unit, family)
    """
    text = name.strip().lstrip("#").strip().strip('"').strip("'").strip()
    if not text:
        return text, None, ""
    if text.lower() in _QD_COLUMNS:
        return _QD_COLUMNS[text.lower()]
    fam = family_of(text, keywords=False)
    if fam:
        return text, None, fam
    for keywords in (False, True):
        first: tuple[str, str | None, str] | None = None
        for base, unit in _splits(text):
            fam = family_of(base, keywords=keywords)
            if not fam or not unit.strip():
                continue
            first = first or (base.strip(), unit.strip(), fam)
            for reading in _unit_readings(base, unit.strip(), fam):
                if _understood(fam, reading):
                    return base.strip(), reading, fam
        if first:
            return first
    return text, None, family_of(text)


def _unit_readings(base: str, unit: str, family: str) -> list[str]:
    """The unit as written, then, for a snake-case molar or mass name (``chi_mol_emu``, ``chi_g_emu``),
    the unit per mole / gram: the ``mol`` belongs to the quantity's name, so ``emu`` is ``emu/mol``."""
    readings = [unit]
    per = _PER_OF_KEY.get(_key(base)) if family in ("chi", "chi_mass") and "_" in base else None
    if per and not re.search(r"(?i)mol|\bk?g\b|\b(cgs|si)\b", unit):
        readings.append(f"{unit}/{per}")
    return readings


#: name keys of a susceptibility written with what it is per (chi_mol, χ_mol, X_mol; chi_g, X_g)
_PER_OF_KEY = {"chimol": "mol", "xmol": "mol", "chimolar": "mol", "chig": "g", "xg": "g"}


def _splits(text: str):
    if text[-1] in ")]":
        i = _matching_open(text)
        if i > 0:
            yield text[:i].strip().rstrip(","), text[i + 1:-1]
    for sep in (" / ", ",", ";", " in ", "/"):
        if sep in text:
            yield tuple(text.split(sep, 1))
    parts = text.split()
    for i in range(len(parts) - 1, 0, -1):
        yield " ".join(parts[:i]), " ".join(parts[i:])
    parts = text.split("_")
    for i in range(len(parts) - 1, 0, -1):
        yield "_".join(parts[:i]), "_".join(parts[i:])


def _understood(family: str, unit: str) -> bool:
    if family == "err":
        return True
    try:
        _convert(family[:-4] if family.endswith("_err") else family, unit, None)
    except UnitsError:
        return False
    return True


def unit_candidates(unit: str) -> list[str]:
    """Readings of a unit; a snake-case unit (``emu_K_mol``) has several, tried in order.

    ``emu_mol`` -> ``emu/(mol)``; ``emu_K_mol`` -> ``emu/(K mol)`` then ``emu K/mol``;
    ``m3_per_mol`` -> ``m3/(mol)``.
    """
    if "_" not in unit or " " in unit.strip():
        return [unit]
    parts = [p for p in unit.split("_") if p]
    low = [p.lower() for p in parts]
    if "per" in low:
        i = low.index("per")
        return [" ".join(parts[:i]) + "/(" + " ".join(parts[i + 1:]) + ")"]
    if low[0] in _SNAKE_SYSTEMS:   # chi_cgs_mol, chi_SI_kg: the unit system, then per what
        parts = [_SNAKE_SYSTEMS[low[0]], *parts[1:]]
    out = [parts[0] + "/(" + " ".join(parts[1:]) + ")", " ".join(parts[:-1]) + "/" + parts[-1],
           " ".join(parts)]
    return list(dict.fromkeys(out))


#: a snake-case susceptibility unit that starts with its unit system: cgs-emu (emu, read as emu/Oe
#: for a susceptibility) or SI (m^3, rationalised)
_SNAKE_SYSTEMS = {"cgs": "emu", "si": "m3"}


@dataclass
class ColumnMatch:
    """Result of :func:`match_names`.

    Attributes
    ----------
    columns : dict
        canonical -> original column name.
    conversions : dict
        canonical -> (factor, offset, unit) for columns not already in the canonical unit.
    notes : list of str
        Conventions applied, and columns left unmapped (with why).
    unit_errors : list of (column, unit, family, message)
        Columns whose name says what they hold but whose unit was not understood.
    alternates : dict
        canonical -> [(column, factor, offset, unit)] of later columns read as the same quantity
        (the first wins; a reader may fall back to one when the first is empty in every row).
    setpoints : list
        [(column, factor, offset, unit)] of temperature set-point columns (``Tset``); used as
        the temperature only when no measured temperature column exists.
    """

    columns: dict[str, str] = field(default_factory=dict)
    conversions: dict[str, tuple[float, float, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    unit_errors: list[tuple[str, str, str, str]] = field(default_factory=list)
    alternates: dict[str, list[tuple[str, float, float, str]]] = field(default_factory=dict)
    setpoints: list[tuple[str, float, float, str]] = field(default_factory=list)


def _convert(family: str, unit: str | None, column: str | None):
    from ..unit_parse import convert

    if family == "temperature_setpoint":
        return convert("temperature", unit, column=column)

    if family == "moment_err":
        return convert("moment_err", unit, column=column)
    if family == "err" or family not in _CONVERTIBLE:
        raise UnitsError(f"no unit conversion for {family!r}")
    error: UnitsError | None = None
    snake = bool(unit) and unit != unit_candidates(unit)[0] and "per" not in unit.lower().split("_")
    for candidate in unit_candidates(unit) if unit else [unit]:
        try:
            conv = convert(family, candidate, column=column)
        except UnitsError as exc:
            error = error or exc
            continue
        if snake and family == "chi" and conv.canonical == "inverse_chi_mol_emu":
            # 'chi_mol_emu' names chi, molar, in emu: a snake-case word order is no '1/chi'
            error = error or UnitsError(f"column {column!r}: unit {unit!r} would make chi a 1/chi")
            continue
        return conv
    raise error  # type: ignore[misc]


def match_names(names: list[str], units: dict[str, str] | None = None) -> ColumnMatch:
    """Canonical mapping of table columns by name and unit (the first column of a kind wins).

    Parameters
    ----------
    names : list of str
        Column names as written (with their units, if any).
    units : dict, optional
        Units given explicitly for some columns, keyed by original name; they replace the unit
        parsed from the name.

    Returns
    -------
    ColumnMatch
    """
    out = ColumnMatch()
    units = units or {}
    prev: tuple[str, str | None, str] | None = None    # (family, unit, canonical) of the last quantity
    for name in names:
        scale, plain = name_scale(name)
        _base, unit, family = _split_plain(plain)
        unit = units.get(name, unit)
        if not family:
            if _AC_NAME.match(name.strip()):
                out.notes.append(f"column {name!r} looks like an AC susceptibility (chi', chi''), not the "
                                 f"DC chi (if measured at low frequency: --column chi_emu_mol='{name}'); "
                                 "not used")
            prev = None if not name.strip() else prev
            continue
        err = family == "err" or family.endswith("_err")
        if family == "err":
            if prev is None:
                continue
            family = prev[0]
        elif err:
            family = family[:-4]
        if err and unit is None and prev is not None and prev[0] == family:
            unit = prev[1]
        if family == "moment" and err:
            family = "moment_err"
        try:
            conv = _convert(family, unit, name)
            if scale != 1.0:    # 'χ × 10³ (emu/mol)' holds chi times 10^3
                conv = replace(conv, factor=conv.factor / scale)
                out.notes.append(f"column {name!r} holds the quantity times {scale:g} (scale factor in its "
                                 f"name): divided by {scale:g}")
        except UnitsError as exc:
            out.unit_errors.append((name, unit or "", family, str(exc)))
            why = str(exc).split(": ", 1)[-1] if "volume magnetisation" in str(exc) else "is not understood"
            out.notes.append(f"column {name!r} looks like {family} but its unit {unit!r} {why}; not used"
                             if why == "is not understood" else f"column {name!r}: {why}; not used")
            continue
        canon = conv.canonical
        if family == "temperature_setpoint":
            out.setpoints.append((name, conv.factor, conv.offset, unit or ""))
            continue
        if err:
            canon = ERROR_OF.get(canon, "moment_err_emu" if family == "moment_err" else "")
            if not canon:
                continue
        else:
            prev = (family, unit, canon)
        if canon in out.columns:
            out.alternates.setdefault(canon, []).append((name, conv.factor, conv.offset, unit or ""))
            continue
        out.columns[canon] = name
        if conv.factor != 1.0 or conv.offset != 0.0:
            out.conversions[canon] = (conv.factor, conv.offset, unit or "")
        if conv.note and not err:
            out.notes.append(f"column {name!r} ({unit}): {conv.note}")
    _choose_temperature(out)
    return out


_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺−", "0123456789-+-")
_POWER = (r"10\s*(?:\^\s*\(?\s*(?P<{0}>[-+−]?\d{{1,2}})\s*\)?|(?P<{0}s>[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]{{1,2}}))"
          r"|1[eE](?P<{0}e>[-+]?\d{{1,2}})")
#: a scale factor written into a column name: 'χ × 10³ (emu/mol)', 'chi*10^3 (emu/mol)', 'χ (emu/mol) x 1e3'
_SCALE_AFTER = re.compile(r"^(?P<q>.*?\S)(?:\s+[x×]|\s*[×*·⋅])\s*(?:" + _POWER.format("a")
                          + r")\s*(?P<u>[(\[].*)?$")
#: ... or before the quantity: '10³χ (emu/mol)', '10^3 chi (emu/mol)'
_SCALE_BEFORE = re.compile(r"^(?:" + _POWER.format("b") + r")\s*[x×*·⋅]?\s*(?P<q>[^\d\s(\[].*)$")


#: names longer than this are not searched for scale factors and labels (those patterns backtrack on
#: long runs of spaces; real column names are far shorter)
_LONGEST_NAME = 120


def name_scale(name: str) -> tuple[float, str]:
    """(scale, name without it) for a column whose name carries a power of ten it was multiplied by.

    ``"χ × 10³ (emu/mol)"`` -> (1000.0, ``"χ (emu/mol)"``): the column holds chi times 10^3.
    (A power of ten inside the unit, ``χ (10⁻³ emu/mol)``, is the unit's and is left to it.)
    """
    text = name.strip()
    if len(text) > _LONGEST_NAME:      # a runaway 'name' (a corrupted line): no backtracking over it
        return 1.0, name
    m = _SCALE_AFTER.match(text)
    tag = "a"
    if m is None or not family_of(m.group("q"), keywords=False) and not split_name(m.group("q"))[2]:
        m, tag = _SCALE_BEFORE.match(text), "b"
        if m is None or not split_name(m.group("q"))[2]:
            return 1.0, name
    digits = m.group(tag) or m.group(tag + "e") or m.group(tag + "s").translate(_SUPERSCRIPT_DIGITS)
    exponent = int(digits.replace("−", "-"))
    rest = (m.groupdict().get("u") or "") if tag == "a" else ""
    return 10.0 ** exponent, (m.group("q").strip() + (" " + rest if rest else "")).strip()


#: AC susceptibility columns (in-phase / out-of-phase), never read as the DC chi without being asked
_AC_NAME = re.compile(r"(?i)^(?:chi|χ|x|susceptibility)\s*"
                      r"(?:'{1,2}|′{1,2}|\"|″|_?ac\b|_?(?:real|imag)\b)")
#: a sweep label inside a name ('M ZFC (emu)', 'chi_FC (emu/mol)', 'M (warming) (emu)') ...
_LABEL = re.compile(r"(?i)[\s_\-]*\(?(?<![a-z])(?:ZFC|FCC|FCW|FC|FH|TRM|IRM|warming|cooling|heating)"
                    r"(?![a-z])\)?")
#: ... and a symbol in brackets before the unit ('Temperature (T) [K]', 'Field (H) [Oe]')
_SYMBOL = re.compile(r"\s*\((?:T|H|B|M|m|χ|X)\)(?=\s*[\[(])")


def _split_plain(name: str) -> tuple[str, str | None, str]:
    """split_name, and when that finds no quantity or no unit it understands, split_name of the name
    without a sweep label or a bracketed symbol ('M ZFC (emu)' -> 'M (emu)'; the label stays in the
    column's name)."""
    first = split_name(name)
    if len(name) > _LONGEST_NAME:
        return first
    plain = _SYMBOL.sub("", _LABEL.sub("", name)).strip()
    if plain == name.strip() or not plain:
        return first
    second = split_name(plain)
    if second[2] and (not first[2] or (second[1] is not None and _understood(second[2], second[1])
                                       and not (first[1] is not None and _understood(first[2], first[1])))):
        return second
    return first


def _choose_temperature(out: ColumnMatch) -> None:
    """Several temperature columns: say which one is used.

    A column named for the sample (``Sample Temperature``, ``Tsample``) wins over a generic one
    (``Temperature``), which wins over the controller's set point (``Tset``, ``Temperature
    Setpoint``): chi belongs to the sample's temperature. A set point alone is used, with a note.
    """
    temps = [(out.columns["temperature_K"], *out.conversions.get("temperature_K", (1.0, 0.0, "")))] \
        if "temperature_K" in out.columns else []
    temps += out.alternates.get("temperature_K", [])
    if not temps and out.setpoints:
        name, factor, offset, unit = out.setpoints[0]
        _use_temperature(out, name, factor, offset, unit)
        out.notes.append(f"temperature_K read from {name!r}, the set point (no measured temperature column); "
                         "map another with --column temperature_K=...")
        return
    if len(temps) + len(out.setpoints) < 2:
        return
    sample = [t for t in temps if "sample" in _key(split_name(t[0])[0])]
    chosen = sample[0] if sample else temps[0]
    _use_temperature(out, *chosen)
    others = [t[0] for t in temps if t[0] != chosen[0]] + [s[0] for s in out.setpoints]
    why = "the sample's temperature" if sample else "the first measured temperature column"
    out.notes.append(f"temperature_K read from {chosen[0]!r} ({why}); not used: "
                     + ", ".join(repr(o) for o in others) + " (choose with --column temperature_K=...)")


def _use_temperature(out: ColumnMatch, name: str, factor: float, offset: float, unit: str) -> None:
    out.columns["temperature_K"] = name
    out.conversions.pop("temperature_K", None)
    if factor != 1.0 or offset != 0.0:
        out.conversions["temperature_K"] = (factor, offset, unit)
