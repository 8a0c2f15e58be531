"""Unreadable is not inconsistent: a scan, a truncated and an encrypted PDF get one UNREADABLE
warning from `nianjian check` and no error; a readable report that leaves its tables out still
gets SECTION_MISSING and TABLE_INCOMPLETE."""
from __future__ import annotations

import json

import pytest

from nianjian.checks import check
from nianjian.checks.catalogue import CATALOGUE
from nianjian.cli import main
from parsers import parse
from parsers.record import UNREADABLE_CODES

REASONS = {"scan.pdf": ("SCANNED_PDF", "扫描件，没有文字层，需要OCR"),
           "truncated.pdf": ("UNREADABLE_FILE", "文件损坏、被截断、加密或被拒绝读取"),
           "encrypted.pdf": ("UNREADABLE_FILE", "文件损坏、被截断、加密或被拒绝读取")}


@pytest.mark.parametrize("name", sorted(REASONS))
def test_check_gives_one_unreadable_warning_and_no_error(name, unreadable_pdfs, tmp_path, capsys):
    path = tmp_path / name
    path.write_bytes(unreadable_pdfs[name])
    assert main(["check", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    code, reason = REASONS[name]
    [finding] = data["findings"]
    assert (finding["rule"], finding["severity"], finding["actual"]) == ("UNREADABLE", "warning", code)
    assert finding["message_zh"].startswith(f"无法读取该文件（{reason}），未作核对: {code} ")
    assert data["record"]["cells"] == {} and data["record"]["problems"][0]["code"] == code

    assert main(["check", str(path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "UNREADABLE" in out and "0 个错误，1 个警告" in out


def test_the_record_says_unreadable_and_why(unreadable_pdfs):
    for name, (code, _) in REASONS.items():
        report = parse(unreadable_pdfs[name], filename=name)
        assert (report.status, report.unreadable.code, report.holds_report) == ("unreadable", code, False)
    assert "password-protected" in parse(unreadable_pdfs["encrypted.pdf"], filename="e.pdf").unreadable.detail


def test_every_unreadable_code_has_a_reason_in_both_languages():
    assert set(CATALOGUE.rules_data["unreadable_reasons"]) == set(UNREADABLE_CODES)
    assert all(len(pair) == 2 for pair in CATALOGUE.rules_data["unreadable_reasons"].values())


def test_a_readable_report_without_its_tables_is_still_incomplete(kit):
    """What a readable page leaves out is the agency's omission: the errors stay."""
    headings = ("二、", "三、", "四、")
    kept = [line for line in kit.seed_path("000").read_text("utf-8").splitlines()
            if "\t" not in line and not line.strip().startswith(headings)]
    report = parse("\n".join(kept).encode("utf-8"), filename="r.txt")
    assert (report.status, report.unreadable, report.cells) == ("read", None, {})
    errors = [(f.rule, f.expected) for f in check(report) if f.severity == "error"]
    assert errors == [("SECTION_MISSING", 2), ("SECTION_MISSING", 3), ("SECTION_MISSING", 4),
                      ("TABLE_INCOMPLETE", 10), ("TABLE_INCOMPLETE", 175), ("TABLE_INCOMPLETE", 15)]
    assert "UNREADABLE" not in {f.rule for f in check(report)}


def test_cells_read_outweigh_an_unreadable_problem(kit):
    """A page read with replacement characters (DECODE_ERROR) whose tables came out is read."""
    report = parse(kit.seed_path("000").read_bytes(), filename="r.txt")
    report.problem("DECODE_ERROR", "some bytes were replaced")
    assert report.status == "read" and report.unreadable is None
    assert "UNREADABLE" not in {f.rule for f in check(report)}


def test_what_a_partly_read_pdf_lacks_is_not_an_error(monkeypatch):
    """A page of this real report is a scan and, without OCR, is not read: the sections and tables
    on it are not assessable, not the agency's error."""
    from pathlib import Path

    import parsers.ocr
    monkeypatch.setattr(parsers.ocr, "engine", lambda: None)     # as if the extra were not installed
    path = Path(__file__).resolve().parents[1] / "fixtures" / "pdf" / "partly_scanned_hongze.pdf"
    report = parse(path.read_bytes(), filename=path.name)
    assert (report.status, report.partly_read.code, report.sections) == ("read", "SCANNED_PAGES", [1, 2])
    findings = check(report)
    assert [f for f in findings if f.severity == "error"] == []
    missing = [f for f in findings if f.rule in ("SECTION_MISSING", "TABLE_INCOMPLETE")]
    assert [(f.rule, f.severity, f.assessable) for f in missing] == \
        [("SECTION_MISSING", "info", False)] * 4 + [("TABLE_INCOMPLETE", "info", False)] * 3
    assert all("SCANNED_PAGES" in f.message_en and "未能读取" in f.message_zh for f in missing)


def test_every_problem_that_leaves_nothing_makes_the_document_unreadable():
    """A new refusal documented in parsers/PROBLEMS.md (say, for a decompression bomb) with
    nothing kept must join UNREADABLE_CODES, or such a document would be checked as if the agency
    had left everything out."""
    import re
    from pathlib import Path
    text = (Path(__file__).resolve().parents[2] / "parsers" / "PROBLEMS.md").read_text("utf-8")
    whole = text.split("## The document as a whole", 1)[1].split("\n## ", 1)[0]
    kept_nothing = set(re.findall(r"^\| `([A-Z_]+)` \|.*\| nothing \|$", whole, re.M))
    assert {"UNREADABLE_FILE", "SCANNED_PDF", "EMPTY_DOCUMENT"} <= kept_nothing
    assert kept_nothing - {"UNSUPPORTED_FORMAT"} <= set(UNREADABLE_CODES)


def test_a_scanned_page_read_by_ocr_gives_no_error_for_what_ocr_missed():
    """With OCR the scanned page is read in place; cells OCR was unsure of are absent, and their
    absence is still no error of the agency's."""
    from pathlib import Path
    path = Path(__file__).resolve().parents[1] / "fixtures" / "pdf" / "partly_scanned_hongze.pdf"
    report = parse(path.read_bytes(), filename=path.name)
    assert (report.status, report.partly_read.code, report.sections) == ("read", "OCR_READ", [1, 2, 3])
    assert [f.rule for f in check(report) if f.severity == "error"] == []
