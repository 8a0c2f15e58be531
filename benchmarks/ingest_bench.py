"""Per-report ingest time (parse → checks → store) as the database grows.

    .venv/bin/python benchmarks/ingest_bench.py            # at 1,000, 10,000 and 100,000 stored reports
    .venv/bin/python benchmarks/ingest_bench.py --quick    # at 1,000, 3,000 and 10,000
    .venv/bin/python benchmarks/ingest_bench.py --sizes 1000 20000 --sample 300

The database is filled with synthetic reports (Store.save_report, five years, every agency its
own narrative, 3% of them copies of another agency's); at each size `--sample` new documents
(text reports of 2021, each with its own narrative) go through `nianjian.ingest.ingest_document`
in batches of `--batch` per transaction, as the crawl's writer stores them. Prints ms per report
(CPU time) at each size and the ratio of the largest to the smallest (goal: within 1.5×).
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from nianjian.ingest import content_hash, ingest_document  # noqa: E402
from nianjian.store import Store  # noqa: E402
from parsers import parse  # noqa: E402
from synthetic_portal import prose  # noqa: E402

SEEDS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "seeds"
SEED = (SEEDS / "000_c31dcc775cd75b8e.txt").read_text("utf-8")       # 涧西区人民政府 2021
YEARS = (2019, 2020, 2021, 2022, 2023)


def document(rng: random.Random, agency: str) -> bytes:
    """The seed report under another agency's name, every prose paragraph rewritten."""
    lines = []
    for line in SEED.replace("涧西区人民政府", agency).splitlines():
        if len(line) > 60 and "\t" not in line:
            line = prose(rng, len(line))
        lines.append(line)
    return "\n".join(lines).encode("utf-8")


def fill(store: Store, rng: random.Random, count: int, start: int, template) -> None:
    """`count` more stored reports (agencies numbered from `start`, five years each)."""
    narratives: list[str] = []
    for first in range(start, start + count, 1000):
        with store.batch():
            for n in range(first, min(first + 1000, start + count)):
                agency, year = f"第{n // len(YEARS)}号机关", YEARS[n % len(YEARS)]
                if narratives and rng.random() < 0.03:
                    narrative = rng.choice(narratives)              # another agency's text, copied
                else:
                    narrative = "\n".join(prose(rng, rng.randint(150, 600)) for _ in range(6))
                    narratives = (narratives + [narrative])[-200:]
                template.agency, template.year, template.narrative = agency, year, narrative
                store.save_report(agency=agency, year=year, url=f"http://example.gov.cn/{n}.html",
                                  report=template, findings=[], content_hash=f"fill-{n}")


def ingest_sample(store: Store, rng: random.Random, sample: int, batch: int, tag: str) -> float:
    """CPU ms per report for `sample` new documents, ingested `batch` per transaction (CPU time
    of this process, so that other work on the machine does not count)."""
    bodies = [document(rng, f"{tag}第{k}号新机关") for k in range(sample)]
    started = time.process_time()
    for first in range(0, sample, batch):
        with store.batch():
            for body in bodies[first:first + batch]:
                result = ingest_document(store, body=body, url=f"http://example.gov.cn/{content_hash(body)[:12]}",
                                         filename="report.txt", expected_year=2021)
                assert result.status == "stored", result
    return (time.process_time() - started) * 1000 / sample


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--quick", action="store_true", help="sizes 1,000, 3,000, 10,000")
    parser.add_argument("--sample", type=int, default=200, help="documents ingested at each size")
    parser.add_argument("--batch", type=int, default=50, help="documents per transaction")
    args = parser.parse_args()
    sizes = [1000, 3000, 10_000] if args.quick else sorted(args.sizes)
    rng = random.Random(12)
    template = parse(SEED.encode("utf-8"), filename="report.txt")
    figures = []
    with tempfile.TemporaryDirectory() as work, Store(Path(work) / "bench.db") as store:
        stored = 0
        for size in sizes:
            started = time.perf_counter()
            fill(store, rng, size - stored, stored, template)
            rate = (size - stored) / (time.perf_counter() - started)
            stored = size
            ms = ingest_sample(store, rng, args.sample, args.batch, tag=str(size))
            figures.append(ms)
            print(f"{size:>7,} reports stored (filled at {rate:,.0f}/s): ingest {ms:6.1f} ms/report",
                  flush=True)
    print(f"largest / smallest: {figures[-1] / figures[0]:.2f}×")


if __name__ == "__main__":
    main()
