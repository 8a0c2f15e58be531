"""`nianjian parse FILE|- [--json]`: parse one report file and print its record."""
from __future__ import annotations

import argparse
import json
import sys

from nianjian.errors import UserError
from nianjian.report_files import fatal_problem, read_report_file

def register(subparsers) -> None:
    parser = subparsers.add_parser("parse")
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--url")
    parser.add_argument("--content-type")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from parsers import parse

    data, filename = read_report_file(args.file)
    report = parse(data, url=args.url, content_type=args.content_type, filename=filename)
    fatal = fatal_problem(report)
    # JSON consumers get the record and its problems even for a non-report; people get one line.
    if args.json:
        json.dump(report.to_dict(full=args.full), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif not fatal:
        _summary(report)
    if fatal:
        raise UserError.said("not_a_report", name=args.file, code=fatal.code, detail=fatal.detail)
    return 0


def _summary(report) -> None:
    """The record as the printed template lays it out, with its Chinese labels."""
    from rich.console import Console

    from nianjian.browse.report import CellValue, Slot, edition_of, printed_sections
    from nianjian.browse.terminal import print_sections
    from nianjian.commands import print_record_header

    console = Console()
    print_record_header(console, report)
    keys = set(report.cells)

    def slot(key: str) -> Slot:
        return Slot(key, CellValue(report.cells[key], report.raw_cells.get(key)) if key in keys else None)
    print_sections(console, printed_sections(edition_of(report.template, keys), keys, slot))
