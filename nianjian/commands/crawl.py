"""`nianjian crawl`: crawl every source of the sources file once, showing progress."""
from __future__ import annotations

import sys

from nianjian.cli import add_db_argument
from nianjian.commands import run_summary

DEFAULT_SOURCES = "data/sources.yaml"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "crawl", help="crawl the portals of the sources file once",
        description="Crawl every source's report column, fetch new or changed reports and store "
                    "them; every fetch is recorded with the run. Progress is shown on stderr.")
    parser.add_argument("--sources", default=DEFAULT_SOURCES, metavar="FILE",
                        help=f"sources file (default: {DEFAULT_SOURCES})")
    add_db_argument(parser)
    parser.add_argument("--jobdir", metavar="DIR",
                        help="keep the crawl's queue here; run again with the same DIR to resume")
    parser.add_argument("--no-progress", dest="progress", action="store_false",
                        help="no live table (log lines instead)")
    parser.add_argument("-s", "--set", dest="overrides", action="append", default=[], metavar="NAME=VALUE",
                        help="override a crawler setting, e.g. -s DOWNLOAD_DELAY=2 (repeatable)")
    parser.add_argument("--redis", metavar="URL",
                        help="distributed crawl: join the crawl on this Redis (redis://host:6379/0) as one "
                             "worker; `nianjian ingest-redis` stores the results (docs/distributed.md)")
    parser.add_argument("--crawl-id", metavar="ID",
                        help="with --redis: the crawl to join (default: today's date, Asia/Shanghai)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from crawler.run import crawl   # Scrapy loads only for this command

    summary = crawl(args.db, args.sources, jobdir=args.jobdir, progress=args.progress,
                    overrides=args.overrides, redis=args.redis, crawl_id=args.crawl_id)
    print(run_summary(summary), file=sys.stderr)
    return 0 if summary["finish_reason"] == "finished" else 1
