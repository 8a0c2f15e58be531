"""One monitoring cycle: crawl (in a fresh process) → checks of reports whose previous year
arrived later → expected reports → alerts → notifications.

`nianjian monitor --once`, the scheduler and `nianjian demo` all run `run_once`. Cycles on one
database never overlap, whoever starts them and with whatever config file: each holds the
`monitor-cycle` lease in the database itself (a killed cycle's lease is free again as soon as
its process is gone). A failing
step is recorded in the `runs` row and the log, and the later steps still run (alerts about the
reports already stored are still worth sending when tonight's crawl failed).
"""
from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from monitor.alerts import Changes, all_conditions, reconcile, transaction
from monitor.config import Config
from monitor.expected import assess_all, write_expectations
from monitor.notify import Delivery, deliver_pending
from monitor.recheck import last_cycle_moment, recheck_out_of_order
from nianjian import clock
from nianjian.commands import WORDS
from nianjian.errors import UserError
from nianjian.sources import all_agencies, load_sources
from nianjian.store import LeaseHeld, Store

log = logging.getLogger("nianjian.monitor")


CYCLE_LEASE = "monitor-cycle"
STEPS, PROBLEMS = WORDS["monitor"]["steps"], WORDS["monitor"]["problems"]


class CycleRunning(UserError):
    """Another cycle holds the database's cycle lease."""


@dataclass
class CycleResult:
    run_id: int
    crawl: str                                   # ok | failed | skipped
    expectations: dict[str, int] = field(default_factory=dict)    # status → count
    changes: Changes = field(default_factory=Changes)
    delivery: Delivery = field(default_factory=Delivery)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@contextmanager
def cycle_lease(store: Store, config: Config):
    """Hold the database's cycle lease for one cycle; raise CycleRunning if another cycle has it.
    Its expiry only matters for a holder on another host (see nianjian.store.leases): a whole
    cycle (crawl timeout, then an hour to assess and notify) fits inside it."""
    seconds = (config.crawl_timeout_minutes * 60 if config.crawl else 0) + 3600
    try:
        token = store.take_lease(CYCLE_LEASE, seconds)
    except LeaseHeld as held:
        raise CycleRunning.said("cycle_running", db=config.db, owner=held.holder["owner"],
                                since=held.holder["acquired_at"]) from None
    try:
        yield
    finally:
        try:
            store.release_lease(CYCLE_LEASE, token)
        except sqlite3.Error as error:   # this process let go of it already; others see it once we exit
            log.warning("could not release the cycle lease: %s", error)


def crawl_command(config: Config) -> list[str]:
    command = [sys.executable, "-m", "crawler.run", "--sources", str(config.sources), "--db", str(config.db)]
    for name, value in config.crawl_settings:
        command += ["-s", f"{name}={value}"]
    return command


def crawl(config: Config, now: datetime | None, live: bool = False) -> str | None:
    """Run one crawl in its own process (a Twisted reactor cannot be restarted), its output
    appended to the log file. `live`: the crawler's progress table goes to this terminal.
    Returns an error message, or None when the crawl succeeded."""
    env = dict(os.environ)
    if now is not None:                     # the crawl stamps what it sees with the cycle's time
        env["NIANJIAN_NOW"] = now.isoformat()
    command = crawl_command(config) + (["--progress"] if live else [])
    log.info("crawl: %s", " ".join(command))
    config.log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(config.log_file, "ab") as output:
        start = output.tell()
        try:
            done = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, stdout=output,
                                  stderr=None if live else output,
                                  timeout=config.crawl_timeout_minutes * 60)
        except subprocess.TimeoutExpired:
            return PROBLEMS["crawl_timeout"].format(minutes=config.crawl_timeout_minutes)
        except OSError as error:
            return PROBLEMS["crawl_not_started"].format(error=error)
    if done.returncode == 0:
        return None
    with open(config.log_file, "rb") as output:
        output.seek(start)
        lines = output.read().decode("utf-8", "replace").strip().splitlines()
    last = lines[-1].strip() if lines else ""
    return PROBLEMS["crawl_failed"].format(status=done.returncode, last=f"：{last[:300]}" if last else "",
                                           log=config.log_file)


def _record_unreported_sources(store: Store, run_id: int, sources, since_id: int, problem: str) -> None:
    """A crawl that died says nothing about the sources it never reached: record them as failed,
    so a crawler broken for nights on end raises `source_failing` instead of staying silent."""
    reported = {row["source_id"] for row in store.db.query(
        "SELECT DISTINCT source_id FROM source_runs WHERE id > ?", [since_id])}
    for source in sources:
        if source.id not in reported:
            store.record_source_run(run_id, source.id, status="failed", message=problem[:500])


def run_once(config: Config, now: datetime | None = None,
             progress: Callable[[str], None] | None = None, live_crawl: bool = False) -> CycleResult:
    """One full cycle. `now` pins the clock (else nianjian.clock.now(), which honours NIANJIAN_NOW).
    `progress` is told each step; `live_crawl` shows the crawler's own progress on stderr."""
    if now is not None and now.tzinfo is None:
        now = now.replace(tzinfo=clock.SHANGHAI)
    sources = load_sources(config.sources)
    with Store(config.db) as store, cycle_lease(store, config):
        run_id = store.start_run("monitor")
        try:
            result = _steps(store, run_id, config, sources, now, progress or (lambda step: None), live_crawl)
        except BaseException as error:   # an unexpected failure (or Ctrl-C) still closes the run row
            store.finish_run(run_id, "failed", {"error": f"{type(error).__name__}: {error}"}, 1)
            raise
    log.info("cycle %d: crawl %s; expectations %s; %d opened, %d resolved; %d notification(s) in %d "
             "message(s), %d pending", run_id, result.crawl, result.expectations,
             len(result.changes.opened), len(result.changes.resolved), result.delivery.delivered,
             result.delivery.messages, result.delivery.pending)
    return result


def _steps(store: Store, run_id: int, config: Config, sources, now: datetime | None, say,
           live_crawl: bool) -> CycleResult:
    db = store.db
    errors = []
    if config.crawl:
        say(STEPS["crawl"].format(count=len(sources)))
        since = db.execute("SELECT coalesce(max(id), 0) FROM source_runs").fetchone()[0]
        problem = crawl(config, now, live=live_crawl)
        crawl_status = "failed" if problem else "ok"
        if problem:
            errors.append(problem)
            log.error("%s", problem)
            _record_unreported_sources(store, run_id, sources, since, problem)
    else:
        crawl_status = "skipped"
    now = now or clock.now()        # after the crawl: what it found is assessed as of now
    store.sync_agencies(sources)
    say(STEPS["recheck"])
    try:
        rechecked = recheck_out_of_order(store, last_cycle_moment(store, run_id))
    except Exception as error:      # stale cross-year findings must not stop the alerts
        rechecked = 0
        errors.append(PROBLEMS["checks"].format(error=f"{type(error).__name__}: {error}"))
        log.exception("checks step failed")
    say(STEPS["assess"])
    expectations = assess_all(db, all_agencies(sources), now, config.grace_days)
    conditions = all_conditions(db, expectations, sources, grace_days=config.grace_days,
                                source_failing_after=config.source_failing_after)
    with transaction(db):
        write_expectations(db, expectations, now)
        changes = reconcile(db, conditions, kinds=config.kinds, channels=[c.name for c in config.channels],
                            expectations=expectations, sources=sources, now=now)
    say(STEPS["notify"])
    delivery = deliver_pending(db, config, now)
    errors += [PROBLEMS["channel"].format(name=name, reason=reason) for name, reason in delivery.failed.items()]
    counts = dict(Counter(e.status for e in expectations))
    result = CycleResult(run_id, crawl_status, counts, changes, delivery, errors)
    store.finish_run(run_id, "ok" if result.ok else "failed", {
        "now": clock.isoformat(now), "crawl": crawl_status, "rechecked": rechecked,
        "expectations": counts, "opened": len(changes.opened), "resolved": len(changes.resolved),
        "delivered": delivery.delivered, "messages": delivery.messages,
        "pending_notifications": delivery.pending}, len(errors))
    return result


def setup_logging(log_file: Path, verbose: bool = False) -> None:
    """Log the monitor (and the scheduler) to the config's log file."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    target = str(log_file.resolve())
    handler = None
    for name in ("nianjian", "apscheduler"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG if verbose else logging.INFO)
        if any(getattr(h, "baseFilename", None) == target for h in logger.handlers):
            continue
        if handler is None:
            handler = logging.FileHandler(target, encoding="utf-8")
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
