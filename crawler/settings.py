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
NIANJIAN_REVERIFY_NIGHTS = 7              # report pages already stored are asked again every N nights (1: every night)

# Distributed crawling (crawler/redis_mode, docs/distributed.md): with a Redis URL the queue, the
# duplicate filter and the results live in Redis; `nianjian ingest-redis` writes the store.
NIANJIAN_REDIS_URL = None                 # redis://host:6379/0 switches the crawl to scrapy-redis
NIANJIAN_CRAWL_ID = None                  # the shared crawl workers join (default: today's date)
NIANJIAN_REDIS_WORKER_TTL = 30.0          # seconds without a heartbeat before a worker counts as dead
NIANJIAN_REDIS_POLL_INTERVAL = 0.5        # seconds between an idle worker's looks at the shared queue
ADDONS = {"crawler.redis_mode.RedisMode": 0}

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
COOKIES_ENABLED = False

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.FetchLedgerMiddleware": 40,          # engine side: sees final outcomes
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
