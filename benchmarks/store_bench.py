"""Fill a nianjian database with synthetic reports through `Store.save_report`, then time every
stored query of the Datasette metadata, the views and a full-text search at that size.

    .venv/bin/python benchmarks/store_bench.py                   # 100,000 reports (a few minutes)
    .venv/bin/python benchmarks/store_bench.py --reports 5000    # a quick run
    .venv/bin/python benchmarks/store_bench.py --db big.db --keep  # keep the file to browse it

Prints the insert rate, the file size and the median time of each query (target: < 200 ms).
Queries are read the way Datasette reads them: at most max_returned_rows + 1 rows.
"""
from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nianjian.browse.datasette_app import metadata_for  # noqa: E402
from nianjian.clock import SHANGHAI  # noqa: E402
from nianjian.store import Store  # noqa: E402
from parsers.record import Report  # noqa: E402
from parsers.template import TEMPLATE  # noqa: E402

YEARS = (2019, 2020, 2021, 2022, 2023)
LEVELS = ("department", "government", "township")
PHRASES = ("深入贯彻落实《政府信息公开条例》", "坚持以公开为常态、不公开为例外", "加强政策解读与回应关切",
           "推进基层政务公开标准化规范化", "依申请公开办理质量持续提升", "优化政府网站信息公开专栏",
           "重点领域信息公开不断深化", "存在的主要问题是公开内容不够全面")
RULES = ("T3_BALANCE", "T3_OUTCOMES", "T3_ROW_TOTAL", "T4_TOTAL", "TABLE_INCOMPLETE")
MAX_RETURNED_ROWS = 1000     # Datasette's default


def synthetic_report(rng: random.Random, agency: str, year: int,
                     carried_in: list[int]) -> tuple[Report, list, list[int]]:
    """A report in its year's template with every t2/t3/t4 cell, plausible values, and findings
    for about a quarter of the reports. Returns the report, its findings and its carried-out row."""
    edition = "2021" if year >= 2021 else "2019"
    cells: dict = {key: rng.randint(0, 30) for key in TEMPLATE.t2_keys(edition)}
    for key in TEMPLATE.amount_keys & set(cells):
        cells[key] = round(rng.uniform(0, 900), 4)
    for row in TEMPLATE.t3_rows:
        values = [rng.randint(0, 20) for _ in range(6)]
        for col, value in zip(TEMPLATE.t3_columns, [*values, sum(values)]):
            cells[f"t3.{row}.{col}"] = value
    for col, value in zip(TEMPLATE.t3_columns, carried_in):
        cells[f"t3.carried_in.{col}"] = value
    for key in TEMPLATE.t4_keys():
        cells[key] = rng.randint(0, 5)
    findings = []
    if rng.random() < 0.25:
        for rule in rng.sample(RULES, rng.randint(1, 2)):
            findings.append({"rule": rule, "severity": "error", "cells": ["t3.new.total"],
                             "expected": 10, "actual": 9, "message_zh": "合计不符",
                             "message_en": "totals differ"})
    if rng.random() < 0.3:
        findings.append({"rule": "CARRY_OVER", "severity": "warning", "cells": ["t3.carried_in.total"],
                         "expected": carried_in[-1], "actual": carried_in[-1] + 1,
                         "message_zh": "结转不衔接", "message_en": "carry-over break"})
    narrative = "。".join(rng.choice(PHRASES) for _ in range(12)) + f"。{agency}{year}年共受理申请{cells['t3.new.total']}件。"
    report = Report(agency=agency, year=year, title=f"{agency}{year}年政府信息公开工作年度报告",
                    template=edition, published=f"{year + 1}-0{rng.randint(1, 4)}-{rng.randint(10, 28)}",
                    sections=[1, 2, 3, 4, 5, 6], cells=cells,
                    raw_cells={k: str(v) for k, v in cells.items()}, narrative=narrative)
    return report, findings, [cells[f"t3.carried_out.{col}"] for col in TEMPLATE.t3_columns]


def fill(store: Store, n_reports: int, seed: int) -> float:
    rng = random.Random(seed)
    n_agencies = max(1, n_reports // len(YEARS))
    agencies = [f"第{i:05d}区人民政府" if i % 3 == 1 else f"第{i:05d}号行政机关" for i in range(n_agencies)]
    store.db["agencies"].insert_all(
        ({"name": a, "level": LEVELS[i % 3], "region": f"测试省第{i % 50:02d}市", "first_year": 2019,
          "portal_urls": f'["http://portal{i % 50}.example.gov.cn/nb/"]'} for i, a in enumerate(agencies)),
        batch_size=1000)
    run_id = store.start_run("benchmark")
    started = time.perf_counter()
    stored = 0
    expectations = []
    for agency in agencies:
        carried = [rng.randint(0, 5) for _ in TEMPLATE.t3_columns]
        for year in YEARS:
            if stored == n_reports:
                break
            report, findings, carried_out = synthetic_report(rng, agency, year, carried)
            # one in ten agencies breaks its carry-over chain
            carried = carried_out if rng.random() > 0.1 else [v + 1 for v in carried_out]
            seen = datetime(year + 1, 2, 1, tzinfo=SHANGHAI) + timedelta(days=rng.randint(0, 90))
            saved = store.save_report(agency=agency, year=year, url=f"http://example.gov.cn/{agency}/{year}.html",
                                      report=report, findings=findings, content_hash=f"{agency}-{year}",
                                      seen_at=seen, run_id=run_id)
            stored += 1
            days_late = rng.choice((0, 0, 0, 0, 3, 12, 40))
            expectations.append({
                "agency": agency, "year": year, "deadline": f"{year + 1}-03-31",
                "status": "late" if days_late else "on_time", "report_id": saved.report_id,
                "published": report.published, "days_late": days_late or None,
                "first_seen_used": 0, "errors": saved.errors, "updated_at": seen.isoformat()})
            if stored % 5000 == 0:
                rate = stored / (time.perf_counter() - started)
                print(f"  {stored:>7,} reports  {rate:,.0f}/s", file=sys.stderr, flush=True)
        expectations.append({"agency": agency, "year": 2024, "deadline": "2025-03-31",
                             "status": rng.choice(("missing", "pending", "missing")), "report_id": None,
                             "published": None, "days_late": None, "first_seen_used": 0,
                             "errors": 0, "updated_at": "2025-04-10T09:00:00+08:00"})
        if stored == n_reports:
            break
    elapsed = time.perf_counter() - started
    with store.db.atomic():
        store.db["expectations"].insert_all(expectations, batch_size=1000)
    store.finish_run(run_id, "ok", {"reports": stored}, 0)
    return elapsed


def median_ms(conn: sqlite3.Connection, sql: str, params: dict, repeat: int) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        rows = len(conn.execute(sql, params).fetchmany(MAX_RETURNED_ROWS + 1))
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), rows


def datasette_pages(path: Path, repeat: int) -> int:
    """What a user waits for: each table's and view's first HTML page in Datasette (rows, count,
    configured facets, facet suggestions — each bounded by Datasette's time limits)."""
    import asyncio

    from nianjian.browse.datasette_app import build

    ds = build(path)
    names = [n for n in metadata_for(path.stem)["databases"][path.stem]["tables"]]

    async def timed(url: str) -> tuple[float, int]:
        times, status = [], 0
        for _ in range(repeat):
            start = time.perf_counter()
            status = (await ds.client.get(url)).status_code
            times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times), status

    print(f"\nDatasette pages, median of {repeat} (HTTP status):")
    slow = 0
    for url in ["/-/status", *(f"/{path.stem}/{name}" for name in names)]:
        ms, status = asyncio.run(timed(url))
        slow += status != 200
        print(f"  {url:<42} {ms:8.1f} ms  {status}")
    return slow


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000, help="synthetic reports (default 100,000)")
    parser.add_argument("--db", help="database file (default: a temporary file, removed afterwards)")
    parser.add_argument("--keep", action="store_true", help="keep the database file")
    parser.add_argument("--reuse", action="store_true",
                        help="with --db: time the queries on a database an earlier --keep run filled "
                             "(opening it applies any newer migrations, e.g. indexes)")
    parser.add_argument("--repeat", type=int, default=7, help="runs per query (the median is printed)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="nianjian-bench-")
    path = Path(args.db or Path(workdir) / "bench.db")
    if args.reuse and not path.exists():
        parser.error("--reuse needs --db naming an existing benchmark database")
    if path.exists() and not args.reuse:
        parser.error(f"{path} exists: the benchmark fills a new database (or give --reuse)")
    with Store(path) as store:
        if not args.reuse:
            elapsed = fill(store, args.reports, args.seed)
        store.db.execute("ANALYZE")
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cells = store.db["cells"].count
        n_reports = store.db["reports"].count
        sample = store.db.execute("SELECT agency, id FROM reports ORDER BY id LIMIT 1 OFFSET ?",
                                  [n_reports // 2]).fetchone()
    size = path.stat().st_size
    print(f"reports: {n_reports:,}  cells: {cells:,}")
    if not args.reuse:
        print(f"insert rate: {n_reports / elapsed:,.0f} reports/s ({cells / elapsed:,.0f} cells/s), "
              f"{elapsed:.1f} s in all")
    print(f"file size: {size / 1e6:,.1f} MB ({size / n_reports / 1e3:.1f} kB per report)")

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    agency, report_id = sample
    queries = {name: (q["sql"], {"year": "", "rule": "", "agency": agency})
               for name, q in metadata_for(path.stem)["databases"][path.stem]["queries"].items()}
    queries.update({
        "reports_with_errors (rule=T4_TOTAL)": (queries["reports_with_errors"][0],
                                                {"year": "", "rule": "T4_TOTAL"}),
        "late_by_days (year=2022)": (queries["late_by_days"][0], {"year": "2022"}),
        "view t3_table (one report)": ("SELECT * FROM t3_table WHERE report_id = :id", {"id": report_id}),
        "view t4_table (one report)": ("SELECT * FROM t4_table WHERE report_id = :id", {"id": report_id}),
        "view agency_year_status (first page)": ("SELECT * FROM agency_year_status LIMIT 101", {}),
        "view current_findings (one report)": ("SELECT * FROM current_findings WHERE report_id = :id",
                                               {"id": report_id}),
        # the form Datasette's search box runs on report_versions (ordered by id, not by rank)
        **{f"full-text search {term}": (
            "SELECT id, agency, year FROM report_versions WHERE id IN (SELECT rowid FROM "
            "report_versions_fts WHERE report_versions_fts MATCH :q) ORDER BY id LIMIT 101",
            {"q": f'"{term}"'}) for term in ("政务公开标准化", agency)},
    })
    print(f"\nmedian of {args.repeat} runs (rows read, capped at {MAX_RETURNED_ROWS + 1} as Datasette does):")
    slow = 0
    for name, (sql, params) in queries.items():
        ms, rows = median_ms(conn, sql, params, args.repeat)
        slow += ms >= 200
        print(f"  {name:<42} {ms:8.1f} ms  {rows:>5} rows{'  ← over 200 ms' if ms >= 200 else ''}")
    conn.close()
    slow += datasette_pages(path, args.repeat)
    if not (args.keep or args.reuse):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        print(f"\nkept {path}")
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
