"""The agency × year status grid: one coloured cell per expected report, each linking to the
report or to its findings. One model, three renderings: terminal (rich), a standalone HTML file,
and the page served beside Datasette (`/-/status`).
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Callable, Protocol
from urllib.parse import urlencode

import jinja2
import yaml
from rich.table import Table
from rich.text import Text

from nianjian import clock
from nianjian.browse.links import SiteLinks

_PRESENTATION = yaml.safe_load(
    resources.files("nianjian.browse").joinpath("status.yaml").read_text("utf-8"))
STATES: dict[str, dict] = _PRESENTATION["states"]
TOOLTIP: dict[str, str] = _PRESENTATION["tooltip"]
LABELS: dict[str, str] = _PRESENTATION["labels"]
# A report with error findings shows as inconsistent whatever its timeliness (the days late stay
# in the cell's tooltip); missing and pending have no report to be inconsistent. A report whose
# only version nianjian could not read shows as published but unreadable, never inconsistent.
_HAS_REPORT = ("on_time", "late", "unassessed")


@dataclass(frozen=True)
class Cell:
    agency: str
    year: int
    status: str
    deadline: str | None = None
    published: str | None = None
    days_late: int | None = None
    first_seen_used: bool = False
    errors: int = 0
    error_rules: str | None = None
    report_id: int | None = None
    title: str | None = None
    url: str | None = None
    versions: int = 1                  # distinct contents seen: more than one = edited
    parse_status: str | None = None

    @property
    def edited(self) -> bool:
        return self.versions > 1

    @property
    def state(self) -> str:
        if self.parse_status == "unreadable" and self.status in _HAS_REPORT:
            return "unreadable"
        if self.errors and self.status in _HAS_REPORT:
            return "inconsistent"
        return self.status if self.status in STATES else "none"

    @property
    def text(self) -> str:
        text = STATES[self.state]["short"].format(days=self.days_late or 0, errors=self.errors)
        return f"{text} {LABELS['edited_mark']}" if self.edited else text

    @property
    def tooltip(self) -> str:
        parts = [f"{self.agency} {self.year}", STATES[self.status if self.status in STATES else "none"]["zh"]]
        if self.days_late:
            basis = TOOLTIP["first_seen_used"] if self.first_seen_used else ""
            parts.append(TOOLTIP["late"].format(days=self.days_late) + basis)
        if self.deadline:
            parts.append(TOOLTIP["deadline"].format(deadline=self.deadline))
        if self.published:
            parts.append(TOOLTIP["published"].format(published=self.published))
        if self.state == "unreadable":
            parts.append(TOOLTIP["unreadable"])
        if self.errors:
            parts.append(TOOLTIP["errors"].format(errors=self.errors, rules=self.error_rules or ""))
        if self.edited:
            parts.append(TOOLTIP["edited"].format(versions=self.versions))
        return " · ".join(parts)


@dataclass
class Grid:
    agencies: list[str]
    years: list[int]
    cells: dict[tuple[str, int], Cell]
    portals: dict[str, str] = field(default_factory=dict)
    findings: dict[int, list[dict]] = field(default_factory=dict)   # report_id -> error findings
    total: int = 0                     # agencies matching the filters, on all pages
    page: int = 1
    per_page: int | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page)) if self.per_page else 1

    def cell(self, agency: str, year: int) -> Cell:
        return self.cells.get((agency, year)) or Cell(agency, year, "none")

    def counts(self) -> dict[str, int]:
        out = {state: 0 for state in STATES}
        for cell in self.cells.values():
            out[cell.state] += 1
        return out


def query_rows(conn: sqlite3.Connection, sql: str, params) -> list[sqlite3.Row]:
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row    # on the cursor: the connection may be Datasette's
    return cursor.execute(sql, params).fetchall()


def load_grid(conn: sqlite3.Connection, *, region: str | None = None, level: str | None = None,
              first_year: int | None = None, name: str | None = None, page: int = 1,
              per_page: int | None = None, with_findings: bool = False) -> Grid:
    """One page of agencies (all of them without `per_page`), each with its row of years.

    Agencies come from the `agencies` table (the store adds every agency it stores a report for),
    so a watched agency with nothing recorded still has its row; statuses from the
    `agency_year_status` view."""
    filters = {"region = ?": region, "level = ?": level, "instr(name, ?) > 0": name}
    chosen = {clause: value for clause, value in filters.items() if value}
    where = " AND ".join(chosen) or "1 = 1"
    total = query_rows(conn, f"SELECT COUNT(*) AS n FROM agencies WHERE {where}", list(chosen.values()))[0]["n"]
    paging = f"LIMIT {int(per_page)} OFFSET {(max(page, 1) - 1) * int(per_page)}" if per_page else ""
    agencies = query_rows(conn, f"SELECT name, portal_urls FROM agencies WHERE {where} "
                           f"ORDER BY COALESCE(region, ''), name {paging}", list(chosen.values()))
    names = [a["name"] for a in agencies]
    portals = {}
    for agency in agencies:
        urls = json.loads(agency["portal_urls"] or "[]")
        if urls:
            portals[agency["name"]] = urls[0]
    cells: dict[tuple[str, int], Cell] = {}
    for chunk in _chunks(names):
        for row in query_rows(conn, f"SELECT * FROM agency_year_status WHERE agency IN "
                               f"({', '.join('?' * len(chunk))}) AND year >= ?",
                         [*chunk, first_year or 0]):
            cells[(row["agency"], row["year"])] = Cell(
                agency=row["agency"], year=row["year"], status=row["status"],
                deadline=row["deadline"], published=row["published"], days_late=row["days_late"],
                first_seen_used=bool(row["first_seen_used"]), errors=row["errors"] or 0,
                error_rules=row["error_rules"], report_id=row["report_id"], title=row["title"],
                url=row["url"], parse_status=row["parse_status"])
    _mark_edited(conn, cells)
    years = _year_range(conn, first_year)
    findings: dict[int, list[dict]] = {}
    if with_findings:
        ids = sorted({c.report_id for c in cells.values() if c.state == "inconsistent"})
        for chunk in _chunks(ids):
            for f in query_rows(conn, "SELECT report_id, rule, message_zh, message_en "
                                 "FROM current_findings WHERE severity = 'error' AND report_id IN "
                                 f"({', '.join('?' * len(chunk))}) ORDER BY id", chunk):
                findings.setdefault(f["report_id"], []).append(dict(f))
    return Grid(names, years, cells, portals, findings, total=total, page=max(page, 1),
                per_page=per_page)


def _mark_edited(conn: sqlite3.Connection, cells: dict[tuple[str, int], Cell]) -> None:
    """Reports with more than one version carry their count (the grid marks them ✎)."""
    by_report = {c.report_id: place for place, c in cells.items() if c.report_id is not None}
    for chunk in _chunks(list(by_report)):
        for row in query_rows(conn, "SELECT id, versions FROM reports WHERE versions > 1 AND id IN "
                                    f"({', '.join('?' * len(chunk))})", chunk):
            place = by_report[row["id"]]
            cells[place] = replace(cells[place], versions=row["versions"])


def _chunks(items: list, size: int = 500):
    """SQLite limits the number of parameters of one statement."""
    return (items[i:i + size] for i in range(0, len(items), size))


def _year_range(conn: sqlite3.Connection, first_year: int | None) -> list[int]:
    """Every year from the first to the last one recorded: the same columns on every page."""
    bounds = [b for table in ("reports", "expectations")
              for b in query_rows(conn, f"SELECT MIN(year) AS lo, MAX(year) AS hi FROM {table}", [])
              if b["lo"] is not None]
    if not bounds:
        return []
    low = max(min(b["lo"] for b in bounds), first_year or 0)
    return list(range(low, max(b["hi"] for b in bounds) + 1))


# ---------------------------------------------------------------- links
class Links(Protocol):
    def agency(self, name: str) -> str | None: ...
    def report(self, cell: Cell) -> str | None: ...
    def findings(self, cell: Cell) -> str | None: ...
    def expectation(self, cell: Cell) -> str | None: ...


@dataclass(frozen=True)
class DatasetteLinks:
    """Cells link into the Datasette instance serving the database: a report to its page
    (`/-/report/<id>`), an inconsistent one to the findings on that page."""
    database: str
    base: str = ""

    def agency(self, name: str) -> str:
        return SiteLinks(self.base, self.database).agency(name)

    def report(self, cell: Cell) -> str:
        return SiteLinks(self.base, self.database).report(cell.report_id)

    def findings(self, cell: Cell) -> str:
        return SiteLinks(self.base, self.database).report(cell.report_id) + "#findings"

    def expectation(self, cell: Cell) -> str:
        return f"{self.base}/{self.database}/agency_year_status?" + urlencode(
            {"agency": cell.agency, "year": cell.year})


@dataclass(frozen=True)
class FileLinks:
    """A standalone file: reports link to the portal page, findings to their list in the file,
    a missing report to the agency's report column."""
    portals: dict[str, str]

    def agency(self, name: str) -> str | None:
        return self.portals.get(name)

    def report(self, cell: Cell) -> str | None:
        return cell.url

    def findings(self, cell: Cell) -> str:
        return f"#findings-{cell.report_id}"

    def expectation(self, cell: Cell) -> str | None:
        return self.portals.get(cell.agency)


def href(cell: Cell, links: Links) -> str | None:
    if cell.state == "inconsistent":
        return links.findings(cell)
    if cell.report_id is not None:
        return links.report(cell)
    if cell.state == "none":
        return None
    return links.expectation(cell)


# ---------------------------------------------------------------- renderings
_PAGE = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string(
    resources.files("nianjian.browse").joinpath("status_grid.html").read_text("utf-8"))


def render_html(grid: Grid, links: Links, *, title: str = LABELS["page_title"],
                home: str | None = None, filters: dict | None = None,
                page_link: Callable[[int], str] | None = None, hits: list[dict] | None = None,
                too_short: list[str] = (), xlsx_link: str | None = None) -> str:
    """The page. `filters` (the current values) adds a filter form, `page_link` (page number
    → URL) a pager and `hits` the reports a full-text search found (none if a term of it was
    `too_short`): all only make sense when a server answers them."""
    return _PAGE.render(
        grid=grid, links=links, href=href, states=STATES, title=title, home=home,
        counts=grid.counts(), generated=clock.isoformat(), filters=filters, page_link=page_link,
        labels=LABELS, hits=hits, too_short=too_short, xlsx_link=xlsx_link)


def render_terminal(grid: Grid) -> Table:
    table = Table(title=LABELS["title"], title_justify="left")
    table.add_column(LABELS["agency"], no_wrap=True)
    for year in grid.years:
        table.add_column(str(year), justify="center", no_wrap=True)
    for agency in grid.agencies:
        cells = []
        for year in grid.years:
            cell = grid.cell(agency, year)
            cells.append(Text(f" {cell.text} ", style=STATES[cell.state]["rich"]))
        table.add_row(agency, *cells)
    return table


def legend_terminal(grid: Grid) -> Text:
    counts = grid.counts()
    legend = Text()
    for state, show in STATES.items():
        if state == "none":
            continue
        legend.append(f" {show['zh']} ", style=show["rich"])
        legend.append(f" {show['en']}: {counts[state]}   ")
    return legend
