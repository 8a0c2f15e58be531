"""A crawl stopped midway (SIGTERM to the real subprocess) and resumed with the same JOBDIR
finishes the work: no report lost, none fetched or stored twice."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlite_utils

ROOT = Path(__file__).resolve().parents[2]
# Named without Arabic digits: no organ's name holds them (the parser reads "第1局" as no organ's name).
AGENCIES = [f"涧西区第{str(n).translate(str.maketrans('0123456789', '〇一二三四五六七八九'))}局" for n in range(1, 31)]


def test_sigterm_then_resume_with_the_same_jobdir(serve, kit, crawl, tmp_path):
    site = serve(kit.Site("127.0.0.1"))
    body = kit.seed_body_html(kit.seed("000"))
    items = []
    for n, agency in enumerate(AGENCIES, 1):
        title = f"{agency}2021年政府信息公开工作年度报告"
        path = f"/nb/202201/t202201{n:02d}_{n}.html"
        site.add(path, kit.detail_page(title, body, date_line=f"发布日期：2022-01-{n:02d}"), delay=0.25)
        items.append((f".{path[3:]}", title, f"2022-01-{n:02d}"))
    site.add("/nb/index.html", kit.list_page(items[:15], script='createPageHTML(2, 0, "index", "html");'))
    site.add("/nb/index_1.html", kit.list_page(items[15:], script='createPageHTML(2, 1, "index", "html");'))
    sources = tmp_path / "sources.yaml"
    sources.write_text(kit.sources_yaml([{"id": "jianxi", "url": site.url("/nb/index.html"), "agencies": [
        {"name": a, "level": "department"} for a in AGENCIES]}]))
    db, jobdir = tmp_path / "nianjian.db", tmp_path / "job"

    settings = ["CONCURRENT_REQUESTS=2", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "DOWNLOAD_TIMEOUT=10",
                "DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "LOG_LEVEL=INFO"]
    command = [sys.executable, "-m", "crawler.run", "--sources", str(sources), "--db", str(db),
               "--jobdir", str(jobdir)] + [a for s in settings for a in ("-s", s)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and stored < 5:
        time.sleep(0.2)
        if db.exists():
            try:
                stored = sqlite_utils.Database(db).execute("select count(*) from reports").fetchone()[0]
            except Exception:       # the schema is being created
                stored = 0
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1, stderr[-2000:]          # interrupted: resume with the same JOBDIR
    first = sqlite_utils.Database(db).execute("select count(*) from reports").fetchone()[0]
    assert 5 <= first < len(AGENCIES)

    resumed = crawl(sources, db, *settings, jobdir=jobdir)
    assert resumed.returncode == 0, resumed.stderr[-2000:]

    store = sqlite_utils.Database(db)
    assert sorted(r["agency"] for r in store.query("select agency from reports")) == sorted(AGENCIES)
    assert store.execute("select count(*) from report_versions").fetchone()[0] == len(AGENCIES)
    for n in range(1, len(AGENCIES) + 1):
        path = f"/nb/202201/t202201{n:02d}_{n}.html"
        assert len(site.fetched(path)) == 1, path
    runs = [r["status"] for r in store.query("select status from runs order by id")]
    assert runs == ["shutdown", "ok"]
