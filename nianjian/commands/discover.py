"""`nianjian discover URL`: a region's sources file from its portal (crawler/spiders/discover.py)."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from nianjian import discovery
from nianjian.commands import WORDS
from nianjian.errors import UserError, read_user_file


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "discover", help="find a region's organs and their report columns: write a sources file",
        description="Start from a government portal's home page or its 政府信息公开 platform, follow its "
                    "organ directories (部门, 区县, 乡镇街道) politely, find each organ's annual-report column "
                    "and write a sources file. Review it before monitoring (docs/crawling.md).")
    parser.add_argument("url", help="the portal's home page or 政府信息公开 platform")
    parser.add_argument("--out", metavar="FILE", help="write the sources file here (default: standard output)")
    parser.add_argument("--merge", metavar="FILE",
                        help="update this sources file: new organs added, moved columns updated, ids and "
                             "hand-edited keys kept, organs no longer linked marked `unlisted`")
    parser.add_argument("--depth", type=int, default=4, metavar="N",
                        help="links followed from the start page to an organ's page, at most (default 4)")
    parser.add_argument("--max-pages", type=int, default=500, metavar="N", help="pages fetched, at most (default 500)")
    parser.add_argument("-s", "--set", dest="overrides", action="append", default=[], metavar="NAME=VALUE",
                        help="override a crawler setting, e.g. -s DOWNLOAD_DELAY=2 (repeatable)")
    parser.set_defaults(func=run)


def run(args) -> int:
    if urlsplit(args.url).scheme not in ("http", "https") or not urlsplit(args.url).hostname:
        raise UserError(WORDS["errors"]["not_http"].format(url=args.url))
    if args.depth < 1 or args.max_pages < 1:
        raise UserError(WORDS["errors"]["depth"])
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

    text = read_user_file(Path(path), "sources file")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise UserError(WORDS["errors"]["not_yaml"].format(path=path, error=error.__class__.__name__)) from None
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
