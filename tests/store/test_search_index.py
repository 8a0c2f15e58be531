"""The two full-text indexes against a real database file: two-character words are found through
the pair index when the store writes (one save, a batch, a new version), after a migration of
an older database, and after edits made outside the store."""
from __future__ import annotations

import sqlite3

import pytest

from nianjian.browse.search import find_reports, search_condition, too_short
from nianjian.store import Store
from nianjian.store.fulltext import bigrams
from nianjian.store.schema import connect, migrate


def versions(store: Store, query: str) -> list[tuple[str, int]]:
    """What Datasette's table search lists: every version holding the query."""
    condition, params = search_condition(query, "id")
    return [tuple(row) for row in store.db.execute(
        f"SELECT agency, version FROM report_versions WHERE {condition} ORDER BY id", params)]


def reports(store: Store, query: str) -> list[str]:
    """What the status page's box lists: reports whose current version holds the query."""
    return [hit["agency"] for hit in find_reports(store.db.conn, query)]


def pairs_indexed(store: Store, word: str) -> int:
    return store.db.execute("SELECT count(*) FROM report_versions_bigrams WHERE report_versions_bigrams "
                            "MATCH ?", [f'"{word}"']).fetchone()[0]


def save(store, make_report, agency, narrative, content_hash=None):
    return store.save_report(agency=agency, year=2023, url=None, findings=[],
                             content_hash=content_hash or narrative,
                             report=make_report(agency=agency, narrative=narrative))


def test_pairs_never_span_punctuation_or_spaces():
    assert bigrams("行政复议、诉讼", None, "PDF 2023") == "02 20 23 DF PD 复议 政复 行政 诉讼"
    assert bigrams("公开公开") == "公开 开公"          # each pair once
    assert bigrams("。", "", None) == ""


def test_two_character_words_are_found_through_the_pair_index(store, make_report):
    with store.batch():
        save(store, make_report, "涧西区人民政府", "全年未发生行政复议、行政诉讼。")
        save(store, make_report, "涧西区教育局", "全年收到申请10件，均已答复。")
    assert pairs_indexed(store, "复议") == 1 and pairs_indexed(store, "议、") == 0
    assert versions(store, "复议") == versions(store, "诉讼") == [("涧西区人民政府", 1)]
    assert versions(store, "教育") == [("涧西区教育局", 1)]                # agency
    assert len(versions(store, "年度")) == 2                               # title: …年度报告
    assert versions(store, "信访") == [] and versions(store, "议、") == []
    assert versions(store, "行政复议 答复") == []                          # every term must occur
    assert versions(store, "全年 答复") == [("涧西区教育局", 1)]
    assert versions(store, "行政复议") == [("涧西区人民政府", 1)]           # 3+: the trigram index
    assert reports(store, "复议") == ["涧西区人民政府"]


def test_a_new_version_is_searchable_and_the_box_follows_the_current_one(store, make_report):
    save(store, make_report, "涧西区人民政府", "全年未发生行政复议。")
    save(store, make_report, "涧西区人民政府", "全年发生行政诉讼1件。")          # re-ingest: version 2
    assert versions(store, "复议") == [("涧西区人民政府", 1)]
    assert versions(store, "诉讼") == [("涧西区人民政府", 2)]
    assert reports(store, "复议") == [] and reports(store, "诉讼") == ["涧西区人民政府"]


def test_a_write_rolled_back_in_a_batch_leaves_no_pairs(store, make_report):
    with store.batch():
        with pytest.raises(sqlite3.IntegrityError):
            with store.batch():
                store.save_report(agency="老城区人民政府", year=2023, url=None, findings=[], content_hash="x",
                                  report=make_report(agency="老城区人民政府", narrative="信访三件"))
                raise sqlite3.IntegrityError("the writer failed after storing the version")
        save(store, make_report, "西工区人民政府", "全年未发生行政复议。")
    assert versions(store, "信访") == [] and pairs_indexed(store, "信访") == 0
    assert versions(store, "复议") == [("西工区人民政府", 1)]


def test_one_character_terms_are_refused_not_scanned(store, make_report):
    save(store, make_report, "涧西区人民政府", "全年未发生行政复议。")
    assert too_short("复 议") == ["复", "议"] and too_short("复议") == []
    assert versions(store, "议") == [] and versions(store, "复议 议") == []
    assert reports(store, "议") == []


def test_an_older_database_gets_its_pair_index_filled(db_path):
    old = connect(str(db_path))
    migrate(old, target=10)                         # the schema before the pair index
    old["reports"].insert({"agency": "老城区人民政府", "year": 2020, "first_seen": "2021-02-01",
                           "last_seen": "2021-02-01", "parse_status": "ok", "current_version": 1})
    old["report_versions"].insert({"report_id": 1, "version": 1, "agency": "老城区人民政府", "year": 2020,
                                   "content_hash": "x", "narrative": "老城区全年未发生行政诉讼。",
                                   "cell_count": 0, "first_seen": "2021-02-01", "last_seen": "2021-02-01"})
    assert "report_versions_bigrams" not in old.table_names()
    old.close()
    with Store(db_path) as store:
        assert versions(store, "诉讼") == [("老城区人民政府", 1)]
        assert reports(store, "城区") == ["老城区人民政府"]


def test_edits_outside_the_store_keep_the_pair_index_current(store, db_path, make_report):
    save(store, make_report, "涧西区人民政府", "全年未发生行政复议。")
    store.db.execute("UPDATE report_versions SET narrative = '全年发生行政诉讼1件。'")
    assert versions(store, "复议") == [] and versions(store, "诉讼") == [("涧西区人民政府", 1)]
    # a tool without nianjian's pair function is refused the edit, not left with a stale index
    plain = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.OperationalError, match="nianjian_bigrams"):
        plain.execute("UPDATE report_versions SET narrative = '信访'")
    plain.close()
    store.db.execute("PRAGMA foreign_keys = OFF")
    store.db.execute("DELETE FROM report_versions")
    assert pairs_indexed(store, "诉讼") == 0
