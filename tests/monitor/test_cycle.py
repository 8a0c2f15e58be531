"""The alert life cycle against a pinned clock: pending → missing → found late, each announced
once, through a real SMTP server and a real webhook receiver."""
from __future__ import annotations

import pytest

from monitor.cycle import run_once
from nianjian.store import Store


GOVERNMENT = {"name": "涧西区人民政府", "level": "government", "first_year": 2023}


@pytest.fixture
def lifecycle(write_sources, make_config, smtp_server, webhook_server):
    write_sources(agencies=[GOVERNMENT])
    return make_config(channels=[
        {"name": "office", "type": "email", "host": "127.0.0.1", "port": smtp_server.port,
         "security": "none", "from": "nianjian@example.org", "to": ["gongkai@example.org"]},
        {"name": "hook", "type": "webhook", "url": f"{webhook_server.url}/alerts", "token": "t0k-ops"},
    ])


def test_missing_then_late_each_announced_once(at, lifecycle, database, smtp_server, webhook_server):
    config = lifecycle
    # the day of the deadline (2024-03-31 for a 县级政府's 2023 report): nothing yet
    result = run_once(config, now=at("2024-03-31T12:00"))
    assert result.expectations == {"pending": 1}
    assert database.alerts() == [] and smtp_server.messages == [] and webhook_server.requests == []
    row = database.query("SELECT * FROM expectations")[0]
    assert (row["agency"], row["year"], row["deadline"], row["status"]) == \
        ("涧西区人民政府", 2023, "2024-03-31", "pending")

    # the day after: missing, announced on both channels
    result = run_once(config, now=at("2024-04-01T02:00"))
    assert [a["key"] for a in database.alerts()] == ["missing|涧西区人民政府|2023"]
    assert len(smtp_server.messages) == 1 and len(webhook_server.requests) == 1
    mail = smtp_server.messages[0]
    assert mail["to"] == ["gongkai@example.org"]
    assert mail["subject"] == "年检提醒：新增年报未发布"
    assert "涧西区人民政府2023年度报告逾期未发布（截止 2024-03-31）" in mail["body"]
    hook = webhook_server.requests[0]
    assert hook["path"] == "/alerts" and hook["content_type"].startswith("application/json")
    assert hook["authorization"] == "Bearer t0k-ops"
    assert [(a["event"], a["kind"], a["agency"], a["year"]) for a in hook["json"]["alerts"]] == \
        [("open", "missing", "涧西区人民政府", 2023)]
    assert hook["json"]["alerts"][0]["details"]["deadline"] == "2024-03-31"

    # a rerun the same night and the next night: nothing new
    run_once(config, now=at("2024-04-01T03:00"))
    run_once(config, now=at("2024-04-02T02:00"))
    assert len(smtp_server.messages) == 1 and len(webhook_server.requests) == 1

    # the report turns up on 04-06, dated 04-05: missing resolves, late opens (5 days late)
    database.save("涧西区人民政府", 2023, seen="2024-04-06T01:30", published="2024-04-05")
    result = run_once(config, now=at("2024-04-06T02:00"))
    assert result.expectations == {"late": 1}
    assert [a["key"] for a in database.alerts()] == ["late|涧西区人民政府|2023"]
    late = database.alerts()[0]["details"]
    assert (late["days_late"], late["published"], late["first_seen_used"]) == (5, "2024-04-05", False)
    resolved = database.alerts("resolved")
    assert [a["key"] for a in resolved] == ["missing|涧西区人民政府|2023"]
    assert resolved[0]["details"]["resolution"] == "found"
    assert len(smtp_server.messages) == 2 and len(webhook_server.requests) == 2
    digest = smtp_server.messages[1]
    assert digest["subject"] == "年检提醒：新增 1 条，解除 1 条"
    assert "涧西区人民政府2023年度报告逾期 5 天发布（截止 2024-03-31，发布日期 2024-04-05）" in digest["body"]
    assert "涧西区人民政府2023年度报告已找到：已于 2024-04-05 找到" in digest["body"]
    assert digest["body"].index("【新增·年报逾期发布】") < digest["body"].index("【解除·年报未发布】")
    events = [(a["event"], a["kind"]) for a in webhook_server.requests[1]["json"]["alerts"]]
    assert events == [("open", "late"), ("resolve", "missing")]
    row = database.query("SELECT * FROM expectations")[0]
    assert (row["status"], row["days_late"], row["published"], row["first_seen_used"]) == \
        ("late", 5, "2024-04-05", 0)

    # reruns announce nothing new; every notification was delivered exactly once
    run_once(config, now=at("2024-04-07T02:00"))
    run_once(config, now=at("2024-04-08T02:00"))
    assert len(smtp_server.messages) == 2 and len(webhook_server.requests) == 2
    sent = database.notifications()
    assert len(sent) == 6           # missing open, missing resolve, late open × 2 channels
    assert all(n["delivered_at"] and n["attempts"] == 1 for n in sent)


def test_report_on_time_raises_nothing(at, lifecycle, database, smtp_server):
    database.save("涧西区人民政府", 2023, seen="2024-03-20T02:00", published="2024-03-18")
    result = run_once(lifecycle, now=at("2024-05-01T02:00"))
    assert result.expectations == {"on_time": 1}
    assert database.alerts(None) == [] and smtp_server.messages == []


def test_without_a_publication_date_the_first_seen_day_counts_and_the_alert_says_so(at,
        lifecycle, database, smtp_server):
    database.save("涧西区人民政府", 2023, seen="2024-04-10T02:00", published=None)
    run_once(lifecycle, now=at("2024-04-10T03:00"))
    [late] = database.alerts()
    assert late["details"]["first_seen_used"] is True and late["details"]["days_late"] == 10
    assert "未标注发布日期，按首次发现日期 2024-04-10" in smtp_server.messages[0]["body"]
    row = database.query("SELECT first_seen_used, days_late FROM expectations")[0]
    assert row == {"first_seen_used": 1, "days_late": 10}


def test_grace_days_delay_missing(at, write_sources, make_config, database):
    write_sources(agencies=[GOVERNMENT])
    config = make_config(sections={"alerts": {"grace_days": 3}})
    run_once(config, now=at("2024-04-03T12:00"))
    assert database.alerts() == []
    run_once(config, now=at("2024-04-04T00:30"))
    [missing] = database.alerts()
    assert missing["kind"] == "missing" and missing["details"]["grace_days"] == 3


def test_every_year_from_first_year_to_last_year(at, write_sources, make_config, database):
    write_sources(agencies=[{"name": "涧西区教育局", "level": "department", "first_year": 2019}])
    run_once(make_config(), now=at("2024-01-15T02:00"))
    rows = database.query("SELECT year, deadline, status FROM expectations ORDER BY year")
    assert rows == [{"year": y, "deadline": f"{y + 1}-01-31", "status": "missing"} for y in range(2019, 2023)] \
        + [{"year": 2023, "deadline": "2024-01-31", "status": "pending"}]
    assert [a["year"] for a in database.alerts()] == [2019, 2020, 2021, 2022]


def test_inconsistent_and_changed(at, write_sources, make_config, database, webhook_server):
    write_sources(agencies=[GOVERNMENT])
    config = make_config(channels=[{"name": "hook", "type": "webhook", "url": webhook_server.url}])
    database.save("涧西区人民政府", 2023, seen="2024-03-01T02:00", published="2024-02-28",
                  cells={"t3.new.natural": 54, "t3.new.total": 55}, errors=("T3_ROW_TOTAL",))
    run_once(config, now=at("2024-03-02T02:00"))
    [inconsistent] = database.alerts()
    assert inconsistent["key"] == "inconsistent|涧西区人民政府|2023"
    assert inconsistent["details"]["rules"] == ["T3_ROW_TOTAL"] and inconsistent["details"]["errors"] == 1
    assert "有 1 处错误（T3_ROW_TOTAL）" in webhook_server.requests[0]["json"]["text"]

    # the portal silently replaces the report with a corrected one
    result = database.save("涧西区人民政府", 2023, seen="2024-03-09T02:00", published="2024-02-28",
                           cells={"t3.new.natural": 55, "t3.new.total": 55})
    assert result.new_version
    run_once(config, now=at("2024-03-09T03:00"))
    [changed] = database.alerts()
    assert changed["key"] == "changed|涧西区人民政府|2023|v2"
    assert changed["details"]["cells"] == [{"cell": "t3.new.natural", "from": 54, "to": 55}]
    assert [a["key"] for a in database.alerts("resolved")] == ["inconsistent|涧西区人民政府|2023"]
    text = webhook_server.requests[1]["json"]["text"]
    assert "第 1 版 → 第 2 版，1 个数据单元格变化：表三「一、本年新收政府信息公开申请数量·自然人」 54→55" in text
    assert "错误已不存在" in text

    # a second edit supersedes the first change alert
    database.save("涧西区人民政府", 2023, seen="2024-03-20T02:00", published="2024-02-28",
                  cells={"t3.new.natural": 56, "t3.new.total": 56})
    run_once(config, now=at("2024-03-20T03:00"))
    assert [a["key"] for a in database.alerts()] == ["changed|涧西区人民政府|2023|v3"]
    superseded = [a for a in database.alerts("resolved") if a["kind"] == "changed"]
    assert superseded[0]["details"]["resolution"] == "superseded"
    assert len(webhook_server.requests) == 3


def test_source_failing_after_consecutive_failures(at, write_sources, make_config, database, webhook_server):
    config = make_config(channels=[{"name": "hook", "type": "webhook", "url": webhook_server.url}],
                         sections={"alerts": {"source_failing_after": 3}})
    with Store(database.path):
        pass
    for status in ("ok", "failed", "blocked"):
        database.source_run("jianxi", status, "HTTP 412 (瑞数)" if status == "blocked" else "timeout")
    run_once(config, now=at("2023-06-01T02:00"))
    assert [a["kind"] for a in database.alerts()] == []          # two failures: not yet
    database.source_run("jianxi", "failed", "HTTP 500")
    run_once(config, now=at("2023-06-02T02:00"))
    [failing] = database.alerts()
    assert failing["key"] == "source_failing|jianxi"
    assert (failing["details"]["failures"], failing["details"]["message"]) == (3, "HTTP 500")
    assert "来源 jianxi 连续 3 次抓取失败（HTTP 500）" in webhook_server.requests[0]["json"]["text"]
    database.source_run("jianxi", "ok")
    run_once(config, now=at("2023-06-03T02:00"))
    assert database.alerts() == []
    assert "来源 jianxi 已恢复抓取" in webhook_server.requests[1]["json"]["text"]


def test_a_condition_that_returns_is_a_new_alert(at, write_sources, make_config, database, webhook_server):
    config = make_config(channels=[{"name": "hook", "type": "webhook", "url": webhook_server.url}],
                         sections={"alerts": {"source_failing_after": 1}})
    Store(database.path).close()
    for day, status in enumerate(("failed", "ok", "failed"), start=1):
        database.source_run("jianxi", status)
        run_once(config, now=at(f"2023-06-0{day}T02:00"))
    keys = [a["key"] for a in database.alerts(None)]
    assert keys[-1] == "source_failing|jianxi" and keys[0].startswith("source_failing|jianxi#")
    events = [(a["event"], a["kind"]) for r in webhook_server.requests for a in r["json"]["alerts"]]
    assert events == [("open", "source_failing"), ("resolve", "source_failing"), ("open", "source_failing")]


def test_a_repost_date_later_than_first_seen_does_not_make_a_report_late(
        at, lifecycle, database, smtp_server):
    # seen on 03-20, but the page now shows 04-15 (re-posted): it was online before the deadline
    database.save("涧西区人民政府", 2023, seen="2024-03-20T02:00", published="2024-04-15")
    result = run_once(lifecycle, now=at("2024-05-01T02:00"))
    assert result.expectations == {"on_time": 1} and database.alerts(None) == []
    row = database.query("SELECT published, first_seen_used FROM expectations")[0]
    assert row == {"published": "2024-03-20", "first_seen_used": 1}


def test_a_late_repost_says_which_date_counted(at, lifecycle, database, smtp_server):
    database.save("涧西区人民政府", 2023, seen="2024-04-03T02:00", published="2024-04-20")
    run_once(lifecycle, now=at("2024-05-01T02:00"))
    [late] = database.alerts()
    assert (late["details"]["days_late"], late["details"]["stated_published"]) == (3, "2024-04-20")
    assert "（截止 2024-03-31，首次发现早于页面所标发布日期 2024-04-20，按首次发现日期 2024-04-03）" \
        in smtp_server.messages[0]["body"]


def test_an_unreadable_publication_date_counts_as_none(at, lifecycle, database):
    database.save("涧西区人民政府", 2023, seen="2024-04-02T02:00", published="2024年4月")
    run_once(lifecycle, now=at("2024-04-02T03:00"))
    [late] = database.alerts()
    assert late["details"]["first_seen_used"] is True and late["details"]["days_late"] == 2


def test_an_agency_listed_by_two_sources_is_expected_once(at, workdir, make_config, database):
    import yaml
    agency = {"name": "涧西区教育局", "level": "department", "first_year": 2022}
    (workdir / "sources.yaml").write_text(yaml.safe_dump({"sources": [
        {"id": "county", "url": "http://127.0.0.1:9/a/", "agencies": [agency]},
        {"id": "own-site", "url": "http://127.0.0.1:9/b/", "agencies": [agency]}]}, allow_unicode=True))
    result = run_once(make_config(), now=at("2024-03-01T02:00"))
    assert result.expectations == {"missing": 2}
    assert [a["key"] for a in database.alerts()] == ["missing|涧西区教育局|2022", "missing|涧西区教育局|2023"]


def test_disabled_kinds_are_left_alone(at, write_sources, make_config, database):
    write_sources(agencies=[GOVERNMENT])
    run_once(make_config(), now=at("2024-04-02T02:00"))
    assert len(database.alerts()) == 1
    # with no kinds enabled nothing opens or resolves, even once the report is found
    quiet = make_config(sections={"alerts": {"kinds": []}})
    database.save("涧西区人民政府", 2023, seen="2024-04-03T02:00", published="2024-04-03")
    run_once(quiet, now=at("2024-04-03T03:00").replace(tzinfo=None))     # a naive now is Shanghai time
    assert [a["kind"] for a in database.alerts()] == ["missing"]
    assert database.query("SELECT status FROM expectations") == [{"status": "late"}]


def test_a_previous_year_found_later_gets_this_years_report_checked_again(at, write_sources, make_config,
                                                                         database):
    """CARRY_OVER compares this year's 上年结转 with last year's 结转下年度: when last year's report
    is stored after this year's, the next cycle re-checks this year's report against it."""
    write_sources(agencies=[GOVERNMENT])
    columns = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
    config = make_config()
    database.save("涧西区人民政府", 2023, seen="2024-03-01T02:00", published="2024-02-28",
                  cells={f"t3.carried_in.{c}": 1 for c in columns})

    def carry_over():
        return database.query(
            "SELECT f.severity, f.assessable FROM findings f JOIN reports r ON r.current_version = f.version_id "
            "WHERE r.year = 2023 AND f.rule = 'CARRY_OVER'")

    run_once(config, now=at("2024-03-02T02:00"))
    before = carry_over()
    assert before == []                                    # nothing to compare with yet
    # last year's report turns up, its 结转下年度 saying 2 where this year carried in 1
    database.save("涧西区人民政府", 2022, seen="2024-03-05T01:00", published="2023-03-20",
                  cells={f"t3.carried_out.{c}": 2 for c in columns})
    result = run_once(config, now=at("2024-03-05T02:00"))
    findings = carry_over()
    assert findings and all(f == {"severity": "warning", "assessable": 1} for f in findings)
    runs = database.query("SELECT json_extract(counts, '$.rechecked') AS n FROM runs ORDER BY id")
    assert [r["n"] for r in runs] == [0, 1]
    run_once(config, now=at("2024-03-06T02:00"))              # already re-checked: not again
    assert database.query("SELECT json_extract(counts, '$.rechecked') AS n FROM runs ORDER BY id DESC LIMIT 1") \
        == [{"n": 0}]
    assert result.ok


DATED_URL = "http://127.0.0.1:9/nb/t9.html"
DATED_TITLE = "涧西区人民政府政府信息公开工作年度报告（2024年4月1日）"


def test_a_report_read_but_not_placed_holds_missing_as_unsure_for_its_years_only(at, write_sources, make_config,
                                                                                 database, smtp_server):
    write_sources(agencies=[{**GOVERNMENT, "first_year": 2022}])
    config = make_config(channels=[{"name": "office", "type": "email", "host": "127.0.0.1",
                                    "port": smtp_server.port, "security": "none",
                                    "from": "nianjian@example.org", "to": ["gongkai@example.org"]}])
    database.save("涧西区人民政府", 2022, seen="2023-03-01T02:00", published="2023-02-28")
    run_once(config, now=at("2024-04-01T02:00"))
    assert [a["key"] for a in database.alerts()] == ["missing|涧西区人民政府|2023"]

    # a page whose title carries its publication date: its year unsure, 2023 or 2024 (years printed, and before)
    database.unplaced(DATED_URL, title=DATED_TITLE, agency="涧西区人民政府", year=None,
                      agencies=["涧西区人民政府"], years=[2023, 2024], seen="2024-04-02T01:00",
                      why="YEAR_UNKNOWN: no report year in the title or the statistical period")
    result = run_once(config, now=at("2024-04-02T02:00"))
    assert result.expectations == {"on_time": 1, "unsure": 1}
    [unsure] = database.alerts()
    assert (unsure["key"], unsure["details"]["url"], unsure["details"]["unsure_of"]) == \
        ("unsure|涧西区人民政府|2023", DATED_URL, "year")
    [missing] = database.alerts("resolved")
    assert (missing["key"], missing["details"]["resolution"]) == ("missing|涧西区人民政府|2023", "review")
    body = smtp_server.messages[-1]["body"]
    assert (f"涧西区人民政府2023年度报告待核实（截止 2024-03-31）：发现一份可能是该报告的文件，但无法确定其年度，"
            f"请人工核实：《{DATED_TITLE}》 {DATED_URL}") in body
    assert f"涧西区人民政府2023年度报告转为待核实：发现可能是该报告的文件 {DATED_URL}" in body
    rows = {r["year"]: r for r in database.query("SELECT year, status, report_id, review FROM expectations")}
    assert (rows[2023]["status"], rows[2023]["report_id"]) == ("unsure", None)     # not on time, not late
    assert rows[2022]["status"] == "on_time"

    # it is no document of 2021 or 2022: an agency watched from 2021 is missing 2021 all the same
    write_sources(agencies=[{**GOVERNMENT, "first_year": 2021}])
    run_once(config, now=at("2024-04-02T03:00"))
    assert sorted(a["key"] for a in database.alerts()) == ["missing|涧西区人民政府|2021", "unsure|涧西区人民政府|2023"]

    # the report is placed at last (read again with its year): the review is over, found
    database.placed(DATED_URL)
    database.save("涧西区人民政府", 2023, seen="2024-04-03T01:00", published="2024-03-28", url=DATED_URL)
    run_once(config, now=at("2024-04-03T02:00"))
    assert sorted(a["key"] for a in database.alerts()) == ["missing|涧西区人民政府|2021"]
    resolved = {a["key"]: a["details"]["resolution"] for a in database.alerts("resolved")}
    assert resolved["unsure|涧西区人民政府|2023"] == "found"
    assert f"涧西区人民政府2023年度报告的待核实提醒已解除，已找到：已于 2024-03-28 找到 {DATED_URL}" in \
        smtp_server.messages[-1]["body"]
