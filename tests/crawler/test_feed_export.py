"""`scrapy crawl annual_reports -o reports.jsonl`: Scrapy's own JSON-lines exporter writes every
report document, without its raw bytes (the database keeps them)."""
from __future__ import annotations

import io
import json

from scrapy.exporters import JsonLinesItemExporter

from crawler.items import ReportDocument
from crawler.ledger import Fetch


def test_report_documents_export_as_json_lines_without_the_body():
    pdf = b"%PDF-1.7\n\xe2\xe3\xcf\xd3 binary"
    item = ReportDocument(
        source_id="jianxi", url="http://www.jianxi.gov.cn/2024/P020240115.pdf", body=pdf,
        content_type="application/pdf", filename="P020240115.pdf",
        listed_title="涧西区人民政府2023年政府信息公开工作年度报告", published_hint="2024-01-15",
        expected_year=2023, fetch=Fetch(url="http://www.jianxi.gov.cn/2024/P020240115.pdf", status=200,
                                        size=len(pdf), content_hash="ab12", outcome="stored"))
    out = io.BytesIO()
    exporter = JsonLinesItemExporter(out, encoding="utf-8", ensure_ascii=False)
    exporter.start_exporting()
    exporter.export_item(item)
    exporter.finish_exporting()
    [line] = out.getvalue().decode("utf-8").splitlines()
    record = json.loads(line)
    assert record["body"] is None
    assert record["listed_title"] == "涧西区人民政府2023年政府信息公开工作年度报告"
    assert (record["fetch"]["status"], record["fetch"]["size"], record["fetch"]["outcome"]) == (200, len(pdf), "stored")
    assert record["parent"] is None
