"""`nianjian parse` as a user runs it: a real subprocess, real files."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import hostile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def nianjian(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nianjian", *args], input=stdin,
                          capture_output=True, timeout=120)


def test_json_is_the_spec_object():
    result = nianjian("parse", str(FIXTURES / "seeds" / "000_c31dcc775cd75b8e.txt"), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["agency", "year", "title", "template", "published", "sections", "cells", "problems"]
    assert data["agency"] == "涧西区人民政府"
    assert data["cells"]["t2.fees.amount"] == 638.8016
    assert data["cells"]["t4.review.total"] == 16
    assert len(data["cells"]) == 200


def test_full_json_from_stdin_adds_raw_cells_and_narrative():
    body = (FIXTURES / "html" / "split_tables_gbk.html").read_bytes()
    result = nianjian("parse", "-", "--json", "--full", "--content-type", "text/html", stdin=body)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["raw_cells"]["t2.licensing.decisions"] == "无"
    assert data["cells"]["t2.licensing.decisions"] is None
    assert "王堃" in data["narrative"]


def test_summary_shows_the_tables():
    result = nianjian("parse", str(FIXTURES / "html" / "word_export_2019.html"))
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "宜阳县教育局" in out and "模板 2019" in out
    assert "第二十条第（九）项" in out and "政府集中采购" in out      # the 2019 edition's own t2 block
    assert "UNIT_CONVERTED" in out


def test_missing_file_is_one_line_exit_2():
    result = nianjian("parse", "/nonexistent/report.html")
    assert result.returncode == 2
    assert result.stderr.decode().strip().count("\n") == 0
    assert "no such file" in result.stderr.decode()
    assert b"Traceback" not in result.stderr


def test_not_a_report_is_exit_2():
    result = nianjian("parse", str(FIXTURES / "portals" / "06_wanzai_county_detail_pubdate_meta_mismatch.html"))
    assert result.returncode == 2
    assert "NOT_A_REPORT" in result.stderr.decode()
    assert result.stderr.decode().strip().count("\n") == 0


def test_unsupported_file_is_exit_2(tmp_path):
    path = tmp_path / "report.wps"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000)
    result = nianjian("parse", str(path), "--json")
    assert result.returncode == 2
    assert json.loads(result.stdout)["problems"][0]["code"] in ("UNSUPPORTED_FORMAT", "UNREADABLE_FILE")


def test_directory_and_empty_file_are_user_errors(tmp_path):
    assert nianjian("parse", str(tmp_path)).returncode == 2
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    result = nianjian("parse", str(empty))
    assert result.returncode == 2 and "empty" in result.stderr.decode()


def test_decompression_bomb_is_one_line_exit_2(tmp_path):
    """A 1 MB DOCX whose body inflates to 1 GiB: refused in one line, not read, no traceback."""
    bomb = tmp_path / "年报.docx"
    bomb.write_bytes(hostile.docx_lying_part())
    result = nianjian("parse", str(bomb))
    assert result.returncode == 2
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "TOO_LARGE" in lines[0] and "word/document.xml" in lines[0]
