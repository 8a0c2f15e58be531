"""The Redis keys of one distributed crawl and the few atomic steps (Lua scripts) on them.

Every key of a crawl starts with `<prefix>:<crawl id>:`; the mirror of what the store already
holds (`<prefix>:known`, for conditional requests) is shared by all crawls.

    requests            sorted set   scrapy-redis' request queue (score = -priority)
    dupefilter          set          scrapy-redis' request fingerprints
    inflight:<worker>   hash         requests a worker has popped and not finished (data → score)
    alive:<worker>      string+TTL   the worker's heartbeat; gone = the worker is dead
    workers             set          workers that joined the crawl
    seeded              string       the worker seeding the start URLs, then "done"
    finished            string       set by the worker that saw the crawl's last request done
    items               list         messages for the ingester (documents, fetch records, notes)
    processing          list         messages the ingester is working on
    rejected            list         messages the ingester could not read
    ingester            string+TTL   the ingester storing this crawl (only one may)
    run                 string       the run id in the store of the crawl's (last) ingester
"""
from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass

DEFAULT_PREFIX = "nianjian"

# Pop the best request and note it as in flight for this worker, in one step: a worker killed
# between the two would otherwise lose it. (The worker is listed again in case it had been taken
# for dead: its in-flight requests must count until it is done with them.)
POP = """
local found = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #found == 0 then return false end
redis.call('ZREM', KEYS[1], found[1])
redis.call('HSET', KEYS[2], found[1], found[2])
redis.call('SADD', KEYS[3], ARGV[1])
return found[1]
"""

# Put a worker's in-flight requests back in the queue, unless the worker is still alive
# (KEYS[3] exists); forget the worker. Returns the number requeued, -1 if alive.
REQUEUE = """
if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local entries = redis.call('HGETALL', KEYS[1])
for i = 1, #entries, 2 do redis.call('ZADD', KEYS[2], entries[i + 1], entries[i]) end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[4], ARGV[1])
return #entries / 2
"""

# Requests queued, requests in flight (all workers), seeding state — read at one instant.
PENDING = """
local inflight = 0
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  inflight = inflight + redis.call('HLEN', ARGV[1] .. worker)
end
return {redis.call('ZCARD', KEYS[1]), inflight, redis.call('GET', KEYS[3]) or ''}
"""

# Who seeds: the first worker; a later one only if the seeder died before it was done.
CLAIM_SEEDING = """
local seeder = redis.call('GET', KEYS[1])
if not seeder or seeder == ARGV[1]
   or (seeder ~= 'done' and redis.call('EXISTS', ARGV[2] .. seeder) == 0) then
  redis.call('SET', KEYS[1], ARGV[1])
  return 'seed'
end
if seeder == 'done' then return 'done' end
return 'wait'
"""


def worker_id() -> str:
    """host:pid:random — unique across machines and restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class CrawlKeys:
    crawl_id: str
    prefix: str = DEFAULT_PREFIX

    def key(self, *parts: str) -> str:
        return ":".join((self.prefix, self.crawl_id, *parts))

    @classmethod
    def from_settings(cls, settings) -> "CrawlKeys":
        return cls(settings.get("NIANJIAN_CRAWL_ID"), settings.get("NIANJIAN_REDIS_PREFIX") or DEFAULT_PREFIX)

    requests = property(lambda self: self.key("requests"))
    dupefilter = property(lambda self: self.key("dupefilter"))
    workers = property(lambda self: self.key("workers"))
    seeded = property(lambda self: self.key("seeded"))
    finished = property(lambda self: self.key("finished"))
    items = property(lambda self: self.key("items"))
    processing = property(lambda self: self.key("processing"))
    rejected = property(lambda self: self.key("rejected"))
    ingester = property(lambda self: self.key("ingester"))
    run = property(lambda self: self.key("run"))
    inflight_prefix = property(lambda self: self.key("inflight", ""))
    alive_prefix = property(lambda self: self.key("alive", ""))
    known = property(lambda self: f"{self.prefix}:known")

    def inflight(self, worker: str) -> str:
        return self.inflight_prefix + worker

    def alive(self, worker: str) -> str:
        return self.alive_prefix + worker


@dataclass(frozen=True)
class Pending:
    queued: int
    inflight: int
    seeded: str

    @property
    def done(self) -> bool:
        return self.queued == 0 and self.inflight == 0 and self.seeded == "done"


def pending(client, keys: CrawlKeys) -> Pending:
    queued, inflight, seeded = client.eval(PENDING, 3, keys.requests, keys.workers, keys.seeded,
                                           keys.inflight_prefix)
    return Pending(int(queued), int(inflight), seeded.decode() if isinstance(seeded, bytes) else seeded)


def requeue(client, keys: CrawlKeys, worker: str) -> int:
    """Put a dead (or stopping) worker's in-flight requests back; -1 while it is alive."""
    return int(client.eval(REQUEUE, 4, keys.inflight(worker), keys.requests, keys.alive(worker),
                           keys.workers, worker))


def requeue_dead(client, keys: CrawlKeys) -> int:
    """Requeue the in-flight requests of every worker whose heartbeat has expired."""
    total = 0
    for member in client.smembers(keys.workers):
        worker = member.decode() if isinstance(member, bytes) else member
        if not client.exists(keys.alive(worker)):
            total += max(requeue(client, keys, worker), 0)
    return total
