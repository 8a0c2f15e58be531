"""The report page and the changes page, read over HTTP from `nianjian serve` on 127.0.0.1 as a
reader sees them: labels, values, the failing rule and its sums, old and new values."""
from __future__ import annotations

import json
import os
import subprocess
import urllib.error
import urllib.request
from urllib.parse import quote

import io

import lxml.html
from openpyxl import load_workbook
import pytest
from PIL import Image

from nianjian.checks import check
from nianjian.sources import parse_sources
from nianjian.store import Store

CHROMIUM = "/usr/bin/chromium"
SOURCES = {"sources": [{"id": "jianxi", "url": "http://www.jianxi.gov.cn/zfxxgk/xxgknb/index.html",
                        "agencies": [{"name": "涧西区教育局", "level": "department"},
                                     {"name": "涧西区人民政府", "level": "government"},
                                     {"name": "重庆路街道办事处", "level": "township"}]}]}


@pytest.fixture(scope="module")
def site(tmp_path_factory, make_report, free_port, serving):
    """A served database: 涧西区教育局 2023 whose t3 natural column does not balance,
    涧西区人民政府 2023 edited (cells and text), 重庆路街道办事处 2023 edited in its text only."""
    db = tmp_path_factory.mktemp("pages") / "nianjian.db"
    ids = {}
    with Store(db) as store:
        store.sync_agencies(parse_sources(SOURCES))
        bad = make_report("涧西区教育局", 2023, new=54, carried_in=2, carried_out=1)
        bad.cells["t3.carried_out.natural"], bad.raw_cells["t3.carried_out.natural"] = 3, "3"
        ids["bad"] = store.save_report(agency=bad.agency, year=2023, url="http://www.jianxi.gov.cn/jyj/2023.html",
                                       report=bad, findings=check(bad), content_hash="bad").report_id
        for version, new in ((1, 10), (2, 12)):
            gov = make_report("涧西区人民政府", 2023, new=new, narrative=(
                f"2023年，涧西区人民政府共受理申请{new}件。全年未发生行政复议、行政诉讼。" +
                ("新增政务公开专区一个。" if version == 2 else "")))
            ids["edited"] = store.save_report(agency=gov.agency, year=2023, url="http://www.jianxi.gov.cn/gov/2023.html",
                                              report=gov, findings=[], content_hash=f"gov{version}").report_id
        for version, text in ((1, "街道全年公开信息30条。"), (2, "街道全年公开信息30条，均在网站发布。")):
            street = make_report("重庆路街道办事处", 2023, narrative=text)
            ids["text_only"] = store.save_report(agency=street.agency, year=2023, url=None, report=street,
                                                 findings=[], content_hash=f"street{version}").report_id
        store.db["alerts"].insert({
            "key": "changed|涧西区人民政府|2023", "kind": "changed", "agency": "涧西区人民政府",
            "year": 2023, "state": "open", "opened_at": "2024-05-01T09:00:00+08:00",
            "updated_at": "2024-05-01T09:00:00+08:00",
            "details": json.dumps({"report_id": ids["edited"], "from_version": 1, "to_version": 2})})
    with serving(db, free_port()) as base:
        yield base, ids


def page(url: str):
    return lxml.html.fromstring(urllib.request.urlopen(url, timeout=20).read().decode("utf-8"))


def text(element) -> str:
    return " ".join(element.text_content().split())


def value(td) -> str:
    """A value cell's own number, without the finding marks after it."""
    return (td.text or "").strip()


def cell(tree, key: str):
    [found] = tree.xpath(f'//td[@data-key="{key}"]')
    return found


def test_report_page_lays_out_the_tables_like_the_printed_template(site):
    base, ids = site
    tree = page(f"{base}/-/report/{ids['bad']}")
    assert text(tree.xpath("//h1")[0]) == "涧西区教育局2023年政府信息公开工作年度报告"
    facts = dict(zip(map(text, tree.xpath("//dl[@class='facts']/dt")), map(text, tree.xpath("//dl[@class='facts']/dd"))))
    assert (facts["机构"], facts["报告年度"], facts["发布日期"]) == ("涧西区教育局", "2023", "2024-01-20")
    assert tree.xpath("//a[@href='http://www.jianxi.gov.cn/jyj/2023.html']")                  # the document
    assert tree.xpath("//a[@href='http://www.jianxi.gov.cn/zfxxgk/xxgknb/index.html']")      # the portal column
    t3 = tree.xpath("//section[@id='t3']//table")[0]
    headers = [text(th) for th in t3.xpath(".//th")]
    for label in ("申请人情况", "自然人", "法人或其他组织", "商业企业", "总计", "三、本年度办理结果", "（三）不予公开",
                  "1.属于国家秘密", "（四）无法提供", "（五）不予处理", "（六）其他处理", "（七）总计",
                  "四、结转下年度继续办理"):
        assert label in headers, label
    # the group row spans its eight members, as printed
    [withheld] = t3.xpath(".//th[normalize-space()='（三）不予公开']")
    assert withheld.get("rowspan") == "8"
    assert value(cell(tree, "t3.new.natural")) == "54"
    assert value(cell(tree, "t3.new.research")) == ""                     # printed "/": a blank
    assert cell(tree, "t3.withheld_secret.natural").get("class") == "absent"   # not read: no value
    assert value(cell(tree, "t2.fees.amount")) == "638.8016"
    assert text(tree.xpath("//section[@id='t4']//th")[0]) == "行政复议"


def test_failing_cells_carry_their_finding_and_sums(site):
    base, ids = site
    tree = page(f"{base}/-/report/{ids['bad']}")
    failing = cell(tree, "t3.carried_out.natural")
    assert failing.get("class") == "error" and value(failing) == "3"
    [mark] = [a for a in failing.xpath(".//sup/a")
              if "T3_BALANCE" in text(tree.xpath(f"//li[@id='{a.get('href')[1:]}']")[0])]
    finding = text(tree.xpath(f"//li[@id='{mark.get('href')[1:]}']")[0])
    assert "错误 T3_BALANCE t3 自然人列: 本年新收54 + 上年结转2 ≠ 办理结果总计55 + 结转下年度3" in finding
    assert "两边合计：56 ≠ 58" in finding
    assert cell(tree, "t3.new.natural").get("class") == "error"
    # a rule that counts missing cells compares no sums: no 两边合计 beside it
    [incomplete] = [text(li) for li in tree.xpath("//section[@id='findings']//li") if "TABLE_INCOMPLETE" in text(li)][:1]
    assert "两边合计" not in incomplete
    assert cell(tree, "t3.granted.natural").get("class") == ""           # not part of the identity
    # beside the table, the same finding in words
    assert "本年新收54 + 上年结转2 ≠ 办理结果总计55 + 结转下年度3" in text(tree.xpath("//section[@id='t3']")[0])


def test_report_page_history_and_changes_page(site):
    base, ids = site
    tree = page(f"{base}/-/report/{ids['edited']}")
    rows = [text(tr) for tr in tree.xpath("//section[@id='versions']//tr")]
    assert rows[0].startswith("第 1 版") and rows[1].startswith("第 2 版（当前版本）")
    assert tree.xpath(f"//a[@href='/-/report/{ids['edited']}/changes?from=1&to=2']")
    older = page(f"{base}/-/report/{ids['edited']}?version=1")
    assert value(cell(older, "t3.new.natural")) == "10"

    changes = page(f"{base}/-/report/{ids['edited']}/changes")
    assert "6 个数据单元格变化" in text(changes.xpath("//p[@class='summary']")[0])
    changed = cell(changes, "t3.new.natural")
    assert changed.get("class") == "changed" and text(changed) == "10 → 12"
    assert text(changed.xpath(".//span[@class='old']")[0]) == "10"
    assert cell(changes, "t3.carried_in.natural").get("class") == "same"
    assert "本部分数据无变化" in text(changes.xpath("//body")[0])          # section 四 did not change
    narrative = changes.xpath("//section[@id='narrative']")[0]
    assert [text(d) for d in narrative.xpath(".//del")] == ["10"]
    assert [text(i) for i in narrative.xpath(".//ins")] == ["12", "新增政务公开专区一个。"]


def test_text_only_edit_and_single_version_say_so(site):
    base, ids = site
    tree = page(f"{base}/-/report/{ids['text_only']}/changes?from=1&to=2")
    assert "0 个数据单元格变化" in text(tree.xpath("//p[@class='summary']")[0])
    assert "只有正文文字改动，表格数据没有变化。" in text(tree.xpath("//body")[0])
    assert [text(i) for i in tree.xpath("//ins")] == ["，均在网站发布"]
    single = page(f"{base}/-/report/{ids['bad']}/changes")
    assert "这份报告只有一个版本" in text(single.xpath("//body")[0])
    for missing in (f"/-/report/{ids['bad']}/changes?from=7", "/-/report/99999"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base + missing)
        assert refused.value.code == 404


def test_grid_alerts_and_findings_lead_to_the_report_page(site):
    base, ids = site
    grid = page(f"{base}/-/status")
    [edited] = grid.xpath("//td[@data-agency='涧西区人民政府'][@data-year='2023']")
    assert "✎" in text(edited) and "发布后被修改（共 2 版）" in edited.get("title")
    assert edited.xpath(f".//a/@href") == [f"/-/report/{ids['edited']}"]
    [bad] = grid.xpath("//td[@data-agency='涧西区教育局'][@data-year='2023']")
    assert bad.xpath(".//a/@href") == [f"/-/report/{ids['bad']}#findings"]
    alerts = page(f"{base}/nianjian/alerts")
    assert alerts.xpath(f"//a[@href='/-/report/{ids['edited']}/changes?from=1&to=2']")
    findings = page(f"{base}/nianjian/current_findings?rule=T3_BALANCE")
    assert findings.xpath(f"//a[@href='/-/report/{ids['bad']}']")


def test_two_character_words_are_found(site):
    base, ids = site
    def versions(query: str) -> list[tuple[str, int]]:
        found = json.load(urllib.request.urlopen(
            f"{base}/nianjian/report_versions.json?_shape=array&_sort=id&_search={quote(query)}"))
        return [(row["agency"], row["version"]) for row in found]
    assert versions("复议") == versions("诉讼") == [("涧西区人民政府", 1), ("涧西区人民政府", 2)]
    assert len(versions("公开")) == 5                                  # every title says 信息公开
    assert versions("受理") == [("涧西区教育局", 1), ("涧西区人民政府", 1), ("涧西区人民政府", 2)]
    assert versions("街道 公开") == [("重庆路街道办事处", 1), ("重庆路街道办事处", 2)]   # every term
    assert versions("政务公开专区") == [("涧西区人民政府", 2)]                         # the trigram index
    table_page = page(f"{base}/nianjian/report_versions?_search={quote('复议')}")
    assert set(table_page.xpath("//input[@name='_search']/@value")) == {"复议"}
    # the search box of the status page lists the reports (current versions) with the words around the hit
    grid = page(f"{base}/-/status?search={quote('复议')}")
    [hit] = grid.xpath("//section[@class='hits']//li")
    assert hit.xpath(".//a/@href") == [f"/-/report/{ids['edited']}"]
    assert "全年未发生行政复议、行政诉讼" in text(hit)
    assert "检索“复议”：1 份报告" in text(grid.xpath("//section[@class='hits']/h2")[0])
    assert "没有找到" in text(page(f"{base}/-/status?search={quote('信访')}").xpath("//section[@class='hits']")[0])


def test_agency_page_charts_its_years(site):
    base, ids = site
    grid = page(f"{base}/-/status")
    [link] = grid.xpath("//th[@class='agency']/a[normalize-space()='涧西区人民政府']/@href")
    tree = page(base + link)
    assert text(tree.xpath("//h1")[0]) == "涧西区人民政府 历年情况"
    assert tree.xpath(f"//table//a[@href='/-/report/{ids['edited']}']")
    charts = {text(f.xpath("figcaption")[0]): f for f in tree.xpath("//figure[@class='chart']")}
    received = charts["收到申请（本年新收，总计列）"]
    assert [text(t) for t in received.xpath(".//rect/title")] == ["2023 本年新收：12"]   # the current version
    review = charts["行政复议：总计与结果纠正"]
    assert [text(t) for t in review.xpath(".//rect/title")] == ["2023 总计：1", "2023 结果纠正：0"]
    outcomes = [text(t) for t in charts["办理结果（总计列）"].xpath(".//rect/title")]
    assert outcomes == ["2023 （一）予以公开：13"]                   # only the rows the report has


def workbook(url: str):
    response = urllib.request.urlopen(url, timeout=20)
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.read()))


def test_excel_workbooks_of_a_report_and_of_the_grid(site):
    base, ids = site
    book = workbook(f"{base}/-/report/{ids['bad']}.xlsx")
    sheet = book["报告"]
    assert sheet["A1"].value == "涧西区教育局2023年政府信息公开工作年度报告"
    [withheld] = [c for row in sheet.iter_rows() for c in row if c.value == "（三）不予公开"]
    [merged] = [m for m in sheet.merged_cells.ranges if withheld.coordinate in m]
    assert merged.size["rows"] == 8                                       # as printed
    [carried_out] = [row for row in sheet.iter_rows() if row[0].value == "四、结转下年度继续办理"]
    natural = carried_out[3]                                              # three label columns, then 自然人
    assert natural.value == 3 and natural.fill.start_color.rgb.endswith("FFE3E3")
    findings = [row for row in book["核查结果"].iter_rows(values_only=True)]
    [balance] = [row for row in findings if row[2] == "T3_BALANCE"]
    assert balance[1] == "错误" and balance[4] == "两边合计：56 ≠ 58"
    grid = workbook(f"{base}/-/status.xlsx")["发布状态"]
    rows = {row[0].value: row for row in grid.iter_rows(min_row=2)}
    edited = rows["涧西区人民政府"][1]
    assert edited.value == "已收录 ✎" and edited.hyperlink.target == f"/-/report/{ids['edited']}"


def test_screenshots_of_the_report_and_changes_pages(site, tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.skip("chromium is not installed (scripts/test.sh installs it)")
    base, ids = site
    # red: a failing cell's outline (page.html); green: a changed cell's outline
    for path, colour in ((f"/-/report/{ids['bad']}", (0xc6, 0x28, 0x28)),
                         (f"/-/report/{ids['edited']}/changes", (0x2e, 0x7d, 0x32))):
        shot = tmp_path / "page.png"
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--no-first-run", f"--user-data-dir={tmp_path / 'chromium'}",
                        f"--screenshot={shot}", "--window-size=1100,1400", base + path],
                       check=True, capture_output=True, timeout=120)
        image = Image.open(shot).convert("RGB")
        colours = {rgb for _, rgb in image.getcolors(maxcolors=1 << 24)}
        assert len(colours) > 50, path                   # text and tables, not a blank page
        assert colour in colours, path
