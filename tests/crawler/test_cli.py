"""`nianjian crawl` and `python -m crawler.run` on the command line."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from nianjian.sources import load_sources

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_sample_sources_file_loads():
    sources = load_sources(ROOT / "data" / "sources.sample.yaml")
    assert [s.id for s in sources] == ["luoyang-jianxi", "luoyang-laocheng", "luoyang-yibin",
                                       "xinxiang-yanjin", "karamay-baijiantan"]
    laocheng = next(s for s in sources if s.id == "luoyang-laocheng")
    assert laocheng.agency_for_title("老城区西关街道办事处2021年政府信息公开工作年度报告").name == "老城区西关街道办事处"


def test_missing_sources_file_is_one_line_and_exit_2(tmp_path):
    done = run("-m", "nianjian", "crawl", "--sources", str(tmp_path / "nope.yaml"), "--db", str(tmp_path / "x.db"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"nianjian crawl: 错误 error: 找不到来源文件 sources file：{tmp_path / 'nope.yaml'}"
        f"（可从示例开始 start from the sample：cp data/sources.sample.yaml {tmp_path / 'nope.yaml'}）"]


def test_bad_setting_and_bad_sources_for_crawler_run(tmp_path):
    sources = tmp_path / "s.yaml"
    sources.write_text("sources:\n  - id: a\n    url: ftp://x\n    agencies: [{name: X, level: government}]\n")
    done = run("-m", "crawler.run", "--sources", str(sources), "--db", str(tmp_path / "x.db"))
    assert done.returncode == 2
    assert done.stderr.strip() == f"crawler.run: 错误 error: {sources}：sources[0].url：'ftp://x' 不是 http(s) 网址"


def test_nianjian_crawl_shows_progress_and_a_summary(serve, kit, tmp_path):
    site = serve(kit.Site("127.0.0.1"))
    text = kit.seed("000")
    title = kit.seed_title(text)
    site.add("/nb/index.html", kit.list_page([("t20220120_1.html", title, "2022-01-20")]))
    site.add("/nb/t20220120_1.html", kit.detail_page(title, kit.seed_body_html(text)))
    sources = tmp_path / "sources.yaml"
    sources.write_text(kit.sources_yaml([{"id": "jianxi", "url": site.url("/nb/index.html"),
                                          "agencies": [{"name": "涧西区人民政府", "level": "government"}]}]))
    done = run("-m", "nianjian", "crawl", "--sources", str(sources), "--db", str(tmp_path / "n.db"),
               "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False")
    assert done.returncode == 0, done.stderr
    assert "jianxi" in done.stderr and "reports" in done.stderr          # the progress table
    assert done.stderr.strip().splitlines()[-1] == (
        "抓取运行 1：完成 finished。网页 2 个，列表页 1 个，报告 1 份，错误 0 个")
