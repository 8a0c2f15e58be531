"""How nianjian tells one report from another by its address: the red team's portal
(tests/crawler/url_redteam.py: one report linked six ways, a PDF from two lists, two redirects,
and the traps `info.jsp?id=123/124`, `ndbg.html` in two years' directories, Hanweb's
`?uid=…&pageNum=N` pages) crawled on two nights. Prints the reports stored and missing (merged
away), the versions beyond the first (each a false 'changed after publication'), the report
downloads beyond one per night, the fetch-record rows beyond one per document, and the reports
stored under an address that redirects. After the first night the lists link in the other
order, so another spelling of a page comes first.

Run: PYTHONPATH=$PWD .venv/bin/python benchmarks/url_identity.py [--code DIR]
(--code: another checkout of nianjian to crawl with, e.g. `git archive 785daae | tar -x -C DIR`
for the figures before a change; the red team is always this one's)
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "crawler"))

import url_redteam  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=ROOT, help="the nianjian checkout that crawls")
    parser.add_argument("--nights", type=int, default=2)
    args = parser.parse_args()
    code = args.code.resolve()
    env = {**os.environ, "PYTHONPATH": str(code)}
    portal = url_redteam.Portal().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            sources, db = Path(tmp) / "sources.yaml", Path(tmp) / "nianjian.db"
            sources.write_text(url_redteam.sources_yaml(portal), "utf-8")
            try:
                nights = url_redteam.nights(portal, sources, db, args.nights, root=code, env=env)
            except RuntimeError as error:
                sys.exit(str(error))
            figures = url_redteam.figures(portal, db, nights)
    finally:
        portal.stop()
    print(f"url identity, {args.nights} nights, code {code}")
    for name, value in figures.items():
        print(f"  {name:<48} {value}")


if __name__ == "__main__":
    main()
