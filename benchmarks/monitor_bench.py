"""Time one monitor cycle (crawl off) for a province-sized sources file: N agencies × the years
since 2019, most reports stored, some late, some with errors, some edited.

    .venv/bin/python benchmarks/monitor_bench.py                 # 2000 agencies
    .venv/bin/python benchmarks/monitor_bench.py --agencies 5000

Prints the time of the first cycle (every alert opens), of a quiet rerun (nothing changes),
and the peak memory of the process.
"""
from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from monitor.config import parse_config  # noqa: E402
from monitor.cycle import run_once  # noqa: E402
from nianjian.clock import SHANGHAI  # noqa: E402
from nianjian.store import Store  # noqa: E402

NOW = "2025-06-01T02:00:00+08:00"
LEVELS = ("department", "government", "township")


def build(directory: Path, agencies: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    names = [f"示例{i:05d}局" for i in range(agencies)]
    sources = [{"id": f"s{i // 20}", "url": f"http://127.0.0.1:9/{i // 20}/",
                "agencies": [{"name": n, "level": LEVELS[j % 3], "first_year": 2019}
                             for j, n in enumerate(names[i:i + 20])]}
               for i in range(0, agencies, 20)]
    (directory / "sources.yaml").write_text(yaml.safe_dump({"sources": sources}, allow_unicode=True))
    reports, versions, runs = [], [], []
    for name in names:
        for year in range(2019, 2025):
            if rng.random() < 0.1:
                continue                                  # missing
            published = f"{year + 1}-{rng.choice(['01-15', '03-20', '04-30'])}"
            report_id = len(reports) + 1
            edited = rng.random() < 0.03
            reports.append({"id": report_id, "agency": name, "year": year, "title": f"{name}{year}年报",
                            "url": f"http://127.0.0.1:9/{report_id}.html", "published": published,
                            "first_seen": f"{published}T10:00:00+08:00", "last_seen": NOW,
                            "parse_status": "ok", "versions": 2 if edited else 1,
                            "errors": 1 if rng.random() < 0.05 else 0})
            for number in range(1, 3 if edited else 2):
                versions.append({"report_id": report_id, "version": number, "agency": name, "year": year,
                                 "content_hash": f"{report_id}-{number}", "cell_count": 0,
                                 "first_seen": f"{published}T10:00:00+08:00", "last_seen": NOW})
    for source in sources:
        runs += [{"source_id": source["id"], "status": rng.choice(["ok", "ok", "failed"]),
                  "recorded_at": NOW} for _ in range(5)]
    with Store(directory / "nianjian.db") as store:
        store.db["reports"].insert_all(reports, batch_size=1000)
        store.db["report_versions"].insert_all(versions, batch_size=1000)
        store.db["source_runs"].insert_all(runs, batch_size=1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agencies", type=int, default=2000)
    args = parser.parse_args()
    from datetime import datetime
    now = datetime.fromisoformat(NOW).astimezone(SHANGHAI)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        build(directory, args.agencies)
        config = parse_config({"crawl": {"enabled": False}}, base=directory)
        for label in ("first cycle (alerts open)", "quiet rerun"):
            start = time.perf_counter()
            result = run_once(config, now=now)
            elapsed = time.perf_counter() - start
            print(f"{label:28s} {elapsed:7.2f} s   expectations {sum(result.expectations.values()):6d}   "
                  f"opened {len(result.changes.opened):5d}   resolved {len(result.changes.resolved):5d}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak memory':28s} {peak:7.1f} MB   ({args.agencies} agencies)")


if __name__ == "__main__":
    main()
