"""The crawl's record in the store: one run, every fetch (success or failure, with its timing),
and each source's outcome at the end (`source_runs`, which feeds the source_failing alert).

The spider opens it; the downloader middlewares and the item pipeline write through it; the
progress display reads its tallies. The store (and ingesting, which parses PDFs) lives on one
worker thread of its own, so the Twisted reactor never waits on SQLite or a parser: a slow parse
must not make downloads miss their timeouts.
"""
from __future__ import annotations

import asyncio
import logging
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from scrapy.exceptions import IgnoreRequest

from nianjian.ingest import content_hash
from nianjian.sources import Source
from nianjian.store import Store

logger = logging.getLogger(__name__)

# Fetch outcomes (the `outcome` column of `fetches`) and what they count as for the source.
LIST = "list"                       # a list (or column entry) page read
FAILURES = {"http_error", "error", "blocked", "robots", "parse_error", "needs_browser"}
# Never sent (crawler/origins.py, robots.txt), or dropped as a redirect to a page already asked for.
NOT_SENT = {"robots", "offsite", "private_address", "bad_link", "duplicate"}
# A report page stored without some of its parts (PARTS_MISSING): a report, and a failure, so
# the next crawl fetches it afresh rather than skip it as unchanged.
PARTS_MISSING = "parts_missing"
REPORT_STATUSES = {"stored", "new_version", "unchanged", "unreadable", "partly_read", PARTS_MISSING}
# A report page or attachment with one of these outcomes failed: its source is `partial`. A page
# listed as a report that holds no report (`not_a_report`) is most likely a bot wall with no
# marker; robots.txt refusals are the portal's choice, not a failure.
REPORT_KINDS = ("detail", "attachment")
# A later part of a report page split over pages (`…_1.html`): read into the page's document.
PART = "part"
# The fetches whose failure is a report's (the report page, its attachment, a part of it).
REPORT_FETCH_KINDS = (*REPORT_KINDS, PART)
REPORT_FAILURES = {"http_error", "error", "blocked", "not_a_report", PARTS_MISSING}


class NotDue(IgnoreRequest):
    """A stored report page left for its night of the re-verify rotation (crawler/rotation.py):
    not fetched, so nothing is recorded."""


@dataclass
class Fetch:
    """What one HTTP exchange gave: the arguments of `Store.record_fetch`."""
    url: str
    final_url: str | None = None
    status: int | None = None
    content_type: str | None = None
    encoding: str | None = None
    size: int | None = None
    content_hash: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    elapsed_ms: int | None = None
    outcome: str | None = None
    error: str | None = None
    rendered: str | None = None         # why the page went through the browser (crawler/browser.py)
    kind: str | None = None         # the request's kind: list, entry, detail, attachment (not stored)

    @classmethod
    def of_response(cls, url: str, request, response) -> "Fetch":
        headers = response.headers
        text = lambda name: (headers.get(name) or b"").decode("latin-1") or None  # noqa: E731
        latency = request.meta.get("download_latency")
        return cls(url=url, final_url=response.url, status=response.status,
                   content_type=text("Content-Type"), encoding=getattr(response, "encoding", None),
                   size=len(response.body), content_hash=content_hash(response.body),
                   etag=text("ETag"), last_modified=text("Last-Modified"), kind=request.meta.get("kind"),
                   elapsed_ms=round(latency * 1000) if latency is not None else None,
                   rendered=request.meta.get("rendered"))


@dataclass
class Tally:
    """One source's counts during the run (shown live by `nianjian crawl`)."""
    fetched: int = 0
    lists: int = 0
    reports: int = 0              # report documents stored, updated or confirmed unchanged
    not_modified: int = 0         # report pages the server said had not changed (304)
    errors: int = 0
    blocked: int = 0
    report_failures: int = 0      # report pages or attachments that failed (REPORT_FAILURES)
    outcomes: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)


class Ledger:
    def __init__(self, executor: ThreadPoolExecutor, store: Store, sources: list[Source], run_id: int):
        self.executor = executor
        self.store = store              # touch only on the executor's thread (see `call`)
        self.sources = {source.id: source for source in sources}
        self.run_id = run_id
        self.tallies = {source.id: Tally() for source in sources}

    @classmethod
    def open(cls, db_path: str, sources: list[Source], executor=None) -> "Ledger":
        """A new run in the store. `executor`: where store calls run (default: a thread of
        their own; the writer process, which has no reactor to keep free, runs them inline)."""
        executor = executor or ThreadPoolExecutor(max_workers=1, thread_name_prefix="nianjian-store")

        def start() -> tuple[Store, int]:
            store = Store(db_path)
            store.sync_agencies(sources)
            return store, store.start_run("crawl")

        store, run_id = executor.submit(start).result()
        return cls(executor, store, sources, run_id)

    def submit(self, function, *args, **kwargs) -> Future:
        """Run `function(store, *args, **kwargs)` on the store's thread."""
        return self.executor.submit(function, self.store, *args, **kwargs)

    async def call(self, function, *args, **kwargs):
        """Await `function(store, *args, **kwargs)` run on the store's thread."""
        return await asyncio.wrap_future(self.submit(function, *args, **kwargs))

    # ------------------------------------------------------------------ writes
    def record(self, source_id: str, fetch: Fetch) -> None:
        """One fetch, whatever its outcome (written in the background, in order)."""
        self.submit(_record_fetch, self.run_id, source_id, fetch).add_done_callback(log_failure)
        self.count(source_id, fetch)

    def count(self, source_id: str, fetch: Fetch) -> None:
        tally = self.tallies[source_id]
        tally.outcomes[fetch.outcome] += 1
        tally.fetched += fetch.outcome not in (*NOT_SENT, "unsupported", "not_modified")
        tally.lists += fetch.outcome == LIST
        tally.not_modified += fetch.outcome == "not_modified"
        tally.reports += fetch.outcome in REPORT_STATUSES
        tally.blocked += fetch.outcome == "blocked"
        tally.errors += fetch.outcome in FAILURES
        tally.report_failures += fetch.kind in REPORT_FETCH_KINDS and fetch.outcome in REPORT_FAILURES

    def note(self, source_id: str, message: str, *, error: bool = True) -> None:
        """Something about a source that is no single fetch (no column link found, page cap)."""
        tally = self.tallies[source_id]
        tally.notes.append(message)
        tally.errors += error

    # ------------------------------------------------------------------ the end
    def source_status(self, source_id: str) -> str:
        tally = self.tallies[source_id]
        if tally.outcomes["needs_browser"]:
            return "needs_browser"
        if tally.lists == 0:
            return "blocked" if tally.blocked else "failed"
        return "partial" if tally.report_failures else "ok"

    def totals(self) -> dict:
        total = Counter()
        for tally in self.tallies.values():
            total.update(tally.outcomes)
        return {"fetched": sum(t.fetched for t in self.tallies.values()),
                "lists": sum(t.lists for t in self.tallies.values()),
                "reports": sum(t.reports for t in self.tallies.values()),
                "errors": sum(t.errors for t in self.tallies.values()),
                "outcomes": dict(sorted(total.items(), key=lambda kv: str(kv[0])))}

    def finish(self, reason: str) -> None:
        """Each source's outcome, then the run's; closes the store."""
        rows = []
        for source_id, tally in self.tallies.items():
            outcomes = ", ".join(f"{k} {v}" for k, v in sorted(tally.outcomes.items(), key=lambda kv: str(kv[0])))
            message = "; ".join([*tally.notes, outcomes] if outcomes else tally.notes) or "nothing fetched"
            rows.append((source_id, dict(status=self.source_status(source_id), lists=tally.lists,
                                         reports=tally.reports, errors=tally.errors, message=message)))
        totals = self.totals()

        def write(store: Store) -> None:
            for source_id, row in rows:
                store.record_source_run(self.run_id, source_id, **row)
            store.finish_run(self.run_id, "ok" if reason == "finished" else reason, totals, totals["errors"])
            store.close()

        self.submit(write).result()
        self.executor.shutdown()


def _record_fetch(store: Store, run_id: int, source_id: str, fetch: Fetch) -> None:
    store.record_fetch(
        run_id, source_id, fetch.url, final_url=fetch.final_url, status=fetch.status,
        content_type=fetch.content_type, encoding=fetch.encoding, size=fetch.size,
        content_hash=fetch.content_hash, etag=fetch.etag, last_modified=fetch.last_modified,
        outcome=fetch.outcome, error=fetch.error, elapsed_ms=fetch.elapsed_ms, rendered=fetch.rendered)


def log_failure(future: Future) -> None:
    if future.exception() is not None:
        logger.error("could not record a fetch: %s", future.exception())
