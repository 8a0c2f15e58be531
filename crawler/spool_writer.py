"""A crawl on one machine: the spider hands its messages over in the spool file beside the
database (nianjian/spool.py) and a writer process of its own applies them, in batches, with the
same `Writer` as a distributed crawl (crawler/handover.py).

    python -m crawler.spool_writer --db DB --sources FILE --spool FILE [--parent PID] [--batch N] [--readers N]

The spider's ledger (`SpoolLedger`) starts the writer when the crawl opens and waits for it when
the crawl closes. The writer prints one JSON line with its run id once the store is open, and
one with the run's summary at the end. It stops when the crawl has ended and every message is
applied, or — if the crawl process dies — once it has applied what was handed over.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from crawler import messages
from crawler.handover import HandoverLedger, Writer
from nianjian.errors import UserError
from nianjian.sources import Source, load_sources
from nianjian.spool import Spool
from nianjian.store import Store

logger = logging.getLogger(__name__)

POLL = 0.1               # seconds between an idle writer's looks at the spool


class SpoolStore(Store):
    """The spider's store: it reads the database (conditional requests); its writes go into
    the spool for the writer."""

    def __init__(self, db_path: str, spool: Spool):
        super().__init__(db_path)
        self.spool = spool

    def push(self, message: bytes) -> None:
        self.spool.put(message)

    def close(self) -> None:
        super().close()
        self.spool.close()


class SpoolLedger(HandoverLedger):
    """The spider's ledger of a crawl on one machine: it starts the writer process and hands
    it every fetch record, note and report document through the spool."""

    process: subprocess.Popen
    command: list[str]
    summary: dict | None = None

    @classmethod
    def start(cls, settings, sources_path: str, sources: list[Source]) -> "SpoolLedger":
        db = settings.get("NIANJIAN_DB")
        spool_path = settings.get("NIANJIAN_SPOOL") or f"{db}.spool"
        spool = Spool(spool_path)
        spool.begin()
        command = [sys.executable, "-m", "crawler.spool_writer", "--db", db, "--sources", sources_path,
                   "--spool", spool_path, "--parent", str(os.getpid()),
                   "--batch", str(settings.getint("NIANJIAN_WRITER_BATCH", 100)),
                   "--readers", str(settings.getint("NIANJIAN_WRITER_READERS", 1)),
                   "--log-level", settings.get("LOG_LEVEL", "INFO")]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        ready = _last_json(process.stdout.readline())
        if ready is None:
            process.wait()
            raise RuntimeError(f"the crawl's writer did not start (exit status {process.returncode})")
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nianjian-spool")
        store = executor.submit(SpoolStore, db, spool).result()
        ledger = cls(executor, store, sources, ready["run_id"])
        ledger.process, ledger.command = process, command
        return ledger

    def finish(self, reason: str) -> None:
        """Mark the crawl's end in the spool and wait for the writer to apply everything."""
        def end(store: SpoolStore) -> None:
            store.spool.end(reason)
            store.close()

        self.submit(end).result()
        self.executor.shutdown()
        output = self.process.communicate()[0]
        if self.process.returncode != 0:       # the spool kept everything: a new writer applies it
            logger.error("the crawl's writer stopped (exit status %s); applying the spool again",
                         self.process.returncode)
            output = subprocess.run(self.command, stdout=subprocess.PIPE, text=True).stdout
        self.summary = _last_json(output)

    def totals(self) -> dict:
        if self.summary is None:
            return super().totals()
        return {k: v for k, v in self.summary.items() if k not in ("run_id", "finish_reason")}


def _last_json(output: str) -> dict | None:
    lines = [line for line in (output or "").splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else None


def drain(spool: Spool, writer: Writer, *, batch: int = 100, parent: int | None = None) -> str:
    """Apply the spool's messages in order, `batch` per transaction, until the crawl has ended
    (its reason) or its process is gone ('interrupted') and nothing is left."""
    identity = spool.identity
    through = writer.store.spool_applied(identity)
    spool.drop_through(through)               # applied before a stop, not yet deleted
    while True:
        ended = spool.ended()                 # read first: the end comes after the last message
        rows = spool.take(through, batch)
        if rows:
            last = rows[-1][0]
            writer.apply([body for _, body in rows],
                         then=lambda store: store.set_spool_applied(identity, last))
            through = last
            spool.drop_through(through)
        elif ended is not None:
            return ended
        elif parent is not None and os.getppid() != parent:
            return "interrupted"
        else:
            time.sleep(POLL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.spool_writer", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--sources", required=True)
    parser.add_argument("--spool", required=True)
    parser.add_argument("--parent", type=int, help="the crawl's process id: stop when it is gone")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--readers", type=int, default=1,
                        help="processes reading (parsing) documents beside the writer; 0: in the writer's own")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s [writer] %(levelname)s: %(message)s")
    try:
        sources = load_sources(args.sources)
        spool = Spool(args.spool)
        writer = Writer(args.db, sources, reject=spool.reject, readers=args.readers)
    except UserError as error:
        print(f"crawler.spool_writer: error: {error}", file=sys.stderr)
        return error.exit_code           # 75 for a database locked by another process
    print(json.dumps({"run_id": writer.run_id}), flush=True)
    reason = drain(spool, writer, batch=args.batch, parent=args.parent)
    summary = writer.finish(reason)
    spool.close()
    print(json.dumps(summary, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
