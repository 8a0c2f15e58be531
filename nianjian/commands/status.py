"""`nianjian status [--html FILE]`: the agency × year status grid, in the terminal or as a
standalone HTML page whose cells link to each report (or its findings)."""
from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

from rich.console import Console

from nianjian.browse.grid import LABELS, DatasetteLinks, FileLinks, legend_terminal, load_grid, render_html, render_terminal
from nianjian.cli import add_db_argument
from nianjian.commands import WORDS
from nianjian.errors import UserError
from nianjian.sources import LEVELS


def register(subparsers) -> None:
    parser = subparsers.add_parser("status")
    parser.add_argument("--html", metavar="FILE")
    parser.add_argument("--xlsx", metavar="FILE")
    parser.add_argument("--datasette", metavar="URL")
    parser.add_argument("--agency", metavar="TEXT")
    parser.add_argument("--region")
    parser.add_argument("--level", choices=LEVELS)
    parser.add_argument("--from", dest="first_year", metavar="YEAR", type=int)
    add_db_argument(parser)
    parser.set_defaults(func=run)


def _open_read_only(path: str) -> sqlite3.Connection:
    """The status grid never writes, and must not create an empty database by mistake."""
    if not Path(path).is_file():
        raise UserError.said("no_database", db=path)
    # Opening through Store once brings an older database's schema (and its views) up to date.
    from nianjian.store import Store
    Store(path).close()
    return sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)


def _write(target: Path, data: bytes, grid) -> None:
    try:
        target.write_bytes(data)
    except OSError as error:
        raise UserError.said("cannot_write", path=target, error=error.strerror or error) from None
    Console(stderr=True).print(WORDS["status"]["wrote"].format(
        file=target, agencies=len(grid.agencies), years=len(grid.years)), highlight=False, markup=False)


def run(args: argparse.Namespace) -> int:
    conn = _open_read_only(args.db)
    try:
        grid = load_grid(conn, region=args.region, level=args.level, first_year=args.first_year,
                         name=args.agency, with_findings=bool(args.html or args.xlsx))
    finally:
        conn.close()
    if args.datasette and not (args.html or args.xlsx):
        raise UserError.said("datasette_needs_html")
    if args.xlsx:
        from nianjian.browse.links import SiteLinks
        from nianjian.browse.xlsx import grid_workbook

        site = SiteLinks(args.datasette.rstrip("/"), Path(args.db).stem) if args.datasette else None
        _write(Path(args.xlsx), grid_workbook(grid, site.report if site else None), grid)
        if not args.html:
            return 0
    if args.html:
        target = Path(args.html)
        if args.datasette:
            base = args.datasette.rstrip("/")
            links, home = DatasetteLinks(Path(args.db).stem, base), f"{base}/{Path(args.db).stem}"
        else:
            links, home = FileLinks(grid.portals), None
        _write(target, render_html(grid, links, home=home).encode("utf-8"), grid)
        return 0
    console = Console()
    if not grid.agencies:
        console.print(LABELS["empty"])
        return 0
    console.print(render_terminal(grid))
    console.print(legend_terminal(grid))
    return 0
