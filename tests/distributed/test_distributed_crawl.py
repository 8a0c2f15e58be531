"""Distributed crawls end to end: real redis-server, real worker processes on the generated
portal, the single ingester writing SQLite."""
from __future__ import annotations

import os
import signal
import sqlite3
import time
from datetime import date, timedelta

import redis

from crawler.rotation import night_of

NIGHTS = 7                                   # NIANJIAN_REVERIFY_NIGHTS's default


def stored_reports(db) -> dict[tuple[str, int], str]:
    with sqlite3.connect(db) as conn:
        return {(agency, year): url for agency, year, url in
                conn.execute("SELECT agency, year, url FROM reports")}


def stored_count(db) -> int:
    """Reports stored so far (0 while the ingester is still creating the database)."""
    try:
        return len(stored_reports(db))
    except sqlite3.OperationalError:
        return 0


def expected_reports(portal) -> dict[tuple[str, int], str]:
    base = f"http://127.0.0.1:{portal.portal.port}"
    return {portal.titles[path]: base + path for path in portal.report_paths}


def wait_for(condition, timeout: float = 60, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_two_workers_fetch_every_page_once_and_the_ingester_stores_all(redis_url, portal, start_worker, ingest_redis, tmp_path):
    first = start_worker(redis_url, portal.sources)
    wait_for(lambda: portal.requests() > 3, what="the first worker to start crawling")
    second = start_worker(redis_url, portal.sources)          # joins midway: must not re-seed
    assert first.wait() == 0, first.stderr[-3000:]
    assert second.wait() == 0, second.stderr[-3000:]

    # Each report page fetched exactly once across both workers; each list page once.
    hits = portal.report_hits()
    assert len(hits) == 50 and set(hits.values()) == {1}, hits.most_common(3)
    for k in range(3):
        name = "index.html" if k == 0 else f"index_{k}.html"
        assert portal.fetched(f"/s0/{name}") == 1
    assert 1 <= portal.fetched("/robots.txt") <= 2            # robots.txt: Scrapy's, per worker
    assert "start URLs already queued by another worker" in second.stderr
    assert "ERROR" not in first.stderr + second.stderr
    # Both did part of the work.
    counts = [int(w.stderr.rsplit("完成 finished。网页 ", 1)[1].split(" 个")[0]) for w in (first, second)]
    assert sum(counts) == 53 and min(counts) > 0, counts

    # Nothing is in SQLite until the ingester runs: the workers never open it.
    db = tmp_path / "main.db"
    done = ingest_redis(redis_url, portal.sources, db)
    assert done.returncode == 0, done.stderr
    assert stored_reports(db) == expected_reports(portal)
    with sqlite3.connect(db) as conn:
        run = conn.execute("SELECT id, kind, status FROM runs").fetchall()
        assert run == [(1, "crawl", "ok")]
        outcomes = dict(conn.execute("SELECT outcome, count(*) FROM fetches WHERE run_id = 1 GROUP BY outcome"))
        assert outcomes == {"stored": 50, "list": 3}
        assert conn.execute("SELECT status, lists, reports, errors FROM source_runs").fetchall() == [("ok", 3, 50, 0)]
    assert "抓取已结束" in done.stderr and "（已入库 stored 50）" in done.stderr

    client = redis.Redis.from_url(redis_url)
    assert client.llen("nianjian:test-crawl:items") == 0
    assert client.llen("nianjian:test-crawl:processing") == 0
    assert client.exists("nianjian:test-crawl:finished")
    assert 6 * 86400 < client.ttl("nianjian:test-crawl:dupefilter") <= 7 * 86400    # dropped in a week
    # What the store knows is mirrored for the workers' conditional requests.
    assert client.hlen("nianjian:known") == 53

    # A worker that joins a finished crawl fetches nothing.
    before = portal.requests()
    late = start_worker(redis_url, portal.sources)
    assert late.wait() == 0
    assert "finished already" in late.stderr
    assert portal.requests() - before <= 1                     # its robots.txt at most


def test_a_killed_worker_loses_nothing(redis_url, portal, start_worker, ingest_redis, tmp_path, monkeypatch):
    # No --crawl-id: workers and ingester meet on the day's crawl (Asia/Shanghai date).
    monkeypatch.setenv("NIANJIAN_NOW", "2025-03-01T23:59:00+08:00")
    db = tmp_path / "main.db"
    ingester = ingest_redis(redis_url, portal.sources, db, None, background=True)   # stores as they come
    victim = start_worker(redis_url, portal.sources, None)
    survivor = start_worker(redis_url, portal.sources, None)
    client = redis.Redis.from_url(redis_url)

    def victim_busy() -> bool:             # it has requests in flight, and reports are coming in
        inflight = [key for key in client.keys("nianjian:2025-03-01:inflight:*")
                    if f":{victim.process.pid}:".encode() in key]
        return sum(portal.report_hits().values()) >= 10 and any(client.hlen(key) for key in inflight)

    wait_for(victim_busy, what="the victim to be busy")
    os.kill(victim.process.pid, signal.SIGKILL)
    assert victim.wait() == -signal.SIGKILL
    assert survivor.wait() == 0, survivor.stderr[-3000:]
    out, err = ingester.communicate(timeout=120)
    assert ingester.returncode == 0, err

    # Every report arrived; the only pages fetched twice are those the victim had in flight
    # (downloading, being handed over, or done a moment before and not yet acknowledged: about
    # its CONCURRENT_REQUESTS of 2), fetched again after its heartbeat expired.
    assert stored_reports(db) == expected_reports(portal)
    hits = portal.report_hits()
    assert min(hits.values()) == 1
    twice = [path for path, n in hits.items() if n > 1]
    assert len(twice) <= 4 and max(hits.values()) <= 2, hits.most_common(6)
    assert "requests of dead workers put back in the queue" in survivor.stderr, survivor.stderr[-3000:]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM reports").fetchone() == (50,)
        assert conn.execute("SELECT status FROM runs").fetchall() == [("ok",)]


def test_a_stopped_worker_returns_its_requests_and_the_crawl_resumes(redis_url, portal, start_worker,
                                                                     ingest_redis, tmp_path):
    client = redis.Redis.from_url(redis_url)
    first = start_worker(redis_url, portal.sources)
    wait_for(lambda: sum(portal.report_hits().values()) >= 10, what="10 report pages fetched")
    first.process.send_signal(signal.SIGTERM)                  # Scrapy's graceful shutdown
    assert first.wait() == 1                                   # not finished: exit 1
    assert "Closing spider (shutdown)" in first.stderr
    assert client.keys("nianjian:test-crawl:inflight:*") == []
    assert client.zcard("nianjian:test-crawl:requests") > 0
    assert not client.exists("nianjian:test-crawl:finished")
    fetched_before = sum(portal.report_hits().values())

    second = start_worker(redis_url, portal.sources)           # the same crawl id: it resumes
    assert second.wait() == 0, second.stderr[-3000:]
    assert "start URLs already queued by another worker" in second.stderr
    db = tmp_path / "main.db"
    assert ingest_redis(redis_url, portal.sources, db).returncode == 0
    assert stored_reports(db) == expected_reports(portal)
    hits = portal.report_hits()
    assert set(hits.values()) == {1} and fetched_before < 50, hits.most_common(3)   # none twice


def test_workers_and_ingester_stop_cleanly_when_redis_goes_away(redis_server, portal, start_worker,
                                                                 ingest_redis, tmp_path):
    url, server = redis_server
    ingester = ingest_redis(url, portal.sources, tmp_path / "main.db", background=True)
    worker = start_worker(url, portal.sources)
    wait_for(lambda: sum(portal.report_hits().values()) >= 5, what="5 report pages fetched")
    server.kill()
    assert worker.wait(timeout=30) == 1                         # not finished
    assert "lost Redis (" in worker.stderr and "Spider closed (redis_lost)" in worker.stderr
    assert "Traceback" not in worker.stderr
    out, err = ingester.communicate(timeout=30)
    assert ingester.returncode == 2
    assert err.strip().splitlines()[-1].startswith(f"nianjian ingest-redis: 错误 error: 与 Redis {url} 的连接断开")
    with sqlite3.connect(tmp_path / "main.db") as conn:
        assert conn.execute("SELECT status FROM runs").fetchall() == [("interrupted",)]


def test_a_killed_ingester_loses_nothing_and_the_next_crawl_asks_conditionally(redis_url, portal, start_worker, ingest_redis, tmp_path):
    db = tmp_path / "main.db"
    assert start_worker(redis_url, portal.sources, "night-1").wait() == 0
    # The ingester is killed while storing: the next one stores what it had taken, and the rest.
    # (small batches, so that it is killed with part of the crawl stored)
    ingester = ingest_redis(redis_url, portal.sources, db, "night-1", "--batch", "5", background=True)
    wait_for(lambda: stored_count(db) >= 10, what="10 reports stored")
    ingester.kill()
    ingester.wait()
    assert len(stored_reports(db)) < 50
    done = ingest_redis(redis_url, portal.sources, db, "night-1")
    assert done.returncode == 0, done.stderr
    assert stored_reports(db) == expected_reports(portal)
    with sqlite3.connect(db) as conn:                            # the killed one's run is closed
        assert conn.execute("SELECT id, status FROM runs").fetchall() == [(1, "interrupted"), (2, "ok")]
    portal.portal.hits.clear()
    # The next night, on a fresh crawl id: report pages come back 304, nothing fetched again
    # (every stored page asked: no rotation, see the next test).
    worker = start_worker(redis_url, portal.sources, "night-2", "NIANJIAN_REVERIFY_NIGHTS=1")
    assert worker.wait() == 0, worker.stderr[-3000:]
    assert sum(portal.report_hits().values()) == 0
    assert sum(portal.portal.hits[(path, "304")] for path in portal.report_paths) == 50
    done = ingest_redis(redis_url, portal.sources, db, "night-2")
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(db) as conn:
        last_run = conn.execute("SELECT max(id) FROM runs").fetchone()[0]
        assert dict(conn.execute("SELECT outcome, count(*) FROM fetches WHERE run_id = ? GROUP BY outcome",
                                 [last_run])) == {
            "not_modified": 50, "list": 3}
        assert conn.execute("SELECT count(*) FROM reports").fetchone() == (50,)


def test_a_distributed_nightly_crawl_asks_stored_reports_on_their_night_and_catches_an_edit(
        redis_url, portal, start_worker, ingest_redis, tmp_path, monkeypatch):
    """The re-verify rotation (crawler/rotation.py) in Redis mode: the workers decide from the
    known-documents mirror, the nights are moved with NIANJIAN_NOW."""
    db, first = tmp_path / "main.db", date(2024, 3, 1)

    def night(day: date) -> set[str]:
        """Crawl and ingest on `day`; the report pages asked for."""
        portal.portal.hits.clear()
        monkeypatch.setenv("NIANJIAN_NOW", f"{day.isoformat()}T02:00:00+08:00")
        worker = start_worker(redis_url, portal.sources, f"night-{day.isoformat()}", f"NIANJIAN_REVERIFY_NIGHTS={NIGHTS}")
        assert worker.wait() == 0, worker.stderr[-3000:]
        done = ingest_redis(redis_url, portal.sources, db, f"night-{day.isoformat()}")
        assert done.returncode == 0, done.stderr
        return {path for (path, _) in portal.portal.hits if path in portal.report_paths}

    assert night(first) == set(portal.report_paths)
    # Edited after the first night: a page whose night comes round again only on day 1 + 7.
    edited = next(p for p in portal.report_paths if night_of(p, NIGHTS) == first.toordinal() % NIGHTS)
    pages = portal.portal.pages
    pages[edited] = pages[edited].replace("全方位公开".encode(), "全面公开".encode())
    portal.portal.etags[edited] = '"edited"'

    tonight = {p for p in portal.report_paths if night_of(p, NIGHTS) == (first.toordinal() + 1) % NIGHTS}
    assert 0 < len(tonight) < 20
    assert night(first + timedelta(days=1)) == tonight
    assert all(status == "304" for (path, status) in portal.portal.hits if path in portal.report_paths)

    def versions() -> int:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT r.versions FROM reports r JOIN report_versions v ON v.id = r.current_version "
                                "WHERE v.url LIKE ?", [f"%{edited}"]).fetchone()[0]
    assert versions() == 1
    assert edited in night(first + timedelta(days=NIGHTS))
    assert portal.portal.hits[(edited, "200")] == 1 and versions() == 2       # caught within the rotation
