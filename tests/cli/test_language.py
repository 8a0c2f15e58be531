"""One language on the command line: a user's mistake is one Chinese-first line on stderr (exit 2,
no traceback), `--help` is Chinese first, and every word comes from words.yaml / help.yaml."""
from __future__ import annotations

import argparse
import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.run import build_parser as crawler_run_parser
from nianjian.arguments import HELP, columns, wrap
from nianjian.cli import build_parser, main
from nianjian.commands import WORDS

ROOT = Path(__file__).resolve().parents[2]
SOURCES = "sources:\n  - id: a\n    url: http://127.0.0.1:9/\n    agencies: [{name: 甲区人民政府, level: %s}]\n"


def nianjian(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nianjian", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, **env})


def test_a_sources_file_that_is_not_yaml_is_one_chinese_line(tmp_path):
    bad = tmp_path / "sources.yaml"
    bad.write_text("sources: [\n  - id: a\n", "utf-8")
    done = nianjian("crawl", "--sources", str(bad), "--db", str(tmp_path / "x.db"))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [f"nianjian crawl: 错误 error: {bad}：不是有效的 YAML（ParserError）"]


def test_a_bad_value_in_the_sources_file_names_the_key_as_typed(tmp_path, capsys):
    sources = tmp_path / "sources.yaml"
    sources.write_text(SOURCES % "county", "utf-8")
    assert main(["crawl", "--sources", str(sources), "--db", str(tmp_path / "x.db")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"nianjian crawl: 错误 error: {sources}：sources[0].agencies[0].level："
        f"'county' 不是 department, government, township 之一"]


def test_schedule_without_its_sources_file_points_to_the_sample(tmp_path, capsys):
    config = tmp_path / "nianjian.toml"
    config.write_text('sources = "mine.yaml"\n', "utf-8")
    assert main(["schedule", "--config", str(config), "--runs", "1"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"nianjian schedule: 错误 error: 找不到来源文件 sources file：{tmp_path / 'mine.yaml'}"
        f"（可从示例开始 start from the sample：cp data/sources.sample.yaml {tmp_path / 'mine.yaml'}）"]


def test_a_bad_config_value_and_a_bad_nianjian_now(tmp_path, capsys, monkeypatch):
    (tmp_path / "sources.yaml").write_text(SOURCES % "government", "utf-8")
    config = tmp_path / "nianjian.toml"
    config.write_text('[schedule]\ntimezone = "Beijing"\n', "utf-8")
    assert main(["monitor", "--once", "--no-crawl", "--config", str(config)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"nianjian monitor: 错误 error: {config}：'schedule.timezone' 是 'Beijing'，不是时区名（如 Asia/Shanghai）"]

    config.write_text("[alerts]\ngrace_days = 3\n", "utf-8")
    monkeypatch.setenv("NIANJIAN_NOW", "next Tuesday")
    assert main(["monitor", "--once", "--no-crawl", "--config", str(config)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "nianjian monitor: 错误 error: NIANJIAN_NOW：'next Tuesday' 不是 ISO 日期或日期时间"
        "（如 2026-05-01 或 2026-05-01T09:00）"]


def test_argparse_mistakes_read_like_nianjians_own(tmp_path):
    done = nianjian("status", "--level", "county", "--db", str(tmp_path / "x.db"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    usage, line = done.stderr.strip().splitlines()[0], done.stderr.strip().splitlines()[-1]
    assert usage.startswith("用法 usage: nianjian status [-h]")
    assert line.startswith("nianjian status: 错误 error: 无效的选项：argument --level: invalid choice: 'county'")
    done = nianjian("check")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == \
        "nianjian check: 错误 error: 缺少必填的参数：the following arguments are required: FILE"


def test_help_is_chinese_first():
    done = nianjian("crawl", "--help", COLUMNS="100")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0].startswith("用法 usage: nianjian crawl [-h] [--sources FILE] [--db PATH]")
    assert "选项 options:" in lines
    assert "  --sources FILE        来源文件 sources file（默认 data/sources.yaml）" in lines
    assert "  -h, --help            显示本帮助并退出 show this help and exit" in lines
    top = nianjian("--help", COLUMNS="100").stdout.splitlines()
    assert "    status      显示机构 × 年度的发布状态表（终端，或 --html / --xlsx 文件）show the status grid" in top
    assert "  --db PATH       SQLite 数据库 database（默认：配置文件中的 db，即 data/nianjian.db）" in \
        nianjian("monitor", "--help", COLUMNS="100").stdout.splitlines()


def _parsers() -> dict[str, argparse.ArgumentParser]:
    root = build_parser()
    [commands] = [action for action in root._actions if isinstance(action, argparse._SubParsersAction)]
    return {"nianjian": root, "crawler.run": crawler_run_parser(), **commands.choices}


def test_every_option_has_its_help_and_help_yaml_holds_nothing_unused():
    used = set()
    for name, parser in _parsers().items():
        assert parser.description, name
        for action in parser._actions:
            assert action.help, (name, action.option_strings or action.dest)
            key = action.option_strings[-1] if action.option_strings else action.dest
            own = HELP[name].get("options", {})
            used.add((name, key) if key in own else ("common", key))
        parser.format_help()                        # every %(default)s expands
    written = {(name, key) for name, words in HELP.items() if name not in ("common", "argparse")
               for key in words.get("options", {})} | {("common", key) for key in HELP["common"]}
    assert written - used == set()


def test_every_user_error_said_in_code_is_in_words_yaml():
    said = set()
    for path in [*ROOT.glob("nianjian/**/*.py"), *ROOT.glob("crawler/**/*.py"), *ROOT.glob("monitor/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "said":
                said.add(node.args[0].value)
    assert len(said) > 50
    for key in said:
        words = WORDS["errors"]
        for part in key.split("."):
            words = words[part]
        assert isinstance(words, str), key


@pytest.mark.parametrize("text, width, lines", [
    ("抓取每个来源的年报栏目，下载新的或有变化的报告并入库", 20,
     ["抓取每个来源的年报栏", "目，下载新的或有变化", "的报告并入库"]),
    ("来源文件 sources file（默认 data/sources.yaml）", 24,
     ["来源文件 sources file", "（默认 data/sources.yaml）"]),
    ("一二三四五六七八九，十", 18, ["一二三四五六七八九，", "十"]),
])
def test_help_wraps_by_display_width(text, width, lines):
    assert wrap(text, width) == lines
    assert all(columns(line) <= width + 2 for line in lines)
