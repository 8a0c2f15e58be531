"""Nightly runs against a page whose report is its attachment: when only the page changes (a
visit counter, a new sidebar), the attachment comes back 304 and the page is remembered, so the
next night asks for nothing again."""
from __future__ import annotations

import sqlite_utils


def test_changed_page_unchanged_attachment(serve, kit, crawl, tmp_path):
    from docx import Document
    import io

    site = serve(kit.Site("127.0.0.1"))
    title = "洛阳市伊滨经开区人民政府2020年政府信息公开工作年度报告"
    document = Document()
    document.add_heading(title)
    for block in kit.seed_body_html(kit.seed("002")).split("\n")[:3]:
        document.add_paragraph(block.replace("<p>", "").replace("</p>", ""))
    buffer = io.BytesIO()
    document.save(buffer)
    site.add("/nb/index.html", kit.list_page([("t20210120_8.html", title, "2021-01-20")]))
    page = lambda visits: kit.detail_page(  # noqa: E731
        title, f"<p>全文见附件。访问量：{visits}</p><a href='P020210120.docx'>附件</a>", date_line="发布时间：2021年01月20日")
    site.add("/nb/t20210120_8.html", page(1))
    site.add("/nb/P020210120.docx", buffer.getvalue(),
             content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    sources = tmp_path / "sources.yaml"
    sources.write_text(kit.sources_yaml([{"id": "yibin", "url": site.url("/nb/index.html"),
                                          "agencies": [{"name": "洛阳市伊滨经开区人民政府", "level": "government"}]}]))
    db = tmp_path / "nianjian.db"

    assert crawl(sources, db).returncode == 0
    site.add("/nb/t20210120_8.html", page(2))          # the page changes, the report does not
    assert crawl(sources, db).returncode == 0
    assert crawl(sources, db).returncode == 0

    outcomes = [(r["run_id"], r["url"].rsplit("/", 1)[1], r["outcome"]) for r in sqlite_utils.Database(db).query(
        "select * from fetches where url not like '%index.html' order by id")]
    assert sorted(outcomes) == sorted([
        (1, "P020210120.docx", "stored"), (1, "t20210120_8.html", "detail"),
        (2, "P020210120.docx", "not_modified"), (2, "t20210120_8.html", "detail"),
        (3, "t20210120_8.html", "not_modified")])
    assert [h.status for h in site.hits if h.path == "/nb/P020210120.docx"] == [200, 304]
