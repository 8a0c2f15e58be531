"""Pages that need a browser: columns whose list is built by scripts, and JavaScript challenges
(WZWS-style walls a citizen's browser passes in a second). Through scrapy-playwright with the
system Chromium, an optional extra: `pip install 'nianjian[browser]'` and Debian's `chromium`.

Only what needs it goes through the browser: a source's list pages (`render: browser`, or
`render: auto` when its first list page is built by scripts), and one challenge page per site
and source, whose cookie plain requests then carry. Report pages and attachments keep the fast
path. Browser pages are capped per source and per run, each with a time limit; images, fonts
and media are not loaded; one browser context per site. Each fetch that went through the browser
says why in `fetches.rendered`. See docs/crawling.md, "Portals that need a browser".
"""
from __future__ import annotations

import asyncio
import importlib.util
import shutil
import weakref
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from crawler import pages
from crawler.ledger import Fetch
from crawler.middlewares import record_fetch

INSTALL_HINT = "pip install 'nianjian[browser]'"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
# Chromium in a container as root, and nothing phoning home from a closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LIST_KINDS = ("list", "entry")
MAX_RELOADS = 3                  # reloads a challenge may cause before the page is taken as it is
STOPPED: weakref.WeakSet = weakref.WeakSet()     # pages whose reload loop guard_navigations stopped


def chromium_path(settings) -> str | None:
    configured = settings.get("NIANJIAN_CHROMIUM")
    if configured:
        return shutil.which(configured) or None
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


def unavailable(settings) -> str | None:
    """Why the browser cannot be used here (one line naming what to install), or None."""
    if not settings.getbool("NIANJIAN_BROWSER_ENABLED", True):
        return "the browser is switched off (NIANJIAN_BROWSER_ENABLED=False)"
    if importlib.util.find_spec("scrapy_playwright") is None:
        return f"scrapy-playwright is not installed: {INSTALL_HINT}"
    if chromium_path(settings) is None:
        return "no Chromium found: apt-get install chromium (or set NIANJIAN_CHROMIUM to its path)"
    return None


def heavy_resource(request) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: a column's links need its HTML and scripts, not its pictures."""
    return request.resource_type in ("image", "font", "media")


async def guard_navigations(page, request) -> None:
    """Page init callback: a wall that keeps reloading gets MAX_RELOADS reloads, then its
    navigations are refused (no reload storm against the portal)."""
    navigations = 0

    async def route(route) -> None:
        nonlocal navigations
        if route.request.is_navigation_request() and route.request.frame == page.main_frame:
            navigations += 1
            if navigations > MAX_RELOADS + 1:
                STOPPED.add(page)
                await route.abort()
                return
        await route.fallback()

    await page.route("**/*", route)


async def settle(page, seconds: float) -> dict:
    """Page method: wait (at most `seconds`) until the page is no challenge and its network is
    idle, so the list its scripts build is there. Says whether it got there, and the cookies
    the page now has."""
    from playwright.async_api import Error as PlaywrightError   # the extra is there: a page came

    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    passed = False
    while not passed and loop.time() < deadline:
        if page in STOPPED:
            break                                # its reloads were refused (guard_navigations): a wall
        try:
            await page.wait_for_load_state("networkidle", timeout=max(100, (deadline - loop.time()) * 1000))
            html = await page.content()
            # past the challenge, unless its reloads were refused (then this is Chromium's error page)
            passed = page not in STOPPED and not pages.js_challenge(200, html.encode("utf-8"))
        except PlaywrightError:                  # navigating (the challenge's reload): look again
            pass
        if not passed:
            await asyncio.sleep(0.2)
    return {"passed": passed, "cookies": await page.context.cookies(page.url)}


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


class NotRendered(IgnoreRequest):
    """A page that should go through the browser and does not; `outcome` is its fetch record's."""

    def __init__(self, outcome: str, message: str):
        super().__init__(message)
        self.outcome = outcome


class BrowserRendering:
    """Scrapy add-on: when the browser can be used, scrapy-playwright's download handler takes
    http(s) (it passes every request not marked `playwright` to Scrapy's own handler, and starts
    Chromium only at the first one that is); otherwise NIANJIAN_BROWSER_UNAVAILABLE says why."""

    def update_settings(self, settings) -> None:
        reason = unavailable(settings)
        if reason:
            settings.set("NIANJIAN_BROWSER_UNAVAILABLE", reason, priority="addon")
            return
        handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
        timeout_ms = settings.getfloat("NIANJIAN_BROWSER_PAGE_TIMEOUT", 30) * 1000
        values = {
            "DOWNLOAD_HANDLERS": {**settings.getdict("DOWNLOAD_HANDLERS"), "http": handler, "https": handler},
            "PLAYWRIGHT_BROWSER_TYPE": "chromium",
            "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": chromium_path(settings), "headless": True,
                                          "args": CHROMIUM_ARGS, "timeout": timeout_ms},
            "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": timeout_ms,
            "PLAYWRIGHT_ABORT_REQUEST": "crawler.browser.heavy_resource",
            "PLAYWRIGHT_MAX_CONTEXTS": settings.getint("NIANJIAN_BROWSER_CONTEXTS", 4),
            "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 1,          # one page per site at a time: polite
        }
        for name, value in values.items():
            settings.set(name, value, priority="addon")


class BrowserMiddleware:
    """Downloader middleware (between the ledger and the downloader): marks the requests that go
    through the browser, caps them, waits for a rendered page to settle, keeps the cookies a
    challenge set, and sends a challenged request back through the browser once per site."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.unavailable = settings.get("NIANJIAN_BROWSER_UNAVAILABLE")
        self.max_per_source = settings.getint("NIANJIAN_BROWSER_MAX_PAGES_PER_SOURCE", 20)
        self.max_per_run = settings.getint("NIANJIAN_BROWSER_MAX_PAGES", 200)
        self.settle_seconds = settings.getfloat("NIANJIAN_BROWSER_SETTLE", 10.0)
        self.per_source: dict[str, int] = {}
        self.cookies: dict[str, dict[str, str]] = {}     # origin → the cookies the browser was given
        self.challenged: set[tuple[str, str]] = set()    # (source, origin) sent through the browser

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def spider(self):
        return self.crawler.spider

    def _source(self, request: Request):
        return getattr(self.spider, "sources", {}).get(request.meta.get("source"))

    # ------------------------------------------------------------------ requests
    def process_request(self, request: Request):
        source = self._source(request)
        if source is None:
            return None
        cookies = self.cookies.get(origin(request.url))
        if cookies:                              # a challenge's clearance, for plain requests too
            request.meta["browser_cookies"] = True
            if request.meta.get("dont_merge_cookies"):         # a `cookies: false` source
                request.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
            elif isinstance(request.cookies, dict):             # into the source's cookie jar
                request.cookies = {**cookies, **request.cookies}
            else:
                request.cookies = [*request.cookies, *({"name": k, "value": v} for k, v in cookies.items())]
        reason = request.meta.get("render")
        if reason is None and source.render == "browser" and request.meta.get("kind") in LIST_KINDS:
            reason = request.meta["render"] = "render: browser"
        if reason is None or request.meta.get("playwright"):
            return None
        request.meta["rendered"] = reason
        if self.unavailable:
            raise NotRendered("needs_browser", f"needs a browser ({reason}): {self.unavailable}")
        used = self.per_source.get(source.id, 0)
        if used >= self.max_per_source or sum(self.per_source.values()) >= self.max_per_run:
            raise NotRendered("browser_cap", "browser page cap reached (NIANJIAN_BROWSER_MAX_PAGES[_PER_SOURCE])")
        self.per_source[source.id] = used + 1
        # goto returns once the first answer arrives (a challenge reloads before its page loads);
        # `settle` then waits for the real page, and `guard_navigations` stops a reload loop.
        from scrapy_playwright.page import PageMethod

        request.meta.update(playwright=True, playwright_context=origin(request.url),
                            playwright_page_goto_kwargs={"wait_until": "commit"},
                            playwright_page_init_callback="crawler.browser.guard_navigations",
                            playwright_page_methods=[PageMethod(settle, self.settle_seconds)])
        return None

    # ------------------------------------------------------------------ responses
    def process_response(self, request: Request, response):
        if request.meta.get("playwright"):
            settled = request.meta["playwright_page_methods"][0].result
            if settled["cookies"]:               # what the page set (a challenge's clearance)
                self.cookies[origin(request.url)] = {c["name"]: c["value"] for c in settled["cookies"]}
            if not settled["passed"]:            # a wall even a browser does not get through
                source = self._source(request)
                fetch = Fetch.of_response(request.url, request, response)
                # the wall's name, as for a plain request; `rendered` says the browser tried
                fetch.outcome, fetch.error = "blocked", f"bot wall: {request.meta['rendered'].split(': ', 1)[-1]}"
                record_fetch(self.crawler, source.id, fetch)
                raise IgnoreRequest(f"{request.url}: {fetch.error}")
            return response
        source = self._source(request)
        wall = pages.js_challenge(response.status, response.body) if source else None
        if not wall or source.render == "plain":
            return response
        site = origin(request.url)
        if self.unavailable:                     # the ledger records the wall; the source says why
            if (source.id, site) not in self.challenged:
                self.challenged.add((source.id, site))
                ledger = getattr(self.spider, "ledger", None)
                if ledger is not None and source.id in ledger.tallies:
                    ledger.note(source.id, f"{request.url}: JavaScript challenge ({wall}) that a browser "
                                           f"may pass: {self.unavailable}", error=False)
            return response
        if site in self.cookies and not request.meta.get("browser_cookies"):
            return request.replace(dont_filter=True)        # sent before the site's cookie was known
        if (source.id, site) in self.challenged:
            return response                                 # passed once already: the ledger records the wall
        self.challenged.add((source.id, site))
        return request.replace(dont_filter=True, meta={**request.meta, "render": f"challenge: {wall}"})
