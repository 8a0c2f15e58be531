"""Per-report ingest time (parse → checks → store) as the database grows.

    .venv/bin/python benchmarks/ingest_bench.py            # at 1,000, 10,000 and 100,000 stored reports
    .venv/bin/python benchmarks/ingest_bench.py --quick    # at 1,000, 3,000 and 10,000
    .venv/bin/python benchmarks/ingest_bench.py --sizes 1000 20000 --sample 300

The database is filled with synthetic reports (five years, every agency its own narrative, 3%
of them copies of another agency's; rows like those Store.save_report writes, in bulk: `fill`); at each size `--sample` new documents
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
from nianjian.store import Store, copies  # noqa: E402
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


def narratives(rng: random.Random, count: int):
    """`count` narratives of six paragraphs drawn from a pool of distinct ones (two reports
    share a paragraph now and then, as real ones share phrasing), 3% of them copies of an
    earlier agency's."""
    pool = [prose(rng, rng.randint(150, 600)) for _ in range(2000)]
    recent: list[str] = []
    for _ in range(count):
        if recent and rng.random() < 0.03:
            yield rng.choice(recent)                            # another agency's text, copied
            continue
        narrative = "\n".join(rng.sample(pool, 6))
        recent = (recent + [narrative])[-200:]
        yield narrative


def _row(conn, table: str, row_id: int) -> dict:
    cursor = conn.execute(f"SELECT * FROM {table} WHERE id = ?", [row_id])
    return dict(zip([c[0] for c in cursor.description], cursor.fetchone()))


def _insert(conn, table: str, rows: list[dict]) -> None:
    columns = list(rows[0])
    conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                     [[row[c] for c in columns] for row in rows])


def fill(store: Store, rng: random.Random, count: int, start: int, template) -> None:
    """`count` more stored reports (agencies numbered from `start`, five years each). The first is
    stored by Store.save_report; the others are its rows again under other agencies, years and
    narratives, written a thousand at a time (cells copied in SQL; signatures, bands and the
    full-text index by the store's own code), so that 100,000 take minutes, not an hour."""
    names = [(f"第{n // len(YEARS)}号机关", YEARS[n % len(YEARS)]) for n in range(start, start + count)]
    texts = narratives(rng, count)
    template.agency, (_, template.year), template.narrative = names[0][0], names[0], next(texts)
    saved = store.save_report(agency=names[0][0], year=names[0][1], url=f"http://example.gov.cn/{start}.html",
                              report=template, findings=[], content_hash=f"fill-{start}")
    conn = store.db.conn
    report, version = _row(conn, "reports", saved.report_id), _row(conn, "report_versions", saved.version_id)
    conn.execute("PRAGMA foreign_keys = OFF")      # the copies' references are right by construction
    for first in range(1, count, 1000):
        chunk = range(first, min(first + 1000, count))
        report_id, version_id = [conn.execute(f"SELECT MAX(id) FROM {t}").fetchone()[0]
                                 for t in ("reports", "report_versions")]
        with store.batch():
            reports, versions = [], []
            for k, n in enumerate(chunk, 1):
                (agency, year), url = names[n], f"http://example.gov.cn/{start + n}.html"
                store.ensure_agency(agency)
                reports.append({**report, "id": report_id + k, "agency": agency, "year": year, "url": url,
                                "current_version": version_id + k})
                versions.append({**version, "id": version_id + k, "report_id": report_id + k, "agency": agency,
                                 "year": year, "url": url, "content_hash": f"fill-{start + n}",
                                 "narrative": next(texts)})
            _insert(conn, "reports", reports)
            _insert(conn, "report_versions", versions)
            conn.execute("INSERT INTO cells (version_id, key, tbl, row, col, value, raw) "
                         "SELECT v.id, c.key, c.tbl, c.row, c.col, c.value, c.raw FROM report_versions v "
                         "JOIN cells c ON c.version_id = ? WHERE v.id > ?", [saved.version_id, version_id])
            for row in versions:
                copies.index_version(conn, row["id"], row["narrative"])
                copies.make_current(conn, row["report_id"], row["year"], None, row["id"])
            store._unindexed.append(version_id + 1)       # the batch's full-text index, as the writer's
    conn.execute("PRAGMA foreign_keys = ON")


def ingest_sample(store: Store, rng: random.Random, sample: int, batch: int, tag: str) -> float:
    """CPU ms per report for `sample` new documents, ingested `batch` per transaction (CPU time
    of this process, so that other work on the machine does not count)."""
    bodies = [document(rng, f"{tag}第{k}号新局") for k in range(sample)]
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
            # a tag of letters, not the size's figures: a run of four figures in a name reads as a year
            ms = ingest_sample(store, rng, args.sample, args.batch, tag="".join(chr(0x7532 + int(d)) for d in str(size)))
            figures.append(ms)
            print(f"{size:>7,} reports stored (filled at {rate:,.0f}/s): ingest {ms:6.1f} ms/report",
                  flush=True)
    print(f"largest / smallest: {figures[-1] / figures[0]:.2f}×")


if __name__ == "__main__":
    main()
