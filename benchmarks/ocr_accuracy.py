"""OCR accuracy: the five seeds and a made-up consistent 2019 report (hand-checked cells) drawn
by headless Chromium as tests/parsers/test_ocr.py draws them, read back as PNG; prints cells
read and cells wrong per style. Screenshots are kept in --cache so a re-run only re-reads.

Run: .venv/bin/python benchmarks/ocr_accuracy.py [--style ruled|unruled|narrow …] [--cache DIR]
"""
from __future__ import annotations

import argparse
import importlib.util
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parsers import parse  # noqa: E402


def _tests():
    spec = importlib.util.spec_from_file_location("ocr_tests", ROOT / "tests" / "parsers" / "test_ocr.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pages(tests, style: str):
    """(name, cells, title, PNG bytes maker) of every page measured in one style."""
    css = {"ruled": tests.RULED, "unruled": tests.UNRULED, "narrow": tests.NARROW}[style]
    for seed in ("000", "001", "002", "003", "004"):
        expected = tests.load_expected(f"seed_{seed}.yaml")
        yield f"seed_{seed}", tests.expected_cells(expected), lambda s=seed: tests.seed_screenshot(css, s)[1]
    cells = tests.RENDERINGS.consistent_cells("2019", 5, 0.3)

    def made_up():
        data, _ = tests.RENDERINGS.render("青山县人民政府2020年政府信息公开工作年度报告", "2019", cells, "prefixed_html")
        return tests.screenshot(data.decode("utf-8").replace("<head>", "<head><meta charset='utf-8'>" + css))
    yield "made_up_2019", cells, made_up


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--style", action="append", choices=["ruled", "unruled", "narrow"])
    parser.add_argument("--only", action="append", help="page names to measure (default all)")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/nianjian-ocr-accuracy"))
    args = parser.parse_args()
    tests = _tests()
    args.cache.mkdir(parents=True, exist_ok=True)
    for style in args.style or ["unruled"]:
        total = read = wrong = 0
        for name, cells, draw in pages(tests, style):
            if args.only and name not in args.only:
                continue
            png = args.cache / f"{style}_{name}.png"
            if not png.exists():
                out = io.BytesIO()
                draw().save(out, "PNG")
                png.write_bytes(out.getvalue())
            report = parse(png.read_bytes(), filename="table.png")
            bad = {k: (v, report.cells[k]) for k, v in cells.items() if k in report.cells and report.cells[k] != v}
            extra = sorted(set(report.cells) - set(cells))
            got = sum(1 for k in cells if k in report.cells)
            total, read, wrong = total + len(cells), read + got, wrong + len(bad) + len(extra)
            missing = sorted(set(cells) - set(report.cells))
            print(f"{style} {name}: {got}/{len(cells)} read, wrong {bad or 0}, extra {extra or 0}, "
                  f"title {report.title == tests.load_expected(name + '.yaml')['title'] if name.startswith('seed') else report.title}; "
                  f"missing {missing}", flush=True)
        print(f"{style}: {read} of {total} cells read ({read / total:.1%}), {wrong} wrong", flush=True)


if __name__ == "__main__":
    main()
