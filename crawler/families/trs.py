"""TRS WCM (拓尔思) columns: `index.html`, `index_1.html` …, the page count written in a script.

Three ways the count is declared (comments are stripped first: portals leave old calls behind):
    createPageHTML(56, 0, "index", "html");                        pages index, index_1 … index_55
    createPageHTML('page_div', 12, 1, 'xlist', 'shtml', 234);       pages xlist, xlist_2 … xlist_12
    var countPage = 56 … "index" + "_" + i + "." + "html"          as the first form
A page past the declared count is never requested, and the pages are made one at a time as
they are asked for: a pager declaring ten million pages costs what the page cap lets through.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, islice
from urllib.parse import urljoin

from parsel import Selector

from crawler import pages

_COMMENTS = re.compile(r"/\*.*?\*/|(?<![:\"'\\])//[^\n]*", re.S)
_ZERO_BASED = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']")
_FROM_TWO = re.compile(r"createPageHTML\(\s*[\"'][^\"']*[\"']\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']")
_COUNT_VAR = re.compile(r"\bcountPage\s*=\s*(\d+)")
_PREFIX = re.compile(r"[\"'](\w+?)_?[\"']\s*\+\s*(?:[\"']_[\"']\s*\+\s*)?\(?\s*(?:i|nextPage|prevPage|endPage|countPage)\b")
_EXTENSION = re.compile(r"\.\s*(?:[\"']\s*\+\s*[\"'])?(s?html?)[\"']")


def scripts(text: str, selector: Selector | None = None) -> str:
    """All inline script text of the page, comments removed. `selector`: the page's, when the
    caller has parsed it already."""
    selector = selector or Selector(text=text or "<html></html>")
    code = "\n".join(selector.xpath("//script/text()").getall())
    return _COMMENTS.sub("", code)


# Each list page names the next one (else the first page declares them all).
CHAINED = False


def recognises(text: str, url: str) -> bool:
    code = scripts(text)
    return "createPageHTML(" in code or bool(_COUNT_VAR.search(code))


def entries(text: str, url: str) -> list[pages.Entry]:
    return pages.report_entries(text, url)


@dataclass(frozen=True)
class Pager:
    """One declared pager: `count` pages named `prefix.ext`, then `prefix_N.ext` from N = `first`
    (1 for the zero-based call and `countPage`, 2 for the call with a container id)."""
    count: int
    prefix: str
    ext: str
    first: int

    def names(self) -> Iterator[str]:
        """The file names of its pages, the first one included, made lazily (the count is the
        portal's word, not a size to allocate)."""
        further = range(self.first, self.first + self.count - 1)
        return chain([f"{self.prefix}.{self.ext}"], (f"{self.prefix}_{n}.{self.ext}" for n in further))


def pagers(text: str, selector: Selector | None = None) -> list[Pager]:
    """Every pager the page's scripts declare: the calls with a container id first, then the
    zero-based calls, each in page order, then the `countPage` form (one per page at most)."""
    code = scripts(text, selector)
    found = [Pager(int(m.group(1)), m.group(3), m.group(4), 2) for m in _FROM_TWO.finditer(code)]
    found += [Pager(int(m.group(1)), m.group(3), m.group(4), 1) for m in _ZERO_BASED.finditer(code)]
    if count := _COUNT_VAR.search(code):
        prefix, ext = _PREFIX.search(code), _EXTENSION.search(code)
        found.append(Pager(int(count.group(1)), prefix.group(1) if prefix else "index",
                           ext.group(1) if ext else "html", 1))
    return found


def page_urls(text: str, url: str) -> Iterator[str]:
    """Every page of the column as its (first) pager declares it, the first page included."""
    declared = pagers(text)
    if not declared:
        return iter(())
    return (pages.fetch_url(urljoin(url, name)) for name in declared[0].names())


def more_pages(text: str, url: str) -> Iterator[pages.ListPage]:
    """Pages 2…N (asked from the first page, which may be `…/` or `…/index.html`)."""
    first = pages.fetch_url(url)
    return (pages.ListPage(page) for page in islice(page_urls(text, url), 1, None) if page != first)
