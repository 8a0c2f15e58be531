"""`nianjian schedule`: the nightly job (APScheduler cron, default 02:00 Asia/Shanghai)."""
from __future__ import annotations

from dataclasses import replace

from monitor.config import add_config_arguments, config_from_args
from monitor.scheduler import run_scheduler, trigger_for
from nianjian.commands import WORDS
from nianjian.errors import UserError, no_file


def register(subparsers) -> None:
    parser = subparsers.add_parser("schedule")
    add_config_arguments(parser)
    parser.add_argument("--interval", type=float, metavar="SECONDS")
    parser.add_argument("--runs", type=int, metavar="N")
    parser.add_argument("--run-now", action="store_true")
    parser.set_defaults(func=run)


def run(args) -> int:
    config = config_from_args(args)
    if args.interval is not None:
        if args.interval <= 0:
            raise UserError.said("interval", interval=args.interval)
        config = replace(config, interval_seconds=args.interval)
    if args.runs is not None and args.runs < 1:
        raise UserError.said("runs", runs=args.runs)
    if not config.sources.exists():
        raise no_file(config.sources, "sources")
    words = WORDS["schedule"]
    print(words["started"].format(trigger=trigger_for(config), timezone=config.timezone, log=config.log_file),
          flush=True)
    cycles = run_scheduler(config, runs=args.runs, run_now=args.run_now)
    print(words["stopped"].format(cycles=cycles))
    return 0
