"""`nianjian check FILE`: parse one report and run the 勾稽关系 rule catalogue on it."""
from __future__ import annotations

import json

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from parsers.record import Report
from nianjian.checks import Finding, check
from nianjian.browse.report import WORDS as PAGE_WORDS
from nianjian.checks.finding import abbreviate
from nianjian.commands import WORDS, print_record_header
from nianjian.report_files import fatal_problem, read_report_file
from nianjian.errors import UserError

STYLES = {"error": "bold red", "warning": "yellow", "info": "dim"}
SEVERITY = PAGE_WORDS["labels"]["severity"]           # 错误 / 警告 / 提示, as on the report page
NOT_ASSESSABLE = PAGE_WORDS["labels"]["not_assessable"]


def register(subparsers) -> None:
    parser = subparsers.add_parser("check")
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--previous", metavar="FILE")
    parser.add_argument("--peer", metavar="FILE", action="append", default=[])
    parser.add_argument("--expected-year", metavar="YEAR", type=int)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.set_defaults(func=run)


def load_report(name: str) -> Report:
    """Read and parse one input, or raise UserError saying why it cannot be checked."""
    data, filename = read_report_file(name)
    if filename and filename.lower().endswith(".json"):
        return _report_from_json(name, data)
    from parsers import parse
    report = parse(data, filename=filename)
    # A document nianjian cannot read is checked all the same: its finding says so (UNREADABLE).
    fatal = None if report.unreadable else fatal_problem(report)
    if fatal:
        raise UserError.said("not_a_report", name=name, code=fatal.code, detail=fatal.detail)
    return report


def _report_from_json(name: str, data: bytes) -> Report:
    try:
        record = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UserError.said("not_json", name=name, error=error) from None
    record = record.get("record", record) if isinstance(record, dict) else None
    if not isinstance(record, dict) or not isinstance(record.get("cells", {}), dict):
        raise UserError.said("not_a_record", name=name)
    return Report.from_dict(record)


def run(args) -> int:
    report = load_report(args.file)
    previous = load_report(args.previous) if args.previous else None
    peers = _load_peers(args.peer)
    findings = check(report, previous=previous, peers=peers, expected_year=args.expected_year)
    if args.json:
        print(json.dumps({"record": report.to_dict(), "findings": [f.to_dict() for f in findings]},
                         ensure_ascii=False, indent=2))
    else:
        print_findings(Console(), report, findings, args.lang)
    return 0


def _load_peers(names: list[str]) -> list[Report]:
    """Parse the peers, with a progress bar on stderr when there are many (PDFs take a while)."""
    if len(names) <= 3:
        return [load_report(n) for n in names]
    with Progress(TextColumn("parsing peers"), BarColumn(), MofNCompleteColumn(),
                  console=Console(stderr=True), transient=True) as progress:
        return [load_report(n) for n in progress.track(names)]


def print_findings(console: Console, report: Report, findings: list[Finding], lang: str) -> None:
    words = WORDS["check"]
    print_record_header(console, report)
    if not findings:
        console.print(words["none"])
        return
    table = Table(show_lines=True)
    table.add_column(words["columns"]["severity"], no_wrap=True)
    table.add_column(words["columns"]["rule"], no_wrap=True)
    table.add_column(words["columns"]["finding"], overflow="fold")
    for f in findings:
        message = f.message_zh if lang == "zh" else f.message_en
        cells = abbreviate(f.cells)
        text = escape(message)
        if cells and cells not in message:          # a message that lists its cells says it once
            text += f"\n[dim]{escape(cells)}[/dim]"
        severity = SEVERITY[f.severity] if f.assessable else NOT_ASSESSABLE
        table.add_row(severity, f.rule, text, style=STYLES[f.severity])
    console.print(table)
    counts = {s: sum(1 for f in findings if f.severity == s and f.assessable) for s in STYLES}
    console.print(words["counts"].format(**counts, unassessable=sum(1 for f in findings if not f.assessable)))
