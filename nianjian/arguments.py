"""argparse in nianjian's words: each command's help, description and option help come from
nianjian/commands/help.yaml (Chinese first), and so do argparse's own words (the usage line, the
section headings, its error messages). Help is wrapped by display width: a Chinese character
takes two columns, and a line may break between two of them."""
from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from importlib import resources

import yaml

from nianjian.errors import error_line

HELP: dict = yaml.safe_load(resources.files("nianjian.commands").joinpath("help.yaml").read_text("utf-8"))
ARGPARSE = HELP["argparse"]

def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def columns(text: str) -> int:
    """How many terminal columns `text` takes."""
    return sum(2 if _wide(char) else 1 for char in text)


def _tokens(text: str):
    """Spaces, runs of narrow characters, and each wide character alone: where a line may break."""
    for part in re.findall(r"\s+|\S+", text):
        word = ""
        for char in part:
            if _wide(char):
                if word:
                    yield word
                word = ""
                yield char
            else:
                word += char
        if word:
            yield word


# Chinese punctuation that may not begin a line (it stays with the line before, past the width
# by one character) and that may not end one (it goes on to the next line).
NOT_FIRST = set("，。、；：！？）》」』】")
NOT_LAST = set("（《「『【")


def wrap(text: str, width: int) -> list[str]:
    """`text` (whitespace collapsed) in lines of at most `width` columns, broken at spaces or
    between wide characters; a word longer than a line stands on its own line."""
    lines, line = [], ""
    for token in _tokens(" ".join(text.split())):
        if line and columns(line + token) > width and token not in NOT_FIRST:
            carried = line[-1] if line[-1] in NOT_LAST else ""
            lines.append(line[:len(line) - len(carried)].rstrip())
            line = carried + ("" if token.isspace() else token)
        elif line or not token.isspace():
            line += token
    return lines + [line.rstrip()] if line.strip() else lines


class HelpFormatter(argparse.HelpFormatter):
    def _format_usage(self, usage, actions, groups, prefix):
        # argparse indents the usage's later lines by len(prefix): lay it out with a stand-in
        # as wide as the Chinese prefix on screen, then put the prefix in.
        prefix = ARGPARSE["usage"] if prefix is None else prefix
        stand_in = "\0" * columns(prefix)
        return super()._format_usage(usage, actions, groups, stand_in).replace(stand_in, prefix, 1)

    def start_section(self, heading):
        super().start_section(ARGPARSE["headings"].get(heading, heading))

    def _split_lines(self, text, width):
        return wrap(text, width)

    def _fill_text(self, text, width, indent):
        return "\n".join(indent + line for line in wrap(text, width - len(indent)))


class ArgumentParser(argparse.ArgumentParser):
    """A parser whose mistakes read like nianjian's own: `nianjian check: 错误 error: …`, the
    Chinese for argparse's English message before it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message):
        chinese = next((words for english, words in ARGPARSE["messages"].items() if english in message), None)
        self.print_usage(sys.stderr)
        self.exit(2, error_line(self.prog, f"{chinese}：{message}" if chinese else message) + "\n")


class Commands:
    """What each command's `register(subparsers)` is given: `add_parser(name)` gives the command
    its line in `nianjian -h` from help.yaml."""

    def __init__(self, subparsers):
        self.subparsers = subparsers

    def add_parser(self, name: str, **kwargs) -> ArgumentParser:
        return self.subparsers.add_parser(name, help=HELP[name]["help"], **kwargs)


def describe(parser: argparse.ArgumentParser, words: dict) -> None:
    """Give `parser` its description and each option its help, from `words` (a command's entry in
    help.yaml) or, for an option several commands share, from `common`."""
    parser.description = words.get("description")
    for action in parser._actions:         # argparse keeps no public list of a parser's options
        name = action.option_strings[-1] if action.option_strings else action.dest
        action.help = words.get("options", {}).get(name, HELP["common"].get(name))
