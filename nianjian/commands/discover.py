"""`nianjian discover URL`: a region's sources file from its portal (crawler/spiders/discover.py)."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from nianjian import discovery
from nianjian.errors import UserError, read_user_file


def register(subparsers) -> None:
    parser = subparsers.add_parser("discover")
    parser.add_argument("url")
    parser.add_argument("--out", metavar="FILE")
    parser.add_argument("--merge", metavar="FILE")
    parser.add_argument("--depth", type=int, default=4, metavar="N")
    parser.add_argument("--max-pages", type=int, default=500, metavar="N")
    parser.add_argument("-s", "--set", dest="overrides", action="append", default=[], metavar="NAME=VALUE")
    parser.set_defaults(func=run)


def run(args) -> int:
    if urlsplit(args.url).scheme not in ("http", "https") or not urlsplit(args.url).hostname:
        raise UserError.said("not_http", url=args.url)
    if args.depth < 1 or args.max_pages < 1:
        raise UserError.said("depth")
    existing = _existing(args.merge) if args.merge else None
    found = _crawl(args)
    today = date.today().isoformat()
    sources = (discovery.merge(existing, found, today) if existing is not None
               else discovery.discovered_sources(found))
    text = discovery.render(sources, found, today)
    out = args.out or args.merge
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    _print_summary(found, out)
    return 0 if found.organs else 1


def _existing(path: str) -> list[dict]:
    from nianjian.sources import parse_sources

    text = read_user_file(Path(path), "sources")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise UserError.said("not_yaml", path=path, error=error.__class__.__name__) from None
    parse_sources(data, path)                  # the same checks as every other reader of the file
    return data["sources"]


def _crawl(args):
    from rich.console import Console
    from scrapy.crawler import CrawlerProcess
    from crawler.run import crawl_settings

    settings = crawl_settings(db="", sources="", overrides=args.overrides)
    settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    console = Console(stderr=True)
    status = console.status("discover …")

    def progress(pages: int, organs: int, columns: int) -> None:
        status.update(f"discover: {pages} 页 pages, {organs} 机关 organs, {columns} 年报栏目 columns")

    process = CrawlerProcess(settings)
    crawler = process.create_crawler("discover")
    with status:
        process.crawl(crawler, url=args.url, depth=args.depth, max_pages=args.max_pages, on_page=progress)
        process.start()
    return crawler.spider.found


def _print_summary(found, out: str | None) -> None:
    from rich.console import Console
    from rich.table import Table
    from crawler.directory import wording

    table = Table(title=f"discover {found.start}" + (f" → {out}" if out else ""), title_justify="left")
    for heading in ("层级 level", "机关 organs", "找到栏目 columns", "未找到 not found"):
        table.add_column(heading, justify="left" if heading.startswith("层级") else "right")
    summary = found.summary()
    for level, counts in summary.items():
        table.add_row(wording()["level_words"][level], str(counts["organs"]), str(counts["columns"]),
                      str(counts["not_found"]))
    table.add_row("[bold]合计 all", *(str(sum(c[k] for c in summary.values()))
                                      for k in ("organs", "columns", "not_found")))
    Console(stderr=True).print(table)
