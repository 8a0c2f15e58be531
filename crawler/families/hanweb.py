"""Hanweb (大汉 JCMS) columns: `/col/col<id>/index.html` with the first records inline,
    <script type="text/xml"><datastore><recordset><record><![CDATA[<li>…</li>]]></record>…
and the rest from `…/jpage/dataproxy.jsp?startrecord=S&endrecord=E&perpage=P` (form POST with
columnid, unitid, webid), which answers the same <datastore> XML with <totalrecord>/<totalpage>.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlencode, urljoin

from crawler import pages

_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_TOTAL = re.compile(r"\btotal[Rr]ecord\s*[:=]\s*[\"']?(\d+)|<totalrecord>\s*(\d+)", re.I)
_PER_PAGE = re.compile(r"\bperPage\s*[:=]\s*[\"']?(\d+)", re.I)
_GROUP = re.compile(r"\bgroupSize\s*[:=]\s*[\"']?(\d+)", re.I)
_PROXY = re.compile(r"[\"']([^\"'<>\s]*jpage/dataproxy\.jsp)")
_PARAM = re.compile(r"\b(columnid|unitid|webid|col|appid|path|webname|permissiontype|sourceContentType)"
                    r"\s*[:=]\s*[\"']?([^,\"'}\s&<]*)", re.I)
_FORM_KEYS = ("col", "appid", "webid", "path", "columnid", "sourceContentType", "unitid",
              "webname", "permissiontype")
DEFAULT_PROXY = "/module/web/jpage/dataproxy.jsp"


# Each list page names the next one (else the first page declares them all).
CHAINED = False


def recognises(text: str, url: str) -> bool:
    return "<datastore>" in text.lower() or "/jpage/dataproxy.jsp" in text


def records(text: str) -> str:
    """The <li> records of a datastore (inline or a dataproxy answer) as one HTML fragment."""
    return "\n".join(_RECORD.findall(text or ""))


def entries(text: str, url: str) -> list[pages.Entry]:
    found = {e.url: e for e in pages.report_entries(text, url)}
    for entry in pages.report_entries(records(text), url):
        found.setdefault(entry.url, entry)
    return list(found.values())


def _number(pattern: re.Pattern, text: str) -> int | None:
    found = pattern.search(text)
    return int(next(g for g in found.groups() if g)) if found else None


def more_pages(text: str, url: str) -> Iterator[pages.ListPage]:
    """The dataproxy requests for the records after the inline ones (asked from the column page
    only: a dataproxy answer lists no further pages), made lazily."""
    if "<datastore>" not in text.lower() or _PROXY.search(url) or "dataproxy.jsp" in url:
        return iter(())
    total, inline = _number(_TOTAL, text), len(_RECORD.findall(text))
    per_page = _number(_PER_PAGE, text) or max(inline, 1)
    if not total or inline >= total:
        return iter(())
    step = per_page * (_number(_GROUP, text) or 3)
    proxy = _PROXY.search(text)
    endpoint = pages.fetch_url(urljoin(url, proxy.group(1) if proxy else DEFAULT_PROXY))
    found = dict((k.lower(), v) for k, v in _PARAM.findall(text))
    form = tuple((k, found[k.lower()]) for k in _FORM_KEYS if k.lower() in found)
    query = lambda start: urlencode(  # noqa: E731
        {"startrecord": start, "endrecord": min(start + step - 1, total), "perpage": per_page})
    return (pages.ListPage(f"{endpoint}?{query(start)}", formdata=form, reader="hanweb")
            for start in range(inline + 1, total + 1, step))
