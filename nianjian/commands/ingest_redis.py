"""`nianjian ingest-redis --redis URL`: the single writer of a distributed crawl — store what the
workers (`nianjian crawl --redis URL`) put in Redis, until the crawl is finished."""
from __future__ import annotations

import os
import sys
import time

from rich.console import Console
from rich.live import Live

from nianjian.cli import add_db_argument
from nianjian.commands import WORDS, outcomes, run_summary
from nianjian.commands.crawl import DEFAULT_SOURCES

KEEP_DAYS = 7.0
REFRESH = 0.2            # seconds between updates of the live line


def register(subparsers) -> None:
    parser = subparsers.add_parser("ingest-redis")
    parser.add_argument("--redis", metavar="URL", default=os.environ.get("NIANJIAN_REDIS_URL"))
    parser.add_argument("--crawl-id", metavar="ID")
    parser.add_argument("--sources", default=DEFAULT_SOURCES, metavar="FILE")
    add_db_argument(parser)
    parser.add_argument("--once", action="store_true")
    parser.add_argument("--batch", metavar="N", type=int, default=100)
    parser.add_argument("--keep-days", metavar="N", type=float, default=KEEP_DAYS)
    parser.add_argument("--no-progress", dest="progress", action="store_false")
    parser.set_defaults(func=run)


def _status(ingester) -> str:
    totals = ingester.totals
    return WORDS["ingest_redis"]["status"].format(
        crawl=ingester.keys.crawl_id, run=ingester.run_id, messages=totals.messages,
        documents=totals.documents, outcomes=outcomes(totals.statuses) or WORDS["ingest_redis"]["none_yet"],
        fetches=totals.fetches, rejected=totals.rejected, waiting=ingester.client.llen(ingester.keys.items))


def run(args) -> int:
    import redis

    from crawler.redis_mode import CrawlKeys, check_crawl_id, connect, default_crawl_id
    from crawler.redis_mode.ingester import RedisIngester
    from nianjian.errors import UserError
    from nianjian.sources import load_sources

    if not args.redis:
        raise UserError.said("redis.no_redis")
    sources = load_sources(args.sources)
    client = connect(args.redis)
    keys = CrawlKeys(check_crawl_id(args.crawl_id or default_crawl_id()))
    ingester = RedisIngester(client, keys, args.db, sources)
    try:
        return _ingest(ingester, keys, args)
    except redis.RedisError as error:
        raise UserError.said("redis.lost_redis", url=args.redis, error=error, run=ingester.run_id) from None


def _ingest(ingester, keys, args) -> int:
    console, words = Console(stderr=True), WORDS["ingest_redis"]
    recovered = ingester.recover()
    if recovered:
        console.print(words["recovered"].format(count=recovered), markup=False, highlight=False)
    console.print(words["mirrored"].format(count=ingester.mirror_known()), markup=False, highlight=False)
    reason = "interrupted"
    try:
        if args.progress:
            with Live(_status(ingester), console=console, auto_refresh=False, transient=True) as live:
                shown = [0.0]

                def refresh(current) -> None:
                    if time.monotonic() - shown[0] >= REFRESH:
                        live.update(_status(current), refresh=True)
                        shown[0] = time.monotonic()

                reason = ingester.run(follow=not args.once, batch=args.batch, on_message=refresh)
                live.update(_status(ingester), refresh=True)
        else:
            reason = ingester.run(follow=not args.once, batch=args.batch)
    finally:
        # A run stored before its crawl finished is 'partial' (like an interrupted crawl's run).
        summary = ingester.finish({"finished": "finished", "drained": "partial"}.get(reason, reason))
    if reason == "finished":
        ingester.expire(args.keep_days)
    ended = words["crawl_finished" if reason == "finished" else "crawl_not_finished"]
    print(f"{_status(ingester)}；{ended}", file=sys.stderr)
    print(run_summary(summary), file=sys.stderr)
    if ingester.totals.rejected:
        print(words["rejected"].format(count=ingester.totals.rejected, key=keys.rejected), file=sys.stderr)
        return 1
    return 0
