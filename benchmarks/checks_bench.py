"""Time the rule catalogue: one report alone, with its previous report, and with many peers
for COPIED_TEXT (what ingest does for each report of a year).

    .venv/bin/python benchmarks/checks_bench.py                # 500 peers
    .venv/bin/python benchmarks/checks_bench.py --peers 2000

Prints the median time of `check()` per report in each case. Peers' narratives are built by
shuffling the paragraphs of the five real seeds, so they are as long as real ones.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nianjian.checks import check  # noqa: E402
from nianjian.checks.copied import shingles, signature  # noqa: E402
from parsers import parse  # noqa: E402

SEEDS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "seeds"


def median_ms(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peers", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    seeds = [parse(p.read_bytes(), filename=p.name) for p in sorted(SEEDS.glob("*.txt"))]
    report = seeds[0]
    paragraphs = [p for s in seeds for p in s.narrative.split("\n") if p.strip()]
    rng = random.Random(7)
    peers = []
    for i in range(args.peers):
        peer = parse((SEEDS / sorted(p.name for p in SEEDS.glob("*.txt"))[i % 5]).read_bytes())
        peer.agency = f"第{i}号机关"
        peer.narrative = "\n".join(rng.sample(paragraphs, 20))
        peers.append(peer)

    print(f"check() alone:                 {median_ms(lambda: check(report), args.repeat):8.2f} ms")
    print(f"check() with previous:         {median_ms(lambda: check(report, previous=seeds[3]), args.repeat):8.2f} ms")
    shingles.cache_clear()
    signature.cache_clear()
    start = time.perf_counter()
    check(report, peers=peers)
    print(f"check() with {args.peers} peers, cold: {(time.perf_counter() - start) * 1000:8.2f} ms "
          "(shingling every peer once)")
    warm = median_ms(lambda: check(report, peers=peers), max(3, args.repeat // 4))
    print(f"check() with {args.peers} peers, warm: {warm:8.2f} ms (shingles cached)")
    print(f"a year of {args.peers} reports, each against the others: ~{warm * args.peers / 1000:.1f} s")


if __name__ == "__main__":
    main()
