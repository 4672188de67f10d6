"""``magfit CMD ...`` builds CMD's parser alone (issue 12, start-up): the same parse and help as the
full parser."""

from __future__ import annotations

import argparse

import pytest

from magfit import cli


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_command_map_names_every_registered_command_and_its_module():
    found = {name: module for module in cli.SUBCOMMANDS for name in _subparsers(cli.build_parser(module))}
    assert found == cli.COMMAND_MODULES
    assert set(_subparsers(cli.build_parser())) == set(found)


@pytest.mark.parametrize("name", sorted(cli.COMMAND_MODULES))
def test_one_command_parser_is_the_full_parsers(name):
    full = _subparsers(cli.build_parser())[name]
    alone = _subparsers(cli.build_parser(cli._invoked_module([name, "x"])))
    assert list(alone) == [n for n in _subparsers(cli.build_parser()) if cli.COMMAND_MODULES.get(n) ==
                           cli.COMMAND_MODULES[name]]
    assert alone[name].format_help() == full.format_help()


def test_parse_is_the_same():
    argv = ["fit", "a.dat", "b.dat", "--formula", "MnO", "--per-ion", "Mn", "--tmin", "20", "--json"]
    assert cli.build_parser(cli._invoked_module(argv)).parse_args(argv) == cli.build_parser().parse_args(argv)


@pytest.mark.parametrize("argv", [[], ["--help", "fit"], ["-h"], ["--version"], ["nosuch"], ["Fit"],
                                  [" fit"]])
def test_anything_else_builds_every_parser(argv):
    assert cli._invoked_module(argv) is None
