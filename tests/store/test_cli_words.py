"""What the CLI prints, as a reader at an 80-column terminal sees it: Chinese labels, each thing
said once, and a pipe closed early (`| head`) ending quietly."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from rich.cells import cell_len

from nianjian.store import Store

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests/fixtures/seeds/000_c31dcc775cd75b8e.txt"     # 涧西区人民政府 2021
ENV = {**os.environ, "COLUMNS": "80", "PYTHONPATH": str(ROOT)}


def nianjian(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nianjian", *args], capture_output=True, text=True,
                          env=ENV, timeout=120)


def piped(command: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=ENV, timeout=120)


def test_parse_prints_the_template_labels_at_80_columns():
    done = nianjian("parse", str(SEED))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1] == "机构 涧西区人民政府 · 年度 2021 · 模板 2021 · 发布日期 -"
    assert max(cell_len(line) for line in lines) <= 80                  # display width
    out = done.stdout
    for label in ("三、收到和处理政府信息公开申请情况", "自然人", "┃ 商业 ┃", "（三）不予公开", "行政复议 结果维持"):
        assert label in out, label
    assert "withheld" not in out and "natural" not in out
    [new] = [line for line in lines if line.startswith("│ 一、本年新收政府信息")]
    assert new.split("│")[2].strip() == "54"                      # 自然人


def test_check_says_each_finding_once_in_chinese(tmp_path):
    record = json.loads(nianjian("parse", str(SEED), "--json").stdout)
    for key in ("t3.new.research", "t3.new.social", "t3.new.legal"):
        record["cells"][key] = None                       # printed as blanks
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    done = nianjian("check", str(path))
    assert done.returncode == 0, done.stderr
    assert "级别" in done.stdout and "规则" in done.stdout and "核查结果" in done.stdout
    assert "提示" in done.stdout and "BLANK_CELLS" in done.stdout
    assert done.stdout.count("t3.new.research") == 1               # in the message, not again below it
    assert "个错误" in done.stdout.splitlines()[-1]


def test_alerts_read_at_80_columns_and_pipes_close_quietly(tmp_path):
    db = tmp_path / "nianjian.db"
    with Store(db) as store:
        store.db["alerts"].insert_all({
            "key": f"missing|第{i:04d}号行政机关|2024", "kind": "missing", "agency": f"第{i:04d}号行政机关",
            "year": 2024, "state": "open", "opened_at": "2025-04-01T09:00:00+08:00",
            "updated_at": "2025-04-01T09:00:00+08:00", "details": json.dumps({"deadline": "2025-03-31"})}
            for i in range(3000))
    done = nianjian("alerts", "--db", str(db))
    lines = done.stdout.splitlines()
    assert lines[:2] == ["【年报未发布】未解除 · 2025-04-01 开启 · 未通知",
                         "  第0000号行政机关2024年度报告逾期未发布（截止 2025-03-31）"]
    # 3,000 alerts as JSON are far more than a pipe holds: `head` closes it while nianjian writes
    for command in (f"{sys.executable} -m nianjian alerts --db {db} --json | head -1",
                    f"{sys.executable} -m nianjian parse {SEED} --json --full | head -1"):
        closed = piped(command)
        assert closed.stdout.splitlines() == [closed.stdout.splitlines()[0]] and closed.stderr == "", command
