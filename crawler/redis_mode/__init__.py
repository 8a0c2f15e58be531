"""Distributed crawling on Redis (scrapy-redis): N workers on any machines share one crawl —
one request queue and one duplicate filter in Redis, so each URL is fetched once — and hand what
they find to a single `nianjian ingest-redis` process, the only writer of the SQLite store.

Switched on by the NIANJIAN_REDIS_URL setting (`nianjian crawl --redis URL`, or
`-s NIANJIAN_REDIS_URL=…`); the `RedisMode` add-on (ADDONS in crawler/settings.py) then puts the
Redis components in place of the SQLite ones. See docs/distributed.md.

scrapy-redis 0.9 and Scrapy 2.19: only scrapy-redis' settings-level parts are used (its
Scheduler, RFPDupeFilter, PriorityQueue), with the project's normal spider and its `start()`;
scrapy-redis' RedisSpider, which relies on the removed `start_requests()` handling, is not.
"""
from __future__ import annotations

import re

from scrapy.utils.misc import load_object

from nianjian import clock
from nianjian.errors import UserError

from crawler.redis_mode.keys import DEFAULT_PREFIX, CrawlKeys, worker_id

CRAWL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
COMPONENTS = "crawler.redis_mode.worker"


def default_crawl_id() -> str:
    """Workers started on the same (Shanghai) day join the same crawl."""
    return clock.now().strftime("%Y-%m-%d")


def check_crawl_id(crawl_id: str) -> str:
    if not CRAWL_ID.match(crawl_id or ""):
        raise UserError.said("redis.bad_crawl_id", crawl_id=crawl_id)
    return crawl_id


def connect(url: str):
    """A Redis client for `url`, checked: a wrong URL or a server that is down is the user's to fix."""
    import redis

    try:
        client = redis.Redis.from_url(url)
        client.ping()
    except ValueError as error:
        raise UserError.said("redis.not_a_redis_url", url=url, error=error) from None
    except redis.RedisError as error:
        raise UserError.said("redis.unreachable", url=url, error=error) from None
    return client


def crawl_keys(settings) -> CrawlKeys:
    """The crawl's keys; the default crawl id, once chosen, is pinned in the settings so every
    component of the worker (created before and after the add-on runs) uses the same."""
    crawl_id = check_crawl_id(settings.get("NIANJIAN_CRAWL_ID") or default_crawl_id())
    if not settings.get("NIANJIAN_CRAWL_ID"):
        settings.set("NIANJIAN_CRAWL_ID", crawl_id, priority="spider")   # above the project's None
    return CrawlKeys(crawl_id, settings.get("NIANJIAN_REDIS_PREFIX") or DEFAULT_PREFIX)


def check_settings(settings) -> None:
    """Before a worker starts: the user's mistakes as UserError (one line, exit 2)."""
    if settings.get("JOBDIR"):
        raise UserError.said("redis.jobdir")
    check_crawl_id(settings.get("NIANJIAN_CRAWL_ID") or default_crawl_id())
    connect(settings.get("NIANJIAN_REDIS_URL")).close()


class RedisMode:
    """Scrapy add-on: nothing unless NIANJIAN_REDIS_URL is set; then the scheduler, duplicate
    filter and request queue live in Redis, and the item pipeline and the crawl's record write to
    Redis instead of SQLite."""

    def update_settings(self, settings) -> None:
        url = settings.get("NIANJIAN_REDIS_URL")
        if not url:
            return
        keys = crawl_keys(settings)
        values = {
            "NIANJIAN_WORKER_ID": settings.get("NIANJIAN_WORKER_ID") or worker_id(),
            "REDIS_URL": url,
            "SCHEDULER": f"{COMPONENTS}.DistributedScheduler",
            "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
            "DUPEFILTER_CLASS": "crawler.fingerprints.DocumentDupeFilter",
            "SCHEDULER_QUEUE_KEY": keys.requests,
            "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
            # A worker that stops leaves the queue and the seen URLs to the others.
            "SCHEDULER_PERSIST": True,
        }
        for name, value in values.items():
            settings.set(name, value, priority="addon")
        settings.replace_in_component_priority_dict(
            "ITEM_PIPELINES", load_object("crawler.handover.HandoverPipeline"), f"{COMPONENTS}.RedisItemPipeline")
        settings.set_in_component_priority_dict("SPIDER_MIDDLEWARES", f"{COMPONENTS}.SeedOnce", 0)
