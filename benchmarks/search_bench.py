"""Chinese search at scale: the trigram index against the substring fallback for short words.

    .venv/bin/python benchmarks/search_bench.py                  # 100,000 reports
    .venv/bin/python benchmarks/search_bench.py --reports 10000  # a quick run

Fills report_versions (the full-text index follows through its triggers) with synthetic
narratives, then prints the median time of the queries a reader's search runs: Datasette's table
search (first page of 101 rows, and the count it shows) and the status page's search box
(`find_reports`), for 3-character words (trigram MATCH) and 2-character ones (instr scan), common
and rare.
"""
from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nianjian.browse.search import (find_reports, fts_condition, needs_substring_search,  # noqa: E402
                                    substring_condition)
from nianjian.store import Store  # noqa: E402

PHRASES = ("深入贯彻落实《政府信息公开条例》", "坚持以公开为常态、不公开为例外", "加强政策解读与回应关切",
           "推进基层政务公开标准化规范化", "依申请公开办理质量持续提升", "优化政府网站信息公开专栏",
           "重点领域信息公开不断深化", "存在的主要问题是公开内容不够全面", "全年共受理政府信息公开申请",
           "主动公开规范性文件", "做好政府信息管理工作", "加强监督保障和考核评议")
RARE = ("全年因政府信息公开被申请行政复议", "被提起行政诉讼", "收取信息处理费")    # ~1 in 50 reports each
COLUMNS = ["agency", "title", "narrative"]


def fill(path: Path, n_reports: int, sentences: int, seed: int) -> float:
    rng = random.Random(seed)
    with Store(path) as store:
        conn = store.db.conn
        started = time.perf_counter()
        conn.execute("BEGIN")
        for i in range(n_reports):
            agency, year = f"第{i // 5:05d}号行政机关", 2019 + i % 5
            text = "。".join(rng.choice(PHRASES) for _ in range(sentences))
            if rng.random() < 0.02:
                text += "。" + rng.choice(RARE)
            conn.execute("INSERT INTO reports (id, agency, year, title, first_seen, last_seen, parse_status, "
                         "current_version) VALUES (?, ?, ?, ?, '', '', 'ok', ?)",
                         [i + 1, agency, year, f"{agency}{year}年政府信息公开工作年度报告", i + 1])
            conn.execute("INSERT INTO report_versions (id, report_id, version, agency, year, content_hash, title, "
                         "narrative, cell_count, first_seen, last_seen) VALUES (?, ?, 1, ?, ?, ?, ?, ?, 0, '', '')",
                         [i + 1, i + 1, agency, year, str(i), f"{agency}{year}年政府信息公开工作年度报告", text])
            if (i + 1) % 10_000 == 0:
                conn.execute("COMMIT")
                conn.execute("BEGIN")
                print(f"  {i + 1:>7,} reports", file=sys.stderr, flush=True)
        conn.execute("COMMIT")
        return time.perf_counter() - started


def median_ms(run, repeat: int) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        rows = run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--sentences", type=int, default=40, help="sentences per narrative (default 40, ~600 characters)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp(prefix="nianjian-search-")) / "search.db"
    elapsed = fill(path, args.reports, args.sentences, args.seed)
    size = sum(Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists())
    print(f"reports: {args.reports:,} ({args.sentences} sentences each), filled in {elapsed:.1f} s, "
          f"file {size / 1e6:,.0f} MB")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    print(f"\nmedian of {args.repeat} runs:")
    print(f"  {'query':<34} {'first page':>12} {'count':>12} {'status box':>12}  hits")
    for word in ("政务公开标准化", "行政复议", "处理费", "公开", "复议", "诉讼", "信访"):
        # what Datasette's table search adds to its WHERE (nianjian/browse/search.py)
        short = needs_substring_search(word)
        where, params = (substring_condition(COLUMNS, word) if short
                         else fts_condition("report_versions_fts", "id", word))
        kind = "substring" if short else "trigram"
        first, _ = median_ms(lambda: len(conn.execute(
            f"SELECT id FROM report_versions WHERE {where} ORDER BY id LIMIT 101", params).fetchall()),
            args.repeat)
        count_ms, hits = median_ms(lambda: conn.execute(
            f"SELECT COUNT(*) FROM report_versions WHERE {where}", params).fetchone()[0], args.repeat)
        box, _ = median_ms(lambda: len(find_reports(conn, word)), args.repeat)
        print(f"  {word + ' (' + kind + ')':<34} {first:9.1f} ms {count_ms:9.1f} ms {box:9.1f} ms  {hits:,}")
    conn.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
