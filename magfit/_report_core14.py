"""Details pages of report.pdf written as PDF text in the standard-14 fonts (no matplotlib).

A details page is a few hundred lines of plain, left-aligned text. matplotlib lays each line out
glyph by glyph (libraqm) and embeds the glyphs it used as Type 3 font programs, which made a page
cost ~0.2 CPU s. Here the page is one content stream: every line a ``Tj`` string in Helvetica,
Helvetica-Bold or Courier (the standard-14 fonts every PDF reader has; no font embedded, no glyph
metrics needed for left-aligned text), Greek letters and a few mathematical signs in Symbol,
superscript and subscript digits as smaller digits raised or lowered (``Ts``).

:func:`page_pdfs` returns None when a line holds a character none of these fonts can show; the
report then draws that sample's pages with matplotlib as before, so no text is ever lost.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

#: Greek letters -> their codes in the Symbol font (Adobe's Symbol encoding)
_SYMBOL = dict(zip("αβχδεφγηιϕκλμνοπθρστυϖωξψζΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ",
                   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", strict=True))
_SYMBOL.update({"−": "-", "≈": "\xbb", "≤": "\xa3", "≥": "\xb3", "∞": "\xa5", "→": "\xae",
                "≠": "\xb9", "∝": "\xb5", "√": "\xd6", "∑": "\xe5", "∫": "\xf2"})
#: superscript / subscript characters -> (the character drawn smaller, rise in font sizes)
_SHIFTED = {**{c: (d, 0.33) for c, d in zip("⁰⁴⁵⁶⁷⁸⁹⁺⁻⁼", "0456789+−=", strict=True)},
            **{c: (d, -0.15) for c, d in zip("₀₁₂₃₄₅₆₇₈₉₊₋", "0123456789+−", strict=True)}}
#: a lowered full stop (decimal counts of formulas, Na$_{1.9}$), in the Unicode ONE DOT LEADER
_SHIFTED["\u2024"] = (".", -0.15)
_SUBSCRIPT = str.maketrans("0123456789.", "₀₁₂₃₄₅₆₇₈₉\u2024")
#: size of a raised or lowered character, relative to the line's
SHIFT_SCALE = 0.7
#: resource names of the fonts
_FONTS = {("sans", False): ("/F1", "Helvetica"), ("sans", True): ("/F2", "Helvetica-Bold"),
          ("mono", False): ("/F3", "Courier"), ("mono", True): ("/F4", "Courier-Bold")}
_SYMBOL_FONT = ("/F5", "Symbol")


def _runs(text: str, font: str) -> list[tuple[str, bytes, float]] | None:
    """``text`` as (font resource, encoded bytes, rise in font sizes) runs; None if unshowable."""
    runs: list[tuple[str, bytes, float]] = []
    for char in text:
        rise = 0.0
        if char in _SHIFTED:
            char, rise = _SHIFTED[char]
        if char in _SYMBOL:
            name, code = _SYMBOL_FONT[0], _SYMBOL[char].encode("latin-1")
        else:
            try:
                name, code = font, char.encode("cp1252")  # WinAnsiEncoding
            except UnicodeEncodeError:
                return None
        if runs and runs[-1][0] == name and runs[-1][2] == rise:
            runs[-1] = (name, runs[-1][1] + code, rise)
        else:
            runs.append((name, code, rise))
    return runs


def plain_subscripts(text: str) -> str | None:
    """``text`` with the mathtext subscripts of :func:`magfit.plot.formula_mathtext` (``$_{2}$``,
    ``$_{1.9}$``) as subscript characters and ``\\$`` as ``$``; None if other mathtext remains."""
    out = re.sub(r"\$_\{([0-9.]+)\}\$", lambda m: m.group(1).translate(_SUBSCRIPT), text.replace(r"\$", "\0"))
    return None if "$" in out else out.replace("\0", "$")


def _pdf_string(data: bytes) -> bytes:
    """A PDF literal string: backslash, parentheses and non-ASCII bytes escaped."""
    out = bytearray(b"(")
    for byte in data:
        if byte in b"\\()":
            out += b"\\" + bytes([byte])
        elif 32 <= byte < 127:
            out.append(byte)
        else:
            out += b"\\%03o" % byte
    return bytes(out + b")")


def _line_ops(x: float, y: float, runs: list[tuple[str, bytes, float]], size: float) -> bytes:
    """Text operators of one line whose baseline starts at (x, y) points."""
    ops = [b"BT %.2f %.2f Td" % (x, y)]
    for name, code, rise in runs:
        run_size = size * SHIFT_SCALE if rise else size
        ops.append(b"%s %.2f Tf %.2f Ts %s Tj" % (name.encode(), run_size, rise * size, _pdf_string(code)))
    ops.append(b"ET")
    return b" ".join(ops)


def _font_of(kw: dict[str, Any]) -> str:
    family = "mono" if kw.get("family") == "monospace" else "sans"
    return _FONTS[(family, kw.get("weight") == "bold")][0]


def _colour(kw: dict[str, Any]) -> bytes:
    from matplotlib.colors import to_rgb

    return b"%.3f %.3f %.3f rg" % to_rgb(kw.get("color", "black"))


def page_content(blocks: Sequence[tuple[float, float, dict[str, Any], Sequence[str]]],
                 page_pt: tuple[float, float], left: float, pitch: float,
                 ascent: float) -> bytes | None:
    """The content stream of a page of text blocks; None if a character cannot be shown.

    Parameters
    ----------
    blocks : sequence of (top, size, style, lines)
        ``top`` in page fractions from the bottom, ``size`` in points, ``style`` the matplotlib
        text keywords (``weight``, ``family``, ``color``) of the block's lines.
    page_pt : (float, float)
        Page width and height in points.
    left : float
        Left end of every line, page fraction.
    pitch, ascent : float
        Line pitch and the first baseline's depth below ``top``, in font sizes.
    """
    ops: list[bytes] = []
    for top, size, kw, lines in blocks:
        font = _font_of(kw)
        ops.append(_colour(kw))
        baseline = top * page_pt[1] - ascent * size
        for line in lines:
            runs = _runs(line, font)
            if runs is None:
                return None
            if runs:
                ops.append(_line_ops(left * page_pt[0], baseline, runs, size))
            baseline -= pitch * size
    return b"\n".join(ops)


def one_page_pdf(content: bytes, page_pt: tuple[float, float]) -> bytes:
    """A one-page PDF document drawing ``content`` with the standard-14 fonts of this module."""
    fonts = [*_FONTS.values(), _SYMBOL_FONT]
    font_objects = {name: 5 + k for k, (name, _) in enumerate(fonts)}
    resources = b" ".join(b"%s %d 0 R" % (name.encode(), num) for name, num in font_objects.items())
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /Font << %s >> >> "
               b"/Contents 4 0 R >>" % (page_pt[0], page_pt[1], resources),
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)]
    for _name, base in fonts:
        encoding = b"" if base == "Symbol" else b" /Encoding /WinAnsiEncoding"
        objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /%s%s >>" % (base.encode(), encoding))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for num, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (num, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
