"""Datasette against a real database file: every stored query and view, the status page, and
that the served database cannot be written."""
from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest

from nianjian.browse.datasette_app import build
from nianjian.store import Store


@pytest.fixture
def served(populated, store, db_path):
    store.close()                             # reopened from the file, as `nianjian serve` does
    with Store(db_path) as reopened:
        assert reopened.db["reports"].count == 3
    return build(db_path), populated


def get(ds, path: str):
    response = asyncio.run(ds.client.get(path))
    assert response.status_code == 200, (path, response.text[:500])
    return response


def rows(ds, path: str) -> list[dict]:
    separator = "&" if "?" in path else "?"
    return get(ds, f"/nianjian/{path}{separator}_shape=array").json()


def test_missing_this_year_defaults_to_latest_year_past_deadline(served):
    ds, _ = served
    assert [(r["agency"], r["year"], r["level"]) for r in rows(ds, "missing_this_year.json")] == \
        [("重庆路街道办事处", 2023, "township")]
    assert [r["agency"] for r in rows(ds, "missing_this_year.json?year=2022")] == ["涧西区教育局"]


def test_late_by_days(served):
    ds, ids = served
    [late] = rows(ds, "late_by_days.json")
    assert (late["agency"], late["year"], late["days_late"], late["report_id"]) == \
        ("涧西区人民政府", 2023, 12, ids["gov23"])
    assert late["date_used"] == "发布日期 publication date"
    assert rows(ds, "late_by_days.json?year=2022") == []


def test_reports_with_errors_and_their_rules(served):
    ds, ids = served
    [bad] = rows(ds, "reports_with_errors.json")
    assert (bad["report_id"], bad["agency"], bad["errors"], bad["error_rules"], bad["warnings"]) == \
        (ids["edu23"], "涧西区教育局", 2, "T3_BALANCE,T4_TOTAL", 0)
    assert [r["agency"] for r in rows(ds, "reports_with_errors.json?rule=T4_TOTAL")] == ["涧西区教育局"]
    assert rows(ds, "reports_with_errors.json?rule=T4") == []      # whole rule ids only


def test_agency_history(served):
    ds, ids = served
    history = rows(ds, "agency_history.json?agency=涧西区人民政府")
    assert [(h["year"], h["status"], h["days_late"], h["report_id"], h["versions"]) for h in history] == \
        [(2022, "on_time", None, ids["gov22"], 1), (2023, "late", 12, ids["gov23"], 1),
         (2024, "pending", None, None, None)]


def test_carry_over_breaks(served):
    ds, ids = served
    [brk] = rows(ds, "carry_over_breaks.json")
    assert (brk["agency"], brk["year"], brk["report_id"], brk["previous_report_id"]) == \
        ("涧西区人民政府", 2023, ids["gov23"], ids["gov22"])
    assert json.loads(brk["carried_in"]) == [2, 0, 0, 0, 0, 0, 2]
    assert json.loads(brk["previous_carried_out"]) == [1, 0, 0, 0, 0, 0, 1]


def test_status_by_year(served):
    ds, _ = served
    by_year = {r["年度"]: r for r in rows(ds, "status_by_year.json")}
    assert {y: (r["按时发布"], r["逾期发布"], r["未发布"], r["未到期限"], r["数据不一致"])
            for y, r in by_year.items()} == {2024: (0, 0, 0, 1, 0), 2023: (1, 1, 1, 0, 1),
                                             2022: (1, 0, 1, 0, 0)}
    assert {y: (r["已收录"], r["应发布"], r["已收录未评估"]) for y, r in by_year.items()} == \
        {2024: (0, 1, 0), 2023: (2, 3, 0), 2022: (1, 2, 0)}
    # the page a person reads says 按时发布, never on_time
    history = get(ds, "/nianjian/agency_history?agency=涧西区人民政府").text
    assert "按时发布" in history and "逾期发布" in history and ">on_time<" not in history


def test_reports_not_yet_assessed_are_counted_and_shown(populated, store, db_path, make_report):
    store.save_report(agency="涧西区人民政府", year=2021, url=None, report=make_report(year=2021),
                      findings=[], content_hash="g21")
    ds = build(db_path)
    by_year = {r["年度"]: r for r in rows(ds, "status_by_year.json")}
    assert (by_year[2021]["已收录"], by_year[2021]["已收录未评估"], by_year[2021]["应发布"]) == (1, 1, 0)
    [row] = rows(ds, "agency_year_status.json?year=2021")
    assert (row["agency"], row["status"]) == ("涧西区人民政府", "unassessed")


def test_t3_view_reads_like_the_printed_table(served):
    ds, ids = served
    table = rows(ds, f"t3_table.json?report_id={ids['gov23']}&_sort=position")
    assert [r["row"] for r in table] == ["new", "carried_in", "granted", "closed_total", "carried_out"]
    new = table[0]
    assert new["label"] == "一、本年新收政府信息公开申请数量"
    assert [new[c] for c in ("natural", "commercial", "research", "social", "legal", "other_org", "total")] == \
        [10, 0, None, 0, 0, 0, 10]


def test_t4_view_has_fifteen_columns(served):
    ds, ids = served
    [t4] = rows(ds, f"t4_table.json?report_id={ids['edu23']}")
    numbers = {k: v for k, v in t4.items() if k not in ("report_id", "agency", "year", "rowid")}
    assert len(numbers) == 15
    assert numbers["review_upheld"] == 1 and numbers["review_total"] == 1
    assert numbers["suit_after_review_pending"] == 0


def test_status_view_and_current_findings(served):
    ds, ids = served
    statuses = {(r["agency"], r["year"]): r["status"] for r in rows(ds, "agency_year_status.json")}
    assert statuses == {("涧西区人民政府", 2022): "on_time", ("涧西区人民政府", 2023): "late",
                        ("涧西区人民政府", 2024): "pending", ("涧西区教育局", 2022): "missing",
                        ("涧西区教育局", 2023): "on_time", ("重庆路街道办事处", 2023): "missing"}
    findings = rows(ds, f"current_findings.json?report_id={ids['edu23']}&_sort=id")
    assert [(f["rule"], f["severity"]) for f in findings] == \
        [("T3_BALANCE", "error"), ("T4_TOTAL", "error"), ("BLANK_CELLS", "info")]


def test_search_box_finds_chinese_substrings(served):
    ds, _ = served
    hits = rows(ds, "report_versions.json?_search=深入贯彻落实&_sort=id")
    assert len(hits) == 3
    hits = rows(ds, "report_versions.json?_search=教育局")
    assert [h["agency"] for h in hits] == ["涧西区教育局"]


def test_metadata_descriptions_and_facets(served):
    ds, _ = served
    page = get(ds, "/nianjian/reports").text
    assert "年度报告：每个机构每年一份" in page and "One row per agency and year" in page
    data = get(ds, "/nianjian/reports.json?_facet=year").json()
    assert {f["value"]: f["count"] for f in data["facet_results"]["year"]["results"]} == {2023: 2, 2022: 1}
    assert "发布机关 Issuing agency" in get(ds, "/nianjian/reports").text


def test_each_table_describes_only_its_own_columns(served):
    ds, _ = served
    page = get(ds, "/nianjian/reports").text
    described = page.split('<dl class="column-descriptions">')[1].split("</dl>")[0]
    assert described.count("<dt>") == len(rows(ds, "reports.json?_size=1")[0]) == 17
    assert "跳转后地址" not in described and "ETag" not in described     # documents' and fetches' columns
    alerts = get(ds, "/nianjian/alerts").text.split('<dl class="column-descriptions">')[1].split("</dl>")[0]
    assert "<dt>kind</dt>" in alerts and "<dt>title</dt>" not in alerts


def test_served_database_is_read_only(served):
    ds, _ = served
    response = asyncio.run(ds.client.get("/nianjian.json?sql=DELETE+FROM+reports"))
    assert response.status_code == 400 and "Statement must be a SELECT" in response.text
    # below the SQL filter, the connections themselves are opened read-only (mode=ro)
    database = ds.get_database("nianjian")
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        asyncio.run(database.execute_fn(lambda conn: conn.execute("DELETE FROM reports")))
    assert len(rows(ds, "reports.json")) == 3
    # no third-party plugin (a write plugin would get a writable connection)
    assert [p["name"] for p in get(ds, "/-/plugins.json").json()] == ["nianjian.browse.plugin",
                                                                    "nianjian.browse.search"]


def test_status_page_links_cells(served):
    ds, ids = served
    page = get(ds, "/-/status").text
    assert 'data-agency="涧西区教育局" data-year="2023" data-state="inconsistent"' in page
    assert f'href="/-/report/{ids["edu23"]}#findings"' in page
    assert f'href="/-/report/{ids["gov23"]}"' in page
    assert 'data-agency="重庆路街道办事处" data-year="2023" data-state="missing"' in page
    assert "迟12天" in page
    menu = get(ds, "/").text
    assert "/-/status" in menu


def test_every_table_view_and_column_is_described(store):
    from nianjian.browse.datasette_app import metadata_for
    tables = metadata_for("nianjian")["databases"]["nianjian"]["tables"]
    names = [n for n in store.db.table_names() + store.db.view_names() if not n.startswith(("report_versions_fts", "report_versions_bigrams"))]
    assert set(names) == set(tables)
    undescribed = {name: [r[1] for r in store.db.execute(f"PRAGMA table_info([{name}])")
                          if r[1] not in tables[name]["columns"]] for name in names}
    assert {k: v for k, v in undescribed.items() if v} == {}
    for name in names:
        description = tables[name]["description"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in description), name     # Chinese
        assert any("a" <= ch.lower() <= "z" for ch in description), name       # and English
    assert tables["t4_table"]["columns"]["suit_direct_pending"] == "未经复议直接起诉·尚未审结 — suit direct: pending"


def test_status_page_filters_and_pages(served, monkeypatch):
    ds, _ = served
    page = get(ds, "/-/status?q=教育").text
    assert 'data-agency="涧西区教育局"' in page and 'data-agency="涧西区人民政府"' not in page
    assert 'value="教育"' in page                              # the form keeps the filter
    assert 'data-agency="重庆路街道办事处"' in get(ds, "/-/status?level=township").text
    monkeypatch.setattr("nianjian.browse.plugin.PER_PAGE", 2)
    first = get(ds, "/-/status").text
    assert "第 1 / 2 页" in first and 'href="/-/status?page=2"' in first
    second = get(ds, "/-/status?page=2").text
    assert second.count('scope="row"') == 1                   # 3 agencies, 2 per page
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_other_installed_plugins_are_not_loaded(db_path, store):
    import types

    from datasette import hookimpl
    from datasette.plugins import pm

    writer = types.ModuleType("datasette_write_stand_in")
    writer.register_routes = hookimpl(lambda: [(r"^/-/write$", lambda: None)])
    pm.register(writer, name="datasette-write-stand-in")
    build(db_path)
    assert pm.get_plugin("datasette-write-stand-in") is None
