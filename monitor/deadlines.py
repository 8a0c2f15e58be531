"""When an agency's report for year N is due (docs/spec/README.md §1).

条例 (2019) art. 49: departments by N+1-01-31, a 县级以上地方人民政府's own report by N+1-03-31;
townships have no statutory date (local rules, commonly 01-31). Before the 2019 revision
(reports for years before 2019) every organ had until N+1-03-31. A per-agency `deadline: "MM-DD"`
in the sources file overrides all of this. Deadlines are the end of that day, Asia/Shanghai.
"""
from __future__ import annotations

import calendar
from datetime import date, datetime, time

from nianjian.clock import SHANGHAI
from nianjian.sources import Agency

LEGAL_DEADLINE = {"department": (1, 31), "government": (3, 31), "township": (1, 31)}
OLD_REGULATION_DEADLINE = (3, 31)
REVISION_FIRST_YEAR = 2019


def deadline_date(agency: Agency, year: int) -> date:
    if agency.deadline:
        month, day = (int(part) for part in agency.deadline.split("-"))
    elif year < REVISION_FIRST_YEAR:
        month, day = OLD_REGULATION_DEADLINE
    else:
        month, day = LEGAL_DEADLINE[agency.level]
    # an override of "02-29" means the last day of February in a common year
    return date(year + 1, month, min(day, calendar.monthrange(year + 1, month)[1]))


def deadline_for(agency: Agency, year: int) -> datetime:
    """The last moment (end of day, Asia/Shanghai) by which `agency` must publish its report for `year`."""
    return datetime.combine(deadline_date(agency, year), time.max, tzinfo=SHANGHAI)
