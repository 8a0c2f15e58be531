"""The one clock nianjian reads. Deadlines are end of day in Asia/Shanghai (spec §1).

Tests and demos pin "now" with the environment variable NIANJIAN_NOW (an ISO date or datetime),
so a test can stand the day before a deadline, then the day after, against the same code.
"""
from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

from nianjian.errors import UserError

SHANGHAI = ZoneInfo("Asia/Shanghai")


def parse_moment(text: str) -> datetime:
    """An ISO date or date-time; one without an offset is Shanghai time. ValueError if not ISO."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def now() -> datetime:
    pinned = os.environ.get("NIANJIAN_NOW")
    if pinned:
        try:
            return parse_moment(pinned)
        except ValueError:
            raise UserError.said("not_a_date", name="NIANJIAN_NOW", value=pinned) from None
    return datetime.now(SHANGHAI)


def today() -> date:
    return now().date()


def isoformat(moment: datetime | None = None) -> str:
    return (moment or now()).astimezone(SHANGHAI).isoformat(timespec="seconds")
