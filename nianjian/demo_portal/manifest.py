"""What the demo portal holds, as the crawler's, the monitor's and the demo's tests need it:
per agency and year the report URL, publication date, deadline and what is wrong with it; the
list pages of each column; the misbehaving URLs; and the sources file for the running portal."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime

import yaml

from nianjian.demo_portal.content import portal_data
from nianjian.demo_portal.site import Item, build_site

STATUSES = ("on_time", "late", "missing")


@dataclass(frozen=True)
class ReportEntry:
    agency: str
    level: str
    year: int
    title: str
    source_id: str
    url: str                          # the detail page
    attachment_url: str | None        # the PDF/DOCX holding the report, if any
    published: date                   # the visible publication date
    deadline: date
    days_late: int                    # 0 when on time
    style: str                        # official | word | split | text | pdf | docx
    edition: str                      # template edition "2019" | "2021"
    encoding: str                     # of the detail page's bytes
    cells: dict                       # every printed cell, as the parser must read it (this round)
    expect_errors: tuple[str, ...]    # error rules the checks must raise
    expect_warnings: tuple[str, ...]  # warnings the checks must raise (COPIED_TEXT: 内容雷同)
    edited: bool                      # silently edited after publication (round 2 serves the edit)
    fails: str | None                 # "server_error" | "slow": the detail URL misbehaves

    @property
    def late(self) -> bool:
        return self.days_late > 0

    @property
    def inconsistent(self) -> bool:
        return bool(self.expect_errors)


@dataclass(frozen=True)
class Expectation:
    """One expected (agency, year): the report due, and what the monitor must conclude."""

    agency: str
    level: str
    year: int
    deadline: date
    status: str                       # on_time | late | missing
    report: ReportEntry | None

    @property
    def inconsistent(self) -> bool:
        return self.report is not None and self.report.inconsistent


@dataclass
class Manifest:
    base_url: str
    round: int
    now: datetime
    agencies: list[dict]
    reports: list[ReportEntry]
    expectations: list[Expectation]
    columns: dict[str, dict]          # source id -> url, list_pages, cms, find_column, agencies
    failing: dict[str, str]           # bot_wall | server_error | slow -> URL
    ignored: list[dict]               # news and 政府网站工作年度报表: title, url, kind
    dataproxy: dict = field(default_factory=dict)

    def report(self, agency: str, year: int) -> ReportEntry | None:
        return next((r for r in self.reports if r.agency == agency and r.year == year), None)

    def expectation(self, agency: str, year: int) -> Expectation | None:
        return next((e for e in self.expectations if e.agency == agency and e.year == year), None)

    @property
    def stored_reports(self) -> list[ReportEntry]:
        """The reports a correct crawl stores (the misbehaving URLs excluded)."""
        return [r for r in self.reports if not r.fails]

    def to_dict(self) -> dict:
        return {
            "base_url": self.base_url, "round": self.round, "now": self.now.isoformat(),
            "agencies": self.agencies,
            "reports": [_plain(asdict(r)) for r in self.reports],
            "expectations": [{**_plain(asdict(e)), "report": e.report.url if e.report else None}
                             for e in self.expectations],
            "columns": self.columns, "failing": self.failing, "ignored": self.ignored,
            "dataproxy": self.dataproxy,
        }


def _plain(data: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, date) else list(v) if isinstance(v, tuple) else v)
            for k, v in data.items()}


def deadline_for(level: str, year: int) -> date:
    month, day = portal_data()["deadlines"][level].split("-")
    return date(year + 1, int(month), int(day))


def demo_now() -> datetime:
    return datetime.fromisoformat(portal_data()["now"])


def _agency(name: str) -> dict:
    return portal_data()["agencies"][name]


def _report_entry(source: dict, item: Item, base_url: str) -> ReportEntry:
    report = item.report
    level = _agency(report.agency)["level"]
    deadline = deadline_for(level, report.year)
    return ReportEntry(
        agency=report.agency, level=level, year=report.year, title=report.title,
        source_id=source["id"], url=base_url + item.path,
        attachment_url=base_url + item.attachment if item.attachment else None,
        published=report.published, deadline=deadline,
        days_late=max(0, (report.published - deadline).days), style=report.style,
        edition=report.edition, encoding=source.get("encoding", "utf-8"), cells=dict(report.cells),
        expect_errors=report.expect_errors, expect_warnings=report.expect_warnings, edited=report.revised,
        fails=report.fails,
    )


def manifest(base_url: str = "", round: int = 1) -> Manifest:
    """The portal's contents, with URLs under `base_url` (e.g. DemoPortal.base_url)."""
    base_url = base_url.rstrip("/")
    site = build_site(round)
    now = demo_now()
    sources = portal_data()["sources"]
    reports, ignored, columns = [], [], {}
    for source in sources:
        column = site.columns[source["id"]]
        columns[source["id"]] = {
            "url": base_url + column.url, "list_pages": [base_url + p for p in column.list_pages],
            "cms": source["cms"], "find_column": bool(source.get("find_column")),
            "agencies": list(source["agencies"]),
        }
        for item in column.items:
            if item.report:
                reports.append(_report_entry(source, item, base_url))
            else:
                ignored.append({"title": item.title, "url": base_url + item.path, "kind": item.kind,
                                "published": item.published.isoformat(), "source_id": source["id"]})
    agencies, expectations = [], []
    for source in sources:
        for name in source["agencies"]:
            info = _agency(name)
            agencies.append({"name": name, "source_id": source["id"], **{
                k: info[k] for k in ("level", "region", "parent", "first_year", "aliases") if k in info}})
            for year in range(info["first_year"], now.year):
                deadline = deadline_for(info["level"], year)
                if deadline >= now.date():
                    continue                    # not yet due
                entry = next((r for r in reports if r.agency == name and r.year == year and not r.fails), None)
                status = "missing" if entry is None else "late" if entry.late else "on_time"
                expectations.append(Expectation(name, info["level"], year, deadline, status, entry))
    proxy_path, params = next(iter(site.dataproxy_params.items()))
    return Manifest(
        base_url=base_url, round=round, now=now, agencies=agencies, reports=reports,
        expectations=expectations, columns=columns,
        failing={kind: base_url + path for kind, path in site.failing.items()},
        ignored=ignored,
        dataproxy={"url": base_url + proxy_path, **params, "total": len(site.dataproxy[proxy_path])},
    )


def sources_for(base_url: str) -> str:
    """The sources file (nianjian/sources.py format) for the portal running at `base_url`."""
    base_url = base_url.rstrip("/")
    site = build_site(1)
    entries = []
    for source in portal_data()["sources"]:
        agencies = []
        for name in source["agencies"]:
            info = _agency(name)
            agency = {"name": name, "level": info["level"], "region": info["region"]}
            if info.get("parent"):
                agency["parent"] = info["parent"]
            agency["first_year"] = info["first_year"]
            if info.get("aliases"):
                agency["aliases"] = list(info["aliases"])
            agencies.append(agency)
        entries.append({
            "id": source["id"], "url": base_url + site.columns[source["id"]].url,
            "find_column": bool(source.get("find_column")), "cms": source["cms"], "agencies": agencies,
        })
    header = "# The bundled demo portal (nianjian demo-portal): fictional agencies, served locally.\n"
    return header + yaml.safe_dump({"sources": entries}, allow_unicode=True, sort_keys=False, width=120)
