"""Plain list pages: report links anywhere on the page, further pages by their 下一页 link (or
ASP.NET's 下一页 postback)."""
from __future__ import annotations

from crawler import pages


# Each list page names the next one (else the first page declares them all).
CHAINED = True


def recognises(text: str, url: str) -> bool:
    return True


def entries(text: str, url: str) -> list[pages.Entry]:
    return pages.report_entries(text, url)


def more_pages(text: str, url: str) -> list[pages.ListPage]:
    return pages.next_pages(text, url)
