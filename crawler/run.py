"""Run one crawl in this process and exit — what the monitor starts for each cycle, because the
Twisted reactor cannot be restarted inside a long-lived process:

    python -m crawler.run --sources data/sources.yaml --db data/nianjian.db [--jobdir DIR]
                          [--progress] [-s NAME=VALUE ...]

Exit status: 0 the crawl finished, 1 it was interrupted (resume it with the same --jobdir),
2 a usage error (one line on stderr), 75 the database stayed locked by another process.
"""
from __future__ import annotations

import argparse
import sys

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from nianjian.commands import run_summary
from nianjian.arguments import HELP, ArgumentParser, describe
from nianjian.errors import UserError, error_line
from nianjian.sources import load_sources
from nianjian.store import Store


def crawl_settings(db: str, sources: str, *, jobdir: str | None = None, progress: bool = False,
                   overrides: list[str] = (), redis: str | None = None, crawl_id: str | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("NIANJIAN_DB", db, priority="cmdline")
    settings.set("NIANJIAN_SOURCES", sources, priority="cmdline")
    if jobdir:
        settings.set("JOBDIR", jobdir, priority="cmdline")
    if progress:
        settings.set("NIANJIAN_PROGRESS", True, priority="cmdline")
        settings.set("LOG_LEVEL", "WARNING", priority="cmdline")   # keep the live table readable
    for override in overrides:
        name, sep, value = override.partition("=")
        if not sep or not name:
            raise UserError.said("not_a_setting", value=override)
        settings.set(name.strip(), value, priority="cmdline")
    if redis:                                 # Redis mode (crawler/redis_mode)
        settings.set("NIANJIAN_REDIS_URL", redis, priority="cmdline")
    if crawl_id:
        settings.set("NIANJIAN_CRAWL_ID", crawl_id, priority="cmdline")
    return settings


def crawl(db: str, sources: str, *, jobdir: str | None = None, progress: bool = False,
          overrides: list[str] = (), redis: str | None = None, crawl_id: str | None = None) -> dict:
    """Crawl every source once; returns the run's summary (run id, status, counts)."""
    load_sources(sources)                     # a bad sources file is the user's error: say so now
    settings = crawl_settings(db, sources, jobdir=jobdir, progress=progress, overrides=overrides,
                              redis=redis, crawl_id=crawl_id)
    if settings.get("NIANJIAN_REDIS_URL"):    # Redis mode: workers do not touch the database
        from crawler.redis_mode import check_settings
        check_settings(settings)
    else:                                     # likewise an unusable or locked database, and
        with Store(db) as store:              # runs left `running` by a killed crawl
            store.recover_runs()
    process = CrawlerProcess(settings)
    crawler = process.create_crawler("annual_reports")
    process.crawl(crawler)
    process.start()
    ledger = getattr(crawler.spider, "ledger", None)
    if ledger is None:                        # (and then crawler.stats was never set either)
        raise UserError.said("crawl_did_not_start")
    reason = crawler.stats.get_value("finish_reason")
    return {"run_id": ledger.run_id, "finish_reason": reason, **ledger.totals()}


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="python -m crawler.run")
    parser.add_argument("--sources", required=True, metavar="FILE")
    parser.add_argument("--db", required=True, metavar="PATH")
    parser.add_argument("--jobdir", metavar="DIR")
    parser.add_argument("--progress", action="store_true")
    parser.add_argument("--redis", metavar="URL")
    parser.add_argument("--crawl-id", metavar="ID")
    parser.add_argument("-s", "--set", dest="overrides", action="append", default=[], metavar="NAME=VALUE")
    describe(parser, HELP["crawler.run"])
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        summary = crawl(args.db, args.sources, jobdir=args.jobdir, progress=args.progress,
                        overrides=args.overrides, redis=args.redis, crawl_id=args.crawl_id)
    except UserError as error:
        print(error_line("crawler.run", error), file=sys.stderr)
        return error.exit_code
    print(run_summary(summary), file=sys.stderr)
    return 0 if summary["finish_reason"] == "finished" else 1


if __name__ == "__main__":
    sys.exit(main())
