"""`nianjian ingest FILE… [--agency NAME] [--url URL] [--year N]`: store report files downloaded by
hand — parsed, checked and versioned exactly as the crawler stores what it fetches."""
from __future__ import annotations

import argparse
import json
import mimetypes
from collections import Counter
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from nianjian.cli import add_db_argument
from nianjian.commands import WORDS, outcome
from nianjian.errors import UserError
from nianjian.ingest import IngestResult, ingest_document
from nianjian.report_files import MAX_SIZE_MB, read_report_file
from nianjian.store import Store

STYLES = {"stored": "green", "new_version": "cyan", "unchanged": "dim"}


def register(subparsers) -> None:
    parser = subparsers.add_parser("ingest")
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--agency", metavar="NAME")
    parser.add_argument("--url", metavar="URL")
    parser.add_argument("--year", metavar="N", type=int)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--max-size", metavar="MB", type=int, default=MAX_SIZE_MB)
    add_db_argument(parser)
    parser.set_defaults(func=run)


def _ingest_file(store: Store, path: Path, args, run_id: int) -> IngestResult:
    try:
        body, _ = read_report_file(str(path), args.max_size)
    except UserError as error:
        return IngestResult("error", problems=[{"code": "UNREADABLE_FILE", "detail": str(error)}])
    return ingest_document(
        store, body=body, url=args.url or path.resolve().as_uri(),
        content_type=mimetypes.guess_type(path.name)[0], filename=path.name, source=None,
        agency_hint=args.agency, listed_title=None, published_hint=None, expected_year=args.year,
        run_id=run_id)


def _explain(result: IngestResult) -> str:
    if result.ok:
        return WORDS["ingest"]["errors"].format(count=result.errors) if result.errors else ""
    # an unreadable file: why it could not be read comes first, whatever followed
    problem = (result.problems[0] if result.status == "unreadable" else result.problems[-1]) \
        if result.problems else None
    text = f"{problem['code']}: {problem['detail']}" if problem else result.status
    hint = WORDS["ingest"]["hints"].get(result.status)      # what the user can do about it
    return f"{text} — {hint}" if hint else text


def run(args: argparse.Namespace) -> int:
    if args.url and len(args.files) > 1:
        raise UserError.said("url_one_file")
    if args.max_size <= 0:
        raise UserError.said("max_size")
    err = Console(stderr=True)
    results: list[tuple[str, IngestResult]] = []
    with Store(args.db) as store:
        run_id = store.start_run("ingest")
        completed = False
        try:
            with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                          MofNCompleteColumn(), console=err, transient=True) as progress:
                task = progress.add_task(WORDS["ingest"]["progress"].format(name=""), total=len(args.files))
                for name in args.files:
                    progress.update(task, description=WORDS["ingest"]["progress"].format(name=Path(name).name))
                    result = _ingest_file(store, Path(name), args, run_id)
                    results.append((name, result))
                    if not result.ok:
                        err.print(f"[red]{escape(name)}：{outcome(result.status)}[/red] — {escape(_explain(result))}",
                                  markup=True, highlight=False, soft_wrap=True)   # one line a file
                    progress.advance(task)
            completed = True
        finally:
            # an interrupted batch still records what went in before the interruption
            failed = sum(not r.ok for _, r in results)
            status = ("partial" if failed else "ok") if completed else "interrupted"
            store.finish_run(run_id, status, dict(Counter(r.status for _, r in results)), failed)
    _print(results, args.json)
    return 1 if failed else 0


def _print(results: list[tuple[str, IngestResult]], as_json: bool) -> None:
    if as_json:
        for name, r in results:
            print(json.dumps({"file": name, "status": r.status, "report_id": r.report_id,
                              "version_id": r.version_id, "agency": r.agency, "year": r.year,
                              "errors": r.errors, "problems": r.problems}, ensure_ascii=False))
        return
    table = Table(title=WORDS["ingest"]["title"].format(count=len(results)), title_justify="left")
    for column in WORDS["ingest"]["columns"]:
        table.add_column(column)
    for name, r in results:
        style = STYLES.get(r.status, "bold red")
        table.add_row(Path(name).name, f"[{style}]{outcome(r.status)}[/{style}]", r.agency or "", str(r.year or ""),
                      str(r.report_id or ""), _explain(r))
    Console(file=sys.stdout, soft_wrap=False).print(table)
