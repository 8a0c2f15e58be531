"""HTML tables read as a browser shows them: per quirk family of tests/parsers/visibility.py
(hidden by the page's style rules, the hidden attribute, unshown elements, footnote marks,
struck figures, format characters, markup that only looks hidden), reports of both editions
rendered with the family's quirks and parsed; prints the cells right, wrong and absent (of the
absent, how many the family must leave out: a struck figure's cell is right only absent).

Run: PYTHONPATH=$PWD .venv/bin/python benchmarks/html_visibility.py [--reports N]
(to compare with an older parser, put its checkout first on PYTHONPATH).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "parsers"))

import renderings  # noqa: E402
import visibility  # noqa: E402

from parsers import parse  # noqa: E402


def tally(family: str, reports: int) -> tuple[int, int, int, int]:
    """(right, wrong, absent, absent as the family requires) over `reports` reports of each edition."""
    right = wrong = absent = required = 0
    for edition in ("2019", "2021"):
        title = f"青山县人民政府{2020 if edition == '2019' else 2022}年政府信息公开工作年度报告"
        for number in range(reports):
            cells = renderings.consistent_cells(edition, number, 0.15)
            data, expected = visibility.render(title, edition, cells, family)
            read = parse(data, filename="r.html").cells
            for key, value in cells.items():
                if key not in read:
                    absent += 1
                    required += key not in expected
                elif key in expected and read[key] == value:
                    right += 1
                else:
                    wrong += 1      # read differently, or read where no figure can be told
    return right, wrong, absent, required


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=5, help="reports per edition and family (default 5)")
    args = parser.parse_args(argv)
    print(f"{'family':20} {'right':>7} {'wrong':>7} {'absent':>7} {'(required)':>11}")
    totals = [0, 0, 0, 0]
    for family in visibility.FAMILIES:
        counts = tally(family, args.reports)
        totals = [t + c for t, c in zip(totals, counts)]
        print(f"{family:20} {counts[0]:7} {counts[1]:7} {counts[2]:7} {counts[3]:11}")
    print(f"{'all':20} {totals[0]:7} {totals[1]:7} {totals[2]:7} {totals[3]:11}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
