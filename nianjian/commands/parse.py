"""`nianjian parse FILE|- [--json]`: parse one report file and print its record."""
from __future__ import annotations

import argparse
import json
import sys

from nianjian.errors import UserError
from nianjian.report_files import fatal_problem, read_report_file

def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "parse", help="parse one annual report file (HTML, text, PDF, DOCX) and print its record",
        description="Parse one 政府信息公开工作年度报告 and print the canonical record: a readable "
                    "summary, or the spec JSON with --json.")
    parser.add_argument("file", metavar="FILE", help="the report file, or - to read standard input")
    parser.add_argument("--json", action="store_true", help="print the spec JSON object")
    parser.add_argument("--full", action="store_true",
                        help="with --json: add raw_cells (cells as printed) and narrative (the prose)")
    parser.add_argument("--url", help="the page's URL (its date is a fallback publication date)")
    parser.add_argument("--content-type", help="the HTTP Content-Type, e.g. 'text/html; charset=gbk'")
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
        raise UserError(f"{args.file}: {fatal.code}: {fatal.detail}")
    return 0


def _summary(report) -> None:
    from rich.console import Console
    from rich.table import Table

    from parsers.template import TEMPLATE

    console = Console()
    console.print(f"[bold]{report.title or '(no title)'}[/bold]")
    console.print(f"agency: {report.agency or '-'}   year: {report.year or '-'}   "
                  f"template: {report.template or '-'}   published: {report.published or '-'}")
    console.print(f"sections: {', '.join(map(str, report.sections)) or 'none'}   cells: {len(report.cells)}")
    edition = report.template or "2021"
    for name, keys in (("t2", TEMPLATE.t2_keys(edition)), ("t3", TEMPLATE.t3_keys()), ("t4", TEMPLATE.t4_keys())):
        rows: dict[str, dict[str, object]] = {}
        for key in keys:
            if key in report.cells:
                _, row, column = key.split(".")
                rows.setdefault(row, {})[column] = report.cells[key]
        if not rows:
            continue
        columns = list(dict.fromkeys(c for values in rows.values() for c in values))
        table = Table(title=name, title_justify="left")
        table.add_column("row")
        for column in columns:
            table.add_column(column, justify="right")
        for row, values in rows.items():
            table.add_row(row, *("" if c not in values else "—" if values[c] is None else str(values[c])
                                 for c in columns))
        console.print(table)
    if report.problems:
        console.print("[bold]problems[/bold]")
        for problem in report.problems:
            console.print(f"  {problem.code}: {problem.detail}", markup=False, highlight=False)
