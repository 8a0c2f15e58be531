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
    parser = subparsers.add_parser(
        "status", help="show the agency × year status grid (terminal, or --html FILE)",
        description="Show, for every agency and report year, whether the report was published on "
                    "time, late, is missing, is still pending, or is inconsistent (error findings). "
                    "Statuses come from the monitor's `expectations`; reports not yet assessed show "
                    "as stored.")
    parser.add_argument("--html", metavar="FILE",
                        help="write a standalone HTML page (coloured cells linking to each report "
                             "and to the findings) instead of printing the grid")
    parser.add_argument("--xlsx", metavar="FILE",
                        help="write an Excel workbook: the grid (coloured as on the page) and the "
                             "error findings")
    parser.add_argument("--datasette", metavar="URL",
                        help="with --html or --xlsx: link cells to the report pages of the "
                             "`nianjian serve` at URL (e.g. http://127.0.0.1:8001) instead of to the portals")
    parser.add_argument("--agency", metavar="TEXT", help="only agencies whose name contains TEXT")
    parser.add_argument("--region", help="only agencies of this region (exact, as in the sources file)")
    parser.add_argument("--level", choices=LEVELS, help="only agencies of this level")
    parser.add_argument("--from", dest="first_year", metavar="YEAR", type=int,
                        help="only report years from YEAR on")
    add_db_argument(parser)
    parser.set_defaults(func=run)


def _open_read_only(path: str) -> sqlite3.Connection:
    """The status grid never writes, and must not create an empty database by mistake."""
    if not Path(path).is_file():
        raise UserError(WORDS["errors"]["no_database"].format(db=path))
    # Opening through Store once brings an older database's schema (and its views) up to date.
    from nianjian.store import Store
    Store(path).close()
    return sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)


def _write(target: Path, data: bytes, grid) -> None:
    try:
        target.write_bytes(data)
    except OSError as error:
        raise UserError(WORDS["errors"]["cannot_write"].format(path=target, error=error.strerror or error)) from None
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
        raise UserError(WORDS["errors"]["datasette_needs_html"])
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
