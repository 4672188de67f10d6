"""The ``magfit`` console script.

Subcommands live in one module each (``magfit/cli/<name>.py``) exposing
``register(subparsers)``, which adds a parser whose ``func`` takes the parsed args and returns
an exit code. The list below is the registry.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from ..errors import MagfitError

#: subcommand modules, in the order shown by ``magfit --help``
SUBCOMMANDS: list[str] = ["ion", "info", "fit", "report", "simulate"]
SUBCOMMANDS += ["fit_cluster", "mh", "arrott", "ferro"]  # clusters (issue 15), M(H) (issue 16)
SUBCOMMANDS += ["zfcfc"]  # ZFC/FC irreversibility (issue 16)


class _VersionAction(argparse.Action):
    """``--version``: look the version up only when asked (importlib.metadata is slow to import)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0,
                         help=help or "show the version and exit")

    def __call__(self, parser, namespace, values, option_string=None):
        from .. import __version__

        parser.exit(message=f"magfit {__version__}\n")


#: command name (aliases too) -> module, so that ``magfit fit ...`` builds the ``fit`` parser alone; a
#: command missing here still works (every parser is built); tests/test_cli_dispatch.py checks the map
COMMAND_MODULES: dict[str, str] = {
    "ion": "ion", "ions": "ion", "info": "info", "fit": "fit", "report": "report", "simulate": "simulate",
    "fit-cluster": "fit_cluster", "mh": "mh", "arrott": "arrott", "ferro": "ferro", "zfcfc": "zfcfc",
}


def _invoked_module(argv: list[str] | None) -> str | None:
    """The subcommand module of ``argv`` when it starts with a known command name, else None."""
    args = sys.argv[1:] if argv is None else argv
    return COMMAND_MODULES.get(args[0]) if args and isinstance(args[0], str) else None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The ``magfit`` argument parser (each subcommand module registers its own parser).

    Parameters
    ----------
    only : str, optional
        Register this subcommand module alone (``main`` does, for a command line that names it first:
        the same parse and help for that command, without building the other parsers).

    Returns
    -------
    argparse.ArgumentParser
    """
    parser = argparse.ArgumentParser(
        prog="magfit",
        description="Magnetometry analysis: susceptibility, Curie-Weiss fits, classification, "
        "simulation and reports.",
    )
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS if only is None else [only]:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(_invoked_module(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except MagfitError as exc:
        print(f"magfit {args.command}: error: {exc}", file=sys.stderr)
        if getattr(args, "json", False):   # a script reading stdout gets the error too, as `fit --json` does
            _print_json_error(args, exc)
        return 1


def _print_json_error(args, exc: MagfitError) -> None:
    """{"command", "file", "files", "error"} on stdout: ``file`` (a string) is the file the error names
    (its ``path``) or else the command's first input; ``files`` lists every input file given."""
    import json

    files: list[str] = []
    for attr in ("file", "files", "inputs", "chi", "mh", "tc_isotherm"):
        value = getattr(args, attr, None)
        if value:
            files += [str(value)] if isinstance(value, (str, os.PathLike)) else [str(v) for v in value]
    out: dict = {"command": args.command}
    path = getattr(exc, "path", None)
    if path or files:
        out["file"] = str(path) if path else files[0]
        out["files"] = files
    out["error"] = f"{type(exc).__name__}: {exc}"
    print(json.dumps(out))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
