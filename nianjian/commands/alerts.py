"""`nianjian alerts`: the open alerts (or all of them), as a table or JSON."""
from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.text import Text

from monitor.alerts import list_alerts
from monitor.config import ALERT_KINDS
from monitor.notify import describe, messages
from nianjian.commands import WORDS
from nianjian.cli import add_db_argument
from nianjian.errors import UserError
from nianjian.store import Store


def register(subparsers) -> None:
    parser = subparsers.add_parser("alerts")
    add_db_argument(parser)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--all", action="store_true")
    parser.add_argument("--kind", choices=ALERT_KINDS)
    parser.set_defaults(func=run)


def _notified(notifications: list[dict]) -> str:
    """Per channel and event: ✓ delivered, or … and the attempts so far."""
    marks = []
    for note in notifications:
        state = "✓" if note["delivered_at"] else f"…{note['attempts']}"
        marks.append(f"{note['channel']}:{note['event']}{state}")
    return WORDS["alerts"]["notified"].format(marks=" ".join(marks)) if marks else ""


def run(args) -> int:
    if not Path(args.db).exists():
        raise UserError.said("no_database", db=args.db)
    with Store(args.db) as store:
        alerts = list_alerts(store.db, include_resolved=args.all, kind=args.kind)
    if args.json:
        print(json.dumps([{k: v for k, v in a.items() if k != "id"} for a in alerts],
                         ensure_ascii=False, indent=2))
        return 0
    console = Console()
    words = WORDS["alerts"]
    if not alerts:
        console.print(words["none"] if args.all else words["none_open"])
        return 0
    kinds = messages()["kinds"]
    for alert in alerts:
        # one block per alert, its line of facts then the message: readable at any width
        event = "resolve" if alert["state"] == "resolved" else "open"
        label = kinds.get(alert["kind"], {}).get("label", alert["kind"])
        facts = [words["state"][event], words["opened"].format(date=alert["opened_at"][:10]),
                 _notified(alert["notifications"]) or words["not_notified"]]
        console.print(Text.assemble((f"【{label}】", "bold"), " · ".join(facts)))
        console.print(Text("  " + describe(alert, event)))
    return 0
