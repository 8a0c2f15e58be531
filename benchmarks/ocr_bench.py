"""OCR speed and memory: seconds per page and peak memory (RSS) of reading scanned pages.

Pages: the real scanned page in tests/fixtures/pdf/scanned_hongze.pdf (150 dpi, one page of
t2 and t3), the same page inside partly_scanned_hongze.pdf (two text pages before it), and any
PDF or image files given on the command line. Each is parsed as the
crawler would (`parsers.parse`), after one warm-up that loads the models.

Run: .venv/bin/python benchmarks/ocr_bench.py [FILE …] [--rounds N]
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parsers import parse  # noqa: E402
from parsers.ocr import engine  # noqa: E402


def pages_of(data: bytes) -> int:
    """The pages OCR reads: a PDF's pages without a text layer (all of a scan, some of a PDF
    with scanned pages), or the one picture."""
    if data.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        import pypdfium2
        pdf = pypdfium2.PdfDocument(data)
        try:
            return sum(1 for page in pdf if page.get_textpage().count_chars() == 0)
        finally:
            pdf.close()
    return 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    files = args.files or [ROOT / "tests" / "fixtures" / "pdf" / name
                           for name in ("scanned_hongze.pdf", "partly_scanned_hongze.pdf")]
    started = time.perf_counter()
    if engine() is None:
        sys.exit("OCR is not installed: pip install 'nianjian[ocr]'")
    print(f"models loaded in {time.perf_counter() - started:.2f} s")
    for path in files:
        data = path.read_bytes()
        pages = pages_of(data)
        times = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            report = parse(data, filename=path.name)
            times.append(time.perf_counter() - started)
        best = min(times)
        print(f"{path.name}: {pages} page(s) read by OCR, {len(report.cells)} cells, "
              f"{best / pages:.2f} s/page (best of {args.rounds}), problems: "
              f"{sorted({p.code for p in report.problems})}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS, models included): {peak:.0f} MB")


if __name__ == "__main__":
    main()
