"""The nightly job: APScheduler 3 (BlockingScheduler) running `run_once` on a cron trigger.

No overlap: the job has max_instances=1 (this scheduler never starts a cycle while one runs),
and every cycle holds the database's cycle lease (a second scheduler, or a `monitor --once`
from system cron, skips instead of running alongside). Missed runs (machine asleep at 02:00) are coalesced
into one run when the scheduler wakes, within `misfire_grace_seconds`.
"""
from __future__ import annotations

import logging
import signal
import threading

from apscheduler.events import EVENT_JOB_MISSED
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor.config import Config
from monitor.cycle import CycleRunning, run_once, setup_logging
from nianjian.errors import UserError

log = logging.getLogger("nianjian.monitor")
JOB_ID = "nianjian-monitor"


def trigger_for(config: Config):
    if config.interval_seconds:
        return IntervalTrigger(seconds=config.interval_seconds, timezone=config.timezone)
    return CronTrigger.from_crontab(config.cron, timezone=config.timezone)


def build_scheduler(config: Config, *, runs: int | None = None, run_now: bool = False):
    """The scheduler with its job, not started. Returns (scheduler, counter) where counter()
    is the number of cycles run so far."""
    scheduler = BlockingScheduler(timezone=config.timezone)
    done = {"cycles": 0}
    lock = threading.Lock()

    def cycle() -> None:
        try:
            run_once(config)
        except CycleRunning as busy:
            log.warning("skipped: %s", busy)
            return
        except UserError as error:  # e.g. the database locked past the busy timeout: one line
            log.error("monitor cycle failed: %s", error)
        except Exception:       # a broken cycle is logged; the scheduler waits for the next one
            log.exception("monitor cycle failed")
        with lock:
            done["cycles"] += 1
            if runs is not None and done["cycles"] >= runs:
                scheduler.shutdown(wait=False)

    def missed(event) -> None:
        log.warning("missed the run due at %s (past misfire_grace_seconds)", event.scheduled_run_time)

    scheduler.add_listener(missed, EVENT_JOB_MISSED)
    scheduler.add_job(cycle, trigger_for(config), id=JOB_ID, name="nianjian monitor cycle",
                      max_instances=1, coalesce=True,
                      misfire_grace_time=config.misfire_grace_seconds, replace_existing=True)
    if run_now:    # one extra cycle at start; the lease keeps it from overlapping the trigger's
        scheduler.add_job(cycle, id=f"{JOB_ID}-now", name="nianjian monitor cycle (start)",
                          max_instances=1)
    return scheduler, lambda: done["cycles"]


def run_scheduler(config: Config, *, runs: int | None = None, run_now: bool = False) -> int:
    """Block, running a cycle at every fire time, until interrupted (SIGINT/SIGTERM) or, with
    `runs`, until that many cycles have run. Returns the number of cycles run."""
    setup_logging(config.log_file)
    scheduler, cycles = build_scheduler(config, runs=runs, run_now=run_now)

    def stop(signum, frame):
        log.info("signal %d: stopping the scheduler (a cycle in progress finishes first)", signum)
        scheduler.shutdown(wait=False)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)
    log.info("scheduler started: %s (%s), log %s", trigger_for(config), config.timezone, config.log_file)
    scheduler.start()
    log.info("scheduler stopped after %d cycle(s)", cycles())
    return cycles()
