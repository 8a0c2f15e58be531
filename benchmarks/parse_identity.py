"""Does a parser change leave every output as it was? Record, change the code, compare.

Parses a wide set of inputs and writes everything `parse` returns (cells, the text of each
cell as printed, problems with their details, narrative, sections, metadata) to a JSON file;
`compare` parses them again and prints each input whose output differs. For work on the
parsers' speed, where the output must stay identical: record on the commit before, compare
after. No snapshot is kept in the repository (it would break on every intended change).

Inputs: every file under tests/fixtures; parse_bench's pages (portal chrome, prose and figures
rewritten, UTF-8 and GBK); the reader tests' renderings (tests/parsers/renderings.py) of made-up
reports in every style and edition, with and without stray cells.

Run: .venv/bin/python benchmarks/parse_identity.py record /tmp/before.json
     .venv/bin/python benchmarks/parse_identity.py compare /tmp/before.json
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from parsers import parse  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
SEEDS_PER_STYLE = 4


def _renderings():
    path = ROOT / "tests" / "parsers" / "renderings.py"
    spec = importlib.util.spec_from_file_location("renderings", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def inputs():
    """(name, bytes, file name) of every input, in a fixed order."""
    for path in sorted(p for p in FIXTURES.rglob("*") if p.is_file()):
        yield str(path.relative_to(ROOT)), path.read_bytes(), path.name
    from parse_bench import pages
    for n, body in enumerate(pages(3)):
        yield f"parse_bench/{n}", body, "r.html"
    renderings = _renderings()
    for style in renderings.STYLES:
        for edition in ("2019", "2021"):
            for seed in range(SEEDS_PER_STYLE):
                cells = renderings.consistent_cells(edition, seed)
                data, name = renderings.render(f"某县{edition}年政府信息公开工作年度报告", edition, cells, style,
                                               stray=seed % 2)
                yield f"renderings/{style}/{edition}/{seed}", data, name


def output(data: bytes, filename: str) -> dict:
    report = parse(data, filename=filename)
    out = report.to_dict(full=True)
    out["cell_order"] = list(report.cells)
    return json.loads(json.dumps(out, ensure_ascii=False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("record", "compare"))
    parser.add_argument("snapshot", type=Path)
    args = parser.parse_args(argv)
    outputs = {name: output(data, filename) for name, data, filename in inputs()}
    if args.action == "record":
        args.snapshot.write_text(json.dumps(outputs, ensure_ascii=False, indent=1), "utf-8")
        print(f"{len(outputs)} outputs recorded in {args.snapshot}")
        return 0
    before = json.loads(args.snapshot.read_text("utf-8"))
    changed = sorted(name for name in before.keys() | outputs.keys() if before.get(name) != outputs.get(name))
    for name in changed:
        was, now = before.get(name) or {}, outputs.get(name) or {}
        fields = sorted(k for k in was.keys() | now.keys() if was.get(k) != now.get(k))
        print(f"CHANGED {name}: {', '.join(fields)}")
    print(f"{len(outputs)} outputs, {len(changed)} changed")
    return 1 if changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
