"""Extensions: the live progress table of `nianjian crawl` (pages fetched, reports found,
errors, per source), drawn with rich on stderr. Enabled by NIANJIAN_PROGRESS = True."""
from __future__ import annotations

import logging
import sys

from rich.console import Console
from rich.live import Live
from rich.table import Table
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call


class CrawlProgress:
    def __init__(self, crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.live: Live | None = None
        self.loop = None
        self.redirected: list[logging.StreamHandler] = []

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("NIANJIAN_PROGRESS"):
            raise NotConfigured
        extension = cls(crawler, crawler.settings.getfloat("NIANJIAN_PROGRESS_INTERVAL", 0.5))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def table(self) -> Table:
        ledger = getattr(self.crawler.spider, "ledger", None)
        table = Table(title=f"crawl run {ledger.run_id if ledger else '?'}", title_justify="left")
        for column in ("source", "pages fetched", "list pages", "reports", "not modified", "errors", "blocked"):
            table.add_column(column, justify="left" if column == "source" else "right")
        if ledger is None:
            return table
        for source_id, tally in ledger.tallies.items():
            table.add_row(source_id, str(tally.fetched), str(tally.lists), str(tally.reports),
                          str(tally.not_modified), str(tally.errors), str(tally.blocked))
        totals = ledger.totals()
        table.add_row("[bold]all", str(totals["fetched"]), str(totals["lists"]), str(totals["reports"]),
                      str(sum(t.not_modified for t in ledger.tallies.values())), str(totals["errors"]),
                      str(sum(t.blocked for t in ledger.tallies.values())))
        return table

    def refresh(self) -> None:
        if self.live is not None:
            self.live.update(self.table(), refresh=True)

    def spider_opened(self, spider) -> None:
        self.live = Live(self.table(), console=Console(stderr=True), auto_refresh=False, transient=False)
        original = sys.stderr
        self.live.start()
        # Log lines (warnings, download errors) print above the table instead of through it:
        # Scrapy's handler writes to the stderr it saw at start, so point it at rich's proxy.
        self.redirected = [h for h in logging.root.handlers
                           if isinstance(h, logging.StreamHandler) and h.stream is original]
        for handler in self.redirected:
            handler.setStream(sys.stderr)
        self.loop = create_looping_call(self.refresh)
        self.loop.start(self.interval)

    def spider_closed(self, spider, reason) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.live is not None:
            self.live.update(self.table(), refresh=True)
            self.live.stop()
            for handler in self.redirected:
                handler.setStream(sys.stderr)
            if not self.live.console.is_terminal:
                self.live.console.line()     # a log file gets the table's last line ended
