"""The spool between the crawl and its writer process: a writer killed in the middle of the
work loses nothing and applies nothing twice (real processes, a real SQLite spool and store)."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import yaml

from crawler import messages
from crawler.items import ReportDocument
from crawler.ledger import Fetch
from nianjian.spool import Spool

ROOT = Path(__file__).resolve().parents[2]
SEED = (ROOT / "tests/fixtures/seeds/000_c31dcc775cd75b8e.txt").read_text("utf-8")
AGENCIES = [f"涧西区{work}局" for work in ("教育", "财政", "民政", "司法", "商务", "审计", "统计", "水利",
                                           "应急管理", "自然资源", "交通运输", "市场监督管理")]


def writer(tmp_path: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "crawler.spool_writer", "--db", str(tmp_path / "n.db"),
                             "--sources", str(tmp_path / "sources.yaml"), "--spool", str(tmp_path / "n.spool"),
                             "--batch", "3", "--log-level", "WARNING", *args],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)


def applied(tmp_path: Path) -> int:
    try:
        with sqlite3.connect(tmp_path / "n.db") as db:
            row = db.execute("SELECT applied_through FROM spool_progress").fetchone()
    except sqlite3.OperationalError:        # not created yet
        return 0
    return row[0] if row else 0


def _children(pid: int) -> list[int]:
    return [int(child) for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()]


def test_a_writer_killed_midway_loses_nothing_and_applies_nothing_twice(tmp_path):
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump({"sources": [{
        "id": "s0", "url": "http://127.0.0.1:1/index.html",
        "agencies": [{"name": name, "level": "department"} for name in AGENCIES]}]}, allow_unicode=True), "utf-8")
    spool = Spool(tmp_path / "n.spool")
    for n, name in enumerate(AGENCIES):
        url = f"http://127.0.0.1:1/t{n}.html"
        body = SEED.replace("涧西区人民政府", name).encode("utf-8")
        spool.put(messages.fetch_message("s0", {"url": f"http://127.0.0.1:1/index_{n}.html", "outcome": "list"}))
        spool.put(messages.document_message(ReportDocument(
            source_id="s0", url=url, body=body, content_type=None, filename="report.txt", listed_title=None,
            published_hint=None, expected_year=None, fetch=Fetch(url=url, status=200, size=len(body)))))
    spool.put(b"not a message")
    total = 2 * len(AGENCIES) + 1

    first = writer(tmp_path)
    assert "run_id" in json.loads(first.stdout.readline())
    deadline = time.monotonic() + 60
    while applied(tmp_path) == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    readers = _children(first.pid)                 # the processes it reads documents in
    assert readers
    first.send_signal(signal.SIGKILL)
    first.wait()
    midway = applied(tmp_path)
    deadline = time.monotonic() + 10                # they end with it
    while any(Path(f"/proc/{pid}").exists() for pid in readers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(Path(f"/proc/{pid}").exists() for pid in readers)
    assert 0 < midway < total                       # killed with part of the work done

    spool.end("finished")
    second = writer(tmp_path)
    output = second.communicate(timeout=120)[0]
    summary = json.loads(output.strip().splitlines()[-1])
    assert second.returncode == 0 and summary["finish_reason"] == "finished"

    with sqlite3.connect(tmp_path / "n.db") as db:
        assert db.execute("SELECT count(*) FROM reports").fetchone()[0] == len(AGENCIES)
        outcomes = dict(db.execute("SELECT outcome, count(*) FROM fetches GROUP BY outcome").fetchall())
        # every fetch record once; every document stored once (a second time would be 'unchanged')
        assert outcomes == {"list": len(AGENCIES), "stored": len(AGENCIES)}
        assert db.execute("SELECT applied_through FROM spool_progress").fetchone()[0] == total
    assert spool.waiting() == 0
    assert spool.conn.execute("SELECT body FROM rejected").fetchall() == [(b"not a message",)]


def test_a_pages_pictures_and_missing_parts_travel_with_its_document():
    url = "http://127.0.0.1:1/t1.html"
    item = ReportDocument(source_id="s0", url=url, body=b"<html></html>", content_type="text/html", filename=None,
                          listed_title=None, published_hint=None, expected_year=2021, fetch=Fetch(url=url),
                          unread_attachments=("http://127.0.0.1:1/a.wps",), pictures=(b"\x89PNG1", b"\xff\xd8\xff2"),
                          missing_parts=("http://127.0.0.1:1/t1_2.html",))
    assert messages.decode(messages.document_message(item))["item"] == item


def test_a_reader_that_dies_on_a_document_costs_that_document_only(tmp_path, monkeypatch):
    """The writer reads documents in a process beside it (crawler.handover.Readers). A parser
    that kills its process (a crash in a C library, memory) is stood for by a `_parse` that
    exits on one body; the readers inherit it by fork."""
    from crawler.handover import Writer
    from nianjian import ingest
    from nianjian.sources import load_sources

    parse = ingest._parse
    monkeypatch.setattr(ingest, "_parse", lambda body, *args: os._exit(70) if b"CRASH" in body else parse(body, *args))
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump({"sources": [{
        "id": "s0", "url": "http://127.0.0.1:1/index.html",
        "agencies": [{"name": name, "level": "department"} for name in AGENCIES]}]}, allow_unicode=True), "utf-8")
    writer = Writer(str(tmp_path / "n.db"), load_sources(str(tmp_path / "sources.yaml")),
                    reject=lambda raw, why: None, readers=1)
    batch = []
    for n, name in enumerate(AGENCIES):
        url = f"http://127.0.0.1:1/t{n}.html"
        body = SEED.replace("涧西区人民政府", name).encode("utf-8") + (b"CRASH" if n == 4 else b"")
        batch.append(messages.document_message(ReportDocument(
            source_id="s0", url=url, body=body, content_type=None, filename="report.txt", listed_title=None,
            published_hint=None, expected_year=None, fetch=Fetch(url=url, status=200, size=len(body)))))
    writer.apply(batch[:6])
    writer.apply(batch[6:])
    writer.finish("finished")

    with sqlite3.connect(tmp_path / "n.db") as db:
        outcomes = db.execute("SELECT url, outcome, error FROM fetches ORDER BY id").fetchall()
        assert db.execute("SELECT count(*) FROM reports").fetchone()[0] == len(AGENCIES) - 1
    assert [url for url, *_ in outcomes] == [f"http://127.0.0.1:1/t{n}.html" for n in range(len(AGENCIES))]
    assert outcomes[4][1:] == ("error", "PARSER_CRASHED: the reading process died on this document")
    assert {outcome for _, outcome, _ in outcomes[:4] + outcomes[5:]} == {"stored"}
