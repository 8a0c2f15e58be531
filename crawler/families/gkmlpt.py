"""Guangdong's 政府信息公开目录 platform (gkmlpt): the column page `…/gkmlpt/index#<col>` (on a
department's sub-site too: `/zqhjj/gkmlpt/index#21023`) is filled from a JSON API
`…/gkmlpt/api/all/<col>?page=N&sid=<site>` that returns `articles[]` (title, url, Unix
publication times) and the column's size (`total`, or `classify.post_count`).

The column page names the API's first page (its site id `sid` is in the page's script); each
API page names the next one until the column's size is reached or a page comes back empty.
"""
from __future__ import annotations

import json
import re
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from nianjian.clock import SHANGHAI

from crawler import pages

_API = re.compile(r"^(.*?/gkmlpt)/api/all/(\d+)")
_COLUMN_PAGE = re.compile(r"^(.*?/gkmlpt)/")
_SID = re.compile(r"""\bsid\b["']?\s*[:=]\s*["']?(\d+)""", re.I)


# Each list page names the next one.
CHAINED = True


def recognises(text: str, url: str) -> bool:
    return "/gkmlpt/" in url


def api_url(url: str, page: int = 1, sid: str | None = None) -> str:
    """The API page of a gkmlpt column given its column page (`…/gkmlpt/index#2525`) or an API
    page: the sub-site prefix and the query (`sid`) are kept."""
    parts = urlsplit(url)
    if found := _API.search(parts.path):
        prefix, column = found.groups()
    elif (found := _COLUMN_PAGE.search(parts.path)) and parts.fragment.strip("/").isdigit():
        prefix, column = found.group(1), parts.fragment.strip("/")
    else:
        return url
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
    if sid and not any(k == "sid" for k, _ in query):
        query.append(("sid", sid))
    return urlunsplit((parts.scheme, parts.netloc, f"{prefix}/api/all/{column}",
                       urlencode([("page", page), *query]), ""))


def _is_api(url: str) -> bool:
    return bool(_API.search(urlsplit(url).path))


def _answer(text: str) -> dict | None:
    """The API's JSON object, or None when the text is not one (an HTML page, an error page)."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _date(article: dict) -> str | None:
    for key in ("first_publish_time", "publish_time", "date"):
        value = article.get(key)
        if isinstance(value, (int, float)) and value > 0:
            return datetime.fromtimestamp(value, SHANGHAI).date().isoformat()
    return None


def entries(text: str, url: str) -> list[pages.Entry]:
    data = _answer(text)
    if data is None:
        if _is_api(url):
            raise pages.UnreadablePage("the gkmlpt API answered with something that is not its JSON")
        if api_url(url) == url:
            raise pages.UnreadablePage("a gkmlpt column is named after # in its URL (…/gkmlpt/index#<column>)")
        return []                    # the column page: its reports come from the API
    found = []
    for article in data.get("articles") or []:
        if not isinstance(article, dict):
            continue
        title, link = pages.compact(str(article.get("title", ""))), article.get("url")
        if link and pages.is_report_title(title):
            found.append(pages.Entry(pages.fetch_url(str(link), url), title, pages.report_year(title),
                                     _date(article)))
    return found


def _size(data: dict) -> int | None:
    for value in (data.get("total"), (data.get("classify") or {}).get("post_count")):
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.isdigit():
            return int(value)
    return None


def more_pages(text: str, url: str) -> list[pages.ListPage]:
    """The column page names the API's page 1; API page N names page N+1 while the column has
    more articles than pages 1…N held and page N was not empty."""
    data = _answer(text)
    if data is None:                 # the column page (entries() refused any other page)
        sid = _SID.search(text or "")
        return [pages.ListPage(api_url(url, 1, sid.group(1) if sid else None), reader="gkmlpt")]
    articles = data.get("articles") or []
    page = dict(parse_qsl(urlsplit(url).query)).get("page", "1")
    page = int(page) if page.isdigit() else 1
    size = _size(data)
    if not articles or (size is not None and page * len(articles) >= size):
        return []
    return [pages.ListPage(api_url(url, page + 1), reader="gkmlpt")]
