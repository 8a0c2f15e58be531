"""Reports published as pictures, end to end: `nianjian monitor --once` crawls a loopback portal
whose column lists a report as a scanned (image-only) PDF and a report page whose tables are
`<img>`; both are stored with the cells OCR read (hand-checked seed cells, none wrong) and checked
without an error from what OCR left out. The pages are drawn once for the module by headless
Chromium: each costs seconds of OCR."""
from __future__ import annotations

import importlib.util
import io
import json
from pathlib import Path

import pytest
import sqlite_utils

from nianjian.cli import main
from parsers import parse

pytest.importorskip("rapidocr_onnxruntime")
pytest.importorskip("PIL.Image")

SETTINGS = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_TIMEOUT": 20,
            "RETRY_TIMES": 0, "LOG_LEVEL": "INFO"}
RULED = ("<style>body{font-family:'WenQuanYi Zen Hei';font-size:16px;width:1100px}"
         "table{border-collapse:collapse}td{border:1px solid #000;padding:3px 6px}</style>")


def _parser_helpers():
    """tests/parsers/conftest.py: the seeds' hand-checked cells, their renderings, screenshots
    (tests are imported in importlib mode, not as a package)."""
    path = Path(__file__).resolve().parents[1] / "parsers" / "conftest.py"
    spec = importlib.util.spec_from_file_location("parser_tests_helpers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HELPERS = _parser_helpers()


def drawn(seed: str, kind: str) -> tuple[dict, bytes]:
    """A seed printed with ruled tables as Chromium draws it, saved as `kind` (PDF, PNG), with
    its hand-checked expectation."""
    expected = HELPERS.load_expected(f"seed_{seed}.yaml")
    data, _ = HELPERS.RENDERINGS.render(expected["title"], expected["template"],
                                        HELPERS.expected_cells(expected), "prefixed_html")
    image = HELPERS.screenshot(data.decode("utf-8").replace("<head>", "<head><meta charset='utf-8'>" + RULED))
    out = io.BytesIO()
    image.save(out, kind, resolution=110)
    return expected, out.getvalue()


@pytest.fixture(scope="module")
def scanned():
    """Seed 000 (涧西区人民政府 2021) as an image-only PDF."""
    return drawn("000", "PDF")


@pytest.fixture(scope="module")
def pictured():
    """Seed 003 (延津县人民政府办公室 2023) as a PNG: the report's tables pasted as a picture."""
    return drawn("003", "PNG")


def crawled(site, kit, tmp_path: Path, expected: dict, listed: tuple[str, str], now: str):
    """`nianjian monitor --once` over the portal listing one report (file name, date):
    the database, the stored report and its cells."""
    site.add("/nb/index.html", kit.list_page([(listed[0], expected["title"], listed[1])]))
    (tmp_path / "sources.yaml").write_text(
        f"sources:\n  - id: pictures\n    url: {site.url('/nb/index.html')}\n    cms: plain\n    agencies:\n"
        f"      - {{name: {expected['agency']}, level: government, first_year: 2021}}\n", "utf-8")
    settings = "".join(f"{name} = {json.dumps(value)}\n" for name, value in SETTINGS.items())
    path = tmp_path / "nianjian.toml"
    path.write_text('sources = "sources.yaml"\ndb = "nianjian.db"\n[crawl]\nenabled = true\n'
                    f"[crawl.settings]\n{settings}", "utf-8")
    assert main(["monitor", "--once", "--config", str(path), "--now", now]) == 0
    db = sqlite_utils.Database(tmp_path / "nianjian.db")
    [report] = db.query("SELECT * FROM reports WHERE agency = ?", [expected["agency"]])
    cells = {row["key"]: row["value"] for row in db.query(
        "SELECT key, value FROM cells WHERE version_id = ?", [report["current_version"]])}
    return db, report, cells


def assert_read_without_accusing(db, report: dict, cells: dict, expected: dict) -> None:
    """Every stored cell is the hand-checked value, nearly all are there, and whatever OCR left
    out is no error against the agency."""
    truth = HELPERS.expected_cells(expected)
    wrong = {key: (truth.get(key), value) for key, value in cells.items() if truth.get(key) != value}
    assert not wrong, f"wrong cells (expected, stored): {wrong}"
    assert len(cells) >= 0.9 * len(truth), sorted(set(truth) - set(cells))
    assert (report["year"], report["errors"]) == (expected["year"], 0)
    assert report["parse_status"] in ("ok", "problems", "partly_read")
    errors = list(db.query("SELECT rule FROM current_findings WHERE report_id = ? AND severity = 'error'",
                           [report["id"]]))
    assert errors == []


def test_a_scanned_pdf_report_is_stored_read_and_checked(serve, kit, tmp_path, scanned):
    expected, pdf = scanned
    site = serve(kit.Site("127.0.0.1"))
    site.add("/nb/scan.pdf", pdf, content_type="application/pdf")
    db, report, cells = crawled(site, kit, tmp_path, expected, ("scan.pdf", "2022-01-20"), "2022-06-01")
    assert report["url"] == site.url("/nb/scan.pdf")
    # a few cells checked by hand against the seed's text
    assert {key: cells.get(key) for key in ("t2.licensing.decisions", "t2.fees.amount", "t3.new.natural",
                                            "t3.closed_total.total", "t4.review.total")} == \
        {"t2.licensing.decisions": 14053, "t2.fees.amount": 638.8016, "t3.new.natural": 54,
         "t3.closed_total.total": 54, "t4.review.total": 16}
    assert_read_without_accusing(db, report, cells, expected)
    [fetch] = db.query("SELECT outcome, error FROM fetches WHERE url = ?", [site.url("/nb/scan.pdf")])
    assert fetch["outcome"] != "unreadable"


def test_a_report_page_whose_tables_are_pictures_is_read_with_them(serve, kit, tmp_path, pictured):
    expected, png = pictured
    site = serve(kit.Site("127.0.0.1"))
    page = kit.detail_page(expected["title"], "<p>现将本机关年度报告公布如下（见下图）。</p>"
                           '<p><img src="/nb/icon.png" width="16" height="16"><img src="/nb/report.png"></p>')
    site.add("/nb/t1.html", page)
    site.add("/nb/report.png", png, content_type="image/png")
    db, report, cells = crawled(site, kit, tmp_path, expected, ("t1.html", "2024-01-20"), "2024-06-01")
    assert report["url"] == site.url("/nb/t1.html")
    assert site.paths().count("/nb/report.png") == 1 and "/nb/icon.png" not in site.paths()
    assert {key: cells.get(key) for key in ("t2.fees.amount", "t4.review.total")} == \
        {"t2.fees.amount": 110.139, "t4.review.total": 0}
    assert_read_without_accusing(db, report, cells, expected)

    # Only the page is stored: read again without its pictures, it is unreadable, never missing tables.
    again = parse(page.encode("utf-8"), filename="t1.html")
    assert again.readability == "unreadable" and again.unreadable.code == "TABLE_IMAGES"
