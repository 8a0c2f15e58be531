"""Another process holding the database: a held write lock is one line naming the database for
every command that writes, a short one is waited out, and a run whose process was killed with
SIGKILL is marked `interrupted` by the next start. Commands run as processes, as users run them."""
from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from nianjian.cli import main
from nianjian.store import Store

ROOT = Path(__file__).resolve().parents[2]
SEED = sorted((ROOT / "tests/fixtures/seeds").glob("*.txt"))[0]


@contextlib.contextmanager
def write_lock(path: Path):
    """Hold the database's write lock (BEGIN IMMEDIATE) on a connection of this process."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def nianjian(*args: str, timeout: str, cwd: Path, wait: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "NIANJIAN_DB_TIMEOUT": timeout, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "nianjian", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=wait)


def runs(path: Path) -> list[tuple[str, str]]:
    with Store(path) as store:
        return [(r["kind"], r["status"]) for r in store.db.query("SELECT kind, status FROM runs ORDER BY id")]


@pytest.fixture
def project(tmp_path) -> Path:
    """A database, a sources file and a monitor config (no crawl) in one directory."""
    Store(tmp_path / "nianjian.db").close()
    (tmp_path / "sources.yaml").write_text(
        "sources:\n  - id: jianxi\n    url: http://127.0.0.1:9/zfxxgk/index.html\n    cms: plain\n"
        "    agencies:\n      - {name: 涧西区人民政府, level: government, first_year: 2023}\n", "utf-8")
    (tmp_path / "nianjian.toml").write_text('sources = "sources.yaml"\ndb = "nianjian.db"\n'
                                            "[crawl]\nenabled = false\n", "utf-8")
    return tmp_path


def test_a_held_write_lock_is_one_line_naming_the_database(project):
    db = project / "nianjian.db"
    commands = {"ingest": ["ingest", str(SEED), "--db", str(db)],
                "crawl": ["crawl", "--sources", "sources.yaml", "--db", str(db), "--no-progress"],
                "monitor": ["monitor", "--once", "--config", "nianjian.toml", "--now", "2024-04-02"]}
    with write_lock(db):
        for name, args in commands.items():
            done = nianjian(*args, timeout="1", cwd=project)
            assert done.returncode == 75, (name, done.stderr)
            assert "Traceback" not in done.stderr and "Crawler.stats" not in done.stderr
            [line] = done.stderr.strip().splitlines()
            assert line.startswith(f"nianjian {name}: 错误 error: 数据库 "), line
            assert "nianjian.db 被另一个进程锁住（已等 1 秒）：等它结束再试，或设置 NIANJIAN_DB_TIMEOUT" in line, line
    assert runs(db) == []                           # nothing was half-started


def test_a_short_lock_is_waited_out(project):
    db = project / "nianjian.db"
    lock = write_lock(db)
    lock.__enter__()
    release = threading.Timer(1.5, lock.__exit__, (None, None, None))
    release.start()
    started = time.monotonic()
    done = nianjian("ingest", str(SEED), "--db", str(db), "--json", timeout="20", cwd=project)
    release.join()
    assert done.returncode == 0, done.stderr
    assert '"status": "stored"' in done.stdout and time.monotonic() - started >= 1.5
    assert runs(db) == [("ingest", "ok")]


def test_a_bad_busy_timeout_is_one_line(project, monkeypatch, capsys):
    monkeypatch.setenv("NIANJIAN_DB_TIMEOUT", "soon")
    assert main(["ingest", str(SEED), "--db", str(project / "nianjian.db")]) == 2
    assert capsys.readouterr().err.strip() == \
        "nianjian ingest: 错误 error: NIANJIAN_DB_TIMEOUT：'soon' 不是秒数"


@pytest.fixture
def stalled_portal():
    """A portal on 127.0.0.1 that never answers: a crawl of it stays in progress."""
    asked = threading.Event()
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.set()
            stop.wait(60)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/zfxxgk/index.html", asked
    stop.set()
    server.shutdown()
    server.server_close()


def test_a_crawl_killed_by_sigkill_is_marked_interrupted_on_the_next_start(project, stalled_portal):
    url, asked = stalled_portal
    db = project / "nianjian.db"
    (project / "sources.yaml").write_text((project / "sources.yaml").read_text("utf-8").replace(
        "http://127.0.0.1:9/zfxxgk/index.html", url), "utf-8")
    # The crawl and its writer process (crawler/spool_writer.py, which owns the run) killed at
    # once, as by a power cut: nothing can record the run's end.
    crawl = subprocess.Popen([sys.executable, "-m", "crawler.run", "--sources", "sources.yaml",
                              "--db", str(db), "-s", "ROBOTSTXT_OBEY=false"], cwd=project,
                             env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert asked.wait(60), "the crawl never reached the portal"
        assert runs(db) == [("crawl", "running")]
        with Store(db) as store:
            [owner] = store.db.execute("SELECT owner FROM runs").fetchone()
        writer = owner.split(":")[1]
        assert "crawler.spool_writer" in Path(f"/proc/{writer}/cmdline").read_bytes().decode()
    finally:
        os.killpg(crawl.pid, signal.SIGKILL)
        crawl.wait(10)
    assert runs(db) == [("crawl", "running")]        # nothing could record its end
    done = nianjian("ingest", str(SEED), "--db", str(db), timeout="5", cwd=project)
    assert done.returncode == 0, done.stderr
    assert runs(db) == [("crawl", "interrupted"), ("ingest", "ok")]
    with Store(db) as store:
        [killed] = store.db.query("SELECT finished_at, owner FROM runs WHERE kind = 'crawl'")
    assert killed["finished_at"] and killed["owner"] == owner
