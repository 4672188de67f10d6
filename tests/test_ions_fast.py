"""magfit.ions without the fractions module on the fit path (issue 12): the same text as Fraction gives."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from magfit.ions import _half


def _reference(x) -> str:
    f = Fraction(x).limit_denominator(2)
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def test_half_integers_and_everything_else_read_as_fraction_reads_them():
    values = [k / 2 for k in range(-41, 42)] + [0.0, -0.0, 0.25, 0.3, 1 / 3, 2.75, 1e20, 3.5000001,
                                                 np.float64(3.5), np.float64(2.0), 3, 7, -2, np.int64(3)]
    assert [_half(v) for v in values] == [_reference(v) for v in values]
    assert _half(3.5) == "7/2" and _half(-0.5) == "-1/2" and _half(2.0) == "2"
