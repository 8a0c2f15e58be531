"""`nianjian demo`: the whole pipeline on the bundled demo portal, in one command.

Starts the demo portal (a thread, on 127.0.0.1), runs one monitoring cycle against it (crawl →
parse → check → store → expected reports → alerts → notifications, `monitor.cycle.run_once`),
stops the portal and prints what nianjian found. The database remembers the demo: the next run
on the same database serves the portal's second round, in which one report was silently edited.
"""
from __future__ import annotations

import os
import sys
import tempfile
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

from nianjian.cli import DEFAULT_DB, add_db_argument
from nianjian.errors import UserError

# The crawl of a local demo needs no politeness delays; a short timeout makes the slow page fail
# the way a real unresponsive portal does.
DEMO_CRAWL_SETTINGS = (
    ("DOWNLOAD_DELAY", "0"), ("AUTOTHROTTLE_ENABLED", "false"), ("DOWNLOAD_TIMEOUT", "2"),
    ("RETRY_TIMES", "1"), ("RETRY_BACKOFF_BASE", "0.2"), ("CONCURRENT_REQUESTS_PER_DOMAIN", "8"),
    ("NIANJIAN_REVERIFY_NIGHTS", "1"),    # round 2's silent edit is caught at the next run, not its night
)
STATUS_STYLE = {"on_time": ("on time", "green"), "late": ("late", "yellow"),
                "missing": ("missing", "bold red"), "pending": ("pending", "dim")}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo", help="run the whole pipeline on the bundled demo portal and show what it found",
        description="Start the bundled demo portal on 127.0.0.1, crawl it, parse, check and store "
                    "the reports, raise alerts, and print a summary. Run it again on the same "
                    "database to see an edited report caught (the portal's round 2).")
    add_db_argument(parser)
    parser.add_argument("--round", type=int, choices=(1, 2), default=None,
                        help="serve this round of the portal (default: 1 on a new database, "
                             "2 once the database has seen the demo)")
    parser.add_argument("--config", metavar="PATH",
                        help="monitor configuration (TOML) whose notification channels and alert "
                             "settings to use (default: none; alerts are recorded, not sent)")
    parser.add_argument("--slow-delay", type=float, default=None, metavar="SECONDS",
                        help="how long the portal's slow page sleeps (default: 5; the demo's "
                             "crawl gives up after 2)")
    parser.set_defaults(func=run)


def _monitor_config(args, db: Path, workdir: Path):
    from monitor.config import Config, load_config

    base = load_config(args.config) if args.config else Config()
    return replace(base, sources=workdir / "sources.yaml", db=db, log_file=workdir / "monitor.log",
                   lock_file=workdir / "monitor.lock", crawl=True,
                   crawl_settings=DEMO_CRAWL_SETTINGS + base.crawl_settings)


def run(args) -> int:
    from monitor.cycle import run_once, setup_logging
    from nianjian import clock
    from nianjian.commands.demo_portal import start_portal_preferring
    from nianjian.demo_portal import demo_now, sources_for
    from nianjian.demo_portal.state import previous_state

    db = Path(args.db)
    if db.parent and not db.parent.exists():
        try:
            db.parent.mkdir(parents=True)
        except OSError as error:
            raise UserError(f"cannot create the folder of --db {db}: {error.strerror or error}") from None
    state = previous_state(db)
    round_ = args.round or (2 if state.cycles else 1)
    # The demo stands on its own date (the latest expected reports are 2025's); each further run
    # is "the next night".
    now = clock.now() if "NIANJIAN_NOW" in os.environ else demo_now() + timedelta(days=state.cycles)
    console = Console(stderr=True)
    with tempfile.TemporaryDirectory(prefix="nianjian-demo-") as tmp:
        workdir = Path(tmp)
        config = _monitor_config(args, db, workdir)
        with console.status("starting the demo portal") as status:
            portal = start_portal_preferring(state.port, round=round_, slow_delay=args.slow_delay)
            base_url = portal.base_url
            try:
                config.sources.write_text(sources_for(base_url), "utf-8")
                setup_logging(config.log_file)
                result = run_once(config, now, progress=status.update)
            finally:
                portal.stop()
        if result.errors:
            log_tail = config.log_file.read_text("utf-8", "replace").splitlines()[-15:]
            console.print("[bold red]The demo cycle reported problems:[/]")
            for line in [*result.errors, *log_tail]:
                console.print(f"  {line}", markup=False, highlight=False)
    print_summary(db, base_url, round_, result, now)
    return 0 if result.ok else 1


def summary_rows(db: Path) -> tuple[list[int], list[dict], dict, Counter]:
    """Years, agencies (in the sources' order), (agency, year) → cell facts, and the fetch
    outcomes of the latest crawl, from the database."""
    from nianjian.store import Store

    with Store(db) as store:
        agencies = list(store.db.query("SELECT name, level FROM agencies ORDER BY rowid"))
        fetches = Counter({row["outcome"]: row["n"] for row in store.db.query(
            "SELECT outcome, count(*) AS n FROM fetches WHERE run_id = "
            "(SELECT max(id) FROM runs WHERE kind = 'crawl') GROUP BY outcome")})
        cells = {}
        for row in store.db.query(
                "SELECT e.agency, e.year, e.status, e.days_late, e.first_seen_used, r.errors, r.error_rules, "
                "r.versions FROM expectations e LEFT JOIN reports r ON r.id = e.report_id"):
            cells[(row["agency"], row["year"])] = row
    years = sorted({year for _, year in cells})
    return years, agencies, cells, fetches


def _cell_text(row: dict | None) -> str:
    if row is None:
        return "[dim]·[/]"                       # not expected: before the agency's first year
    label, style = STATUS_STYLE.get(row["status"], (row["status"], ""))
    if row["status"] == "late":
        label += f" {row['days_late']}d" + ("*" if row["first_seen_used"] else "")
    text = f"[{style}]{label}[/]"
    if row["errors"]:
        text += " [bold magenta]✗[/]"
    if row["versions"] and row["versions"] > 1:
        text += " [cyan]✎[/]"
    return text


def print_summary(db: Path, base_url: str, round_: int, result, now) -> None:
    years, agencies, cells, fetches = summary_rows(db)
    console = Console(width=None if sys.stdout.isatty() else 120)
    table = Table(title=f"Annual reports on the demo portal, as of {now.date().isoformat()} (round {round_})")
    table.add_column("agency", no_wrap=True)
    table.add_column("level", no_wrap=True)
    for year in years:
        table.add_column(str(year), no_wrap=True)
    for agency in agencies:
        table.add_row(agency["name"], agency["level"] or "",
                      *(_cell_text(cells.get((agency["name"], year))) for year in years))
    console.print(table)
    console.print("[dim]✗ inconsistent (error findings)   ✎ edited after publication   "
                  "· not expected (before the agency's first year)   * no publication date: first seen used[/]")
    counts = Counter(row["status"] for row in cells.values())
    inconsistent = sorted((a, y, row["error_rules"]) for (a, y), row in cells.items() if row["errors"])
    edited = sorted((a, y) for (a, y), row in cells.items() if row["versions"] and row["versions"] > 1)
    console.print(f"\nexpected reports: {sum(counts.values())} — {counts['on_time']} on time, "
                  f"{counts['late']} late, {counts['missing']} missing, {counts['pending']} pending")
    for agency, year, rules in inconsistent:
        console.print(f"inconsistent: {agency} {year} ({rules})", markup=False)
    for agency, year in edited:
        console.print(f"edited after publication: {agency} {year}", markup=False)
    opened = Counter(a["kind"] for a in result.changes.opened)
    resolved = Counter(a["kind"] for a in result.changes.resolved)
    console.print(f"alerts opened this run: {_kinds(opened)}; resolved: {_kinds(resolved)}; "
                  f"notifications delivered: {result.delivery.delivered}", markup=False)
    console.print(f"crawl {result.crawl}: {_kinds(fetches)} (fetch outcomes; the demo portal was at "
                  f"{base_url}, now stopped)", markup=False)
    console.print("\nBrowse the result:")
    hints = [(f"nianjian status --db {db}", "this grid, with filters"),
             (f"nianjian status --db {db} --html status.html", "a standalone page"),
             (f"nianjian alerts --db {db}", "the open alerts"),
             (f"nianjian serve --db {db}", "Datasette: reports, cells, findings, alerts")]
    if round_ == 1:
        hints.append((f"nianjian demo --db {db}", "run again: the portal's round 2 (one report silently edited)"))
    width = max(len(command) for command, _ in hints)
    for command, what in hints:
        console.print(f"  {command:<{width}}  # {what}", markup=False, highlight=False)
    if Path(db).resolve() == Path(DEFAULT_DB).resolve():
        console.print(f"\nNote: {db} now holds the demo's fictional agencies. Before monitoring real "
                      f"portals, delete it or give the demo its own database (--db data/demo.db).",
                      markup=False, highlight=False)


def _kinds(counter: Counter) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in sorted(counter.items())) or "none"
