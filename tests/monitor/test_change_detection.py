"""The `changed` alert fires when a report was edited after publication, and only then: a
report served again with a portal's chrome changed is the version already stored; an edit is a
new version whose alert names what changed. Against a loopback portal through the real crawl →
ingest → monitor cycle and a webhook receiver; the red team (change_redteam.py) through ingest;
and a database made by the code before versions were told apart by content."""
from __future__ import annotations

import shutil
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from change_redteam import (FIXTURES, Case, attachment_link, counters, edit_cases, halves,  # noqa: E402
                            one_figure, page_text, reflow, replay, retemplate, same_cases, sidebars)
from monitor.alerts import changed_conditions
from monitor.cycle import run_once
from monitor.notify import describe
from nianjian.ingest import ingest_document
from nianjian.store import Store

AGENCY = "洛阳市涧西区财政局"
FAST_CRAWL = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "RETRY_BACKOFF_BASE": 0.1,
              "NIANJIAN_REVERIFY_NIGHTS": 1}


class Portal:
    """A report column on 127.0.0.1 whose report page the test replaces between crawls."""

    def __init__(self):
        self.pages: dict[str, bytes] = {}
        self.charset = "utf-8"
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = portal.pages.get(self.path.split("?")[0])
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", f"text/html; charset={portal.charset}")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def portal():
    served = Portal()
    yield served
    served.close()


@pytest.mark.timeout(240)
def test_a_reserved_page_raises_nothing_and_an_edit_names_its_cell(at, portal, write_sources, make_config,
                                                                  database, webhook_server):
    title = "洛阳市涧西区财政局2021年政府信息公开工作年度报告"
    portal.pages["/zwgk/nb/index.html"] = (
        f"<html><head><meta charset='utf-8'><title>政府信息公开年报</title></head><body><ul class='list'>"
        f"<li><a href='t20220120_1.html' title='{title}'>{title}</a><span>2022-01-20</span></li>"
        f"</ul></body></html>").encode("utf-8")
    html = page_text("official_grid_trs.html")
    write_sources(url=f"{portal.url}/zwgk/nb/index.html",
                  agencies=[{"name": AGENCY, "level": "department", "first_year": 2021}])
    config = make_config(crawl=True, channels=[{"name": "hook", "type": "webhook", "url": webhook_server.url}],
                         sections={"crawl.settings": FAST_CRAWL, "alerts": {"kinds": ["changed"]}})

    def cycle(page: str, day: int, charset: str = "utf-8") -> list[dict]:
        portal.charset = charset
        portal.pages["/zwgk/nb/t20220120_1.html"] = page.encode(charset)
        run_once(config, now=at(f"2022-02-{day:02}T02:00"))
        return database.alerts()

    assert cycle(counters(html, 1), 1) == []
    # the next nights: other counters and nonces, a rotating sidebar, a new template; the page
    # reflowed, its punctuation half-width, in GBK; split over two parts; an attachment link added
    assert cycle(sidebars(retemplate(counters(html, 2), 2), 2), 2) == []
    assert cycle(reflow(html, 2).replace("charset=utf-8", "charset=gbk"), 3, "gbk") == []
    first, later = halves(html, pager='<a href="t20220120_1_1.html">下一页</a>')
    portal.pages["/zwgk/nb/t20220120_1_1.html"] = later.encode("utf-8")
    assert cycle(first, 4) == []
    assert cycle(attachment_link(counters(html, 5), 2), 5) == []
    [report] = database.query("SELECT id, versions FROM reports")
    assert report["versions"] == 1 and webhook_server.requests == []
    assert len(database.query("SELECT * FROM fetches WHERE url LIKE '%t20220120_1_1.html'")) == 1

    # then the office edits one figure of table 三
    [alert] = cycle(counters(one_figure(html), 6), 6)
    assert alert["key"] == f"changed|{AGENCY}|2021|v2"
    assert alert["details"]["cells"] == [{"cell": "t3.new.natural", "from": 54, "to": 55}]
    assert alert["details"]["narrative_changed"] is False and "title_to" not in alert["details"]
    [request] = webhook_server.requests
    assert ("发布后被修改（第 1 版 → 第 2 版，1 个数据单元格变化：表三「一、本年新收政府信息公开申请数量·自然人」 54→55）"
            in request["json"]["text"])


@pytest.mark.parametrize("case", same_cases(), ids=lambda c: f"{c.family}-{c.page}")
def test_a_report_served_again_unedited_is_the_same_version(case, tmp_path):
    statuses, alerts = replay(case, tmp_path / "nianjian.db")
    assert statuses == ["stored", "unchanged"] and alerts == []


@pytest.mark.parametrize("case", edit_cases(), ids=lambda c: f"{c.family}-{c.page}")
def test_an_edit_raises_one_alert(case, tmp_path):
    statuses, alerts = replay(case, tmp_path / "nianjian.db")
    if case.family == "title_year_corrected" and statuses[0] == "unmatched":
        # The typo's year is earlier than the tables' edition (2020 in 2021-edition tables):
        # in doubt, the first document was never filed under a year, so nothing filed changed.
        assert statuses == ["unmatched", "stored"] and alerts == []
        return
    # filed under the same agency and year: a new version; under another: a new report, and
    # the alert is on the report filed before
    assert statuses in (["stored", "new_version"], ["stored", "stored"]) and len(alerts) == 1


def test_a_corrected_title_year_is_announced_on_the_report_filed_before(tmp_path):
    [case] = [c for c in edit_cases() if (c.family, c.page) == ("title_year_corrected", "word_export_2019.html")]
    statuses, [alert] = replay(case, tmp_path / "nianjian.db")
    assert (alert.agency, alert.year, alert.details["moved_to"]["year"]) == ("宜阳县教育局", 2019, 2020)
    text = describe({"kind": "changed", "agency": alert.agency, "year": alert.year, "details": alert.details}, "open")
    assert text.startswith("宜阳县教育局2019年度报告发布后被修改：同一地址的文件已换成归入宜阳县教育局2020年度的报告"
                           "（标题由「宜阳县教育局2019年度政府信息公开工作年度报告」改为「宜阳县教育局2020年度政府信息公开工作年度报告」）")


def test_a_page_reused_for_the_next_years_report_raises_nothing(tmp_path):
    html = page_text("official_grid_trs.html")
    next_year = one_figure(html).replace("2022", "2023").replace("2021", "2022")     # published a year on
    statuses, alerts = replay(Case("next_year", "official_grid_trs.html", html.encode(), next_year.encode()),
                              tmp_path / "nianjian.db")
    assert statuses == ["stored", "stored"] and alerts == []


def test_the_alert_says_the_narrative_and_the_title_changed(tmp_path):
    html = page_text("official_grid_trs.html")
    edited = html.replace("一是公开内容不够全面。", "一是公开内容不够全面，二是更新不够及时。").replace(
        "洛阳市涧西区财政局2021年", "河南省洛阳市涧西区财政局2021年")
    statuses, [alert] = replay(Case("narrative_and_title", "official_grid_trs.html", html.encode(),
                                    edited.encode()), tmp_path / "nianjian.db")
    assert alert.details["narrative_changed"] is True and alert.details["cells"] == []
    assert alert.details["title_to"] == "河南省洛阳市涧西区财政局2021年政府信息公开工作年度报告"
    text = describe({"kind": "changed", "agency": alert.agency, "year": alert.year, "details": alert.details}, "open")
    assert ("第 1 版 → 第 2 版，标题由「洛阳市涧西区财政局2021年政府信息公开工作年度报告」改为"
            "「河南省洛阳市涧西区财政局2021年政府信息公开工作年度报告」；正文文字有改动）") in text


def test_a_database_made_before_keeps_working(tmp_path):
    """Versions of the earlier code differ by bytes; once migrated, the byte-only one raises no
    alert, the real edit still does, and the page served again is no new version."""
    path = tmp_path / "nianjian.db"
    shutil.copy(FIXTURES / "db" / "schema_before_content_identity.db", path)
    with Store(path) as store:
        keys = store.db.execute("SELECT agency, version, content_key FROM report_versions ORDER BY id").fetchall()
        assert all(key for _, _, key in keys)
        assert keys[0][2] == keys[1][2] and keys[2][2] != keys[3][2]      # 财政局 v1 = v2; 教育局 v1 ≠ v2
        [alert] = changed_conditions(store.db)
        assert (alert.agency, alert.details["cells"]) == ("洛阳市涧西区教育局", [
            {"cell": "t3.new.total", "from": 60, "to": 61}])
        assert alert.details["narrative_changed"] is True
        page = (FIXTURES / "html" / "official_grid_trs.html").read_bytes()
        result = ingest_document(store, body=page.replace(b"document.write(123)", b"document.write(789)"),
                                 url="http://127.0.0.1:9/zwgk/nb/t20220120_1.html", content_type="text/html",
                                 expected_year=2021)
        assert (result.status, result.version_id) == ("unchanged", 2)


def test_a_page_read_worse_is_no_change(tmp_path):
    """A part of the page that could not be fetched (partly read), then the page whole again:
    neither is a version, neither an alert."""
    html = page_text("official_grid_trs.html").encode("utf-8")
    url = "http://127.0.0.1:9/zwgk/nb/t20220120_1.html"
    with Store(tmp_path / "nianjian.db") as store:
        statuses = [ingest_document(store, body=html, url=url, content_type="text/html", expected_year=2021,
                                    missing_parts=missing).status
                    for missing in ((), (url.replace(".html", "_1.html"),), ())]
        assert statuses == ["stored", "partly_read", "unchanged"]
        assert changed_conditions(store.db) == [] and store.reports()[0]["versions"] == 1


def test_the_same_report_read_better_becomes_current_without_an_alert(tmp_path):
    html = page_text("official_grid_trs.html").encode("utf-8")
    url = "http://127.0.0.1:9/zwgk/nb/t20220120_1.html"
    with Store(tmp_path / "nianjian.db") as store:
        partly = ingest_document(store, body=html, url=url, content_type="text/html", expected_year=2021,
                                 missing_parts=(url.replace(".html", "_1.html"),))
        whole = ingest_document(store, body=html.replace(b"</body>", b"<!-- 2 --></body>"), url=url,
                                content_type="text/html", expected_year=2021)
        assert (partly.status, whole.status) == ("stored", "new_version")     # not the same version
        assert store.reports()[0]["parse_status"] == "ok" and changed_conditions(store.db) == []


def test_a_row_read_worse_is_no_edit_but_a_figure_beside_it_is(tmp_path):
    """A row nianjian could not read the second time (ROW_MISALIGNED: its cells absent) is not
    announced as cells emptied; an edited figure in the same version still is."""
    html = page_text("official_grid_trs.html")
    row = "<td>6.属于四类过程性信息</td><td>6</td>"
    unread = html.replace(row, "<td>6.属于四类过程性信息</td><td>9</td><td>9</td><td>6</td>")
    statuses, alerts = replay(Case("row_unread", "official_grid_trs.html", html.encode(), unread.encode()),
                              tmp_path / "first.db")
    assert statuses == ["stored", "new_version"] and alerts == []
    statuses, [alert] = replay(Case("row_unread_and_edit", "official_grid_trs.html", html.encode(),
                                    one_figure(unread).encode()), tmp_path / "second.db")
    assert alert.details["cells"] == [{"cell": "t3.new.natural", "from": 54, "to": 55}]
