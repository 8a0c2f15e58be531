"""`nianjian alerts`: the open alerts (or all of them), as a table or JSON."""
from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from monitor.alerts import list_alerts
from monitor.config import ALERT_KINDS
from monitor.notify import describe
from nianjian.cli import add_db_argument
from nianjian.errors import UserError
from nianjian.store import Store


def register(subparsers) -> None:
    parser = subparsers.add_parser("alerts", help="list open alerts (missing, late, inconsistent, ...)",
                                   description="List the open alerts, oldest first.")
    add_db_argument(parser)
    parser.add_argument("--json", action="store_true", help="print a JSON list of alert objects")
    parser.add_argument("--all", action="store_true", help="include resolved alerts")
    parser.add_argument("--kind", choices=ALERT_KINDS, help="only alerts of this kind")
    parser.set_defaults(func=run)


def _notified(notifications: list[dict]) -> str:
    """Per channel and event: ✓ delivered, or … and the attempts so far."""
    marks = []
    for note in notifications:
        state = "✓" if note["delivered_at"] else f"…{note['attempts']}"
        marks.append(f"{note['channel']}:{note['event']}{state}")
    return " ".join(marks) or "-"


def run(args) -> int:
    if not Path(args.db).exists():
        raise UserError(f"no database at {args.db} (run `nianjian monitor --once` first, or pass --db)")
    with Store(args.db) as store:
        alerts = list_alerts(store.db, include_resolved=args.all, kind=args.kind)
    if args.json:
        print(json.dumps([{k: v for k, v in a.items() if k != "id"} for a in alerts],
                         ensure_ascii=False, indent=2))
        return 0
    console = Console()
    if not alerts:
        console.print("no open alerts" if not args.all else "no alerts")
        return 0
    table = Table(show_lines=False)
    for column in ("kind", "agency", "year", "state", "opened", "details", "notified"):
        table.add_column(column, overflow="fold")
    for alert in alerts:
        event = "resolve" if alert["state"] == "resolved" else "open"
        table.add_row(alert["kind"], alert["agency"] or alert["details"].get("source", ""),
                      str(alert["year"] or ""), alert["state"], alert["opened_at"][:10],
                      describe(alert, event), _notified(alert["notifications"]))
    console.print(table)
    return 0
