"""The `changed` alert against its red team (tests/monitor/change_redteam.py): per family, the
false alerts (a page served again without an edit) and the missed edits (a real edit with no
alert), each case ingested twice into a fresh database through nianjian.ingest.

    PYTHONPATH=. .venv/bin/python benchmarks/change_detection.py
"""
from __future__ import annotations

import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "monitor"))

import change_redteam  # noqa: E402


def main() -> None:
    rows = defaultdict(lambda: [0, 0, []])        # family -> cases, wrong, notes
    with tempfile.TemporaryDirectory() as directory:
        for kind, cases in (("false alerts", change_redteam.same_cases()),
                            ("missed edits", change_redteam.edit_cases())):
            for number, case in enumerate(cases):
                statuses, alerts = change_redteam.replay(case, Path(directory) / f"{kind[0]}{number}.db")
                wrong = bool(alerts) if kind == "false alerts" else not alerts
                row = rows[(kind, case.family)]
                row[0] += 1
                row[1] += wrong
                if wrong:
                    row[2].append(f"{case.page}: {'/'.join(statuses)}")
    for kind in ("false alerts", "missed edits"):
        print(f"{kind:<14}{'family':<24}{'cases':>6}{'wrong':>7}")
        for (k, family), (count, wrong, notes) in rows.items():
            if k == kind:
                print(f"{'':<14}{family:<24}{count:>6}{wrong:>7}  {'; '.join(notes)}")
        total = sum(r[1] for (k, _), r in rows.items() if k == kind)
        print(f"{'':<14}{'total':<24}{sum(r[0] for (k, _), r in rows.items() if k == kind):>6}{total:>7}\n")


if __name__ == "__main__":
    main()
