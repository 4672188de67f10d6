"""Mutations of magnetometer files and the loader's contract, shared by tests/test_fuzz.py and
benchmarks/fuzz_loaders.py.

The contract (issue 11, section 2): for any bytes, :func:`magfit.read` (and what a user does next:
``summary()``, ``segments()``, ``susceptibility()``) either works or raises a
:class:`magfit.MagfitError`; it never hangs; and every line of the data section is accounted for:

    lines in the data section = len(m.data) + sum(m.provenance["dropped_rows"].values())

The line count is made here, independently of the loader: lines end at LF, CRLF or a lone CR,
and the data section starts after the column-name line (found from ``[Data]`` for Quantum Design
files; for tables the loader's line number is checked against the line's text).
"""

from __future__ import annotations

import codecs
import contextlib
import re
import signal
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import magfit

_DATA = re.compile(r'^[ \t]*"?\[Data\]')
_NUMBER = re.compile(rb"[-+]?\d+\.\d+(?:[eE][-+]?\d+)?")
EXTREMES = (b"1e308", b"-1e308", b"1.7976931348623157e308", b"inf", b"-inf", b"nan", b"1e-320", b"1e999",
            b"0", b"-0", b"9" * 400)
SPECIAL = (b'"', b'""', b"\r", b"\r\r\n", b"\x0c", b"\x85", b"\x0b", b"\xc2\x85", b"\xef\xbb\xbf", b",",
           b"\t", b";", b"#", b"\xe2\x80\xa8", b"\x1a", b"\xff", b"\x00")


class Hang(Exception):
    """A case ran past its time limit."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise :class:`Hang` in the main thread after ``seconds`` (SIGALRM; no-op where unavailable)."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def on_alarm(signum, frame):
        raise Hang(f"no result after {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# ---------------------------------------------------------------- mutations (pure functions of rng)
def _lines(raw: bytes) -> list[bytes]:
    return raw.split(b"\n")


def truncate(raw: bytes, rng: np.random.Generator) -> bytes:
    return raw[: int(rng.integers(0, len(raw) + 1))]


def flip_bytes(raw: bytes, rng: np.random.Generator) -> bytes:
    b = bytearray(raw)
    for _ in range(int(rng.integers(1, 6))):
        if b:
            b[int(rng.integers(0, len(b)))] = int(rng.integers(0, 256))
    return bytes(b)


def insert_special(raw: bytes, rng: np.random.Generator) -> bytes:
    for _ in range(int(rng.integers(1, 4))):
        pos = int(rng.integers(0, len(raw) + 1))
        raw = raw[:pos] + SPECIAL[int(rng.integers(0, len(SPECIAL)))] + raw[pos:]
    return raw


def quote_field(raw: bytes, rng: np.random.Generator) -> bytes:
    """A double quote at the start or end of a field of a random line (stray or unbalanced)."""
    lines = _lines(raw)
    for _ in range(int(rng.integers(1, 4))):
        i = int(rng.integers(0, len(lines)))
        cuts = [m.start() + 1 for m in re.finditer(rb"[,\t;]", lines[i])] + [0, len(lines[i])]
        pos = cuts[int(rng.integers(0, len(cuts)))]
        lines[i] = lines[i][:pos] + b'"' + lines[i][pos:]
    return b"\n".join(lines)


def mix_line_endings(raw: bytes, rng: np.random.Generator) -> bytes:
    lines = _lines(raw)
    ends = (b"\n", b"\r\n", b"\r", b"\r\r\n")
    mode = int(rng.integers(0, 3))
    if mode == 0:  # one ending everywhere
        end = ends[int(rng.integers(0, len(ends)))]
        return end.join(ln.rstrip(b"\r") for ln in lines)
    out = []
    for ln in lines[:-1]:
        out.append(ln + (ends[int(rng.integers(0, len(ends)))] if rng.random() < 0.2 else b"\n"))
    return b"".join(out) + lines[-1]


def duplicate_or_delete_lines(raw: bytes, rng: np.random.Generator) -> bytes:
    lines = _lines(raw)
    for _ in range(int(rng.integers(1, 6))):
        if not lines:
            break
        i = int(rng.integers(0, len(lines)))
        if rng.random() < 0.5:
            lines.insert(i, lines[i])
        else:
            del lines[i]
    return b"\n".join(lines)


def reencode(raw: bytes, rng: np.random.Generator) -> bytes:
    text = raw.decode("utf-8", errors="replace") if not raw.startswith(codecs.BOM_UTF16_LE) else (
        raw.decode("utf-16", errors="replace"))
    codec = ("utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "cp1252", "latin-1")[int(rng.integers(0, 6))]
    return text.encode(codec, errors="replace")


def extreme_numbers(raw: bytes, rng: np.random.Generator) -> bytes:
    spans = [m.span() for m in _NUMBER.finditer(raw)]
    if not spans:
        return raw
    out = raw
    for k in sorted(rng.choice(len(spans), size=min(len(spans), int(rng.integers(1, 8))), replace=False),
                    reverse=True):
        a, b = spans[int(k)]
        out = out[:a] + EXTREMES[int(rng.integers(0, len(EXTREMES)))] + out[b:]
    return out


def long_line(raw: bytes, rng: np.random.Generator) -> bytes:
    pos = int(rng.integers(0, len(raw) + 1))
    piece = (b"1,", b"1", b'"1,', b" ")[int(rng.integers(0, 4))] * int(rng.integers(1000, 100_000))
    return raw[:pos] + piece + raw[pos:]


MUTATIONS = (truncate, flip_bytes, insert_special, quote_field, mix_line_endings, duplicate_or_delete_lines,
             reencode, extreme_numbers, long_line)


def mutate(raw: bytes, rng: np.random.Generator, n_ops: int | None = None) -> tuple[bytes, list[str]]:
    """Apply 1-3 random mutations; returns the bytes and the names of the mutations."""
    names = []
    for _ in range(n_ops or int(rng.integers(1, 4))):
        op = MUTATIONS[int(rng.integers(0, len(MUTATIONS)))]
        raw = op(raw, rng)
        names.append(op.__name__)
    return raw, names


# ---------------------------------------------------------------- the contract
def _text_lines(raw: bytes, m) -> list[str]:
    codec = m.provenance.get("transcoded_from")
    if codec:
        raw = raw.decode(codec).lstrip("\ufeff").encode("utf-8", errors="surrogatepass")
    raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    lines = raw.split(b"\n")
    if raw.endswith(b"\n"):
        lines.pop()
    enc = m.provenance.get("encoding", "utf-8")
    enc = "utf-8" if enc == "utf-8-sig" else enc
    return [ln.decode(enc, errors="replace") for ln in lines]


def row_accounting(raw: bytes, m) -> str | None:
    """None when every data-section line is a row of ``m.data`` or a counted drop; else the discrepancy."""
    prov = m.provenance
    if "workbook" in prov:      # the rows of a workbook are not lines of its (zip) bytes
        return None
    lines = _text_lines(raw, m)
    names_line = prov.get("column_names_line")
    if names_line is None:
        return "provenance has no column_names_line"
    if m.instrument not in ("table", "Lake Shore VSM"):
        data_at = next((i for i, ln in enumerate(lines) if _DATA.match(ln)), None)
        if data_at is None or names_line != data_at + 2:
            where = None if data_at is None else data_at + 1
            return f"column names said to be on line {names_line}, but [Data] is on line {where}"
    else:
        problem = _names_line_problem(lines, names_line, m)
        if problem:
            return problem
    n_lines = len(lines) - names_line
    dropped = sum(prov.get("dropped_rows", {}).values())
    if n_lines != len(m.data) + dropped:
        return (f"{n_lines} lines after the column names, but {len(m.data)} rows + {dropped} counted drops "
                f"({prov.get('dropped_rows')})")
    return None


def _names_line_problem(lines: list[str], names_line: int, m) -> str | None:
    """The first column's name must be written on the names line. Allowed: a unit appended from an
    Origin units row ('Temperature' + 'K'), R's unnamed row-names column, Igor's WAVES line just above
    the line the names stand for, and a header cell broken over lines inside quotes."""
    prov = m.provenance
    renamed = prov.get("renamed_columns", {})
    k = 1 if "row_names_column" in prov and len(m.data.columns) > 1 else 0
    first = str(renamed.get(m.data.columns[k], m.data.columns[k])).strip().lstrip("#").strip()
    if first.startswith("Unnamed: "):  # an empty name (not every reader records the rename)
        return None
    lo = names_line - 2 if "igor_text" in prov else names_line - 1
    text = " ".join(lines[max(0, lo - 3 * ("igor_text" not in prov)):names_line])
    candidates = {first, first.rsplit(" (", 1)[0]}
    if any(c and c in lines[lo] for c in candidates) or all(w in text for w in first.split()):
        return None
    return f"line {names_line} is said to name the columns but does not hold {first!r}"


@dataclass
class Outcome:
    """What one mutant did."""

    status: str                      # "ok", "magfit_error", "foreign", "hang", "rows_lost"
    detail: str = ""
    mutations: list[str] = field(default_factory=list)


def exercise(path: Path, sample: dict, timeout_s: float = 10.0) -> Outcome:
    """Read ``path`` and do what a user does next; classify the outcome against the contract."""
    raw = path.read_bytes()
    try:
        with time_limit(timeout_s), warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            m = magfit.read(path)
            problem = row_accounting(raw, m)
            if problem:
                return Outcome("rows_lost", problem)
            m.summary()
            m.segments()
            if m.holds_chi or m.moment_emu is not None:
                m.susceptibility(**({} if m.holds_chi else sample))
    except magfit.MagfitError as exc:
        return Outcome("magfit_error", str(exc)[:300])
    except Hang as exc:
        return Outcome("hang", str(exc))
    except Exception as exc:  # noqa: BLE001 - that is what is being counted
        return Outcome("foreign", f"{type(exc).__name__}: {str(exc)[:300]}")
    return Outcome("ok")
