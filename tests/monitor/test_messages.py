"""Notification wording carries the evidence: the failing sums in words and the page on
nianjian's own address (notify.base_url) that shows them, or which page to open without one."""
from __future__ import annotations

import pytest

from monitor.config import load_config
from monitor.notify import describe, render
from nianjian.errors import UserError

INCONSISTENT = {
    "kind": "inconsistent", "agency": "涧西区教育局", "year": 2023, "key": "inconsistent|涧西区教育局|2023",
    "opened_at": "2024-05-01T09:00:00+08:00", "resolved_at": None, "event": "open",
    "details": {"errors": 1, "rules": ["T3_BALANCE"], "report_id": 7, "version": 1,
                "url": "http://www.jianxi.gov.cn/jyj/2023.html",
                "findings": [{"rule": "T3_BALANCE", "cells": ["t3.new.natural"],
                              "message_zh": "t3 自然人列: 本年新收54 + 上年结转2 ≠ 办理结果总计55 + 结转下年度3"}]}}
CHANGED = {
    "kind": "changed", "agency": "涧西区人民政府", "year": 2023, "key": "changed|涧西区人民政府|2023",
    "opened_at": "2024-05-01T09:00:00+08:00", "resolved_at": None, "event": "open",
    "details": {"report_id": 9, "from_version": 1, "to_version": 2, "changed_cells": 1,
                "cells": [{"cell": "t3.closed_total.natural", "from": 16, "to": 18}]}}


def test_inconsistent_alert_says_the_failing_sum_and_links_the_report_page():
    line = describe(INCONSISTENT, "open", "http://10.0.0.5:8001")
    assert line == ("涧西区教育局2023年度报告有 1 处错误（T3_BALANCE）：t3 自然人列: 本年新收54 + 上年结转2 ≠ "
                    "办理结果总计55 + 结转下年度3 http://www.jianxi.gov.cn/jyj/2023.html "
                    "详情：http://10.0.0.5:8001/-/report/7#findings")
    # without an address of its own, the message says which page to open
    assert describe(INCONSISTENT, "open").endswith("（详情：nianjian serve 的 /-/report/7#findings 页）")


def test_changed_alert_names_cells_in_the_template_words_and_links_the_changes_page():
    message = render([CHANGED], base_url="http://10.0.0.5:8001/")
    assert "表三「（七）总计·自然人」 16→18" in message.text
    assert "详情：http://10.0.0.5:8001/-/report/9/changes?from=1&to=2" in message.text


def test_base_url_setting(tmp_path):
    config = tmp_path / "nianjian.toml"
    config.write_text('[notify]\nbase_url = "http://10.0.0.5:8001/"\n', "utf-8")
    assert load_config(config).base_url == "http://10.0.0.5:8001"
    config.write_text('[notify]\nbase_url = "10.0.0.5:8001"\n', "utf-8")
    with pytest.raises(UserError, match="notify.base_url"):
        load_config(config)
