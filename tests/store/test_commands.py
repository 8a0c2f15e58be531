"""`nianjian ingest`, `nianjian status` and `nianjian serve`, run as users run them."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

from nianjian.cli import main
from nianjian.store import Store

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "tests/fixtures/seeds").glob("*.txt"))
PDF = ROOT / "tests/fixtures/corpus/hongze_2023.pdf"
BLANK_DOCX = ROOT / "tests/fixtures/corpus/template_2021_blank.docx"
CHROMIUM = "/usr/bin/chromium"


def counts(path) -> dict:
    with Store(path) as store:
        return {t: store.db[t].count for t in ("reports", "report_versions", "cells", "findings")}


def test_ingest_stores_real_reports_and_reports_bad_files(tmp_path, capsys):
    db = tmp_path / "nianjian.db"
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n this is not really a pdf")
    code = main(["ingest", *map(str, SEEDS), str(PDF), str(broken), str(BLANK_DOCX),
                 str(tmp_path / "absent.pdf"), "--db", str(db), "--json"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1                                  # some files failed, the rest went in
    by_file = {Path(r["file"]).name: r for r in lines}
    assert [by_file[s.name]["status"] for s in SEEDS] == ["stored"] * 5
    assert (by_file[PDF.name]["agency"], by_file[PDF.name]["year"]) == ("洪泽区人民政府", 2023)
    assert by_file[PDF.name]["errors"] >= 1           # its section 四 totals are printed as 0
    assert by_file["absent.pdf"]["status"] == "error"
    assert by_file["absent.pdf"]["problems"][0]["code"] == "UNREADABLE_FILE"
    assert by_file[BLANK_DOCX.name]["status"] == "unmatched"   # the blank template names no organ
    assert by_file["broken.pdf"]["status"] == "unreadable"       # no agency or year to file it under
    assert by_file["broken.pdf"]["problems"][0]["code"] == "UNREADABLE_FILE"
    with Store(db) as store:
        assert {r["agency"] for r in store.reports()} == {r["agency"] for r in lines if r["report_id"]}
        [run] = store.db["runs"].rows
        assert run["kind"] == "ingest" and run["status"] == "partial" and run["errors"] == 3
        hongze = store.report("洪泽区人民政府", 2023)
        assert "T4_TOTAL" in store.reports(agency="洪泽区人民政府")[0]["error_rules"]
        assert hongze.cells and hongze.narrative

    before = counts(db)
    assert main(["ingest", *map(str, SEEDS), "--db", str(db), "--json"]) == 0
    assert {json.loads(l)["status"] for l in capsys.readouterr().out.splitlines()} == {"unchanged"}
    assert counts(db) == before                        # idempotent on real documents


def test_ingest_changed_file_is_a_new_version_and_agency_year_options(tmp_path, capsys):
    db = tmp_path / "nianjian.db"
    report = tmp_path / "report.txt"
    text = SEEDS[0].read_text("utf-8")
    report.write_text(text, "utf-8")
    assert main(["ingest", str(report), "--db", str(db), "--agency", "涧西区政府",
                 "--url", "http://www.jianxi.gov.cn/2022/t1.html"]) == 0
    report.write_text(text.replace("一、总体情况", "一、总体情况\n（本报告已更正）"), "utf-8")
    assert main(["ingest", str(report), "--db", str(db), "--agency", "涧西区政府", "--json"]) == 0
    out = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert (out["status"], out["agency"], out["year"]) == ("new_version", "涧西区政府", 2021)
    with Store(db) as store:
        [row] = store.reports()
        assert row["versions"] == 2
        assert [v["url"] for v in store.versions(row["id"])] == [
            "http://www.jianxi.gov.cn/2022/t1.html", report.resolve().as_uri()]


def test_ingest_user_mistakes_exit_2(tmp_path, capsys):
    assert main(["ingest", str(SEEDS[0]), str(SEEDS[1]), "--url", "http://x/", "--db",
                 str(tmp_path / "x.db")]) == 2
    assert "--url 是一份报告的网址：只能配一个文件 FILE" in capsys.readouterr().err
    (tmp_path / "dir.db").mkdir()
    assert main(["ingest", str(SEEDS[0]), "--db", str(tmp_path / "dir.db")]) == 2
    assert f"数据库路径 {tmp_path / 'dir.db'} 是文件夹" in capsys.readouterr().err


def test_status_in_the_terminal(populated, store, db_path, capsys):
    store.close()
    assert main(["status", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "涧西区教育局" in out and "迟12天" in out and "未发布" in out and "错2" in out
    assert main(["status", "--db", str(db_path), "--level", "township"]) == 0
    out = capsys.readouterr().out
    assert "重庆路街道办事处" in out and "涧西区教育局" not in out
    assert main(["status", "--db", str(db_path), "--agency", "教育", "--from", "2023"]) == 0
    out = capsys.readouterr().out
    assert "涧西区教育局" in out and "涧西区人民政府" not in out and "2022" not in out and "2024" in out
    assert main(["status", "--db", str(db_path.parent / "none.db")]) == 2
    assert "没有数据库" in capsys.readouterr().err


def test_status_html_cells_links_and_screenshot(populated, store, db_path, tmp_path):
    store.close()
    page = tmp_path / "grid.html"
    assert main(["status", "--db", str(db_path), "--html", str(page)]) == 0
    html = page.read_text("utf-8")
    assert html.count("<td ") == 3 * 3                 # 3 agencies × 2022–2024
    assert ('data-agency="涧西区人民政府" data-year="2023" data-state="late" '
            'title="涧西区人民政府 2023 · 逾期发布 · 逾期 12 天 · 期限 2024-03-31 · 发布 2024-04-12">'
            '<a href="http://www.jianxi.gov.cn/2024/t2.html">迟12天</a>') in html
    assert 'data-state="inconsistent"' in html and f'href="#findings-{populated["edu23"]}"' in html
    assert f'id="findings-{populated["edu23"]}"' in html and "T4_TOTAL" in html
    # a missing report links to the agency's report column, where it should have appeared
    assert ('data-agency="重庆路街道办事处" data-year="2023" data-state="missing"' in html and
            '<a href="http://www.jianxi.gov.cn/zfxxgk/xxgknb/index.html">未发布</a>' in html)
    assert 'data-agency="涧西区人民政府" data-year="2024" data-state="pending"' in html

    linked = tmp_path / "linked.html"
    assert main(["status", "--db", str(db_path), "--html", str(linked),
                 "--datasette", "http://127.0.0.1:8001/"]) == 0
    html = linked.read_text("utf-8")
    assert f'href="http://127.0.0.1:8001/-/report/{populated["gov23"]}">迟12天</a>' in html
    assert f'href="http://127.0.0.1:8001/-/report/{populated["edu23"]}#findings"' in html

    if not os.path.exists(CHROMIUM):
        pytest.skip("chromium is not installed (CI installs it)")
    shot = tmp_path / "grid.png"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'chromium'}",
                    f"--screenshot={shot}", "--window-size=1000,700", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    image = Image.open(shot).convert("RGB")
    assert image.size == (1000, 700)
    colours = {rgb for _, rgb in image.getcolors(maxcolors=1 << 24)}
    assert len(colours) > 50                             # text and cells, not a blank page
    for state in ("#2e9d5b", "#e0a100", "#c62828", "#7b3fa0", "#c9d3de"):   # status.yaml colours
        rgb = tuple(int(state[i:i + 2], 16) for i in (1, 3, 5))
        assert rgb in colours, state



def test_status_xlsx_writes_the_grid_and_its_findings(populated, store, db_path, tmp_path):
    from openpyxl import load_workbook
    store.close()
    target = tmp_path / "status.xlsx"
    assert main(["status", "--db", str(db_path), "--xlsx", str(target), "--datasette", "http://127.0.0.1:8001"]) == 0
    book = load_workbook(target)
    rows = {row[0].value: row for row in book["发布状态"].iter_rows(min_row=2)}
    late = rows["涧西区人民政府"][2]                                  # 2022, 2023, 2024: the 2023 cell
    assert late.value == "迟12天" and late.fill.start_color.rgb.endswith("E0A100")
    assert late.hyperlink.target == f"http://127.0.0.1:8001/-/report/{populated['gov23']}"
    findings = list(book["核查结果"].iter_rows(min_row=2, values_only=True))
    assert [(f[0], f[1], f[2]) for f in findings] == [("涧西区教育局", 2023, "T3_BALANCE"), ("涧西区教育局", 2023, "T4_TOTAL")]


def test_serve_runs_datasette_on_loopback(populated, store, db_path, free_port, serving):
    store.close()
    console: list[str] = []
    with serving(db_path, free_port(), console) as base:
        late = json.load(urllib.request.urlopen(base + f"/{db_path.stem}/late_by_days.json?_shape=array"))
        assert [(r["agency"], r["days_late"]) for r in late] == [("涧西区人民政府", 12)]
        grid = urllib.request.urlopen(base + "/-/status").read().decode()
        assert 'data-state="missing"' in grid and f'href="/-/report/{populated["gov23"]}"' in grid
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base + f"/{db_path.stem}.json?sql=DELETE+FROM+reports")
        assert refused.value.code == 400
        # a write to a table (form or JSON API) is refused before Datasette sees it
        for path, body in ((f"/{db_path.stem}/reports", b"agency=x"),
                           (f"/{db_path.stem}/reports/-/insert", b'{"row": {"agency": "x"}}')):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(urllib.request.Request(base + path, data=body, method="POST"), timeout=10)
            assert refused.value.code == 405 and refused.value.headers["Allow"] == "GET, HEAD, OPTIONS"
            assert "只读" in refused.value.read().decode()
    assert "Traceback" not in console[0], console[0][-2000:]
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    try:
        assert main(["serve", "--db", str(db_path), "--port", str(busy.getsockname()[1])]) == 2
    finally:
        busy.close()
