"""The Store contract against a real database file: schema, idempotence, versions, fetches."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from nianjian.errors import UserError
from nianjian.sources import parse_sources
from nianjian.store import SCHEMA_VERSION, Store
from nianjian.store.schema import MIGRATIONS, migrate, connect


TABLES = {"agencies", "documents", "fetches", "runs", "reports", "report_versions", "cells",
          "findings", "alerts", "notifications", "source_runs", "expectations"}


def counts(store: Store) -> dict:
    return {name: store.db[name].count for name in sorted(TABLES | {"report_versions_fts"})}


def test_creates_every_table_in_wal_mode(store, db_path):
    assert TABLES <= set(store.db.table_names())
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    columns = {c.name for c in store.db["alerts"].columns}
    assert {"key", "kind", "agency", "year", "state", "opened_at", "resolved_at", "details",
            "updated_at"} <= columns
    assert {"agency", "year", "deadline", "status", "report_id", "published", "days_late",
            "first_seen_used", "errors", "updated_at"} <= {c.name for c in store.db["expectations"].columns}


def test_same_report_twice_changes_no_row_counts(store, make_report, error_finding):
    report = make_report()
    first = store.save_report(agency="涧西区人民政府", year=2023, url="http://a/1.html",
                              report=report, findings=[error_finding()], content_hash="h1")
    before = counts(store)
    second = store.save_report(agency="涧西区人民政府", year=2023, url="http://a/1.html",
                               report=make_report(), findings=[error_finding()], content_hash="h1")
    assert counts(store) == before
    assert (first.created, first.new_version) == (True, False)
    assert (second.created, second.new_version) == (False, False)
    assert second.report_id == first.report_id and second.version_id == first.version_id
    assert before["cells"] == len(report.cells) and before["findings"] == 1


def test_changed_document_makes_a_new_version(store, make_report, error_finding):
    store.save_report(agency="涧西区人民政府", year=2023, url="http://a/1.html",
                      report=make_report(new=10), findings=[], content_hash="h1",
                      seen_at=None)
    changed = store.save_report(agency="涧西区人民政府", year=2023, url="http://a/1.html",
                                report=make_report(new=12), findings=[error_finding()],
                                content_hash="h2")
    assert changed.new_version and not changed.created and changed.errors == 1
    versions = store.versions(changed.report_id)
    assert [v["version"] for v in versions] == [1, 2]
    assert [v["content_hash"] for v in versions] == ["h1", "h2"]
    row = store.reports()[0]
    assert (row["versions"], row["current_version"], row["errors"], row["error_rules"]) == \
        (2, changed.version_id, 1, "T3_BALANCE")
    # the old content stays readable: silent edits are visible
    old = dict(store.db.execute("SELECT key, value FROM cells WHERE version_id = ?",
                                [versions[0]["id"]]).fetchall())
    assert old["t3.new.natural"] == 10
    assert store.report("涧西区人民政府", 2023).cells["t3.new.natural"] == 12


def test_report_round_trips_with_types_blanks_and_raw_text(store, make_report):
    original = make_report()
    store.save_report(agency=original.agency, year=2023, url=None, report=original,
                      findings=[], content_hash="h")
    again = store.report(original.agency, 2023)
    assert again.cells == original.cells
    assert isinstance(again.cells["t3.new.natural"], int)
    assert again.cells["t2.fees.amount"] == 638.8016
    assert again.cells["t3.new.research"] is None and again.raw_cells["t3.new.research"] == "/"
    assert again.narrative == original.narrative and again.sections == [1, 2, 3, 4, 5, 6]
    assert [p.code for p in again.problems] == ["BLANK_CELL"]
    assert store.previous_report(original.agency, 2024).year == 2023
    assert store.previous_report(original.agency, 2023) is None


def test_recheck_replaces_findings_of_the_version(store, make_report, error_finding):
    args = dict(agency="涧西区人民政府", year=2023, url=None, report=make_report(), content_hash="h")
    store.save_report(findings=[error_finding()], **args)
    store.save_report(findings=[error_finding(), {**error_finding("CARRY_OVER"), "severity": "warning"}], **args)
    assert [(f["rule"], f["severity"]) for f in store.findings()] == \
        [("T3_BALANCE", "error"), ("CARRY_OVER", "warning")]
    assert store.reports()[0]["warnings"] == 1


def test_fetches_and_known_documents(store):
    run = store.start_run("crawl")
    store.record_fetch(run, "jianxi", "http://a/1.html", final_url="http://a/1.html", status=200,
                       content_type="text/html", encoding="gbk", size=1234, content_hash="abc",
                       etag='"e1"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT", outcome="report",
                       elapsed_ms=87)
    store.record_fetch(run, "jianxi", "http://a/1.html", status=304, outcome="not_modified")
    assert store.known_document("http://a/1.html") == {
        "etag": '"e1"', "last_modified": "Mon, 01 Jan 2024 00:00:00 GMT", "content_hash": "abc",
        "final_url": "http://a/1.html", "last_fetched": store.known_document("http://a/1.html")["last_fetched"],
        "outcome": "not_modified"}
    document = store.db["documents"].get("http://a/1.html")
    assert (document["status"], document["outcome"], document["encoding"]) == (304, "not_modified", "gbk")
    assert [f["elapsed_ms"] for f in store.db["fetches"].rows] == [87, None]
    assert store.known_document("http://a/unknown.html") is None
    store.record_source_run(run, "jianxi", status="failed", lists=1, errors=1, message="HTTP 500")
    store.finish_run(run, "ok", {"fetched": 2}, errors=1)
    assert store.db["runs"].get(run)["counts"] == '{"fetched": 2}'
    assert store.db["source_runs"].count == 1
    with pytest.raises(ValueError):
        store.record_source_run(run, "jianxi", status="broken")


def test_sync_agencies_keeps_every_portal_url(store):
    sources = parse_sources({"sources": [
        {"id": "a", "url": "http://a.gov.cn/nb/", "agencies": [
            {"name": "涧西区人民政府", "level": "government", "region": "河南省洛阳市涧西区",
             "parent": "洛阳市人民政府", "deadline": "03-31", "aliases": ["涧西区政府"]}]},
        {"id": "b", "url": "http://b.gov.cn/nb/", "agencies": [
            {"name": "涧西区人民政府", "level": "government"}]}]})
    store.sync_agencies(sources)
    store.sync_agencies(sources)
    [agency] = store.agencies()
    assert agency["level"] == "government" and agency["deadline"] is None   # last source wins
    assert agency["portal_urls"] == '["http://a.gov.cn/nb/", "http://b.gov.cn/nb/"]'


def test_full_text_search_finds_chinese_substrings(store, make_report):
    store.save_report(agency="涧西区人民政府", year=2023, url=None, content_hash="h", findings=[],
                      report=make_report(narrative="全面推进基层政务公开标准化规范化建设"))
    hits = lambda q: [r["agency"] for r in store.db["report_versions"].search(q)]
    assert hits("政务公开") == ["涧西区人民政府"]
    assert hits("标准化规范化") == ["涧西区人民政府"]
    assert hits("涧西区") == ["涧西区人民政府"]      # agency and title are indexed too
    assert hits("公开") == []                       # trigram: fewer than 3 characters finds nothing
    assert hits("不存在的词语") == []


def test_old_schema_database_opens_without_loss(db_path):
    old = connect(str(db_path))
    migrate(old, target=1)                          # a database made by the first release
    old["reports"].insert({"agency": "老城区人民政府", "year": 2020, "first_seen": "2021-02-01T00:00:00+08:00",
                           "last_seen": "2021-02-01T00:00:00+08:00", "parse_status": "ok"})
    old["report_versions"].insert({"report_id": 1, "version": 1, "agency": "老城区人民政府",
                                   "year": 2020, "content_hash": "x", "narrative": "老城区信息公开工作",
                                   "cell_count": 0, "first_seen": "2021-02-01T00:00:00+08:00",
                                   "last_seen": "2021-02-01T00:00:00+08:00"})
    assert "report_versions_fts" not in old.table_names()
    old.close()
    with Store(db_path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.reports()[0]["agency"] == "老城区人民政府"
        assert [r["agency"] for r in store.db["report_versions"].search("信息公开")] == ["老城区人民政府"]
        assert "reports_year" in {i.name for i in store.db["reports"].indexes}


def test_newer_schema_is_refused_with_a_clear_error(db_path):
    Store(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(UserError, match=f"数据库结构版本 {SCHEMA_VERSION + 1} 比这个 nianjian 能读的版本（{SCHEMA_VERSION}）新：请升级 nianjian"):
        Store(db_path)


def test_not_a_database_is_a_user_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("this is not sqlite" * 100)
    with pytest.raises(UserError, match="无法打开数据库 .*notes.db："):
        Store(path)


def test_readers_see_committed_data_while_a_writer_holds_its_transaction(store, db_path, make_report):
    """WAL: Datasette (a read-only connection) keeps reading while a crawl is mid-write."""
    store.save_report(agency="涧西区人民政府", year=2022, url=None, report=make_report(year=2022),
                      findings=[], content_hash="a")
    reader = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=0.5)
    store.db.execute("BEGIN IMMEDIATE")
    store.db.execute("UPDATE reports SET title = 'being rewritten'")
    assert reader.execute("SELECT title FROM reports").fetchone()[0].endswith("年度报告")
    store.db.execute("COMMIT")
    assert reader.execute("SELECT title FROM reports").fetchone()[0] == "being rewritten"
    reader.close()


def test_two_writers_at_once_lose_nothing(db_path, make_report):
    """The crawler, the monitor and `nianjian ingest` may write the same file at the same time."""
    import threading

    def write(agency: str) -> None:
        with Store(db_path) as own:
            for year in range(2000, 2030):
                own.save_report(agency=agency, year=year, url=None, content_hash=f"{agency}{year}",
                                report=make_report(agency, year), findings=[])

    Store(db_path).close()
    threads = [threading.Thread(target=write, args=(name,)) for name in ("甲区人民政府", "乙区人民政府")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with Store(db_path) as store:
        assert store.db["reports"].count == 60 and store.db["report_versions"].count == 60
        assert {a["name"] for a in store.agencies()} == {"甲区人民政府", "乙区人民政府"}


def test_versions_follow_any_sequence_of_saves(tmp_path_factory, make_report):
    """Whatever order contents arrive in: one report per (agency, year), one version per distinct
    content, the last content current, and saving it again changes no counts."""
    from hypothesis import given, settings, strategies as st

    saves = st.lists(st.tuples(st.sampled_from(["甲区人民政府", "乙区人民政府"]),
                               st.sampled_from([2021, 2022]), st.integers(1, 3)), min_size=1, max_size=12)

    @settings(max_examples=25, deadline=None)
    @given(saves)
    def check(sequence):
        with Store(tmp_path_factory.mktemp("h") / "n.db") as store:
            for agency, year, content in sequence:
                store.save_report(agency=agency, year=year, url=None, findings=[],
                                  report=make_report(agency, year, new=content),
                                  content_hash=f"{agency}{year}-{content}")
            before = counts(store)
            agency, year, content = sequence[-1]
            again = store.save_report(agency=agency, year=year, url=None, findings=[],
                                      report=make_report(agency, year, new=content),
                                      content_hash=f"{agency}{year}-{content}")
            assert counts(store) == before and not again.new_version and not again.created
            expected_versions = {(a, y): {c for a2, y2, c in sequence if (a2, y2) == (a, y)}
                                 for a, y, _ in sequence}
            last = {(a, y): c for a, y, c in sequence}
            assert store.db["reports"].count == len(expected_versions)
            for (a, y), contents in expected_versions.items():
                row = store.reports(agency=a, year=y)[0]
                assert row["versions"] == len(contents)
                assert store.report(a, y).cells["t3.new.natural"] == last[(a, y)]

    check()


def test_an_up_to_date_database_opens_without_writing(db_path, make_report):
    with Store(db_path) as store:
        store.save_report(agency="涧西区人民政府", year=2023, url=None, report=make_report(),
                          findings=[], content_hash="h")
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = db_path.read_bytes()
    db_path.chmod(0o444)
    with Store(db_path) as again:          # no migration due: no write lock taken
        assert again.reports()[0]["agency"] == "涧西区人民政府"
    assert db_path.read_bytes() == before


def test_changed_view_definitions_are_replaced_on_open(db_path):
    Store(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("DROP VIEW t4_table")
    conn.execute("CREATE VIEW t4_table AS SELECT 1 AS old_definition")
    conn.close()
    with Store(db_path) as store:
        assert "review_upheld" in {c.name for c in store.db.view("t4_table").columns}


SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
LONG = (SEEDS / "000_c31dcc775cd75b8e.txt").read_text("utf-8")       # a real report's text
OTHER = (SEEDS / "004_ada7492c16bce619.txt").read_text("utf-8")


def test_the_band_index_follows_each_reports_current_version(store, make_report):
    def save(agency, narrative, content_hash):
        store.save_report(agency=agency, year=2023, url=None, content_hash=content_hash, findings=[],
                          report=make_report(agency=agency, narrative=narrative))
    save("涧西区人民政府", LONG, "a")
    save("老城区人民政府", OTHER, "b")
    assert [r.agency for r in store.likely_copies("西工区人民政府", 2023, LONG)] == ["涧西区人民政府"]
    assert store.likely_copies("涧西区人民政府", 2023, LONG) == []        # not a copy of itself
    save("涧西区人民政府", OTHER, "c")                                   # rewritten: the old text is gone
    assert store.likely_copies("西工区人民政府", 2023, LONG) == []
    assert {r.agency for r in store.likely_copies("西工区人民政府", 2023, OTHER)} == \
        {"涧西区人民政府", "老城区人民政府"}
    save("涧西区人民政府", LONG, "a")                                    # back to the first version
    assert [r.agency for r in store.likely_copies("西工区人民政府", 2023, LONG)] == ["涧西区人民政府"]


def test_reports_stored_before_the_band_index_are_indexed_on_open(db_path):
    old = connect(str(db_path))
    migrate(old, target=7)                          # main's schema before narrative signatures (run owners, rendered)
    seen = "2024-02-01T00:00:00+08:00"
    old["reports"].insert({"agency": "涧西区人民政府", "year": 2023, "first_seen": seen,
                           "last_seen": seen, "parse_status": "ok", "current_version": 1})
    old["report_versions"].insert({"report_id": 1, "version": 1, "agency": "涧西区人民政府",
                                   "year": 2023, "content_hash": "x", "narrative": LONG,
                                   "cell_count": 0, "first_seen": seen, "last_seen": seen})
    old.close()
    with Store(db_path) as store:
        assert [r.agency for r in store.likely_copies("西工区人民政府", 2023, LONG)] == ["涧西区人民政府"]


def test_signatures_of_the_earlier_minhash_are_computed_again_on_open(db_path, make_report):
    with Store(db_path) as store:
        store.save_report(agency="涧西区人民政府", year=2023, url=None, content_hash="a", findings=[],
                          report=make_report(agency="涧西区人民政府", narrative=LONG))
        # what the earlier MinHash (a hash call per shingle) had stored: other values, other bands
        store.db.execute("UPDATE narrative_signatures SET signature = ?", [bytes(range(256)) * 2])
        store.db.execute("UPDATE narrative_bands SET band = band + 1")
        # … in a database of the schema before that MinHash (without what came after it)
        store.db.execute("DROP INDEX report_versions_content")
        store.db.execute("DROP INDEX reports_url")
        store.db.execute("ALTER TABLE report_versions DROP COLUMN content_key")
        before = [name for name, _ in MIGRATIONS].index("narrative signatures of the vectorised MinHash")
        store.db.execute(f"PRAGMA user_version = {before}")
        assert store.likely_copies("西工区人民政府", 2023, LONG) == []
    with Store(db_path) as store:
        assert [r.agency for r in store.likely_copies("西工区人民政府", 2023, LONG)] == ["涧西区人民政府"]


def test_a_batch_commits_once_and_a_failed_write_rolls_back_alone(store, db_path, make_report):
    def save(agency, year):
        store.save_report(agency=agency, year=year, url=None, content_hash=agency, findings=[],
                          report=make_report(agency=agency, narrative=f"{agency}推进基层政务公开标准化"))
    with store.batch():
        save("涧西区人民政府", 2023)
        with pytest.raises(sqlite3.IntegrityError):
            save("老城区人民政府", None)                     # reports.year is NOT NULL
        save("西工区人民政府", 2023)
        other = sqlite3.connect(db_path)
        assert other.execute("SELECT count(*) FROM reports").fetchone()[0] == 0    # not yet committed
    assert [r["agency"] for r in store.reports()] == ["涧西区人民政府", "西工区人民政府"]
    assert "老城区人民政府" not in {a["name"] for a in store.agencies()}
    # the full-text index was filled when the batch committed
    assert sorted(r["agency"] for r in store.db["report_versions"].search("政务公开标准化")) == \
        ["涧西区人民政府", "西工区人民政府"]
    assert other.execute("SELECT count(*) FROM report_versions_fts WHERE report_versions_fts MATCH '政务公开'"
                         ).fetchone()[0] == 2
