"""Chemical formulas: parsing (hydrates, adducts, unicode subscripts), molar mass, atom counts.

A leaf module (only periodictable and magfit.errors): :mod:`magfit.sample` and
:mod:`magfit.corrections` both build on it, so neither needs the other's internals.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import periodictable

from .errors import SampleError

__all__ = ["molar_mass_g_mol", "count_atoms", "parse_formula", "normalize_formula", "ion_element"]

# hydrate / adduct separators that mean "+" (periodictable's mixture operator)
_ADDUCT_DOTS = "\u00b7\u2022\u2219\u22c5\u30fb*"
_SUBSCRIPTS = str.maketrans("\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089",
                            "0123456789")
# "CuSO4.5H2O": a period followed by a count and water is a hydrate, not a decimal subscript
_DOT_HYDRATE = re.compile(r"\.\s*(\d+(?:\.\d+)?)?\s*(?=(?:H2O|D2O)\b|\(H2O\)|\(D2O\))")
_ION = re.compile(r"^\s*([A-Z][a-z]?)\s*(?:\d*\s*[+-]|\(\s*[IVX]+\s*\)|[+-]\d*)?\s*$")


def normalize_formula(formula: str) -> str:
    """Rewrite hydrate / adduct notation into periodictable's grammar.

    ``Gd2(SO4)3·8H2O`` -> ``Gd2(SO4)3+8H2O``, ``CuSO4.5H2O`` -> ``CuSO4+5H2O``, unicode subscripts
    -> digits, spaces removed. A period between digits is kept as a decimal subscript
    (``Na1.9IrO3``) unless it is followed by a water count (``.5H2O``).

    Parameters
    ----------
    formula : str
        Chemical formula as written by a chemist.

    Returns
    -------
    str
        The same formula in periodictable syntax.
    """
    if not isinstance(formula, str):
        raise SampleError(f"formula must be a string such as 'Gd2(SO4)3(H2O)8', got {formula!r}")
    text = formula.translate(_SUBSCRIPTS).strip()
    for ch in _ADDUCT_DOTS:
        text = text.replace(ch, "+")
    text = _DOT_HYDRATE.sub(lambda m: "+" + (m.group(1) or ""), text)
    return re.sub(r"\s+", "", text)


def parse_formula(formula: str) -> periodictable.formulas.Formula:
    """Parse a chemical formula with periodictable (after :func:`normalize_formula`).

    Parameters
    ----------
    formula : str
        e.g. ``"Gd2(SO4)3(H2O)8"``, ``"Gd2(SO4)3·8H2O"``, ``"Na1.9IrO3"``.

    Returns
    -------
    periodictable.formulas.Formula

    Raises
    ------
    SampleError
        Empty or unparsable formula, unknown element.
    """
    text = normalize_formula(formula)
    if not text:
        raise SampleError("formula is empty; pass e.g. formula='Gd2(SO4)3(H2O)8' or molar_mass_g_mol=...")
    try:
        import periodictable

        parsed = periodictable.formula(text)
    except Exception as exc:  # periodictable raises ValueError / pyparsing errors
        raise SampleError(
            f"formula {formula!r} could not be parsed ({exc}); write elements with a capital first "
            "letter and counts after them, e.g. 'Gd2(SO4)3(H2O)8', 'CuSO4·5H2O', 'Na1.9IrO3'"
        ) from None
    if not parsed.atoms:
        raise SampleError(f"formula {formula!r} contains no atoms; pass e.g. formula='CuSO4(H2O)5'")
    return parsed


def molar_mass_g_mol(formula: str) -> float:
    """Molar mass of one formula unit in g/mol (IUPAC atomic weights via periodictable).

    Parameters
    ----------
    formula : str
        Chemical formula; hydrate dots and fractional subscripts are allowed.

    Returns
    -------
    float
        Molar mass in g/mol, e.g. 746.79 for ``Gd2(SO4)3(H2O)8``.
    """
    return float(parse_formula(formula).mass)


def ion_element(ion: str) -> str:
    """Element symbol of an ion label: ``"Gd3+"``, ``"Gd(III)"``, ``"Cu2+"``, ``"Gd"`` -> ``"Gd"``.

    Parameters
    ----------
    ion : str
        Element symbol, optionally followed by its charge.

    Returns
    -------
    str
        The element symbol (validated against the periodic table).
    """
    match = _ION.match(ion) if isinstance(ion, str) else None
    if match is None:
        raise SampleError(
            f"per_ion={ion!r} is not an element or ion label; use e.g. per_ion='Gd' or per_ion='Gd3+'"
        )
    symbol = match.group(1)
    import periodictable

    try:
        periodictable.elements.symbol(symbol)
    except ValueError:
        raise SampleError(f"per_ion={ion!r}: {symbol!r} is not an element symbol") from None
    return symbol


def count_atoms(formula: str, element: str) -> float:
    """Number of atoms of ``element`` per formula unit (fractional occupancies allowed).

    Parameters
    ----------
    formula : str
        e.g. ``"Gd2(SO4)3(H2O)8"``.
    element : str
        Element or ion label, e.g. ``"Gd"`` or ``"Gd3+"`` (the charge is ignored).

    Returns
    -------
    float
        e.g. ``count_atoms("Gd2(SO4)3(H2O)8", "Gd") == 2``.

    Raises
    ------
    SampleError
        If the element does not occur in the formula.
    """
    symbol = ion_element(element)
    atoms = parse_formula(formula).atoms
    total = sum(float(n) for el, n in atoms.items() if getattr(el, "symbol", None) == symbol)
    if total <= 0:
        present = ", ".join(sorted({el.symbol for el in atoms}))
        raise SampleError(
            f"per_ion={element!r}: element {symbol} does not occur in formula {formula!r} "
            f"(elements present: {present}); check the formula or give n_ions explicitly"
        )
    return total
