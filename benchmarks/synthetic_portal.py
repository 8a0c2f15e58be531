"""A generated portal for measuring and scale-testing the crawler: N agencies in TRS columns of
50, five reports each (the seed 涧西区 2021 report renamed; with `distinct`, every report's prose
rewritten of its own), served from memory by a keep-alive asyncio HTTP server on loopback with
ETags, so the server is never the bottleneck.

Used by benchmarks/crawl_bench.py, benchmarks/distributed_bench.py and tests/distributed.
"""
from __future__ import annotations

import asyncio
import random
import re
import threading
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = next((ROOT / "tests" / "fixtures" / "seeds").glob("000_*.txt")).read_text("utf-8")
YEARS = (2021, 2022, 2023, 2024, 2025)   # in the 2021 edition, as the seed is (earlier years are YEAR_UNSURE)
AGENCIES_PER_SOURCE = 50
PER_PAGE = 20
POOL = "".join(re.findall(r"[\u4e00-\u9fff，。、]+", "".join(
    p.read_text("utf-8") for p in sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt")))))


def prose(rng: random.Random, length: int) -> str:
    """Text of `length` characters made of short pieces of the real reports: their common
    phrasing, but no two texts alike (Jaccard of 5-gram shingles ≈ 0.01 between two)."""
    out, size = [], 0
    while size < length:
        start = rng.randrange(len(POOL) - 8)
        piece = POOL[start:start + rng.randint(3, 6)]
        out.append(piece)
        size += len(piece)
    return "".join(out)


def rewrite_prose(body: str, rng: random.Random) -> str:
    """Every paragraph of more than 60 characters replaced by prose of the same length."""
    return re.sub(r"<p>([^<]{61,})</p>", lambda m: f"<p>{prose(rng, len(m.group(1)))}</p>", body)


def report_body() -> str:
    """The seed report (涧西区 2021) as HTML: paragraphs and tables."""
    return seed_html(SEED.splitlines()[2:])


def seed_html(lines: list[str]) -> str:
    """A seed's lines as HTML: paragraphs, and its tab-separated rows as tables."""
    out, rows = [], []
    for line in [*lines, ""]:
        if "\t" in line:
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in line.rstrip("\t").split("\t")) + "</tr>")
            continue
        if rows:
            out.append("<table>" + "".join(rows) + "</table>")
            rows = []
        if line.strip():
            out.append(f"<p>{line.strip()}</p>")
    return "\n".join(out)


# An organ's name holds no Arabic digits (the parser reads "第1号局" as no organ's name).
_NUMERALS = str.maketrans("0123456789", "〇一二三四五六七八九")


def agency_name(n: int) -> str:
    """The n-th generated agency: 第一号局, 第一〇号局, …"""
    return f"第{str(n).translate(_NUMERALS)}号局"


def build_portal(agencies: int, distinct: bool = False) -> tuple[dict[str, bytes], list[dict]]:
    """path → page bytes, and the sources (one TRS column per 50 agencies, 5 reports each).
    `distinct`: every report its own narrative, as real ones (else all share the seed's)."""
    body = report_body()
    rng = random.Random(2024)
    pages: dict[str, bytes] = {}
    sources = []
    names = [agency_name(n) for n in range(1, agencies + 1)]
    for s, start in enumerate(range(0, agencies, AGENCIES_PER_SOURCE)):
        group = names[start:start + AGENCIES_PER_SOURCE]
        items = []
        for a, name in enumerate(group):
            for year in YEARS:
                path = f"/s{s}/{year + 1}01/t{year + 1}0120_{a}.html"
                title = f"{name}{year}年政府信息公开工作年度报告"
                pages[path] = (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
                               f"<h1>{title}</h1><p>发布日期：{year + 1}-01-20</p><div class=TRS_Editor>"
                               f"{(rewrite_prose(body, rng) if distinct else body).replace('涧西区人民政府', name)}"
                               "</div></body></html>").encode()
                items.append((path, title, f"{year + 1}-01-20"))
        count = -(-len(items) // PER_PAGE)
        for k in range(count):
            rows = "".join(f"<li><a href='{p}'>{t}</a><span>{d}</span></li>"
                           for p, t, d in items[k * PER_PAGE:(k + 1) * PER_PAGE])
            name = "index.html" if k == 0 else f"index_{k}.html"
            pages[f"/s{s}/{name}"] = (
                f"<html><head><meta charset='utf-8'></head><body><ul>{rows}</ul><script>"
                f"createPageHTML({count}, {k}, \"index\", \"html\");</script></body></html>").encode()
        sources.append({"id": f"s{s}", "url": f"PORTAL/s{s}/index.html", "cms": "trs",
                        "agencies": [{"name": n, "level": "department"} for n in group]})
    pages["/robots.txt"] = b"User-agent: *\nAllow: /\n"
    return pages, sources


class Portal:
    """A minimal HTTP/1.1 keep-alive server on asyncio, answering from memory, with ETags."""

    def __init__(self, pages: dict[str, bytes], latency: float = 0.0):
        self.pages = pages
        self.latency = latency            # seconds per answer: a remote portal (distributed_bench)
        self.hits: Counter = Counter()    # (path, status) → requests
        self.etags = {path: f'"{hash(body) & 0xffffffff:x}"' for path, body in pages.items()}
        self.counts: Counter = Counter()
        self.sent = 0                     # bytes of content answered
        self.port = 0
        self.loop = asyncio.new_event_loop()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
                body, etag = self.pages.get(path), self.etags.get(path)
                if body is None:
                    status, body = "404 Not Found", b"not found"
                elif headers.get("if-none-match") == etag:
                    status, body = "304 Not Modified", b""
                else:
                    status = "200 OK"
                self.counts[(path.endswith(".html") and "/t" in path and "report" or "other", status[:3])] += 1
                self.hits[(path, status[:3])] += 1
                self.sent += len(body)
                if self.latency:
                    await asyncio.sleep(self.latency)
                writer.write((f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n"
                              f"Content-Length: {len(body)}\r\nETag: {etag or ''}\r\n\r\n").encode() + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, IndexError):
            pass
        finally:
            writer.close()

    def start(self) -> None:
        ready = threading.Event()

        async def serve():
            server = await asyncio.start_server(self.handle, "127.0.0.1", 0, backlog=1024)
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            async with server:
                await server.serve_forever()

        threading.Thread(target=lambda: self.loop.run_until_complete(serve()), daemon=True).start()
        ready.wait()
