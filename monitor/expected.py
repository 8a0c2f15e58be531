"""Which reports should exist by now, and what became of each: the `expectations` table.

Every configured agency × every year from its `first_year` to last year. A report is on time
when it was published by the end of its deadline day. Where the page gave no publication date,
the day nianjian first saw the report stands in for it (`first_seen_used`), which can only make
a report look later than it was, never earlier.

A report nianjian read but could not place (its agency or year unsure or unnamed: the store's
`unplaced`) is evidence that something was published: an overdue report it may be is `unsure`
(待核实), never `missing`, and it never makes a report on time or late for an (agency, year)
it may not belong to.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from monitor.deadlines import deadline_date
from nianjian.clock import SHANGHAI, isoformat
from nianjian.sources import Agency

STATUSES = ("on_time", "late", "missing", "pending", "unsure")


@dataclass(frozen=True)
class Expectation:
    agency: str
    year: int
    deadline: str                   # ISO date, end of that day Asia/Shanghai
    status: str                     # on_time | late | missing | pending | unsure
    report_id: int | None = None
    published: str | None = None    # ISO date the lateness is measured from
    days_late: int | None = None
    first_seen_used: bool = False
    stated_published: str | None = None   # the page's own (later) date, when first-seen was earlier
    errors: int = 0                 # error findings of the report's current version
    url: str | None = None
    title: str | None = None
    review: tuple[dict, ...] = ()   # unsure: the unplaced reports it may be (url, title, why, unsure_of)


def _day(value: str | None) -> date | None:
    """An ISO date or datetime (with offset) as a day in Shanghai; None if absent or unreadable
    (a date the parser could not make sense of is no date)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return moment.astimezone(SHANGHAI).date() if moment.tzinfo else moment.date()


def assess(agency: Agency, year: int, report: dict | None, now: datetime, grace_days: int,
           unplaced: list[dict] = ()) -> Expectation:
    """The status of one expected report. `report` is its `reports` row (or None); `unplaced`
    the `unplaced` rows that may be it."""
    due = deadline_date(agency, year)
    if report is None:
        # pending until the deadline day plus the grace days are over
        overdue = now.astimezone(SHANGHAI).date() > due + timedelta(days=grace_days)
        if overdue and unplaced:
            review = tuple({"url": u["url"], "title": u["title"], "why": u["why"],
                            "unsure_of": "year" if u["agency"] else "agency" if u["year"] else "both"}
                           for u in unplaced)
            return Expectation(agency.name, year, due.isoformat(), "unsure", url=review[0]["url"],
                               title=review[0]["title"], review=review)
        return Expectation(agency.name, year, due.isoformat(), "missing" if overdue else "pending")
    stated = _day(report.get("published"))
    seen = _day(report["first_seen"])
    # a report was online no later than the day nianjian first saw it, whatever date a re-post
    # now shows (portals.md: re-posts carry new dates)
    first_seen_used = stated is None or seen < stated
    published = seen if first_seen_used else stated
    days_late = (published - due).days
    return Expectation(
        agency.name, year, due.isoformat(), "late" if days_late > 0 else "on_time",
        report_id=report["id"], published=published.isoformat(),
        days_late=max(days_late, 0), first_seen_used=first_seen_used,
        stated_published=stated.isoformat() if stated and first_seen_used else None, errors=report.get("errors") or 0, url=report.get("url"), title=report.get("title"))


def expected_years(agency: Agency, now: datetime) -> range:
    """From the agency's first expected year to last year (this year's report is not due yet)."""
    return range(agency.first_year, now.astimezone(SHANGHAI).year)


def may_be(unplaced: dict, year: int) -> bool:
    """Whether an unplaced report (its `years` decoded) may be the report for `year`: one of
    the years it may be for; with none named, any year before the one it was first seen in (a
    report for N is published after N ends)."""
    years = unplaced["years"]
    return year in years if years is not None else year < int(unplaced["first_seen"][:4])


def assess_all(db, agencies: list[Agency], now: datetime, grace_days: int) -> list[Expectation]:
    reports = {(row["agency"], row["year"]): row for row in db.query(
        "SELECT id, agency, year, title, url, published, first_seen, errors FROM reports")}
    unplaced: dict[str, list[dict]] = {}       # agency → the unplaced reports that may be its
    for row in db.query("SELECT url, title, agency, year, agencies, years, why, first_seen "
                        "FROM unplaced ORDER BY first_seen, url"):
        row["years"] = json.loads(row["years"]) if row["years"] else None
        for name in json.loads(row["agencies"]):
            unplaced.setdefault(name, []).append(row)
    # an agency listed by two sources (a county column and its own site) is expected once
    unique = list({agency.name: agency for agency in reversed(agencies)}.values())[::-1]
    return [assess(agency, year, reports.get((agency.name, year)), now, grace_days,
                   [u for u in unplaced.get(agency.name, ()) if may_be(u, year)])
            for agency in unique for year in expected_years(agency, now)]


TABLE_COLUMNS = ("agency", "year", "deadline", "status", "report_id", "published", "days_late",
                 "first_seen_used", "errors", "review")


def write_expectations(db, expectations: list[Expectation], now: datetime) -> None:
    """Replace the table with this cycle's view: an agency dropped from the sources file
    leaves no stale rows behind."""
    stamp = isoformat(now)
    rows = [(*(getattr(item, column) for column in TABLE_COLUMNS[:-1]),
             json.dumps(item.review, ensure_ascii=False) if item.review else None, stamp)
            for item in expectations]
    db.execute("DELETE FROM expectations")
    db.conn.executemany(
        f"INSERT INTO expectations ({', '.join(TABLE_COLUMNS)}, updated_at) "
        f"VALUES ({', '.join('?' for _ in TABLE_COLUMNS)}, ?)", rows)
