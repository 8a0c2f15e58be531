"""Chinese search at scale: the pair index (2-character terms) and the trigram index (3 or more).

    .venv/bin/python benchmarks/search_bench.py                  # 100,000 reports
    .venv/bin/python benchmarks/search_bench.py --reports 10000  # a quick run
    .venv/bin/python benchmarks/search_bench.py --db big.db      # keep the database; re-time it later

Fills report_versions with synthetic reports (narratives drawn from a varied set of sentences),
indexes them with the store's own statement (nianjian.store.fulltext.index_versions, timed per
index), then prints each index's size and the median time of the queries a reader's search
runs: Datasette's table search (first page of 101 rows, and the count it shows) and the status
page's search box (`find_reports`), for 2-character and longer words, common and rare. The
substring scan (instr) that answered 2-character words before the pair index is timed beside
them for comparison.
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

from rich.cells import cell_len  # noqa: E402

from nianjian.browse.search import find_reports, search_condition  # noqa: E402
from nianjian.store import Store, fulltext  # noqa: E402

PHRASES = ("深入贯彻落实《政府信息公开条例》", "坚持以公开为常态、不公开为例外", "加强政策解读与回应关切",
           "推进基层政务公开标准化规范化", "依申请公开办理质量持续提升", "优化政府网站信息公开专栏",
           "重点领域信息公开不断深化", "存在的主要问题是公开内容不够全面", "全年共受理政府信息公开申请",
           "主动公开规范性文件", "做好政府信息管理工作", "加强监督保障和考核评议")
# Generated sentences, so the narratives hold many distinct character pairs as real ones do.
SUBJECTS = ("本机关", "我局", "区政府办公室", "各街道", "乡镇人民政府", "市场监管部门", "教育系统", "卫生健康部门",
            "住房城乡建设部门", "生态环境部门", "财政部门", "交通运输部门", "农业农村部门", "应急管理部门")
ACTIONS = ("及时发布", "集中清理", "组织培训", "规范办理", "动态更新", "专题解读", "公开征求意见", "督促整改",
           "梳理编制", "按时报送", "统一归集", "分类处置", "回应社会关切", "开展自查")
OBJECTS = ("财政预决算信息", "重大建设项目批准和实施信息", "公共资源配置信息", "社会公益事业建设信息",
           "行政处罚决定", "权责清单", "惠民惠农财政补贴资金", "义务教育招生政策", "医疗机构监督检查结果",
           "征地拆迁补偿方案", "环境影响评价文件", "安全生产事故调查报告", "政策性文件", "人事任免信息")
RARE = ("全年因政府信息公开被申请行政复议", "被提起行政诉讼", "收取信息处理费")    # ~1 in 50 reports each
WORDS = ("公开", "复议", "诉讼", "信访", "政务公开标准化", "行政复议", "处理费", "不存在的词")


def sentence(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.choice(PHRASES)
    return f"{rng.choice(SUBJECTS)}{rng.choice(ACTIONS)}{rng.choice(OBJECTS)}{rng.randint(1, 999)}条"


def fill(path: Path, n_reports: int, sentences: int, seed: int) -> dict[str, float]:
    """The reports, then each index filled as the store fills it; seconds per index."""
    rng = random.Random(seed)
    seconds = dict.fromkeys((fulltext.TRIGRAMS, fulltext.BIGRAMS), 0.0)
    with Store(path) as store:
        conn = store.db.conn
        for start in range(0, n_reports, 10_000):
            conn.execute("BEGIN")
            for i in range(start, min(start + 10_000, n_reports)):
                agency, year = f"第{i // 5:05d}号行政机关", 2019 + i % 5
                text = "。".join(sentence(rng) for _ in range(sentences))
                if rng.random() < 0.02:
                    text += "。" + rng.choice(RARE)
                title = f"{agency}{year}年政府信息公开工作年度报告"
                conn.execute("INSERT INTO reports (id, agency, year, title, first_seen, last_seen, parse_status, "
                             "current_version) VALUES (?, ?, ?, ?, '', '', 'ok', ?)", [i + 1, agency, year, title, i + 1])
                conn.execute("INSERT INTO report_versions (id, report_id, version, agency, year, content_hash, title, "
                             "narrative, cell_count, first_seen, last_seen) VALUES (?, ?, 1, ?, ?, ?, ?, ?, 0, '', '')",
                             [i + 1, i + 1, agency, year, str(i), title, text])
            for index in seconds:
                started = time.perf_counter()
                fulltext.index_versions(conn, start + 1, indexes=(index,))
                seconds[index] += time.perf_counter() - started
            conn.execute("COMMIT")
            print(f"  {min(start + 10_000, n_reports):>7,} reports", file=sys.stderr, flush=True)
    return seconds


def median_ms(run, repeat: int) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        rows = run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), rows


def substring_scan(word: str) -> tuple[str, dict]:
    """How a 2-character word was answered before the pair index: every text read."""
    return " OR ".join(f"instr({column}, :word) > 0" for column in ("agency", "title", "narrative")), {"word": word}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--sentences", type=int, default=40, help="sentences per narrative (default 40, ~700 characters)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", type=Path, help="keep the database here; if it exists, only re-time the queries")
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp(prefix="nianjian-search-")) / "search.db"
    seconds = None if path.exists() else fill(path, args.reports, args.sentences, args.seed)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    text_mb = conn.execute("SELECT sum(length(CAST(agency || title || narrative AS BLOB))) FROM report_versions"
                           ).fetchone()[0] / 1e6
    size = sum(Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists())
    print(f"reports: {conn.execute('SELECT count(*) FROM reports').fetchone()[0]:,} ({text_mb:,.0f} MB of text), "
          f"file {size / 1e6:,.0f} MB")
    reports = conn.execute("SELECT count(*) FROM report_versions").fetchone()[0]
    for index, name in ((fulltext.TRIGRAMS, "trigram index"), (fulltext.BIGRAMS, "pair index")):
        mb = conn.execute(f"SELECT sum(length(block)) FROM {index}_data").fetchone()[0] / 1e6
        print(f"  {name:<14} {mb:7,.0f} MB" + (f", filled in {seconds[index]:5.1f} s "
              f"({seconds[index] / reports * 1000:.2f} ms a report)" if seconds else ""))
    print(f"\nmedian of {args.repeat} runs:")
    print(f"  {'query':<32}{'first page':>12} {'count':>12} {'status box':>12}  hits")
    for word in WORDS:
        rows = [(f"{word} ({'pairs' if len(word) == 2 else 'trigrams'})", search_condition(word, "id"))]
        if len(word) == 2:
            rows.append((f"{word} (substring scan, before)", substring_scan(word)))
        for label, (where, params) in rows:
            # what Datasette's table search runs (report_versions sorts by id, newest first)
            first, _ = median_ms(lambda: len(conn.execute(
                f"SELECT id FROM report_versions WHERE {where} ORDER BY id DESC LIMIT 101", params).fetchall()),
                args.repeat)
            count_ms, hits = median_ms(lambda: conn.execute(
                f"SELECT COUNT(*) FROM report_versions WHERE {where}", params).fetchone()[0], args.repeat)
            box = (f"{median_ms(lambda: len(find_reports(conn, word)), args.repeat)[0]:9.1f} ms"
                   if "before" not in label else f"{'':>12}")
            print(f"  {label}{' ' * (32 - cell_len(label))}{first:9.1f} ms {count_ms:9.1f} ms {box}  {hits:,}")
    conn.close()
    for suffix in ("", "-wal", "-shm") if not args.db else ():
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
