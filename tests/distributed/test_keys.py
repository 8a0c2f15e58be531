"""The atomic steps on a crawl's keys (Lua scripts in crawler/redis_mode/keys.py), on a real Redis."""
from __future__ import annotations

import redis

from crawler.redis_mode.keys import CLAIM_SEEDING, POP, CrawlKeys, Pending, pending, requeue, requeue_dead

KEYS = CrawlKeys("k")


def claim(client, worker: str) -> str:
    return client.eval(CLAIM_SEEDING, 1, KEYS.seeded, worker, KEYS.alive_prefix).decode()


def pop(client, worker: str):
    return client.eval(POP, 3, KEYS.requests, KEYS.inflight(worker), KEYS.workers, worker)


def test_one_seeder_and_a_takeover_when_it_dies(redis_url):
    client = redis.Redis.from_url(redis_url)
    client.set(KEYS.alive("a"), "1")
    assert claim(client, "a") == "seed"
    assert claim(client, "b") == "wait"              # a is alive and seeding
    assert claim(client, "a") == "seed"              # a asking again keeps it
    client.delete(KEYS.alive("a"))                   # a died before it was done
    assert claim(client, "b") == "seed"
    assert client.get(KEYS.seeded) == b"b"
    client.set(KEYS.seeded, "done")
    assert claim(client, "c") == "done"


def test_popped_requests_stay_in_flight_until_requeued_from_a_dead_worker(redis_url):
    client = redis.Redis.from_url(redis_url)
    client.zadd(KEYS.requests, {b"list": 0, b"report-1": -10, b"report-2": -10})
    client.set(KEYS.alive("a"), "1")
    client.set(KEYS.alive("b"), "1")
    assert pop(client, "a") == b"report-1"           # best priority first (score -priority)
    assert pop(client, "b") == b"report-2"
    assert client.hgetall(KEYS.inflight("a")) == {b"report-1": b"-10"}
    assert pending(client, KEYS) == Pending(queued=1, inflight=2, seeded="") and not pending(client, KEYS).done
    assert requeue(client, KEYS, "a") == -1          # alive: nothing taken from it
    assert requeue_dead(client, KEYS) == 0
    client.delete(KEYS.alive("a"))                   # a's heartbeat expired
    assert requeue_dead(client, KEYS) == 1
    assert client.zrange(KEYS.requests, 0, -1, withscores=True) == [(b"report-1", -10.0), (b"list", 0.0)]
    assert not client.exists(KEYS.inflight("a"))
    assert client.smembers(KEYS.workers) == {b"b"}
    client.hdel(KEYS.inflight("b"), b"report-2")     # b finished its request
    client.delete(KEYS.requests)
    client.set(KEYS.seeded, "done")
    assert pending(client, KEYS).done
