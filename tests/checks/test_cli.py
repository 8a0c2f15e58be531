"""`nianjian check FILE [--previous FILE] [--peer FILE] [--expected-year N] [--json] [--lang]`."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from nianjian.cli import main

VENV_NIANJIAN = Path(sys.executable).with_name("nianjian")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write_record(path: Path, report) -> Path:
    path.write_text(json.dumps(report.to_dict(full=True), ensure_ascii=False), "utf-8")
    return path


def test_json_output_of_a_seed(kit, capsys):
    code, out, _ = run(capsys, "check", str(kit.seed_path("000")), "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"record", "findings"}
    assert data["record"]["agency"] == "涧西区人民政府" and data["record"]["year"] == 2021
    assert data["record"]["cells"]["t3.new.natural"] == 54
    assert [(f["rule"], f["severity"], f["expected"], f["actual"]) for f in data["findings"]] == [
        ("TEXT_TABLE", "warning", 0, 16), ("TEXT_TABLE", "warning", 0, 17)]
    assert set(data["findings"][0]) == {"rule", "severity", "cells", "expected", "actual",
                                        "message_zh", "message_en"}


def test_table_output_in_both_languages(kit, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run(capsys, "check", str(kit.seed_path("002")))
    assert code == 0
    assert "SECTION_MISSING" in out and "缺少第四部分" in out
    assert "3 个错误，0 个警告，0 个提示，4 条规则无法评估" in out
    code, out, _ = run(capsys, "check", str(kit.seed_path("002")), "--lang", "en")
    assert "section 4" in out and "缺少第四部分" not in out


def test_a_clean_report_says_so(kit, capsys, tmp_path):
    record = write_record(tmp_path / "spread.json", kit.spread_report())
    code, out, _ = run(capsys, "check", str(record))
    assert code == 0 and "未发现问题" in out


def test_previous_peer_and_expected_year(kit, capsys, tmp_path):
    previous = write_record(tmp_path / "2021.json", kit.seed_000())
    current = kit.variant(kit.seed_000(), year=2022, title="涧西区人民政府2022年政府信息公开工作年度报告",
                          cells={"t3.carried_in.natural": 3, "t3.carried_in.total": 3,
                                 "t3.new.natural": 53, "t3.new.total": 53})
    current_path = write_record(tmp_path / "2022.json", current)
    peer = write_record(tmp_path / "peer.json", kit.variant(current, agency="老城区人民政府"))
    code, out, _ = run(capsys, "check", str(current_path), "--previous", str(previous),
                       "--peer", str(peer), "--expected-year", "2023", "--json")
    assert code == 0
    rules = [f["rule"] for f in json.loads(out)["findings"]]
    assert rules.count("CARRY_OVER") == 2
    assert rules.count("COPIED_TEXT") == 2          # the previous year's text and the peer's
    assert "YEAR_MISMATCH" in rules


def test_stdin(kit, capsys, monkeypatch):
    import io
    data = kit.seed_path("003").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    code, out, _ = run(capsys, "check", "-", "--json")
    assert code == 0 and json.loads(out)["record"]["agency"] == "延津县人民政府办公室"


def test_unreadable_inputs_exit_2_with_one_line(capsys, tmp_path):
    image = tmp_path / "report.doc"        # a format nianjian does not read (a PNG is read by OCR)
    image.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", "utf-8")
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    other = tmp_path / "list.json"
    other.write_text("[1, 2]", "utf-8")
    for argv, words in ((["check", str(tmp_path / "missing.html")], "missing.html：没有这个文件 no such file"),
                        (["check", str(tmp_path)], f"{tmp_path}：是文件夹，不是报告文件"),
                        (["check", str(empty)], "empty.html：文件是空的"),
                        (["check", str(image)], "不能当作年报读取"),
                        (["check", str(broken)], "不是有效的 JSON"),
                        (["check", str(other)], "不是解析记录"),
                        (["check", str(broken.with_name("x.txt")), "--previous", str(broken)],
                         "x.txt：没有这个文件 no such file")):
        code, out, err = run(capsys, *argv)
        assert code == 2, argv
        assert out == "" and len(err.strip().splitlines()) == 1 and words in err


def test_the_installed_command_end_to_end(kit):
    ok = subprocess.run([str(VENV_NIANJIAN), "check", str(kit.seed_path("000"))],
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and "TEXT_TABLE" in ok.stdout
    bad = subprocess.run([str(VENV_NIANJIAN), "check", "/nonexistent/report.pdf"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.strip() == "nianjian check: 错误 error: /nonexistent/report.pdf：没有这个文件 no such file"


def test_many_peers_are_parsed_with_progress_and_compared(kit, capsys):
    peers = [a for n in ("001", "002", "003", "004") for a in ("--peer", str(kit.seed_path(n)))]
    code, out, _ = run(capsys, "check", str(kit.seed_path("000")), *peers, "--json")
    assert code == 0
    assert "COPIED_TEXT" not in [f["rule"] for f in json.loads(out)["findings"]]
