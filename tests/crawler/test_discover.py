"""`nianjian discover` on the demo portal, served for real on 127.0.0.1: from the region's home
page it names every agency of the portal's own sources file, and a crawl with the discovered
file stores the same (agency, year) reports as a crawl with the hand-written one. Then the
sources-file side (nianjian/discovery.py): rendering and --merge."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import sqlite_utils
import yaml

from nianjian import discovery
from nianjian.demo_portal.manifest import sources_for
from nianjian.demo_portal.server import DemoPortal
from nianjian.sources import load_sources

ROOT = Path(__file__).resolve().parents[2]
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_TIMEOUT=2",
        "-s", "RETRY_TIMES=0"]


def _discover(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nianjian", "discover", *args, *FAST],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def _reports(db: Path) -> set[tuple[str, int]]:
    return {(r["agency"], r["year"]) for r in sqlite_utils.Database(db).query("select agency, year from reports")}


def test_discover_names_every_demo_agency_and_crawls_the_same_reports(crawl, tmp_path):
    with DemoPortal(port=0, slow_delay=4.0) as portal:   # the slow report times out in both crawls
        out = tmp_path / "discovered.yaml"
        done = _discover(portal.base_url + "/", "--out", str(out))
        assert done.returncode == 0, done.stderr[-3000:]
        hand = tmp_path / "sources.yaml"
        hand.write_text(sources_for(portal.base_url), "utf-8")

        found = load_sources(out)                  # a valid sources file
        agencies = {a.name: a for s in found for a in s.agencies}
        expected = {a.name: a for s in load_sources(hand) for a in s.agencies}
        assert set(agencies) == set(expected)
        for name, agency in agencies.items():
            assert agency.level == expected[name].level, name
            assert agency.parent == expected[name].parent, name
        # one county column lists the county's government, department and townships
        county = next(s for s in found if "示例县卫生健康委员会" in [a.name for a in s.agencies])
        assert {a.name for a in county.agencies} == {"示例县人民政府", "示例县卫生健康委员会",
                                                     "示例县东湖镇人民政府", "示例县城关街道办事处"}
        # the 财政局's column is on another host name of the region
        assert next(s for s in found if s.agencies[0].name == "示例市财政局").url.startswith("http://localhost:")
        total = next(line for line in done.stderr.splitlines() if "合计" in line)   # the summary table
        assert [int(n) for n in re.findall(r"\d+", total)] == [len(expected), len(expected), 0]

        discovered_db, hand_db = tmp_path / "discovered.db", tmp_path / "hand.db"
        for sources, db in ((out, discovered_db), (hand, hand_db)):
            result = crawl(sources, db, "DOWNLOAD_TIMEOUT=2")
            assert result.returncode == 0, result.stderr[-3000:]
    assert _reports(discovered_db) == _reports(hand_db)
    assert len(_reports(hand_db)) >= 10


def test_discover_refuses_a_bad_url_in_one_line():
    done = _discover("ftp://example.org/")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "不是 http(s) 网址" in done.stderr


def _found() -> discovery.Discovery:
    found = discovery.Discovery("http://www.shili.gov.cn/")
    city = found.add_organ("示例市人民政府", "government", None, "http://www.shili.gov.cn/")
    found.attach(city, "http://www.shili.gov.cn/zfxxgk/xxgknb/index.html")
    moved = found.add_organ("示例市教育局", "department", "示例市人民政府", "http://jyj.shili.gov.cn/")
    found.attach(moved, "http://jyj.shili.gov.cn/col/col2002/index.html")
    new = found.add_organ("示例市民政局", "department", "示例市人民政府", "http://mzj.shili.gov.cn/")
    found.attach(new, "http://mzj.shili.gov.cn/xxgk/ndbg/")
    found.add_organ("示例市统计局", "department", "示例市人民政府", "http://tjj.shili.gov.cn/").reason = \
        "http://tjj.shili.gov.cn/: 404 Not Found"
    return found


def test_render_lists_sources_and_comments_organs_without_a_column(tmp_path):
    found = _found()
    text = discovery.render(discovery.discovered_sources(found), found, "2026-11-27")
    path = tmp_path / "s.yaml"
    path.write_text(text, "utf-8")
    sources = load_sources(path)
    assert [(s.id, s.url, [a.name for a in s.agencies]) for s in sources] == [
        ("www-zfxxgk-xxgknb", "http://www.shili.gov.cn/zfxxgk/xxgknb/index.html", ["示例市人民政府"]),
        ("jyj-col-col2002", "http://jyj.shili.gov.cn/col/col2002/index.html", ["示例市教育局"]),
        ("mzj-xxgk-ndbg", "http://mzj.shili.gov.cn/xxgk/ndbg/", ["示例市民政局"]),
    ]
    assert "#   - name: 示例市统计局  level: department  parent: 示例市人民政府" in text
    assert "#     reason: http://tjj.shili.gov.cn/: 404 Not Found" in text
    assert found.summary()["department"] == {"organs": 3, "columns": 2, "not_found": 1}


def test_merge_keeps_ids_and_hand_edits_updates_moved_columns_and_marks_unlisted():
    existing = [
        {"id": "city", "url": "http://www.shili.gov.cn/zfxxgk/xxgknb/index.html", "cms": "trs",
         "agencies": [{"name": "示例市人民政府", "level": "government", "first_year": 2020, "aliases": ["示例市政府"]}]},
        {"id": "edu", "url": "http://www.shili.gov.cn/jyj/ndbg/", "cms": "plain",
         "agencies": [{"name": "示例市教育局", "level": "department", "deadline": "02-15"}]},
        {"id": "gone", "url": "http://www.shili.gov.cn/lyj/ndbg/",
         "agencies": [{"name": "示例市林业局", "level": "department"}]},
    ]
    merged = discovery.merge(existing, _found(), "2026-11-27")
    by_id = {s["id"]: s for s in merged}
    assert list(by_id) == ["city", "edu", "gone", "mzj-xxgk-ndbg"]
    assert by_id["city"]["agencies"] == [{"name": "示例市人民政府", "level": "government", "first_year": 2020,
                                          "aliases": ["示例市政府"]}]
    assert by_id["edu"]["url"] == "http://jyj.shili.gov.cn/col/col2002/index.html"     # moved
    assert by_id["edu"]["agencies"][0]["deadline"] == "02-15" and by_id["edu"]["cms"] == "plain"
    assert by_id["gone"]["agencies"][0]["unlisted"] == "2026-11-27"                   # marked, kept
    assert by_id["mzj-xxgk-ndbg"]["agencies"] == [{"name": "示例市民政局", "level": "department",
                                                    "parent": "示例市人民政府"}]
    assert existing[1]["url"] == "http://www.shili.gov.cn/jyj/ndbg/"                   # input untouched
    yaml.safe_dump({"sources": merged}, allow_unicode=True)
