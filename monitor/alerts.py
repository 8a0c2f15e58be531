"""Alert state: what should be open now, and the difference to what is open in the database.

Each cycle computes the conditions that hold (a missing report, a late one, error findings, a
silent edit, a failing source), then reconciles them with the `alerts` table: a new condition
opens an alert, a condition that no longer holds resolves it, one that still holds is left
alone. Opening and resolving each queue one notification per channel (`notifications`, unique
per alert, event and channel), so a nightly run never announces the same thing twice.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from monitor.expected import Expectation
from nianjian.clock import isoformat
from nianjian.sources import Source
from nianjian.store.identity import plain_text, sentences
from nianjian.store.store import version_readability
from parsers.record import ROWS_UNREAD_CODES

MAX_CHANGED_CELLS = 20


@dataclass(frozen=True)
class Condition:
    """An alert that should be open now."""
    key: str
    kind: str
    agency: str | None
    year: int | None
    details: dict


@dataclass
class Changes:
    opened: list[dict] = field(default_factory=list)
    resolved: list[dict] = field(default_factory=list)


def _key(*parts) -> str:
    return "|".join(str(part) for part in parts)


def expectation_conditions(expectations: list[Expectation], grace_days: int) -> list[Condition]:
    conditions = []
    for item in expectations:
        base = {"deadline": item.deadline}
        if item.status == "missing":
            conditions.append(Condition(_key("missing", item.agency, item.year), "missing",
                                        item.agency, item.year, {**base, "grace_days": grace_days}))
        elif item.status == "unsure":
            # not an accusation: a document that may be the report asks for review (待核实)
            conditions.append(Condition(
                _key("unsure", item.agency, item.year), "unsure", item.agency, item.year,
                {**base, "documents": list(item.review), "unsure_of": item.review[0]["unsure_of"],
                 "url": item.url, "title": item.title}))
        elif item.status == "late":
            conditions.append(Condition(
                _key("late", item.agency, item.year), "late", item.agency, item.year,
                {**base, "days_late": item.days_late, "published": item.published,
                 "first_seen_used": item.first_seen_used, "stated_published": item.stated_published,
                 "report_id": item.report_id,
                 "url": item.url, "title": item.title}))
    return conditions


def inconsistent_conditions(db) -> list[Condition]:
    """Reports whose current version has error findings."""
    conditions = []
    for report in db.query(
            """SELECT r.id, r.agency, r.year, r.url, r.title, r.errors, r.current_version, v.version
               FROM reports r LEFT JOIN report_versions v ON v.id = r.current_version
               WHERE r.errors > 0"""):
        findings = list(db.query(
            "SELECT rule, cells, message_zh, message_en FROM findings "
            "WHERE version_id = ? AND severity = 'error' ORDER BY id", [report["current_version"]]))
        conditions.append(Condition(
            _key("inconsistent", report["agency"], report["year"]), "inconsistent",
            report["agency"], report["year"],
            {"report_id": report["id"], "version": report["version"],
             "errors": len(findings) or report["errors"], "rules": sorted({f["rule"] for f in findings}),
             "findings": [{"rule": f["rule"], "cells": json.loads(f["cells"] or "[]"),
                           "message_zh": f["message_zh"], "message_en": f["message_en"]}
                          for f in findings],
             "url": report["url"], "title": report["title"]}))
    return conditions


def _unread_rows(problems: str | None) -> tuple[str, ...]:
    """The tables or rows (`t3.granted`, `t4`) a version's problems say were not read."""
    return tuple(p["detail"].split(":")[0].strip() + "." for p in json.loads(problems or "[]")
                 if p["code"] in ROWS_UNREAD_CODES)


def _changed_cells(db, old_version_id: int, new_version_id: int) -> list[dict]:
    """Cells whose value differs, old → new; a cell absent from a version that says its row
    was not read is unread there, not edited (a version read worse is no edit)."""
    def cells(version_id):
        return {r["key"]: r["value"] for r in db.query(
            "SELECT key, value FROM cells WHERE version_id = ?", [version_id])}, _unread_rows(
            db.execute("SELECT problems FROM report_versions WHERE id = ?", [version_id]).fetchone()[0])
    (old, old_unread), (new, new_unread) = cells(old_version_id), cells(new_version_id)
    missing = object()
    return [{"cell": key, "from": old.get(key), "to": new.get(key)} for key in sorted(old.keys() | new.keys())
            if old.get(key, missing) != new.get(key, missing)
            and not (key not in new and key.startswith(new_unread))
            and not (key not in old and key.startswith(old_unread))]


def changed_conditions(db) -> list[Condition]:
    """One alert per silent edit: the newest version of each report captured more than once.
    A later edit resolves the earlier alert (superseded) and opens its own. Only versions read
    in full count: reading what nianjian failed to read before (a scan, skipped pages) is no edit.
    Two versions saying the same (the same content identity: versions a database made before
    versions were told apart by content holds for mere page changes) are no edit either. The
    alert names what changed: the cells old → new, the title, whether the narrative did."""
    conditions = []
    for report in db.query("SELECT id, agency, year, url, title FROM reports WHERE versions > 1"):
        versions = [v for v in db.query(
            "SELECT id, version, first_seen, cell_count, problems, content_key, title, narrative "
            "FROM report_versions WHERE report_id = ? ORDER BY version DESC", [report["id"]])
            if version_readability(v["cell_count"], v["problems"]) == "read"][:2]
        if len(versions) < 2 or (versions[0]["content_key"] or "") == versions[1]["content_key"]:
            continue
        new, old = versions
        cells = _changed_cells(db, old["id"], new["id"])
        titles = {}
        if plain_text(old["title"]) != plain_text(new["title"]):
            titles = {"title_from": old["title"], "title_to": new["title"]}
        narrative_changed = sentences(old["narrative"]) != sentences(new["narrative"])
        if not (cells or titles or narrative_changed):
            continue            # what differs is only what one of them did not read
        conditions.append(Condition(
            _key("changed", report["agency"], report["year"], f"v{new['version']}"), "changed",
            report["agency"], report["year"],
            {"report_id": report["id"], "from_version": old["version"], "to_version": new["version"],
             "changed_at": new["first_seen"], "changed_cells": len(cells),
             "cells": cells[:MAX_CHANGED_CELLS], **titles,
             "narrative_changed": narrative_changed, "url": report["url"], "title": report["title"]}))
    return conditions


def _issuer(title: str | None) -> str | None:
    from parsers.metadata import title_match
    return (title_match(title or "") or (None, None, None))[1]


def _other_issuer(old_title: str | None, new_title: str | None) -> bool:
    """The two titles name two organs (one name holding the other is one organ)."""
    old, new = _issuer(old_title), _issuer(new_title)
    return bool(old and new and old not in new and new not in old)


def moved_conditions(db) -> list[Condition]:
    """A report whose address now holds a document filed under another agency or year: either
    the same cells and sentences (its title was corrected, the year 2019 → 2020) or another
    organ's report. The report filed before changed after publication though no version of it
    did. A page reused each year for the same organ's newest report raises nothing."""
    conditions = []
    for pair in db.query(
            """SELECT o.id, o.agency, o.year, o.url, o.title, o.current_version AS old_version,
                      n.id AS to_id, n.agency AS to_agency, n.year AS to_year, n.title AS to_title,
                      n.current_version AS new_version, n.first_seen AS to_seen
               FROM reports o JOIN reports n ON n.url = o.url AND n.id != o.id AND n.first_seen > o.last_seen
               WHERE o.parse_status != 'unreadable' AND n.parse_status != 'unreadable'"""):
        versions = {v["id"]: v for v in db.query(
            "SELECT id, narrative FROM report_versions WHERE id IN (?, ?)", [pair["old_version"], pair["new_version"]])}
        old, new = versions[pair["old_version"]], versions[pair["new_version"]]
        cells = _changed_cells(db, old["id"], new["id"])
        narrative_changed = sentences(old["narrative"]) != sentences(new["narrative"])
        if (cells or narrative_changed) and not _other_issuer(pair["title"], pair["to_title"]):
            continue
        conditions.append(Condition(
            _key("changed", pair["agency"], pair["year"], f"{pair['to_agency']}{pair['to_year']}"), "changed",
            pair["agency"], pair["year"],
            {"report_id": pair["id"], "moved_to": {"agency": pair["to_agency"], "year": pair["to_year"],
                                                   "report_id": pair["to_id"]},
             "changed_at": pair["to_seen"], "changed_cells": len(cells), "cells": cells[:MAX_CHANGED_CELLS],
             "narrative_changed": narrative_changed,
             "title_from": pair["title"], "title_to": pair["to_title"], "url": pair["url"],
             "title": pair["title"]}))
    return conditions


def source_failing_conditions(db, sources: list[Source], threshold: int) -> list[Condition]:
    conditions = []
    for source in sources:
        failures = []
        for row in db.query("SELECT status, message, recorded_at FROM source_runs "
                            "WHERE source_id = ? ORDER BY id DESC", [source.id]):
            if row["status"] == "ok":
                break
            failures.append(row)
            if len(failures) >= 100:       # enough to say "failing for long"
                break
        if len(failures) >= threshold:
            conditions.append(Condition(
                _key("source_failing", source.id), "source_failing", None, None,
                {"source": source.id, "url": source.url, "failures": len(failures),
                 "since": failures[-1]["recorded_at"], "status": failures[0]["status"],
                 "message": failures[0]["message"] or failures[0]["status"],
                 "agencies": [a.name for a in source.agencies]}))
    return conditions


def _resolution(row: dict, wanted: dict[str, Condition], expectations: dict, source_ids: set) -> dict:
    """Why an open alert no longer holds, for the resolve notification."""
    kind = row["kind"]
    if kind == "source_failing":
        return {"resolution": "recovered"} if json.loads(row["details"])["source"] in source_ids \
            else {"resolution": "not_watched"}
    if kind == "changed":
        newer = [c for c in wanted.values() if c.kind == "changed" and "to_version" in c.details
                 and (c.agency, c.year) == (row["agency"], row["year"])]
        return {"resolution": "superseded", "version": newer[0].details["to_version"]} if newer \
            else {"resolution": "cleared"}
    expectation = expectations.get((row["agency"], row["year"]))
    if kind in ("missing", "unsure"):
        if expectation is None:
            return {"resolution": "not_watched"}
        if expectation.status == "unsure":      # missing no more: a document may be it
            return {"resolution": "review", "url": expectation.url, "title": expectation.title}
        if expectation.report_id is None:
            return {"resolution": "cleared"}
        return {"resolution": "found", "published": expectation.published, "url": expectation.url,
                "report_id": expectation.report_id}
    if kind == "late" and expectation is None:
        return {"resolution": "not_watched"}
    return {"resolution": "cleared"}


@contextmanager
def transaction(db):
    """BEGIN IMMEDIATE … COMMIT (joining one already open): the write lock is taken up front,
    so a crawl writing at the same time makes this wait, not fail."""
    if db.conn.in_transaction:
        yield
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _queue(db, alert_id: int, event: str, channels: list[str], stamp: str) -> None:
    for channel in channels:
        db.execute("INSERT OR IGNORE INTO notifications (alert_id, event, channel, created_at, attempts) "
                   "VALUES (?, ?, ?, ?, 0)", [alert_id, event, channel, stamp])


def reconcile(db, conditions: list[Condition], *, kinds: tuple[str, ...], channels: list[str],
              expectations: list[Expectation], sources: list[Source], now: datetime) -> Changes:
    """Open, keep or resolve alerts of the enabled kinds so they match `conditions`, in one
    transaction, queueing the notifications of every opening and resolving."""
    stamp = isoformat(now)
    wanted = {c.key: c for c in conditions if c.kind in kinds}
    by_agency_year = {(e.agency, e.year): e for e in expectations}
    source_ids = {s.id for s in sources}
    changes = Changes()
    with transaction(db):
        open_alerts = {row["key"]: row for row in db.query(
            "SELECT * FROM alerts WHERE state = 'open' AND kind IN (SELECT value FROM json_each(?))",
            [json.dumps(list(kinds))])}
        for key, condition in wanted.items():
            details = json.dumps(condition.details, ensure_ascii=False, sort_keys=True)
            current = open_alerts.get(key)
            if current:
                if current["details"] != details:
                    db.execute("UPDATE alerts SET details = ?, updated_at = ? WHERE id = ?",
                               [details, stamp, current["id"]])
                continue
            # a condition that comes back after it resolved is a new alert; the old one keeps
            # its history under an archived key
            db.execute("UPDATE alerts SET key = key || '#' || id WHERE key = ?", [key])
            alert_id = db.execute(
                "INSERT INTO alerts (key, kind, agency, year, state, opened_at, details, updated_at) "
                "VALUES (?, ?, ?, ?, 'open', ?, ?, ?)",
                [key, condition.kind, condition.agency, condition.year, stamp, details, stamp]).lastrowid
            _queue(db, alert_id, "open", channels, stamp)
            changes.opened.append({"id": alert_id, "key": key, "kind": condition.kind,
                                   "agency": condition.agency, "year": condition.year})
        for key, row in open_alerts.items():
            if key in wanted:
                continue
            details = {**json.loads(row["details"] or "{}"),
                       **_resolution(row, wanted, by_agency_year, source_ids)}
            db.execute("UPDATE alerts SET state = 'resolved', resolved_at = ?, details = ?, "
                       "updated_at = ? WHERE id = ?",
                       [stamp, json.dumps(details, ensure_ascii=False, sort_keys=True), stamp, row["id"]])
            _queue(db, row["id"], "resolve", channels, stamp)
            changes.resolved.append({"id": row["id"], "key": key, "kind": row["kind"],
                                     "agency": row["agency"], "year": row["year"]})
    return changes


def all_conditions(db, expectations: list[Expectation], sources: list[Source], *,
                   grace_days: int, source_failing_after: int) -> list[Condition]:
    return [*expectation_conditions(expectations, grace_days), *inconsistent_conditions(db),
            *changed_conditions(db), *moved_conditions(db), *source_failing_conditions(db, sources, source_failing_after)]


def list_alerts(db, *, include_resolved: bool = False, kind: str | None = None) -> list[dict]:
    """Alerts for `nianjian alerts`: open ones (or all), oldest first, details decoded, each with
    its notifications (channel, event, delivered_at, attempts, last_error)."""
    where, params = [], []
    if not include_resolved:
        where.append("state = 'open'")
    if kind:
        where.append("kind = ?")
        params.append(kind)
    sql = "SELECT id, key, kind, agency, year, state, opened_at, resolved_at, details FROM alerts"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = list(db.query(sql + " ORDER BY opened_at, id", params))
    sent = {}
    for note in db.query("SELECT alert_id, channel, event, delivered_at, attempts, last_error "
                         "FROM notifications ORDER BY id"):
        sent.setdefault(note.pop("alert_id"), []).append(note)
    return [{**row, "details": json.loads(row["details"] or "{}"), "notifications": sent.get(row["id"], [])}
            for row in rows]
