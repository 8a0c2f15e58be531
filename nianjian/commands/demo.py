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
from functools import partial
from datetime import timedelta
from pathlib import Path

from rich.console import Console

from nianjian.cli import DEFAULT_DB, add_db_argument
from nianjian.commands import WORDS
from nianjian.errors import UserError

# The crawl of a local demo needs no politeness delays; a short timeout makes the slow page fail
# the way a real unresponsive portal does.
DEMO_CRAWL_SETTINGS = (
    ("DOWNLOAD_DELAY", "0"), ("AUTOTHROTTLE_ENABLED", "false"), ("DOWNLOAD_TIMEOUT", "2"),
    ("RETRY_TIMES", "1"), ("RETRY_BACKOFF_BASE", "0.2"), ("CONCURRENT_REQUESTS_PER_DOMAIN", "8"),
    ("NIANJIAN_REVERIFY_NIGHTS", "1"),    # round 2's silent edit is caught at the next run, not its night
)


def register(subparsers) -> None:
    parser = subparsers.add_parser("demo")
    add_db_argument(parser)
    parser.add_argument("--round", type=int, choices=(1, 2), default=None)
    parser.add_argument("--config", metavar="PATH")
    parser.add_argument("--slow-delay", type=float, default=None, metavar="SECONDS")
    parser.set_defaults(func=run)


def _monitor_config(args, db: Path, workdir: Path):
    from monitor.config import Config, load_config

    base = load_config(args.config) if args.config else Config()
    return replace(base, sources=workdir / "sources.yaml", db=db, log_file=workdir / "monitor.log",
                   crawl=True,
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
            raise UserError.said("cannot_create_folder", db=db, error=error.strerror or error) from None
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
            console.print(WORDS["demo"]["problems"], style="bold red", markup=False)
            for line in [*result.errors, *log_tail]:
                console.print(f"  {line}", markup=False, highlight=False)
    print_summary(db, base_url, round_, result, now)
    return 0 if result.ok else 1


def print_summary(db: Path, base_url: str, round_: int, result, now) -> None:
    """The status grid (the one renderer `nianjian status` uses), then what this run found."""
    from monitor.notify import messages
    from nianjian.browse.grid import legend_terminal, load_grid, render_terminal
    from nianjian.store import Store

    words = WORDS["demo"]
    with Store(db) as store:
        grid = load_grid(store.db.conn)
        fetches = Counter({row["outcome"]: row["n"] for row in store.db.query(
            "SELECT outcome, count(*) AS n FROM fetches WHERE run_id = "
            "(SELECT max(id) FROM runs WHERE kind = 'crawl') GROUP BY outcome")})
    console = Console(width=None if sys.stdout.isatty() else 120)
    console.print(words["title"].format(date=now.date().isoformat(), round=round_), style="bold")
    console.print(render_terminal(grid))
    console.print(legend_terminal(grid))
    from monitor.expected import STATUSES
    expected = [cell for cell in grid.cells.values() if cell.status in STATUSES]
    counts = Counter(cell.status for cell in expected)
    say = partial(console.print, markup=False, highlight=False)
    say("\n" + words["expected"].format(total=len(expected), **{k: counts[k] for k in STATUSES}))
    for cell in sorted(grid.cells.values(), key=lambda c: (c.agency, c.year)):
        if cell.state == "inconsistent":
            say(words["inconsistent"].format(agency=cell.agency, year=cell.year, rules=cell.error_rules))
    for cell in sorted(grid.cells.values(), key=lambda c: (c.agency, c.year)):
        if cell.edited:
            say(words["edited"].format(agency=cell.agency, year=cell.year))
    labels = {kind: text["label"] for kind, text in messages()["kinds"].items()}

    def kinds(counter: Counter) -> str:
        return "，".join(f"{labels.get(k, k)} {n}" for k, n in sorted(counter.items())) or words["none"]
    say(words["alerts"].format(opened=kinds(Counter(a["kind"] for a in result.changes.opened)),
                               resolved=kinds(Counter(a["kind"] for a in result.changes.resolved)),
                               delivered=result.delivery.delivered))
    say(words["crawl"].format(status=result.crawl, base_url=base_url,
                              outcomes="，".join(f"{k} {n}" for k, n in sorted(fetches.items()))))
    say("\n" + words["browse"])
    hints = [(f"nianjian status --db {db}", "status"), (f"nianjian status --db {db} --html status.html", "html"),
             (f"nianjian alerts --db {db}", "alerts"), (f"nianjian serve --db {db}", "serve")]
    if round_ == 1:
        hints.append((f"nianjian demo --db {db}", "again"))
    width = max(len(command) for command, _ in hints)
    for command, what in hints:
        say(f"  {command:<{width}}  # {words['hints'][what]}")
    if Path(db).resolve() == Path(DEFAULT_DB).resolve():
        say("\n" + words["default_db"].format(db=db))
