"""A report nianjian reads but cannot place is never held against the agency, end to end:
`nianjian monitor --once` crawls a loopback column whose list shows a report under a title
carrying its publication date ("…年度报告（2023年1月20日）") rather than its year, and whose page
names no year either. The crawl reads no year in the title (a date's year is not the report's),
so the report is left unplaced: the agency's 2022 report is 待核实 (never missing), and no
(agency, year) counts it as published."""
from __future__ import annotations

import json
from pathlib import Path

import sqlite_utils

from nianjian.browse.grid import load_grid
from nianjian.cli import main

SETTINGS = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_TIMEOUT": 2,
            "RETRY_TIMES": 0, "LOG_LEVEL": "INFO"}
JIANXI = "涧西区人民政府"
DATED = f"{JIANXI}政府信息公开工作年度报告（2023年1月20日）"


def config(directory: Path, column_url: str, agencies=((JIANXI, "government"),)) -> Path:
    listed = "".join(f"      - {{name: {name}, level: {level}, first_year: 2021}}\n" for name, level in agencies)
    (directory / "sources.yaml").write_text(
        f"sources:\n  - id: jianxi\n    url: {column_url}\n    cms: plain\n    agencies:\n{listed}", "utf-8")
    settings = "".join(f"{name} = {json.dumps(value)}\n" for name, value in SETTINGS.items())
    path = directory / "nianjian.toml"
    path.write_text('sources = "sources.yaml"\ndb = "nianjian.db"\n[crawl]\nenabled = true\n'
                    f"[crawl.settings]\n{settings}", "utf-8")
    return path


def test_a_report_listed_under_its_publication_date_is_unsure_never_missing(serve, kit, tmp_path):
    site = serve(kit.Site("127.0.0.1"))
    report_2021 = kit.seed("000")                          # 涧西区人民政府's 2021 report
    yearless = report_2021.replace("2021", "本")           # the next one, naming no year in its text
    site.add("/nb/t1.html", kit.detail_page(kit.seed_title(report_2021), kit.seed_body_html(report_2021),
                                            date_line="发布日期：2022-01-20"))
    site.add("/nb/t2.html", kit.detail_page(DATED, kit.seed_body_html(yearless),
                                            date_line="发布日期：2023-01-20"))
    site.add("/nb/index.html", kit.list_page([("t2.html", DATED, "2023-01-20"),
                                              ("t1.html", kit.seed_title(report_2021), "2022-01-20")]))
    path = config(tmp_path, site.url("/nb/index.html"))
    assert main(["monitor", "--once", "--config", str(path), "--now", "2023-06-01"]) == 0
    db = sqlite_utils.Database(tmp_path / "nianjian.db")

    # only the placed report is a report; the other is unplaced, with where it may belong
    assert [(r["agency"], r["year"]) for r in db.query("SELECT agency, year FROM reports")] == [(JIANXI, 2021)]
    [unplaced] = db.query("SELECT * FROM unplaced")
    assert (unplaced["url"], unplaced["title"], unplaced["agency"], unplaced["year"]) == \
        (site.url("/nb/t2.html"), DATED, JIANXI, None)
    assert (json.loads(unplaced["agencies"]), json.loads(unplaced["years"])) == ([JIANXI], [2022, 2023])
    assert "YEAR_UNKNOWN" in unplaced["why"]
    [fetch] = db.query("SELECT outcome FROM fetches WHERE url = ?", [site.url("/nb/t2.html")])
    assert fetch["outcome"] == "unmatched"

    # 2021 on time; 2022 待核实 (a document may be it), not missing, and nothing late or on time
    statuses = {r["year"]: r["status"] for r in db.query("SELECT year, status FROM expectations")}
    assert statuses == {2021: "on_time", 2022: "unsure"}
    [review] = json.loads(next(db.query("SELECT review FROM expectations WHERE year = 2022"))["review"])
    assert (review["url"], review["title"], review["unsure_of"]) == (site.url("/nb/t2.html"), DATED, "year")
    alerts = [(a["kind"], a["agency"], a["year"]) for a in db.query("SELECT * FROM alerts")]
    assert alerts == [("unsure", JIANXI, 2022)]

    # the status grid shows it as needing review, linked to the document
    cell = load_grid(db.conn).cells[(JIANXI, 2022)]
    assert (cell.state, cell.url, cell.title) == ("unsure", site.url("/nb/t2.html"), DATED)


def test_a_title_naming_several_watched_agencies_is_no_ones(serve, kit, tmp_path):
    """"甲局、乙局2021年…报告" on a column both are watched on: neither's report (never the longer
    name's), unplaced for both; neither is accused of missing it."""
    culture, sport = "涧西区文化广电和旅游局", "涧西区体育局"
    site = serve(kit.Site("127.0.0.1"))
    joint = f"{culture}、{sport}2021年政府信息公开工作年度报告"
    site.add("/nb/t1.html", kit.detail_page(joint, kit.seed_body_html(kit.seed("000")),
                                            date_line="发布日期：2022-01-20"))
    site.add("/nb/index.html", kit.list_page([("t1.html", joint, "2022-01-20")]))
    path = config(tmp_path, site.url("/nb/index.html"), ((culture, "department"), (sport, "department")))
    assert main(["monitor", "--once", "--config", str(path), "--now", "2022-06-01"]) == 0
    db = sqlite_utils.Database(tmp_path / "nianjian.db")
    assert db["reports"].count == 0
    [unplaced] = db.query("SELECT agency, year, agencies, years FROM unplaced")
    assert (unplaced["agency"], unplaced["year"], json.loads(unplaced["agencies"]), json.loads(unplaced["years"])) == \
        (None, 2021, [culture, sport], [2021])
    statuses = {(r["agency"], r["year"]): r["status"] for r in db.query("SELECT * FROM expectations")}
    assert statuses == {(culture, 2021): "unsure", (sport, 2021): "unsure"}
    [alert, _] = db.query("SELECT kind, details FROM alerts ORDER BY agency")
    assert alert["kind"] == "unsure" and json.loads(alert["details"])["unsure_of"] == "agency"
