"""The manifest (what the portal holds) and the sources file it writes for the running portal."""
from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from datetime import date

import yaml

from nianjian.demo_portal import manifest, sources_for
from nianjian.sources import parse_sources


def test_agencies_of_every_level(facts):
    assert len(facts.agencies) >= 8
    assert {a["level"] for a in facts.agencies} == {"department", "government", "township"}
    assert facts.now.isoformat() == "2026-11-20T09:00:00+08:00"
    assert max(e.year for e in facts.expectations) == 2025


def test_the_cases_the_demo_exists_to_show(facts):
    by_status = {s: {(e.agency, e.year) for e in facts.expectations if e.status == s}
                 for s in ("on_time", "late", "missing")}
    assert by_status["late"] == {("示例县卫生健康委员会", 2024), ("示例区人民政府", 2023)}
    assert by_status["missing"] == {("示例县东湖镇人民政府", 2025), ("示例市自然资源和规划局", 2025)}
    assert len(by_status["on_time"]) == 26
    late = facts.report("示例县卫生健康委员会", 2024)
    assert (late.published, late.deadline, late.days_late) == (date(2025, 2, 20), date(2025, 1, 31), 20)
    government_late = facts.report("示例区人民政府", 2023)
    assert (government_late.deadline, government_late.days_late) == (date(2024, 3, 31), 15)
    inconsistent = {(r.agency, r.year): r.expect_errors for r in facts.reports if r.inconsistent}
    assert inconsistent == {("示例市人民政府", 2023): ("T4_TOTAL",), ("示例市教育局", 2024): ("T3_BALANCE",)}
    bad = facts.report("示例市教育局", 2024).cells
    assert bad["t3.new.natural"] + bad["t3.carried_in.natural"] != \
        bad["t3.closed_total.natural"] + bad["t3.carried_out.natural"]
    assert [(r.agency, r.year) for r in facts.reports if r.edited] == [("示例市财政局", 2025)]
    assert {r.fails for r in facts.reports if r.fails} == {"server_error", "slow"}
    assert set(facts.failing) == {"bot_wall", "server_error", "slow"}
    # the failing reports are for years before the agencies' first_year: no expectation hangs on them
    assert all(facts.expectation(r.agency, r.year) is None for r in facts.reports if r.fails)
    kinds = {i["kind"] for i in facts.ignored}
    assert kinds == {"news", "website_report"}


def test_manifest_urls_follow_the_base_url():
    facts = manifest("http://127.0.0.1:8123/", 1)
    assert facts.columns["shili-city"]["url"] == "http://127.0.0.1:8123/sl/zfxxgk/xxgknb/index.html"
    assert all(r.url.startswith("http://127.0.0.1:8123/") for r in facts.reports)
    data = json.loads(json.dumps(facts.to_dict(), ensure_ascii=False))
    assert data["expectations"][0]["status"] in ("on_time", "late", "missing")


def test_sources_file_loads_and_matches_the_portal(portal, facts, http):
    sources = parse_sources(yaml.safe_load(sources_for(portal.base_url)))
    assert [s.id for s in sources] == list(facts.columns)
    agencies = {a.name: a for s in sources for a in s.agencies}
    assert {a["name"] for a in facts.agencies} == set(agencies)
    assert agencies["示例县东湖镇人民政府"].level == "township"
    assert agencies["示例市人民政府"].first_year == 2020
    by_id = {s.id: s for s in sources}
    assert by_id["shili-county"].find_column and by_id["shili-jyj"].cms == "hanweb"
    for report in facts.reports:
        assert by_id[report.source_id].agency_for_title(report.title).name == report.agency
    for source in sources:
        assert http(source.url).status == 200


def _ctrl_c_default() -> None:
    """In the child: Ctrl+C interrupts, even when pytest was started as a background job of a
    script (such jobs ignore SIGINT, and children inherit that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_demo_portal_command_serves_and_writes_the_sources_file(tmp_path, http):
    sources = tmp_path / "sources.yaml"
    process = subprocess.Popen(
        [sys.executable, "-m", "nianjian", "demo-portal", "--port", "0", "--round", "2",
         "--slow-delay", "0.1", "--sources-out", str(sources), "--manifest-out", str(tmp_path / "m.json")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_ctrl_c_default)
    try:
        first = process.stdout.readline()
        assert first.startswith("示例门户（第 2 轮）运行于 http://127.0.0.1:")
        base = first.rsplit(" ", 1)[1].strip().rstrip("/")
        assert http(base + "/").status == 200
        assert parse_sources(yaml.safe_load(sources.read_text("utf-8")))[0].url.startswith(base)
        written = json.loads((tmp_path / "m.json").read_text("utf-8"))
        assert written["round"] == 2 and written["base_url"] == base
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)  # generous: a loaded CI machine, not a speed test
    assert process.returncode == 130


def test_demo_portal_command_refuses_bad_options_in_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for args, message in (
            (["--port", "70000"], "--port 70000 不是端口号（0–65535）"),
            (["--slow-delay", "600"], "--slow-delay 600 必须在 0 到 60 秒之间"),
            (["--port", str(port)], f"127.0.0.1 的端口 {port} 已被占用：请用 --port 换一个（0 = 任选空闲端口）"),
        ):
            done = subprocess.run([sys.executable, "-m", "nianjian", "demo-portal", *args],
                                  capture_output=True, text=True, timeout=60)
            assert done.returncode == 2
            assert done.stderr.strip().splitlines() == [f"nianjian demo-portal: 错误 error: {message}"]
