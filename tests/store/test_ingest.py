"""ingest_document with the real parser and checks: matching, hints, refusals, cross-year checks."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from nianjian.clock import SHANGHAI
from nianjian.ingest import ingest_document
from nianjian.sources import parse_sources

ROOT = Path(__file__).resolve().parents[2]
JIANXI = (ROOT / "tests/fixtures/seeds/000_c31dcc775cd75b8e.txt").read_bytes()
PORTALS = ROOT / "tests/fixtures/portals"

SOURCE = parse_sources({"sources": [{
    "id": "jianxi", "url": "http://www.jianxi.gov.cn/zfxxgk/xxgknb/index.html",
    "agencies": [{"name": "涧西区人民政府", "level": "government", "aliases": ["涧西区政府"]},
                 {"name": "涧西区教育局", "level": "department"}]}]})[0]


def ingest(store, body, **hints):
    defaults = dict(url="http://www.jianxi.gov.cn/2022/t1.html", content_type=None,
                    filename="report.txt", source=None, agency_hint=None, listed_title=None,
                    published_hint=None, expected_year=None, run_id=None)
    return ingest_document(store, body=body, **{**defaults, **hints})


def test_detail_page_title_and_date_win_and_source_matches_the_agency(store):
    store.sync_agencies([SOURCE])
    seen = datetime(2022, 1, 25, 9, 30, tzinfo=SHANGHAI)
    result = ingest(store, JIANXI, source=SOURCE, agency_hint="涧西区教育局",
                    listed_title="涧西区政府2021年政府信息公开工作年度报告",
                    published_hint="2022-01-20", seen_at=seen)
    assert (result.status, result.agency, result.year) == ("stored", "涧西区人民政府", 2021)
    [row] = store.reports()
    assert (row["title"], row["published"], row["first_seen"]) == \
        ("涧西区政府2021年政府信息公开工作年度报告", "2022-01-20", "2022-01-25T09:30:00+08:00")
    assert row["parse_status"] in ("ok", "problems") and row["errors"] == result.errors
    report = store.report("涧西区人民政府", 2021)
    assert report.cells["t3.carried_in.total"] == 2 and report.cells["t3.carried_out.total"] == 2
    assert "2021年我区政府信息公开工作" in report.narrative


def test_agency_hint_when_no_source_and_same_bytes_are_unchanged(store):
    first = ingest(store, JIANXI, agency_hint="涧西区人民政府")
    again = ingest(store, JIANXI, agency_hint="涧西区人民政府")
    assert (first.status, again.status) == ("stored", "unchanged")
    assert again.report_id == first.report_id and again.version_id == first.version_id


def test_previous_year_from_the_store_feeds_the_cross_year_rules(store):
    ingest(store, JIANXI)
    next_year = ingest(store, JIANXI.decode("utf-8").replace("2021", "2022").encode("utf-8"))
    assert (next_year.status, next_year.year) == ("stored", 2022)
    rules = {f["rule"] for f in store.findings(report_id=next_year.report_id)}
    assert "COPIED_TEXT" in rules                       # same prose as its own 2021 report
    first_rules = {f["rule"] for f in store.findings(agency="涧西区人民政府", year=2021)}
    assert "COPIED_TEXT" not in first_rules


def test_refusals_store_nothing(store):
    not_report = ingest(store, (PORTALS / "05_wanzai_county_xxgk_detail_ucap.html").read_bytes(),
                        content_type="text/html", filename=None)
    assert not_report.status == "not_a_report"
    word97 = ingest(store, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, filename="report.doc")
    assert word97.status == "unsupported"
    assert word97.problems[0]["code"] == "UNSUPPORTED_FORMAT"
    unmatched = ingest(store, "这不是年度报告，只是一段文字。".encode("utf-8"))
    assert unmatched.status == "not_a_report"
    assert store.db["reports"].count == 0 and store.db["report_versions"].count == 0


def test_unreadable_attachment_listed_as_a_report_is_kept_as_unreadable(store):
    """A corrupt PDF under a listing that names the report: the publication is a fact worth
    keeping (the agency is not missing), its content is unreadable, not inconsistent."""
    broken = b"%PDF-1.7\n truncated"
    alone = ingest(store, broken, filename="report.pdf")
    assert alone.status == "unreadable" and alone.report_id is None
    assert [p["code"] for p in alone.problems] == ["UNREADABLE_FILE", "UNMATCHED"]
    listed = ingest(store, broken, filename="report.pdf", source=SOURCE,
                    listed_title="涧西区教育局2023年政府信息公开工作年度报告")
    assert (listed.status, listed.agency, listed.year, listed.errors) == ("unreadable", "涧西区教育局", 2023, 0)
    [row] = store.reports()
    assert (row["parse_status"], row["errors"], row["warnings"]) == ("unreadable", 0, 1)
    assert [f["rule"] for f in store.findings(report_id=row["id"])] == ["UNREADABLE"]


def test_expected_year_other_than_the_reports_own_is_a_finding(store):
    result = ingest(store, JIANXI, expected_year=2022)
    assert (result.status, result.year) == ("stored", 2021)       # the report's own year wins
    assert "YEAR_MISMATCH" in {f["rule"] for f in store.findings(report_id=result.report_id)}


def test_a_copy_of_another_agencys_report_of_the_year_is_found_through_the_band_index(store):
    store.sync_agencies([SOURCE])
    ingest(store, JIANXI, source=SOURCE)
    other = (ROOT / "tests/fixtures/seeds/004_ada7492c16bce619.txt").read_bytes()
    ingest(store, other, agency_hint="白碱滩区政府办公室", expected_year=2021)
    copy = JIANXI.decode("utf-8").replace("涧西区人民政府", "涧西区教育局").encode("utf-8")
    result = ingest(store, copy, source=SOURCE)
    assert (result.status, result.agency) == ("stored", "涧西区教育局")
    narrative = store.report("涧西区教育局", 2021).narrative
    # only the near copy is a candidate, not every report of the year
    [peer] = store.likely_copies("涧西区教育局", 2021, narrative)
    assert (peer.agency, peer.year) == ("涧西区人民政府", 2021)
    assert peer.narrative == store.report("涧西区人民政府", 2021).narrative != ""
    assert store.likely_copies("涧西区教育局", 2020, narrative) == []     # other years are not
    copied = [f for f in store.findings(report_id=result.report_id) if f["rule"] == "COPIED_TEXT"]
    assert copied and "涧西区人民政府" in copied[0]["message_zh"] + copied[0]["message_en"]


def test_a_page_with_nothing_of_a_report_is_not_one_whatever_the_listing_says(store):
    """Bot walls nianjian has no marker for: a script-only challenge page, and a page that repeats
    the listed title over a "too many requests" line. Neither is stored; the record says what
    the page held."""
    listed = "涧西区教育局2023年政府信息公开工作年度报告"
    script = b"<html><head><script>document.cookie='c=1';location.reload()</script></head><body></body></html>"
    challenge = ingest(store, script, content_type="text/html", filename=None, source=SOURCE,
                       listed_title=listed)
    assert challenge.status == "not_a_report"
    assert [p["code"] for p in challenge.problems] == ["EMPTY_DOCUMENT", "NOT_A_REPORT"]
    assert "location.reload()" in challenge.problems[-1]["detail"]
    echo = (f"<html><head><title>{listed}</title></head><body><h1>{listed}</h1>"
            "<p>访问过于频繁，请稍后再试。</p></body></html>").encode("utf-8")
    walled = ingest(store, echo, content_type="text/html", filename=None, source=SOURCE,
                    listed_title=listed)
    assert walled.status == "not_a_report" and [p["code"] for p in walled.problems] == ["NOT_A_REPORT"]
    assert "访问过于频繁，请稍后再试" in walled.problems[0]["detail"]
    assert store.db["reports"].count == 0


# ---------------------------------------------------------------- a year or agency not read surely
RANGED = JIANXI.decode("utf-8").replace("涧西区人民政府2021年", "涧西区人民政府2020-2021年", 1).encode("utf-8")


def test_a_year_the_parser_is_unsure_of_is_filled_by_neither_the_listed_title_nor_the_crawl(store):
    """The page's own title names 2020-2021: neither the list's title nor the list's year
    makes it 2021's report. It is kept unplaced, with where it may belong."""
    store.sync_agencies([SOURCE])
    result = ingest(store, RANGED, source=SOURCE, listed_title="涧西区人民政府2021年政府信息公开工作年度报告",
                    expected_year=2021, seen_at=datetime(2022, 1, 25, 9, 30, tzinfo=SHANGHAI))
    assert (result.status, result.agency, result.year) == ("unmatched", "涧西区人民政府", None)
    assert [p["code"] for p in result.problems][-2:] == ["YEAR_UNSURE", "UNMATCHED"]
    assert store.db["reports"].count == 0
    [unplaced] = store.unplaced()
    assert {k: unplaced[k] for k in ("url", "agency", "year", "agencies", "years", "first_seen")} == {
        "url": "http://www.jianxi.gov.cn/2022/t1.html", "agency": "涧西区人民政府", "year": None,
        "agencies": ["涧西区人民政府"], "years": [2019, 2020, 2021], "first_seen": "2022-01-25T09:30:00+08:00"}
    assert unplaced["why"].startswith("YEAR_UNSURE: the title names a range of years (2020-2021)")
    alone = ingest(store, RANGED, expected_year=2021, url="http://www.jianxi.gov.cn/2022/t2.html")
    assert (alone.status, alone.year) == ("unmatched", None)       # the expected year fills no doubt


def test_a_listed_title_naming_a_year_unsurely_places_nothing(store):
    result = ingest(store, JIANXI, source=SOURCE, listed_title="涧西区人民政府2020-2021年政府信息公开工作年度报告")
    assert (result.status, result.year) == ("unmatched", None)
    assert "YEAR_UNSURE" in [p["code"] for p in result.problems] and store.db["reports"].count == 0
    # the page's title carrying its publication date names no year: the report's own year stands
    dated = ingest(store, JIANXI, source=SOURCE,
                   listed_title="涧西区人民政府政府信息公开工作年度报告（2022年1月20日）")
    assert (dated.status, dated.agency, dated.year) == ("stored", "涧西区人民政府", 2021)
    assert store.unplaced() == []              # placed now: the same page is unplaced no more


def test_a_title_naming_several_watched_agencies_is_neither_ones(store):
    assert SOURCE.agency_for_title("涧西区教育局、涧西区人民政府2021年政府信息公开工作年度报告") is None
    assert SOURCE.agency_for_title("涧西区人民政府2021年政府信息公开工作年度报告").name == "涧西区人民政府"
    result = ingest(store, JIANXI, source=SOURCE,
                    listed_title="涧西区教育局、涧西区人民政府2021年政府信息公开工作年度报告")
    assert (result.status, result.agency, result.year) == ("unmatched", None, 2021)
    assert store.db["reports"].count == 0
    [unplaced] = store.unplaced()
    assert (unplaced["agencies"], unplaced["years"]) == (["涧西区教育局", "涧西区人民政府"], [2021])
