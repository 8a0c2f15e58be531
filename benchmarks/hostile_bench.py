"""Peak memory and time of reading hostile files: decompression bombs and an object flood.

Each file is made in a child process (tests/parsers/hostile.py, never held
inflated) and parsed there; the child's peak resident memory (ru_maxrss, the interpreter and
libraries included) and wall time are printed. The limit for any single hostile file is 300 MB.

Run: .venv/bin/python benchmarks/hostile_bench.py
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests" / "parsers"
CASES = [
    ("pdf_stream_bomb", "bomb.pdf", "1 MB PDF, one content stream inflating to 1 GiB"),
    ("pdf_many_streams", "many.pdf", "PDF, streams each under the stream limit, together over"),
    ("docx_lying_part", "bomb.docx", "1 MB DOCX, document.xml of 1 GiB declared as 4 KB"),
    ("pdf_object_flood", "flood.pdf", "PDF page drawing more boxes than the page limit"),
]
BASELINE = ("baseline", None, "interpreter and parsers imported, nothing read")


CHILD = """
import resource, sys
sys.path[:0] = [{root!r}, {tests!r}]
import hostile
from parsers import parse
import parsers.pdf, parsers.docx
maker = {maker!r}
report = parse(getattr(hostile, maker)(), filename={filename!r}) if maker != "baseline" else None
code = report.problems[0].code if report and report.problems else "-"
print(code, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def measure(maker: str, filename: str | None) -> tuple[str, float, float]:
    """(first problem code, peak MB, seconds) of reading one hostile file in a child process."""
    child = CHILD.format(root=str(ROOT), tests=str(TESTS), maker=maker, filename=filename)
    started = time.monotonic()
    out = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.split()
    return out[0], int(out[1]) / 1024, time.monotonic() - started


def main() -> None:
    print(f"{'case':<18} {'problem':<10} {'peak MB':>8} {'s':>6}  what")
    for maker, filename, what in [BASELINE, *CASES]:
        code, peak, seconds = measure(maker, filename)
        print(f"{maker:<18} {code:<10} {peak:>8.0f} {seconds:>6.1f}  {what}")


if __name__ == "__main__":
    main()
