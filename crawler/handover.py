"""The one path a crawl's results take into the store: the spider hands messages over
(crawler/messages.py: documents, fetch records, notes) and a single `Writer` applies them in
batches, one transaction per batch, through `nianjian.ingest` and the crawl's `Ledger`.

Two transports carry the messages to the writer: the spool file beside the database for a crawl
on one machine (crawler/spool_writer.py, the writer in a process of its own), Redis for a
distributed crawl (crawler/redis_mode/ingester.py). Parsing, checking and storing thus never run
in the crawling process, and the writer stores many reports per commit.
"""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from collections import Counter
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from types import SimpleNamespace
from typing import Callable

from crawler import messages
from crawler.items import ReportDocument
from crawler.ledger import Fetch, Ledger, log_failure
from crawler.pipelines import IngestPipeline, ReportDocumentPipeline
from nianjian.ingest import IngestResult, Reading, content_hash, read_document
from nianjian.sources import Source
from nianjian.store import Store

logger = logging.getLogger(__name__)


class InlineExecutor:
    """Runs each call at once in the calling thread: the writer's store calls, in order."""

    def submit(self, function, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(function(*args, **kwargs))
        except BaseException as error:     # kept in the future, as a thread pool would
            future.set_exception(error)
        return future

    def shutdown(self, wait: bool = True) -> None:
        pass


class Readers:
    """Where the writer reads its documents (nianjian.ingest.read_document: parse, agency, the
    checks of the document's own content): in `processes` processes of its own, so that while
    the writer stores one document the next ones are being read — a crawl's writer then uses a
    second core; with 0, in the writer's process. Reading is pure: a document read but not
    stored (the writer stopped) is simply read again by the next writer."""

    def __init__(self, sources: dict[str, Source], processes: int = 1):
        self.sources = sources
        self.processes = processes
        self.pool: ProcessPoolExecutor | None = None
        self.pending: dict[int, tuple[ReportDocument, Future]] = {}   # id(item) → read ahead

    def _executor(self):
        if not self.processes:
            return InlineExecutor()
        if self.pool is None:
            # fork: a reader starts at once with the parser imported, and never runs the writer's
            # main module again; it never touches the writer's database connection.
            self.pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("fork"),
                                            initializer=_follow_writer, initargs=(os.getpid(),))
        return self.pool

    def _submit(self, item: ReportDocument) -> Future:
        arguments = dict(body=item.body, url=item.url, content_type=item.content_type,
                         filename=item.filename, source=self.sources.get(item.source_id), agency_hint=None,
                         listed_title=item.listed_title, published_hint=item.published_hint,
                         expected_year=item.expected_year, unread_attachments=item.unread_attachments,
                         missing_parts=item.missing_parts,
                         pictures=item.pictures)
        try:
            return self._executor().submit(read_document, **arguments)
        except BrokenProcessPool:        # a reader died since the last look: a new one
            self.close()
            return self._executor().submit(read_document, **arguments)

    def ahead(self, items: list[ReportDocument]) -> None:
        """Start reading a batch's documents, in order."""
        for item in items:
            self.pending[id(item)] = (item, self._submit(item))

    def read(self, item: ReportDocument) -> Reading:
        _, future = self.pending.pop(id(item), (item, None))
        future = future or self._submit(item)
        for again in (True, False):
            try:
                return future.result()
            except BrokenProcessPool:
                pass
            # A reader died (a parser's crash, memory): a new one reads this document first, then
            # those read ahead; if it dies on this document again, that is the document's doing.
            self.close()
            future = self._submit(item) if again else None
            self.pending = {key: (other, done if _succeeded(done) else self._submit(other))
                            for key, (other, done) in self.pending.items()}
        logger.error("%s: the reading process died on this document", item.url)
        return Reading(content_hash(item.body), result=IngestResult("error", problems=[
            {"code": "PARSER_CRASHED", "detail": "the reading process died on this document"}]))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None


def _follow_writer(writer: int) -> None:
    """In a reader: end when the writer is gone (a writer killed cannot shut its readers down,
    and they would wait for work forever)."""
    def watch() -> None:
        while os.getppid() == writer:
            time.sleep(1)
        os._exit(0)
    threading.Thread(target=watch, daemon=True).start()


def _succeeded(future: Future) -> bool:
    return future.done() and future.exception() is None


@dataclass
class IngestTotals:
    messages: int = 0
    documents: int = 0
    fetches: int = 0
    rejected: int = 0
    recovered: int = 0
    statuses: Counter = field(default_factory=Counter)     # ingest status of each document


class Writer:
    """The single writer of a crawl: a run in the store, and the crawler's own IngestPipeline
    and Ledger (the same code as ever), their store calls made inline inside a batch."""

    def __init__(self, db_path: str, sources: list[Source],
                 reject: Callable[[bytes, str], None], readers: int = 1):
        self.sources = {source.id: source for source in sources}
        self.reject = reject                     # where an unreadable message is kept
        self.ledger = Ledger.open(db_path, sources, executor=InlineExecutor())
        self.readers = Readers(self.sources, readers)
        self.pipeline = IngestPipeline(SimpleNamespace(spider=SimpleNamespace(ledger=self.ledger)),
                                       read=self.readers.read)
        self.loop = asyncio.new_event_loop()
        self.totals = IngestTotals()

    @property
    def store(self) -> Store:
        return self.ledger.store

    @property
    def run_id(self) -> int:
        return self.ledger.run_id

    def apply(self, batch: list[bytes], then: Callable[[Store], None] | None = None) -> list[str]:
        """Apply the messages in one transaction (with `then(store)`, e.g. the transport's
        progress, inside it); the URLs whose fetch records were written."""
        decoded = [message for message in map(self._decode, batch) if message is not None]
        self.readers.ahead([message["item"] for message in decoded if message["type"] == "document"])
        urls: list[str] = []
        with self.store.batch():
            for message in decoded:
                urls += self._apply(message)
            if then is not None:
                then(self.store)
        return urls

    def _decode(self, raw: bytes) -> dict | None:
        self.totals.messages += 1
        try:
            message = messages.decode(raw)
            if message["source"] not in self.sources:
                raise messages.BadMessage(f"source '{message['source']}' is not in the sources file")
        except messages.BadMessage as error:
            self.reject(raw, str(error))
            self.totals.rejected += 1
            return None
        return message

    def _apply(self, message: dict) -> list[str]:
        source_id, kind = message["source"], message["type"]
        if kind == "note":
            self.ledger.note(source_id, message.get("message") or "", error=bool(message.get("error")))
            return []
        if kind == "fetch":
            self.totals.fetches += 1
            self.ledger.record(source_id, message["fetch"])
            return [message["fetch"].url]
        item = message["item"]
        self.loop.run_until_complete(self.pipeline.process_item(item))
        self.totals.documents += 1
        self.totals.statuses[item.fetch.outcome] += 1
        return [item.fetch.url]

    def finish(self, reason: str) -> dict:
        """Each source's outcome and the run's totals into the store; closes it."""
        self.ledger.finish(reason)
        self.loop.close()
        self.readers.close()
        return {"run_id": self.run_id, "finish_reason": reason, **self.ledger.totals()}


class HandoverLedger(Ledger):
    """The spider's Ledger when another process stores: fetch records, notes and documents
    become messages, pushed by the store stand-in (`push`) on the ledger's thread, in order. The tallies are the spider's own, for display."""

    def record(self, source_id: str, fetch: Fetch) -> None:
        # The whole record, its `kind` too: the writer's tally of failed report pages needs it.
        self.count(source_id, fetch)
        self.submit(lambda store: store.push(messages.fetch_message(source_id, asdict(fetch)))
                    ).add_done_callback(log_failure)

    def note(self, source_id: str, message: str, *, error: bool = True) -> None:
        super().note(source_id, message, error=error)
        self.submit(lambda store: store.push(messages.note_message(source_id, message, error)))

    def queue_document(self, item: ReportDocument) -> Future:
        """Hand a report document (and its fetch records) to the writer."""
        return self.submit(lambda store: store.push(messages.document_message(item)))

    def document_queued(self, source_id: str) -> None:
        tally = self.tallies[source_id]
        tally.fetched += 1
        tally.reports += 1            # in the spider's table: report documents handed over


class HandoverPipeline(ReportDocumentPipeline):
    """Hands each report document to the writer; parsing and storing happen there."""

    transport_errors: tuple = ()      # a transport that can fail for a while (Redis) names them

    async def process_document(self, item: ReportDocument) -> None:
        ledger = self.crawler.spider.ledger
        try:
            await asyncio.wrap_future(ledger.queue_document(item))
        except self.transport_errors as error:   # its request is fetched again (Redis: in flight)
            logger.warning("%s: not handed over (%s)", item.url, error)
        else:
            ledger.document_queued(item.source_id)
