"""File readers: one sniffing :func:`read` over a registry of format readers.

Every reader is an object with

* ``name`` (str),
* ``sniff(head_lines: list[str], filename: str) -> float`` -- a score in [0, 1] saying how sure
  the reader is that the file is its format (0: not mine), and
* ``read(source: Source, *, columns=None, units=None) -> Measurement``.

:func:`read` scores every registered reader on the first lines of the file and hands the file to
the best one; there is no if-chain over formats. New formats are added with :func:`register`.

Encodings: UTF-8 (with or without BOM) is tried first, then cp1252, then latin-1 (which always
decodes); the encoding used is recorded in ``Measurement.provenance["encoding"]``. UTF-16 files
(BOM) are transcoded. Files containing NUL bytes are rejected as binary.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from ..errors import FormatError, MagfitError

__all__ = ["read", "register", "REGISTRY", "Reader", "Source", "sniff"]

#: bytes decoded for sniffing
SNIFF_BYTES = 65536
#: lines of the head offered to ``sniff``
SNIFF_LINES = 200


@dataclass
class Source:
    """The raw bytes of one file plus what is known about them (encoding, name, hash).

    Attributes
    ----------
    raw : bytes
        File content (after transcoding UTF-16 to UTF-8 when needed).
    encoding : str
        Python codec that decodes ``raw`` ("utf-8", "utf-8-sig", "cp1252" or "latin-1").
    path : str or None
        File path when read from disk.
    name : str
        Name used in messages (path, file object name, or "<stream>").
    sha256 : str
        Hex SHA-256 of the original bytes.
    notes : dict
        Extra facts for provenance (e.g. transcoding).
    """

    raw: bytes
    encoding: str
    path: str | None
    name: str
    sha256: str
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def bom_len(self) -> int:
        return len(codecs.BOM_UTF8) if self.encoding == "utf-8-sig" else 0

    def decode(self, start: int = 0, stop: int | None = None) -> str:
        """Decode ``raw[start:stop]`` with the detected encoding (BOM skipped)."""
        start = max(start, self.bom_len)
        enc = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
        return self.raw[start:stop].decode(enc, errors="replace")

    def head_lines(self, n_bytes: int = SNIFF_BYTES, n_lines: int = SNIFF_LINES) -> list[str]:
        """The first lines of the file (decoded, line endings removed)."""
        return self.decode(0, n_bytes).splitlines()[:n_lines]


class Reader(Protocol):
    """What a registered reader provides."""

    name: str

    def sniff(self, head_lines: list[str], filename: str) -> float: ...

    def read(self, source: Source, *, columns: dict[str, str] | None = None,
             units: dict[str, str] | None = None) -> Any: ...


#: registered readers (instances), in registration order
REGISTRY: list[Reader] = []


def register(reader: Reader | type) -> Reader | type:
    """Add a reader (class or instance) to the registry; usable as a class decorator."""
    instance = reader() if isinstance(reader, type) else reader
    REGISTRY[:] = [r for r in REGISTRY if r.name != instance.name] + [instance]
    return reader


def _detect_encoding(raw: bytes) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        body = raw[len(codecs.BOM_UTF8):]
        try:
            body.decode("utf-8")
            return "utf-8-sig"
        except UnicodeDecodeError:
            return "cp1252"
    if raw.isascii():  # the common case; a C-speed check instead of a full decode
        return "utf-8"
    for enc in ("utf-8", "cp1252"):
        try:
            raw.decode(enc)
            return enc
        except UnicodeDecodeError:
            continue
    return "latin-1"


def _load(path_or_file: str | os.PathLike | IO, path_hint: str | None = None) -> Source:
    notes: dict[str, Any] = {}
    path: str | None = None
    if isinstance(path_or_file, (str, os.PathLike)):
        path = os.fspath(path_or_file)
        name = path
        try:
            raw = Path(path).read_bytes()
        except FileNotFoundError:
            raise FormatError("file not found", path=path,
                              hint="check the path (relative paths are taken from the working directory)"
                              ) from None
        except IsADirectoryError:
            raise FormatError("is a directory, not a file", path=path,
                              hint="pass one file; for a folder use 'magfit report DIR -o OUT' or "
                                   "magfit.fit_many(DIR)") from None
        except OSError as exc:
            raise FormatError(f"cannot be read ({exc.strerror})", path=path) from None
    elif hasattr(path_or_file, "read"):
        name = path_hint or str(getattr(path_or_file, "name", "<stream>"))
        try:
            content = path_or_file.read()
        except UnicodeDecodeError as exc:
            bad = exc.object[exc.start:exc.start + 1]
            raise FormatError(f"the text stream could not decode byte {bad!r} at offset {exc.start} "
                              f"({exc.encoding})", path=name,
                              hint="open the file in binary mode ('rb') and magfit detects the encoding"
                              ) from None
        if isinstance(content, str):
            raw = content.encode("utf-8")
            notes["given_as"] = "text stream (re-encoded as UTF-8)"
        elif isinstance(content, (bytes, bytearray, memoryview)):
            raw = bytes(content)
        else:
            raise FormatError(f"file object returned {type(content).__name__}, not str or bytes", path=name)
    else:
        raise FormatError(
            f"cannot read a {type(path_or_file).__name__}",
            hint="pass a path (str or pathlib.Path) or an open file object",
        )
    digest = hashlib.sha256(raw).hexdigest()
    if not raw or raw.isspace():
        raise FormatError("file is empty (no bytes or only whitespace)", path=name,
                          hint="check that the export finished and the right file was given")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            raw = raw.decode("utf-16").encode("utf-8")
            notes["transcoded_from"] = "utf-16"
        except UnicodeDecodeError:
            raise FormatError("starts with a UTF-16 byte-order mark but does not decode as UTF-16",
                              path=name) from None
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        raise FormatError(
            f"binary file: NUL byte at offset {nul}", path=name, line=line,
            hint="magfit reads text exports (.dat, .csv, .txt); export the data as text from the "
                 "instrument software",
        )
    encoding = _detect_encoding(raw)
    return Source(raw=raw, encoding=encoding, path=path, name=name, sha256=digest, notes=notes)


def sniff(source: Source) -> list[tuple[float, str]]:
    """Scores of every registered reader for ``source``, best first."""
    _ensure_readers()
    head = source.head_lines()
    fname = os.path.basename(source.name)
    scores = []
    for reader in REGISTRY:
        try:
            score = float(reader.sniff(head, fname))
        except Exception:  # a sniffer must never break reading; treat as "not mine"
            score = 0.0
        scores.append((score, reader.name))
    scores.sort(key=lambda s: -s[0])
    return scores


def read(path_or_file: str | os.PathLike | IO, *, format: str | None = None,
         columns: dict[str, str | int] | None = None, units: dict[str, str] | None = None,
         name: str | None = None, sheet: str | int | None = None):
    """Read a magnetometry file into a :class:`magfit.Measurement`.

    Parameters
    ----------
    path_or_file : str, pathlib.Path or file object
        A path, or an open file in text or binary mode.
    format : str, optional
        Force a reader by name (``"qd"``, ``"lakeshore"``, ``"table"``) instead of sniffing.
    columns : dict, optional
        Explicit column mapping, canonical -> original name or 1-based column index, e.g.
        ``{"temperature_K": "Tsample", "chiT_emu_K_mol": 2}``; wins over the alias table.
    units : dict, optional
        Units of columns, keyed by original or canonical name, e.g. ``{"X": "m3/mol"}``,
        ``{"field_Oe": "T"}``; wins over units parsed from column names.
    name : str, optional
        Name for messages when reading from a file object without ``.name``.
    sheet : str or int, optional
        Workbooks (.xlsx, .xls, .ods): sheet name or 0-based index (default: first with data).

    Returns
    -------
    Measurement
        Every original column and header line, canonical columns, instrument, variant,
        source path and SHA-256.

    Raises
    ------
    FormatError
        Empty, binary, truncated or unrecognised file, missing ``[Data]`` or temperature column.

    Examples
    --------
    >>> import magfit                                     # doctest: +SKIP
    >>> m = magfit.read("sample_data/gd_sulfate_mpms3.dat")  # doctest: +SKIP
    >>> m.instrument, m.variant                           # doctest: +SKIP
    ('MPMS3', 'DC scan')
    """
    _ensure_readers()
    from .workbook import is_workbook, load_workbook

    if is_workbook(path_or_file):   # spreadsheets: the sheet as tab-separated text, then the table reader
        source, format = load_workbook(path_or_file, sheet, name), format or "table"
    else:
        source = _load(path_or_file, name)
    if format is not None:
        chosen = [r for r in REGISTRY if r.name == format]
        if not chosen:
            raise FormatError(f"unknown format {format!r}", path=source.name,
                              hint="use one of " + ", ".join(repr(r.name) for r in REGISTRY))
        reader = chosen[0]
    else:
        scores = sniff(source)
        best_score, best_name = scores[0]
        if best_score <= 0:
            raise FormatError(
                "format not recognised (no [Header]/[Data] sections and no table with a header line)",
                path=source.name,
                hint="supported: Quantum Design .dat, Lake Shore VSM CSV, CSV/TSV/whitespace tables "
                     "with a header line naming the columns; force one with read(..., format='table')",
            )
        reader = next(r for r in REGISTRY if r.name == best_name)
    try:
        return reader.read(source, columns=columns, units=units)
    except MagfitError:
        raise
    except (ValueError, IndexError, KeyError, TypeError, UnicodeError, OverflowError) as exc:
        # last line of defence: never let a bare pandas/numpy traceback escape
        raise FormatError(f"could not be parsed as {reader.name} ({type(exc).__name__}: {exc})",
                          path=source.name,
                          hint="the file may be truncated or corrupted; check it in a text editor") from exc


_LOADED = False
_LOAD_LOCK = threading.Lock()


def _ensure_readers() -> None:
    """Import the reader modules (they register themselves) once, thread-safely: the flag is set
    only after the imports finished, under a lock, so a concurrent read() never sees an empty
    registry (threads of a ThreadPoolExecutor or a dask ``processes=False`` cluster)."""
    global _LOADED
    if _LOADED:
        return
    with _LOAD_LOCK:
        if not _LOADED:
            from . import qd, table  # noqa: F401  (modules register their readers on import)
            _LOADED = True


def _open_text(source: Source, start: int) -> io.BytesIO:
    """A binary stream over ``source.raw`` positioned at byte ``start`` (no copy of the bytes)."""
    stream = io.BytesIO(source.raw)
    stream.seek(start)
    return stream


# typing helper for reader implementations
ReadFn = Callable[..., Any]
