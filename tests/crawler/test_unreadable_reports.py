"""What nianjian could not read is never held against the agency, end to end: `nianjian monitor
--once` crawls a loopback portal whose column lists, besides readable reports, a scanned PDF, a
truncated PDF and an encrypted PDF of a report already stored, a scan that is an agency's only
version, a report page whose report is a .wps file, and a bot wall with no known marker standing
in for a report page."""
from __future__ import annotations

import json
from pathlib import Path

import sqlite_utils

from nianjian.browse.grid import load_grid
from nianjian.cli import main

SETTINGS = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_TIMEOUT": 2,
            "RETRY_TIMES": 0, "LOG_LEVEL": "INFO"}

JIANXI = "涧西区人民政府"           # seed 000: a readable 2021 report, then three unreadable copies
YANJIN = "延津县人民政府办公室"     # seed 003 (its 2023 report, made 2021's): first only a scan
EDUCATION = "涧西区教育局"          # its 2021 "report page" is a bot wall nianjian has no marker for
HEALTH = "涧西区卫生健康委员会"     # its 2021 report page only links a .wps file
WALL = ("<html><head><title>{title}</title></head><body><h1>{title}</h1>"
        "<p>访问过于频繁，请稍后再试。</p></body></html>")


def config(directory: Path, column_url: str) -> Path:
    agencies = "".join(f"      - {{name: {name}, level: {level}, first_year: 2021}}\n"
                       for name, level in ((JIANXI, "government"), (YANJIN, "department"),
                                           (EDUCATION, "department"), (HEALTH, "department")))
    (directory / "sources.yaml").write_text(
        f"sources:\n  - id: jianxi\n    url: {column_url}\n    cms: plain\n    agencies:\n{agencies}",
        "utf-8")
    settings = "".join(f"{name} = {json.dumps(value)}\n" for name, value in SETTINGS.items())
    path = directory / "nianjian.toml"
    path.write_text('sources = "sources.yaml"\ndb = "nianjian.db"\n[crawl]\nenabled = true\n'
                    f"[crawl.settings]\n{settings}", "utf-8")
    return path


def test_unreadable_copies_never_replace_the_report_and_walls_are_no_reports(serve, kit, tmp_path,
                                                                           unreadable_pdfs):
    site = serve(kit.Site("127.0.0.1"))
    jianxi, yanjin = kit.seed("000"), kit.seed("003").replace("2023", "2021")
    jianxi_title, yanjin_title = kit.seed_title(jianxi), kit.seed_title(yanjin)
    education_title = f"{EDUCATION}2021年政府信息公开工作年度报告"
    site.add("/nb/t1.html", kit.detail_page(jianxi_title, kit.seed_body_html(jianxi)))
    site.add("/nb/yanjin.pdf", unreadable_pdfs["scan.pdf"], content_type="application/pdf")
    site.add("/nb/t3.html", WALL.format(title=education_title))
    health_title = f"{HEALTH}2021年政府信息公开工作年度报告"
    site.add("/nb/t5.html", kit.detail_page(health_title, '<p>附件：<a href="/nb/t5.wps">年度报告.wps</a></p>'))
    listed = [("t1.html", jianxi_title, "2022-01-20"), ("yanjin.pdf", yanjin_title, "2022-01-21"),
              ("t3.html", education_title, "2022-01-22"), ("t5.html", health_title, "2022-01-23")]
    site.add("/nb/index.html", kit.list_page(listed))
    path = config(tmp_path, site.url("/nb/index.html"))
    db = sqlite_utils.Database(tmp_path / "nianjian.db")

    assert main(["monitor", "--once", "--config", str(path), "--now", "2022-06-01"]) == 0
    [good] = db.query("SELECT * FROM reports WHERE agency = ?", [JIANXI])
    assert (good["parse_status"], good["errors"], good["versions"]) == ("problems", 0, 1)
    good_cells = list(db.query("SELECT key, value FROM cells WHERE version_id = ? ORDER BY key",
                               [good["current_version"]]))
    assert len(good_cells) == 200

    # The portal now also lists a scan, a truncated copy and an encrypted copy of the same report.
    copies = unreadable_pdfs
    for name, body in copies.items():
        site.add(f"/nb/{name}", body, content_type="application/pdf")
    site.add("/nb/index.html", kit.list_page(
        listed + [(name, jianxi_title, "2022-02-01") for name in copies]))
    assert main(["monitor", "--once", "--config", str(path), "--now", "2022-06-02"]) == 0

    # The readable version stays current, cell for cell; each copy is a fetch with its problem.
    [kept] = db.query("SELECT * FROM reports WHERE agency = ?", [JIANXI])
    assert {k: kept[k] for k in ("current_version", "versions", "errors", "parse_status")} == \
        {k: good[k] for k in ("current_version", "versions", "errors", "parse_status")}
    assert list(db.query("SELECT key, value FROM cells WHERE version_id = ? ORDER BY key",
                         [kept["current_version"]])) == good_cells
    fetched = {row["url"].rsplit("/", 1)[1]: row for row in db.query(
        "SELECT url, outcome, error FROM fetches WHERE run_id = (SELECT max(run_id) FROM fetches)")}
    assert {name: fetched[name]["outcome"] for name in copies} == dict.fromkeys(copies, "unreadable")
    assert fetched["scan.pdf"]["error"].startswith("SCANNED_PDF: no text layer")
    assert fetched["truncated.pdf"]["error"].startswith("UNREADABLE_FILE: ")
    assert "password-protected" in fetched["encrypted.pdf"]["error"]

    # The scan that is 延津县's only version: published, unreadable, one warning, no error.
    [scan] = db.query("SELECT * FROM reports WHERE agency = ?", [YANJIN])
    assert (scan["parse_status"], scan["errors"], scan["warnings"]) == ("unreadable", 0, 1)
    assert [f["rule"] for f in db.query("SELECT rule FROM current_findings WHERE report_id = ?",
                                        [scan["id"]])] == ["UNREADABLE"]

    # The wall is no report: nothing stored for 教育局, a sample of the page in its fetch record.
    assert list(db.query("SELECT * FROM reports WHERE agency = ?", [EDUCATION])) == []
    assert fetched["t3.html"]["outcome"] == "not_a_report"
    assert "访问过于频繁" in fetched["t3.html"]["error"]

    # A page whose report is a .wps file is the report's publication, unreadable: not missing.
    [wps] = db.query("SELECT * FROM reports WHERE agency = ?", [HEALTH])
    assert (wps["parse_status"], wps["errors"], wps["url"]) == ("unreadable", 0, site.url("/nb/t5.html"))
    [finding] = db.query("SELECT rule, message_zh FROM current_findings WHERE report_id = ?", [wps["id"]])
    assert finding["rule"] == "UNREADABLE" and "无法读取格式的附件" in finding["message_zh"]

    # Alerts: 教育局 is missing; nothing is inconsistent, nothing changed; the source is partial.
    alerts = {row["key"] for row in db.query("SELECT key FROM alerts WHERE state = 'open'")}
    assert alerts == {f"missing|{EDUCATION}|2021"}
    statuses = [row["status"] for row in db.query("SELECT status FROM source_runs ORDER BY id")]
    assert statuses == ["partial", "partial"]

    # The grid: 涧西区 on time, 延津县 published but unreadable, 教育局 missing; nothing 数据不一致.
    grid = load_grid(db.conn)
    states = {agency: grid.cell(agency, 2021).state for agency in (JIANXI, YANJIN, EDUCATION, HEALTH)}
    assert states == {JIANXI: "on_time", YANJIN: "unreadable", EDUCATION: "missing", HEALTH: "unreadable"}
    assert grid.counts()["inconsistent"] == 0

    # 延津县 later publishes a readable report: it replaces the scan, and that is no silent edit.
    # The wall is still there: a third partial run in a row is a failing source.
    site.add("/nb/t4.html", kit.detail_page(yanjin_title, kit.seed_body_html(yanjin)))
    site.add("/nb/index.html", kit.list_page([*listed, ("t4.html", yanjin_title, "2022-01-21")]))
    assert main(["monitor", "--once", "--config", str(path), "--now", "2022-06-03"]) == 0
    [read] = db.query("SELECT * FROM reports WHERE agency = ?", [YANJIN])
    assert (read["parse_status"], read["versions"], read["errors"]) == ("ok", 2, 0)
    alerts = {row["key"]: json.loads(row["details"]) for row in db.query("SELECT key, details FROM alerts")}
    assert set(alerts) == {f"missing|{EDUCATION}|2021", "source_failing|jianxi"}
    assert alerts["source_failing|jianxi"]["status"] == "partial"
