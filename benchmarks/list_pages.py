"""How the crawler reads the red team of 年报 column list pages (tests/crawler/list_redteam.py):
per CMS family, the report links found right, missed and extra, their titles wrong, their dates
right / wrong / absent, and the column's list pages reached right, missed and extra (a page
the column does not have, or one asked for again).

Each column is walked as the spider walks it (`list_redteam.walk`: the family by `detect`,
entries of every page, further pages by `families.further_pages`, sub-columns), from a dict of
pages instead of the network. Links are counted per page: a report taken from a sidebar of
another page is extra there. Wrong links and wrong dates must stay 0 (they become false
verdicts); missed links become false 'missing'.

Run: PYTHONPATH=$PWD .venv/bin/python benchmarks/list_pages.py [-v]
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@lru_cache(maxsize=1)
def _redteam():
    spec = importlib.util.spec_from_file_location("list_redteam", ROOT / "tests" / "crawler" / "list_redteam.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module               # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def score(column, verbose: bool = False) -> Counter:
    counts = Counter()
    read, asked = _redteam().walk(column)
    for url, expected in column.reports.items():
        found = {entry.url: entry for entry in read.get(url, [])}
        for report in expected:
            entry = found.pop(report.url, None)
            if entry is None:
                counts["missed"] += 1
                _say(verbose, "missed", url, report)
                continue
            counts["right"] += 1
            if entry.title != report.title:
                counts["title wrong"] += 1
                _say(verbose, "title", url, report, entry.title)
            if entry.listed_date == report.date:
                counts["date right"] += 1
            elif entry.listed_date is None:
                counts["date absent"] += 1
                _say(verbose, "date absent", url, report)
            else:
                counts["date wrong"] += 1
                _say(verbose, "date wrong", url, report, entry.listed_date)
        for entry in found.values():
            counts["extra"] += 1
            _say(verbose, "extra", url, entry)
    for url in column.list_pages:
        counts["pages right" if url in asked else "pages missed"] += 1
        if url not in asked:
            _say(verbose, "page missed", column.first, url)
    for n, url in enumerate(asked):
        if url not in column.list_pages or url in asked[:n]:
            counts["pages extra"] += 1
            _say(verbose, "page extra", column.first, url)
    return counts


def _say(verbose: bool, what: str, where: str, item, got=None) -> None:
    if verbose:
        print(f"    {what:12} {where}\n                 {item}" + (f"\n                 got {got}" if got else ""))


COLUMNS = ["right", "missed", "extra", "title wrong", "date right", "date wrong", "date absent",
           "pages right", "pages missed", "pages extra"]


def _cell(text: str, width: int) -> str:
    """`text` padded to `width` columns on a terminal (a Chinese character takes two)."""
    wide = sum(unicodedata.east_asian_width(c) in "WF" for c in text)
    return text + " " * max(0, width - len(text) - wide)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="name every miss, extra and wrong date")
    args = parser.parse_args()
    header = _cell("family", 24) + "".join(f"{c:>13}" for c in COLUMNS)
    print(header)
    total = Counter()
    for column in _redteam().columns():
        if args.verbose:
            print(column.family)
        counts = score(column, args.verbose)
        total += counts
        print(_cell(column.family, 24) + "".join(f"{counts[c]:>13}" for c in COLUMNS))
    print(_cell("all", 24) + "".join(f"{total[c]:>13}" for c in COLUMNS))


if __name__ == "__main__":
    main()
