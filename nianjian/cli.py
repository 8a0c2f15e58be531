"""The `nianjian` command. Each subcommand is a module of `nianjian.commands` with a
`register(subparsers)` function; adding a command means adding a module, nothing here."""
from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from nianjian import __version__, commands
from nianjian.arguments import HELP, ArgumentParser, Commands, describe
from nianjian.commands import WORDS
from nianjian.errors import UserError, error_line

DEFAULT_DB = "data/nianjian.db"


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    """Every command that touches the database takes the same --db option."""
    parser.add_argument("--db", default=DEFAULT_DB, metavar="PATH")


def build_parser() -> argparse.ArgumentParser:
    """The `nianjian` parser; what its --help says comes from nianjian/commands/help.yaml."""
    parser = ArgumentParser(prog="nianjian")
    parser.add_argument("--version", action="version", version=f"nianjian {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"nianjian.commands.{info.name}").register(Commands(subparsers))
    describe(parser, HELP["nianjian"])
    for name, command in subparsers.choices.items():
        describe(command, HELP[name])
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = args.func(args) or 0
        sys.stdout.flush()          # inside the try: a closed pipe shows here, not at exit
        return code
    except BrokenPipeError:
        # The reader stopped reading (`| head`): end quietly, as `yes | head` does. Output still
        # buffered goes nowhere, so the interpreter's own flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141                  # 128 + SIGPIPE, the shell's code for this
    except UserError as error:
        print(error_line(f"nianjian {args.command}", error), file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(WORDS["errors"]["interrupted"].format(prog=f"nianjian {args.command}"), file=sys.stderr)
        return 130
