"""One small strategy per CMS family: how a column page lists its reports and its further pages.

Each family module offers
    entries(text, url) -> list[pages.Entry]             reports listed in this response
    more_pages(text, url) -> Iterable[pages.ListPage]   the column's other list pages, made lazily
                                                        (the spider stops at its page cap)
and the spider picks the family from the source's `cms` hint or, for `auto`, by `detect`.
"""
from __future__ import annotations

from collections.abc import Iterable

from crawler.families import gkmlpt, hanweb, plain, trs
from crawler.pages import ListPage

FAMILIES = {"trs": trs, "hanweb": hanweb, "gkmlpt": gkmlpt, "plain": plain}


def further_pages(family, text: str, url: str, first: bool) -> Iterable[ListPage]:
    """The list pages a column page leads to: a family whose first page declares them all (TRS,
    Hanweb) is asked on that page only; a chained family's every page names the next one."""
    return family.more_pages(text, url) if first or family.CHAINED else ()


def detect(text: str, url: str) -> str:
    """The family a column page belongs to, from its URL and markup."""
    for name in ("gkmlpt", "hanweb", "trs"):
        if FAMILIES[name].recognises(text, url):
            return name
    return "plain"
