"""The cycle's checks step: reports checked before the same agency's previous-year report was
stored are checked again, so the cross-year rules (CARRY_OVER, IN_FORCE, COPIED_TEXT against
last year) stop reading "not assessable" once that report turns up.

Ingest checks each report as it arrives; only a report that arrives *out of order* (last year's
found after this year's — a portal's column shows only recent items, an attachment was fixed)
leaves stale findings behind. The step is bounded: only previous-year reports first seen since
the last finished monitor cycle trigger it.
"""
from __future__ import annotations

import logging
from datetime import datetime

from nianjian.checks import check
from nianjian.store import Store

log = logging.getLogger("nianjian.monitor")


def last_cycle_moment(store: Store, current_run_id: int) -> str | None:
    """The assessment moment ("now") of the last monitor cycle that finished before this one."""
    row = store.db.execute(
        "SELECT json_extract(counts, '$.now') FROM runs WHERE kind = 'monitor' AND id < ? "
        "AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1", [current_run_id]).fetchone()
    return row[0] if row else None


def recheck_out_of_order(store: Store, since: str | None) -> int:
    """Check again each report whose previous-year report's current version was first seen after
    its own and (when `since` is given) after `since`. Returns the number of reports re-checked."""
    rows = list(store.db.query(
        """SELECT r.agency, r.year, v.content_hash, v.url, v.last_seen
           FROM reports r
           JOIN report_versions v ON v.id = r.current_version
           JOIN reports p ON p.agency = r.agency AND p.year = r.year - 1
           JOIN report_versions pv ON pv.id = p.current_version
           WHERE pv.first_seen > v.first_seen AND (:since IS NULL OR pv.first_seen > :since)
           ORDER BY r.agency, r.year""", {"since": since}))
    for row in rows:
        agency, year = row["agency"], row["year"]
        report = store.report(agency, year)
        try:
            findings = check(report, previous=store.previous_report(agency, year),
                             peers=store.likely_copies(agency, year, report.narrative))
        except Exception as error:   # a crashing rule leaves the stored findings as they were
            log.warning("re-check of %s %d failed: %s: %s", agency, year, type(error).__name__, error)
            continue
        # the same content again: only the findings change (Store.save_report keeps the version)
        store.save_report(agency=agency, year=year, url=row["url"], report=report, findings=findings,
                          content_hash=row["content_hash"], seen_at=datetime.fromisoformat(row["last_seen"]))
    if rows:
        log.info("checks: re-checked %d report(s) whose previous year arrived later", len(rows))
    return len(rows)
