"""The worker side of a distributed crawl: the components the RedisMode add-on puts in place.

- `DistributedScheduler`: scrapy-redis' scheduler (queue and duplicate filter in Redis) that also
  notes every popped request as in flight for this worker until Scrapy is done with it, keeps a
  heartbeat, puts dead workers' in-flight requests back, and keeps the worker running while any
  worker may still add requests.
- `SeedOnce`: only one worker enqueues the start URLs (a late joiner does not re-seed).
- `RedisLedger` / `WorkerStore`: the crawl's record goes to Redis instead of SQLite.
- `RedisItemPipeline`: report documents go to Redis for `nianjian ingest-redis`.
"""
from __future__ import annotations

import functools
import json
import logging
from concurrent.futures import Future, ThreadPoolExecutor

import redis
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.asyncio import create_looping_call, sleep
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.scheduler import Scheduler

from crawler.handover import HandoverLedger, HandoverPipeline
from crawler import messages
from crawler.redis_mode.keys import CLAIM_SEEDING, POP, CrawlKeys, pending, requeue, requeue_dead
from nianjian import clock
from nianjian.sources import Source
from nianjian.urls import canonical_url
from nianjian.store import Store

logger = logging.getLogger(__name__)


# Two uses of Scrapy's engine slot (no public API offers them; checked by tests/distributed):
def _in_progress(engine) -> set:
    # A request stays in the slot from its download until its callback's output (requests
    # scheduled, items through the pipelines) is done; there is no public signal for that
    # moment, and acknowledging a request earlier could lose its results.
    return engine._slot.inprogress


def _wake(engine) -> None:
    # An idle engine looks at its scheduler (and asks whether to close) only every 5 s; other
    # workers' new requests, and the crawl's end, should be seen sooner.
    if engine._slot is not None:
        engine._slot.nextcall.schedule()


class WorkerStore:
    """What a worker has instead of the SQLite store: the store calls the crawler makes become
    messages for the ingester; conditional-request data comes from the ingester's mirror."""

    def __init__(self, client: redis.Redis, keys: CrawlKeys):
        self.client, self.keys = client, keys

    def known_document(self, url: str) -> dict | None:
        raw = self.client.hget(self.keys.known, canonical_url(url))     # mirrored by documents.url
        return json.loads(raw) if raw else None

    def push(self, message: bytes) -> None:
        self.client.lpush(self.keys.items, message)

    def acknowledge(self, worker: str, data: list[bytes]) -> None:
        self.client.hdel(self.keys.inflight(worker), *data)

    def close(self) -> None:
        self.client.close()


class RedisLedger(HandoverLedger):
    """The crawler's Ledger with Redis in place of the store (same thread discipline: every
    Redis write runs on the ledger's one worker thread, in order, off the reactor)."""

    @classmethod
    def from_crawler(cls, crawler, sources: list[Source]) -> "RedisLedger":
        from crawler.redis_mode import crawl_keys
        keys = crawl_keys(crawler.settings)      # the spider (and this) come before the add-on
        client = redis.Redis.from_url(crawler.settings.get("NIANJIAN_REDIS_URL"))
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nianjian-redis")
        return cls(executor, WorkerStore(client, keys), sources, run_id=keys.crawl_id)

    def submit(self, function, *args, **kwargs) -> Future:
        # Middlewares name store methods (Store.known_document): the worker's store answers them.
        if getattr(Store, function.__name__, None) is function:
            function = getattr(WorkerStore, function.__name__)
        return super().submit(function, *args, **kwargs)

    def acknowledge(self, worker: str, data: list[bytes]) -> Future:
        """Requests done: after every message queued before, so none of their results is lost."""
        return self.submit(WorkerStore.acknowledge, worker, data)

    def finish(self, reason: str) -> None:
        """The ingester records the run; the worker only lets its last messages go out."""
        self.submit(WorkerStore.close).result()
        self.executor.shutdown()


class RedisItemPipeline(HandoverPipeline):
    """A worker: hand the document to the single ingester through Redis. If Redis is away,
    its request stays in flight in Redis and is fetched again."""

    transport_errors = (redis.RedisError,)


class SeedOnce:
    """Spider middleware: the first worker of a crawl yields the start requests; the others
    wait until it is done (taking over if it dies first). A re-seed is harmless anyway: the
    shared duplicate filter drops every start URL already queued."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.keys = CrawlKeys.from_settings(crawler.settings)
        self.worker = crawler.settings.get("NIANJIAN_WORKER_ID")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_start(self, start):
        client = self.crawler.engine.scheduler.server
        while True:
            try:
                verdict = client.eval(CLAIM_SEEDING, 1, self.keys.seeded, self.worker, self.keys.alive_prefix)
            except redis.RedisError as error:
                self.crawler.engine.scheduler.lose_redis(error)
                return
            verdict = verdict.decode() if isinstance(verdict, bytes) else verdict
            if verdict == "done":
                logger.info("crawl %s: start URLs already queued by another worker", self.keys.crawl_id)
                return
            if verdict == "seed":
                break
            await sleep(1.0)
        async for request in start:
            yield request
        client.set(self.keys.seeded, "done")


def _unless_redis_lost(default=None):
    """Scheduler methods that talk to Redis: if Redis goes away, the worker stops cleanly (one
    error line, finish reason 'redis_lost') instead of failing in a loop."""
    def wrap(method):
        @functools.wraps(method)
        def guarded(self, *args, **kwargs):
            if self.redis_lost:
                return default
            try:
                return method(self, *args, **kwargs)
            except redis.RedisError as error:
                self.lose_redis(error)
                return default
        return guarded
    return wrap


class DistributedScheduler(Scheduler):
    """scrapy-redis' Scheduler with requests in flight kept in Redis until done (see keys.py)."""

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.keys = CrawlKeys.from_settings(crawler.settings)
        scheduler.worker = crawler.settings.get("NIANJIAN_WORKER_ID")
        scheduler.ttl = crawler.settings.getfloat("NIANJIAN_REDIS_WORKER_TTL", 30.0)
        scheduler.popped = {}            # request → its queue entry, until Scrapy is done with it
        scheduler.poll = crawler.settings.getfloat("NIANJIAN_REDIS_POLL_INTERVAL", 0.5)
        scheduler.loops = []
        scheduler.redis_lost = False
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    # ------------------------------------------------------------------ life cycle
    def open(self, spider):
        super().open(spider)
        if self.server.exists(self.keys.finished):
            logger.warning("crawl %s finished already (at %s): nothing to do; give a new --crawl-id "
                           "to crawl again", self.keys.crawl_id, self.server.get(self.keys.finished).decode())
        self.heartbeat()
        for function, interval in ((self.heartbeat, max(self.ttl / 4, 0.2)), (self.wake, self.poll)):
            loop = create_looping_call(function)
            loop.start(interval, now=False)
            self.loops.append(loop)
        logger.info("worker %s joined crawl %s (%d requests queued)", self.worker, self.keys.crawl_id,
                    len(self.queue))

    def lose_redis(self, error: Exception) -> None:
        if self.redis_lost:
            return
        self.redis_lost = True
        logger.error("crawl %s: lost Redis (%s); this worker stops. Start workers again when Redis is "
                     "back: requests it had in flight come back from Redis if Redis kept its data",
                     self.keys.crawl_id, error)
        self.stop_loops()
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="redis_lost"))

    def stop_loops(self) -> None:
        for loop in self.loops:
            if loop.running:
                loop.stop()

    @_unless_redis_lost()
    def close(self, reason):
        self.stop_loops()
        # Scrapy lets the requests in progress finish before it closes the scheduler (also on a
        # Ctrl-C / SIGTERM shutdown): they are done. Anything else goes back for the others.
        self._wait(self.acknowledge())
        self.server.delete(self.keys.alive(self.worker))
        returned = requeue(self.server, self.keys, self.worker)
        if returned:
            logger.info("worker %s: %d unfinished requests returned to the queue", self.worker, returned)
        super().close(reason)

    @_unless_redis_lost()
    def heartbeat(self) -> None:
        self.server.set(self.keys.alive(self.worker), clock.isoformat(), px=int(self.ttl * 1000))
        self.server.sadd(self.keys.workers, self.worker)
        self.acknowledge()
        if returned := requeue_dead(self.server, self.keys):
            logger.warning("crawl %s: %d requests of dead workers put back in the queue",
                           self.keys.crawl_id, returned)

    def wake(self) -> None:
        _wake(self.crawler.engine)

    # ------------------------------------------------------------------ requests
    @_unless_redis_lost(default=False)
    def enqueue_request(self, request):
        # scrapy-redis' own, without the `spider` argument Scrapy 2.19's stats deprecate
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.queue.push(request)
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    @_unless_redis_lost()
    def next_request(self):
        self.acknowledge()
        data = self.server.eval(POP, 3, self.queue.key, self.keys.inflight(self.worker), self.keys.workers,
                                self.worker)
        if not data:
            return None
        try:
            request = self.queue._decode_request(data)
        except Exception as error:       # written by an incompatible worker version: drop it, loudly
            logger.error("crawl %s: dropped an unreadable queued request: %s", self.keys.crawl_id, error)
            self.server.hdel(self.keys.inflight(self.worker), data)
            return None
        self.popped[request] = data
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def acknowledge(self) -> Future | None:
        """Requests Scrapy is done with leave this worker's in-flight hash."""
        if not self.popped:
            return None
        in_progress = _in_progress(self.crawler.engine)
        done = [request for request in self.popped if request not in in_progress]
        if not done:
            return None
        data = [self.popped.pop(request) for request in done]
        return self.crawler.spider.ledger.acknowledge(self.worker, data)

    @staticmethod
    def _wait(future: Future | None) -> None:
        if future is not None:
            future.result()

    @_unless_redis_lost(default=False)
    def has_pending_requests(self) -> bool:
        return super().has_pending_requests()

    def spider_idle(self, spider) -> None:
        self.check_crawl_done()

    @_unless_redis_lost()
    def check_crawl_done(self) -> None:
        """Close only when the whole crawl is done: nothing queued, nothing in flight anywhere,
        seeding finished (else DontCloseSpider). A dead worker's requests come back when its
        heartbeat expires."""
        self._wait(self.acknowledge())
        requeue_dead(self.server, self.keys)
        state = pending(self.server, self.keys)
        if not state.done:
            raise DontCloseSpider
        if self.server.set(self.keys.finished, clock.isoformat(), nx=True):
            logger.info("crawl %s: all requests done", self.keys.crawl_id)
