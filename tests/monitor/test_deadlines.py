from datetime import datetime, timedelta, timezone

import pytest

from monitor.deadlines import deadline_for
from nianjian.clock import SHANGHAI
from nianjian.sources import Agency


def end_of(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=23, minute=59, second=59, microsecond=999999,
                                               tzinfo=SHANGHAI)


@pytest.mark.parametrize("level, year, due", [
    ("department", 2023, "2024-01-31"),       # 条例 art. 49: departments by 01-31
    ("government", 2023, "2024-03-31"),       # a 县级以上地方人民政府's own report by 03-31
    ("township", 2023, "2024-01-31"),         # no statutory date: default 01-31
    ("department", 2019, "2020-01-31"),       # first year under the 2019 revision
    ("department", 2018, "2019-03-31"),       # old 条例 art. 31: everyone by 03-31
    ("township", 2015, "2016-03-31"),
    ("government", 2018, "2019-03-31"),
])
def test_legal_deadlines(level, year, due):
    assert deadline_for(Agency("某机关", level), year) == end_of(due)


def test_deadline_is_the_end_of_the_day_in_shanghai():
    due = deadline_for(Agency("涧西区教育局", "department"), 2023)
    assert due.utcoffset() == timedelta(hours=8)
    # 2024-01-31 23:59:59.999999 in Shanghai is 15:59:59.999999 UTC
    assert due.astimezone(timezone.utc) == datetime(2024, 1, 31, 15, 59, 59, 999999, tzinfo=timezone.utc)


@pytest.mark.parametrize("override, year, due", [
    ("06-30", 2023, "2024-06-30"),
    ("06-30", 2017, "2018-06-30"),            # an override applies to every year
    ("02-29", 2023, "2024-02-29"),            # leap year
    ("02-29", 2024, "2025-02-28"),            # common year: the last day of February
])
def test_override_from_the_sources_file(override, year, due):
    assert deadline_for(Agency("某街道办事处", "township", deadline=override), year) == end_of(due)
