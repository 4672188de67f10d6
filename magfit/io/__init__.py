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
(with a BOM, or without one but recognisable by their NUL bytes) are transcoded. Other files
containing NUL bytes are rejected as binary. Lone CR line endings (old Mac exports, or CRs mixed
into a file) are read as line breaks, so a line is the same thing for every reader and message.
Only regular files are read: a FIFO, socket or device path is an error, not a hang.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
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
        Hex SHA-256 of the original bytes (a property; given as a str or a digest that is
        computed in the background while the file is parsed).
    notes : dict
        Extra facts for provenance (e.g. transcoding).
    """

    raw: bytes
    encoding: str
    path: str | None
    name: str
    digest: Any
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the original bytes (waits for the background hash if needed)."""
        return self.digest if isinstance(self.digest, str) else self.digest.hexdigest()

    @property
    def bom_len(self) -> int:
        return len(codecs.BOM_UTF8) if self.encoding == "utf-8-sig" else 0

    def decode(self, start: int = 0, stop: int | None = None) -> str:
        """Decode ``raw[start:stop]`` with the detected encoding (BOM skipped)."""
        start = max(start, self.bom_len)
        enc = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
        return self.raw[start:stop].decode(enc, errors="replace")

    def head_lines(self, n_bytes: int = SNIFF_BYTES, n_lines: int = SNIFF_LINES) -> list[str]:
        """The first lines of the file (decoded, line endings removed).

        A line ends at ``\\n`` only (lone CRs became LFs in loading), as the data parser and
        every line number count them: a form feed or U+0085 inside a header line is not a break.
        """
        lines = self.decode(0, n_bytes).split("\n")[:n_lines]
        return [line[:-1] if line.endswith("\r") else line for line in lines]


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


#: bytes hashed per update: hashlib releases the GIL on each, so the hash runs beside the parser
_CHUNK = 1 << 22


class _Digest:
    """SHA-256 of a file's bytes, computed chunk by chunk in a background thread.

    ``hashlib`` releases the GIL while it hashes, so on a multi-core machine the hash of a large
    file costs no wall time: it runs while pandas parses the same bytes. ``hexdigest()`` waits.
    """

    def __init__(self, raw: bytes) -> None:
        self._hex: str | None = None
        if len(raw) < 8 * _CHUNK:  # small file: hash now, a thread costs more than it saves
            self._hex = self._hash(raw)
            self._thread = None
        else:
            self._thread = threading.Thread(target=self._run, args=(raw,), daemon=True)
            self._thread.start()

    @staticmethod
    def _hash(raw: bytes) -> str:
        digest = hashlib.sha256()
        view = memoryview(raw)
        for i in range(0, len(raw), _CHUNK):
            digest.update(view[i:i + _CHUNK])
        return digest.hexdigest()

    def _run(self, raw: bytes) -> None:
        self._hex = self._hash(raw)

    def hexdigest(self) -> str:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        return self._hex or ""


def _read_file(path: str) -> bytes:
    """The bytes of a regular file.

    FIFOs, sockets and devices are refused before opening (reading a FIFO blocks until a writer
    appears; /dev/zero never ends).
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise FormatError("file not found", path=path,
                          hint="check the path (relative paths are taken from the working directory)"
                          ) from None
    except OSError as exc:
        raise FormatError(f"cannot be read ({exc.strerror})", path=path) from None
    if stat.S_ISDIR(st.st_mode):
        raise FormatError("is a directory, not a file", path=path,
                          hint="pass one file; for a folder use 'magfit report DIR -o OUT' or "
                               "magfit.fit_many(DIR)")
    if not stat.S_ISREG(st.st_mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else
                "a socket" if stat.S_ISSOCK(st.st_mode) else "a device")
        raise FormatError(f"is {kind}, not a regular file", path=path,
                          hint="save the data to a file first, or pass an open file object")
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise FormatError(f"cannot be read ({exc.strerror})", path=path) from None


def _line_endings(raw: bytes) -> tuple[bytes, str | None]:
    """Lone CR line endings (classic Mac, or mixed into a file) become LF.

    Every reader and every line number then means the same thing by a line: ``\n``-terminated
    (a ``\r`` before it is part of the ending). Returns the bytes and a note (None: unchanged).
    """
    n_cr = raw.count(b"\r")
    if not n_cr:
        return raw, None
    n_crlf = raw.count(b"\r\n")
    if n_cr == n_crlf:
        return raw, None
    kind = "CR" if n_crlf == 0 and b"\n" not in raw else "mixed (lone CR among CRLF/LF)"
    return raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n"), kind


def _load(path_or_file: str | os.PathLike | IO, path_hint: str | None = None) -> Source:
    notes: dict[str, Any] = {}
    path: str | None = None
    if isinstance(path_or_file, (str, os.PathLike)):
        path = os.fspath(path_or_file)
        name = path
        raw = _read_file(path)
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
        except OSError as exc:
            raise FormatError(f"the file object cannot be read ({exc})", path=name) from None
        if isinstance(content, str):
            raw = content.encode("utf-8", errors="surrogatepass")
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
    digest = _Digest(raw)  # of the bytes as given, before any transcoding
    if not raw or raw.isspace():
        raise FormatError("file is empty (no bytes or only whitespace)", path=name,
                          hint="check that the export finished and the right file was given")
    raw = _utf16(raw, name, notes)
    nul = raw.find(b"\x00")
    if nul >= 0:
        from .workbook import binary_kind

        line = raw.count(b"\n", 0, nul) + 1
        kind = binary_kind(raw)
        if kind is not None:
            raise FormatError(f"binary file: {kind[0]}", path=name, line=line, hint=kind[1])
        raise FormatError(
            f"binary file: NUL byte at offset {nul}", path=name, line=line,
            hint="magfit reads text exports (.dat, .csv, .txt); export the data as text from the "
                 "instrument software",
        )
    raw, endings = _line_endings(raw)
    if endings:
        notes["line_endings"] = endings
    encoding = _detect_encoding(raw)
    return Source(raw=raw, encoding=encoding, path=path, name=name, digest=digest, notes=notes)


def _utf16(raw: bytes, name: str, notes: dict[str, Any]) -> bytes:
    """UTF-16 text (with a BOM, or without one but with a NUL in every other byte) as UTF-8."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec = "utf-16"
    else:
        head = raw[:4096]
        half = len(head) // 2
        if half < 2 or raw.find(b"\x00", 0, 4096) < 0:
            return raw
        if head[1::2].count(0) > 0.9 * half and head[0::2].count(0) < 0.1 * half:
            codec = "utf-16-le"
        elif head[0::2].count(0) > 0.9 * half and head[1::2].count(0) < 0.1 * half:
            codec = "utf-16-be"
        else:
            return raw
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError:
        raise FormatError(f"looks like UTF-16 ({codec}) but does not decode as UTF-16", path=name,
                          hint="re-save the file as UTF-8 text") from None
    notes["transcoded_from"] = codec
    return text.lstrip("\ufeff").encode("utf-8", errors="surrogatepass")


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
    from .workbook import is_workbook, load_workbook, text_named_like_workbook

    if is_workbook(path_or_file):   # spreadsheets: the sheet as tab-separated text, then the table reader
        source, format = load_workbook(path_or_file, sheet, name), format or "table"
    elif is_workbook(path_or_file, by_content=True):   # a workbook saved under a .csv / .dat / .txt name
        source, format = load_workbook(path_or_file, sheet, name), format or "table"
        source.notes["workbook_by_content"] = "a spreadsheet workbook under a text-file name (read as one)"
    else:
        source = _load(path_or_file, name)
        text_named_like_workbook(source, path_or_file)
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
            from . import igor, qd, table  # noqa: F401  (modules register their readers on import)
            _LOADED = True


def _open_text(source: Source, start: int) -> io.BytesIO:
    """A binary stream over ``source.raw`` positioned at byte ``start`` (no copy of the bytes).

    The stream keeps ``raw`` so that the parser can account for every line of the section.
    """
    from ._parse import _TextStream

    return _TextStream(source.raw, start)


# typing helper for reader implementations
ReadFn = Callable[..., Any]


def _install_holder_reader() -> None:
    """Let magfit.convert read holder files given as paths, without convert importing io (no cycle)."""
    from ..convert import use_reader

    use_reader(read)


_install_holder_reader()
