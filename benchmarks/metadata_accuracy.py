"""How surely the parser reads the report year and the issuing organ: the red team of
tests/parsers/metadata_cases.py (pages worded the ways real offices word them, each year and
agency checked by hand), per family, the number read right, wrong and absent.

Wrong must stay 0: a wrong year or organ becomes a false 'missing' or 'late' verdict against a
real agency. Absent where the case expects a value is lost recall; a value where the case
expects none (the page does not say surely) counts as wrong.

Run: PYTHONPATH=$PWD .venv/bin/python benchmarks/metadata_accuracy.py [--show]
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "parsers"))

from metadata_cases import CASES, page  # noqa: E402

from parsers import parse  # noqa: E402

FIELDS = ("year", "agency")


def verdict(expected, found) -> str:
    if found == expected:
        return "right"
    return "absent" if found is None else "wrong"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every case not read right")
    args = parser.parse_args(argv)
    tally = defaultdict(lambda: {f: defaultdict(int) for f in FIELDS})
    for case in CASES:
        data, filename = page(case)
        report = parse(data, filename=filename)
        for field in FIELDS:
            expected, found = getattr(case, field), getattr(report, field)
            said = verdict(expected, found)
            for family in (case.family, "all"):
                tally[family][field][said] += 1
            if args.show and said != "right":
                print(f"  {case.name}: {field} {found!r}, expected {expected!r}")
    print(f"{'family':<14}{'cases':>6}   {'year right/wrong/absent':>24}   {'agency right/wrong/absent':>26}")
    for family, fields in sorted(tally.items(), key=lambda item: item[0] == "all"):
        cases = sum(fields["year"].values())
        cols = ["/".join(str(fields[f][k]) for k in ("right", "wrong", "absent")) for f in FIELDS]
        print(f"{family:<14}{cases:>6}   {cols[0]:>24}   {cols[1]:>26}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
