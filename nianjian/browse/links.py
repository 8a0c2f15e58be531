"""Where nianjian's own pages live under one address: Datasette's `base_url`, or the
`base_url` setting notifications link to."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode


@dataclass(frozen=True)
class SiteLinks:
    """Where nianjian's pages live under one address (Datasette's `base_url`, or the
    `base_url` a notification links to)."""
    base: str = ""
    database: str = "nianjian"

    def report(self, report_id: int, version: int | None = None) -> str:
        query = f"?{urlencode({'version': version})}" if version else ""
        return f"{self.base}/-/report/{report_id}{query}"

    def report_workbook(self, report_id: int, version: int | None = None) -> str:
        query = f"?{urlencode({'version': version})}" if version else ""
        return f"{self.base}/-/report/{report_id}.xlsx{query}"

    def changes(self, report_id: int, old: int | None = None, new: int | None = None) -> str:
        chosen = {k: v for k, v in (("from", old), ("to", new)) if v}
        return f"{self.base}/-/report/{report_id}/changes" + (f"?{urlencode(chosen)}" if chosen else "")

    def agency(self, name: str) -> str:
        return f"{self.base}/-/agency/{quote(name)}"

    def status(self, **filters) -> str:
        return f"{self.base}/-/status" + (f"?{urlencode(filters)}" if filters else "")

    def home(self) -> str:
        return f"{self.base}/{self.database}"
