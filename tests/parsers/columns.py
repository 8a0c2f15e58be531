"""Report tables with columns the template does not have (备注, 上年数, 法人小计, an empty column,
the columns in another order), for tests/parsers/test_extra_columns.py and
benchmarks/extra_columns.py: reports of `renderings.consistent_cells` printed as simple HTML
grids (`page`), or the official grid styles with a 备注 column added (`with_notes_column`)."""
from __future__ import annotations

import random

from lxml import etree, html

TITLE = "青山县人民政府2022年政府信息公开工作年度报告"


def page(renderings, by_section: dict) -> bytes:
    body = [f"<h1>{TITLE}</h1>"]
    for number, heading in renderings.SECTIONS.items():
        body.append(f"<p>{heading}</p>")
        body += [renderings._html_table(table) for table in by_section.get(number, [])]
    return ("<html><body>" + "".join(body) + "</body></html>").encode("utf-8")


def with_column(table: list[list[str]], header: str, fill, header_rows: int = 1) -> None:
    """`table` with one more column at its right: `header` over it, `fill(rng)` in each row."""
    rng = random.Random(len(table))
    for at, row in enumerate(table):
        row.append(header if at < header_rows else fill(rng))


NOTES = {"notes as text": ("备注", lambda rng: rng.choice(["", "无", "含网上申请", "/"])),
         "notes as figures": ("备注", lambda rng: str(rng.randint(0, 9))),
         "last year's totals": ("上年总计", lambda rng: str(rng.randint(0, 99)))}


def insert_column(table: list[list[str]], at: int, header: str, fill) -> None:
    """`table` with one more column at `at`: `header` over it, `fill(row)` in each row."""
    for number, row in enumerate(table):
        row.insert(at, header if number == 0 else fill(row))


def with_notes_column(page_bytes: bytes, holds: str, notes: list[str]) -> bytes:
    """The page with a 备注 column at the right of its innermost table holding `holds`: the
    label spanning the header rows, `notes` in the rows below."""
    root = html.document_fromstring(page_bytes)
    table = next(t for t in root.iter("table") if holds in t.text_content() and t.find(".//table") is None)
    rows = list(table.iter("tr"))
    first = next(i for i, tr in enumerate(rows) if any(td.text_content().strip()[:1].isdigit() for td in tr))
    if first:
        head = etree.SubElement(rows[0], "td", rowspan=str(first))
        head.text = "备注"
    for tr, note in zip(rows[first:], notes):
        etree.SubElement(tr, "td").text = note
    return html.tostring(root, encoding="utf-8")
