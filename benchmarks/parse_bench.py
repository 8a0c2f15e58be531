"""Parser speed and memory on many distinct realistic report pages.

Builds detail pages the way portals serve them, in UTF-8 and in GBK, each fixture's report body
in `--variants` versions with its own prose and its own figures (so no cache of values or labels
stays warm from one page to the next): `--chrome made` (the default) wraps the body in TRS-style
chrome written here (navigation, side columns, inline scripts and styles, footers; 56–119 KB
pages), `--chrome portals` in the real county pages saved in tests/fixtures/portals (UCAP CMS,
97–173 KB pages). Then prints:

- CPU ms per page for `parsers.parse` (decode → lxml tree → Document → Report), each page once
  (CPU time of this process: other work on the machine does not count);
- ms per page for lxml alone building the tree of the same page (the floor);
- the median over pages of the ratio of the two (goal: 2.5×, stretch 2×) and the peak memory of
  one parse pass (tracemalloc);
- with `--floor`, what no reading can go below, as ratios to lxml's tree too: decoding plus
  building our tree with nothing read, and a tree built from the article container's start tag
  on (what parsing only the article, not done, would save).

Run: .venv/bin/python benchmarks/parse_bench.py [--variants N] [--chrome made|portals] [--floor]
"""
from __future__ import annotations

import argparse
import random
import re
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from parsers import parse  # noqa: E402
from parsers.page import decode_html  # noqa: E402
from synthetic_portal import rewrite_prose  # noqa: E402

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


def variant(inner: str, rng: random.Random) -> str:
    """The body with its prose rewritten and every figure printed alone in an element changed."""
    inner = rewrite_prose(inner, rng)
    return re.sub(r">(\d{1,4})<", lambda m: f">{rng.randint(0, 10 ** len(m.group(1)) - 1)}<", inner)


# Real county detail pages (UCAP CMS, saved from the portal): their own chrome around the body.
PORTAL_PAGES = [ROOT / "tests" / "fixtures" / "portals" / name for name in
                ("05_wanzai_county_xxgk_detail_ucap.html", "06_wanzai_county_detail_pubdate_meta_mismatch.html")]
_BODY_MARK = "\ue000body\ue000"


def portal_chrome(path: Path):
    """A function (body, title, charset) → page: the real page with the report body in place of
    its article, its title and charset declarations changed to the report's."""
    from parsers.html import content_root

    root = lxml.html.document_fromstring(path.read_text("utf-8"))
    article = content_root(root)
    for child in list(article):
        article.remove(child)
    article.text = _BODY_MARK
    for meta in root.iter("meta"):
        if meta.get("name") == "ArticleTitle":
            meta.set("content", "\ue000title\ue000")
    root.find(".//title").text = "\ue000title\ue000 | 县人民政府"
    # lxml leaves the Content-Type declaration out of a text serialisation: put it back first.
    template = lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>").replace(
        "<head>", '<head><meta http-equiv="Content-Type" content="text/html; charset=\ue000charset\ue000">', 1)

    def wrap(body: str, title: str, charset: str) -> str:
        return (template.replace("\ue000title\ue000", title).replace("\ue000charset\ue000", charset)
                .replace(_BODY_MARK, body))
    return wrap


def pages(variants: int, chromes=(chrome,)) -> list[bytes]:
    rng = random.Random(5)
    out = []
    for path in sorted(FIXTURES.glob("*.html")):
        inner, title = body_of(path)
        for n in range(variants):
            body = variant(inner, rng)
            wrap = chromes[n % len(chromes)]
            out.append(wrap(body, title, "utf-8").encode("utf-8"))
            out.append(wrap(body, title, "gbk").encode("gb18030"))
    return out


def _cpu_ms(work) -> float:
    start = time.process_time()
    work()
    return (time.process_time() - start) * 1000


def print_floor(bodies: list[bytes], lxml_ms: list[float]) -> None:
    """The share of lxml's tree that no reading can avoid: decoding, and our own tree build (the
    parse's parser settings); and the tree from the article container's start tag to the page's
    end, the most that building only the article could save."""
    from lxml import etree

    from parsers.html import _PARSER, content_root
    from parsers.page import decode

    floor, article = [], []
    for body, base in zip(bodies, lxml_ms):
        def decode_and_tree():
            text, codec, _ = decode(body, None)
            etree.fromstring(body if codec == "utf-8" else text.encode("utf-8"), _PARSER)
        floor.append(_cpu_ms(decode_and_tree) / base)
        source = decode_html(body, None).encode("utf-8")
        container = content_root(etree.fromstring(source, _PARSER))
        attribute = f'id="{container.get("id")}"' if container.get("id") else f'class="{container.get("class")}"'
        start = source.rfind(b"<", 0, source.find(attribute.encode("utf-8")))
        article.append(_cpu_ms(lambda: etree.fromstring(source[start:], _PARSER)) / base)
    print(f"floor: decode + tree, nothing read: median {statistics.median(floor):.2f}x lxml; "
          f"tree from the article container on: median {statistics.median(article):.2f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=20, help="distinct versions of each fixture page")
    parser.add_argument("--chrome", choices=("made", "portals"), default="made",
                        help="made: chrome written here (56-119 KB pages); portals: the real county "
                             "pages of tests/fixtures/portals around the body (97-173 KB)")
    parser.add_argument("--floor", action="store_true",
                        help="also time decoding + tree alone, and a tree of the page from its article on")
    args = parser.parse_args(argv)
    bodies = pages(args.variants, (chrome,) if args.chrome == "made" else tuple(map(portal_chrome, PORTAL_PAGES)))
    sizes = [len(b) for b in bodies]
    parse(bodies[0], filename="r.html")      # imports and the label index, once
    lxml_ms, parse_ms, cells = [], [], []
    for body in bodies:                      # each page once: lxml's tree, then the whole parse
        text = decode_html(body, None)
        start = time.process_time()
        lxml.html.document_fromstring(text)
        lxml_ms.append((time.process_time() - start) * 1000)
        start = time.process_time()
        report = parse(body, filename="r.html")
        parse_ms.append((time.process_time() - start) * 1000)
        cells.append(len(report.cells))
    assert min(cells) >= 150, sorted(cells)[:5]
    tracemalloc.start()
    for body in bodies[:24]:
        parse(body, filename="r.html")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    ratios = [p / x for p, x in zip(parse_ms, lxml_ms)]
    print(f"pages: {len(bodies)} distinct  size: {min(sizes) // 1024}-{max(sizes) // 1024} KB "
          f"(median {statistics.median(sizes) / 1024:.0f} KB)")
    print(f"lxml tree only : {statistics.median(lxml_ms):6.2f} ms/page (median, from text)")
    print(f"parse()        : {statistics.median(parse_ms):6.2f} ms/page (median), "
          f"{1000 / statistics.median(parse_ms):.0f} reports/s")
    print(f"ratio parse/lxml per page: median {statistics.median(ratios):.2f}x, "
          f"quartiles {statistics.quantiles(ratios, n=4)[0]:.2f}-{statistics.quantiles(ratios, n=4)[2]:.2f}x "
          "(goal 2.5x, stretch 2x)")
    if args.floor:
        print_floor(bodies, lxml_ms)
    print(f"peak Python memory of a parse pass over 24 pages: {peak / 1024 / 1024:.1f} MB (tracemalloc); "
          f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
