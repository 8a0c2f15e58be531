"""`nianjian crawl`: crawl every source of the sources file once, showing progress."""
from __future__ import annotations

import sys

from nianjian.cli import add_db_argument
from nianjian.commands import run_summary

DEFAULT_SOURCES = "data/sources.yaml"


def register(subparsers) -> None:
    parser = subparsers.add_parser("crawl")
    parser.add_argument("--sources", default=DEFAULT_SOURCES, metavar="FILE")
    add_db_argument(parser)
    parser.add_argument("--jobdir", metavar="DIR")
    parser.add_argument("--no-progress", dest="progress", action="store_false")
    parser.add_argument("-s", "--set", dest="overrides", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--redis", metavar="URL")
    parser.add_argument("--crawl-id", metavar="ID")
    parser.set_defaults(func=run)


def run(args) -> int:
    from crawler.run import crawl   # Scrapy loads only for this command

    summary = crawl(args.db, args.sources, jobdir=args.jobdir, progress=args.progress,
                    overrides=args.overrides, redis=args.redis, crawl_id=args.crawl_id)
    print(run_summary(summary), file=sys.stderr)
    return 0 if summary["finish_reason"] == "finished" else 1
