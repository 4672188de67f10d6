"""The ``magfit`` console script.

Subcommands live in one module each (``magfit/cli/<name>.py``) exposing
``register(subparsers)``, which adds a parser whose ``func`` takes the parsed args and returns
an exit code. The list below is the registry.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import MagfitError

#: subcommand modules, in the order shown by ``magfit --help``
SUBCOMMANDS: list[str] = ["ion", "info", "fit", "report", "simulate", "mh", "arrott", "ferro"]


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="magfit",
        description="Magnetometry analysis: susceptibility, Curie-Weiss fits, classification, "
        "simulation and reports.",
    )
    parser.add_argument("--version", action="version", version=f"magfit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except MagfitError as exc:
        print(f"magfit {args.command}: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
