"""The user's mistakes with the distributed commands: one line, exit 2; and a message the
ingester cannot read is set aside without stopping it."""
from __future__ import annotations

import base64
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]


def nianjian(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nianjian", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize("args, message", [
    (["crawl", "--redis", "redis://127.0.0.1:1/0"], "连不上 Redis redis://127.0.0.1:1/0"),
    (["crawl", "--redis", "http://example.org"], "不是 Redis 地址"),
    (["crawl", "--redis", "REDIS", "--crawl-id", "a b"], "抓取编号 crawl id 'a b' 只能由"),
    (["crawl", "--redis", "REDIS", "--jobdir", "JOBDIR"], "--jobdir 与 --redis 不能同时使用"),
    (["ingest-redis"], "没有 Redis：请给出 --redis URL"),
    (["ingest-redis", "--redis", "redis://127.0.0.1:1/0"], "连不上 Redis"),
])
def test_mistakes_give_one_line_and_exit_2(args, message, redis_url, portal, tmp_path, monkeypatch):
    monkeypatch.delenv("NIANJIAN_REDIS_URL", raising=False)
    args = [redis_url if a == "REDIS" else str(tmp_path / "job") if a == "JOBDIR" else a for a in args]
    done = nianjian(*args, "--sources", str(portal.sources), "--db", str(tmp_path / "x.db"))
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not (tmp_path / "x.db").exists() or args[0] == "ingest-redis"


def document_message(portal, n: int = 0) -> dict:
    """A report page of the portal as a worker hands it to the ingester."""
    body = portal.portal.pages[portal.report_paths[n]]
    url = f"http://127.0.0.1:{portal.portal.port}{portal.report_paths[n]}"
    return {"type": "document", "source": "s0", "url": url, "body": base64.b64encode(body).decode(),
            "content_type": "text/html; charset=utf-8", "filename": None, "listed_title": None,
            "published_hint": None, "expected_year": None,
            "fetch": {"url": url, "status": 200, "size": len(body)}, "parent": None}


def test_unreadable_messages_are_set_aside_and_the_rest_stored(redis_url, portal, tmp_path):
    client = redis.Redis.from_url(redis_url)
    keys = "nianjian:t:"
    document = document_message(portal)
    url = document["url"]
    for raw in (b"not json", json.dumps({"type": "fetch", "source": "nowhere", "fetch": {"url": url}}),
                json.dumps({**document, "body": "@@@"}), json.dumps(document)):
        client.lpush(keys + "items", raw)
    client.set(keys + "finished", "yes")
    db = tmp_path / "main.db"
    done = nianjian("ingest-redis", "--no-progress", "--redis", redis_url, "--crawl-id", "t",
                    "--sources", str(portal.sources), "--db", str(db))
    assert done.returncode == 1, done.stderr
    assert client.llen(keys + "rejected") == 3
    assert "无法读取的消息 3 条，保存在 Redis 的 nianjian:t:rejected 中" in done.stderr
    assert "source 'nowhere' is not in the sources file" in done.stderr
    assert "document body is not base64" in done.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT agency, year FROM reports").fetchall() == [portal.titles[portal.report_paths[0]]]
        assert conn.execute("SELECT outcome, status FROM fetches").fetchall() == [("stored", 200)]


def test_only_one_ingester_per_crawl(redis_url, portal, tmp_path):
    client = redis.Redis.from_url(redis_url)
    client.set("nianjian:t:ingester", "elsewhere:123:abc", px=60_000)
    done = nianjian("ingest-redis", "--no-progress", "--redis", redis_url, "--crawl-id", "t",
                    "--sources", str(portal.sources), "--db", str(tmp_path / "x.db"))
    assert done.returncode == 2
    assert done.stderr.strip().endswith("另一个写入进程（elsewhere:123:abc）正在存储抓取 t，同一时间只能有一个"
                                        "（停止的进程 60 秒后释放）")


def test_once_stores_what_waits_without_waiting_for_the_crawl(redis_url, portal, tmp_path):
    client = redis.Redis.from_url(redis_url)
    for n in range(3):
        client.lpush("nianjian:t:items", json.dumps(document_message(portal, n)))
    db = tmp_path / "main.db"
    done = nianjian("ingest-redis", "--once", "--no-progress", "--redis", redis_url, "--crawl-id", "t",
                    "--sources", str(portal.sources), "--db", str(db))
    assert done.returncode == 0, done.stderr
    # what it printed, in the CLI's words (nianjian/commands/words.yaml)
    assert done.stderr.splitlines() == [
        "已知文档 0 份已同步到 Redis，供各抓取进程做条件请求",
        "抓取 t → 运行 1：消息 3 条，文档 3 份（已入库 stored 3），抓取记录 0 条，拒收 0 条；待处理 0 条；抓取尚未结束",
        "抓取运行 1：未抓完 partial。网页 3 个，列表页 0 个，报告 3 份，错误 0 个"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM reports").fetchone() == (3,)
        assert conn.execute("SELECT status FROM runs").fetchall() == [("partial",)]
    assert client.llen("nianjian:t:items") == 0
    assert client.ttl("nianjian:t:items") == -2 and client.ttl("nianjian:t:run") == -1   # not expired
