"""Guangdong's 政府信息公开目录 platform (gkmlpt): the column page `/gkmlpt/index#<col>` is filled
from a JSON API `/gkmlpt/api/all/<col>?page=N` that returns `total` and `articles[]` (title, url,
Unix publication times)."""
from __future__ import annotations

import json
import math
import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit, urlunsplit

from nianjian.clock import SHANGHAI

from crawler import pages

_API = re.compile(r"/gkmlpt/api/all/(\d+)")


# Each list page names the next one (else the first page declares them all).
CHAINED = False


def recognises(text: str, url: str) -> bool:
    return "/gkmlpt/" in url


def api_url(url: str, page: int = 1) -> str:
    """The API page of a gkmlpt column given its page URL (`…/gkmlpt/index#2525`) or API URL."""
    parts = urlsplit(url)
    found = _API.search(parts.path)
    column = found.group(1) if found else parts.fragment.strip("/")
    if not column.isdigit():
        return url
    return urlunsplit((parts.scheme, parts.netloc, f"/gkmlpt/api/all/{column}", f"page={page}", ""))


def _answer(text: str) -> dict:
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _date(article: dict) -> str | None:
    for key in ("first_publish_time", "publish_time", "date"):
        value = article.get(key)
        if isinstance(value, (int, float)) and value > 0:
            return datetime.fromtimestamp(value, SHANGHAI).date().isoformat()
    return None


def entries(text: str, url: str, hosts: tuple[str, ...]) -> list[pages.Entry]:
    found = []
    for article in _answer(text).get("articles") or []:
        if not isinstance(article, dict):
            continue
        title, link = pages.compact(str(article.get("title", ""))), article.get("url")
        if not link or not pages.is_report_title(title):
            continue
        link = pages.canonical_url(str(link), url)
        if pages.host_allowed(link, hosts):
            found.append(pages.Entry(link, title, pages.report_year(title), _date(article)))
    return found


def more_pages(text: str, url: str, hosts: tuple[str, ...]) -> list[pages.ListPage]:
    """Pages 2…N of the API, asked from page 1 only."""
    if parse_qs(urlsplit(url).query).get("page", ["1"])[0] != "1":
        return []
    data = _answer(text)
    size, total = len(data.get("articles") or []), data.get("total")
    if not size or not isinstance(total, int):
        return []
    return [pages.ListPage(api_url(url, n), reader="gkmlpt") for n in range(2, math.ceil(total / size) + 1)]
