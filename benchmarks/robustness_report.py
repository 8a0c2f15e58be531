"""How the parser reads reports printed in every rendering style the tests generate
(tests/parsers/renderings.py: text tables and the official grid as CMSs, Word, WPS and Excel
save it): per style, the cells read right, wrong (a different value), absent, and extra
(a cell that was not printed), and whether the agency and the year came out right.

Cases per style: the five seeds' hand-checked cells, and consistent reports of our own
(both editions, some cells blank). Wrong cells must stay 0; absent cells are lost recall.
`--pdf` also prints the HTML styles to PDF with headless Chromium (as a browser's "print to
PDF" or a portal's converter does: tables broken across pages, borders redrawn), and again
with the tables on landscape pages shown turned (text running sideways), and reads those:
slow, a few seconds a report.

Run: PYTHONPATH=$PWD .venv/bin/python benchmarks/robustness_report.py [--own N] [--style NAME] [--pdf]
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests" / "parsers"
sys.path.insert(0, str(ROOT))

from cell_tally import Tally  # noqa: E402


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, TESTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cases(renderings, own: int) -> list[tuple[str, str, dict, str, int]]:
    """(title, edition, cells, agency, year) of every report rendered."""
    conftest = _module("conftest")
    out = []
    for name in conftest.SEEDS:
        expected = yaml.safe_load((conftest.EXPECTED / name).read_text("utf-8"))
        out.append((expected["title"], expected["template"], conftest.expected_cells(expected),
                    expected["agency"], expected["year"]))
    for edition, year in (("2019", 2020), ("2021", 2022)):
        for number in range(own):
            cells = renderings.consistent_cells(edition, number, (0.15, 0.7, 0.0)[number % 3])
            out.append((f"青山县人民政府{year}年政府信息公开工作年度报告", edition, cells, "青山县人民政府", year))
    return out


def measure(renderings, style: str, reports, pdf: str | None = None) -> dict:
    """The tally of one style (`pdf`: "pdf" printed by Chromium, "turned" with its tables on
    landscape pages shown turned)."""
    from parsers import parse
    tally, agency_right, year_right, printed = Tally(), 0, 0, 0
    for title, edition, cells, agency, year in reports:
        data, filename = renderings.render(title, edition, cells, style)
        if pdf:
            data, filename = renderings.printed_pdf(data, turned=pdf == "turned"), "r.pdf"
        report = parse(data, filename=filename)
        tally.count(cells, report.cells)
        printed += len(cells)
        agency_right += report.agency == agency
        year_right += report.year == year
    return dict(cells=printed, right=tally.right, wrong=tally.wrong, absent=tally.absent, extra=tally.extra,
                agency=agency_right, year=year_right, reports=len(reports), examples=tally.wrongs[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--own", type=int, default=3, help="consistent reports of our own per edition")
    parser.add_argument("--style", action="append", help="only these styles")
    parser.add_argument("--pdf", action="store_true", help="also the HTML styles printed to PDF by Chromium")
    args = parser.parse_args()
    renderings = _module("renderings")
    reports = cases(renderings, args.own)
    styles = args.style or list(dict.fromkeys([*renderings.STYLES, *renderings.GRID_STYLES]))
    print(f"{len(reports)} reports per style")
    print(f"{'style':28} {'cells':>6} {'right':>6} {'wrong':>6} {'absent':>6} {'extra':>6} {'recall':>7}  agency  year")
    totals = dict(cells=0, right=0, wrong=0, absent=0, extra=0)
    runs = [(style, None) for style in styles]
    if args.pdf:
        runs += [(style, pdf) for pdf in ("pdf", "turned") for style in styles if style.endswith("html")]
    for style, pdf in runs:
        t = measure(renderings, style, reports, pdf)
        style += f" → {pdf}" if pdf else ""
        for key in totals:
            totals[key] += t[key]
        print(f"{style:28} {t['cells']:6} {t['right']:6} {t['wrong']:6} {t['absent']:6} {t['extra']:6} "
              f"{t['right'] / t['cells']:7.1%}  {t['agency']:>3}/{t['reports']:<3} {t['year']:>2}/{t['reports']}"
              + (f"   e.g. {'; '.join(t['examples'])}" if t["examples"] else ""))
    print(f"{'all':28} {totals['cells']:6} {totals['right']:6} {totals['wrong']:6} {totals['absent']:6} "
          f"{totals['extra']:6} {totals['right'] / totals['cells']:7.1%}")


if __name__ == "__main__":
    main()
