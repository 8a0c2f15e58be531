"""Scrapy settings of the nianjian crawler. Every value can be overridden the usual Scrapy way
(`-s NAME=VALUE`, or the settings `nianjian crawl` / `python -m crawler.run` pass)."""
from nianjian import __version__

BOT_NAME = "nianjian"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# nianjian's own settings
NIANJIAN_DB = "data/nianjian.db"          # the SQLite store
NIANJIAN_SOURCES = None                   # the sources file (or: scrapy crawl … -a sources=FILE)
NIANJIAN_MAX_LIST_PAGES = 200             # further list pages per source, at most
NIANJIAN_PROGRESS = False                 # live progress table on stderr (nianjian crawl)
NIANJIAN_SPOOL = None                     # the spool file the crawl hands documents over in (default: <db>.spool)
NIANJIAN_WRITER_BATCH = 100               # messages the writer applies per transaction, at most
NIANJIAN_WRITER_READERS = 1               # processes parsing documents beside the writer (0: in it)
NIANJIAN_REVERIFY_NIGHTS = 7              # report pages already stored are asked again every N nights (1: every night)

# Distributed crawling (crawler/redis_mode, docs/distributed.md): with a Redis URL the queue, the
# duplicate filter and the results live in Redis; `nianjian ingest-redis` writes the store.
NIANJIAN_REDIS_URL = None                 # redis://host:6379/0 switches the crawl to scrapy-redis
NIANJIAN_CRAWL_ID = None                  # the shared crawl workers join (default: today's date)
NIANJIAN_REDIS_WORKER_TTL = 30.0          # seconds without a heartbeat before a worker counts as dead
NIANJIAN_REDIS_POLL_INTERVAL = 0.5        # seconds between an idle worker's looks at the shared queue
ADDONS = {"crawler.redis_mode.RedisMode": 0, "crawler.browser.BrowserRendering": 0}

# Portals that need a browser (crawler/browser.py, docs/crawling.md): scrapy-playwright with the
# system Chromium, only for list pages built by scripts and JavaScript challenges.
NIANJIAN_BROWSER_ENABLED = True           # False: never start a browser (such pages are recorded)
NIANJIAN_CHROMIUM = None                  # the browser's path (default: chromium on PATH)
NIANJIAN_BROWSER_MAX_PAGES = 200          # browser pages per crawl, at most
NIANJIAN_BROWSER_MAX_PAGES_PER_SOURCE = 20
NIANJIAN_BROWSER_PAGE_TIMEOUT = 30        # seconds to load one page
NIANJIAN_BROWSER_SETTLE = 10              # seconds for a page's scripts to finish (challenge, list)

# Politeness: a descriptive user agent, robots.txt, few connections per portal, AutoThrottle.
USER_AGENT = (f"nianjian/{__version__} (annual-report monitor for 政府信息公开工作年度报告; "
              "polite crawler, honours robots.txt)")
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Robustness: timeouts, bounded downloads, retries with backoff, no infinite traps.
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024
DOWNLOAD_WARNSIZE = 20 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_BACKOFF_BASE = 2.0                  # seconds before the first retry, doubled for each next
RETRY_BACKOFF_MAX = 60.0
DEPTH_LIMIT = 250                         # beyond NIANJIAN_MAX_LIST_PAGES plus detail/attachment hops
REDIRECT_MAX_TIMES = 5
# One request per document however its links spell it (crawler/fingerprints.py).
REQUEST_FINGERPRINTER_CLASS = "crawler.fingerprints.DocumentFingerprinter"
# Cookies kept per source (each in a jar of its own; `cookies: false` in the sources file turns
# them off for a source): session-paged columns (ASP.NET, JSESSIONID) serve page 2 only with them.
COOKIES_ENABLED = True

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.FetchLedgerMiddleware": 40,          # engine side: sees final outcomes
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "crawler.middlewares.OriginMiddleware": 50,               # by origin, per source; before robots.txt
    "crawler.browser.BrowserMiddleware": 60,                    # list pages and challenges in Chromium
    "crawler.middlewares.ConditionalRequestMiddleware": 70,
    "crawler.rotation.ReverifyRotationMiddleware": 75,         # after it: reads meta["known"]
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
}
# Report documents are handed over to the writer process (crawler/handover.py, spool_writer.py).
ITEM_PIPELINES = {
    "crawler.handover.HandoverPipeline": 300,
}
EXTENSIONS = {
    "crawler.extensions.CrawlProgress": 500,
}

# Resumable crawls: with JOBDIR the queue lives on disk; FIFO disk queues keep list order.
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

# No control ports on an unattended crawler (Scrapy's telnet console, its remote-control server).
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
