"""One monitoring cycle: crawl (in a fresh process) → expected reports → alerts → notifications.

`nianjian monitor --once`, the scheduler and `nianjian demo` all run `run_once`. Cycles never
overlap, whoever starts them: each holds an exclusive lock on the config's lock file. A failing
step is recorded in the `runs` row and the log, and the later steps still run (alerts about the
reports already stored are still worth sending when tonight's crawl failed).
"""
from __future__ import annotations

import fcntl
import logging
import os
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
from nianjian import clock
from nianjian.errors import UserError
from nianjian.sources import all_agencies, load_sources
from nianjian.store import Store

log = logging.getLogger("nianjian.monitor")
CRAWL_OUTPUT_TAIL = 20          # lines of a failed crawl's output kept in the log


class CycleRunning(UserError):
    """Another cycle holds the lock."""


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
def cycle_lock(path: Path):
    """Hold the exclusive lock for one cycle; raise CycleRunning if someone else holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise CycleRunning(f"another monitor cycle is running (lock {path} held by pid {holder})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def crawl_command(config: Config) -> list[str]:
    command = [sys.executable, "-m", "crawler.run", "--sources", str(config.sources), "--db", str(config.db)]
    for name, value in config.crawl_settings:
        command += ["-s", f"{name}={value}"]
    return command


def crawl(config: Config, now: datetime | None) -> str | None:
    """Run one crawl in its own process (a Twisted reactor cannot be restarted). Returns an
    error message, or None when the crawl succeeded."""
    env = dict(os.environ)
    if now is not None:                     # the crawl stamps what it sees with the cycle's time
        env["NIANJIAN_NOW"] = now.isoformat()
    command = crawl_command(config)
    log.info("crawl: %s", " ".join(command))
    try:
        done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, errors="replace", timeout=config.crawl_timeout_minutes * 60)
    except subprocess.TimeoutExpired:
        return f"crawl did not finish within {config.crawl_timeout_minutes:g} minutes and was stopped"
    except OSError as error:
        return f"crawl could not start: {error}"
    if done.returncode != 0:
        tail = "\n".join(done.stdout.splitlines()[-CRAWL_OUTPUT_TAIL:])
        log.warning("crawl output (last lines):\n%s", tail)
        last = tail.splitlines()[-1] if tail else ""
        return f"crawl exited with status {done.returncode}" + (f": {last}" if last else "")
    return None


def run_once(config: Config, now: datetime | None = None,
             progress: Callable[[str], None] | None = None) -> CycleResult:
    """One full cycle. `now` pins the clock (else nianjian.clock.now(), which honours NIANJIAN_NOW)."""
    say = progress or (lambda message: None)
    sources = load_sources(config.sources)
    with cycle_lock(config.lock_file):
        pinned = now
        now = now or clock.now()
        errors = []
        if config.crawl:
            say("crawling the portals")
            problem = crawl(config, pinned)
            crawl_status = "failed" if problem else "ok"
            if problem:
                errors.append(problem)
                log.error("%s", problem)
        else:
            crawl_status = "skipped"
        with Store(config.db) as store:
            run_id = store.start_run("monitor")
            store.sync_agencies(sources)
            say("assessing expected reports and alerts")
            db = store.db
            expectations = assess_all(db, all_agencies(sources), now, config.grace_days)
            conditions = all_conditions(db, expectations, sources, grace_days=config.grace_days,
                                        source_failing_after=config.source_failing_after)
            with transaction(db):
                write_expectations(db, expectations, now)
                changes = reconcile(db, conditions, kinds=config.kinds,
                                    channels=[c.name for c in config.channels],
                                    expectations=expectations, sources=sources, now=now)
            say("sending notifications")
            delivery = deliver_pending(db, config, now)
            errors += [f"channel {name}: {reason}" for name, reason in delivery.failed.items()]
            counts = Counter(e.status for e in expectations)
            result = CycleResult(run_id, crawl_status, dict(counts), changes, delivery, errors)
            store.finish_run(run_id, "ok" if result.ok else "failed", {
                "crawl": crawl_status, "expectations": dict(counts),
                "opened": len(changes.opened), "resolved": len(changes.resolved),
                "delivered": delivery.delivered, "messages": delivery.messages,
                "pending_notifications": delivery.pending}, len(errors))
    log.info("cycle %d: crawl %s; expectations %s; %d opened, %d resolved; %d notification(s) in %d "
             "message(s), %d pending", run_id, crawl_status, dict(counts), len(changes.opened),
             len(changes.resolved), delivery.delivered, delivery.messages, delivery.pending)
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
