"""Plain-text tick labels for linear axes (imports matplotlib: load it only from plotting code).

matplotlib's ScalarFormatter with ``useMathText`` typesets every tick label through mathtext,
which cost a report about a fifth of its figure time. :class:`PlainFormatter` prints the same
numbers as plain text and writes a power-of-ten offset as ``×10⁻⁴`` (unicode), so the look is
kept. A module-level class, so figures that use it can be pickled.
"""

from __future__ import annotations

import re

from matplotlib.ticker import ScalarFormatter

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


class PlainFormatter(ScalarFormatter):
    """ScalarFormatter without mathtext; the offset text with unicode superscripts.

    Parameters
    ----------
    useOffset : bool
        As for :class:`matplotlib.ticker.ScalarFormatter`.
    """

    def __init__(self, useOffset: bool = True) -> None:  # noqa: N803 - matplotlib's name
        super().__init__(useOffset=useOffset, useMathText=False)

    def get_offset(self) -> str:
        """The offset / power-of-ten text, e.g. ``×10⁻⁴``."""
        text = super().get_offset()
        def power(m: re.Match) -> str:
            return "×10" + ("⁻" if m.group(1) else "") + m.group(2).translate(_SUPERSCRIPT)

        return re.sub(r"1e([-−]?)0*(\d+)", power, text)
