"""Search as a reader uses it, over HTTP from `nianjian serve` on 127.0.0.1: Datasette's table
search and the status page's box find two-character words (公开, 复议, 诉讼) through the pair
index, keep up with a version stored while the server runs, and say so when a term is one
character."""
from __future__ import annotations

import json
import urllib.request
from urllib.parse import quote

import lxml.html

from nianjian.store import Store


def save(store, make_report, agency, narrative, content_hash):
    return store.save_report(agency=agency, year=2023, url=None, findings=[], content_hash=content_hash,
                             report=make_report(agency=agency, narrative=narrative)).report_id


def table_search(base: str, query: str) -> list[tuple[str, int]]:
    found = json.load(urllib.request.urlopen(
        f"{base}/nianjian/report_versions.json?_shape=array&_sort=id&_search={quote(query)}", timeout=20))
    return [(row["agency"], row["version"]) for row in found]


def page(url: str):
    return lxml.html.fromstring(urllib.request.urlopen(url, timeout=20).read().decode("utf-8"))


def box(base: str, query: str) -> tuple[list[str], str]:
    """The status page's hits (report titles) and what its hits section says."""
    hits = page(f"{base}/-/status?search={quote(query)}").xpath("//section[@class='hits']")[0]
    return [a.text_content() for a in hits.xpath(".//li/a")], " ".join(hits.text_content().split())


def test_two_character_words_on_the_table_search_and_the_status_box(tmp_path, make_report, free_port, serving):
    db = tmp_path / "nianjian.db"
    with Store(db) as store:
        gov = save(store, make_report, "涧西区人民政府", "全年未发生行政复议、行政诉讼。", "gov1")
        save(store, make_report, "涧西区教育局", "全年主动公开信息120条。", "edu1")
    with serving(db, free_port()) as base:
        assert table_search(base, "复议") == table_search(base, "诉讼") == [("涧西区人民政府", 1)]
        assert table_search(base, "公开") == [("涧西区人民政府", 1), ("涧西区教育局", 1)]   # titles: 信息公开
        assert table_search(base, "主动 公开") == [("涧西区教育局", 1)]
        assert table_search(base, "信访") == table_search(base, "议、") == []
        titles, said = box(base, "诉讼")
        assert titles == ["涧西区人民政府2023年政府信息公开工作年度报告"] and "检索“诉讼”：1 份报告" in said
        assert box(base, "信访") == ([], "检索“信访”：0 份报告 没有找到包含该词的报告。")

        # one character: nothing, and the reader is told why (on both)
        assert table_search(base, "议") == []
        table = page(f"{base}/nianjian/report_versions?_search={quote('议')}")
        assert "每个检索词至少要两个字" in table.text_content() and "“议”只有一个字" in table.text_content()
        titles, said = box(base, "复议 议")
        assert titles == [] and "每个检索词至少要两个字（如 复议），“议”只有一个字" in said

        # a new version stored while the server runs is found at once, its old words still by version
        with Store(db) as store:
            save(store, make_report, "涧西区人民政府", "全年收到信访转办申请2件。", "gov2")
        assert table_search(base, "信访") == [("涧西区人民政府", 2)]
        assert table_search(base, "复议") == [("涧西区人民政府", 1)]
        assert box(base, "信访")[0] == ["涧西区人民政府2023年政府信息公开工作年度报告"]
        assert box(base, "复议")[0] == []                     # the box lists current versions
        assert page(f"{base}/-/status?search={quote('信访')}").xpath(
            "//section[@class='hits']//li/a/@href") == [f"/-/report/{gov}"]
