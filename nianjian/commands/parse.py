"""`nianjian parse FILE|- [--json]`: parse one report file and print its record."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from nianjian.errors import UserError

# Problems that mean there is no report to show: the command fails with exit code 2.
FATAL = ("NOT_A_REPORT", "UNSUPPORTED_FORMAT", "UNREADABLE_FILE", "SCANNED_PDF", "EMPTY_DOCUMENT",
         "DECODE_ERROR", "PARSE_ERROR")


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


def _read_input(name: str) -> tuple[bytes, str | None]:
    if name == "-":
        return sys.stdin.buffer.read(), None
    path = Path(name)
    if path.is_dir():
        raise UserError(f"{name}: is a directory, not a report file")
    try:
        return path.read_bytes(), path.name
    except FileNotFoundError:
        raise UserError(f"{name}: no such file") from None
    except OSError as error:
        raise UserError(f"{name}: cannot be read ({error.strerror or error})") from None


def run(args: argparse.Namespace) -> int:
    from parsers import parse

    data, filename = _read_input(args.file)
    if not data:
        raise UserError(f"{args.file}: the file is empty")
    report = parse(data, url=args.url, content_type=args.content_type, filename=filename)
    if args.json:
        json.dump(report.to_dict(full=args.full), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _summary(report)
    fatal = next((p for p in report.problems if p.code in FATAL), None)
    if fatal and not report.cells:
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
