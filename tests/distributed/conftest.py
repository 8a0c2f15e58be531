"""A real redis-server on a free loopback port, the crawl benchmark's generated portal (an
asyncio server answering from memory, with a per-request latency and a count of every request),
and helpers to start `nianjian crawl --redis` workers and `nianjian ingest-redis`."""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import yaml

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server")

# Fast, deterministic loopback crawls; few concurrent requests so a crawl lasts long enough to
# kill a worker in the middle of it.
WORKER_SETTINGS = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "CONCURRENT_REQUESTS=2",
                   "CONCURRENT_REQUESTS_PER_DOMAIN=2", "DOWNLOAD_TIMEOUT=5", "RETRY_TIMES=1",
                   "RETRY_BACKOFF_BASE=0.1", "LOG_LEVEL=INFO", "NIANJIAN_REDIS_WORKER_TTL=2"]


def _synthetic_portal():
    """benchmarks/synthetic_portal.py: the generated portal the benchmarks crawl."""
    path = ROOT / "benchmarks" / "synthetic_portal.py"
    spec = importlib.util.spec_from_file_location("synthetic_portal", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


synthetic_portal = _synthetic_portal()



@pytest.fixture
def redis_server(tmp_path, free_port):
    """A redis-server of its own, in a tmp dir, nothing persisted; stopped after the test.
    Yields (url, process)."""
    if REDIS_SERVER is None:
        pytest.fail("redis-server is not installed (scripts/test.sh installs it)")
    port = free_port()
    server = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(tmp_path)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        server.kill()
        pytest.fail("redis-server did not start")
    yield url, server
    client.close()
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def redis_url(redis_server) -> str:
    return redis_server[0]


@dataclass
class GeneratedPortal:
    portal: object           # synthetic_portal.Portal
    sources: Path
    report_paths: list[str]
    titles: dict[str, tuple[str, int]]     # path → (agency, year)

    def fetched(self, path: str) -> int:
        """Requests for `path` answered with content."""
        return self.portal.hits[(path, "200")]

    def report_hits(self) -> Counter:
        return Counter({path: self.fetched(path) for path in self.report_paths})

    def requests(self) -> int:
        return sum(self.portal.hits.values())


@pytest.fixture
def portal(tmp_path) -> GeneratedPortal:
    """10 agencies × 5 years = 50 report pages in one TRS column of 3 list pages; 0.3 s a page."""
    pages, sources = synthetic_portal.build_portal(10)
    server = synthetic_portal.Portal(pages, latency=0.3)
    server.start()
    base = f"http://127.0.0.1:{server.port}"
    for source in sources:
        source["url"] = source["url"].replace("PORTAL", base)
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": sources}, allow_unicode=True), "utf-8")
    reports = sorted(p for p in pages if "/t" in p)
    titles = {}
    for p in reports:                      # /s0/202201/t20220120_3.html → 第四号局, 2021
        year = int(p.split("/")[2][:4]) - 1
        titles[p] = (synthetic_portal.agency_name(int(p.rsplit('_', 1)[1].split('.')[0]) + 1), year)
    return GeneratedPortal(server, path, reports, titles)


class Worker:
    """`nianjian crawl --redis URL` in a process of its own."""

    def __init__(self, redis_url: str, sources: Path, log: Path, crawl_id: str | None, *settings: str):
        self.log = log
        command = [sys.executable, "-m", "nianjian", "crawl", "--no-progress", "--sources", str(sources),
                   "--db", str(log.with_suffix(".unused.db")), "--redis", redis_url]
        command += ["--crawl-id", crawl_id] if crawl_id else []
        command += [arg for setting in (*WORKER_SETTINGS, *settings) for arg in ("-s", setting)]
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                                        stderr=log.open("w"))

    def wait(self, timeout: float = 120) -> int:
        return self.process.wait(timeout=timeout)

    @property
    def stderr(self) -> str:
        return self.log.read_text("utf-8")


@pytest.fixture
def start_worker(tmp_path):
    workers: list[Worker] = []

    def start(redis_url: str, sources: Path, crawl_id: str | None = "test-crawl", *settings: str) -> Worker:
        worker = Worker(redis_url, sources, tmp_path / f"worker{len(workers)}.log", crawl_id, *settings)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        if worker.process.poll() is None:
            worker.process.kill()
            worker.process.wait()


def _ingest_redis(redis_url: str, sources: Path, db: Path, crawl_id: str | None = "test-crawl", *options: str,
                 timeout: float = 120, background: bool = False):
    command = [sys.executable, "-m", "nianjian", "ingest-redis", "--no-progress", "--redis", redis_url,
               "--sources", str(sources), "--db", str(db), *options]
    command += ["--crawl-id", crawl_id] if crawl_id else []
    if background:
        return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def ingest_redis():
    """ingest_redis(redis_url, sources, db, crawl_id, *options, background=False) runs
    `nianjian ingest-redis` (to the end, or in the background: a Popen)."""
    return _ingest_redis
