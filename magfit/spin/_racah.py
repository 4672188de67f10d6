"""Wigner 6j symbols (Racah formula) on doubled integer arguments, cached.

All angular momenta are passed doubled (2j as int) so half-integers stay exact.

References
----------
A. R. Edmonds, *Angular Momentum in Quantum Mechanics* (Princeton, 1957), eq. 6.3.7.
"""

from __future__ import annotations

import math
from functools import cache


def _triangle_ok(a: int, b: int, c: int) -> bool:
    return (a + b + c) % 2 == 0 and abs(a - b) <= c <= a + b


def _delta(a: int, b: int, c: int) -> float:
    """Triangle coefficient Delta(abc) for doubled arguments."""
    f = math.factorial
    return math.sqrt(f((a + b - c) // 2) * f((a - b + c) // 2) * f((-a + b + c) // 2)
                     / f((a + b + c) // 2 + 1))


@cache
def sixj2(j1: int, j2: int, j3: int, j4: int, j5: int, j6: int) -> float:
    """{j1 j2 j3; j4 j5 j6} with every argument doubled (2j, int).

    Parameters
    ----------
    j1, j2, j3, j4, j5, j6 : int
        Twice the angular momenta.

    Returns
    -------
    float
        The 6j symbol (0 when a triangle condition fails).
    """
    triads = ((j1, j2, j3), (j1, j5, j6), (j4, j2, j6), (j4, j5, j3))
    if not all(_triangle_ok(*t) for t in triads):
        return 0.0
    pre = 1.0
    for t in triads:
        pre *= _delta(*t)
    a = [sum(t) // 2 for t in triads]
    b = [(j1 + j2 + j4 + j5) // 2, (j2 + j3 + j5 + j6) // 2, (j3 + j1 + j6 + j4) // 2]
    f = math.factorial
    total = 0.0
    for z in range(max(a), min(b) + 1):
        den = 1
        for x in a:
            den *= f(z - x)
        for y in b:
            den *= f(y - z)
        total += (-1) ** z * f(z + 1) / den
    return pre * total
