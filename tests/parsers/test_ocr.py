"""OCR (parsers/ocr.py): report pages screenshot by headless Chromium from a seed's hand-checked
cells, saved as an image-only PDF and as a PNG, read back cell by cell. Few and module-scoped:
each page costs seconds of OCR."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from parsers import parse


def _conftest():
    """This folder's helpers (tests are imported in importlib mode, not as a package)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("parser_tests_helpers", Path(__file__).parent / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HELPERS = _conftest()
expected_cells, load_expected, RENDERINGS = HELPERS.expected_cells, HELPERS.load_expected, HELPERS.RENDERINGS
screenshot = HELPERS.screenshot

pytest.importorskip("rapidocr_onnxruntime")
PIL = pytest.importorskip("PIL.Image")

UNRULED = "<style>body{font-family:'WenQuanYi Zen Hei';font-size:16px;width:1100px}td{padding:4px 10px}</style>"
RULED = ("<style>body{font-family:'WenQuanYi Zen Hei';font-size:16px;width:1100px}"
         "table{border-collapse:collapse}td{border:1px solid #000;padding:3px 6px}</style>")


NARROW = ("<style>body{font-family:'WenQuanYi Zen Hei';font-size:15px;width:1000px}"
          "table{border-collapse:collapse}td{border:1px solid #333;padding:2px 5px}</style>")


def seed_screenshot(style: str, seed: str = "000"):
    expected = load_expected(f"seed_{seed}.yaml")
    data, _ = RENDERINGS.render(expected["title"], expected["template"], expected_cells(expected), "prefixed_html")
    html = data.decode("utf-8").replace("<head>", "<head><meta charset='utf-8'>" + style)
    return expected, screenshot(html)


@pytest.fixture(scope="module")
def seed_page():
    return seed_screenshot(RULED)


def assert_no_wrong_cell(report, cells: dict, share: float) -> None:
    wrong = {k: (v, report.cells[k]) for k, v in cells.items() if k in report.cells and report.cells[k] != v}
    assert not wrong, f"wrong cells (expected, read): {wrong}"
    assert not set(report.cells) - set(cells)
    assert len(report.cells) >= share * len(cells), sorted(set(cells) - set(report.cells))


def test_an_image_only_pdf_reads_its_cells_and_never_a_wrong_one(seed_page):
    expected, image = seed_page
    out = io.BytesIO()
    image.save(out, "PDF", resolution=110)
    report = parse(out.getvalue(), filename="scan.pdf")
    cells = expected_cells(expected)
    assert_no_wrong_cell(report, cells, 0.97)
    assert (report.title, report.year, report.agency) == (expected["title"], expected["year"], expected["agency"])
    codes = {p.code for p in report.problems}
    assert "OCR_READ" in codes and "SCANNED_PDF" not in codes
    # what was left out is named, and makes the report partly read, never inconsistent
    if len(report.cells) < len(cells):
        assert "OCR_UNCERTAIN" in codes and report.readability == "partly_read"


def test_the_2019_editions_short_t2_rows_are_read_whole():
    """Seed 002 (2019 edition): five stacked t2 tables whose rows hold two or three values
    without a total, most of them lone zeros. A lone "0" was scored 0.89 by the engine (its
    mass split between "0", "o" and "O") and "11" 0.95 (a frame that may be blank or "1"
    alike), so such rows lost them; a neighbour table's line a few pixels off was read as a
    "1" before "6". Now every cell is read, none wrong."""
    expected, image = seed_screenshot(RULED, "002")
    out = io.BytesIO()
    image.save(out, "PNG")
    report = parse(out.getvalue(), filename="table.png")
    cells = expected_cells(expected)
    assert {k: report.cells.get(k) for k in cells if k.startswith("t2.")} == \
        {k: v for k, v in cells.items() if k.startswith("t2.")}
    assert_no_wrong_cell(report, cells, 1.0)


def test_a_number_is_scored_by_the_probability_of_the_number():
    """The recogniser's frames (here made up) for a lone 0 and for "11": the number's
    probability counts the look-alikes of 0, spaces around the number and the frames that may
    be blank or repeat a digit without changing it; a digit that may be another digit, or a
    minus sign that may be nothing, stays unsure."""
    import numpy as np

    from parsers.ocr import _digit_classes, _number_probability
    characters = ("blank", "0", "o", "O", "1", "7", "。", " ", "-")
    classes = _digit_classes(characters)
    assert classes["0"] == [1, 2, 3] and classes["1"] == [4] and classes["7"] == [5] and classes[" "] == [7]

    def frames(*rows):
        return np.array([[row.get(c, 0.0) for c in characters] for row in rows])
    zero = frames({"blank": 0.95, " ": 0.05}, {"0": 0.89, "o": 0.065, "O": 0.026, "。": 0.019}, {"blank": 1.0})
    assert _number_probability(zero, [classes["0"]], classes[" "]) == pytest.approx(0.981)
    eleven = frames({"1": 1.0}, {"blank": 1.0}, {"1": 0.91, "blank": 0.09}, {"1": 1.0})
    assert _number_probability(eleven, [classes["1"], classes["1"]], classes[" "]) == pytest.approx(1.0)
    seventeen = frames({"1": 1.0}, {"blank": 1.0}, {"7": 0.9, "1": 0.1})
    assert _number_probability(seventeen, [classes["1"], classes["7"]], classes[" "]) == pytest.approx(0.9)
    minus_seven = frames({"-": 0.95, "blank": 0.05}, {"7": 1.0})
    assert _number_probability(minus_seven, [classes["-"], classes["7"]], classes[" "]) == pytest.approx(0.95)


def test_stacked_tables_of_other_widths_keep_their_own_cells():
    """Seed 003 in a smaller print: the 第二十条 tables stacked edge to edge, each of its own
    width, so a column line of one is a few pixels off another's. The fee (110.139) once came
    out blank; ink in no cell is never a blank."""
    expected, image = seed_screenshot(NARROW, "003")
    out = io.BytesIO()
    image.save(out, "PNG")
    report = parse(out.getvalue(), filename="table.png")
    assert report.cells["t2.fees.amount"] == 110.139
    assert_no_wrong_cell(report, expected_cells(expected), 0.99)


def test_a_table_without_ruling_is_read_by_its_columns():
    """The same page printed without cell borders, as a PNG (a table pasted as a picture): the
    columns come from the header's column labels. The t3 row whose label wraps onto a second
    line (部分公开…, its numbers set between the two lines) is one row; the one-row t2 tables
    (行政许可, 行政事业性收费 under their headers) are tables, their lone "0" or "3" read
    though the detector found no box for it; every cell is read."""
    expected, image = seed_screenshot(UNRULED)
    out = io.BytesIO()
    image.save(out, "PNG")
    report = parse(out.getvalue(), filename="table.png")
    cells = expected_cells(expected)
    one_row = ("t2.licensing.decisions", "t2.fees.amount")
    assert {k: report.cells.get(k) for k in one_row} == {k: cells[k] for k in one_row}
    assert {k: v for k, v in report.cells.items() if k.startswith("t3.partial.")} == \
        {k: v for k, v in cells.items() if k.startswith("t3.partial.")}
    assert_no_wrong_cell(report, cells, 1.0)
    assert (report.title, report.year) == (expected["title"], expected["year"])


def test_columns_set_close_without_ruling_give_no_wrong_cell():
    """A made-up consistent 2019 report without ruling: its seven t3 columns stand so close that
    columns guessed from where numbers stand ran into each other ("3" and "1" of two columns
    read as "31", "02"), and a straight page was turned 1.4° (a row of figures taken for a
    slanted line), so 29 of 198 cells were read. The header's column labels place the columns
    and the page is squared by its rows of ink: all but the two "-3" (a minus sign that may be
    nothing) are read, none wrong."""
    cells = RENDERINGS.consistent_cells("2019", 5, 0.3)
    title = "青山县人民政府2020年政府信息公开工作年度报告"
    data, _ = RENDERINGS.render(title, "2019", cells, "prefixed_html")
    image = screenshot(data.decode("utf-8").replace("<head>", "<head><meta charset='utf-8'>" + UNRULED))
    out = io.BytesIO()
    image.save(out, "PNG")
    report = parse(out.getvalue(), filename="table.png")
    assert_no_wrong_cell(report, cells, 0.98)
    assert (report.title, report.year) == (title, 2020)


def stamped(image, centre: tuple[int, int], radius: int = 110):
    """The page with a red official seal pressed on it, half transparent: a ring, a star and
    the organ's name around the ring, as offices stamp their reports."""
    import math

    from PIL import Image, ImageDraw, ImageFont
    seal = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(seal)
    red = (215, 25, 30, 170)
    x, y = centre
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=red, width=7)
    star = [(x + (radius * (0.38 if k % 2 == 0 else 0.15)) * math.sin(math.pi * k / 5),
             y - (radius * (0.38 if k % 2 == 0 else 0.15)) * math.cos(math.pi * k / 5)) for k in range(10)]
    draw.polygon(star, fill=red)
    font = ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", radius // 4)
    name = "青山县人民政府办公室"
    for k, character in enumerate(name):
        angle = math.radians(-120 + 240 * k / (len(name) - 1))
        at = (x + 0.72 * radius * math.sin(angle), y - 0.72 * radius * math.cos(angle))
        draw.text(at, character, font=font, fill=red, anchor="mm")
    return Image.alpha_composite(image.convert("RGBA"), seal).convert("RGB")


def test_a_stamped_slightly_rotated_scan_reads_its_title_and_tables(seed_page):
    """The top of seed 000's page (title, t2 tables) stamped with a red seal over the title's
    end and the first table's numbers, turned 1.5° as a scan put in askew: the title and year
    are read, and every cell is the seed's or absent with OCR_UNCERTAIN, never wrong."""
    expected, image = seed_page
    top = image.crop((0, 0, image.width, 700))
    top = stamped(top, (560, 140), 130).rotate(1.5, PIL.BICUBIC, expand=True, fillcolor="white")
    out = io.BytesIO()
    top.save(out, "PNG")
    report = parse(out.getvalue(), filename="scan.png")
    assert (report.title, report.year) == (expected["title"], expected["year"])
    cells = expected_cells(expected)
    wrong = {k: (cells.get(k, "absent"), v) for k, v in report.cells.items() if cells.get(k, "absent") != v}
    assert not wrong
    t2 = [k for k in report.cells if k.startswith("t2.")]
    assert len(t2) >= 5, sorted(report.cells)     # of 10 (lone zeros blurred by the turn left out)
    t2_on_top = {k for k in cells if k.startswith("t2.") and not k.startswith(("t2.fees", "t2.procurement"))}
    if t2_on_top - set(report.cells):
        assert "OCR_UNCERTAIN" in {p.code for p in report.problems}


def test_without_the_engine_a_scan_is_unreadable_and_says_how_to_install(monkeypatch):
    from PIL import Image

    import parsers.ocr
    monkeypatch.setattr(parsers.ocr, "engine", lambda: None)     # as if the extra were not installed
    out = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(out, "PNG")
    report = parse(out.getvalue(), filename="t.png")
    assert report.status == "unreadable" and report.unreadable.code == "OCR_UNAVAILABLE"
    assert "nianjian[ocr]" in report.unreadable.detail


def test_a_damaged_picture_is_unreadable_and_says_so():
    report = parse(b"\x89PNG\r\n\x1a\n" + bytes(200), filename="scan.png")
    assert report.status == "unreadable" and report.unreadable.code == "UNREADABLE_FILE"
    assert "image could not be decoded" in report.unreadable.detail


def test_pictures_of_a_report_page_are_read_where_they_stand():
    """A report page with its headings as text and its t3 and t4 as pictures under 三 and 四:
    each picture's table stands in its section among the page's blocks, and its cells are
    the seed's."""
    import re

    from parsers import read
    from parsers.document import Paragraph
    from parsers.reader import read_document

    expected = load_expected("seed_000.yaml")
    cells = expected_cells(expected)
    data, _ = RENDERINGS.render(expected["title"], "2021", cells, "prefixed_html")
    page = data.decode("utf-8")
    *t2, t3, t4 = re.findall(r"<table>.*?</table>", page)
    pictures = []
    for table in (t3, t4):
        out = io.BytesIO()
        screenshot(f"<html><head><meta charset='utf-8'>{RULED}</head><body>{table}</body></html>").save(out, "PNG")
        pictures.append(out.getvalue())
    for table in t2:
        page = page.replace(table, "")
    page = page.replace(t3, '<p><img src="t3.png"><img src="icon.gif" width="16"></p>').replace(t4, '<img src="t4.png">')
    _, doc = read(page.encode("utf-8"), filename="t1.html", pictures=pictures)
    blocks = doc.blocks
    heading = {n: blocks.index(Paragraph(text)) for n, text in RENDERINGS.SECTIONS.items()}
    t3_at, t4_at = (blocks.index(t) for t in doc.tables)
    assert heading[3] < t3_at < heading[4] < t4_at < heading[5]
    report = read_document(doc)
    wanted = {k: v for k, v in cells.items() if k.startswith(("t3.", "t4."))}
    assert_no_wrong_cell(report, wanted, 0.97)
    assert 3 in report.sections and 4 in report.sections
