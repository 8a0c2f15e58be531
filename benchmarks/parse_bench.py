"""Parser speed and memory on realistic report pages.

Builds 60–100 KB detail pages the way portals serve them (TRS-style chrome: navigation, side
columns, scripts, styles, footers; the report body exported from Word with MsoNormalTable
tables), in UTF-8 and in GBK, then prints:

- reports/s and ms per page for `parsers.parse` (decode → lxml tree → Document → Report);
- ms per page for lxml alone building the tree of the same pages (the floor);
- the ratio of the two (target: under 2×) and the peak memory of one parse (tracemalloc).

Run: .venv/bin/python benchmarks/parse_bench.py [--rounds N]
"""
from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parsers import parse  # noqa: E402
from parsers.page import decode_html  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "html"
# Links in the side columns: sets the chrome's weight (pages come out at 60–120 KB).
CHROME_ITEMS = 170


def chrome(body: str, title: str, charset: str) -> str:
    """Wrap a report body in portal chrome until the page weighs like a real one."""
    nav = "".join(f'<li><a href="/col/col{i}/index.html" title="栏目{i}">栏目名称{i}</a></li>' for i in range(60))
    side = "".join(f'<li><a href="./2022{i % 12 + 1:02d}/t2022{i % 12 + 1:02d}{i % 28 + 1:02d}_{9000 + i}.html">'
                   f"关于做好第{i}项重点工作的通知（文号{i}）</a><span>2022-{i % 12 + 1:02d}-{i % 28 + 1:02d}</span></li>"
                   for i in range(CHROME_ITEMS))
    script = "var a=1;" + "function f%d(x){return x*%d;}" * 1 % (1, 2) + "".join(
        f"var s{i}='<div class=\"item\">{i}</div>';" for i in range(200))
    style = "".join(f".c{i}{{margin:{i}px;padding:{i % 7}px;color:#{i:03x}}}" for i in range(300))
    return f"""<!DOCTYPE html><html><head><meta charset="{charset}">
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="2023-06-01 10:00:00">
<meta name="ContentSource" content="县政府办公室"><title>{title}_县人民政府</title>
<style>{style}</style><script>{script}</script></head><body>
<div class="top"><ul class="nav">{nav}</ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="../">政府信息公开</a> &gt; <a href="./">政府信息公开年报</a></div>
<table width="1000" class="layout"><tr><td class="left"><ul>{side[: len(side) // 2]}</ul></td><td class="main">
<div class="info">发布日期：2022-01-20 来源：县政府办公室 浏览次数：<script>document.write(1)</script></div>
<div class="TRS_Editor">{body}</div></td><td class="right"><ul>{side[len(side) // 2:]}</ul></td></tr></table>
<div class="footer">主办单位：县人民政府办公室 网站标识码 4103000001 <script>{script}</script></div>
</body></html>"""


def body_of(path: Path) -> tuple[str, str]:
    text = decode_html(path.read_bytes(), None)
    root = lxml.html.document_fromstring(text)
    title = root.findtext(".//title") or ""
    body = root.find("body")
    inner = "".join(lxml.html.tostring(child, encoding="unicode") for child in body)
    return inner, title


def pages() -> list[bytes]:
    out = []
    for path in sorted(FIXTURES.glob("*.html")):
        inner, title = body_of(path)
        out.append(chrome(inner, title, "utf-8").encode("utf-8"))
        out.append(chrome(inner, title, "gbk").encode("gb18030"))
    return out


def timed(function, items, rounds: int) -> list[float]:
    """Per-item seconds, best of `rounds` for each item."""
    best = []
    for item in items:
        runs = []
        for _ in range(rounds):
            start = time.perf_counter()
            function(item)
            runs.append(time.perf_counter() - start)
        best.append(min(runs))
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="timed runs per page (best kept)")
    args = parser.parse_args(argv)
    bodies = pages()
    sizes = [len(b) for b in bodies]
    texts = [decode_html(b, None) for b in bodies]
    for body in bodies:                      # warm caches (label index, regexes)
        parse(body, filename="r.html")
    reports = [parse(b, filename="r.html") for b in bodies]
    assert all(len(r.cells) >= 190 for r in reports), [len(r.cells) for r in reports]

    lxml_only = timed(lambda t: lxml.html.document_fromstring(t), texts, args.rounds)
    lxml_bytes = timed(lambda b: lxml.html.document_fromstring(b), bodies, args.rounds)
    full = timed(lambda b: parse(b, filename="r.html"), bodies, args.rounds)
    tracemalloc.start()
    for body in bodies:
        parse(body, filename="r.html")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    ms = lambda xs: statistics.median(xs) * 1000  # noqa: E731
    print(f"pages: {len(bodies)}  size: {min(sizes) // 1024}-{max(sizes) // 1024} KB "
          f"(median {statistics.median(sizes) / 1024:.0f} KB)")
    print(f"lxml tree only : {ms(lxml_only):6.2f} ms/page (median) from text, "
          f"{ms(lxml_bytes):.2f} ms from bytes")
    print(f"parse()        : {ms(full):6.2f} ms/page (median), {1 / statistics.median(full):.0f} reports/s")
    print(f"ratio parse/lxml: {statistics.median(full) / statistics.median(lxml_only):.2f}x (target < 2x)")
    print(f"peak Python memory of one parse pass over all pages: {peak / 1024 / 1024:.1f} MB (tracemalloc); "
          f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
