"""Options shared by every subcommand that reads a file: ``--column`` and ``--unit``.

``--column CANONICAL=NAME_OR_1BASED_INDEX`` and ``--unit CANONICAL=UNIT`` (both repeatable) are
the command-line form of ``magfit.read(path, columns=..., units=...)``. A column given as a
plain positive integer is a 1-based column index (``--column chiT_emu_K_mol=2``); anything else
is a column name. Canonical names include ``temperature_K``, ``field_Oe``, ``moment_emu``,
``moment_err_emu``, ``chi_emu_mol``, ``chiT_emu_K_mol``, ``inverse_chi_mol_emu``, ``mu_eff_muB``,
``chi_emu_g`` and ``chi_volume_cgs``.
"""

from __future__ import annotations

import argparse

from ..errors import MagfitError


def add_column_unit_options(parser: argparse.ArgumentParser) -> None:
    """Add the repeatable ``--column`` and ``--unit`` options to a subcommand parser.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The subcommand's parser.
    """
    parser.add_argument("--column", action="append", default=[], metavar="CANONICAL=NAME_OR_INDEX",
                        help="use this file column for a canonical quantity, by name or 1-based "
                             "index, e.g. --column temperature_K=Tsample --column chiT_emu_K_mol=2 "
                             "(repeatable)")
    parser.add_argument("--unit", action="append", default=[], metavar="CANONICAL=UNIT",
                        help="unit of a column, e.g. --unit field_Oe=T --unit chi_emu_mol='m^3/mol' "
                             "(repeatable)")


def _pairs(values: list[str], option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for text in values or []:
        key, sep, value = text.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            raise MagfitError(f"{option} {text!r}: expected CANONICAL=VALUE, e.g. "
                              f"{option} temperature_K=Tsample")
        out[key] = value
    return out


def column_unit_kwargs(args: argparse.Namespace) -> dict[str, dict]:
    """``read()`` keyword arguments from parsed ``--column``/``--unit`` options.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments of a parser extended by :func:`add_column_unit_options`.

    Returns
    -------
    dict
        ``{"columns": {canonical: name or 1-based int}, "units": {canonical: unit}}``, each key
        present only when the option was given.
    """
    kwargs: dict[str, dict] = {}
    columns: dict[str, str | int] = {}
    for key, value in _pairs(getattr(args, "column", []), "--column").items():
        columns[key] = int(value) if value.isdigit() and int(value) > 0 else value
    if columns:
        kwargs["columns"] = columns
    units = _pairs(getattr(args, "unit", []), "--unit")
    if units:
        kwargs["units"] = units
    return kwargs
