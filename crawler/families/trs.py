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


def scripts(text: str) -> str:
    """All inline script text of the page, comments removed."""
    code = "\n".join(Selector(text=text or "<html></html>").xpath("//script/text()").getall())
    return _COMMENTS.sub("", code)


# Each list page names the next one (else the first page declares them all).
CHAINED = False


def recognises(text: str, url: str) -> bool:
    code = scripts(text)
    return "createPageHTML(" in code or bool(_COUNT_VAR.search(code))


def entries(text: str, url: str) -> list[pages.Entry]:
    return pages.report_entries(text, url)


def page_urls(text: str, url: str) -> Iterator[str]:
    """Every page of the column as the script declares it, the first page included, made
    lazily (the count is the portal's word, not a size to allocate)."""
    code = scripts(text)
    if found := _FROM_TWO.search(code):
        count, prefix, ext = int(found.group(1)), found.group(3), found.group(4)
        further = range(2, count + 1)
    elif (found := _ZERO_BASED.search(code)) or (found := _COUNT_VAR.search(code)):
        count = int(found.group(1))
        if found.re is _ZERO_BASED:
            prefix, ext = found.group(3), found.group(4)
        else:
            prefix_match, ext_match = _PREFIX.search(code), _EXTENSION.search(code)
            prefix = prefix_match.group(1) if prefix_match else "index"
            ext = ext_match.group(1) if ext_match else "html"
        further = range(1, count)
    else:
        return iter(())
    names = chain([f"{prefix}.{ext}"], (f"{prefix}_{n}.{ext}" for n in further))
    return (pages.canonical_url(urljoin(url, name)) for name in names)


def more_pages(text: str, url: str) -> Iterator[pages.ListPage]:
    """Pages 2…N (asked from the first page, which may be `…/` or `…/index.html`)."""
    first = pages.canonical_url(url)
    return (pages.ListPage(page) for page in islice(page_urls(text, url), 1, None) if page != first)
