"""The single writer of a distributed crawl: pops the workers' messages from Redis and applies
them with the same `Writer` as a crawl on one machine (crawler/handover.py: the crawler's Ledger
and IngestPipeline, batches of up to BATCH messages per transaction), then mirrors what the
store knows about each document into Redis for the workers' conditional requests.

A message is moved atomically from `items` to `processing` (LMOVE) and removed from there only
once its batch is committed: an ingester killed midway loses nothing — the next one puts the
`processing` messages back first (a document stored twice is simply `unchanged`).
"""
from __future__ import annotations

import json
import logging
import os
import socket
from typing import Callable

import redis

from crawler.handover import Writer
from crawler.redis_mode.keys import CrawlKeys, worker_id
from nianjian.errors import UserError
from nianjian.sources import Source
from nianjian.store import Store
from nianjian.urls import canonical_url

logger = logging.getLogger(__name__)

MIRROR_BATCH = 1000
BATCH = 100              # messages applied per transaction, at most
LOCK_TTL = 60            # seconds an ingester's claim on a crawl outlives it


# What workers need to ask for a page conditionally (the outcome: a failed page is asked afresh),
# and when it was last fetched: the re-verify rotation (crawler/rotation.py) leaves a stored
# report page for its night.
KNOWN_FIELDS = ("etag", "last_modified", "content_hash", "outcome", "last_fetched")


def _known_row(store: Store, url: str) -> dict | None:
    return store.known_document(url)


def _known_rows(store: Store) -> list[tuple[str, dict]]:
    rows = store.db.execute(f"SELECT url, {', '.join(KNOWN_FIELDS)} FROM documents "
                            "WHERE etag IS NOT NULL OR last_modified IS NOT NULL OR content_hash IS NOT NULL")
    return [(url, dict(zip(KNOWN_FIELDS, values))) for url, *values in rows]


def _close_abandoned_run(store: Store, run_id: int) -> bool:
    """A run left 'running' by a killed ingester is finished as 'interrupted', with its counts."""
    row = store.db.execute("SELECT status FROM runs WHERE id = ? AND kind = 'crawl'", [run_id]).fetchone()
    if row is None or row[0] != "running":
        return False
    outcomes = dict(store.db.execute("SELECT outcome, count(*) FROM fetches WHERE run_id = ? GROUP BY outcome",
                                     [run_id]).fetchall())
    errors = store.db.execute("SELECT count(*) FROM fetches WHERE run_id = ? AND error IS NOT NULL",
                              [run_id]).fetchone()[0]
    store.finish_run(run_id, "interrupted", {"outcomes": outcomes}, errors)
    return True


def _process_gone(holder: str) -> bool:
    """True when the lock holder (host:pid:…) was a process of this machine that has ended."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class RedisIngester:
    def __init__(self, client, keys: CrawlKeys, db_path: str, sources: list[Source]):
        self.client, self.keys = client, keys
        self.me = worker_id()
        self.claim()
        self.writer = Writer(db_path, sources, reject=self._reject)   # a run of kind 'crawl'
        self.ledger, self.totals = self.writer.ledger, self.writer.totals
        previous = self.client.set(self.keys.run, self.ledger.run_id, get=True)
        if previous and self.ledger.submit(_close_abandoned_run, int(previous)).result():
            logger.warning("run %s of a stopped ingester finished as 'interrupted'", int(previous))

    @property
    def run_id(self) -> int:
        return self.ledger.run_id

    # ------------------------------------------------------------------ one ingester per crawl
    def claim(self) -> None:
        """SQLite keeps one writer, and a crawl one ingester: refuse to start beside another."""
        if self.client.set(self.keys.ingester, self.me, nx=True, px=LOCK_TTL * 1000):
            return
        holder = (self.client.get(self.keys.ingester) or b"").decode()
        if holder and not _process_gone(holder):
            raise UserError.said("redis.another_ingester", holder=holder, crawl=self.keys.crawl_id, seconds=LOCK_TTL)
        self.client.set(self.keys.ingester, self.me, px=LOCK_TTL * 1000)

    def release(self) -> None:
        try:
            if (self.client.get(self.keys.ingester) or b"").decode() == self.me:
                self.client.delete(self.keys.ingester)
        except redis.RedisError:      # Redis gone: the claim lapses by itself
            pass

    # ------------------------------------------------------------------ set-up
    def recover(self) -> int:
        """Messages a previous ingester was working on when it stopped go back to the queue."""
        count = 0
        while self.client.lmove(self.keys.processing, self.keys.items, "RIGHT", "RIGHT") is not None:
            count += 1
        self.totals.recovered = count
        return count

    def mirror_known(self) -> int:
        """Every document the store knows, for the workers' If-None-Match / If-Modified-Since."""
        rows = self.ledger.submit(_known_rows).result()
        for start in range(0, len(rows), MIRROR_BATCH):
            self.client.hset(self.keys.known, mapping={
                url: json.dumps(known) for url, known in rows[start:start + MIRROR_BATCH]})
        return len(rows)

    # ------------------------------------------------------------------ the loop
    def crawl_finished(self) -> bool:
        return bool(self.client.exists(self.keys.finished)) and self.client.llen(self.keys.items) == 0

    def run(self, *, wait: float = 1.0, follow: bool = True, batch: int = BATCH,
            on_message: Callable[["RedisIngester"], None] | None = None) -> str:
        """Ingest until the crawl is finished and its queue empty ('finished'), or — with
        follow=False — until the queue is empty ('drained'). `on_message` is called after
        each batch."""
        while True:
            self.client.set(self.keys.ingester, self.me, px=LOCK_TTL * 1000)
            raw = self.client.blmove(self.keys.items, self.keys.processing, wait, "RIGHT", "LEFT")
            if raw is None:
                if self.crawl_finished():
                    return "finished"
                if not follow:
                    return "drained"
                continue
            taken = [raw]
            while len(taken) < batch:           # what else is waiting joins the same transaction
                raw = self.client.lmove(self.keys.items, self.keys.processing, "RIGHT", "LEFT")
                if raw is None:
                    break
                taken.append(raw)
            self.handle(taken)
            for raw in taken:
                self.client.lrem(self.keys.processing, 1, raw)
            if on_message is not None:
                on_message(self)

    def _reject(self, raw: bytes, reason: str) -> None:
        logger.error("crawl %s: message set aside in %s: %s", self.keys.crawl_id, self.keys.rejected, reason)
        self.client.lpush(self.keys.rejected, raw)

    def handle(self, batch: list[bytes]) -> None:
        urls = self.writer.apply(batch)
        # Committed: what the store now knows of these URLs, for the workers' conditional requests.
        # Keyed as documents.url is (the canonical URL), which the workers look up.
        rows = [(canonical_url(url), _known_row(self.ledger.store, url)) for url in urls]
        mirror = {url: json.dumps({k: row[k] for k in KNOWN_FIELDS})
                  for url, row in rows
                  if row and (row.get("etag") or row.get("last_modified") or row.get("content_hash"))}
        if mirror:
            self.client.hset(self.keys.known, mapping=mirror)

    def expire(self, days: float) -> int:
        """A finished crawl's keys (queue, seen URLs, flags) are dropped after `days`: long
        enough to look into, and a late worker still finds the crawl finished meanwhile."""
        keys = list(self.client.scan_iter(match=self.keys.key("*"), count=1000))
        for key in keys:
            self.client.expire(key, int(days * 86400))
        return len(keys)

    def finish(self, reason: str) -> dict:
        """Each source's outcome and the run's totals into the store (as a one-process crawl)."""
        summary = self.writer.finish(reason)
        self.release()
        return summary
