"""Columns the template does not have: cells right / wrong / absent per family, and the error
findings the checks raised (each one an accusation of something nianjian misread, since every
report here adds up).

Families (tests/parsers/columns.py): a 备注 column of text or figures, last year's totals, a
法人小计 column among the t3 columns, an empty column, 总计 printed first; the same where no
row can be checked (自然人 blank in every row: nothing shows where the header stands); and the
official grid styles with a 备注 column beside t3 and t4. Both editions, seeds 1..N.

Run: .venv/bin/python benchmarks/extra_columns.py [--seeds N]
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "parsers")]

import renderings  # noqa: E402
from cell_tally import Tally  # noqa: E402
from columns import NOTES, TITLE, insert_column, page, with_column, with_notes_column  # noqa: E402
from nianjian.checks import check  # noqa: E402
from parsers import parse  # noqa: E402


def _total_first(tables: dict, rng) -> None:
    for row in tables[3][0]:
        row[1:8] = [row[7]] + row[1:7]


def _subtotal(tables: dict, rng) -> None:
    insert_column(tables[3][0], 2, "法人或其他组织小计", lambda row: str(sum(int(t) for t in row[2:7] if t.isdigit())))


def _notes(section: int, kind: str):
    def apply(tables: dict, rng) -> None:
        for table in tables.get(section, []):
            with_column(table, *NOTES[kind], header_rows=2 if section == 2 else 1)
    return apply


# name → how the tables are changed (tables by section, rng)
GRID_FAMILIES = {
    "t3 notes as text": _notes(3, "notes as text"),
    "t3 notes as figures": _notes(3, "notes as figures"),
    "t3 last year's totals": _notes(3, "last year's totals"),
    "t3 subtotal column": _subtotal,
    "t3 empty column": lambda tables, rng: insert_column(tables[3][0], 3, "", lambda row: ""),
    "t3 总计 first": _total_first,
    "t4 notes as figures": _notes(4, "notes as figures"),
    "t2 notes as figures": _notes(2, "notes as figures"),
}
OFFICIAL = ("official_html", "word_html", "wps_html", "excel_html", "nested_html")


def run(seeds: int) -> None:
    print(f"{'family':42s} {'right':>6s} {'wrong':>6s} {'absent':>6s} {'errors':>6s}")
    total = Tally()
    for unsure in (False, True):
        for name, change in GRID_FAMILIES.items():
            tally, errors = Tally(), 0
            for edition in ("2019", "2021"):
                for seed in range(1, seeds + 1):
                    cells = renderings.consistent_cells(edition, seed)
                    if unsure:
                        cells.update({k: None for k in cells if k.startswith("t3.") and k.endswith(".natural")})
                    tables = renderings.tables(edition, cells)
                    change(tables, random.Random(seed))
                    report = parse(page(renderings, tables), filename="r.html")
                    tally.count(cells, report.cells)
                    errors += sum(f.severity == "error" for f in check(report))
            _line(("no row checkable: " if unsure else "") + name, tally, errors, total)
    for style in OFFICIAL:
        for holds, section in (("自然人", "t3"), ("结果维持", "t4")):
            tally, errors = Tally(), 0
            for edition in ("2019", "2021"):
                for seed in range(1, seeds + 1):
                    cells = renderings.consistent_cells(edition, seed)
                    data, filename = renderings.render(TITLE, edition, cells, style)
                    rng = random.Random(seed)
                    report = parse(with_notes_column(data, holds, [str(rng.randint(0, 9)) for _ in range(40)]),
                                   filename=filename)
                    tally.count(cells, report.cells)
                    errors += sum(f.severity == "error" for f in check(report))
            _line(f"{style} + {section} 备注", tally, errors, total)
    print(f"{'all':42s} {total.right:6d} {total.wrong:6d} {total.absent:6d}")


def _line(name: str, tally: Tally, errors: int, total: Tally) -> None:
    print(f"{name:42s} {tally.right:6d} {tally.wrong:6d} {tally.absent:6d} {errors:6d}")
    total.right, total.wrong, total.absent = total.right + tally.right, total.wrong + tally.wrong, total.absent + tally.absent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4, help="reports per edition and family")
    run(parser.parse_args(argv).seeds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
