"""Chemical formulas: parsing (hydrates, adducts, unicode subscripts), molar mass, atom counts.

A leaf module (only periodictable and magfit.errors): :mod:`magfit.sample` and
:mod:`magfit.corrections` both build on it, so neither needs the other's internals.

Plain formulas (element symbols, counts, parentheses, ``+``) are read by a small parser here that
builds exactly what periodictable's grammar builds -- the same nested (count, fragment) structure, atom
counts summed in the same order, the molar mass summed in the same order from the same atomic weights
(:mod:`magfit._elements`) -- so that a one-off ``magfit fit --formula ...`` does not import periodictable
and pyparsing (~0.1 s). Anything else (isotopes, ions, densities, mixtures, D/T, malformed text) goes to
periodictable itself, which gives its own result or error as before.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import periodictable

from .errors import SampleError

__all__ = ["molar_mass_g_mol", "count_atoms", "parse_formula", "normalize_formula", "ion_element",
           "read_formula", "element_mass"]

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


class _Element:
    """An element of a plain formula: ``symbol``, ``number`` (Z) and ``mass`` (g/mol), as periodictable's."""

    __slots__ = ("symbol", "number", "mass")

    def __init__(self, symbol: str, number: int, mass: float):
        self.symbol, self.number, self.mass = symbol, number, mass

    def __repr__(self) -> str:
        return self.symbol


class _Formula:
    """A plain formula read without periodictable: ``structure``, ``atoms`` and ``mass`` computed as
    periodictable's ``Formula`` computes them (same order of summation, so the same floats)."""

    __slots__ = ("structure",)

    def __init__(self, structure: tuple):
        self.structure = structure

    @property
    def atoms(self) -> dict:
        return _count_atoms(self.structure)

    @property
    def mass(self) -> float:
        mass = 0.0
        for el, count in self.atoms.items():
            mass += el.mass * count
        return mass


def _count_atoms(structure) -> dict:
    """{element: count} over a (count, fragment) structure, summed as periodictable sums it."""
    total: dict = {}
    for count, fragment in structure:
        partial = _count_atoms(fragment) if isinstance(fragment, tuple) else {fragment: 1}
        for atom, atom_count in partial.items():
            if atom not in total:
                total[atom] = 0
            total[atom] += atom_count * count
    return total


class _NotPlain(Exception):
    """The text is not a plain formula: periodictable reads it (or says why it cannot)."""


_PLAIN = re.compile(r"[A-Za-z0-9.()+]+\Z")
_SYMBOL = re.compile(r"[A-Z][a-z]?")
_COUNT = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]+)?")
_ELEMENT_CACHE: dict[str, _Element] = {}


def _element_of(symbol: str) -> _Element | None:
    el = _ELEMENT_CACHE.get(symbol)
    if el is None:
        from ._elements import ELEMENTS

        if symbol not in ELEMENTS:
            return None
        el = _ELEMENT_CACHE[symbol] = _Element(symbol, *ELEMENTS[symbol])
    return el


def _count(text: str, i: int) -> tuple[int | float | None, int]:
    """A count at ``text[i]`` (int, or float with a decimal point, as periodictable's grammar) or None."""
    m = _COUNT.match(text, i)
    if m is None:
        if text.startswith(".", i):
            raise _NotPlain
        return None, i
    j = m.end()
    if j < len(text) and (text[j].isdigit() or text[j] == "."):
        raise _NotPlain          # '05', '2.', '1.2.3': periodictable's own reading decides
    return (float(m.group(0)) if m.group(2) else int(m.group(0))), j


def _group(text: str, i: int, out: list) -> int:
    """One group at ``text[i]``: ``(composite)count`` or ``[number]Element[count]...``; appended to ``out``
    as periodictable's grammar does (a group with count 1 is flattened into its parent)."""
    if text.startswith("(", i):
        inner, i = _composite(text, i + 1)
        if not text.startswith(")", i):
            raise _NotPlain
        count, i = _count(text, i + 1)
        fragment = inner
    else:
        count, i = _count(text, i)
        fragment = []
        while (m := _SYMBOL.match(text, i)) is not None:
            el = _element_of(m.group(0))
            if el is None:
                raise _NotPlain
            n, i = _count(text, m.end())
            fragment.append((1 if n is None else n, el))
        if not fragment:
            raise _NotPlain
    count = 1 if count is None else count
    if count == 1:
        out.extend(fragment)
    else:
        out.append((count, tuple(fragment)))
    return i


def _composite(text: str, i: int) -> tuple[list, int]:
    """Groups, optionally separated by '+', up to a ')' or the end of the text."""
    out: list = []
    i = _group(text, i, out)
    while i < len(text) and text[i] != ")":
        if text[i] == "+":
            i += 1
        i = _group(text, i, out)
    return out, i


def _plain_formula(text: str) -> _Formula | None:
    """The formula read without periodictable, or None when it is not a plain formula."""
    if not _PLAIN.match(text):
        return None
    try:
        structure, end = _composite(text, 0)
    except _NotPlain:
        return None
    if end != len(text):
        return None
    return _Formula(tuple(structure))


def read_formula(text: str, normalize: bool = False):
    """``periodictable.formula(text)`` for a string: a plain formula (element symbols, counts,
    parentheses, '+') is read here without importing periodictable, with the same structure, atom
    counts and molar mass; any other text goes to periodictable (its result or its exception).

    Parameters
    ----------
    text : str
        A formula in periodictable's syntax (see :func:`normalize_formula` for hydrate dots).
    normalize : bool
        First rewrite the text as a chemist writes it (``Gd2(SO4)3·8H2O``, ``CuSO4.5H2O``, subscripts,
        spaces) with :func:`normalize_formula`; callers that take a user's formula pass True.

    Returns
    -------
    object
        With ``structure``, ``atoms`` ({element: count}; elements with ``symbol``, ``number``, ``mass``)
        and ``mass`` (g/mol), as periodictable's ``Formula``.
    """
    if normalize and isinstance(text, str):
        text = normalize_formula(text)
    plain = _plain_formula(text) if isinstance(text, str) else None
    if plain is not None:
        return plain
    import periodictable

    return periodictable.formula(text)


def element_mass(symbol: str) -> float:
    """Standard atomic weight (g/mol) of an element symbol, as ``periodictable.elements.symbol(symbol).mass``.

    Parameters
    ----------
    symbol : str
        e.g. ``"Np"``; D and T are periodictable's isotopes.

    Returns
    -------
    float
    """
    el = _element_of(symbol)
    if el is not None:
        return el.mass
    import periodictable

    return periodictable.elements.symbol(symbol).mass


#: chemists' acetate abbreviation, which periodictable's grammar reads as O + Ac (actinium)
_ACETATE = re.compile(r"OAc(?![a-z])")


def _parse(formula: str, reader=read_formula):
    """:func:`normalize_formula`, then ``reader`` (periodictable's result or :func:`read_formula`'s),
    with periodictable's errors turned into SampleError."""
    text = normalize_formula(formula)
    if not text:
        raise SampleError("formula is empty; pass e.g. formula='Gd2(SO4)3(H2O)8' or molar_mass_g_mol=...")
    if _ACETATE.search(text):
        raise SampleError(
            f"formula {formula!r}: 'OAc' would be read as oxygen + actinium (Ac, 227 g/mol), not acetate; "
            "write acetate as C2H3O2, e.g. 'Cu2(C2H3O2)4(H2O)2', or pass molar_mass_g_mol=...")
    try:
        parsed = reader(text)
    except Exception as exc:  # periodictable raises ValueError / pyparsing errors
        raise SampleError(
            f"formula {formula!r} could not be parsed ({exc}); write elements with a capital first "
            "letter and counts after them, e.g. 'Gd2(SO4)3(H2O)8', 'CuSO4·5H2O', 'Na1.9IrO3'"
        ) from None
    if not parsed.atoms:
        raise SampleError(f"formula {formula!r} contains no atoms; pass e.g. formula='CuSO4(H2O)5'")
    return parsed


def _periodictable_formula(text: str):
    import periodictable

    return periodictable.formula(text)


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
    return _parse(formula, _periodictable_formula)


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
    return float(_parse(formula).mass)


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
    if _element_of(symbol) is not None:
        return symbol
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
    atoms = _parse(formula).atoms
    total = sum(float(n) for el, n in atoms.items() if getattr(el, "symbol", None) == symbol)
    if total <= 0:
        present = ", ".join(sorted({el.symbol for el in atoms}))
        raise SampleError(
            f"per_ion={element!r}: element {symbol} does not occur in formula {formula!r} "
            f"(elements present: {present}); check the formula or give n_ions explicitly"
        )
    return total
