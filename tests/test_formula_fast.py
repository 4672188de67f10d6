"""magfit.formula reads plain formulas without periodictable (issue 12: start-up of ``magfit fit``).

The reference is periodictable itself, in the test: the element table must be periodictable's, entry
for entry, and for every string the plain reader accepts, periodictable must give the same structure
(counts of the same type and value), the same atom counts in the same order and bit-identical molar
masses; every string periodictable refuses must be refused by the plain reader too (so that it goes to
periodictable and fails there with periodictable's message).
"""

from __future__ import annotations

import periodictable
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from magfit import formula as F
from magfit._elements import ELEMENTS, PERIODICTABLE_VERSION

# Exact (bit-identical) only against the periodictable release the table was written from; a later
# release may revise a standard atomic weight (IUPAC revisions are <= 0.1 %), which is then checked to 1e-3.
EXACT = periodictable.__version__ == PERIODICTABLE_VERSION


def _same_mass(a: float, b: float) -> bool:
    return a == b if EXACT else abs(a - b) <= 1e-3 * abs(b)

PLAIN = ["Gd2(SO4)3(H2O)8", "Gd2(SO4)3+8H2O", "CuSO4+5H2O", "Na1.9IrO3", "MnO", "CrBr3", "CePd3", "Pd",
         "La0.7Sr0.3MnO3", "C24H40CoN4O4S2", "Dy(C5H7O2)3(H2O)2", "Cu2(OH)3Cl", "K3Fe(CN)6", "(CaCO3(H2O)6)1",
         "CaCO3+(3HO0.5)2", "Fe((NH4)2(SO4)2)(H2O)6", "H2OH2O", "Gd0", "O1.0", "(H2O)1.0", "Og2Ts",
         "((H2O)2)3", "Co3O4", "CO", "Cl", "NH4Cl", "Yb14MnSb11", "UPt3", "Fe1.0(H2O)0.5"]
NOT_PLAIN = ["D2O", "CaCO[18]3", "H2O@1", "Fe{2+}", "50%wt H2O // D2O", "H2O ", "Gd2(SO4)3·8H2O", "", "Xx2",
             "gd2", "2(H2O)", "H2O+", "+H2O", "()", "(H2O", "H2O)", "Gd02", "Gd2.", ".5H2O", "Gd1.2.3", "Ha",
             "H2O++H2O"]


def _shape(structure):
    """A structure with periodictable's or magfit's element objects replaced by their symbols."""
    out = []
    for count, fragment in structure:
        inner = _shape(fragment) if isinstance(fragment, (tuple, list)) else fragment.symbol
        out.append((type(count).__name__, count, inner))
    return out


def _same_as_periodictable(text: str) -> None:
    plain = F._plain_formula(text)
    try:
        ref = periodictable.formula(text)
    except Exception:  # noqa: BLE001 - periodictable refuses: the plain reader must refuse too
        assert plain is None, text
        return
    if plain is None:
        return                      # not plain: read_formula hands it to periodictable
    assert _shape(plain.structure) == _shape(ref.structure), text
    mine = [(el.symbol, el.number, type(n).__name__, n) for el, n in plain.atoms.items()]
    theirs = [(el.symbol, el.number, type(n).__name__, n) for el, n in ref.atoms.items()]
    assert mine == theirs, text
    assert _same_mass(plain.mass, ref.mass), text   # bit-identical: same weights, same order of summation


def test_element_table_is_periodictables():
    ref = {el.symbol: (el.number, el.mass) for el in periodictable.elements if el.number > 0}
    assert ELEMENTS.keys() == ref.keys()
    for symbol, (number, mass) in ELEMENTS.items():
        assert number == ref[symbol][0], symbol
        assert _same_mass(mass, ref[symbol][1]), (symbol, mass, ref[symbol][1], periodictable.__version__)
    assert all(type(m) is float for _, m in ELEMENTS.values())


@pytest.mark.parametrize("text", PLAIN)
def test_plain_formulas_read_as_periodictable_reads_them(text):
    assert F._plain_formula(text) is not None, text        # the fast path is taken ...
    _same_as_periodictable(text)                            # ... and gives periodictable's numbers


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_other_text_goes_to_periodictable(text):
    assert F._plain_formula(text) is None
    try:
        ref = periodictable.formula(text)
    except Exception as exc:  # noqa: BLE001
        with pytest.raises(type(exc)):
            F.read_formula(text)
    else:
        assert _same_mass(F.read_formula(text).mass, ref.mass)


_TOKENS = ["H", "O", "C", "Gd", "Cu", "Co", "S", "N", "Cl", "Xx", "Q", "a", "0", "1", "2", "3", "12", ".",
           "0.5", "1.0", "(", ")", "(", ")", "+", "[", "@", " "]


_TEXT = st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=12).map("".join)
_QUICK = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_LONG = settings(max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_QUICK
@given(_TEXT)
def test_random_text_is_read_as_periodictable_reads_it_or_handed_over(text):
    _same_as_periodictable(text)


@pytest.mark.slow
@_LONG
@given(_TEXT)
def test_random_text_many(text):
    _same_as_periodictable(text)


_count = st.sampled_from(["", "", "2", "3", "0.5", "1", "1.0", "12", "0.25", "0"])
_symbol = st.sampled_from(["H", "O", "C", "Gd", "S", "Fe", "Na", "Ir", "Cl"])
_elem = st.builds(lambda s, n: s + n, _symbol, _count)
_formula = st.recursive(
    st.lists(_elem, min_size=1, max_size=4).map("".join),
    lambda inner: st.one_of(
        st.builds(lambda a, n: f"({a}){n}", inner, _count),
        st.builds(lambda n, a: n + a, st.sampled_from(["", "2", "0.5", "8"]), st.lists(_elem, min_size=1,
                                                                                    max_size=3).map("".join)),
        st.builds(lambda a, b, sep: a + sep + b, inner, inner, st.sampled_from(["", "+"]))),
    max_leaves=8)


@_QUICK
@given(_formula)
def test_random_plain_formulas_match_periodictable(text):
    _same_as_periodictable(text)


@pytest.mark.slow
@_LONG
@given(_formula)
def test_random_plain_formulas_many(text):
    _same_as_periodictable(text)


def test_molar_mass_and_counts_unchanged():
    for text in ["Gd2(SO4)3·8H2O", "Gd₂(SO₄)₃·8H₂O", "CuSO4.5H2O", "Na1.9IrO3", "Gd2(SO4)3(H2O)8"]:
        ref = periodictable.formula(F.normalize_formula(text))
        assert F.molar_mass_g_mol(text) == float(ref.mass)
        el = next(iter(ref.atoms)).symbol
        assert F.count_atoms(text, el) == sum(float(n) for a, n in ref.atoms.items() if a.symbol == el)
    for sym in ("Np", "Gd", "D"):
        assert F.element_mass(sym) == periodictable.elements.symbol(sym).mass
    assert type(F.parse_formula("MnO")).__name__ == "Formula"       # the public function: periodictable's


def test_bad_formula_messages_unchanged():
    for bad in ["Xx2O3", "Gd2(SO4", "gd2O3", "2(H2O)"]:
        with pytest.raises(F.SampleError) as mine:
            F.molar_mass_g_mol(bad)
        with pytest.raises(F.SampleError) as ref:
            F.parse_formula(bad)
        assert str(mine.value) == str(ref.value)
