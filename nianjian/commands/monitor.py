"""`nianjian monitor --once`: one monitoring cycle, for users who prefer system cron."""
from __future__ import annotations

import sys
from dataclasses import replace
from datetime import datetime

from rich.console import Console

from monitor.config import add_config_arguments, config_from_args
from monitor.cycle import run_once, setup_logging
from monitor.expected import STATUSES
from nianjian.commands import WORDS
from nianjian.clock import parse_moment
from nianjian.errors import UserError, error_line


def register(subparsers) -> None:
    parser = subparsers.add_parser("monitor")
    parser.add_argument("--once", action="store_true", required=True)
    add_config_arguments(parser)
    parser.add_argument("--no-crawl", action="store_true")
    parser.add_argument("--now", metavar="ISO")
    parser.set_defaults(func=run)


def parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_moment(value)
    except ValueError:
        raise UserError.said("not_a_date", name="--now", value=value) from None


def run(args) -> int:
    config = config_from_args(args)
    if args.no_crawl:
        config = replace(config, crawl=False)
    now = parse_now(args.now)
    setup_logging(config.log_file)
    console = Console(stderr=True)
    interactive = sys.stderr.isatty()
    result = run_once(config, now, live_crawl=interactive,
                      progress=lambda step: console.print(f"[dim]nianjian monitor:[/dim] {step}…",
                                                          highlight=False))
    words, counts = WORDS["monitor"], result.expectations
    print(words["run"].format(run=result.run_id, crawl=result.crawl))
    print(WORDS["demo"]["expected"].format(total=sum(counts.values()), **{
        status: counts.get(status, 0) for status in STATUSES}))
    print(words["alerts"].format(opened=len(result.changes.opened), resolved=len(result.changes.resolved),
                                 delivered=result.delivery.delivered, messages=result.delivery.messages,
                                 pending=result.delivery.pending))
    for error in result.errors:
        print(error_line("nianjian monitor", error), file=sys.stderr)
    return 0 if result.ok else 1
