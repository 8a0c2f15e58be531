"""End to end: `nianjian demo --db tmp.db` (a subprocess: portal, real crawl, parse, checks, store,
monitor cycle), twice, checked against the portal's manifest."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
import sqlite_utils

from nianjian.demo_portal import manifest

FACTS = manifest("", 1)
FACTS2 = manifest("", 2)


def demo(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NIANJIAN_NOW"}
    return subprocess.run([sys.executable, "-m", "nianjian", "demo", *args], capture_output=True,
                          text=True, timeout=240, env=env)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The demo run twice on one database: (first, second, path)."""
    db = tmp_path_factory.mktemp("demo") / "sub" / "demo.db"
    first = demo("--db", str(db), "--slow-delay", "3")
    second = demo("--db", str(db), "--slow-delay", "3")
    return first, second, db


def _path(url: str) -> str:
    return urlsplit(url).path


def test_first_run_prints_the_summary(runs):
    first, _, db = runs
    assert first.returncode == 0, first.stderr[-3000:]
    out = first.stdout
    assert "截至 2026-11-20（第 1 轮）" in out
    for agency in FACTS.agencies:
        assert agency["name"] in out
    counts = {s: sum(e.status == s for e in FACTS.expectations) for s in ("on_time", "late", "missing")}
    assert (f"应发布的报告 {len(FACTS.expectations)} 份：按时 {counts['on_time']}，逾期 {counts['late']}，"
            f"未发布 {counts['missing']}，未到期 0") in out
    assert out.count("迟20天") == 1 and out.count("迟15天") == 1      # the status grid's own cells
    assert {line for line in out.splitlines() if line.startswith("数据不一致：")} == \
        {f"数据不一致：{r.agency} {r.year}（{','.join(r.expect_errors)}）" for r in FACTS.reports if r.inconsistent}
    assert "本次新增告警：年报数据不一致 2，年报逾期发布 2，年报未发布 2；解除：无" in out
    assert f"nianjian serve --db {db}" in out and f"nianjian status --db {db} --html status.html" in out
    assert "Traceback" not in first.stderr


def test_first_run_stores_what_the_manifest_says(runs):
    _, _, db = runs
    # the database after both runs: round 1 facts are in version 1 of every report
    store = sqlite_utils.Database(db)
    stored = {(r["agency"], r["year"]): r for r in store.query("SELECT * FROM reports")}
    assert set(stored) == {(r.agency, r.year) for r in FACTS.stored_reports}
    for entry in FACTS.stored_reports:
        row = stored[(entry.agency, entry.year)]
        assert row["published"] == entry.published.isoformat()
        assert _path(row["url"]) == _path(entry.attachment_url or entry.url)
    expectations = {(e["agency"], e["year"]): e for e in store.query("SELECT * FROM expectations")}
    assert {k: e["status"] for k, e in expectations.items()} == \
        {(e.agency, e.year): e.status for e in FACTS.expectations}
    assert {k: e["days_late"] for k, e in expectations.items() if e["status"] == "late"} == \
        {(e.agency, e.year): e.report.days_late for e in FACTS.expectations if e.status == "late"}

    alerts = {(a["kind"], a["agency"], a["year"]) for a in store.query("SELECT * FROM alerts WHERE state = 'open'")}
    for kind in ("missing", "late"):
        assert {a for a in alerts if a[0] == kind} == \
            {(kind, e.agency, e.year) for e in FACTS.expectations if e.status == kind}
    assert {a for a in alerts if a[0] == "inconsistent"} == \
        {("inconsistent", r.agency, r.year) for r in FACTS.reports if r.inconsistent}
    for entry in FACTS.reports:
        if entry.inconsistent:
            assert set(entry.expect_errors) <= set(stored[(entry.agency, entry.year)]["error_rules"].split(","))

    # the figures behind the inconsistencies, as printed, in version 1
    for entry in [r for r in FACTS.reports if r.inconsistent] + [r for r in FACTS.reports if r.edited]:
        version = store.execute(
            "SELECT v.id FROM report_versions v JOIN reports r ON r.id = v.report_id "
            "WHERE r.agency = ? AND r.year = ? AND v.version = 1", [entry.agency, entry.year]).fetchone()[0]
        cells = {c["key"]: c["value"] for c in store.query("SELECT key, value FROM cells WHERE version_id = ?", [version])}
        for key in ("t3.new.total", "t3.carried_out.total", "t4.review.total", "t4.review.upheld"):
            assert cells[key] == entry.cells[key], (entry.agency, entry.year, key)

    first_crawl = store.execute("SELECT min(id) FROM runs WHERE kind = 'crawl'").fetchone()[0]
    outcomes = {_path(f["url"]): f["outcome"]
                for f in store.query("SELECT url, outcome FROM fetches WHERE run_id = ?", [first_crawl])}
    assert outcomes[_path(FACTS.failing["bot_wall"])] == "blocked"
    assert outcomes[_path(FACTS.failing["server_error"])] == "http_error"
    assert outcomes[_path(FACTS.failing["slow"])] == "error"
    assert not {_path(i["url"]) for i in FACTS.ignored} & set(outcomes)


def test_second_run_serves_round_two_and_catches_the_edit(runs):
    _, second, db = runs
    assert second.returncode == 0, second.stderr[-3000:]
    out = second.stdout
    assert "截至 2026-11-21（第 2 轮）" in out
    edited = [r for r in FACTS2.reports if r.edited]
    assert [f"发布后被修改：{r.agency} {r.year}" in out for r in edited] == [True]
    assert "✎" in out                                                  # marked in the grid
    assert "本次新增告警：年报被修改 1" in out
    store = sqlite_utils.Database(db)
    changed = list(store.query("SELECT * FROM alerts WHERE kind = 'changed'"))
    assert [(a["agency"], a["year"], a["state"]) for a in changed] == [(r.agency, r.year, "open") for r in edited]
    assert json.loads(changed[0]["details"])["to_version"] == 2
    entry = edited[0]
    versions = list(store.query(
        "SELECT v.id, v.version FROM report_versions v JOIN reports r ON r.id = v.report_id "
        "WHERE r.agency = ? AND r.year = ? ORDER BY v.version", [entry.agency, entry.year]))
    assert [v["version"] for v in versions] == [1, 2]
    new = {c["key"]: c["value"] for c in store.query("SELECT key, value FROM cells WHERE version_id = ?",
                                                      [versions[1]["id"]])}
    assert new["t3.new.total"] == entry.cells["t3.new.total"] == 20
    # the same URLs as the first run: unchanged pages answered 304
    crawl_runs = [r["id"] for r in store.query("SELECT id FROM runs WHERE kind = 'crawl' ORDER BY id")]
    second_outcomes = dict(store.execute(
        "SELECT outcome, count(*) FROM fetches WHERE run_id = ? GROUP BY outcome", [crawl_runs[1]]).fetchall())
    assert second_outcomes["new_version"] == 1
    assert second_outcomes["not_modified"] == len(FACTS.stored_reports) - 1
    assert "not_modified" in out


def test_a_database_of_other_agencies_is_refused(tmp_path):
    db = tmp_path / "real.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE agencies (name TEXT PRIMARY KEY)")
        conn.execute("INSERT INTO agencies VALUES ('涧西区人民政府')")
    done = demo("--db", str(db))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"nianjian demo: 错误 error: {db} 存有示例之外的机构（如 涧西区人民政府）："
        f"请让示例用单独的数据库，如 --db data/demo.db"]
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    done = demo("--db", str(tmp_path / "junk.db"))
    assert done.returncode == 2 and f"{tmp_path / 'junk.db'} 不是 nianjian 数据库（" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def _first_line_of_demo_portal(*args: str) -> str:
    process = subprocess.Popen([sys.executable, "-m", "nianjian", "demo-portal", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        return process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait(timeout=60)  # generous: a loaded CI machine, not a speed test


def test_demo_portal_follows_the_demo_database(runs, tmp_path):
    _, _, db = runs
    store = sqlite_utils.Database(db)
    port = urlsplit(next(store.query("SELECT url FROM documents LIMIT 1"))["url"]).port
    line = _first_line_of_demo_portal("--db", str(db))
    assert line == f"示例门户（第 2 轮）运行于 http://127.0.0.1:{port}/"
    assert _first_line_of_demo_portal("--db", str(db), "--round", "1").startswith("示例门户（第 1 轮）")
    # a database that is not the demo's only means no defaults from it
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE agencies (name TEXT PRIMARY KEY)")
        conn.execute("INSERT INTO agencies VALUES ('涧西区人民政府')")
    assert _first_line_of_demo_portal("--db", str(other)).startswith("示例门户（第 1 轮）运行于 http://127.0.0.1:")


def test_alerts_go_to_the_channels_of_a_given_config(tmp_path):
    """With --config, the demo's alerts are delivered: here to a real webhook receiver."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        config = tmp_path / "monitor.toml"
        config.write_text(f'[[notify.channels]]\nname = "hook"\ntype = "webhook"\n'
                          f'url = "http://127.0.0.1:{server.server_address[1]}/alerts"\n', "utf-8")
        done = demo("--db", str(tmp_path / "demo.db"), "--config", str(config), "--slow-delay", "3")
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stderr[-3000:]
    assert len(received) == 1                              # one digest for the whole cycle
    kinds = sorted(a["kind"] for a in received[0]["alerts"])
    assert kinds == ["inconsistent"] * 2 + ["late"] * 2 + ["missing"] * 2
    assert "已送达通知 6 条" in done.stdout
