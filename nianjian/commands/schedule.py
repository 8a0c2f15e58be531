"""`nianjian schedule`: the nightly job (APScheduler cron, default 02:00 Asia/Shanghai)."""
from __future__ import annotations

from dataclasses import replace

from monitor.config import add_config_arguments, config_from_args
from monitor.scheduler import run_scheduler, trigger_for
from nianjian.commands import WORDS
from nianjian.errors import UserError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "schedule", help="run the monitoring cycle on a schedule (default nightly at 02:00 Asia/Shanghai)",
        description="Run monitoring cycles on the config's cron schedule until stopped "
                    "(Ctrl-C or SIGTERM). Logs go to the config's log_file.")
    add_config_arguments(parser)
    parser.add_argument("--interval", type=float, metavar="SECONDS",
                        help="run every SECONDS instead of the cron schedule (demos, tests)")
    parser.add_argument("--runs", type=int, metavar="N", help="stop after N cycles")
    parser.add_argument("--run-now", action="store_true", help="also run one cycle right away")
    parser.set_defaults(func=run)


def run(args) -> int:
    config = config_from_args(args)
    if args.interval is not None:
        if args.interval <= 0:
            raise UserError(WORDS["errors"]["interval"].format(interval=args.interval))
        config = replace(config, interval_seconds=args.interval)
    if args.runs is not None and args.runs < 1:
        raise UserError(WORDS["errors"]["runs"].format(runs=args.runs))
    if not config.sources.exists():
        raise UserError(f"sources file {config.sources} does not exist")
    words = WORDS["schedule"]
    print(words["started"].format(trigger=trigger_for(config), timezone=config.timezone, log=config.log_file),
          flush=True)
    cycles = run_scheduler(config, runs=args.runs, run_now=args.run_now)
    print(words["stopped"].format(cycles=cycles))
    return 0
